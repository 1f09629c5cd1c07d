"""Sweeps and global sensitivity analysis (SALib) of a batch's design."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .reading import finished, sweep_columns
from .stats import t_interval


def sweep_surface(runs: pd.DataFrame, outcome_name: str, params=None, confidence=0.95):
    """Mean of ``outcome_name`` (with a t-interval over runs) per arm and swept-parameter values."""
    params = sweep_columns(runs) if params is None else list(params)
    done = finished(runs)
    rows = []
    for key, group in done.groupby(["arm", *params], sort=True):
        mean, low, high = t_interval(group[outcome_name].dropna(), confidence)
        rows.append((*key, mean, low, high, group[outcome_name].count()))
    return pd.DataFrame(rows, columns=["arm", *params, "mean", "ci_low", "ci_high", "n"])


def design_outcome(runs: pd.DataFrame, outcome_name: str, params) -> tuple[np.ndarray, np.ndarray]:
    """The sample matrix ``X`` and outcome ``Y`` of a sensitivity design, one row per design
    point in run order (by the ``sample`` column if present, else first appearance); several
    replications of one point are averaged."""
    done = finished(runs)
    params = list(params)
    if "sample" in done:
        grouped = done.groupby("sample", sort=True)
        x, y = grouped[params].first().to_numpy(), grouped[outcome_name].mean().to_numpy()
    else:
        means = done.groupby(params, sort=False)[outcome_name].mean()
        x, y = means.index.to_frame().to_numpy(), means.to_numpy()
    return x.astype(float), y.astype(float)


def problem_from_experiment(experiment: dict):
    """``(method, problem)`` from the experiment's ``sensitivity`` section, or ``None``.

    Accepts ``{method, parameters: {path: [low, high]}}`` or ``{method, problem: {names,
    bounds}}``; ``method`` is ``morris`` (default) or ``sobol``.
    """
    spec = experiment.get("sensitivity")
    if not isinstance(spec, dict):
        return None
    method = str(spec.get("method", "morris")).lower()
    if isinstance(spec.get("problem"), dict):
        problem = dict(spec["problem"])
    elif isinstance(spec.get("parameters"), dict):
        names = list(spec["parameters"])
        bounds = [list(spec["parameters"][n]) for n in names]
        problem = {"names": names, "bounds": bounds}
    else:
        return None
    problem.setdefault("num_vars", len(problem["names"]))
    return method, problem


def sensitivity(
    problem: dict,
    y,
    *,
    method: str = "morris",
    x=None,
    num_levels: int = 4,
    calc_second_order: bool = True,
    confidence: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Global sensitivity indices of outcome ``y`` (ordered as the design's runs) with SALib.

    Morris (needs the sample matrix ``x``): columns parameter, mu_star, mu_star_conf, sigma.
    Sobol (Saltelli design): parameter, S1, S1_conf, ST, ST_conf.
    """
    y = np.asarray(y, dtype=float)
    if method == "morris":
        from SALib.analyze import morris

        if x is None:
            raise ValueError("Morris analysis needs the sample matrix x")
        res = morris.analyze(
            problem, np.asarray(x, dtype=float), y, num_levels=num_levels,
            conf_level=confidence, seed=seed,
        )  # fmt: skip
        cols = {"mu_star": "mu_star", "mu_star_conf": "mu_star_conf", "sigma": "sigma"}
    elif method == "sobol":
        from SALib.analyze import sobol

        res = sobol.analyze(
            problem, y, calc_second_order=calc_second_order, conf_level=confidence, seed=seed
        )
        cols = {"S1": "S1", "S1_conf": "S1_conf", "ST": "ST", "ST_conf": "ST_conf"}
    else:
        raise ValueError(f"method must be 'morris' or 'sobol', not {method!r}")
    table = pd.DataFrame({"parameter": problem["names"]})
    for key, col in cols.items():
        table[col] = np.asarray(res[key], dtype=float)
    return table
