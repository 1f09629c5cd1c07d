"""``msme-sim run`` writes config.yaml, monthly.parquet, outcomes.json and summary.json
atomically."""

from __future__ import annotations

import json

import pandas as pd
import yaml

from sim.cli import SUMMARY_OUTCOMES
from sim.model import MSMEModel
from tests.conftest import SCENARIOS, small

SUMMARY_KEYS = set(SUMMARY_OUTCOMES)  # every headline outcome is in summary.json


def test_run_writes_its_four_files(tmp_path, cli):
    out = tmp_path / "run"
    code, stdout, _ = cli(
        "run",
        SCENARIOS / "baseline.yaml",
        "--months",
        6,
        "--seed",
        4,
        "--set",
        "firms.count=300",
        "--out",
        out,
    )
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        ".msme-sim.json",
        "config.yaml",
        "monthly.parquet",
        "outcomes.json",
        "summary.json",
    ]
    summary = json.loads((out / "summary.json").read_text())
    assert SUMMARY_KEYS <= set(summary) and summary["seed"] == 4
    monthly = pd.read_parquet(out / "monthly.parquet")
    assert list(monthly["month"]) == [1, 2, 3, 4, 5, 6]
    config = yaml.safe_load((out / "config.yaml").read_text())
    assert config["firms"]["count"] == 300 and config["months"] == 6
    assert config["rules"]["digital_adoption"]["use"] == "bass_gated"  # resolved, not sparse
    assert "Survival of initial firms" in stdout
    # No temp folders left behind (the hidden lock file of the swap stays, empty).
    assert sorted(p.name for p in tmp_path.iterdir()) == [".run.lock", "run"]


def test_rerun_replaces_and_resolved_config_reproduces(tmp_path, cli):
    out = tmp_path / "run"
    args = (
        "run",
        SCENARIOS / "baseline.yaml",
        "--months",
        4,
        "--set",
        "firms.count=200",
        "--out",
        out,
    )
    assert cli(*args)[0] == 0
    first = pd.read_parquet(out / "monthly.parquet")
    assert cli(*args)[0] == 0
    pd.testing.assert_frame_equal(first, pd.read_parquet(out / "monthly.parquet"))
    # The written config.yaml is itself a valid scenario giving the same results.
    again = tmp_path / "again"
    assert cli("run", out / "config.yaml", "--seed", 1, "--out", again)[0] == 0
    pd.testing.assert_frame_equal(first, pd.read_parquet(again / "monthly.parquet"))


def test_default_model_builds_and_agents_are_views():
    model = MSMEModel()
    assert len(model.agents) == model.scenario.firms.count
    firm = model.agents.select(lambda a: a.level == 0)[0]
    firm.cash = 123.0
    assert model.state.cash[firm.row] == 123.0
    model.step()
    assert len(model.agents) == int(model.state.alive.sum())
    total = model.agents.agg("cash", sum)
    assert abs(total - model.state.cash[model.state.alive].sum()) < 1e-3 * abs(total)


def test_small_helper_matches_cli_defaults():
    assert small().rules.keys() == MSMEModel().scenario.rules.keys()
