"""The benchmark script runs and writes its table (a smoke test: no timing is asserted)."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # runs the benchmark script


def test_quick_benchmark_writes_results(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench_model.py"),
            "--quick",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    frame = pd.read_csv(tmp_path / "results.csv")
    assert list(frame["firms"]) == [1000, 2000]
    assert (frame["ratio"] > 0).all()
    assert "Boltzmann" in (tmp_path / "RESULTS.md").read_text()
    memory = pd.read_csv(tmp_path / "results-memory.csv")
    assert (memory["peak_rss_mb"] > 0).all() and (memory["model_kb_per_firm"] >= 0).all()
