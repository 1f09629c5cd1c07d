"""Reading a batch results directory: ``experiment.yaml``, ``runs.parquet``, the run records
``runs/<id>.json`` and the per-run tables ``runs/<id>.parquet`` and ``firms/<id>.parquet``.

Any file that is missing, truncated or unreadable is a :class:`ResultsError` whose one-line
message names the file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import yaml

from sim.outcomes import parse_group_outcome

from .lang import pick

#: Columns of ``runs.parquet`` that describe a run rather than measure an outcome.
META_COLUMNS = frozenset(
    {"run_id", "arm", "replication", "seed", "status", "error", "duration_s", "version"}
    | {"months", "sample", "parameter_set", "param_hash", "hash", "parameter_hash"}
)
SPEND = "policy_spend_idr"
BUDGET = "policy_budget_idr"
REACH_MEAN = re.compile(r"_(un)?treated_mean_revenue_idr$")


def is_spending(column: str) -> bool:
    """Spending and budget columns (the total, the run's budget, one policy's spending)."""
    return column in (SPEND, BUDGET) or str(column).endswith("_spend_idr")


class ResultsError(ValueError):
    """A results directory is missing, incomplete or unreadable; the message names the path."""


def _cannot_read(path, exc: BaseException) -> ResultsError:
    return ResultsError(f"{path}: cannot read: {' '.join(str(exc).split())}")


def read_experiment(directory) -> dict:
    """The resolved experiment (``experiment.yaml``) as a dict."""
    path = Path(directory) / "experiment.yaml"
    if not path.is_file():
        raise ResultsError(f"{path}: missing (not a batch results directory)")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise _cannot_read(path, exc) from None
    if not isinstance(data, dict):
        raise ResultsError(f"{path}: expected a mapping of experiment settings")
    return data


def read_runs(directory, columns=None) -> pd.DataFrame:
    """The runs table, reading only ``columns`` (default: all) through ``pyarrow.dataset``."""
    path = Path(directory) / "runs.parquet"
    if not path.is_file():
        raise ResultsError(f"{path}: missing (not a batch results directory)")
    try:
        dataset = ds.dataset(path, format="parquet")
        if columns is not None:
            columns = [c for c in columns if c in dataset.schema.names]
        return dataset.to_table(columns=columns).to_pandas()
    except (OSError, ValueError) as exc:
        raise _cannot_read(path, exc) from None


def check_records(directory) -> int:
    """Check that every run record ``runs/<id>.json`` is a complete JSON object; returns how
    many there are. A truncated record means the batch was damaged after ``runs.parquet`` was
    built from the records, so nothing should be reported from it."""
    paths = sorted((Path(directory) / "runs").glob("*.json"))
    for path in paths:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise _cannot_read(path, exc) from None
        if not isinstance(record, dict):
            raise ResultsError(f"{path}: expected a run record (a JSON object)")
    return len(paths)


def arm_order(experiment: dict, runs: pd.DataFrame) -> list[str]:
    """Arms in the experiment's order (the first is the reference), then any others in runs."""
    arms = experiment.get("arms") or []
    listed = [str(a["name"]) for a in arms if isinstance(a, dict) and "name" in a]
    seen = list(dict.fromkeys(runs["arm"].astype(str))) if "arm" in runs else []
    return list(dict.fromkeys(listed + seen))


def asked_outcomes(experiment: dict) -> list[str]:
    """The outcomes the experiment asks about, main one first (``outcomes:`` or ``outcome:``)."""
    listed = experiment.get("outcomes")
    if isinstance(listed, list) and listed:
        return [str(o) for o in listed]
    return [str(experiment.get("outcome") or "survival_rate")]


def arm_labels(experiment: dict, lang: str = "en") -> dict[str, str]:
    """Arm name -> its ``label:`` in ``lang`` (arms without a label keep their name)."""
    labels = {}
    for spec in experiment.get("arms") or []:
        if isinstance(spec, dict) and spec.get("name"):
            labels[str(spec["name"])] = pick(spec.get("label"), lang) or str(spec["name"])
    return labels


def finished(runs: pd.DataFrame) -> pd.DataFrame:
    """Only the runs that finished (``status == "done"``)."""
    if "status" not in runs:
        return runs
    return runs[runs["status"] == "done"]


def sweep_columns(runs: pd.DataFrame) -> list[str]:
    """Swept parameters: the columns named by a dotted scenario path (``firms.count``)."""
    return [c for c in runs.columns if "." in str(c)]


def outcome_columns(runs: pd.DataFrame) -> list[str]:
    """Every numeric outcome column: not run metadata, not a sweep, not spending or budget,
    not a per-sector or per-village outcome, not a policy's reached/not-reached mean (it does
    not exist in an arm without that policy); those are who-gains detail
    (:mod:`sim.analysis.distribution`)."""
    skip = META_COLUMNS | set(sweep_columns(runs))
    skip |= {c for c in runs.columns if REACH_MEAN.search(str(c))}
    return [
        c
        for c in runs.columns
        if c not in skip
        and not is_spending(c)
        and parse_group_outcome(str(c)) is None
        and pd.api.types.is_numeric_dtype(runs[c])
        and runs[c].dtype != bool
    ]


def run_files(directory, runs: pd.DataFrame, folder: str) -> dict[str, list[str]]:
    """Existing ``folder/<run_id>.parquet`` files of the finished runs, by arm."""
    base = Path(directory) / folder
    files: dict[str, list[str]] = {}
    for arm, run_id in finished(runs)[["arm", "run_id"]].itertuples(index=False):
        path = base / f"{run_id}.parquet"
        if path.is_file():
            files.setdefault(str(arm), []).append(str(path))
    return files


def read_schema_names(path: str) -> list[str]:
    """The column names of one Parquet file."""
    try:
        return pq.read_schema(path).names
    except (OSError, ValueError) as exc:
        raise _cannot_read(path, exc) from None


def read_columns(paths: list[str], columns) -> pd.DataFrame:
    """``columns`` (those present) of several Parquet files of one schema, concatenated."""
    try:
        dataset = ds.dataset(paths, format="parquet")
        present = [c for c in columns if c in dataset.schema.names]
        return dataset.to_table(columns=present).to_pandas()
    except (OSError, ValueError) as exc:
        # Find the damaged file, so the message names it (rare path: read them one by one).
        for path in paths:
            try:
                pq.read_table(path)
            except (OSError, ValueError) as bad:
                raise _cannot_read(path, bad) from None
        raise _cannot_read(Path(paths[0]).parent, exc) from None


def read_firms(directory, runs, *, arms=None, max_runs_per_arm: int = 20, columns=None):
    """End-of-run firm tables of up to ``max_runs_per_arm`` finished runs per arm (lowest
    replications first), with an ``arm`` column; ``None`` when the batch kept no firm tables."""
    done = finished(runs).sort_values("replication")
    files = run_files(directory, done, "firms")
    if not files:
        return None
    frames = []
    for arm in arms or list(files):
        paths = files.get(arm, [])[:max_runs_per_arm]
        if paths:
            wanted = columns or read_schema_names(paths[0])
            frames.append(read_columns(paths, wanted).assign(arm=arm))
    return pd.concat(frames, ignore_index=True) if frames else None
