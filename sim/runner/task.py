"""One batch run as a self-contained task: what a worker process (local or Dask) executes.

A task carries everything it needs (scenario mapping, seed, the record's id columns) and writes
its own files into the results directory, so nothing but ``(run_id, status)`` travels back.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Task:
    """A run to execute: results directory, record ids, scenario mapping and options."""

    root: str
    record: dict[str, Any]
    scenario: dict[str, Any]
    firm_table: bool = True
    rerun: str = ""


def execute(task: Task) -> tuple[str, str]:
    """Run one task and write its files; return ``(run_id, "done" | "failed")``.

    A run that raises is recorded as failed (one-line error, traceback file); the batch goes on.
    """
    from sim.runner.seeds import config_hash
    from sim.store import write_run_files

    record = dict(task.record)
    start = time.perf_counter()
    try:
        output = _simulate(task)
    except Exception as exc:
        lines = f"{type(exc).__name__}: {exc}".strip().splitlines()
        record.update(status="failed", error=lines[0], duration_s=time.perf_counter() - start)
        text = f"rerun alone: {task.rerun}\n\n{traceback.format_exc()}"
        write_run_files(Path(task.root), record, None, None, text)
        return record["run_id"], "failed"
    scenario, monthly, firms, summary = output
    if config_hash(scenario) != record["config_hash"]:  # e.g. another msme-sim on a Dask worker
        record.update(
            status="failed",
            error="the worker resolved a different configuration",
            duration_s=time.perf_counter() - start,
        )
        write_run_files(Path(task.root), record, None, None, "different msme-sim version?\n")
        return record["run_id"], "failed"
    record.update(status="done", error=None, duration_s=time.perf_counter() - start)
    record.update({k: v for k, v in summary.items() if k != "seed"})
    write_run_files(Path(task.root), record, monthly, firms if task.firm_table else None)
    return record["run_id"], "done"


def _simulate(task: Task):
    from sim.config import scenario_from_dict
    from sim.runner.single import simulate

    scenario = scenario_from_dict(task.scenario, "<run>")
    resolved = scenario.model_dump(mode="json")
    output = simulate(scenario, seed=task.record["seed"], firm_table=task.firm_table)
    return resolved, output.monthly, output.firms, output.summary
