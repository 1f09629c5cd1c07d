"""Paired effects of each arm over the reference arm.

Pairing: replication ``r`` has the same seed in every arm (common random numbers), so an arm is
compared with the reference arm replication by replication (and sweep point by sweep point).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .catalogue import Catalogue, outcome
from .reading import finished, outcome_columns, sweep_columns
from .stats import _mean, _mean_diff, bootstrap_interval, t_interval, welch_interval


def paired_values(runs: pd.DataFrame, column: str, arm: str, reference: str) -> pd.DataFrame:
    """``column`` of ``arm`` and ``reference`` side by side, one row per replication (and sweep
    point), with ``NaN`` where a run is missing or failed in one of the two arms."""
    keys = ["replication", *sweep_columns(runs)]
    sub = finished(runs)
    sub = sub[sub["arm"].isin([arm, reference])]
    wide = sub.groupby([*keys, "arm"])[column].mean().unstack("arm")
    return wide.reindex(columns=[reference, arm])


def paired_effects(
    runs: pd.DataFrame,
    outcomes=None,
    *,
    catalogue: Catalogue | None = None,
    arms=None,
    confidence: float = 0.95,
    method: str = "t",
    n_resamples: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """Paired difference ``arm - reference`` for each outcome and each non-reference arm.

    ``arms`` gives the order, its first element is the reference (default: order in ``runs``).
    Labels and directions come from ``catalogue`` (see :func:`read_outcomes`); an outcome it does
    not declare is labelled with its own name and has no "better" direction.
    Only finished runs count; a replication missing or failed in either arm is dropped from
    that pair and counted in ``n_dropped``. ``method`` is ``"t"`` (Student-t on the paired
    differences, Welch for the unpaired interval) or ``"bootstrap"`` (BCa, scipy). The
    unpaired interval uses the same replications, so the two intervals differ only by pairing.
    Columns: arm, outcome, label, n_pairs, n_dropped, reference_mean, arm_mean, diff, ci_low,
    ci_high, unpaired_low, unpaired_high, share_better, direction, significant.
    """
    if method not in ("t", "bootstrap"):
        raise ValueError(f"method must be 't' or 'bootstrap', not {method!r}")
    arms = list(arms) if arms is not None else list(dict.fromkeys(runs["arm"]))
    reference = arms[0]
    outcomes = outcome_columns(runs) if outcomes is None else list(outcomes)
    rows = []
    for name in outcomes:
        info = outcome(name, catalogue)
        for arm in arms[1:]:
            wide = paired_values(runs, name, arm, reference)
            both = wide.dropna()
            r, a = both[reference].to_numpy(), both[arm].to_numpy()
            d = a - r
            mean, low, high = t_interval(d, confidence)
            ulow, uhigh = welch_interval(a, r, confidence)
            if method == "bootstrap":
                low, high = bootstrap_interval((d,), _mean, confidence, n_resamples, seed)
                ulow, uhigh = bootstrap_interval((a, r), _mean_diff, confidence, n_resamples, seed)
            better = np.mean(info.direction * d > 0) if info.direction and len(d) else math.nan
            rows.append(
                {
                    "arm": arm,
                    "outcome": name,
                    "label": info.label,
                    "n_pairs": len(d),
                    "n_dropped": len(wide) - len(both),
                    "reference_mean": float(r.mean()) if len(r) else math.nan,
                    "arm_mean": float(a.mean()) if len(a) else math.nan,
                    "diff": mean,
                    "ci_low": low,
                    "ci_high": high,
                    "unpaired_low": ulow,
                    "unpaired_high": uhigh,
                    "share_better": better,
                    "direction": info.direction,
                    "significant": bool(low > 0 or high < 0),
                }
            )
    return pd.DataFrame(rows, columns=_EFFECT_COLUMNS)


_EFFECT_COLUMNS = [
    "arm",
    "outcome",
    "label",
    "n_pairs",
    "n_dropped",
    "reference_mean",
    "arm_mean",
    "diff",
    "ci_low",
    "ci_high",
    "unpaired_low",
    "unpaired_high",
    "share_better",
    "direction",
    "significant",
]
