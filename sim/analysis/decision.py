"""The decision table: every outcome the question is about × every arm, on one screen.

For each listed outcome and each arm: the paired effect over the reference with its 95% interval,
a p-value (paired t-test) Holm-adjusted over the whole family (every listed outcome × every
non-reference arm, statsmodels ``multipletests``), the arm's mean policy spend and the extra spend
per unit gained. Arms that cannot be told apart from the best arm on an outcome (the paired 95%
interval of ``arm - best`` includes zero) are ``tied`` with it instead of being ranked below it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

from .catalogue import Catalogue, outcome
from .effects import paired_effects, paired_values
from .reading import SPEND, finished
from .stats import t_interval

#: Family-wise error rate of the Holm-adjusted flags.
ALPHA = 0.05

DECISION_COLUMNS = [
    "outcome",
    "arm",
    "reference",
    "mean",
    "diff",
    "ci_low",
    "ci_high",
    "p_value",
    "p_holm",
    "significant_holm",
    "spend_idr",
    "extra_spend_idr",
    "cost_per_unit_idr",
    "unit_scale",
    "best",
    "tied",
    "rank",
]


def paired_p_value(d) -> float:
    """Two-sided p-value of a paired t-test that the mean of the differences ``d`` is zero
    (NaN with fewer than two pairs; 0 or 1 when every difference is the same)."""
    d = np.asarray(d, dtype=float)
    if len(d) < 2:
        return math.nan
    if np.ptp(d) == 0:
        return 1.0 if d[0] == 0 else 0.0
    return float(stats.ttest_1samp(d, 0.0).pvalue)


def holm(p_values, alpha: float = ALPHA) -> tuple[np.ndarray, np.ndarray]:
    """Holm-adjusted p-values and rejections; NaN p-values stay NaN and are not counted."""
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full(len(p), math.nan)
    reject = np.zeros(len(p), dtype=bool)
    ok = np.isfinite(p)
    if ok.any():
        reject[ok], adjusted[ok], _, _ = multipletests(p[ok], alpha=alpha, method="holm")
    return adjusted, reject


def unit_scale(kind: str) -> float:
    """The unit a cost is given per, in the outcome's raw scale: 1 percentage point for shares,
    0.01 for 0-1 indices, Rp 1,000 for rupiah outcomes, 1 for the rest."""
    return {"share": 0.01, "index": 0.01, "idr": 1000.0}.get(kind, 1.0)


def _tied_with_best(runs, name: str, arms: list[str], best: str) -> dict[str, bool]:
    tied = {}
    for arm in arms:
        if arm == best:
            tied[arm] = True
            continue
        d = paired_values(runs, name, arm, best).dropna()
        _, low, high = t_interval((d[arm] - d[best]).to_numpy())
        tied[arm] = bool(np.isfinite(low) and low <= 0 <= high)
    return tied


def decision_table(
    runs: pd.DataFrame, outcomes, *, catalogue: Catalogue | None = None, arms=None
) -> pd.DataFrame:
    """One row per (listed outcome, arm), the reference arm included, outcomes in the given order.

    ``rank`` orders the arms on the outcome best first (direction-aware; NaN for an outcome with
    no better direction); ``best`` marks the best arm and ``tied`` the arms whose paired interval
    against it includes zero (the best arm is tied with itself). ``cost_per_unit_idr`` is the
    mean extra spend over the reference divided by the mean gain in units of ``unit_scale``
    (NaN without extra spend or without a gain in the better direction).
    """
    arms = list(arms) if arms is not None else list(dict.fromkeys(runs["arm"]))
    reference = arms[0]
    outcomes = [o for o in outcomes if o in runs]
    done = finished(runs)
    spend = done.groupby("arm")[SPEND].mean() if SPEND in done else pd.Series(dtype=float)
    extra = spend - spend.get(reference, 0.0)
    effects = paired_effects(runs, outcomes, catalogue=catalogue, arms=arms)
    rows = []
    for name in outcomes:
        info = outcome(name, catalogue)
        scale = unit_scale(info.kind)
        sub = effects[effects["outcome"] == name].set_index("arm")
        ref_mean = float(done.loc[done["arm"] == reference, name].mean())
        for arm in arms:
            row = {"outcome": name, "arm": arm, "reference": arm == reference}
            if arm == reference:
                row.update(mean=ref_mean, diff=0.0, ci_low=math.nan, ci_high=math.nan)
                row["p_value"] = math.nan
            else:
                e = sub.loc[arm]
                row.update(mean=e.arm_mean, diff=e["diff"], ci_low=e.ci_low, ci_high=e.ci_high)
                d = paired_values(runs, name, arm, reference).dropna()
                row["p_value"] = paired_p_value((d[arm] - d[reference]).to_numpy())
            row["spend_idr"] = float(spend.get(arm, math.nan))
            row["extra_spend_idr"] = float(extra.get(arm, math.nan))
            gain = (info.direction or 0) * row["diff"] / scale
            cost = row["extra_spend_idr"] / gain if gain > 0 else math.nan
            row["cost_per_unit_idr"] = cost if row["extra_spend_idr"] > 0 else math.nan
            row["unit_scale"] = scale
            rows.append(row)
    table = pd.DataFrame(rows)
    table["p_holm"], table["significant_holm"] = holm(table["p_value"])
    return _rank(table, runs, catalogue, arms)[DECISION_COLUMNS]


def _rank(table: pd.DataFrame, runs, catalogue, arms) -> pd.DataFrame:
    table = table.assign(best=False, tied=False, rank=math.nan)
    for name, sub in table.groupby("outcome", sort=False):
        direction = outcome(name, catalogue).direction
        if not direction or sub["diff"].isna().all():
            continue
        key = (direction * sub["diff"]).fillna(-np.inf)
        order = key.sort_values(ascending=False, kind="stable").index
        table.loc[order, "rank"] = np.arange(1, len(order) + 1)
        best = table.at[order[0], "arm"]
        tied = _tied_with_best(runs, name, list(sub["arm"]), best)
        table.loc[order[0], "best"] = True
        table.loc[sub.index, "tied"] = sub["arm"].map(tied).to_numpy()
    table["rank"] = table["rank"].astype("Int64")
    return table
