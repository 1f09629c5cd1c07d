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


# --- the whole package: imports point one way --------------------------------------------------

#: Layers from the leaves up (docs/ODD.md, "Structure"). A module may import modules of lower
#: layers only, plus modules of its own package where that package is listed in ``INTERNAL``.
LAYERS: tuple[tuple[str, ...], ...] = (
    # leaves: errors, domain constants, the atomic writer, the outcome record
    ("sim.errors", "sim.domain", "sim.fileio", "sim.outcomes", "sim.version", "sim.kernels"),
    # the parameter table (rows only), registries, declarations, file readers
    (
        "sim.params",
        "sim.ledger",
        "sim.registry",
        "sim.declarations",
        "sim.yamlfile",
        "sim.plugins",
    ),
    # generic setting checks, memory estimates, compiled passes of the month's economy
    ("sim.settings", "sim.resources", "sim.perfirm", "sim.passes"),
    ("sim.rules", "sim.interventions"),  # the registries of mechanisms, policies and shocks
    ("sim.state", "sim.network"),
    ("sim.population", "sim.rules.common"),
    ("sim.policies.base",),
    ("sim.policies", "sim.rules.*", "sim.policies.*", "sim.shocks", "sim.metrics", "sim.groups"),
    ("sim.catalogue", "sim.checks"),  # imports the built-ins; check mode (ranges, accounts)
    ("sim.config", "sim.budgets"),  # scenario resolution, budgets a policy cannot spend
    ("sim.model",),
    ("sim.runner.outdir",),  # folders msme-sim created (marker, lock, safe swap)
    ("sim.store",),  # the results layout
    ("sim.runner", "sim.runner.*", "sim.viz", "sim.viz.*"),
    ("sim.calibration", "sim.calibration.*"),  # fitting parameters on the runner's executors
    ("sim.validation", "sim.validation.*", "sim.docs", "sim.scaffold", "sim.exercises"),
    ("sim.cli", "sim"),
)
#: The result readers sit apart: they import only these leaves and one another.
READER_PACKAGES = ("sim.analysis", "sim.plots", "sim.report")
READER_LEAVES = {"sim.errors", "sim.outcomes", "sim.fileio"}
INTERNAL = (
    "sim.runner",
    "sim.viz",
    "sim.validation",
    "sim.analysis",
    "sim.report",
    "sim.calibration",
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted((ROOT / "sim").rglob("*.py"))}


def sim_imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that ``path`` imports anywhere (``from a import b`` → ``a.b`` when
    that is a module), resolving relative imports."""
    own = module_name(path)
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names
            ]
        else:
            continue
        for name in names:
            while name and name not in modules:  # import a.b.c of a module a.b
                name = name.rpartition(".")[0]
            if name and name != own:
                found.add(name)
    return found


def layer_of(name: str) -> int | None:
    for i, members in enumerate(LAYERS):
        for member in members:
            if name == member or (member.endswith(".*") and name.startswith(member[:-1])):
                return i
    return None


def is_reader(name: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in READER_PACKAGES)


def same_internal_package(a: str, b: str) -> bool:
    return any(
        (a == p or a.startswith(p + ".")) and (b == p or b.startswith(p + ".")) for p in INTERNAL
    )


def layering_problems(modules: dict[str, Path]) -> list[str]:
    problems = []
    for name, path in modules.items():
        for target in sim_imports(path, modules):
            if same_internal_package(name, target):
                continue
            if is_reader(name):
                if not (is_reader(target) or target in READER_LEAVES):
                    problems.append(f"{name} (a reader) imports {target}")
                continue
            if is_reader(target):
                if name not in ("sim.cli", "sim"):
                    problems.append(f"{name} imports the reader {target}")
                continue
            mine, theirs = layer_of(name), layer_of(target)
            if mine is None or theirs is None:
                problems.append(f"{name} or {target} has no layer in tests/test_layering.py")
            elif theirs >= mine:
                problems.append(f"{name} (layer {mine}) imports {target} (layer {theirs})")
    return problems


def test_every_module_has_a_layer_and_imports_point_down():
    modules = package_modules()
    assert layering_problems(modules) == []


def test_no_import_cycle():
    modules = package_modules()
    graph = {name: sim_imports(path, modules) for name, path in modules.items()}
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for target in graph[name]:
            if state.get(target) == 1:
                raise AssertionError(" -> ".join([*trail, name, target]))
            if target not in state:
                visit(target, [*trail, name])
        state[name] = 2

    for name in graph:
        if name not in state:
            visit(name, [])


def test_the_layer_check_catches_an_upward_import_inside_a_function(tmp_path):
    fake = {"sim.rules.market": tmp_path / "market.py", "sim.model": tmp_path / "model.py"}
    fake["sim.rules.market"].write_text("def f():\n    from sim.model import MSMEModel\n")
    fake["sim.model"].write_text("")
    original = module_name
    try:
        globals()["module_name"] = lambda p: {v: k for k, v in fake.items()}[p]
        problems = layering_problems(fake)
    finally:
        globals()["module_name"] = original
    assert problems == ["sim.rules.market (layer 7) imports sim.model (layer 10)"]
