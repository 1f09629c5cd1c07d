"""Will it fit? A memory estimate of a run or a batch, checked before anything is allocated.

The estimate is deliberately simple and generous: firm columns and networks cost about
:data:`BYTES_PER_FIRM` plus :data:`BYTES_PER_TIE` per network tie or group membership (measured:
1.4-2.1 KB a firm, benchmarks/RESULTS.md), firms entering during the run add rows, each month
adds a row of aggregate outcomes, and each process carries the interpreter and its libraries.
A batch holds one run per worker plus its table of runs. When the estimate exceeds the memory
available (``MemAvailable`` in /proc/meminfo, else psutil when installed, else no check) the
run or batch is refused with one line: ``needs ≈ 4.7 GiB; 23 GiB available``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sim.errors import ConfigError
from sim.params import TABLE

BYTES_PER_FIRM = 1200
BYTES_PER_TIE = 48  # CSR index and value, stored for both ends, in two layers
BYTES_PER_MONTH = 4096  # one row of monthly aggregates and its bookkeeping
BYTES_PER_PROCESS = 200 * 2**20  # Python, NumPy, pandas, Mesa and the model's code
BYTES_PER_BATCH_RUN = 2048  # a run's id, status and summary row in the batch's tables
GIB = 2**30


def _get(data: Mapping[str, Any], path: str) -> Any:
    """The value at dotted ``path`` in a scenario mapping, else the parameter table default."""
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return TABLE[path].default if path in TABLE else None
        node = node[part]
    return node


def _number(value: Any, default: float) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value == value
    return float(value) if ok else default


def run_bytes(scenario: Mapping[str, Any]) -> int:
    """Estimated peak memory of one run of a scenario mapping (validated or raw)."""
    firms = _number(_get(scenario, "firms.count"), TABLE["firms.count"].default)
    months = _number(_get(scenario, "months"), TABLE["months"].default)
    entry = _number(_get(scenario, "rules.exit_entry.entry_rate"), 0.08)
    ties = _number(_get(scenario, "networks.cluster_degree"), 6) + _number(
        _get(scenario, "networks.groups_per_firm"), 1.5
    )
    rows = firms * (1 + max(entry, 0.0) * months / 12)
    return int(BYTES_PER_PROCESS + rows * (BYTES_PER_FIRM + BYTES_PER_TIE * ties))


def batch_bytes(scenarios: Iterable[Mapping[str, Any]], runs: int, workers: int) -> int:
    """Estimated peak memory of a batch: ``workers`` of its largest runs at once, plus the batch
    process with one row per run."""
    largest = max((run_bytes(s) for s in scenarios), default=BYTES_PER_PROCESS)
    return int(workers * largest + BYTES_PER_PROCESS + runs * BYTES_PER_BATCH_RUN)


def available_bytes() -> int | None:
    """Memory available to start new work, or None when it cannot be known."""
    meminfo = Path("/proc/meminfo")
    try:
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        import psutil
    except ImportError:
        return None
    return int(psutil.virtual_memory().available)


def check_fits(need: int, file: str, hint: str, available: int | None = None) -> None:
    """A ConfigError when ``need`` bytes exceed the memory available (no check when unknown)."""
    available = available_bytes() if available is None else available
    if available is None or need <= available:
        return
    raise ConfigError(
        file,
        "memory",
        f"needs ≈ {need / GIB:.1f} GiB; {available / GIB:.1f} GiB available ({hint})",
    )


def check_run(scenario: Mapping[str, Any], file: str) -> None:
    """Refuse a run that would not fit in memory (see :func:`run_bytes`)."""
    check_fits(run_bytes(scenario), file, "lower firms.count or months")


def check_batch(plan, executor: str, workers: int | None, scheduler: str | None, file: str):
    """Refuse a batch (a :class:`sim.runner.plan.Plan`) that would not fit in memory with
    ``workers`` runs at a time (default: one per CPU core, as the pools). Runs on a remote Dask
    scheduler use other machines' memory: not checked."""
    if scheduler:
        return
    workers = 1 if executor == "serial" else workers or os.cpu_count() or 1
    scenarios = (
        plan.raw(arm, point)
        for arm in range(len(plan.experiment.arms))
        for point in range(len(plan.points))
    )
    runs = len(plan)
    check_fits(
        batch_bytes(scenarios, runs, workers),
        file,
        f"{workers} worker(s) at once; use fewer --workers or smaller runs",
    )
