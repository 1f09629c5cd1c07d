"""Batches: same results on every executor, resume after kill -9, failures, lock, Python API."""

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
from tests.test_experiment import write_experiment

TIMING = ["duration_s"]


def runs_table(out: Path) -> pd.DataFrame:
    """runs.parquet without its timing column."""
    return pd.read_parquet(out / "runs.parquet").drop(columns=TIMING)


def run_files(out: Path) -> dict[str, pd.DataFrame]:
    """Every per-run Parquet file (monthly and firm tables) by relative path."""
    return {
        str(p.relative_to(out)): pd.read_parquet(p)
        for folder in ("runs", "firms")
        for p in sorted((out / folder).glob("*.parquet"))
    }


def assert_same_results(a: Path, b: Path) -> None:
    pd.testing.assert_frame_equal(runs_table(a), runs_table(b))
    files_a, files_b = run_files(a), run_files(b)
    assert sorted(files_a) == sorted(files_b)
    for name, frame in files_a.items():
        pd.testing.assert_frame_equal(frame, files_b[name], obj=name)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, seconds: float = 120.0) -> None:
    """Wait until something listens on 127.0.0.1:``port`` (a slow scheduler start on a loaded
    machine), bounded in time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listens on port {port} after {seconds} s")


def stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (Linux /proc)."""
    found: set[int] = set()
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return found
    for child in map(int, text.split()):
        found |= {child} | descendants(child)
    return found


def running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_batch_writes_the_documented_layout(tmp_path):
    sweep = {"parameters": {"firms.cash_months": {"values": [1.0, 3.0]}}}
    path = write_experiment(tmp_path, replications=2, sweep=sweep)
    result = run_batch(path, executor="serial", out=tmp_path / "out", progress=False)
    assert (result.total, result.done, result.failed, result.skipped) == (8, 8, 0, 0)
    runs = result.runs()
    lead = ["run_id", "arm", "replication", "seed", "firms.cash_months", "status", "error"]
    assert list(runs.columns[:7]) == lead
    assert {"duration_s", "version", "config_hash", "survival_rate", "months"} <= set(runs)
    assert runs["run_id"].is_unique and (runs["status"] == "done").all()
    assert runs.groupby(["arm", "firms.cash_months"])["config_hash"].nunique().eq(1).all()
    assert runs["config_hash"].nunique() == 4
    assert runs.groupby("replication")["seed"].nunique().eq(1).all()  # paired across arms, points
    firms = pd.read_parquet(tmp_path / "out" / "firms" / f"{runs['run_id'][0]}.parquet")
    wanted = ["revenue_idr", "profit_idr", "income_idr", "digital_level", "poor_owner", "sector"]
    assert set(wanted + ["alive"]) <= set(firms.columns) and len(firms) >= 40
    monthly = result.monthly()
    assert len(monthly) == 8 * 4 and list(monthly.columns[:4]) == [
        "run_id",
        "arm",
        "replication",
        "month",
    ]
    written = yaml.safe_load((tmp_path / "out" / "experiment.yaml").read_text())
    assert written["arms"][1]["set"] == {"firms.literacy_mean": 0.9} and written["seed"] == 7
    assert written["runs"] == 8 and written["sweep"]["parameters"]["firms.cash_months"]
    # A rerun skips everything and changes nothing.
    again = run_batch(path, executor="serial", out=tmp_path / "out", progress=False)
    assert (again.done, again.skipped) == (0, 8)
    pd.testing.assert_frame_equal(runs, again.runs())


@pytest.mark.slow
def test_serial_processes_and_dask_give_identical_results(tmp_path, monkeypatch):
    path = write_experiment(tmp_path)
    serial = run_batch(path, executor="serial", out=tmp_path / "serial", progress=False)
    procs = run_batch(path, executor="processes", workers=2, out=tmp_path / "procs", progress=False)
    assert serial.done == procs.done == 6
    assert_same_results(serial.out, procs.out)

    monkeypatch.chdir(tmp_path)  # a relative --out reaches workers as an absolute path
    (tmp_path / "elsewhere").mkdir()
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    bin_dir = Path(sys.executable).parent
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    procs_started = [
        subprocess.Popen(
            [bin_dir / "dask", "scheduler", "--host", "127.0.0.1", "--port", str(port)]
            + ["--no-dashboard"],
            **quiet,
        )
    ]
    try:
        wait_for_port(port)
        for _ in range(2):
            procs_started.append(
                subprocess.Popen(
                    [bin_dir / "dask", "worker", address, "--nworkers", "1", "--nthreads", "1"]
                    + ["--no-dashboard", "--host", "127.0.0.1"],
                    cwd=tmp_path / "elsewhere",  # not the batch's working directory
                    **quiet,
                )
            )
        from distributed import Client

        with Client(address, timeout=120) as client:
            client.wait_for_workers(2, timeout=120)
        dask = run_batch(path, executor="dask", scheduler=address, out="dask", progress=False)
    finally:
        stop(procs_started)
    assert dask.done == 6
    assert_same_results(serial.out, dask.out)


SLOW = '''
import time
from pathlib import Path
from sim.rules import variant
from sim.rules.exit_entry import losses_and_cash

@variant("exit_entry", "slow")
def slow(model, rng, *, marker=""):
    """Takes 0.1 s a month while the marker file exists (same results either way)."""
    if marker and Path(marker).exists():
        time.sleep(0.1)
    losses_and_cash(model, rng)
'''


def with_plugin(path: Path, source: str, name: str, marker: Path) -> None:
    """Make every run of the experiment at ``path`` use the plugin rule ``name``."""
    (path.parent / f"{name}.py").write_text(source)
    data = yaml.safe_load(path.read_text())
    data["set"].update(
        {
            "plugins": [f"{name}.py"],
            "rules.exit_entry.use": name,
            "rules.exit_entry.marker": str(marker),
        }
    )
    path.write_text(yaml.safe_dump(data))


@pytest.mark.slow
@pytest.mark.parametrize("executor", ["serial", "processes"])
def test_kill_9_then_rerun_equals_an_uninterrupted_batch(executor, tmp_path, cli):
    path = write_experiment(tmp_path, replications=12)
    marker = tmp_path / "slow-down"
    with_plugin(path, SLOW, "slow", marker)
    reference = run_batch(path, executor="serial", out=tmp_path / "ref", progress=False)
    out = tmp_path / "killed"
    marker.write_text("x")  # about 0.4 s a run: the kill comes long before the end
    command = [sys.executable, "-m", "sim.cli", "batch", str(path), "--out", str(out)]
    proc = subprocess.Popen(
        [*command, "--executor", executor, "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(list((out / "runs").glob("*.json"))) < 3:
            time.sleep(0.02)
        # While it runs, a second batch on the same directory is refused.
        code, _, stderr = cli("batch", path, "--executor", "serial", "--out", out)
        assert code == 2 and "in use by another batch" in stderr
        workers = descendants(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    # Pool workers end with the batch process: no orphan writes into the directory.
    deadline = time.monotonic() + 30
    while any(map(running, workers)) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not any(map(running, workers)), "workers outlived the killed batch"
    assert executor == "serial" or workers
    marker.unlink()
    finished = len(list((out / "runs").glob("*.json")))
    assert 3 <= finished < 24, "the batch should have been killed midway"
    resumed = run_batch(path, executor=executor, workers=2, out=out, progress=False)
    assert resumed.skipped == finished and resumed.done == 24 - finished
    assert_same_results(reference.out, out)
    assert [p for p in out.rglob("*") if p.name.startswith(".tmp-")] == []
    assert runs_table(out)["run_id"].is_unique


ORPHAN = """
import os, sys, time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from sim.runner.executors import init_worker

pool = ProcessPoolExecutor(
    1, mp_context=get_context(sys.argv[1]), initializer=init_worker, initargs=(os.getpid(),)
)
print(pool.submit(os.getpid).result(), flush=True)
pool.submit(time.sleep, 300)
time.sleep(300)
"""


@pytest.mark.parametrize("method", ["fork", "forkserver"])
def test_pool_workers_end_when_the_batch_process_is_killed(method):
    """A worker busy with a long task ends anyway when its batch process dies (kill -9)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", ORPHAN, method], stdout=subprocess.PIPE, text=True
    )
    try:
        worker = int(proc.stdout.readline())
        assert running(worker)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    deadline = time.monotonic() + 60  # the task would keep it alive for 300 s
    while running(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running(worker)


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
    path = write_experiment(tmp_path, replications=4)
    with_plugin(path, FAULTY, "faulty", marker)
    out = tmp_path / "out"
    code, _, stderr = cli("batch", path, "--executor", "processes", "--workers", "2", "--out", out)
    runs = pd.read_parquet(out / "runs.parquet")
    odd = runs["seed"] % 2 == 1
    assert odd.any() and (~odd).any(), "the test needs both odd and even seeds"
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert code == 1 and len(errors) == 1 and "failed" in errors[0], stderr
    assert "rerun one alone: msme-sim run" in stderr
    assert (runs.loc[odd, "status"] == "failed").all()
    assert (runs.loc[~odd, "status"] == "done").all()
    assert (runs.loc[odd, "error"] == "RuntimeError: injected fault").all()
    for run_id in runs.loc[odd, "run_id"]:
        text = (out / "failed" / f"{run_id}.txt").read_text()
        assert "RuntimeError" in text and "--seed" in text.splitlines()[0]
        assert not (out / "runs" / f"{run_id}.parquet").exists()
    # A plain rerun keeps them failed; --retry-failed completes them once the fault is gone.
    assert cli("batch", path, "--executor", "serial", "--out", out)[0] == 1
    marker.unlink()
    code, _, _ = cli("batch", path, "--executor", "serial", "--out", out, "--retry-failed")
    runs = pd.read_parquet(out / "runs.parquet")
    assert code == 0 and (runs["status"] == "done").all() and len(runs) == 8
    assert runs["error"].isna().all() and not list((out / "failed").iterdir())


def test_lock_held_by_another_process_refuses_the_batch(tmp_path, cli):
    from filelock import FileLock

    path = write_experiment(tmp_path)
    out = tmp_path / "locked"
    out.mkdir()
    with FileLock(out / ".lock"):
        code, _, stderr = cli("batch", path, "--executor", "serial", "--out", out)
    assert code == 2 and "in use by another batch" in stderr
    assert not (out / "runs.parquet").exists()
    assert cli("batch", path, "--executor", "serial", "--out", out)[0] == 0  # lock released


def test_changed_experiment_needs_force_but_more_replications_resume(tmp_path, cli):
    path = write_experiment(tmp_path, replications=1)
    out = tmp_path / "o"
    assert cli("batch", path, "--executor", "serial", "--out", out)[0] == 0
    first = runs_table(out)
    # More replications: the finished runs still belong to the experiment.
    path.write_text(path.read_text().replace("replications: 1", "replications: 2"))
    code, stdout, _ = cli("batch", path, "--executor", "serial", "--out", out)
    assert code == 0 and "2 run now, 2 already finished" in stdout
    pd.testing.assert_frame_equal(
        runs_table(out).query("replication == 0").reset_index(drop=True), first
    )
    # A changed setting: the finished runs no longer match.
    path.write_text(path.read_text().replace("literacy_mean: 0.9", "literacy_mean: 0.8"))
    code, _, stderr = cli("batch", path, "--executor", "serial", "--out", out)
    assert code == 2 and "--force" in stderr and len(stderr.strip().splitlines()) == 1
    code, stdout, _ = cli("batch", path, "--executor", "serial", "--out", out, "--force")
    assert code == 0 and "4 run now, 0 already finished" in stdout
    assert len(runs_table(out)) == 4 and len(list((out / "runs").glob("*.json"))) == 4
    # --force clears only folders msme-sim created.
    other = tmp_path / "mine"
    (other / "runs").mkdir(parents=True)
    (other / "runs" / "keep.txt").write_text("not msme-sim's")
    code, _, stderr = cli("batch", path, "--executor", "serial", "--out", other, "--force")
    assert code == 2 and "not created by msme-sim" in stderr
    assert (other / "runs" / "keep.txt").exists()


def test_python_api_from_a_spawned_interpreter(tmp_path):
    """As in a notebook: the process pool neither hangs nor needs a __main__ guard."""
    path = write_experiment(tmp_path, replications=2)
    code = (
        f"import sim; r = sim.run_experiment({str(path)!r}, executor='processes', workers=2, "
        f"out={str(tmp_path / 'api')!r}, progress=False); "
        "import json; print(json.dumps([len(r.runs()), len(r.monthly())]))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=180, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == [4, 4 * 4]


def test_pairing_narrows_the_interval_on_a_real_experiment(tmp_path):
    """Common random numbers: on a real small experiment the paired interval of the main outcome
    is narrower than the unpaired one (same replications)."""
    from sim.analysis import paired_effects, read_runs

    path = write_experiment(tmp_path, replications=10)
    data = yaml.safe_load(path.read_text())
    data["set"].update({"months": 24, "firms.count": 150})
    data["arms"][1]["set"] = {"connectivity.coverage_mean": 0.95}
    path.write_text(yaml.safe_dump(data))
    result = run_batch(path, executor="processes", workers=2, out=tmp_path / "o", progress=False)
    effects = paired_effects(read_runs(result.out), ["survival_rate", "digital_share"])
    effects["paired"] = effects["ci_high"] - effects["ci_low"]
    effects["unpaired"] = effects["unpaired_high"] - effects["unpaired_low"]
    main = effects.set_index("outcome").loc["digital_share"]
    assert main["paired"] < main["unpaired"], effects
