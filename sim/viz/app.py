"""The page: ``msme-sim viz [SCENARIO]`` (or ``solara run sim/viz/app.py``).

It is SolaraViz's page (Mesa's controller, step counter and draggable views) with the flat
"Model Parameters" card replaced by the grouped panels of :mod:`sim.viz.panels`, which SolaraViz
cannot draw. Sidebar: Reset / Play / Step, the play and render intervals, the step counter and
the panels; Reset rebuilds the model from the panels' values. Main area: the figures of
:mod:`sim.viz.views`, the run comparison and the firm inspector, redrawn after every step. The
scenario file comes from ``$MSME_SIM_VIZ_SCENARIO`` (set by ``msme-sim viz``), else the default
scenario.
"""

from __future__ import annotations

import solara
from mesa.visualization.solara_viz import ComponentsView, ModelController, ShowSteps

from sim.config import load_scenario
from sim.viz import views
from sim.viz.controls import app_scenario
from sim.viz.panels import ComparisonView, FirmInspector, NetworkView, ScenarioControls, show
from sim.viz.session import RunHistory, VizModel, problem


def AdoptionView(model):
    show(views.adoption_figure(model.monthly()))


def SurvivalIncomeView(model):
    show(views.survival_income_figure(model.monthly(), model.catalogue()))


def CollaborationView(model):
    show(views.collaboration_figure(model.monthly(), model.catalogue()))


def PolicySpendView(model):
    show(views.policy_spend_figure(model.monthly(), model.catalogue()))


COMPONENTS = [
    NetworkView,
    AdoptionView,
    SurvivalIncomeView,
    CollaborationView,
    PolicySpendView,
    ComparisonView,
    FirmInspector,
]


@solara.component
def Page():
    """One browser session: its own model, control values and run history."""
    path = solara.use_memo(app_scenario, [])
    scenario = solara.use_memo(lambda: load_scenario(path), [path])
    runs = solara.use_memo(RunHistory, [])
    first = solara.use_memo(lambda: VizModel(path, {}, runs), [])
    model = solara.use_reactive(first)
    values = solara.use_reactive({})
    params = solara.use_reactive({"scenario_path": str(path), "controls": {}, "runs": runs})
    play_interval = solara.use_reactive(100)
    render_interval = solara.use_reactive(1)

    error = solara.use_reactive("")

    def apply(new: dict) -> None:
        """Keep the panels' values; Reset uses them only when they make a valid scenario."""
        values.set(new)
        error.set(problem(path, new) or "")
        if not error.value:
            params.set({**params.value, "controls": new})

    with solara.AppBar():
        solara.AppBarTitle(f"msme-sim: {scenario.name}")
    with solara.Sidebar(), solara.Column():
        with solara.Card("Controls"):
            solara.SliderInt(
                f"Play Interval: {play_interval.value} ms",
                value=play_interval,
                min=1,
                max=500,
                step=10,
            )
            solara.SliderInt(
                f"Render Interval: {render_interval.value} steps",
                value=render_interval,
                min=1,
                max=100,
                step=1,
            )
            ModelController(
                model,
                model_parameters=params,
                play_interval=play_interval,
                render_interval=render_interval,
                use_threads=solara.use_reactive(False),
            )
        with solara.Card("Information"):
            ShowSteps(model.value)
        with solara.Card("Model Parameters"):
            if error.value:
                solara.Warning(f"{error.value} (Reset keeps the last valid settings)")
            ScenarioControls(scenario, values.value, apply)
    ComponentsView([(view, 0) for view in COMPONENTS], model.value)  # it edits the list
