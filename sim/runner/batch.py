"""``msme-sim batch``: run an experiment's missing runs on an executor, resumably.

Workers write their own files (``sim.store``), so the batch process keeps only run ids and
statuses: memory stays flat however many runs there are. Rerunning the same command skips
finished runs (after a crash or ``kill -9`` only the missing runs execute); failed runs stay
failed unless ``retry_failed``. Any run can be rerun alone: see :meth:`Plan.rerun_command`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.catalogue import write_catalogue
from sim.resources import check_batch
from sim.runner.executors import check_options, open_pool, run_tasks
from sim.runner.experiment import load_experiment, resolved_experiment
from sim.runner.plan import Plan, RunSpec, expand
from sim.runner.single import check_writable
from sim.runner.task import Task, execute
from sim.store import Store


class BatchAborted(RuntimeError):
    """The batch stopped before its end (e.g. a worker process died); rerun to resume."""


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


def prepare(source: str | Path | Mapping[str, Any], out: str | Path | None = None):
    """Validate the experiment and every run and decide the results directory; write nothing.

    Returns ``(plan, resolved experiment, results directory)``.
    """
    exp = load_experiment(source)
    file = "<experiment>" if isinstance(source, Mapping) else str(source)
    plan = expand(exp, file)
    root = Path(out) if out else Path("results") / exp.name
    check_writable(root, file)
    experiment = resolved_experiment(exp, file)
    experiment["runs"] = len(plan)
    return plan, experiment, root


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
    plan, experiment, root = prepare(source, out)
    check_batch(plan, executor, workers, scheduler, label)
    root = root.resolve()  # workers may run elsewhere (another cwd, another machine)
    store = Store(root)
    order = [spec.run_id for spec in plan]
    try:
        with ExitStack() as stack:
            # Connect first: an unreachable scheduler is reported before DIR is touched.
            pool = None
            if force or missing(plan, store.statuses(), retry_failed):
                pool = stack.enter_context(open_pool(executor, workers, scheduler, plan.file))
            store.open(experiment, set(order), force, plan.file)
            write_catalogue(root, plan.outcomes)
            try:
                todo = missing(plan, store.statuses(), retry_failed)
                store.write_runs_table(order)
                done = 0
                if todo:
                    pool = pool or stack.enter_context(
                        open_pool(executor, workers, scheduler, plan.file)
                    )
                    done = _run(pool, plan, todo, root, progress)
            finally:
                try:
                    table = store.write_runs_table(order)
                finally:
                    store.release()
    except Exception as exc:
        if type(exc).__name__ in ("BrokenProcessPool", "KilledWorker"):
            raise BatchAborted(
                f"a worker process died ({type(exc).__name__}; out of memory?); finished runs "
                "are kept: rerun the same command to resume"
            ) from None
        raise
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


def _run(pool, plan: Plan, todo: list[RunSpec], root: Path, progress: bool | None) -> int:
    """Run ``todo`` on ``pool``; return how many finished without error."""
    from sim.version import __version__

    def tasks() -> Iterator[Task]:
        for spec in todo:
            record = {
                "run_id": spec.run_id,
                "arm": spec.arm,
                "replication": spec.replication,
                "seed": spec.seed,
                **plan.columns(spec),
                "version": __version__,
                "config_hash": spec.config_hash,
            }
            firms = spec.replication < plan.experiment.firm_tables
            yield Task(str(root), record, plan.scenario(spec), firms, plan.rerun_command(spec))

    done = failed = 0
    with Progress(len(todo), plan.experiment.name, progress) as bar:
        for _, status in run_tasks(pool, execute, tasks()):
            done += status == "done"
            failed += status == "failed"
            bar.update(done, failed)
    return done


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
