"""msme-sim never loses a user's files: safe names, marked results folders, locked swaps, umask,
the last good runs table, one-line errors, runs that kill their worker, and viz shutdown."""

from __future__ import annotations

import errno
import json
import math
import multiprocessing
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from sim.runner.outdir import MARKER
from tests.conftest import small
from tests.test_experiment import write_experiment

TINY = {"months": 2, "firms": {"count": 40, "villages": 2}}


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` with its bytes (None for folders)."""
    return {
        str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }


def user_files(root: Path) -> Path:
    """A folder of the user's own files (a source tree, notes, an old run, a runs/ folder)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "src").mkdir()
    (root / "src" / "main.py").write_text("print('mine')\n")
    (root / "notes.txt").write_text("my notes\n")
    (root / "old_run").mkdir()
    (root / "old_run" / "data.csv").write_text("a,b\n1,2\n")
    (root / "runs").mkdir()
    (root / "runs" / "keep.json").write_text("{}")
    return root


def scenario_file(folder: Path, name: str | None = "tiny", stem: str = "tiny") -> Path:
    data = dict(TINY) if name is None else {"name": name, **TINY}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.mark.parametrize("name", ["../src", "/tmp/elsewhere", "..", ".", ".hidden", "a/b"])
def test_scenario_names_that_are_paths_are_refused(tmp_path, cli, monkeypatch, name):
    home = user_files(tmp_path / "home")
    before = snapshot(home)
    monkeypatch.chdir(home)
    path = scenario_file(tmp_path, name)
    code, _, stderr = cli("run", path)
    assert code == 2 and one_line(stderr).startswith(f"error: {path}: name: ")
    assert snapshot(home) == before


def test_experiment_named_dotdot_is_refused(tmp_path, cli, monkeypatch):
    home = user_files(tmp_path / "home")
    before = snapshot(home)
    monkeypatch.chdir(home)
    path = write_experiment(tmp_path, name="..")
    code, _, stderr = cli("batch", path, "--executor", "serial", "--force")
    assert code == 2 and one_line(stderr).startswith(f"error: {path}: name: ")
    assert snapshot(home) == before


def test_run_never_replaces_a_folder_of_user_files(tmp_path, cli, monkeypatch):
    import sim.runner.single as single

    home = user_files(tmp_path / "home")
    before = snapshot(home)
    path = scenario_file(tmp_path)
    for out in (home, home / "old_run", home / "src"):
        code, _, stderr = cli("run", path, "--out", out, "--force")
        assert code == 2 and "not created by msme-sim" in one_line(stderr)
    # --out . is refused before simulating, not after.
    monkeypatch.chdir(home)
    monkeypatch.setattr(single, "simulate", lambda *a, **k: pytest.fail("simulated"))
    code, _, stderr = cli("run", path, "--out", ".")
    assert code == 2 and "not created by msme-sim" in one_line(stderr)
    assert snapshot(home) == before


def test_another_scenario_with_the_same_name_needs_force(tmp_path, cli):
    first, second = scenario_file(tmp_path / "a"), scenario_file(tmp_path / "b")
    out = tmp_path / "results" / "tiny"
    assert cli("run", first, "--out", out)[0] == 0
    assert cli("run", first, "--out", out, "--seed", 5)[0] == 0  # same scenario: replaced
    before = snapshot(out)
    code, _, stderr = cli("run", second, "--out", out)
    assert code == 2 and "--force" in one_line(stderr)
    assert snapshot(out) == before
    assert cli("run", second, "--out", out, "--force")[0] == 0
    assert json.loads((out / MARKER).read_text())["source"] == str(second.resolve())


def test_batch_refuses_user_folders_even_with_force(tmp_path, cli):
    home = user_files(tmp_path / "home")
    before = snapshot(home)
    path = write_experiment(tmp_path, replications=1)
    for args in ((), ("--force",)):
        code, _, stderr = cli("batch", path, "--executor", "serial", "--out", home, *args)
        assert code == 2 and "not created by msme-sim" in one_line(stderr)
    assert snapshot(home) == before
    # A marked folder of another experiment: refused, then cleared only with --force.
    out = tmp_path / "out"
    assert cli("batch", path, "--executor", "serial", "--out", out)[0] == 0
    (tmp_path / "other").mkdir()
    other = write_experiment(tmp_path / "other")
    code, _, stderr = cli("batch", other, "--executor", "serial", "--out", out)
    assert code == 2 and "--force" in one_line(stderr)
    assert cli("batch", other, "--executor", "serial", "--out", out, "--force")[0] == 0


def _write_many(out: str, times: int) -> None:
    from sim.runner.single import simulate, write_run

    output = simulate(small(40, 2), seed=1)
    for _ in range(times):
        write_run(output, out)


def test_concurrent_runs_to_one_folder_all_succeed_and_it_never_vanishes(tmp_path):
    out = tmp_path / "shared"
    _write_many(str(out), 1)
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_write_many, args=(str(out), 8)) for _ in range(4)]
    for writer in writers:
        writer.start()
    missing = 0
    while any(w.is_alive() for w in writers):
        missing += not (out / "summary.json").is_file()
    for writer in writers:
        writer.join()
    assert [w.exitcode for w in writers] == [0, 0, 0, 0]
    if sys.platform == "linux":
        assert missing == 0  # the swap is one atomic exchange
    assert sorted(p.name for p in tmp_path.iterdir()) == [".shared.lock", "shared"]


def test_stale_temp_folders_of_a_killed_run_are_removed_but_not_user_folders(tmp_path):
    from sim.runner.single import simulate, write_run

    out = tmp_path / "run"
    stale = tmp_path / ".tmp-run.k1lled_x"  # what mkdtemp names it: 8 random characters
    stale.mkdir()
    (stale / MARKER).write_text("{}")
    (stale / "monthly.parquet").write_bytes(b"half")
    empty = tmp_path / ".old-run.123"
    empty.mkdir()
    mine = tmp_path / ".tmp-run.mine"
    mine.mkdir()
    (mine / "keep.txt").write_text("mine")
    other = tmp_path / ".tmp-run.v2.abc12345"  # another target's (run.v2) folder in progress
    other.mkdir()
    (other / MARKER).write_text("{}")
    write_run(simulate(small(40, 2), seed=1), out)
    assert not stale.exists() and not empty.exists()
    assert (mine / "keep.txt").read_text() == "mine" and (other / MARKER).exists()


def test_a_rerun_refuses_to_replace_a_run_folder_holding_the_users_files(tmp_path, cli):
    """The folder is msme-sim's, but the notes in it are not: nothing is replaced."""
    scenario = tmp_path / "s.yaml"
    scenario.write_text("months: 2\nfirms: {count: 40}\n")
    out = tmp_path / "out"
    assert cli("run", scenario, "--out", out)[0] == 0
    (out / "notes.txt").write_text("mine")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    code, _, err = cli("run", scenario, "--out", out)
    assert code == 2 and "did not write (notes.txt)" in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_an_out_that_is_a_link_is_refused(tmp_path, cli):
    scenario = tmp_path / "s.yaml"
    scenario.write_text("months: 2\nfirms: {count: 40}\n")
    real = tmp_path / "real"
    real.mkdir()
    (real / "data.csv").write_text("keep")
    link = tmp_path / "link"
    link.symlink_to(real)
    code, _, err = cli("run", scenario, "--out", link)
    assert code == 2 and "is a link" in err
    assert link.is_symlink() and (real / "data.csv").read_text() == "keep"


def test_a_batch_leaves_the_users_tmp_files_alone(tmp_path):
    from sim.store import is_atomic_temp

    (tmp_path / ".tmp-notes.txt").write_text("mine")
    (tmp_path / ".tmp-runs.parquet.ab12cd_9").write_text("left by a killed write")
    (tmp_path / ".tmp-folder.ab12cd_9").mkdir()
    assert not is_atomic_temp(tmp_path / ".tmp-notes.txt")
    assert is_atomic_temp(tmp_path / ".tmp-runs.parquet.ab12cd_9")
    assert not is_atomic_temp(tmp_path / ".tmp-folder.ab12cd_9")


def test_new_files_and_folders_respect_the_umask(tmp_path):
    from sim.runner.single import simulate, write_run

    old = os.umask(0o002)
    try:
        out = write_run(simulate(small(40, 2), seed=1), tmp_path / "run")
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o775
    for name in ("config.yaml", "monthly.parquet", "summary.json", MARKER):
        assert (out / name).stat().st_mode & 0o777 == 0o664


def test_a_full_disk_keeps_the_last_good_runs_table(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    from sim.runner.batch import run_batch
    from sim.store import Store

    out = tmp_path / "out"
    run_batch(write_experiment(tmp_path, replications=1), executor="serial", out=out)
    before = (out / "runs.parquet").read_bytes()

    def full(self, table, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pq.ParquetWriter, "write_table", full)
    store = Store(out)
    with pytest.raises(OSError):
        store.write_runs_table(sorted(store.statuses()))
    assert (out / "runs.parquet").read_bytes() == before
    assert [p.name for p in out.glob(".tmp-*")] == []


@pytest.mark.parametrize(
    "error", [OSError(errno.ENOSPC, "No space left on device", "results/x"), MemoryError()]
)
def test_disk_full_and_out_of_memory_are_one_line(tmp_path, cli, monkeypatch, error):
    import sim.runner.single as single

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(single, "simulate", fail)
    code, _, stderr = cli("run", scenario_file(tmp_path), "--out", tmp_path / "o")
    assert code == 2 and one_line(stderr).startswith("error: ")
    assert not (tmp_path / "o").exists()


def test_bad_seed_and_port_are_one_line(tmp_path, cli):
    path = scenario_file(tmp_path)
    code, _, stderr = cli("run", path, "--seed", -1, "--out", tmp_path / "o")
    assert code == 2 and one_line(stderr) == f"error: {path}: --seed: must be 0 or more (got -1)"
    code, _, stderr = cli("viz", path, "--port", 99999)
    assert code == 2 and "--port: must be 1 to 65535" in one_line(stderr)


def test_summary_json_is_strict_json_with_null_for_undefined_values(tmp_path):
    from sim.runner.single import simulate, write_run

    output = simulate(small(40, 2), seed=1)
    output.summary.update(ratio=math.nan, growth=math.inf, nested={"x": [-math.inf, 1.0]})
    write_run(output, tmp_path / "run")

    def refuse(constant):
        raise ValueError(constant)

    summary = json.loads((tmp_path / "run" / "summary.json").read_text(), parse_constant=refuse)
    assert summary["ratio"] is None and summary["growth"] is None
    assert summary["nested"] == {"x": [None, 1.0]}


KILLER = """
import os, sys
from multiprocessing import get_context
import sim.runner.executors as executors
import sim.runner.task as task
from sim.runner.batch import run_batch

executors.process_context = lambda: get_context("fork")  # workers inherit the patch below
simulate = task._simulate

def killer(t):
    if t.record["arm"] == "literate" and t.record["replication"] == 1:
        os._exit(9)  # as the out-of-memory killer ends a worker
    return simulate(t)

task._simulate = killer
r = run_batch(sys.argv[1], workers=2, out=sys.argv[2], progress=False)
print(r.done, r.failed)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="fork start method")
def test_a_run_that_kills_its_worker_fails_after_two_kills_and_the_batch_finishes(tmp_path):
    path = write_experiment(tmp_path, replications=3)
    out = tmp_path / "out"
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", KILLER, str(path), str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["5", "1"]
    assert time.monotonic() - start < 60
    import pandas as pd

    runs = pd.read_parquet(out / "runs.parquet").set_index("arm", append=True)
    failed = runs[runs["status"] == "failed"]
    assert len(runs) == 6 and len(failed) == 1
    (run_id,) = failed["run_id"]
    assert "killed its worker process 2 times" in failed["error"].iloc[0]
    assert json.loads((out / "kills.json").read_text())[run_id] == 2
    assert run_id.startswith("literate-r001")


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.skipif(os.name != "posix", reason="process groups")
def test_viz_terminated_stops_its_server_child(tmp_path):
    pytest.importorskip("solara")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = Path(sys.executable).with_name("msme-sim")
    proc = subprocess.Popen(
        [str(exe), "viz", str(scenario_file(tmp_path)), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        while not _listening(port) and time.monotonic() < deadline:
            assert proc.poll() is None
            time.sleep(0.3)
        assert _listening(port)
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        assert children
        proc.terminate()
        proc.wait(timeout=30)
        deadline = time.monotonic() + 15
        while _listening(port) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _listening(port)
        for child in children:
            assert not Path(f"/proc/{child}").exists() or _zombie(child)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _zombie(pid: str) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_a_batch_folder_from_before_markers_resumes_but_not_with_user_files(tmp_path, cli):
    path = write_experiment(tmp_path, replications=1)
    out = tmp_path / "out"
    assert cli("batch", path, "--executor", "serial", "--out", out)[0] == 0
    (out / MARKER).unlink()
    code, stdout, _ = cli("batch", path, "--executor", "serial", "--out", out)
    assert code == 0 and "0 run now, 2 already finished" in stdout
    assert json.loads((out / MARKER).read_text())["name"] == "exp"
    (out / MARKER).unlink()
    (out / "notes.txt").write_text("mine")
    before = snapshot(out)
    code, _, stderr = cli("batch", path, "--executor", "serial", "--out", out, "--force")
    assert code == 2 and "not created by msme-sim" in one_line(stderr)
    assert snapshot(out) == before
    # An unmarked folder that looks like another experiment's old results is refused and
    # left unmarked, with or without --force.
    (out / "notes.txt").unlink()
    text = (out / "experiment.yaml").read_text().replace("name: exp", "name: someone_else", 1)
    (out / "experiment.yaml").write_text(text)
    before = snapshot(out)
    for extra in ((), ("--force",)):
        code, _, stderr = cli("batch", path, "--executor", "serial", "--out", out, *extra)
        assert code == 2 and "not created by msme-sim" in one_line(stderr)
        assert snapshot(out) == before and not (out / MARKER).exists()
