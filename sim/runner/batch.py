"""Run an experiment's runs as independent tasks on a serial, process-pool or Dask executor.

Workers write their own files (monthly Parquet, then a JSON record), so the parent holds only
run ids and counts: memory stays flat however many runs there are. Rerunning skips finished runs;
after a crash or ``kill -9`` only the missing runs execute.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
import traceback
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import ConfigError
from sim.runner.experiment import RunSpec, expand, load_experiment, resolved_experiment
from sim.runner.single import check_writable
from sim.store import Store, write_run_files

EXECUTORS = ("serial", "processes", "dask")


@dataclass
class Task:
    root: str
    spec: RunSpec


def execute(task: Task) -> tuple[str, str]:
    """Run one task in a worker and write its files; return (run_id, status)."""
    from sim import __version__
    from sim.config import scenario_from_dict
    from sim.runner.single import simulate

    spec, root = task.spec, Path(task.root)
    record = {
        "run_id": spec.run_id,
        "arm": spec.arm,
        "replication": spec.replication,
        "seed": spec.seed,
        **spec.point,
        "version": __version__,
        "config_hash": spec.run_id.rsplit("-", 1)[-1],
    }
    start = time.perf_counter()
    try:
        output = simulate(scenario_from_dict(spec.scenario, "<run>"), seed=spec.seed)
    except Exception as exc:  # a failing run is recorded, the batch goes on
        record.update(
            status="failed",
            error=f"{type(exc).__name__}: {exc}".splitlines()[0],
            duration_s=time.perf_counter() - start,
        )
        write_run_files(root, spec.run_id, None, record, traceback.format_exc())
        return spec.run_id, "failed"
    summary = {k: v for k, v in output.summary.items() if k not in ("seed",)}
    record.update(status="done", error=None, duration_s=time.perf_counter() - start, **summary)
    write_run_files(root, spec.run_id, output.monthly, record)
    return spec.run_id, "done"


# --- executors ------------------------------------------------------------------------------------


def _serial(tasks: list[Task], workers: int, scheduler: str | None) -> Iterator[tuple[str, str]]:
    for task in tasks:
        yield execute(task)


def pool_context():
    """How worker processes start: ``fork`` when this process runs a single thread (workers
    start at once, sharing its imports); otherwise (Jupyter kernels, progress-bar threads)
    ``forkserver``, which is safe with threads and forks workers from a clean, preloaded server."""
    import multiprocessing
    import threading

    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return get_context("fork")
    context = get_context("forkserver")
    context.set_forkserver_preload(["sim.runner.batch"])
    return context


def _processes(tasks: list[Task], workers: int, scheduler: str | None):
    with ProcessPoolExecutor(max_workers=workers, mp_context=pool_context()) as pool:
        yield from _bounded(pool.submit, tasks, 2 * workers, wait)


def _dask(tasks: list[Task], workers: int, scheduler: str | None):
    from distributed import Client, LocalCluster
    from distributed import wait as dask_wait

    if scheduler:
        client, cluster = Client(scheduler), None
    else:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    try:
        yield from _bounded(
            lambda fn, t: client.submit(fn, t, pure=False), tasks, 2 * workers, dask_wait
        )
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _bounded(submit, tasks: list[Task], in_flight: int, wait_for):
    """Submit at most ``in_flight`` tasks at a time; yield results as they complete."""
    pending, queue = set(), iter(tasks)
    for task in queue:
        pending.add(submit(execute, task))
        if len(pending) >= in_flight:
            break
    while pending:
        done, pending = wait_for(pending, return_when=FIRST_COMPLETED)
        pending = set(pending)
        for future in done:
            yield future.result()
            task = next(queue, None)
            if task is not None:
                pending.add(submit(execute, task))


_RUNNERS = {"serial": _serial, "processes": _processes, "dask": _dask}


# --- the batch ------------------------------------------------------------------------------------


@dataclass
class BatchResult:
    out: Path
    total: int
    done: int
    failed: int
    skipped: int

    def runs(self) -> pd.DataFrame:
        """One row per run (``runs.parquet``)."""
        return pd.read_parquet(self.out / "runs.parquet")

    def monthly(self) -> pd.DataFrame:
        """Every run's monthly aggregates, with run_id, arm and replication columns."""
        runs = self.runs()
        frames = []
        for row in runs[runs["status"] == "done"].itertuples():
            frame = pd.read_parquet(self.out / "runs" / f"{row.run_id}.parquet")
            frame.insert(0, "replication", row.replication)
            frame.insert(0, "arm", row.arm)
            frame.insert(0, "run_id", row.run_id)
            frames.append(frame)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def prepare(path: str | Path, out: str | Path | None = None) -> tuple[dict, list[RunSpec], Path]:
    """Validate the experiment and every run; decide the results directory. Writes nothing."""
    exp = load_experiment(path)
    specs = expand(exp, path)
    root = Path(out) if out else Path("results") / exp.name
    check_writable(root, str(path))
    return resolved_experiment(exp, path), specs, root


def run_batch(
    path: str | Path,
    executor: str = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
    out: str | Path | None = None,
    retry_failed: bool = False,
    force: bool = False,
    progress: bool | None = None,
) -> BatchResult:
    """Run every missing run of the experiment at ``path``; see ``msme-sim batch --help``."""
    if executor not in EXECUTORS:
        raise ConfigError(
            str(path),
            "--executor",
            f"unknown executor {executor!r} (available: {', '.join(EXECUTORS)})",
        )
    experiment, specs, root = prepare(path, out)
    fingerprint = hashlib.sha256(json.dumps(sorted(s.run_id for s in specs)).encode()).hexdigest()
    store = Store(root)
    store.open(experiment, fingerprint, force, str(path))
    try:
        records = store.statuses()
        todo = [
            s
            for s in specs
            if s.run_id not in records or (retry_failed and records[s.run_id] == "failed")
        ]
        workers = workers or os.cpu_count() or 1
        tasks = [Task(str(root), spec) for spec in todo]
        done = failed = 0
        with _Progress(len(tasks), experiment["name"], progress) as bar:
            for _, status in _RUNNERS[executor](tasks, workers, scheduler):
                done += status == "done"
                failed += status == "failed"
                bar.update(done, failed)
        counts = store.write_runs_table([s.run_id for s in specs])
    finally:
        store.release()
    total_failed = counts.get("failed", 0)
    return BatchResult(root, len(specs), done, total_failed, len(specs) - len(tasks))


class _Progress:
    """A tqdm bar on a terminal; plain lines every ~10% (or 30 s) otherwise; nothing when
    ``show`` is False."""

    def __init__(self, total: int, name: str, show: bool | None):
        self.total, self.name, self.quiet = total, name, show is False
        self.tty = sys.stderr.isatty() if show is None else bool(show)
        self.bar, self.last, self.start = None, 0.0, time.monotonic()

    def __enter__(self):
        if self.tty and self.total:
            from tqdm import tqdm

            self.bar = tqdm(total=self.total, desc=self.name, unit="run")
        return self

    def update(self, done: int, failed: int) -> None:
        count = done + failed
        if self.quiet:
            return
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(done=done, failed=failed)
            return
        now = time.monotonic()
        if count == self.total or now - self.last > 30 or count % max(self.total // 10, 1) == 0:
            self.last = now
            rate = count / max(now - self.start, 1e-9)
            eta = (self.total - count) / rate if rate > 0 else float("nan")
            print(
                f"{self.name}: {count}/{self.total} runs ({done} done, {failed} failed), "
                f"{rate:.2f} runs/s, ETA {eta:.0f} s",
                file=sys.stderr,
                flush=True,
            )

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()


def run_experiment(path: str | Path, executor: str = "processes", **options: Any) -> BatchResult:
    """Python API: run (or resume) an experiment and return a handle on its results."""
    return run_batch(path, executor=executor, **options)
