"""Interactive exploration of a scenario in the browser (Mesa's SolaraViz).

- :mod:`sim.viz.controls`: the sliders and switches, and how their values become a validated
  scenario (``build_model``); no web dependency.
- :mod:`sim.viz.views`: the figures (firm network, adoption, survival and income, collaboration,
  policy spending) as plain matplotlib functions of a model.
- :mod:`sim.viz.app`: the SolaraViz page (``msme-sim viz`` runs it with ``solara run``).
"""
