"""Analysis, plots and report read result files only: they never import the model side."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

from results_fixture import write_results

ROOT = Path(__file__).resolve().parents[1]
READER_PACKAGES = ("sim/analysis", "sim/report")
READERS = ("sim/plots.py", *(str(p.relative_to(ROOT)) for d in READER_PACKAGES
                             for p in sorted((ROOT / d).glob("*.py"))))  # fmt: skip
#: What readers may import from sim: themselves and the leaf modules for results files.
ALLOWED_SIM = {"sim", "sim.analysis", "sim.plots", "sim.report", "sim.outcomes", "sim.fileio"}
MODEL_SIDE = ("model", "rules", "state", "network", "policies", "shocks", "config", "runner")


def imported_modules(path: Path, package: str = "sim") -> set[str]:
    """Every module a file imports, anywhere in it (relative imports resolved from ``package``,
    the package the file is in; submodules of a reader package count as the package)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = parent + (f".{base}" if base else "")
            found.add(base)
            if base == "sim":  # from sim import analysis -> sim.analysis
                found |= {f"sim.{alias.name}" for alias in node.names}
    return found


def test_imports_of_the_reader_modules_stay_off_the_model_side():
    assert len(READERS) > 10  # the packages' modules were found
    for name in READERS:
        path = ROOT / name
        package = ".".join(path.parent.relative_to(ROOT).parts)
        modules = imported_modules(path, package)
        sim_modules = {
            ".".join(m.split(".")[:2])  # sim.analysis.reading -> sim.analysis
            for m in modules
            if m == "sim" or m.startswith("sim.")
        }
        assert sim_modules <= ALLOWED_SIM, f"{name} imports {sim_modules - ALLOWED_SIM}"


def test_the_checker_catches_model_imports(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from sim.model import MSMEModel\nfrom .. import rules\n")
    assert {"sim.model", "sim.rules"} <= imported_modules(bad, "sim.report")
    ok = tmp_path / "ok.py"
    ok.write_text("from .stats import t_interval\n")
    assert imported_modules(ok, "sim.analysis") == {"sim.analysis.stats"}


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
