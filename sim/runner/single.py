"""One run = (resolved scenario, seed) → monthly aggregates and a summary, written atomically."""

from __future__ import annotations

import json
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.catalogue import write_catalogue
from sim.config import Scenario, dump
from sim.errors import ConfigError
from sim.fileio import write_atomic
from sim.runner.outdir import check_replaceable, marker, replace_folder


@dataclass
class RunOutput:
    scenario: Scenario
    seed: int
    monthly: pd.DataFrame
    summary: dict[str, Any]
    firms: pd.DataFrame | None = None
    catalogue: dict[str, Any] | None = None


def simulate(
    scenario: Scenario,
    seed: int | None = None,
    progress: bool = False,
    firm_table: bool = False,
    check: bool | None = None,
) -> RunOutput:
    """Build the model, run the scenario's months and collect its outcomes (and, if asked,
    the end-of-run firm table); ``check`` verifies ranges and accounts every phase."""
    from sim.model import MSMEModel

    model = MSMEModel(scenario, seed=seed, check=check)
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


def json_safe(value: Any) -> Any:
    """``value`` with every NaN or infinite float (nested too) replaced by None, so the JSON
    written is valid (``null``, not the bare ``NaN`` strict readers reject)."""
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def run_marker(scenario: Scenario, source: str | Path | None = None) -> dict[str, Any]:
    """The marker of a run folder of ``scenario`` (read from ``source``, if a file)."""
    from sim.runner.seeds import config_hash

    origin = str(Path(source).resolve()) if source is not None else None
    return marker("run", scenario.name, origin, config_hash(scenario.model_dump(mode="json")))


def check_out(
    out_dir: str | Path, mark: dict[str, Any], force: bool = False, file: str = "--out"
) -> None:
    """Before any work: ``out_dir`` can be written and msme-sim may replace it."""
    check_writable(Path(out_dir), file)
    check_replaceable(Path(out_dir), mark, force, file)


def write_run(
    output: RunOutput,
    out_dir: str | Path,
    source: str | Path | None = None,
    force: bool = False,
    file: str = "--out",
) -> Path:
    """Write config.yaml, monthly.parquet and summary.json into ``out_dir`` atomically.

    Everything goes to a temporary sibling folder first, which then replaces ``out_dir`` under
    a lock, so readers never see a half-written run. ``out_dir`` is replaced only if msme-sim
    created it for the same scenario (``source`` file; ``force``: any msme-sim run folder).
    """

    def fill(folder: Path) -> None:
        write_atomic(folder / "config.yaml", dump(output.scenario))
        write_atomic(
            folder / "monthly.parquet", lambda tmp: output.monthly.to_parquet(tmp, index=False)
        )
        text = json.dumps(json_safe(output.summary), indent=2, allow_nan=False) + "\n"
        write_atomic(folder / "summary.json", text)
        if output.catalogue is not None:
            write_catalogue(folder, output.catalogue)

    mark = run_marker(output.scenario, source)
    return replace_folder(Path(out_dir), mark, fill, force, file)
