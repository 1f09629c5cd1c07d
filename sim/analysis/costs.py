"""Spending, cost-effectiveness and the ranking of arms on one outcome.

Spending is what the policies actually spent (``policy_spend_idr``), set against what they were
budgeted (``policy_budget_idr``) and discounted to the start of the run at the experiment's
``discount_rate``. Cost-effectiveness is the paired gain over the reference divided by the paired
extra (discounted) spend, with a paired bootstrap interval over replications. An arm that spent
less than ``FULLY_SPENT`` of its budget gets no "per Rp 1 bn" figure: that would assume its gain
grows in proportion to money it never spent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .catalogue import Catalogue, outcome
from .effects import paired_effects, paired_values
from .formatting import BILLION
from .reading import BUDGET, SPEND, finished, read_columns, run_files

#: Default yearly discount rate (the parameter table's ``analysis.discount_rate``; an experiment
#: sets its own with ``discount_rate:``, written to ``experiment.yaml``).
DISCOUNT_RATE = 0.06
#: An arm that spent less than this share of its budget is flagged, and gets no per-Rp-1-bn figure.
FULLY_SPENT = 0.9


def discount_rate(experiment: dict) -> float:
    """The experiment's yearly discount rate (the default for results written without one)."""
    rate = experiment.get("discount_rate")
    return DISCOUNT_RATE if rate is None else float(rate)


def discount_factors(months, rate: float) -> np.ndarray:
    """Present value of Rp 1 spent in each month (1 = the first month, not discounted)."""
    months = np.asarray(months, dtype=float)
    return (1.0 + rate) ** (-(months - 1.0) / 12.0)


def present_value(cumulative, months, rate: float) -> float:
    """Discounted total of a cumulative monthly spending series (month by month)."""
    cumulative = np.nan_to_num(np.asarray(cumulative, dtype=float))
    monthly = np.diff(cumulative, prepend=0.0)
    return float(np.dot(monthly, discount_factors(months, rate)))


def discounted_spend(directory, runs: pd.DataFrame, rate: float) -> pd.Series:
    """Each finished run's policy spending discounted to the start of the run (``run_id`` →
    Rp), from its monthly file; runs without a monthly file keep their undiscounted total."""
    done = finished(runs)
    if SPEND not in done:
        return pd.Series(dtype=float)
    out = done.set_index("run_id")[SPEND].astype(float)
    for paths in run_files(directory, done, "runs").values():
        for path in paths:
            table = read_columns([path], ["month", SPEND])
            if SPEND in table:
                run_id = path.rsplit("/", 1)[-1].removesuffix(".parquet")
                out[run_id] = present_value(table[SPEND], table["month"], rate)
    return out


def spend_table(runs: pd.DataFrame, arms=None) -> pd.DataFrame:
    """Spent against budgeted, per arm (means over finished runs).

    Columns: arm, budget_idr, spent_idr, spent_share (NaN without a budget), fully_spent
    (spent at least ``FULLY_SPENT`` of the budget; missing without a budget)."""
    done = finished(runs)
    arms = list(arms) if arms is not None else list(dict.fromkeys(done["arm"]))
    rows = []
    for arm in arms:
        sub = done[done["arm"] == arm]
        spent = float(sub[SPEND].mean()) if SPEND in sub and len(sub) else math.nan
        budget = float(sub[BUDGET].mean()) if BUDGET in sub and len(sub) else math.nan
        share = spent / budget if budget > 0 else math.nan
        full = pd.NA if not np.isfinite(share) else bool(share >= FULLY_SPENT - 1e-9)
        rows.append(
            {
                "arm": arm,
                "budget_idr": budget,
                "spent_idr": spent,
                "spent_share": share,
                "fully_spent": full,
            }
        )
    table = pd.DataFrame(rows, columns=["arm", "budget_idr", "spent_idr", "spent_share"])
    table["fully_spent"] = pd.array([r["fully_spent"] for r in rows], dtype="boolean")
    return table


def ratio_bootstrap(gain, spend, confidence=0.95, n_resamples=2000, seed=0):
    """``mean(gain) / mean(spend)`` with a paired bootstrap interval (``scipy.stats.bootstrap``,
    replications resampled with their gain and spend together, percentile method). NaNs when
    the mean spend is not positive; NaN bounds with fewer than 2 pairs or when some resamples
    have no extra spend (the ratio is then unbounded)."""
    gain, spend = np.asarray(gain, dtype=float), np.asarray(spend, dtype=float)
    if not len(gain) or not spend.mean() > 0:
        return math.nan, math.nan, math.nan
    ratio = float(gain.mean() / spend.mean())
    if len(gain) < 2 or (spend <= 0).any():
        return ratio, math.nan, math.nan
    if np.ptp(gain) == 0 and np.ptp(spend) == 0:
        return ratio, ratio, ratio
    res = stats.bootstrap(
        (gain, spend),
        lambda g, s, axis=-1: np.mean(g, axis=axis) / np.mean(s, axis=axis),
        paired=True,
        vectorized=True,
        method="percentile",
        n_resamples=n_resamples,
        confidence_level=confidence,
        rng=np.random.default_rng(seed),
    )
    return ratio, float(res.confidence_interval.low), float(res.confidence_interval.high)


@dataclass(frozen=True)
class CostMeasure:
    """Outcome gained per ``per`` rupiah of extra policy spending, the gain scaled by ``scale``."""

    outcome: str
    label: str
    unit: str
    scale: float = 1.0
    per: float = BILLION


COST_MEASURES = (
    CostMeasure("firms_alive", "Firms saved per Rp 1 bn", "firms"),
    CostMeasure("survival_rate", "Survival points per Rp 1 bn", "percentage points", 100.0),
    CostMeasure("digital_share", "Adoption points per Rp 1 bn", "percentage points", 100.0),
    CostMeasure(
        "poor_owner_mean_income_idr",
        "Poor-owner income gained per Rp 1 bn",
        "Rp/month per poor owner",
    ),
)


def cost_effectiveness(
    runs: pd.DataFrame,
    *,
    arms=None,
    measures=COST_MEASURES,
    confidence: float = 0.95,
    spend: pd.Series | None = None,
) -> pd.DataFrame:
    """Outcome gained per Rp 1 bn of the arm's extra spending over the reference.

    Paired per replication; the interval is a paired bootstrap (:func:`ratio_bootstrap`).
    ``spend`` (``run_id`` → Rp, e.g. :func:`discounted_spend`) replaces the runs'
    ``policy_spend_idr``. ``value`` is NaN and ``note`` says why when the arm spends no more
    than the reference, or spent less than ``FULLY_SPENT`` of its budget (a per-Rp-1-bn figure
    would assume the gain scales with money never spent; ``gain`` and ``extra_spend_idr`` are
    still given). Columns: arm, measure, outcome, unit, n_pairs, extra_spend_idr, gain,
    spent_share, value, ci_low, ci_high, note.
    """
    arms = list(arms) if arms is not None else list(dict.fromkeys(runs["arm"]))
    reference = arms[0]
    shares = spend_table(runs, arms).set_index("arm")["spent_share"]  # of the budget, undiscounted
    if spend is not None and "run_id" in runs and SPEND in runs:
        runs = runs.assign(**{SPEND: runs["run_id"].map(spend).fillna(runs.get(SPEND))})
    rows = []
    for m in measures:
        if m.outcome not in runs or SPEND not in runs:
            continue
        for arm in arms[1:]:
            out = paired_values(runs, m.outcome, arm, reference)
            cost = paired_values(runs, SPEND, arm, reference)
            both = pd.concat([out, cost], axis=1, keys=["out", "cost"]).dropna()
            gain = m.scale * (both[("out", arm)] - both[("out", reference)]).to_numpy()
            extra_spend = (both[("cost", arm)] - both[("cost", reference)]).to_numpy()
            value, low, high = ratio_bootstrap(gain, extra_spend / m.per, confidence)
            extra = float(extra_spend.mean()) if len(extra_spend) else math.nan
            share = float(shares.get(arm, math.nan))
            note = ""
            if not np.isfinite(value):
                note = "no runs" if not len(extra_spend) else "no extra spend"
            elif share < FULLY_SPENT:
                note = (
                    f"spent only {share:.0%} of its budget: a per-Rp-1-bn figure would assume "
                    "the gain grows with money it did not spend"
                )
                value = low = high = math.nan
            rows.append(
                {
                    "arm": arm,
                    "measure": m.label,
                    "outcome": m.outcome,
                    "unit": m.unit,
                    "n_pairs": len(extra_spend),
                    "extra_spend_idr": extra,
                    "gain": float(gain.mean()) if len(gain) else math.nan,
                    "spent_share": share,
                    "value": value,
                    "ci_low": low,
                    "ci_high": high,
                    "note": note,
                }
            )
    columns = ["arm", "measure", "outcome", "unit", "n_pairs", "extra_spend_idr", "gain"]
    columns += ["spent_share", "value", "ci_low", "ci_high", "note"]
    return pd.DataFrame(rows, columns=columns)


def rank_arms(
    runs: pd.DataFrame,
    outcome_name: str = "survival_rate",
    *,
    catalogue: Catalogue | None = None,
    arms=None,
    confidence=0.95,
    spend: pd.Series | None = None,
) -> pd.DataFrame:
    """One row per arm (the reference included) ranked best first on ``outcome_name``.

    Uses the paired effect over the reference (direction-aware: for lower-is-better outcomes
    the lowest comes first). ``ci_overlaps_zero`` flags arms whose difference could be chance;
    it is missing for the reference. ``per_bn`` is the gain (in the outcome's unit; shares in
    percentage points) per Rp 1 bn of extra spending; ``per_bn_note`` says why it is missing.
    """
    arms = list(arms) if arms is not None else list(dict.fromkeys(runs["arm"]))
    info = outcome(outcome_name, catalogue)
    effects = paired_effects(
        runs, [outcome_name], catalogue=catalogue, arms=arms, confidence=confidence
    )
    scale = 100.0 if info.kind == "share" else 1.0
    measure = CostMeasure(outcome_name, "", "", scale)
    ce = cost_effectiveness(runs, arms=arms, measures=[measure], confidence=confidence, spend=spend)
    done = finished(runs)
    ref_mean = done.loc[done["arm"] == arms[0], outcome_name].mean()
    spend = done.groupby("arm")[SPEND].mean() if SPEND in done else pd.Series(dtype=float)
    rows = [
        {
            "arm": arms[0],
            "reference": True,
            "mean": ref_mean,
            "diff": 0.0,
            "ci_low": math.nan,
            "ci_high": math.nan,
            "share_better": math.nan,
            "ci_overlaps_zero": pd.NA,
            "n_pairs": int((done["arm"] == arms[0]).sum()),
        }
    ]
    for e in effects.itertuples():
        rows.append(
            {
                "arm": e.arm,
                "reference": False,
                "mean": e.arm_mean,
                "diff": e.diff,
                "ci_low": e.ci_low,
                "ci_high": e.ci_high,
                "share_better": e.share_better,
                "ci_overlaps_zero": not e.significant,
                "n_pairs": e.n_pairs,
            }
        )
    table = pd.DataFrame(rows)
    table["ci_overlaps_zero"] = table["ci_overlaps_zero"].astype("boolean")
    table["spend_idr"] = table["arm"].map(spend).astype(float)
    table["per_bn"] = table["arm"].map(ce.set_index("arm")["value"]).astype(float)
    table["per_bn_note"] = table["arm"].map(ce.set_index("arm")["note"]).fillna("")
    key = ((info.direction or 1) * table["diff"]).fillna(-np.inf)
    table = table.assign(_key=key).sort_values("_key", ascending=False, kind="stable")
    table.insert(0, "rank", range(1, len(table) + 1))
    return table.drop(columns="_key").reset_index(drop=True)
