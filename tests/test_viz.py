"""The interactive app without a browser: controls → scenario → model, figures, ``msme-sim viz``."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import load_scenario
from sim.errors import ConfigError
from sim.interventions import POLICIES
from sim.params import TABLE, check_range
from sim.rules import MECHANISMS, Mechanism, Variant
from sim.viz import controls, firms, server, views
from sim.viz.controls import groups, mechanism_group
from sim.viz.session import RunHistory, VizModel, build_model, build_scenario, problem
from tests.conftest import SCENARIOS
from tests.test_viz_browser import require_solara

BASELINE = SCENARIOS / "baseline.yaml"


def test_controls_become_scenario_options():
    scenario = build_scenario(
        BASELINE,
        {
            "firms.count": 300,
            "firms.literacy_mean": 0.3,
            "connectivity.coverage_mean": 0.5,
            "connectivity.data_price_idr_per_gb": 30000,
            "months": 24,
            "seed": 7,
            "rules.digital_adoption.q": 0.5,
        },
    )
    assert scenario.firms.count == 300
    assert scenario.firms.literacy_mean == 0.3
    assert scenario.connectivity.coverage_mean == 0.5
    assert scenario.connectivity.data_price_idr_per_gb == 30000.0
    assert (scenario.months, scenario.seed) == (24, 7)
    assert scenario.rules["digital_adoption"]["q"] == 0.5


def test_model_steps_and_stops_at_the_horizon():
    model = build_model(BASELINE, {"firms.count": 200, "months": 12})
    for _ in range(11):
        model.step()
    assert model.running
    model.step()
    assert not model.running
    assert (model.month, model.steps) == (12, 12)
    assert len(model.monthly()) == 12
    assert model.state.n >= 200


def test_mechanism_switch_turns_the_rule_off():
    model = build_model(BASELINE, {"firms.count": 300, "rules.digital_adoption.enabled": False})
    assert model.scenario.rules["digital_adoption"]["enabled"] is False
    founders = np.flatnonzero(model.state.founder)
    levels = model.state.level[founders].copy()
    literacy = model.state.literacy[founders].copy()
    for _ in range(6):
        model.step()
    assert np.array_equal(model.state.level[founders], levels)
    assert np.array_equal(model.state.literacy[founders], literacy)

    switched_on = build_model(BASELINE, {"firms.count": 300})
    for _ in range(6):
        switched_on.step()
    assert not np.array_equal(switched_on.state.level[founders], levels)


def test_bad_control_values_are_config_errors():
    with pytest.raises(ConfigError) as err:
        build_scenario(BASELINE, {"firms.literacy_mean": 1.5})
    assert err.value.path == "firms.literacy_mean"
    with pytest.raises(ConfigError) as err:
        build_scenario(BASELINE, {"flux_capacitor": 1})
    assert err.value.path == "flux_capacitor"
    assert "firms.count" in err.value.message and "rules.<mechanism>" in err.value.message
    with pytest.raises(ConfigError) as err:
        build_scenario(BASELINE, {"rules.partnering.chance": 0.1})
    assert err.value.path == "rules.partnering.chance"
    assert problem(BASELINE, {"firms.count": 0}).startswith(f"{BASELINE}: firms.count: ")
    assert problem(BASELINE, {"firms.count": 50}) is None


def test_panels_start_at_the_scenario_values_and_list_every_mechanism(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        f"extends: {BASELINE}\nfirms: {{count: 700, literacy_mean: 0.42}}\n"
        "rules: {market: {enabled: false}, digital_adoption: {q: 0.5}}\n"
    )
    panels = {g.name: g for g in groups(load_scenario(scenario))}
    run = {c.path: c for c in panels["run"].params}
    assert run["firms.count"].value == 700
    assert run["firms.literacy_mean"].value == 0.42
    assert {m for m, mech in MECHANISMS.items() if mech.builtin} <= set(panels)
    assert set(POLICIES.names()) <= set(panels)
    assert panels["market"].switch.value is False
    assert panels["finance"].switch.value is True
    q = next(c for c in panels["digital_adoption"].params if c.path.endswith(".q"))
    assert (q.value, q.unit) == (0.5, TABLE["rules.digital_adoption.q"].unit)
    assert q.shown(q.value) == "0.5 1/year"


def test_every_slider_stays_inside_the_declared_range():
    sliders = [
        c for g in groups(load_scenario(BASELINE)) for c in g.controls if c.kind in ("int", "float")
    ]
    assert len(sliders) > 100
    for c in sliders:
        assert c.min <= c.value <= c.max, c.path
        assert 0 < c.step <= c.max - c.min, c.path
        assert check_range(c.path, c.min) is None and check_range(c.path, c.max) is None, c.path
    counts = {c.path: c for c in sliders}["rules.partnering.candidates"]
    assert counts.kind == "int" and counts.unit == "firms"


def test_the_variant_picker_offers_every_variant_with_its_settings():
    scenario = load_scenario(BASELINE)
    group = mechanism_group("co_creation", scenario)
    assert group.picker.choices == tuple(sorted(MECHANISMS["co_creation"].variants))
    assert group.picker.value == scenario.rules["co_creation"]["use"]
    other = mechanism_group("co_creation", scenario, "capacity_aware")
    settings = MECHANISMS["co_creation"].variants["capacity_aware"].settings
    assert [c.path.rsplit(".", 1)[1] for c in other.params] == list(settings)
    assert other.picker.value == group.picker.value  # the panel compares with the scenario's

    from sim.viz.panels import changed

    values = changed({"rules.co_creation.intensity": 2.0}, other.picker, "capacity_aware")
    assert values == {"rules.co_creation.use": "capacity_aware"}  # a variant starts afresh
    fill = next(c for c in other.params if c.path.endswith("fill_utilisation"))
    values = changed(values, fill, 0.8)
    built = build_scenario(BASELINE, values)
    assert built.rules["co_creation"]["use"] == "capacity_aware"
    assert built.rules["co_creation"]["fill_utilisation"] == 0.8
    assert changed(values, fill, fill.value) == {"rules.co_creation.use": "capacity_aware"}


PLUGIN = """
from sim.rules import mechanism, per_firm, rule_table, variant

mechanism("viz_savings", after="finance")
P = rule_table(
    "viz_savings",
    ("rate", 0.2, "share of cash", "assumption", "saved each month", {"ge": 0.0, "le": 1.0}),
)


@variant("viz_savings", "simple")
def simple(model, rng, *, rate=P.rate):
    pass


@per_firm("digital_adoption", "viz_word_of_mouth")
def word_of_mouth(firm, rng, *, chance=0.05):
    pass
"""


@pytest.fixture
def registries():
    """Restore the mechanism registry and the parameter table after a plugin was loaded."""
    mechanisms = dict(MECHANISMS)
    variants = {name: dict(m.variants) for name, m in MECHANISMS.items()}
    table = dict(TABLE)
    yield
    MECHANISMS.clear()
    MECHANISMS.update(mechanisms)
    for name, m in MECHANISMS.items():
        m.variants.clear()
        m.variants.update(variants[name])
    TABLE.clear()
    TABLE.update(table)


def test_a_plugins_mechanism_and_variant_get_the_same_controls(tmp_path, registries):
    (tmp_path / "plug.py").write_text(PLUGIN)
    path = tmp_path / "s.yaml"
    path.write_text(f"extends: {BASELINE}\nplugins: [plug.py]\n")
    scenario = load_scenario(path)
    panels = {g.name: g for g in groups(scenario)}
    savings = panels["viz_savings"]
    assert savings.origin == "plugin plug.py"
    assert savings.switch.value is True and savings.picker.choices == ("simple",)
    (rate,) = savings.params
    assert (rate.unit, rate.min, rate.max) == ("share of cash", 0.0, 1.0)
    assert "viz_word_of_mouth" in panels["digital_adoption"].picker.choices
    picked = mechanism_group("digital_adoption", scenario, "viz_word_of_mouth")
    (chance,) = picked.params  # not in the table: no unit, a range around its default
    assert chance.min <= 0.05 <= chance.max
    built = build_scenario(
        path,
        {
            "rules.viz_savings.rate": 0.5,
            "rules.digital_adoption.use": "viz_word_of_mouth",
            "rules.digital_adoption.chance": 0.2,
        },
    )
    assert built.rules["viz_savings"]["rate"] == 0.5
    assert built.rules["digital_adoption"] == {
        "use": "viz_word_of_mouth",
        "enabled": True,
        "chance": 0.2,
    }


def test_a_mechanism_registered_later_gets_a_panel(monkeypatch):
    import sim.rules

    builtin = Mechanism("viz_test_mechanism", origin=sim.rules.__file__, after="exit_entry")
    monkeypatch.setitem(MECHANISMS, "viz_test_mechanism", builtin)
    builtin.variants["plain"] = Variant(lambda model, rng: None)
    builtin.default = "plain"
    panels = {g.name: g for g in groups(load_scenario(BASELINE))}
    assert panels["viz_test_mechanism"].switch.kind == "bool"
    off = build_scenario(BASELINE, {"rules.viz_test_mechanism.enabled": False})
    assert off.rules["viz_test_mechanism"]["enabled"] is False


class _TestPolicy:
    """A stand-in policy: only its keyword settings matter here."""

    def __init__(self, *, start: int = 0, budget_idr: float = 0.0):
        self.start, self.budget_idr = start, budget_idr


def test_registered_policies_get_a_switch_and_a_budget(monkeypatch, tmp_path):
    monkeypatch.setitem(POLICIES._items, "viz_test_policy", _TestPolicy)
    panel = controls.policy_group("viz_test_policy", load_scenario(BASELINE))
    assert panel.switch.value is False
    (budget,) = panel.params
    assert (budget.unit, budget.scale) == ("Rp billion", controls.BILLION)
    assert budget.shown(2.5e9) == "2.5 Rp billion"

    switch = {"policies.viz_test_policy": True, "policies.viz_test_policy.budget_idr": 2.5e9}
    on = build_scenario(BASELINE, switch)
    assert on.policies == [{"use": "viz_test_policy", "start": 0, "budget_idr": 2.5e9}]

    scenario = tmp_path / "with_policy.yaml"
    scenario.write_text(
        f"extends: {BASELINE}\npolicies: [{{use: viz_test_policy, start: 6, budget_idr: 4.0e+9}}]\n"
    )
    panel = controls.policy_group("viz_test_policy", load_scenario(scenario))
    assert panel.switch.value is True
    assert panel.params[0].value == 4.0e9
    kept = build_scenario(scenario, {"policies.viz_test_policy.budget_idr": 1.0e9})
    assert kept.policies == [{"use": "viz_test_policy", "start": 6, "budget_idr": 1.0e9}]
    assert build_scenario(scenario, {"policies.viz_test_policy": False}).policies == []


def test_run_history_keeps_the_last_run_with_other_settings():
    runs = RunHistory()
    first = VizModel(BASELINE, {"firms.count": 200}, runs)
    assert runs.previous is None and runs.changes() == []
    second = VizModel(BASELINE, {"firms.count": 200}, runs)  # Reset with the same settings
    assert runs.previous is None and runs.current.model is second is not first
    for _ in range(3):
        second.step()
    third = VizModel(BASELINE, {"firms.count": 200, "rules.partnering.use": "random"}, runs)
    assert runs.previous.model is second and runs.current.model is third
    default_use = load_scenario(BASELINE).rules["partnering"]["use"]
    assert runs.changes() == [f"rules.partnering.use: {default_use} → random"]
    for _ in range(3):
        third.step()
    earlier = runs.previous.model.monthly()
    fig = views.comparison_figure(third.monthly(), earlier, runs.changes(), name="survival_rate")
    lines = fig.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["previous settings", "this run"]
    assert np.allclose(lines[0].get_ydata(), earlier["survival_rate"])
    assert np.allclose(lines[1].get_ydata(), third.monthly()["survival_rate"])
    assert any("partnering.use" in text.get_text() for text in fig.axes[0].texts)


def test_firm_inspector_shows_every_column_of_a_firm():
    model = build_model(BASELINE, {"firms.count": 200})
    model.step()
    rows = firms.village_firms(model, 0)
    assert rows and all(model.state.village[r["firm"]] == 0 for r in rows)
    assert len(rows) == int((model.state.village == 0).sum())
    firm = rows[0]["firm"]
    state = {r["column"]: r for r in firms.firm_state(model, firm)}
    assert set(state) == set(model.state.declared)
    assert state["cash"]["unit"] == model.state.declared["cash"].unit
    assert state["level"]["value"] == str(model.state.level[firm])


def test_firm_positions_stay_put_as_firms_enter():
    rng = np.random.default_rng(3)
    village, sector = rng.integers(0, 9, 500), rng.integers(0, 5, 500)
    all_rows = views.firm_positions(village, sector, 9)
    assert np.array_equal(views.firm_positions(village[:300], sector[:300], 9), all_rows[:300])
    cell = np.floor(all_rows).astype(int)  # each firm sits in its village's grid cell (3×3)
    inside = (cell[:, 0] == village % 3) & (cell[:, 1] == village // 3)
    assert inside.mean() > 0.95


def test_network_figure_caps_drawn_firms_and_ties():
    model = build_model(BASELINE, {"firms.count": 1200})
    fig = views.network_figure(model, max_firms=400, max_edges=150)
    ax = fig.axes[0]
    points = sum(len(c.get_offsets()) for c in ax.collections[1:])
    assert points == 400
    assert len(ax.collections[0].get_segments()) == 150
    assert "400 of 1200 firms" in ax.get_title()


def test_time_series_figures_plot_the_months_so_far():
    model = build_model(BASELINE, {"firms.count": 200})
    empty = model.monthly()
    for draw in (
        views.adoption_figure,
        views.survival_income_figure,
        views.collaboration_figure,
        views.policy_spend_figure,
    ):
        draw(empty)  # before the first step: an empty plot, not an error
    for _ in range(5):
        model.step()
    frame = model.monthly()
    survival = views.survival_income_figure(frame).axes[0].get_lines()[0]
    assert np.array_equal(survival.get_xdata(), np.arange(1, 6))
    assert np.allclose(survival.get_ydata(), frame["survival_rate"])
    stacks = views.adoption_figure(frame).axes[0].collections
    assert len(stacks) == 3


@pytest.mark.filterwarnings("ignore:.*use_state. found despite early return:UserWarning")
def test_app_page_renders_and_reset_builds_a_model_from_the_panels(monkeypatch):
    require_solara()
    import ipyvuetify as v
    import ipywidgets
    import solara
    from mesa.visualization.solara_viz import _check_model_params, _wrap_component

    from sim.viz import app

    monkeypatch.setenv(controls.SCENARIO_ENV, str(BASELINE))
    _, rc = solara.render(app.Page(), handle_error=False)
    assert len(rc.find(ipywidgets.Image).widgets) == 5  # the figures besides the network
    rc.close()

    runs = RunHistory()
    params = {"scenario_path": str(BASELINE), "controls": {"firms.count": 250}, "runs": runs}
    _check_model_params(VizModel.__init__, params)
    model = VizModel(**params)  # what the controller's Reset does
    for _ in range(3):
        model.step()
    assert (model.scenario.firms.count, model.month, runs.current.model) == (250, 3, model)
    for component in app.COMPONENTS:  # rendered as SolaraViz renders them
        _, rc = solara.render(_wrap_component(component)(model), handle_error=False)
        if component is app.NetworkView:
            image = rc.find(v.Html, tag="img").widget
            assert image.attributes["src"].startswith("data:image/png;base64,")
        elif component is app.FirmInspector:
            table = rc.find(v.DataTable, class_="msme-firm-table").widget
            first = table.items[0]
            table.fire_event("click:row", first)  # what a click on the row sends
            state = rc.find(v.DataTable, class_="msme-firm-state").widget
            assert {row["column"] for row in state.items} == set(model.state.declared)
            assert rc.find(v.Html, children=[f"Firm {first['firm']} in month 3"]).widgets
        elif component is app.ComparisonView:
            image = rc.find(ipywidgets.Image).widget
            before = image.value
            picker = rc.find(v.Select, label="compare").widget
            picker.v_model = model.catalogue()["survival_rate"].label
            assert rc.find(ipywidgets.Image).widget.value != before
        else:
            assert rc.find(ipywidgets.Image).widgets
        rc.close()


def test_clicking_a_firm_in_the_network_selects_it():
    require_solara()
    import io

    import ipyvuetify as v
    import solara
    from mesa.visualization.solara_viz import _wrap_component

    from sim.viz import panels

    model = build_model(BASELINE, {"firms.count": 300})
    model.step()
    rows, pos = views.drawn_firms(model)
    fig = views.network_figure(model)
    fig.savefig(io.BytesIO(), format="png")  # lays the axes out as on the page
    x, y = fig.axes[0].transData.transform(pos[rows[7]])
    height = fig.get_size_inches()[1] * fig.dpi
    try:
        _, rc = solara.render(_wrap_component(panels.NetworkView)(model), handle_error=False)
        image = rc.find(v.Html, tag="img").widget
        image.fire_event("click", {"offsetX": x + 2, "offsetY": height - y + 1})
        assert panels.SELECTED.value == rows[7]
        image.fire_event("click", {"offsetX": 1, "offsetY": 1})  # the corner: no firm there
        assert panels.SELECTED.value == rows[7]
        rc.close()
    finally:
        panels.SELECTED.set(None)


def test_the_panels_change_the_values_reset_uses():
    require_solara()
    import ipyvuetify as v
    import solara

    from sim.viz.panels import ScenarioControls

    scenario = load_scenario(BASELINE)
    seen = []

    @solara.component
    def Panels():
        values = solara.use_reactive({})
        seen.append(values.value)
        ScenarioControls(scenario, values.value, values.set)

    _, rc = solara.render(Panels(), handle_error=False)
    assert not rc.find(v.Slider).widgets  # closed panels draw no inputs
    headers = rc.find(v.ExpansionPanelHeader).widgets
    titles = [str(h.children) for h in headers]
    index = next(i for i, t in enumerate(titles) if "partnering (built-in)" in t)
    rc.find(v.ExpansionPanels).widget.v_model = [index]
    picker = rc.find(v.Select, label="variant").widget
    assert set(picker.items) == set(MECHANISMS["partnering"].variants)
    picker.v_model = "random"
    assert seen[-1] == {"rules.partnering.use": "random"}
    assert rc.find(v.Html, children=["gain_rate: 0.1 share of revenue"]).widgets
    rc.close()


def test_viz_command_rejects_a_missing_scenario(cli, tmp_path):
    code, out, err = cli("viz", tmp_path / "nope.yaml", "--port", 1)
    assert code == 2
    assert out == ""
    assert err.strip().splitlines() == [f"error: {tmp_path / 'nope.yaml'}: file: no such file"]


def test_default_scenario_prefers_sidoarjo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "baseline.yaml").write_text("name: b\n")
    assert str(controls.default_scenario()) == "scenarios/baseline.yaml"
    (tmp_path / "scenarios" / "sidoarjo_whatsapp.yaml").write_text("name: s\n")
    assert str(controls.default_scenario()) == "scenarios/sidoarjo_whatsapp.yaml"


def test_server_command_and_environment(tmp_path):
    command = server.solara_command("127.0.0.1", 8123)
    assert command[1:4] == ["-m", "solara", "run"]
    assert command[4].endswith("sim/viz/app.py")
    assert ["--host", "127.0.0.1"] == command[5:7] and ["--port", "8123"] == command[7:9]
    env = server.solara_env(BASELINE)
    assert env[controls.SCENARIO_ENV] == str(BASELINE.resolve())
    assert "--no-open" in command and "--production" in command


def test_collaboration_view_plots_real_outcomes():
    from sim.catalogue import builtin_outcomes
    from sim.viz.views import COLLABORATION_METRICS

    assert set(COLLABORATION_METRICS) <= set(builtin_outcomes())
