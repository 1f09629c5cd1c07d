"""Warm batch workers: a process pool is reused by the next batch and its workers are pinned
to one BLAS thread."""

from __future__ import annotations

import os

import pytest

from sim.runner.executors import close_warm_pools, open_pool, run_tasks


def blas_threads(_) -> list[int]:
    from threadpoolctl import threadpool_info

    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


def pid(_) -> int:
    return os.getpid()


@pytest.mark.slow
def test_a_second_batch_reuses_the_warm_workers_until_they_are_closed():
    try:
        with open_pool("processes", 1, None) as pool:
            first = {result for _, result in run_tasks(pool, pid, range(3))}
            threads = [result for _, result in run_tasks(pool, blas_threads, range(2))]
        with open_pool("processes", 1, None) as pool:
            again = {result for _, result in run_tasks(pool, pid, range(3))}
        close_warm_pools()
        with open_pool("processes", 1, None) as pool:
            fresh = {result for _, result in run_tasks(pool, pid, range(3))}
    finally:
        close_warm_pools()
    assert len(first) == 1 and os.getpid() not in first
    assert again == first
    assert fresh != first
    assert threads and all(t and set(t) == {1} for t in threads)
