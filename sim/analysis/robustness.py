"""Robustness of a policy comparison under parameter uncertainty (an experiment's
``uncertainties:``).

Every arm ran on the same parameter sets (column ``parameter_set`` of ``runs.parquet``) and the
same seeds, so each arm has one paired effect per parameter set: the mean over replications of
``arm - reference``. Across the sets this module gives each arm's median effect and 5–95%
range, the share of sets in which it is best, its maximum regret (how far it falls short of the
best arm of a set, at worst) and, with EMA Workbench's PRIM, the parameter ranges in which the
best arm overall loses its place (scenario discovery).
"""

from __future__ import annotations

import math
import warnings
from contextlib import contextmanager

import numpy as np
import pandas as pd

from .catalogue import Catalogue, main_outcomes, outcome
from .lang import t
from .reading import finished

SET_COLUMN = "parameter_set"
#: Why scenario discovery found no box (``reason``; its words: ``rb_note_<reason>`` in
#: :mod:`.lang`, with ``{label}`` the outcome and ``{best}`` the best arm).
REASONS = ("no_direction", "always_best", "never_best", "not_numeric", "no_box")


def uncertain_parameters(experiment: dict, runs: pd.DataFrame) -> list[str]:
    """The uncertain parameters (dotted paths) of a batch, as columns of ``runs``; ``[]`` when
    the experiment has no ``uncertainties:``."""
    spec = experiment.get("uncertainties")
    if not isinstance(spec, dict) or SET_COLUMN not in runs:
        return []
    return [str(name) for name in spec if name in runs]


def set_effects(runs: pd.DataFrame, outcome_name: str, arms) -> pd.DataFrame:
    """Paired effect of every arm (the reference included, at 0) in every parameter set.

    One row per (parameter_set, arm): ``effect`` is the mean over replications of ``arm -
    reference`` (replications finished in both arms only), ``pairs`` how many there were.
    """
    arms = list(arms)
    reference = arms[0]
    done = finished(runs)
    done = done[done["arm"].isin(arms)]
    wide = done.pivot_table(
        index=[SET_COLUMN, "replication"], columns="arm", values=outcome_name, aggfunc="mean"
    )
    rows = []
    for arm in arms:
        if arm not in wide or reference not in wide:
            continue
        diff = (wide[arm] - wide[reference]).dropna()
        grouped = diff.groupby(level=SET_COLUMN)
        for k, mean, n in zip(grouped.mean().index, grouped.mean(), grouped.size()):
            rows.append({SET_COLUMN: int(k), "arm": arm, "effect": float(mean), "pairs": int(n)})
    return pd.DataFrame(rows, columns=[SET_COLUMN, "arm", "effect", "pairs"])


def _by_set(effects: pd.DataFrame, arms) -> pd.DataFrame:
    """Effects as a (parameter set × arm) table, keeping only sets where every arm has one."""
    table = effects.pivot(index=SET_COLUMN, columns="arm", values="effect")
    return table.reindex(columns=[a for a in arms if a in table]).dropna()


def regret_table(effects: pd.DataFrame, arms, direction: int) -> pd.DataFrame:
    """Per parameter set: the best arm, and each arm's regret (the best arm's effect minus its
    own, in the better direction; 0 for the best). Empty when the outcome has no direction."""
    table = _by_set(effects, arms)
    if not direction or table.empty:
        return pd.DataFrame()
    score = table * direction
    regret = score.rsub(score.max(axis=1), axis=0)
    regret["best"] = score.idxmax(axis=1)
    return regret


def robustness_table(
    runs: pd.DataFrame, outcomes=None, *, arms, catalogue: Catalogue | None = None
) -> pd.DataFrame:
    """Each arm's effect across parameter sets, for each outcome (default: the main outcomes).

    Columns: outcome, label, arm, sets, median, p05, p95 (of the per-set paired effects), mean,
    share_best (share of sets in which the arm, the reference included, is best), max_regret
    (NaN when the outcome has no better direction), direction.
    """
    arms = list(arms)
    if outcomes is None:
        outcomes = [o.name for o in main_outcomes(catalogue, runs.columns)]
    rows = []
    for name in outcomes:
        info = outcome(name, catalogue)
        effects = set_effects(runs, name, arms)
        regret = regret_table(effects, arms, info.direction)
        for arm in arms:
            values = effects.loc[effects["arm"] == arm, "effect"].to_numpy()
            if not len(values):
                continue
            best = regret["best"] if len(regret) else pd.Series(dtype=str)
            rows.append(
                {
                    "outcome": name,
                    "label": info.label,
                    "arm": arm,
                    "sets": len(values),
                    "median": float(np.median(values)),
                    "p05": float(np.percentile(values, 5)),
                    "p95": float(np.percentile(values, 95)),
                    "mean": float(values.mean()),
                    "share_best": float((best == arm).mean()) if len(best) else math.nan,
                    "max_regret": float(regret[arm].max()) if len(regret) else math.nan,
                    "direction": info.direction,
                }
            )
    columns = ["outcome", "label", "arm", "sets", "median", "p05", "p95", "mean", "share_best",
               "max_regret", "direction"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def best_arm(effects: pd.DataFrame, arms, direction: int) -> str | None:
    """The best arm overall: the highest mean effect across parameter sets in the better
    direction (``None`` when the outcome has no direction)."""
    table = _by_set(effects, arms)
    if not direction or table.empty:
        return None
    return str((table.mean() * direction).idxmax())


def scenario_discovery(
    runs: pd.DataFrame,
    outcome_name: str,
    params,
    *,
    arms,
    catalogue: Catalogue | None = None,
    density: float = 0.8,
    max_boxes: int = 2,
) -> dict:
    """Which parameter ranges make the best arm overall lose its place (PRIM, EMA Workbench).

    The case of interest is a parameter set in which another arm does better than the best arm
    overall. Returns ``{best, sets, lost, boxes, note}``; each box is ``{coverage, density,
    mass, limits}`` with ``limits`` a DataFrame (parameter, low, high, full_low, full_high) of
    the restricted parameters. On a box's peeling trajectory the box chosen has the highest
    coverage among those dense enough (at least ``density``, and at least halfway from the
    share of such sets overall to 1, so a box says more than the base rate), else the highest
    density. ``note`` says why there are no boxes when there are none, ``reason`` names that
    case (one of :data:`REASONS`; the report words it in its language).
    """
    arms, params = list(arms), list(params)
    info = outcome(outcome_name, catalogue)
    effects = set_effects(runs, outcome_name, arms)
    best = best_arm(effects, arms, info.direction)
    found = {"best": best, "sets": 0, "lost": 0, "boxes": [], "note": "", "reason": ""}

    def without_boxes(reason: str) -> dict:
        found["reason"] = reason
        found["note"] = t(f"rb_note_{reason}", label=info.label, best=best)
        return found

    if best is None:
        return without_boxes("no_direction")
    regret = regret_table(effects, arms, info.direction)
    lost = (regret["best"] != best).astype(int)
    found["sets"], found["lost"] = len(lost), int(lost.sum())
    if lost.sum() == 0 or lost.sum() == len(lost):
        return without_boxes("always_best" if lost.sum() == 0 else "never_best")
    x = finished(runs).groupby(SET_COLUMN)[params].first().loc[lost.index]
    x = x.select_dtypes("number")  # PRIM boxes are ranges: parameters with numeric values
    if x.empty:
        return without_boxes("not_numeric")
    needed = max(density, (1 + lost.mean()) / 2)
    found["boxes"] = _prim_boxes(x.reset_index(drop=True), lost.to_numpy(), needed, max_boxes)
    if not found["boxes"]:
        return without_boxes("no_box")
    return found


@contextmanager
def quiet_ema():
    """A context in which to import and use EMA Workbench quietly.

    EMA Workbench is imported only inside such a context, where it is used: it loads
    scikit-learn, statsmodels and seaborn (seconds), and warns that ipyparallel (which msme-sim
    does not need) is missing.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _prim_boxes(x: pd.DataFrame, y: np.ndarray, density: float, max_boxes: int) -> list[dict]:
    with quiet_ema():
        from ema_workbench.analysis import prim

        # Binary cases of interest: y >= threshold counts the sets where the best arm loses.
        finder = prim.Prim(x, y, threshold=0.5, peel_alpha=0.1, mass_min=0.05)
        boxes = []
        for _ in range(max_boxes):
            box = finder.find_box()
            if box is None:
                break
            chosen = _choose(box.peeling_trajectory, density)
            if chosen is None:
                break
            box.select(chosen)
            stats, lims = box.inspect(chosen, style="data")[0]
            if lims.empty:
                break
            full = finder.box_init
            limits = pd.DataFrame(
                {
                    "parameter": list(lims.index),
                    "low": lims.iloc[:, 0].astype(float).to_numpy(),
                    "high": lims.iloc[:, 1].astype(float).to_numpy(),
                    "full_low": [float(full[p].iloc[0]) for p in lims.index],
                    "full_high": [float(full[p].iloc[1]) for p in lims.index],
                }
            )
            boxes.append(
                {
                    "coverage": float(stats["coverage"]),
                    "density": float(stats["density"]),
                    "mass": float(stats["mass"]),
                    "limits": limits,
                }
            )
    return boxes


def _choose(trajectory: pd.DataFrame, density: float) -> int | None:
    """The box of a peeling trajectory to report: highest coverage with at least ``density``,
    else the densest; ``None`` when no box restricts a parameter."""
    restricted = trajectory[trajectory["res_dim"] > 0]
    if restricted.empty:
        return None
    dense = restricted[restricted["density"] >= density]
    pick = dense["coverage"].idxmax() if len(dense) else restricted["density"].idxmax()
    return int(pick)
