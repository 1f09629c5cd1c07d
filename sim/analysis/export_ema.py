"""``msme-sim export DIR --ema``: a batch's results as the ``(experiments, outcomes)`` pair EMA
Workbench reads, in its own ``save_results`` format (``ema_workbench.load_results`` reads it).

One experiment per finished run: the uncertain (or swept) parameters by dotted path, then
``replication`` and ``seed``, ``scenario`` (the parameter set), ``policy`` (the arm) and
``model`` (``msme-sim``). The outcomes are every numeric outcome column of ``runs.parquet`` and
the policy spend, one value per run, as EMA scalar outcomes.
"""

from __future__ import annotations

import tarfile
from pathlib import Path

import numpy as np
import pandas as pd

from sim.fileio import write_atomic

from .reading import SPEND, ResultsError, finished, outcome_columns, read_runs, sweep_columns
from .robustness import SET_COLUMN, quiet_ema

#: The file ``export --ema`` writes in the results directory.
EMA_FILE = "ema_results.tar.gz"


def ema_results(directory) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The ``(experiments, outcomes)`` pair of a batch: a DataFrame and ``{name: 1-D array}``."""
    runs = finished(read_runs(directory))
    if runs.empty:
        raise ResultsError(f"{Path(directory) / 'runs.parquet'}: no finished runs to export")
    params = sweep_columns(runs)
    experiments = runs[params].reset_index(drop=True).copy()
    experiments["replication"] = runs["replication"].to_numpy()
    if "seed" in runs:
        experiments["seed"] = runs["seed"].to_numpy()
    if SET_COLUMN in runs:
        scenario = runs[SET_COLUMN].to_numpy()
    elif params:  # a sweep: one scenario per design point
        scenario = pd.MultiIndex.from_frame(runs[params].astype(str)).factorize()[0]
    else:
        scenario = np.zeros(len(runs), dtype=int)
    experiments["scenario"] = np.asarray(scenario, dtype=int)
    experiments["policy"] = pd.Categorical(runs["arm"].astype(str))
    experiments["model"] = pd.Categorical(["msme-sim"] * len(runs))
    names = [c for c in [*outcome_columns(runs), SPEND] if c in runs and str(c).isidentifier()]
    outcomes = {c: runs[c].to_numpy(dtype=float) for c in names if c != SET_COLUMN}
    return experiments, outcomes


def check_replaceable(path: Path) -> None:
    """Only a missing file or an earlier EMA results archive may be written over."""
    if not path.exists() and not path.is_symlink():
        return
    try:
        with tarfile.open(path, "r:gz") as archive:
            names = set(archive.getnames())
    except (OSError, tarfile.TarError):
        names = set()
    if path.is_symlink() or not path.is_file() or not {"metadata.json", "experiments.csv"} <= names:
        raise ResultsError(f"{path}: exists and is not an EMA results file; not replaced")


def export_ema(directory, out=None) -> Path:
    """Write the batch's ``(experiments, outcomes)`` with EMA Workbench's ``save_results`` to
    ``out`` (default ``DIR/ema_results.tar.gz``), atomically; return the path. Any other file
    already at ``out`` is refused (:class:`ResultsError`)."""
    experiments, outcomes = ema_results(directory)
    path = Path(out) if out is not None else Path(directory) / EMA_FILE
    check_replaceable(path)
    with quiet_ema():
        from ema_workbench import ScalarOutcome, save_results

        for name in outcomes:
            ScalarOutcome(name)  # save_results looks up each outcome's kind in EMA's register
        write_atomic(path, lambda tmp: save_results((experiments, outcomes), str(tmp)))
    return path
