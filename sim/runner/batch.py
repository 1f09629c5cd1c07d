"""``msme-sim batch``: run an experiment's missing runs on an executor, resumably.

Workers write their own files (``sim.store``), so the batch process keeps only run ids and
statuses: memory stays flat however many runs there are. Rerunning the same command skips
finished runs (after a crash or ``kill -9`` only the missing runs execute); failed runs stay
failed unless ``retry_failed``. Any run can be rerun alone: see :meth:`Plan.rerun_command`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.catalogue import write_catalogue
from sim.resources import check_batch
from sim.runner.executors import WorkerDied, check_options, open_pool, run_tasks
from sim.runner.experiment import load_experiment, resolved_experiment
from sim.runner.outdir import check_replaceable, marker
from sim.runner.plan import Plan, RunSpec, expand
from sim.runner.seeds import config_hash
from sim.runner.single import check_writable
from sim.runner.task import Task, execute
from sim.store import LOCK, Store, is_legacy, write_run_files


@dataclass
class BatchResult:
    """What a batch did, and a handle on its results directory."""

    out: Path
    total: int
    done: int
    failed: int
    skipped: int
    rerun: list[str] = field(default_factory=list)

    def runs(self) -> pd.DataFrame:
        """One row per run (``runs.parquet``)."""
        return pd.read_parquet(self.out / "runs.parquet")

    def monthly(self) -> pd.DataFrame:
        """Every finished run's monthly aggregates, with run_id, arm and replication columns."""
        runs = self.runs()
        frames = []
        for row in runs[runs["status"] == "done"].itertuples():
            frame = pd.read_parquet(self.out / "runs" / f"{row.run_id}.parquet")
            frame.insert(0, "replication", row.replication)
            frame.insert(0, "arm", row.arm)
            frame.insert(0, "run_id", row.run_id)
            frames.append(frame)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def prepare(
    source: str | Path | Mapping[str, Any], out: str | Path | None = None, force: bool = False
):
    """Validate the experiment and every run and check the results directory; write nothing.

    Returns ``(plan, resolved experiment, results directory, its marker)``.
    """
    exp = load_experiment(source)
    file = "<experiment>" if isinstance(source, Mapping) else str(source)
    plan = expand(exp, file)
    root = Path(out) if out else Path("results") / exp.name
    experiment = resolved_experiment(exp, file)
    experiment["runs"] = len(plan)
    origin = None if isinstance(source, Mapping) else str(Path(source).resolve())
    mark = marker("batch", exp.name, origin, config_hash(experiment))
    check_writable(root, file)
    if not is_legacy(root):  # Store.open adopts a batch folder written before markers
        check_replaceable(root, mark, force, file, ignore={LOCK})
    return plan, experiment, root, mark


def run_batch(
    source: str | Path | Mapping[str, Any],
    executor: str = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
    out: str | Path | None = None,
    retry_failed: bool = False,
    force: bool = False,
    progress: bool | None = None,
) -> BatchResult:
    """Run every missing run of an experiment (a file, or a mapping of its keys).

    ``executor``: ``serial``, ``processes`` (a local process pool; ``workers`` default: cores)
    or ``dask`` (a LocalCluster, or the running scheduler at ``scheduler``). ``out``: results
    directory (default ``results/<name>/``). ``force`` clears results of another experiment.
    """
    label = "<experiment>" if isinstance(source, Mapping) else str(source)
    check_options(executor, workers, scheduler, label)
    plan, experiment, root, mark = prepare(source, out, force)
    check_batch(plan, executor, workers, scheduler, label)
    for line in plan.warnings:
        print(line, file=sys.stderr)
    root = root.resolve()  # workers may run elsewhere (another cwd, another machine)
    store = Store(root)
    order = [spec.run_id for spec in plan]

    def opener(n: int | None = workers):
        return open_pool(executor, n, scheduler, plan.file)

    with ExitStack() as stack:
        # Connect first: an unreachable scheduler is reported before DIR is touched.
        pool = None
        if force or missing(plan, store.statuses(), retry_failed):
            pool = stack.enter_context(opener())
        store.open(experiment, set(order), force, plan.file, mark)
        write_catalogue(root, plan.outcomes)
        try:
            todo = missing(plan, store.statuses(), retry_failed)
            store.write_runs_table(order)
            done = 0
            if todo:
                pool = pool or stack.enter_context(opener())
                done = _run(pool, opener, store, plan, todo, progress)
        finally:
            try:
                table = store.write_runs_table(order)
            finally:
                store.release()
    failed = {run_id for run_id, status in table.items() if status == "failed"}
    rerun = [plan.rerun_command(s) for s in plan if s.run_id in failed][:3]
    return BatchResult(root, len(plan), done, len(failed), len(plan) - len(todo), rerun)


def missing(plan: Plan, statuses: dict[str, str], retry_failed: bool) -> list[RunSpec]:
    """The runs still to do: not finished, or failed when ``retry_failed``."""
    return [
        s
        for s in plan
        if s.run_id not in statuses or (retry_failed and statuses[s.run_id] == "failed")
    ]


#: A run that kills its worker process this many times is recorded as failed.
KILL_LIMIT = 2


def _run(pool, opener, store: Store, plan: Plan, todo: list[RunSpec], progress) -> int:
    """Run ``todo`` on ``pool``; return how many finished without error.

    When a worker dies, the runs it had in flight are rerun one at a time in a pool of their
    own: a run that kills its worker there :data:`KILL_LIMIT` times (counted in the store,
    across batches) is recorded as failed, the others finish, and the batch goes on in a new
    pool.
    """
    done = failed = 0

    def task(spec: RunSpec) -> Task:
        firms = spec.replication < plan.experiment.firm_tables
        return Task(
            str(store.root),
            base_record(plan, spec),
            plan.scenario(spec),
            firms,
            plan.rerun_command(spec),
        )

    queue = list(todo)
    with Progress(len(todo), plan.experiment.name, progress) as bar, ExitStack() as pools:
        while queue:
            finished: set[str] = set()
            suspects: list[RunSpec] = []
            try:
                for _, (run_id, status) in run_tasks(pool, execute, map(task, queue)):
                    finished.add(run_id)
                    done += status == "done"
                    failed += status == "failed"
                    bar.update(done, failed)
            except WorkerDied as died:
                ids = {t.record["run_id"] for t in died.in_flight}
                suspects = [s for s in queue if s.run_id in ids]
            queue = [s for s in queue if s.run_id not in finished and s not in suspects]
            for spec in suspects:
                status = _isolated(opener, store, task(spec))
                done += status == "done"
                failed += status == "failed"
                bar.update(done, failed)
            if queue:
                pools.close()  # the broken pool's successor, if any
                pool = pools.enter_context(opener())
    return done


def _isolated(opener, store: Store, task: Task) -> str:
    """Run a task suspected of killing its worker alone, in a one-worker pool, until it
    finishes or has killed :data:`KILL_LIMIT` workers; return its status."""
    run_id = task.record["run_id"]
    while True:
        with opener(1) as solo:
            try:
                for _, (_, status) in run_tasks(solo, execute, [task]):
                    return status
            except WorkerDied:
                kills = store.add_kill(run_id)
        if kills >= KILL_LIMIT:
            error = f"killed its worker process {kills} times (out of memory?)"
            record = {**task.record, "status": "failed", "error": error, "duration_s": None}
            text = f"rerun alone: {task.rerun}\n\n{error}\n"
            write_run_files(store.root, record, None, None, text)
            return "failed"


def base_record(plan: Plan, spec: RunSpec) -> dict[str, Any]:
    """The id, design and version columns of a run's record."""
    from sim.version import __version__

    return {
        "run_id": spec.run_id,
        "arm": spec.arm,
        "replication": spec.replication,
        "seed": spec.seed,
        **plan.columns(spec),
        "version": __version__,
        "config_hash": spec.config_hash,
    }


class Progress:
    """A tqdm bar (runs done/failed, rate, ETA) on a terminal; plain lines every ~10% (or 30 s)
    otherwise."""

    def __init__(self, total: int, name: str, tty: bool | None):
        self.total, self.name = total, name
        self.tty = sys.stderr.isatty() if tty is None else tty
        self.quiet = tty is False
        self.bar, self.last, self.start = None, 0.0, time.monotonic()

    def __enter__(self):
        if self.tty and not self.quiet and self.total:
            from tqdm import tqdm

            class Bar(tqdm):
                monitor_interval = 0  # no monitor thread: a forking pool starts after the bar

            self.bar = Bar(total=self.total, desc=self.name, unit="run")
        return self

    def update(self, done: int, failed: int) -> None:
        count = done + failed
        if self.bar is not None:
            self.bar.set_postfix(done=done, failed=failed, refresh=False)
            self.bar.update(1)
            return
        now = time.monotonic()
        step = max(self.total // 10, 1)
        if self.quiet or not (count == self.total or now - self.last > 30 or count % step == 0):
            return
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


def run_experiment(
    source: str | Path | Mapping[str, Any],
    executor: str = "processes",
    workers: int | None = None,
    out: str | Path | None = None,
    **options: Any,
) -> BatchResult:
    """Python API: run (or resume) an experiment file or mapping; returns a handle with
    ``.runs()`` and ``.monthly()`` DataFrames. Options as :func:`run_batch`."""
    return run_batch(source, executor=executor, workers=workers, out=out, **options)
