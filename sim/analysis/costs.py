"""Cost-effectiveness (outcome gained per Rp 1 bn of extra policy spending) and the ranking of
arms on one outcome."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .catalogue import Catalogue, outcome
from .effects import paired_effects, paired_values
from .formatting import BILLION
from .reading import SPEND, finished
from .stats import ratio_interval


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
    runs: pd.DataFrame, *, arms=None, measures=COST_MEASURES, confidence: float = 0.95
) -> pd.DataFrame:
    """Outcome gained per Rp 1 bn of the arm's extra ``policy_spend_idr`` over the reference.

    Paired per replication. ``value`` is NaN and ``note`` says "no extra spend" when the arm
    spends no more than the reference. Columns: arm, measure, outcome, unit, n_pairs,
    extra_spend_idr, gain, value, ci_low, ci_high, note.
    """
    arms = list(arms) if arms is not None else list(dict.fromkeys(runs["arm"]))
    reference = arms[0]
    rows = []
    for m in measures:
        if m.outcome not in runs or SPEND not in runs:
            continue
        for arm in arms[1:]:
            out = paired_values(runs, m.outcome, arm, reference)
            cost = paired_values(runs, SPEND, arm, reference)
            both = pd.concat([out, cost], axis=1, keys=["out", "cost"]).dropna()
            gain = m.scale * (both[("out", arm)] - both[("out", reference)]).to_numpy()
            spend = (both[("cost", arm)] - both[("cost", reference)]).to_numpy()
            value, low, high = ratio_interval(gain, spend / m.per, confidence)
            extra = float(spend.mean()) if len(spend) else math.nan
            note = "" if np.isfinite(value) else ("no runs" if not len(spend) else "no extra spend")
            rows.append(
                {
                    "arm": arm,
                    "measure": m.label,
                    "outcome": m.outcome,
                    "unit": m.unit,
                    "n_pairs": len(spend),
                    "extra_spend_idr": extra,
                    "gain": float(gain.mean()) if len(gain) else math.nan,
                    "value": value,
                    "ci_low": low,
                    "ci_high": high,
                    "note": note,
                }
            )
    columns = ["arm", "measure", "outcome", "unit", "n_pairs", "extra_spend_idr", "gain"]
    return pd.DataFrame(rows, columns=[*columns, "value", "ci_low", "ci_high", "note"])


def rank_arms(
    runs: pd.DataFrame,
    outcome_name: str = "survival_rate",
    *,
    catalogue: Catalogue | None = None,
    arms=None,
    confidence=0.95,
) -> pd.DataFrame:
    """One row per arm (the reference included) ranked best first on ``outcome_name``.

    Uses the paired effect over the reference (direction-aware: for lower-is-better outcomes
    the lowest comes first). ``ci_overlaps_zero`` flags arms whose difference could be chance;
    it is missing for the reference. ``per_bn`` is the gain (in the outcome's unit; shares in
    percentage points) per Rp 1 bn of extra spending.
    """
    arms = list(arms) if arms is not None else list(dict.fromkeys(runs["arm"]))
    info = outcome(outcome_name, catalogue)
    effects = paired_effects(
        runs, [outcome_name], catalogue=catalogue, arms=arms, confidence=confidence
    )
    scale = 100.0 if info.kind == "share" else 1.0
    measure = CostMeasure(outcome_name, "", "", scale)
    ce = cost_effectiveness(runs, arms=arms, measures=[measure], confidence=confidence)
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
    key = ((info.direction or 1) * table["diff"]).fillna(-np.inf)
    table = table.assign(_key=key).sort_values("_key", ascending=False, kind="stable")
    table.insert(0, "rank", range(1, len(table) + 1))
    return table.drop(columns="_key").reset_index(drop=True)
