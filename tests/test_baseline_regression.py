"""The baseline scenario at a fixed seed reproduces the stored summary.

Any change in results fails here. When the change is intended, run ``make update-baseline`` and
explain the change in the commit message.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from sim.config import load_scenario
from sim.runner.single import simulate
from tests.conftest import SCENARIOS

BASELINE_FILE = Path(__file__).resolve().parent / "baseline" / "baseline_summary.json"
OVERRIDES = ["months=36", "firms.count=1000"]
SEED = 20261122


def baseline_summary() -> dict:
    out = simulate(load_scenario(SCENARIOS / "baseline.yaml", OVERRIDES), seed=SEED)
    return out.summary


def test_baseline_summary_is_unchanged():
    stored = json.loads(BASELINE_FILE.read_text())
    current = baseline_summary()
    assert set(current) == set(stored), "summary keys changed: run make update-baseline"
    changed = {
        k: (stored[k], current[k])
        for k in stored
        if not math.isclose(stored[k], current[k], rel_tol=1e-9, abs_tol=1e-9)
    }
    assert not changed, f"results changed (run make update-baseline if intended): {changed}"
