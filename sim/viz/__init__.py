"""Interactive exploration of a scenario in the browser (Mesa's SolaraViz).

- :mod:`sim.viz.controls`: the panels of inputs, generated from the parameter table and the
  mechanism and policy registries; no web dependency.
- :mod:`sim.viz.session`: control values → a validated scenario → a model (``build_model``),
  and the runs a browser session compares; no web dependency.
- :mod:`sim.viz.views` and :mod:`sim.viz.firms`: the figures (firm network, adoption, survival
  and income, collaboration, policy spending, run comparison) as plain matplotlib functions of
  a model, and the firm inspector's rows.
- :mod:`sim.viz.panels`: the Solara components (panels, clickable network, comparison, firm
  inspector); :mod:`sim.viz.app`: the page (``msme-sim viz`` runs it with ``solara run``).
"""
