"""Every scenario file validates and runs six months (discovery smoke test)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import load_scenario
from sim.runner.single import simulate
from tests.conftest import SCENARIOS

FILES = sorted(SCENARIOS.glob("*.yaml"))


def test_scenarios_exist():
    assert (SCENARIOS / "baseline.yaml") in FILES


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_scenario_validates_and_runs_six_months(path):
    scenario = load_scenario(path, ["months=6"])
    out = simulate(scenario)
    assert len(out.monthly) == 6
    assert np.isfinite(out.monthly.drop(columns="month").to_numpy()).all()
    assert out.summary["firms_alive"] > 0


def test_scenarios_readme_lists_every_scenario():
    readme = (SCENARIOS / "README.md").read_text()
    for path in FILES:
        assert path.name in readme, f"{path.name} missing from scenarios/README.md"
