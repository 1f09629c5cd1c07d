"""Where tasks run: in this process, in a local process pool, or on a Dask cluster.

Each executor is a context manager yielding a pool with ``submit(fn, arg) -> future``, ``wait``
and ``slots`` (how many tasks may be in flight). :func:`run_tasks` keeps at most ``slots``
tasks submitted at a time, so a batch of a million runs never queues a million tasks, and yields
results as they complete. Results never depend on the executor: every task is independent.
"""

from __future__ import annotations

import os
import select
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import get_all_start_methods, get_context
from typing import Any

from sim.errors import ConfigError

EXECUTORS = ("serial", "processes", "dask")


@dataclass
class Pool:
    """An open executor: how to submit a task, wait for futures, and how many may be in flight."""

    submit: Callable[[Callable, Any], Any]
    wait: Callable
    slots: int


class WorkerDied(RuntimeError):
    """A worker process died mid-task (as when the out-of-memory killer ends it): the pool is
    broken. ``in_flight`` are the tasks it had not returned, among them the one that killed it."""

    def __init__(self, in_flight: list[Any]):
        super().__init__(f"a worker process died with {len(in_flight)} task(s) in flight")
        self.in_flight = in_flight


#: Exceptions that mean a worker process died: a local pool breaks; Dask gives up on the task.
DEATHS = ("BrokenProcessPool", "KilledWorker")


def run_tasks(pool: Pool, fn: Callable, tasks: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
    """``fn(task)`` for every task on ``pool``, at most ``pool.slots`` in flight; yields
    ``(task, result)`` in completion order. Raises :class:`WorkerDied` if a worker dies."""
    queue = iter(tasks)
    pending: dict[Any, Any] = {}
    for task in queue:
        pending[pool.submit(fn, task)] = task
        if len(pending) >= pool.slots:
            break
    while pending:
        done, _ = pool.wait(set(pending), return_when=FIRST_COMPLETED)
        for future in done:
            try:
                result = future.result()
            except Exception as exc:
                if type(exc).__name__ not in DEATHS:
                    raise
                raise WorkerDied(list(pending.values())) from None
            yield pending.pop(future), result
            task = next(queue, None)
            if task is not None:
                pending[pool.submit(fn, task)] = task


def check_options(kind: str, workers: int | None, scheduler: str | None, file: str) -> None:
    """Executor options are input too: a bad one is a ConfigError before anything runs."""
    if kind not in EXECUTORS:
        allowed = ", ".join(EXECUTORS)
        raise ConfigError(file, "--executor", f"unknown executor {kind!r} (available: {allowed})")
    if workers is not None and workers < 1:
        raise ConfigError(file, "--workers", f"must be at least 1 (got {workers})")
    if scheduler and kind != "dask":
        raise ConfigError(file, "--scheduler", "a scheduler address needs --executor dask")


@contextmanager
def open_pool(kind: str, workers: int | None, scheduler: str | None, file: str = "--executor"):
    """A pool of the given kind; ``workers`` defaults to the CPU cores (or the Dask cluster's
    threads); ``scheduler`` is the address of a running Dask scheduler."""
    check_options(kind, workers, scheduler, file)
    opener = {"serial": _serial, "processes": _processes, "dask": _dask}[kind]
    with opener(workers or os.cpu_count() or 1, scheduler, file) as pool:
        yield pool


@contextmanager
def _serial(workers: int, scheduler: str | None, file: str):
    def submit(fn, task):
        future: Future = Future()
        future.set_result(fn(task))
        return future

    yield Pool(submit, wait, 1)


#: Imported once by the fork server; each worker it forks starts with them loaded.
PRELOAD = ["sim.runner.task", "sim.store", "sim.model"]


def process_context():
    """How worker processes start.

    ``fork`` when this process runs a single thread: workers start at once and share its
    imports. Otherwise (a Jupyter kernel, a Dask client, any threads) ``forkserver``, which is
    safe with threads: a clean server process imports msme-sim once and forks each worker in
    milliseconds (it stays up for later batches of the session); ``spawn`` where neither exists.
    """
    methods = get_all_start_methods()
    if threading.active_count() == 1 and "fork" in methods:
        return get_context("fork")
    if "forkserver" in methods:
        context = get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        return context
    return get_context("spawn")


#: Warm process pools of this process, by worker count: a batch that ends normally leaves its
#: workers (imports, compiled kernels and caches loaded) for the next batch of the session.
_WARM: dict[tuple[int, int], ProcessPoolExecutor] = {}


@contextmanager
def _processes(workers: int, scheduler: str | None, file: str):
    key = (os.getpid(), workers)  # a forked child never reuses its parent's pool
    pool = _WARM.pop(key, None)  # taken while in use: a nested batch opens its own
    if pool is None or getattr(pool, "_broken", False):
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=process_context(),
            initializer=init_worker,
            initargs=(os.getpid(),),
        )
    try:
        yield Pool(pool.submit, wait, 2 * workers)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    if getattr(pool, "_broken", False):  # a worker died: this pool takes no more tasks
        pool.shutdown(wait=True)
    else:
        _WARM[key] = pool


def close_warm_pools() -> None:
    """End the warm worker processes kept for later batches (they also end with this process)."""
    while _WARM:
        _, pool = _WARM.popitem()
        pool.shutdown(wait=True)


@contextmanager
def _dask(workers: int, scheduler: str | None, file: str):
    from distributed import Client, LocalCluster
    from distributed import wait as dask_wait

    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout=30)
        except OSError as exc:
            raise ConfigError(file, "--scheduler", f"cannot reach {scheduler}: {exc}") from None
    else:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    try:
        threads = sum(client.nthreads().values()) or workers
        yield Pool(lambda fn, task: client.submit(fn, task, pure=False), dask_wait, 2 * threads)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


#: Thread pools of numerical libraries a worker may load later: one thread each, since the
#: workers already use the cores.
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMBA_NUM_THREADS",
)


def init_worker(batch: int) -> None:
    """Pool worker initializer: let go of the results directory's lock a forked worker
    inherits, and end this worker as soon as the batch process ``batch`` is gone (even after
    ``kill -9``), so no orphan keeps the lock or writes into a directory a rerun reopens.

    Then warm the worker once for all its runs: BLAS and OpenMP pinned to one thread (two
    workers with a BLAS thread pool each oversubscribe the cores), and a tiny model run so the
    imports, compiled kernels and first-use caches are loaded before the first task.

    A thread waits on a pidfd (Linux: woken the moment the process exits) or else polls.
    """
    from sim.store import drop_inherited_locks

    drop_inherited_locks()
    for name in THREAD_VARIABLES:
        os.environ[name] = "1"
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)
    _warm_up()

    def alive() -> bool:
        try:
            os.kill(batch, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return True

    def watch() -> None:
        try:
            select.select([os.pidfd_open(batch)], [], [])
        except (AttributeError, OSError):
            while alive():
                time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _warm_up() -> None:
    """Run a tiny model for a month: loads what every run needs (imports, compiled kernels)."""
    from sim.config import scenario_from_dict
    from sim.model import MSMEModel

    try:
        scenario = scenario_from_dict({"name": "warm-up", "months": 1, "firms": {"count": 50}})
        MSMEModel(scenario, seed=0).run()
    except Exception:  # only a head start: a run that needs it loads the same on its own
        pass
