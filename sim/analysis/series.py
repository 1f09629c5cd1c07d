"""Monthly trajectories: quantile bands over replications, per arm, metric and month."""

from __future__ import annotations

import pandas as pd

from .reading import read_columns, read_schema_names, run_files


def bands(monthly: pd.DataFrame, metrics, quantiles=(0.05, 0.5, 0.95)) -> pd.DataFrame:
    """Per arm, metric and month: the ``low``/``median``/``high`` quantiles, mean and run count.

    ``monthly`` is long: one row per run and month with columns ``arm``, ``month`` and the
    metrics. Returns columns arm, metric, month, low, median, high, mean, n.
    """
    lo, mid, hi = quantiles
    frames = []
    for metric in metrics:
        if metric not in monthly:
            continue
        g = monthly.groupby(["arm", "month"], sort=True)[metric]
        q = g.quantile([lo, mid, hi]).unstack()
        q.columns = ["low", "median", "high"]
        q["mean"], q["n"] = g.mean(), g.count()
        frames.append(q.reset_index().assign(metric=metric))
    columns = ["arm", "metric", "month", "low", "median", "high", "mean", "n"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def monthly_bands(directory, runs, metrics=None, *, arms=None, quantiles=(0.05, 0.5, 0.95)):
    """:func:`bands` computed from ``runs/<run_id>.parquet``, reading one arm at a time and only
    the ``month`` and ``metrics`` columns (default: every monthly column), so memory stays
    bounded for very large batches."""
    files = run_files(directory, runs, "runs")
    if metrics is None and files:
        names = read_schema_names(next(iter(files.values()))[0])
        metrics = [n for n in names if n != "month"]
    frames = []
    for arm in arms or list(files):
        if arm not in files:
            continue
        table = read_columns(files[arm], ["month", *metrics])
        frames.append(bands(table.assign(arm=arm), metrics, quantiles))
    return pd.concat(frames, ignore_index=True) if frames else bands(pd.DataFrame(), [])
