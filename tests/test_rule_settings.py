"""Settings of rules, policies and shocks: allowed string values, switching variants, targets
that must exist, and policies that declare their own columns and outcomes."""

from __future__ import annotations

import pytest

from sim.config import load_scenario
from sim.errors import ConfigError
from sim.model import MSMEModel
from tests.conftest import SCENARIOS, small

BASELINE = SCENARIOS / "baseline.yaml"


@pytest.mark.parametrize(
    "option, path",
    [
        ("rules.bulk_purchasing.split=equl", "rules.bulk_purchasing.split"),
        ("rules.digital_adoption.mixing=ful", "rules.digital_adoption.mixing"),
        ("shocks=[{use: demand_shock, recovery: linar}]", "shocks.0.recovery"),
    ],
)
def test_a_string_setting_outside_its_choices_is_one_error_naming_it(option, path, cli):
    code, out, err = cli("validate", BASELINE, "--set", option)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and f": {path}: " in err and "allowed values" in err


def write_plugin(tmp_path):
    (tmp_path / "chance_rule.py").write_text(
        "from sim.rules import per_firm\n\n"
        '@per_firm("digital_adoption", "fixed_chance")\n'
        "def fixed_chance(firm, rng, *, chance=0.05):\n"
        "    if firm.level == 0 and rng.random() < chance:\n"
        "        firm.level = 1\n"
    )
    base = tmp_path / "base.yaml"
    base.write_text(
        "plugins: [chance_rule.py]\nmonths: 2\nfirms: {count: 100}\n"
        "rules: {digital_adoption: {use: fixed_chance, chance: 0.2}}\n"
    )
    return base


def test_switching_variant_with_set_starts_from_its_own_defaults(tmp_path):
    base = write_plugin(tmp_path)
    scenario = load_scenario(base, ["rules.digital_adoption.use=bass_gated"])
    spec = scenario.rules["digital_adoption"]
    assert spec["use"] == "bass_gated" and "chance" not in spec
    again = load_scenario(
        base,
        ["rules.digital_adoption.use=bass_gated", "rules.digital_adoption.use=fixed_chance"],
    )
    assert again.rules["digital_adoption"]["chance"] == 0.05  # its default, not the file's 0.2
    given_first = load_scenario(
        base, ["rules.digital_adoption.q=0.5", "rules.digital_adoption.use=bass_gated"]
    )
    assert given_first.rules["digital_adoption"]["q"] == 0.5  # `use` applies first


def test_switching_variant_in_an_extending_file_drops_the_other_variants_settings(tmp_path):
    write_plugin(tmp_path)
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\nrules: {digital_adoption: {use: bass_gated, q: 0.5}}\n")
    spec = load_scenario(child).rules["digital_adoption"]
    assert spec["use"] == "bass_gated" and spec["q"] == 0.5 and "chance" not in spec
    same = tmp_path / "same.yaml"
    same.write_text("extends: base.yaml\nrules: {digital_adoption: {chance: 0.3}}\n")
    assert load_scenario(same).rules["digital_adoption"]["chance"] == 0.3  # same variant merges


@pytest.mark.parametrize(
    "entry, path",
    [
        ("{use: digital_training, target: {villages: [999]}}", "policies.0.target.villages"),
        ("{use: digital_training, target: {villages: all}}", "policies.0.target.villages"),
        ("{use: mentoring, target: {sector: fishing}}", "policies.0.target.sector"),
        ("{use: mentoring, target: {cluster: [0, fishing]}}", "policies.0.target.cluster"),
    ],
)
def test_policy_targets_must_name_what_exists(entry, path, cli):
    code, _, err = cli("validate", BASELINE, "--set", f"policies=[{entry}]")
    assert code == 2 and f": {path}" in err and err.count("\n") == 1


@pytest.mark.parametrize("villages", ["[999]", "all", "[-1]"])
def test_outage_villages_must_exist(villages, cli):
    entry = f"[{{use: connectivity_outage, villages: {villages}}}]"
    code, _, err = cli("validate", BASELINE, "--set", f"shocks={entry}")
    assert code == 2 and ": shocks.0.villages: " in err


POLICY_PLUGIN = """
import numpy as np

from sim.declarations import Column
from sim.outcomes import HIGHER
from sim.policies import Policy, register


@register("voucher")
class Voucher(Policy):
    \"\"\"Gives every living firm a voucher flag (a test policy).\"\"\"

    columns = (Column("voucher", "bool", False, "-", "holds a voucher", on_close=False),)

    def treat(self, model, draws):
        model.state.voucher = model.state.alive


@Voucher.unit.outcome("voucher_share", label="Voucher holders", unit="%", kind="share",
                      better=HIGHER, aggregation="share of living firms")
def voucher_share(model):
    s = model.state
    return float((s.voucher & s.alive).sum() / max(s.alive.sum(), 1))
"""


def test_a_policy_declares_its_own_column_and_outcome(tmp_path):
    (tmp_path / "voucher.py").write_text(POLICY_PLUGIN)
    path = tmp_path / "v.yaml"
    path.write_text("plugins: [voucher.py]\nmonths: 3\nfirms: {count: 100}\n")
    plain = MSMEModel(load_scenario(path), seed=1)
    assert "voucher" not in plain.state.columns and "voucher_share" not in plain.outcomes
    model = MSMEModel(load_scenario(path, ["policies=[{use: voucher}]"]), seed=1)
    model.run()
    shares = model.monthly()["voucher_share"]
    assert ((shares > 0.95) & (shares <= 1.0)).all()  # entrants of the month have none yet
    assert model.catalogue()["voucher_share"].label == "Voucher holders"


def test_setting_an_undeclared_shared_field_is_an_error():
    model = MSMEModel(small(n=50, months=1), seed=1)
    model.shared.coordination_factor = None  # declared by governance
    with pytest.raises(AttributeError, match="declare it"):
        model.shared.coordination_factr = 1.0


def test_a_builtin_mechanism_cannot_be_redeclared_by_a_plugin(tmp_path, cli):
    (tmp_path / "p.py").write_text(
        'from sim.rules import mechanism\nmechanism("market", after="finance")\n'
    )
    path = tmp_path / "s.yaml"
    path.write_text("plugins: [p.py]\n")
    code, _, err = cli("validate", path)
    errors = [line for line in err.splitlines() if "loading plugins" not in line]
    assert code == 2 and len(errors) == 1 and "built-in mechanism" in errors[0]


def test_config_error_names_the_variant_setting_path():
    with pytest.raises(ConfigError) as caught:
        small(rules={"co_creation": {"use": "customer_involvement", "fill_utilisation": 0.5}})
    assert caught.value.path == "rules.co_creation.fill_utilisation"  # fixed in that variant
