"""Compiled per-firm rules: the same results as the plain per-firm rule, clear errors otherwise."""

from __future__ import annotations

import pytest

from sim.config import scenario_from_dict
from sim.model import MSMEModel
from sim.perfirm import PerFirmError, run_per_firm

RULES = '''
from sim.rules import per_firm

BONUS = 1000.0  # a module constant the compiled rule reads


def adopt(firm, rng, *, chance=0.05, literacy_needed=0.4):
    """Offline firms with enough literacy go online by chance and pay for it."""
    if firm.level == 0 and firm.literacy >= literacy_needed and rng.random() < chance:
        firm.level = 1
        firm.cash -= BONUS * rng.normal(1.0, 0.1)
    if firm.row % 7 == 0:
        firm.knowledge = min(firm.knowledge + 0.01, 1.0)


per_firm("digital_adoption", "adopt_plain")(adopt)
per_firm("digital_adoption", "adopt_compiled", compiled=True)(adopt)
'''


def run(tmp_path, use: str, seed: int):
    plugin = tmp_path / "adopt_rules.py"
    if not plugin.exists():
        plugin.write_text(RULES)
    scenario = scenario_from_dict(
        {
            "name": "compiled",
            "months": 3,
            "plugins": [str(plugin)],
            "firms": {"count": 300, "villages": 5},
            "rules": {"digital_adoption": {"use": use, "chance": 0.3}},
        }
    )
    model = MSMEModel(scenario, seed=seed)
    model.run()
    return model


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_compiled_and_plain_per_firm_rules_give_the_same_results(tmp_path, seed):
    plain, compiled = run(tmp_path, "adopt_plain", seed), run(tmp_path, "adopt_compiled", seed)
    assert plain.state.level.sum() > 0  # the rule did something
    assert plain.monthly().equals(compiled.monthly())
    assert plain.firm_table().equals(compiled.firm_table())
    assert (plain.state.knowledge == compiled.state.knowledge).all()


def test_a_compiled_rule_must_use_the_firm_through_its_columns(tmp_path):
    def helper(firm):
        return firm

    def passes_the_firm(firm, rng, *, x=1.0):
        helper(firm)

    with pytest.raises(PerFirmError, match="uses firm only as firm.<column>"):
        run_per_firm(passes_the_firm, compiled=True)


def test_a_compiled_rule_naming_no_column_is_refused_when_it_runs(tmp_path):
    def no_such_column(firm, rng, *, x=1.0):
        firm.wealth += x

    rule = run_per_firm(no_such_column, compiled=True)
    model = MSMEModel(scenario_from_dict({"name": "c", "months": 1, "firms": {"count": 20}}))
    with pytest.raises(PerFirmError, match="firm.wealth is not a firm column"):
        rule(model, model.stream("test"))


def test_without_numba_a_compiled_rule_runs_plain_with_a_warning(monkeypatch):
    import sim.perfirm

    monkeypatch.setattr(sim.perfirm, "numba", None)

    def count(firm, rng, *, step=1.0):
        firm.cash += step

    with pytest.warns(UserWarning, match="numba is not installed"):
        rule = run_per_firm(count, compiled=True)
    model = MSMEModel(scenario_from_dict({"name": "c", "months": 1, "firms": {"count": 20}}))
    before = model.state.cash.sum()
    rule(model, model.stream("test"), step=2.0)
    assert model.state.cash.sum() == pytest.approx(before + 2.0 * model.state.alive.sum())
