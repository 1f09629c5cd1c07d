"""Fuzzing: random malformed scenario and experiment files never crash msme-sim.

Each generated file (near-valid options with random values, wrong types, NaN/inf, huge numbers,
then perhaps an alias bomb, deep nesting, a duplicate key, binary junk or a cut) must give exit 0
with valid outputs, or exit 2 with one line and nothing written, within 10 s and 1 GiB. The CLI's
``main`` runs in-process for speed; a few cases run as real processes. The number of inputs
tried is printed (``pytest -s``); ``MSME_SIM_FUZZ_EXAMPLES=2000`` fuzzes longer.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main
from tests.conftest import ROOT

SMALL = "months: 2\nfirms: {count: 30, villages: 2}\n"
SMALL_SET = ["--set", "firms.count=30", "--set", "months=2", "--set", "firms.villages=2"]
KEYS = [
    "name", "description", "months", "seed", "firms", "count", "villages", "poor_owner_share",
    "revenue_mean_idr", "sector_shares", "food", "connectivity", "networks", "cluster_degree",
    "group_size", "market", "plugins", "rules", "digital_adoption", "use", "enabled", "p",
    "finance", "term_months", "policies", "shocks", "budget_idr", "mentoring", "extends",
    "scenario", "set", "arms", "replications", "sweep", "sensitivity", "samples", "parameters",
    "low", "high", "values", "method", "outcome", "firm_tables", "<<",
]  # fmt: skip
SPECIAL = [
    1e308, -1e308, 10**400, 2**63, -(2**63), 0, -1, 1e-320, "1e6", "", "s.yaml", "base.yaml",
    "doc.yaml", "base.txt", "../base.yaml", "x.py", "grid", "lhs", "morris", "sobol",
    "digital_training", "bass_gated", "survival_rate",
]  # fmt: skip

leaves = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from(SPECIAL)
    | st.text(max_size=20)
    | st.binary(max_size=8)
)
values = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=16,
)

BASE_SCENARIO = {"name": "fuzz", "months": 2, "firms": {"count": 30, "villages": 2}}
SCENARIO_PATHS = [
    "name", "description", "months", "seed", "firms", "firms.count", "firms.villages",
    "firms.poor_owner_share", "firms.revenue_mean_idr", "firms.sector_shares",
    "firms.sector_shares.food", "connectivity.data_price_idr_per_gb", "networks.cluster_degree",
    "networks.group_size", "market.local_growth", "plugins", "rules", "rules.digital_adoption",
    "rules.digital_adoption.use", "rules.digital_adoption.p", "rules.finance.term_months",
    "policies", "shocks", "extends", "colour",
]  # fmt: skip
BASE_EXPERIMENT = {
    "name": "fuzz",
    "scenario": "s.yaml",
    "replications": 2,
    "set": {"months": 2},
    "arms": [{"name": "baseline"}, {"name": "b", "set": {"firms.literacy_mean": 0.9}}],
}
EXPERIMENT_PATHS = [
    "name", "scenario", "replications", "seed", "set", "set.months", "set.firms.count", "arms",
    "arms.0", "arms.1.set", "arms.1.policies", "outcome", "firm_tables", "sweep",
    "sweep.samples", "sweep.method", "sweep.parameters", "sweep.parameters.months",
    "sensitivity", "sensitivity.samples", "sensitivity.parameters.firms.cash_months",
]  # fmt: skip


def set_path(data, path: str, value) -> None:
    """Set ``value`` at dotted ``path``, making mappings on the way (lists are indexed)."""
    node = data
    *parents, last = path.split(".")
    for part in parents:
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict):
            if not isinstance(node.get(part), dict | list):
                node[part] = {}
            node = node[part]
        else:
            return
    if isinstance(node, list) and last.isdigit() and int(last) < len(node):
        node[int(last)] = value
    elif isinstance(node, dict):
        node[last] = value


def bomb(levels: int) -> str:
    lines = ['b0: &b0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"b{i}: &b{i} [{', '.join([f'*b{i - 1}'] * 10)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


@st.composite
def documents(draw, base: dict, paths: list[str]) -> bytes:
    """A near-valid document with random values at random paths, then perhaps a mutation."""
    data = json.loads(json.dumps(base))
    for path in draw(st.lists(st.sampled_from(paths), max_size=3)):
        set_path(data, path, draw(values))
    if draw(st.integers(0, 4)) == 0:
        data = draw(values)  # anything at all, often not a mapping
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode()
    mutation = draw(
        st.sampled_from(
            ["none"] * 6 + ["bomb", "deep", "dup", "junk", "cut", "flip", "empty", "tabs"]
        )
    )
    if mutation == "bomb":
        target = draw(st.sampled_from(["description", "firms", "name", "zz", "set", "arms"]))
        levels = draw(st.integers(2, 9))
        text += bomb(levels).encode() + f"{target}: *b{levels - 1}\n".encode()
    elif mutation == "deep":
        depth = draw(st.integers(30, 30_000))
        target = draw(st.sampled_from(["firms", "rules", "set", "description", "zz"]))
        text += f"{target}: {'[' * depth}{']' * depth}\n".encode()
    elif mutation == "dup":
        text += text.splitlines(keepends=True)[0] if text else b""
    elif mutation == "junk":
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.binary(min_size=1, max_size=64)) + text[at:]
    elif mutation == "cut":
        text = text[: draw(st.integers(0, len(text)))]
    elif mutation == "flip" and text:
        at = draw(st.integers(0, len(text) - 1))
        text = text[:at] + bytes([draw(st.sampled_from(b"{}[]:&*!|>-'\"%@`\t\n"))]) + text[at:]
    elif mutation == "empty":
        text = draw(st.sampled_from([b"", b"\n", b"# only a comment\n", b"~\n", b"---\n"]))
    elif mutation == "tabs":
        text = text.replace(b"  ", b"\t")
    return text


class Checker:
    """Runs the CLI on generated files and checks the outcome; counts what it tried."""

    def __init__(self, root: Path):
        self.root, self.inputs, self.tried, self.ok, self.refused = root, 0, 0, 0, 0
        self.rss_start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    def report(self) -> str:
        """How many inputs and commands were tried since the last report, and their outcomes."""
        text = (
            f"{self.inputs} inputs, {self.tried} commands tried: {self.ok} exit 0, "
            f"{self.refused} exit 2 with one line"
        )
        self.inputs = self.tried = self.ok = self.refused = 0
        return text

    def folder(self) -> Path:
        self.inputs += 1
        folder = Path(tempfile.mkdtemp(dir=self.root))
        (folder / "s.yaml").write_text(SMALL)
        (folder / "base.yaml").write_text(SMALL)
        (folder / "base.txt").write_text(SMALL)
        return folder

    def cli(self, *args) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        start = time.process_time()  # CPU seconds: a guard against endless work, not a timer
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([str(a) for a in args])
        assert time.process_time() - start < 20, args
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - self.rss_start
        assert grown < 2**20, f"{grown} kB more memory after {args}"  # ru_maxrss is in kB
        return code, out.getvalue(), err.getvalue()

    def check(self, folder: Path, outputs: Path, *args) -> int:
        """One command: exit 0 with outputs, or exit 2 with one line and nothing written."""
        self.tried += 1
        before = sorted(p.name for p in folder.iterdir())
        code, _, err = self.cli(*args)
        errors = [
            line for line in err.splitlines() if "loading plugins" not in line and line.strip()
        ]
        assert "Traceback" not in err, err
        if code == 0:
            self.ok += 1
            assert not errors, err
            return code
        self.refused += 1
        assert code == 2, (code, err)
        assert len(errors) == 1 and errors[0].startswith("error: "), err
        assert len(errors[0]) < 1000
        assert sorted(p.name for p in folder.iterdir()) == before and not outputs.exists()
        return code


@pytest.fixture(scope="module")
def checker(tmp_path_factory):
    return Checker(tmp_path_factory.mktemp("fuzz"))


FUZZ = settings(
    max_examples=int(os.environ.get("MSME_SIM_FUZZ_EXAMPLES", "120")),
    deadline=10_000,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def test_fuzz_scenario_files(checker):
    @FUZZ
    @given(documents(BASE_SCENARIO, SCENARIO_PATHS))
    def one(text: bytes):
        folder = checker.folder()
        doc = folder / "doc.yaml"
        doc.write_bytes(text)
        out = folder / "out"
        if checker.check(folder, out, "validate", doc) != 0:
            return
        if checker.check(folder, out, "run", doc, "--out", out, *SMALL_SET) == 0:
            assert len(pd.read_parquet(out / "monthly.parquet")) == 2
            summary = json.loads((out / "summary.json").read_text())
            assert all(math.isfinite(v) for v in summary.values() if isinstance(v, float))
            assert yaml.safe_load((out / "config.yaml").read_text())["months"] == 2

    one()
    reached = checker.ok and checker.refused  # the generator reaches both outcomes
    print(f"\nfuzz: {checker.report()} (scenario files)", file=sys.stderr)
    assert reached


def test_fuzz_experiment_files(checker, monkeypatch):
    import sim.runner.batch as batch

    # Inputs are what is fuzzed here: the batch is validated, planned and its directory written,
    # but its runs are not executed (test_batch.py covers runs).
    monkeypatch.setattr(batch, "_run", lambda *args, **kwargs: 0)

    @FUZZ
    @given(documents(BASE_EXPERIMENT, EXPERIMENT_PATHS))
    def one(text: bytes):
        folder = checker.folder()
        doc = folder / "doc.yaml"
        doc.write_bytes(text)
        out = folder / "out"
        if checker.check(folder, out, "batch", doc, "--executor", "serial", "--out", out) == 0:
            assert yaml.safe_load((out / "experiment.yaml").read_text())["runs"] >= 1
            assert (out / "runs.parquet").is_file()

    one()
    reached = checker.ok and checker.refused  # the generator reaches both outcomes
    print(f"\nfuzz: {checker.report()} (experiment files)", file=sys.stderr)
    assert reached


@pytest.mark.parametrize(
    "text, expected",
    [
        (bomb(9) + "description: *b8\n", "more than 100,000 values"),
        ("firms: " + "[" * 20_000 + "]" * 20_000 + "\n", "nested deeper than"),
        ("plugins: [exits.py]\n", "plugins.0: plugin exits.py called sys.exit(3)"),
        (SMALL, None),
    ],
    ids=["alias_bomb", "deep", "plugin_exit", "valid"],
)
def test_real_processes(text, expected, tmp_path):
    (tmp_path / "exits.py").write_text("import sys\nsys.exit(3)\n")
    doc = tmp_path / "doc.yaml"
    doc.write_text(text)
    out = tmp_path / "out"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(
        [sys.executable, "-m", "sim.cli", "run", str(doc), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    # A guard against a file that makes the reader work without end, not a speed test: CPU
    # seconds the child used (not wall-clock time, which depends on the machine's load).
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime) < 30
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 2**20  # kB: under 1 GiB
    errors = [line for line in proc.stderr.splitlines() if "loading plugins" not in line]
    if expected is None:
        assert proc.returncode == 0 and (out / "monthly.parquet").is_file(), proc.stderr
        return
    assert proc.returncode == 2 and len(errors) == 1 and expected in errors[0], proc.stderr
    assert not out.exists()
