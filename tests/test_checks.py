"""Check mode (``--check``): a rule that leaves a column outside its declared range, writes a
fraction into a whole-number column or makes money appear is stopped with one line naming it."""

from __future__ import annotations

import pytest

from sim.checks import CheckError
from sim.config import load_scenario
from sim.model import MSMEModel
from tests.conftest import small

LEVEL_FIVE = """
from sim.rules import per_firm


@per_firm("digital_adoption", "jump_to_five")
def jump(firm, rng, *, chance=0.5):
    if rng.random() < chance:
        firm.level = 5
"""

HALF_LEVEL = """
from sim.rules import per_firm


@per_firm("digital_adoption", "half_step")
def half(firm, rng):
    firm.level = 1.5
"""

FREE_MONEY = """
from sim.rules import mechanism, variant

mechanism("windfall", after="finance")


@variant("windfall", "print_money")
def print_money(model, rng, *, amount_idr=1.0e6):
    s = model.state
    s.cash += amount_idr * s.alive
"""

TRANSFER = """
import numpy as np

from sim.rules import mechanism, variant

mechanism("pass_the_hat", after="finance")


@variant("pass_the_hat", "to_the_poorest")
def to_the_poorest(model, rng, *, amount_idr=1.0e4):
    s = model.state
    living = np.flatnonzero(s.alive)
    s.cash[living] -= amount_idr
    s.cash[living[np.argmin(s.cash[living])]] += amount_idr * len(living)
"""


def scenario_file(tmp_path, plugin: str, rules: str = "", name: str = "checked"):
    (tmp_path / "my_rules.py").write_text(plugin)
    path = tmp_path / f"{name}.yaml"
    path.write_text(
        f"name: {name}\nplugins: [my_rules.py]\nmonths: 4\nfirms: {{count: 150, villages: 3}}\n"
        + (f"rules: {rules}\n" if rules else "")
    )
    return path


def test_a_level_outside_its_range_names_rule_plugin_column_count_and_range(tmp_path):
    path = scenario_file(tmp_path, LEVEL_FIVE, "{digital_adoption: {use: jump_to_five}}")
    model = MSMEModel(load_scenario(path), seed=1, check=True)
    with pytest.raises(CheckError) as err:
        model.run()
    message = str(err.value)
    assert message.startswith(
        "rules.digital_adoption (variant jump_to_five, plugin my_rules.py) set level to 5 for "
    )
    assert "allowed 0–2" in message and "month 1" in message and "\n" not in message
    count = int(message.split(" for ")[1].split()[0])
    assert 0 < count < 150  # about half of the living firms (chance 0.5)


def test_without_checks_the_same_rule_runs_silently(tmp_path):
    path = scenario_file(tmp_path, LEVEL_FIVE, "{digital_adoption: {use: jump_to_five}}")
    model = MSMEModel(load_scenario(path), seed=1, check=False)
    model.run()
    assert (model.state.level == 5).any()


def test_run_check_exits_2_with_one_line_and_writes_nothing(tmp_path, cli):
    path = scenario_file(tmp_path, LEVEL_FIVE, "{digital_adoption: {use: jump_to_five}}")
    out = tmp_path / "out"
    code, stdout, err = cli("run", path, "--check", "--out", out)
    assert code == 2
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "set level to 5" in lines[0] and "Traceback" not in err
    assert not out.exists()


def test_a_fraction_in_a_whole_number_column_is_refused_per_firm(tmp_path):
    path = scenario_file(tmp_path, HALF_LEVEL, "{digital_adoption: {use: half_step}}")
    model = MSMEModel(load_scenario(path), seed=1, check=True)
    with pytest.raises(CheckError, match=r"half_step, plugin my_rules.py\) set level to 1.5 "):
        model.step()


def test_money_that_appears_from_nowhere_is_caught_and_the_plugin_named(tmp_path):
    path = scenario_file(tmp_path, FREE_MONEY)
    model = MSMEModel(load_scenario(path), seed=1, check=True)
    with pytest.raises(CheckError) as err:
        model.step()
    message = str(err.value)
    assert "appeared from nowhere" in message
    assert "rules.windfall (variant print_money, plugin my_rules.py)" in message
    # the plugin is named before the built-in rules that also changed cash
    assert message.index("rules.windfall") < message.index("rules.finance")


def test_a_transfer_between_firms_keeps_the_accounts_closed(tmp_path):
    path = scenario_file(tmp_path, TRANSFER)
    MSMEModel(load_scenario(path), seed=1, check=True).run()


@pytest.mark.parametrize("seed", [1, 2])
def test_checks_only_read_the_model(seed):
    """The built-in model passes every check, and a checked run gives the same results."""
    scenario = small(n=200, months=12, policies=[{"use": "emergency_grant", "budget_idr": 5e7}])
    checked = MSMEModel(scenario, seed=seed, check=True)
    checked.run()
    plain = MSMEModel(scenario, seed=seed, check=False)
    plain.run()
    assert checked.summary() == plain.summary()


def test_the_environment_switches_checks_on(monkeypatch):
    monkeypatch.setenv("MSME_SIM_CHECK", "1")
    assert MSMEModel(small(n=30, months=1), seed=1).checker is not None
    monkeypatch.setenv("MSME_SIM_CHECK", "0")
    assert MSMEModel(small(n=30, months=1), seed=1).checker is None
