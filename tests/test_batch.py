"""Batch experiments: same results on every executor, resume after kill -9, failures, seeds."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sim.runner.batch import run_batch
from sim.runner.experiment import expand, load_experiment, replication_seed
from tests.conftest import SCENARIOS

TIMING = ["duration_s"]


def experiment(tmp_path: Path, name: str = "exp", replications: int = 3, **extra) -> Path:
    (tmp_path / "baseline.yaml").write_text((SCENARIOS / "baseline.yaml").read_text())
    data = {
        "name": name,
        "scenario": "baseline.yaml",
        "replications": replications,
        "seed": 7,
        "set": {"months": 6, "firms.count": 60, "firms.villages": 2},
        "arms": [{"name": "baseline"}, {"name": "literate", "set": {"firms.literacy_mean": 0.9}}],
        **extra,
    }
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def runs_table(out: Path) -> pd.DataFrame:
    frame = pd.read_parquet(out / "runs.parquet").drop(columns=TIMING)
    return frame.sort_values("run_id").reset_index(drop=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_replication_seed_is_shared_by_every_arm_and_point(tmp_path):
    path = experiment(
        tmp_path, sweep={"method": "grid", "parameters": {"firms.cash_months": {"values": [1, 2]}}}
    )
    specs = expand(load_experiment(path), path)
    assert len(specs) == 2 * 2 * 3
    for r in range(3):
        seeds = {s.seed for s in specs if s.replication == r}
        assert seeds == {replication_seed(7, r)}
    assert len({s.seed for s in specs}) == 3
    assert len({s.run_id for s in specs}) == len(specs)


def test_serial_processes_and_dask_give_identical_runs(tmp_path):
    path = experiment(tmp_path)
    serial = run_batch(path, executor="serial", out=tmp_path / "serial", progress=False)
    procs = run_batch(path, executor="processes", workers=2, out=tmp_path / "procs", progress=False)
    assert serial.done == procs.done == 6
    pd.testing.assert_frame_equal(runs_table(serial.out), runs_table(procs.out))

    port = free_port()
    env = dict(os.environ, DASK_DISTRIBUTED__WORKER__DAEMON="False")
    bin_dir = Path(sys.executable).parent
    scheduler = subprocess.Popen(
        [
            bin_dir / "dask",
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-dashboard",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers = [
        subprocess.Popen(
            [
                bin_dir / "dask",
                "worker",
                f"tcp://127.0.0.1:{port}",
                "--nworkers",
                "1",
                "--nthreads",
                "1",
                "--no-dashboard",
                "--host",
                "127.0.0.1",
            ],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    try:
        from distributed import Client

        with Client(f"tcp://127.0.0.1:{port}", timeout=60) as client:
            client.wait_for_workers(2, timeout=60)
        dask = run_batch(
            path,
            executor="dask",
            scheduler=f"tcp://127.0.0.1:{port}",
            out=tmp_path / "dask",
            progress=False,
        )
    finally:
        for proc in [*workers, scheduler]:
            proc.terminate()
        for proc in [*workers, scheduler]:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    pd.testing.assert_frame_equal(runs_table(serial.out), runs_table(dask.out))
    monthly = serial.monthly()
    assert set(monthly["arm"]) == {"baseline", "literate"} and len(monthly) == 6 * 6


def test_kill_9_then_rerun_equals_an_uninterrupted_batch(tmp_path):
    path = experiment(tmp_path, replications=12)
    reference = run_batch(path, executor="serial", out=tmp_path / "ref", progress=False)
    out = tmp_path / "killed"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sim.cli",
            "batch",
            str(path),
            "--executor",
            "serial",
            "--out",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list((out / "runs").glob("*.json"))) < 3:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = len(list((out / "runs").glob("*.json")))
    assert 3 <= finished < 24, "the batch should have been killed midway"
    resumed = run_batch(path, executor="serial", out=out, progress=False)
    assert resumed.skipped == finished and resumed.done == 24 - finished
    pd.testing.assert_frame_equal(runs_table(reference.out), runs_table(out))
    leftovers = [p for p in out.rglob("*") if p.name.startswith(".tmp-")]
    assert leftovers == []
    assert len(list((out / "runs").glob("*.parquet"))) == 24


FAULTY = '''
from pathlib import Path
from sim.rules import variant
from sim.rules.exit_entry import losses_and_cash

@variant("exit_entry", "faulty")
def faulty(model, rng, *, marker=""):
    """Raises while the marker file exists and this run's seed is odd."""
    if marker and Path(marker).exists() and model.run_seed % 2 == 1:
        raise RuntimeError("injected fault")
    losses_and_cash(model, rng)
'''


def test_failed_runs_are_recorded_and_retried(tmp_path, cli):
    marker = tmp_path / "fault-on"
    marker.write_text("x")
    (tmp_path / "faulty.py").write_text(FAULTY)
    path = experiment(tmp_path, replications=4)
    data = yaml.safe_load(path.read_text())
    data["set"].update(
        {
            "plugins": ["faulty.py"],
            "rules.exit_entry.use": "faulty",
            "rules.exit_entry.marker": str(marker),
        }
    )
    path.write_text(yaml.safe_dump(data))
    code, _, stderr = cli("batch", path, "--executor", "serial", "--out", tmp_path / "out")
    runs = pd.read_parquet(tmp_path / "out" / "runs.parquet")
    odd = runs["seed"] % 2 == 1
    assert odd.any() and (~odd).any(), "the test needs both odd and even seeds"
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert code == 1 and len(errors) == 1 and "failed" in errors[0]
    assert (runs.loc[odd, "status"] == "failed").all()
    assert (runs.loc[~odd, "status"] == "done").all()
    assert runs.loc[odd, "error"].str.contains("injected fault").all()
    for run_id in runs.loc[odd, "run_id"]:
        assert "RuntimeError" in (tmp_path / "out" / "failed" / f"{run_id}.txt").read_text()
    # A plain rerun keeps them failed; --retry-failed completes them once the fault is gone.
    assert cli("batch", path, "--executor", "serial", "--out", tmp_path / "out")[0] == 1
    marker.unlink()
    code, stdout, _ = cli(
        "batch", path, "--executor", "serial", "--out", tmp_path / "out", "--retry-failed"
    )
    runs = pd.read_parquet(tmp_path / "out" / "runs.parquet")
    assert code == 0 and (runs["status"] == "done").all() and len(runs) == 8
    assert not list((tmp_path / "out" / "failed").iterdir())


BAD = [
    ("broken yaml", "arms: [\n", "line "),
    ("unknown key", "scenario: baseline.yaml\ncolour: red\n", "colour: unknown key"),
    ("bad replications", "scenario: baseline.yaml\nreplications: 0\n", "replications:"),
    ("missing scenario", "scenario: nowhere.yaml\n", "scenario: file not found"),
    (
        "bad arm override",
        "scenario: baseline.yaml\narms: [{name: a}, {name: b, set: {firms.count: -3}}]\n",
        "arms.1.set.firms.count:",
    ),
    (
        "unknown arm option",
        "scenario: baseline.yaml\narms: [{name: a, sett: {}}]\n",
        "arms.0.sett: unknown key",
    ),
    (
        "unknown policy",
        "scenario: baseline.yaml\narms: [{name: a}, {name: b, policies: [{use: free_lunch}]}]\n",
        "arms.1.policies.0.use: unknown policy",
    ),
    (
        "bad sweep",
        "scenario: baseline.yaml\nsweep: {parameters: {firms.count: {values: [10, -1]}}}\n",
        "sweep.parameters.firms.count:",
    ),
]


@pytest.mark.parametrize("case", BAD, ids=[c[0] for c in BAD])
def test_bad_experiment_is_one_line_exit_2_nothing_written(case, tmp_path, cli):
    _, text, expected = case
    (tmp_path / "baseline.yaml").write_text((SCENARIOS / "baseline.yaml").read_text())
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    code, _, stderr = cli("batch", path, "--out", tmp_path / "out")
    assert code == 2 and len(stderr.strip().splitlines()) == 1
    assert str(path) in stderr and expected in stderr, stderr
    assert not (tmp_path / "out").exists()


def test_unwritable_out_and_lock(tmp_path, cli):
    path = experiment(tmp_path)
    code, _, stderr = cli("batch", path, "--out", "/proc/msme-sim/out")
    assert code == 2 and "--out:" in stderr
    out = tmp_path / "locked"
    out.mkdir()
    import fcntl

    with open(out / ".lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        code, _, stderr = cli("batch", path, "--executor", "serial", "--out", out)
    assert code == 2 and "in use by another batch" in stderr
    assert not (out / "runs.parquet").exists()


def test_changed_experiment_needs_force(tmp_path, cli):
    path = experiment(tmp_path, replications=1)
    assert cli("batch", path, "--executor", "serial", "--out", tmp_path / "o")[0] == 0
    path.write_text(path.read_text().replace("replications: 1", "replications: 2"))
    code, _, stderr = cli("batch", path, "--executor", "serial", "--out", tmp_path / "o")
    assert code == 2 and "--force" in stderr
    assert cli("batch", path, "--executor", "serial", "--out", tmp_path / "o", "--force")[0] == 0
    assert len(pd.read_parquet(tmp_path / "o" / "runs.parquet")) == 4


def test_python_api_from_a_spawned_interpreter(tmp_path):
    """As in a notebook: the process pool neither hangs nor needs a __main__ guard."""
    path = experiment(tmp_path, replications=2)
    code = (
        f"import sim; r = sim.run_experiment({str(path)!r}, executor='processes', workers=2, "
        f"out={str(tmp_path / 'api')!r}, progress=False); "
        "import json; print(json.dumps([len(r.runs()), len(r.monthly())]))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=180, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == [4, 24]


def test_pairing_narrows_the_interval_on_a_real_experiment(tmp_path):
    """Common random numbers: on a real small experiment the paired interval of the main outcome
    is narrower than the unpaired one (same replications)."""
    from sim.analysis import paired_effects, read_runs

    path = experiment(tmp_path, replications=10)
    data = yaml.safe_load(path.read_text())
    data["set"].update({"months": 24, "firms.count": 150})
    data["arms"][1]["set"] = {"connectivity.coverage_mean": 0.95}
    path.write_text(yaml.safe_dump(data))
    result = run_batch(path, executor="processes", workers=2, out=tmp_path / "o", progress=False)
    effects = paired_effects(read_runs(result.out), ["survival_rate", "digital_share"])
    effects["paired"] = effects["ci_high"] - effects["ci_low"]
    effects["unpaired"] = effects["unpaired_high"] - effects["unpaired_low"]
    assert (effects["paired"] < effects["unpaired"]).any(), effects
    main = effects.set_index("outcome").loc["digital_share"]
    assert main["paired"] < main["unpaired"]


@pytest.mark.parametrize(
    "path", sorted((SCENARIOS.parent / "experiments").glob("*.yaml")), ids=lambda p: p.stem
)
def test_shipped_experiments_expand_and_validate(path):
    specs = expand(load_experiment(path), path)
    exp = load_experiment(path)
    assert len(specs) == len(exp.arms) * exp.replications
    if path.stem == "policy_comparison":
        assert exp.replications >= 30
        budgets = {p["budget_idr"] for a in exp.arms for p in a.policies}
        assert budgets == {2.0e9}
