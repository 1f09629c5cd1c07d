"""``msme-sim export DIR --format csv|xlsx``: a batch's tables for a spreadsheet.

Four tables: ``runs`` (one row per run, as in ``runs.parquet``, with the arm's label),
``monthly`` (per arm, outcome and month: the mean over replications with its 95% t-interval),
``effects`` (the paired effect of every arm on every outcome) and ``decision`` (the outcomes the
experiment asks about × arms, with Holm-adjusted flags and ties with the best arm). CSV: one file
per table in a folder; Excel (openpyxl): one sheet per table in one workbook. Files are written
atomically, and an existing file is replaced only when msme-sim's export wrote it (a CSV folder
carries :data:`MARKER`; a workbook's creator is :data:`CREATOR`).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from sim.fileio import write_atomic

from .catalogue import read_outcomes
from .decision import decision_table
from .effects import paired_effects
from .reading import (
    ResultsError,
    arm_labels,
    arm_order,
    asked_outcomes,
    check_records,
    finished,
    read_columns,
    read_experiment,
    read_runs,
    read_schema_names,
    run_files,
)

FORMATS = ("csv", "xlsx")
MARKER = ".msme-sim-export.json"
CREATOR = "msme-sim export"
TABLES = ("runs", "monthly", "effects", "decision")


class ExportError(Exception):
    """Export refused or impossible; the message is one line naming the path."""


def monthly_means(directory, runs: pd.DataFrame, arms, confidence: float = 0.95) -> pd.DataFrame:
    """Per arm, outcome and month: mean over the finished runs, its t-interval and run count.

    Reads one arm at a time from ``runs/<run_id>.parquet``. Columns: arm, outcome, month, mean,
    ci_low, ci_high, n.
    """
    files = run_files(directory, runs, "runs")
    frames = []
    for arm in arms:
        if arm not in files:
            continue
        names = [n for n in read_schema_names(files[arm][0]) if n != "month"]
        table = read_columns(files[arm], ["month", *names])
        numeric = [n for n in names if pd.api.types.is_numeric_dtype(table[n])]
        long = table.melt("month", numeric, var_name="outcome", value_name="value")
        g = long.groupby(["outcome", "month"], sort=False)["value"]
        out = g.agg(["mean", "std", "count"]).reset_index()
        df = (out["count"] - 1).clip(lower=1)
        half = stats.t.ppf(0.5 + confidence / 2, df) * out["std"] / np.sqrt(out["count"])
        half = half.where(out["count"] > 1)
        out["ci_low"], out["ci_high"] = out["mean"] - half, out["mean"] + half
        frames.append(out.rename(columns={"count": "n"}).assign(arm=arm))
    columns = ["arm", "outcome", "month", "mean", "ci_low", "ci_high", "n"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def tables(directory) -> dict[str, pd.DataFrame]:
    """The export's tables of the batch results in ``directory`` (see the module docstring)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ResultsError(f"{directory}: no such results directory")
    experiment = read_experiment(directory)
    runs = read_runs(directory)
    check_records(directory)
    catalogue = read_outcomes(directory)
    if finished(runs).empty:
        raise ResultsError(f"{directory / 'runs.parquet'}: no finished runs to export")
    arms = [a for a in arm_order(experiment, runs) if a in set(finished(runs)["arm"])]
    labels = arm_labels(experiment)
    effects = paired_effects(runs, catalogue=catalogue, arms=arms)
    asked = [o for o in asked_outcomes(experiment) if o in runs]
    decision = decision_table(runs, asked, catalogue=catalogue, arms=arms)
    monthly = monthly_means(directory, runs, arms)
    out = {"runs": runs, "monthly": monthly, "effects": effects, "decision": decision}
    for frame in out.values():
        if "arm" in frame:
            position = list(frame.columns).index("arm") + 1
            frame.insert(position, "arm_label", frame["arm"].map(lambda a: labels.get(a, a)))
        if "outcome" in frame and "label" not in frame:
            names = frame["outcome"].map(lambda o: getattr(catalogue.get(o), "label", o))
            frame.insert(list(frame.columns).index("outcome") + 1, "outcome_label", names)
    return out


def _check_csv_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder}: exists and is not a folder; choose another --out")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / MARKER).is_file():
        raise ExportError(
            f"{folder}: folder has files msme-sim export did not write; choose another --out"
        )


def _check_workbook(path: Path) -> None:
    if path.is_dir():
        raise ExportError(f"{path}: is a folder; give a .xlsx file for --out")
    if not path.exists():
        return
    from openpyxl import load_workbook

    try:
        creator = load_workbook(path, read_only=True).properties.creator
    except Exception:  # not a workbook at all (openpyxl raises many kinds): not ours
        creator = None
    if creator != CREATOR:
        raise ExportError(f"{path}: file not written by msme-sim export; choose another --out")


def default_out(directory, fmt: str) -> Path:
    """``DIR/export.xlsx`` or the folder ``DIR/export-csv``."""
    return Path(directory) / ("export.xlsx" if fmt == "xlsx" else "export-csv")


def write_export(directory, fmt: str = "csv", out=None) -> Path:
    """Write the export of ``directory`` as ``fmt`` to ``out`` (default :func:`default_out`).

    Returns the written file (xlsx) or folder (csv). Refuses, before writing anything, to replace
    a file or fill a folder msme-sim's export did not create (:class:`ExportError`); an unusable
    results directory is a :class:`ResultsError` naming the file.
    """
    if fmt not in FORMATS:
        raise ExportError(f"--format: choose one of {', '.join(FORMATS)} (got {fmt!r})")
    out = Path(out) if out is not None else default_out(directory, fmt)
    (_check_workbook if fmt == "xlsx" else _check_csv_folder)(out)
    if not out.parent.is_dir():
        raise ExportError(f"{out.parent}: no such folder")
    frames = tables(directory)
    if fmt == "xlsx":
        write_atomic(out, lambda tmp: _write_workbook(tmp, frames))
        return out
    out.mkdir(exist_ok=True)
    marker = {"written_by": "msme-sim export", "results": str(Path(directory).resolve())}
    write_atomic(out / MARKER, json.dumps(marker, indent=1) + "\n")
    for name, frame in frames.items():
        write_atomic(out / f"{name}.csv", frame.to_csv(index=False))
    return out


def _write_workbook(path: Path, frames: dict[str, pd.DataFrame]) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in frames.items():
            _excel_ready(frame).to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            sheet.freeze_panes = "A2"
            sheet.auto_filter.ref = sheet.dimensions
            for column in sheet.columns:
                width = max(len(str(c.value)) for c in column[:200] if c.value is not None)
                sheet.column_dimensions[column[0].column_letter].width = min(40, width + 2)
        writer.book.properties.creator = CREATOR


def _excel_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Excel cells hold no NaN/inf or pandas NA: those become empty cells."""
    out = frame.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].where(np.isfinite(out[c]))
        elif out[c].dtype == "boolean" or str(out[c].dtype) == "Int64":
            out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out


def export_command(directory, fmt: str, out=None) -> int:
    """CLI entry point: print the written path; one-line error and 2 on bad input."""
    import sys

    try:
        path = write_export(directory, fmt, out)
    except (ExportError, ResultsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(path)
    return 0
