"""Analysis, plots and report read result files only: they never import the model side."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from results_fixture import write_results

ROOT = Path(__file__).resolve().parents[1]
READERS = ("sim/analysis.py", "sim/plots.py", "sim/report.py")
ALLOWED_SIM = {"sim", "sim.analysis", "sim.plots", "sim.report"}
MODEL_SIDE = ("model", "rules", "state", "network", "policies", "shocks", "config", "runner")


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, anywhere in it (relative imports resolved within sim)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = "sim" + (f".{base}" if base else "")
            found.add(base)
            if base == "sim":  # from sim import analysis -> sim.analysis
                found |= {f"sim.{alias.name}" for alias in node.names}
    return found


def test_imports_of_the_reader_modules_stay_off_the_model_side():
    for name in READERS:
        modules = imported_modules(ROOT / name)
        sim_modules = {m for m in modules if m == "sim" or m.startswith("sim.")}
        assert sim_modules <= ALLOWED_SIM, f"{name} imports {sim_modules - ALLOWED_SIM}"


def test_the_checker_catches_model_imports(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from sim.model import MSMEModel\nfrom . import rules\n")
    assert {"sim.model", "sim.rules"} <= imported_modules(bad)


@pytest.mark.slow
def test_writing_a_report_loads_no_model_module(tmp_path):
    write_results(tmp_path, replications=3, months=4)
    code = (
        "import json, sys\n"
        "import sim.analysis, sim.plots, sim.report\n"
        f"sim.report.write_report({str(tmp_path)!r})\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('sim'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "sim.report" in loaded
    assert "sim.model" not in loaded and "sim.rules" not in loaded
    model_side = {m for m in loaded if m.split(".")[1:2] and m.split(".")[1] in MODEL_SIDE}
    assert model_side == set()
