"""Parameter sets of an experiment's ``uncertainties:``: Latin hypercube ranges and rows of
calibration ensembles.

A calibration writes ``ensemble.parquet``: one row per accepted parameter set, one column per
dotted parameter path, plus ``distance`` and ``trial``. An uncertainty ``{from: FILE}`` takes its
values from the column of its own path in FILE; parameters from the same file take their values
from the same rows, so the ensemble's correlations are kept. Ranges (``{low, high}``) are sampled
by the same Latin hypercube as an ``lhs`` sweep. Parameter set ``k`` combines the ``k``-th
hypercube point with the ``k``-th drawn row of each ensemble, and every arm runs on every set.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import ConfigError
from sim.runner.sampling import lhs_points, typed_values

#: The column of ``runs.parquet`` holding a run's parameter set (0, 1, ... ``samples - 1``).
SET_COLUMN = "parameter_set"


def ensemble_path(exp_file: str, source: str) -> Path:
    """An ensemble file's path: relative to the experiment file (absolute paths as given)."""
    return (Path(exp_file).parent / source).resolve()


def read_ensembles(uncertainties: Mapping[str, Any] | None, samples: int | None, file: str):
    """Every ensemble ``uncertainties`` (an experiment's, by dotted path) name, as ``{from:
    DataFrame of the needed columns}``; ``file`` is the experiment file.

    Checks, each one line naming the uncertainty's dotted path: the file exists and is a
    readable Parquet table, it has the path's column, the column is numeric without missing
    values, and it holds at least ``samples`` rows.
    """
    import pandas as pd
    import pyarrow.parquet as pq

    wanted: dict[str, list[str]] = {}
    for path, u in (uncertainties or {}).items():
        if u.from_ is not None:
            wanted.setdefault(u.from_, []).append(path)
    frames = {}
    for source, paths in wanted.items():
        where = f"uncertainties.{paths[0]}.from"
        location = ensemble_path(file, source)
        if not location.is_file():
            raise ConfigError(file, where, f"file not found: {source}")
        try:
            names = pq.read_schema(location).names
        except (OSError, ValueError) as exc:
            raise ConfigError(file, where, f"{source}: not a Parquet table ({exc})") from None
        for path in paths:
            if path not in names:
                raise ConfigError(
                    file, f"uncertainties.{path}.from", f"{source} has no column {path!r}"
                )
        frame = pq.read_table(location, columns=paths).to_pandas()
        for path in paths:
            column = frame[path]
            if not pd.api.types.is_numeric_dtype(column) or column.dtype == bool:
                raise ConfigError(
                    file, f"uncertainties.{path}.from", f"{source}: column {path!r} is not numeric"
                )
            if not np.isfinite(column.to_numpy(dtype=float)).all():
                raise ConfigError(
                    file,
                    f"uncertainties.{path}.from",
                    f"{source}: column {path!r} has missing or infinite values",
                )
        if samples is not None and len(frame) < samples:
            found = f"{samples} parameter sets asked for, but {source} holds {len(frame)}"
            raise ConfigError(file, "samples", found)
        frames[source] = frame
    return frames


def uncertainty_points(
    uncertainties: Mapping[str, Any], samples: int, seed: int, file: str
) -> list[dict[str, Any]]:
    """``samples`` parameter sets: ``{dotted.path: value, ..., "parameter_set": k}``.

    Deterministic for a given experiment seed (and ensemble files), so run ids stay stable and a
    batch resumes. Ensemble rows are drawn without replacement, each file with its own stream
    of ``SeedSequence(seed, spawn_key=(i,))``.
    """
    uncertain = dict(uncertainties)
    ranged = {p: u for p, u in uncertain.items() if u.from_ is None}
    points = (
        lhs_points(list(ranged), list(ranged.values()), samples, seed)
        if ranged
        else [{} for _ in range(samples)]
    )
    for i, frame in enumerate(read_ensembles(uncertain, samples, file).values()):
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i,)))
        rows = frame.iloc[rng.choice(len(frame), size=samples, replace=False)]
        names = list(frame.columns)
        ranges = [uncertain[n] for n in names]
        for point, row in zip(points, rows.itertuples(index=False)):
            point.update(typed_values(names, list(row), ranges))
    order = list(uncertain)  # the file's order, whatever the source of each value
    return [{**{n: p[n] for n in order}, SET_COLUMN: k} for k, p in enumerate(points)]
