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


def early(firm, rng, *, chance=0.05, literacy_needed=0.4):
    """Draws for every firm and returns early, bare and with a value that is a draw."""
    u = rng.random()
    if firm.level == 2:
        return
    if u < chance and firm.literacy >= literacy_needed:
        firm.level = firm.level + 1
        return rng.random()
    firm.knowledge = min(firm.knowledge + 0.01 * rng.random(), 1.0)


def nested(firm, rng, *, chance=0.05, literacy_needed=0.4):
    """Returns from inside a loop of its own (compiled as one call per firm)."""
    for _ in range(2):
        if rng.random() < chance:
            firm.level = min(firm.level + 1, 2)
            return
    firm.cash += 1.0


for rule in (adopt, early, nested):
    per_firm("digital_adoption", f"{rule.__name__}_plain")(rule)
    per_firm("digital_adoption", f"{rule.__name__}_compiled", compiled=True)(rule)
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
@pytest.mark.parametrize(
    ("rule", "seed"), [("adopt", 1), ("adopt", 2), ("early", 1), ("nested", 1)]
)
def test_compiled_and_plain_per_firm_rules_give_the_same_results(tmp_path, rule, seed):
    plain = run(tmp_path, f"{rule}_plain", seed)
    compiled = run(tmp_path, f"{rule}_compiled", seed)
    assert plain.state.level.sum() > 0  # the rule did something
    assert plain.monthly().equals(compiled.monthly())
    assert plain.firm_table().equals(compiled.firm_table())
    for column in ("knowledge", "cash", "level"):
        assert (plain.state[column] == compiled.state[column]).all(), column
    # the rule's stream is left where the plain rule leaves it
    plain_rng, compiled_rng = plain.stream("digital_adoption"), compiled.stream("digital_adoption")
    assert plain_rng.bit_generator.state == compiled_rng.bit_generator.state


def test_a_rule_body_becomes_the_loop_body_unless_it_returns_from_its_own_loop():
    import ast

    from sim.perfirm import _as_loop_body

    def body(source):
        return ast.parse(source).body[0].body

    flat = _as_loop_body(body("def f(firm, rng):\n    if firm.x:\n        return 1\n    y = 2\n"))
    assert isinstance(flat[0].body[-1], ast.Continue)
    assert isinstance(flat[0].body[0], ast.Expr)  # the returned expression is still evaluated
    looped = "def f(firm, rng):\n    for i in range(3):\n        return\n"
    assert _as_loop_body(body(looped)) is None


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
