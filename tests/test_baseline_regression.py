"""The baseline scenario at a fixed seed reproduces the stored summary.

Any change in results fails here. When the change is intended, run ``make update-baseline`` and
explain the change in the commit message.

The summary is computed in a fresh interpreter whose NumPy uses no AVX-512 code: NumPy's
AVX-512 ``exp`` and ``log`` of float64 differ in the last bit from the ones it uses on other
x86 CPUs (numpy/numpy#23523), and a model run amplifies a last-bit difference into a
different firm count after a few years (the summary stored by an AVX-512 machine failed on one
without). NumPy's AVX2 and SSE code give the same summary (checked with
``NPY_DISABLE_CPU_FEATURES=X86_V3``), so capped this way it should not depend on the x86-64
machine.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

from sim.config import load_scenario
from sim.runner.single import simulate
from tests.conftest import SCENARIOS

ROOT = Path(__file__).resolve().parents[1]
BASELINE_FILE = Path(__file__).resolve().parent / "baseline" / "baseline_summary.json"
OVERRIDES = ["months=36", "firms.count=1000"]
SEED = 20261122
#: NumPy's AVX-512 targets, by the names of NumPy 2.4+ and of earlier releases (names a
#: release does not know, or a CPU lacks, are ignored); read when NumPy is imported.
NO_AVX512 = (
    "X86_V4 AVX512F AVX512CD AVX512_KNL AVX512_KNM AVX512_SKX AVX512_CLX AVX512_CNL "
    "AVX512_ICL AVX512_SPR"
)


def baseline_summary() -> dict:
    """The summary of the baseline run, in this interpreter."""
    out = simulate(load_scenario(SCENARIOS / "baseline.yaml", OVERRIDES), seed=SEED)
    return out.summary


def portable_baseline_summary() -> dict:
    """The summary of the baseline run in a fresh interpreter without NumPy's AVX-512 code."""
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]);"
        "from tests.test_baseline_regression import baseline_summary;"
        "print(json.dumps(baseline_summary()))"
    )
    env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": NO_AVX512}
    proc = subprocess.run(
        [sys.executable, "-c", code, str(ROOT)], env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_baseline_summary_is_unchanged():
    stored = json.loads(BASELINE_FILE.read_text())
    current = portable_baseline_summary()
    assert set(current) == set(stored), "summary keys changed: run make update-baseline"
    changed = {
        k: (stored[k], current[k])
        for k in stored
        if not math.isclose(stored[k], current[k], rel_tol=1e-9, abs_tol=1e-9)
    }
    assert not changed, f"results changed (run make update-baseline if intended): {changed}"
