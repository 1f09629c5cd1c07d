"""Bad input: one line naming the file and dotted path, exit code 2, nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SCENARIOS

BASELINE = (SCENARIOS / "baseline.yaml").read_text()

CASES = [
    # (id, file text, extra CLI args, expected text in the message)
    ("broken_yaml", "firms: {count: 10\n", [], "line "),
    ("unknown_top_key", "colour: blue\n", [], "colour: unknown key"),
    ("unknown_nested_key", "firms: {cuont: 10}\n", [], "firms.cuont: unknown key"),
    (
        "unknown_deep_key",
        "connectivity: {coverage_mean: 0.5, speed: 3}\n",
        [],
        "connectivity.speed: unknown key",
    ),
    ("wrong_type", "firms: {count: many}\n", [], "firms.count:"),
    ("out_of_range_share", "firms: {poor_owner_share: 1.5}\n", [], "firms.poor_owner_share:"),
    ("out_of_range_count", "firms: {count: 0}\n", [], "firms.count:"),
    ("months_zero", "months: 0\n", [], "months:"),
    (
        "unknown_mechanism",
        "rules: {telepathy: {use: x}}\n",
        [],
        "rules.telepathy: unknown mechanism",
    ),
    (
        "unknown_variant",
        "rules: {digital_adoption: {use: magic}}\n",
        [],
        "rules.digital_adoption.use: unknown variant",
    ),
    (
        "unknown_variant_param",
        "rules: {digital_adoption: {qq: 0.1}}\n",
        [],
        "rules.digital_adoption.qq: unknown parameter (valid:",
    ),
    ("rule_param_range", "rules: {digital_adoption: {p: -1}}\n", [], "rules.digital_adoption.p:"),
    (
        "rule_param_type",
        "rules: {finance: {term_months: 1.5}}\n",
        [],
        "rules.finance.term_months: expected int",
    ),
    ("unknown_policy", "policies: [{use: free_money}]\n", [], "policies.0.use: unknown policy"),
    ("missing_extends", "extends: nowhere.yaml\n", [], "extends: file not found"),
    ("bad_set_path", "name: bad\n", ["--set", "firms.colour=3"], "firms.colour: unknown key"),
    ("bad_set_value", "name: bad\n", ["--set", "firms.count=-5"], "firms.count:"),
    ("bad_set_syntax", "name: bad\n", ["--set", "firms.count"], "--set: expected PATH=VALUE"),
    ("empty_file", "", [], "file: empty file"),
    ("comments_only", "# nothing here\n", [], "file: empty file"),
    (
        "duplicate_key",
        "firms: {count: 10}\nmonths: 3\nfirms: {count: 20}\n",
        [],
        "firms: duplicate",
    ),
    (
        "nan_option",
        "firms: {literacy_mean: .nan}\n",
        [],
        "firms.literacy_mean: input should be a finite",
    ),
    (
        "inf_option",
        "market: {local_growth: -.inf}\n",
        [],
        "market.local_growth: input should be a finite",
    ),
    ("bool_as_int", "firms: {count: true}\n", [], "firms.count: input should be a valid integer"),
    ("float_as_int", "months: 12.0\n", [], "months: input should be a valid integer"),
    (
        "nan_rule_setting",
        "rules: {digital_adoption: {p: .nan}}\n",
        [],
        "rules.digital_adoption.p: expected a finite",
    ),
    (
        "nan_in_policy",
        "policies: [{use: mentoring, budget_idr: .inf}]\n",
        [],
        "policies.0.budget_idr: expected a finite",
    ),
    (
        "bool_rule_int",
        "rules: {finance: {term_months: true}}\n",
        [],
        "rules.finance.term_months: expected int",
    ),
    (
        "overflowing_revenue",
        "firms: {revenue_mean_idr: 1e308}\n",
        [],
        "firms.revenue_mean_idr: input should be less than",
    ),
    (
        "overflowing_budget",
        "policies: [{use: mentoring, budget_idr: 1e20}]\n",
        [],
        "policies.0.budget_idr: 1e+20 is above the maximum",
    ),
    (
        "huge_int_setting",
        f"rules: {{digital_adoption: {{p: {10**400}}}}}\n",
        [],
        "rules.digital_adoption.p: expected float",
    ),
    ("count_too_big", "firms: {count: 1000000000}\n", [], "firms.count: input should be less than"),
    ("months_too_big", "months: 100000\n", [], "months: input should be less than"),
    ("extends_not_yaml", "extends: base.txt\n", [], "extends: expected a .yaml or .yml file"),
    (
        "rule_use_list",
        "rules: {digital_adoption: {use: [a, b]}}\n",
        [],
        "rules.digital_adoption.use: unknown variant",
    ),
    (
        "rule_use_mapping",
        "rules: {market: {use: {a: 1}}}\n",
        [],
        "rules.market.use: unknown variant",
    ),
    ("policy_use_list", "policies: [{use: [a]}]\n", [], "policies.0.use: unknown policy"),
    ("plugin_not_py", "plugins: [my_rules.txt]\n", [], "plugins.0: "),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_scenario_is_one_line_exit_2_nothing_written(case, tmp_path, cli):
    _, text, extra, expected = case
    scenario = tmp_path / "bad.yaml"
    scenario.write_text(text)
    out = tmp_path / "out"
    code, stdout, stderr = cli("run", scenario, "--out", out, *extra)
    assert code == 2
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert str(scenario) in lines[0] and expected in lines[0], lines[0]
    assert "Traceback" not in stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]


def test_missing_file(tmp_path, cli):
    code, _, stderr = cli("validate", tmp_path / "nope.yaml")
    assert code == 2 and "nope.yaml: file: no such file" in stderr


def test_unwritable_out_is_rejected_before_running(tmp_path, cli):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    # root ignores permission bits, so use a directory no one can write to (/proc) there
    target = locked / "run" if os.geteuid() != 0 else Path("/proc/msme-sim-test/run")
    try:
        code, _, stderr = cli("run", SCENARIOS / "baseline.yaml", "--out", target)
    finally:
        locked.chmod(0o700)
    assert code == 2 and "--out:" in stderr and "not writable" in stderr, stderr
    assert not target.exists() and list(locked.iterdir()) == []


def test_out_that_is_a_file_is_rejected(tmp_path, cli):
    target = tmp_path / "file.txt"
    target.write_text("keep me")
    code, _, stderr = cli("run", SCENARIOS / "baseline.yaml", "--out", target / "run")
    assert code == 2 and "--out:" in stderr
    assert target.read_text() == "keep me"


def test_unknown_key_lists_allowed_keys(tmp_path, cli):
    scenario = tmp_path / "bad.yaml"
    scenario.write_text("networks: {group_sise: 10}\n")
    _, _, stderr = cli("validate", scenario)
    assert "allowed: cluster_degree, group_size" in stderr


def test_error_in_extended_file_names_the_file(tmp_path, cli):
    (tmp_path / "base.yaml").write_text("firms: {count: [1, 2]}\n")
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\n")
    code, _, stderr = cli("validate", child)
    assert code == 2 and "firms.count" in stderr


def test_real_process_exit_code_and_no_traceback(tmp_path):
    scenario = tmp_path / "bad.yaml"
    scenario.write_text("firms: {count: -1}\n")
    proc = subprocess.run(
        [sys.executable, "-m", "sim.cli", "run", str(scenario), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "firms.count" in proc.stderr
    assert not (tmp_path / "o").exists()
