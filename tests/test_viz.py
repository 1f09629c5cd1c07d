"""The interactive app without a browser: controls → scenario → model, figures, ``msme-sim viz``."""

from __future__ import annotations

import numpy as np
import pytest

from sim.errors import ConfigError
from sim.interventions import POLICIES
from sim.rules import MECHANISMS, Mechanism, Variant
from sim.viz import controls, server, views
from sim.viz.controls import VizModel, build_model, build_scenario, model_params
from tests.conftest import SCENARIOS
from tests.test_viz_browser import require_solara

BASELINE = SCENARIOS / "baseline.yaml"


def slider_values(params: dict) -> dict:
    """What SolaraViz passes to the model class: fixed values and each input's value."""
    return {k: (v["value"] if isinstance(v, dict) else v) for k, v in params.items()}


def test_controls_become_scenario_options():
    scenario = build_scenario(
        BASELINE, firms=300, literacy=0.3, coverage=0.5, data_price=30000, months=24, seed=7
    )
    assert scenario.firms.count == 300
    assert scenario.firms.literacy_mean == 0.3
    assert scenario.connectivity.coverage_mean == 0.5
    assert scenario.connectivity.data_price_idr_per_gb == 30000.0
    assert (scenario.months, scenario.seed) == (24, 7)


def test_model_steps_and_stops_at_the_horizon():
    model = build_model(BASELINE, firms=200, months=12)
    for _ in range(11):
        model.step()
    assert model.running
    model.step()
    assert not model.running
    assert (model.month, model.steps) == (12, 12)
    assert len(model.monthly()) == 12
    assert model.state.n >= 200


def test_mechanism_switch_turns_the_rule_off():
    model = build_model(BASELINE, firms=300, digital_adoption_on=False)
    assert model.scenario.rules["digital_adoption"]["enabled"] is False
    founders = np.flatnonzero(model.state.founder)
    levels = model.state.level[founders].copy()
    literacy = model.state.literacy[founders].copy()
    for _ in range(6):
        model.step()
    assert np.array_equal(model.state.level[founders], levels)
    assert np.array_equal(model.state.literacy[founders], literacy)

    switched_on = build_model(BASELINE, firms=300, digital_adoption_on=True)
    for _ in range(6):
        switched_on.step()
    assert not np.array_equal(switched_on.state.level[founders], levels)


def test_bad_control_values_are_config_errors():
    with pytest.raises(ConfigError) as err:
        build_scenario(BASELINE, literacy=1.5)
    assert err.value.path == "firms.literacy_mean"
    with pytest.raises(ConfigError) as err:
        build_scenario(BASELINE, flux_capacitor=1)
    assert err.value.path == "flux_capacitor"
    assert "firms" in err.value.message and "market_on" in err.value.message


def test_model_params_start_at_the_scenario_values_and_list_every_mechanism(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        f"extends: {BASELINE}\nfirms: {{count: 700, literacy_mean: 0.42}}\n"
        "rules: {market: {enabled: false}}\n"
    )
    params = model_params(scenario)
    assert params["scenario_path"] == str(scenario)
    assert params["firms"]["value"] == 700
    assert params["literacy"]["value"] == 0.42
    assert {f"{m}_on" for m, mech in MECHANISMS.items() if mech.builtin} <= set(params)
    assert params["market_on"]["value"] is False
    assert params["finance_on"]["value"] is True
    for knob in controls.KNOBS:
        p = params[knob.name]
        assert p["min"] <= p["value"] <= p["max"]


def test_a_mechanism_registered_later_gets_a_switch(monkeypatch):
    import sim.rules

    builtin = Mechanism("viz_test_mechanism", origin=sim.rules.__file__, after="exit_entry")
    monkeypatch.setitem(MECHANISMS, "viz_test_mechanism", builtin)
    builtin.variants["plain"] = Variant(lambda model, rng: None)
    builtin.default = "plain"
    params = model_params(BASELINE)
    assert params["viz_test_mechanism_on"]["type"] == "Checkbox"
    off = build_scenario(BASELINE, viz_test_mechanism_on=False)
    assert off.rules["viz_test_mechanism"]["enabled"] is False


class _TestPolicy:
    """A stand-in policy: only its keyword settings matter here."""

    def __init__(self, *, start: int = 0, budget_idr: float = 0.0):
        self.start, self.budget_idr = start, budget_idr


def test_registered_policies_get_a_switch_and_a_budget(monkeypatch, tmp_path):
    monkeypatch.setitem(POLICIES._items, "viz_test_policy", _TestPolicy)
    params = model_params(BASELINE)
    assert params["viz_test_policy_on"]["value"] is False
    assert params["viz_test_policy_budget"]["type"] == "SliderFloat"

    on = build_scenario(BASELINE, viz_test_policy_on=True, viz_test_policy_budget=2.5)
    assert on.policies == [{"use": "viz_test_policy", "start": 0, "budget_idr": 2.5e9}]

    scenario = tmp_path / "with_policy.yaml"
    scenario.write_text(
        f"extends: {BASELINE}\npolicies: [{{use: viz_test_policy, start: 6, budget_idr: 4.0e+9}}]\n"
    )
    params = model_params(scenario)
    assert params["viz_test_policy_on"]["value"] is True
    assert params["viz_test_policy_budget"]["value"] == 4.0
    kept = build_scenario(scenario, viz_test_policy_on=True, viz_test_policy_budget=1.0)
    assert kept.policies == [{"use": "viz_test_policy", "start": 6, "budget_idr": 1.0e9}]
    assert build_scenario(scenario, viz_test_policy_on=False).policies == []


def test_firm_positions_stay_put_as_firms_enter():
    rng = np.random.default_rng(3)
    village, sector = rng.integers(0, 9, 500), rng.integers(0, 5, 500)
    all_rows = views.firm_positions(village, sector, 9)
    assert np.array_equal(views.firm_positions(village[:300], sector[:300], 9), all_rows[:300])
    cell = np.floor(all_rows).astype(int)  # each firm sits in its village's grid cell (3×3)
    inside = (cell[:, 0] == village % 3) & (cell[:, 1] == village // 3)
    assert inside.mean() > 0.95


def test_network_figure_caps_drawn_firms_and_ties():
    model = build_model(BASELINE, firms=1200)
    fig = views.network_figure(model, max_firms=400, max_edges=150)
    ax = fig.axes[0]
    points = sum(len(c.get_offsets()) for c in ax.collections[1:])
    assert points == 400
    assert len(ax.collections[0].get_segments()) == 150
    assert "400 of 1200 firms" in ax.get_title()


def test_time_series_figures_plot_the_months_so_far():
    model = build_model(BASELINE, firms=200)
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
def test_app_module_builds_the_page_and_a_model_from_slider_values():
    require_solara()
    import ipywidgets
    import solara
    from mesa.visualization.solara_viz import _check_model_params, _wrap_component

    from sim.viz import app

    assert isinstance(app.model, VizModel)
    _check_model_params(VizModel.__init__, app.model_params(app.scenario_path))
    values = slider_values(app.model_params(app.scenario_path))
    values.update(firms=250, months=6, literacy=0.4)
    model = type(app.model)(**values)  # what SolaraViz's Reset does
    for _ in range(3):
        model.step()
    assert (model.scenario.firms.count, model.month) == (250, 3)
    for component in app.COMPONENTS:  # rendered as SolaraViz renders them
        _, rc = solara.render(_wrap_component(component)(model), handle_error=False)
        assert rc.find(ipywidgets.Image).widgets
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
