"""The SolaraViz page: ``msme-sim viz [SCENARIO]`` (or ``solara run sim/viz/app.py``).

Sidebar: Reset / Play / Step (SolaraViz's own controller) and the controls of
:mod:`sim.viz.controls`; Reset rebuilds the model from the current control values. Main area: the
figures of :mod:`sim.viz.views`, redrawn after every step. The scenario file comes from
``$MSME_SIM_VIZ_SCENARIO`` (set by ``msme-sim viz``), else the default scenario.
"""

from __future__ import annotations

import solara
from mesa.visualization import SolaraViz

from sim.viz import views
from sim.viz.controls import VizModel, app_scenario, model_params

RENDER = {"format": "png"}


def show(fig) -> None:
    """Render a matplotlib figure as an image (re-rendered on every step)."""
    solara.FigureMatplotlib(fig, **RENDER)


def NetworkView(model):
    """Headline numbers and the firm network by village, coloured by digital level."""
    with solara.Column(classes=["msme-network"]):
        # Plain text: solara.Markdown would load KaTeX, which the offline assets lack.
        solara.Text(views.summary_text(model), classes=["msme-summary"], style="font-weight: 500")
        show(views.network_figure(model))


def AdoptionView(model):
    show(views.adoption_figure(model.monthly()))


def SurvivalIncomeView(model):
    show(views.survival_income_figure(model.monthly(), model.catalogue()))


def CollaborationView(model):
    show(views.collaboration_figure(model.monthly(), model.catalogue()))


def PolicySpendView(model):
    show(views.policy_spend_figure(model.monthly(), model.catalogue()))


COMPONENTS = [NetworkView, AdoptionView, SurvivalIncomeView, CollaborationView, PolicySpendView]

scenario_path = app_scenario()
model = VizModel(scenario_path)
page = SolaraViz(
    model,
    components=COMPONENTS,
    model_params=model_params(scenario_path),
    name=f"msme-sim: {model.scenario.name}",
)
