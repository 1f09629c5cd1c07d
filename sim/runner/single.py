"""One run = (resolved scenario, seed) → monthly aggregates and a summary, written atomically."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.catalogue import write_catalogue
from sim.config import Scenario, dump
from sim.errors import ConfigError


@dataclass
class RunOutput:
    scenario: Scenario
    seed: int
    monthly: pd.DataFrame
    summary: dict[str, Any]
    firms: pd.DataFrame | None = None
    catalogue: dict[str, Any] | None = None


def simulate(
    scenario: Scenario, seed: int | None = None, progress: bool = False, firm_table: bool = False
) -> RunOutput:
    """Build the model, run the scenario's months and collect its outcomes (and, if asked,
    the end-of-run firm table)."""
    from sim.model import MSMEModel

    model = MSMEModel(scenario, seed=seed)
    model.run(progress=progress)
    summary = {"seed": model.run_seed, "months": model.month, **model.summary()}
    firms = model.firm_table() if firm_table else None
    return RunOutput(scenario, model.run_seed, model.monthly(), summary, firms, model.catalogue())


def check_writable(out_dir: Path, file: str = "--out") -> None:
    """Fail early (before any work) when ``out_dir`` cannot be created or written.

    Probes by creating (and removing) a temporary file in the nearest existing ancestor.
    """
    out_dir = Path(out_dir)
    target = out_dir
    while not target.exists() and target != target.parent:
        target = target.parent
    if not target.is_dir():
        raise ConfigError(file, "--out", f"{target} is not a directory")
    try:
        with tempfile.TemporaryFile(dir=target):
            pass
    except OSError:
        raise ConfigError(file, "--out", f"{target} is not writable") from None


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_run(output: RunOutput, out_dir: str | Path) -> Path:
    """Write config.yaml, monthly.parquet and summary.json into ``out_dir`` atomically.

    Everything goes to a temporary sibling directory first, which then replaces ``out_dir``
    by rename, so readers never see a half-written run.
    """
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        (tmp / "config.yaml").write_text(dump(output.scenario), encoding="utf-8")
        output.monthly.to_parquet(tmp / "monthly.parquet", index=False)
        (tmp / "summary.json").write_text(json.dumps(output.summary, indent=2) + "\n")
        if output.catalogue is not None:
            write_catalogue(tmp, output.catalogue)
        old = None
        if out_dir.exists():
            old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
            out_dir.rename(old)
        tmp.rename(out_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir
