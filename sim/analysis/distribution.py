"""Who gains and who loses from each arm: the firms its policies reached and the others, poor
and non-poor owners, sectors and villages, and displacement.

Reached and not reached come from the end-of-run firm tables (``firms/<run_id>.parquet``): with
common random numbers, starting firm ``i`` is the same firm in every arm of a replication, so
each starting firm's revenue in the arm is paired with its own revenue in the reference arm
(a closed firm earns nothing). Owners, sectors and villages come from the paired per-group
outcomes (``poor_owner_mean_income_idr``, ``sector_<s>_mean_revenue_idr``, ...).

Displacement is the loss of the firms the arm did not reach as a share of the gain of the firms
it reached (both summed over firms and paired against the reference): 0 means nobody else lost,
1 means the others lost all that the reached firms gained (a pure transfer between firms).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from sim.outcomes import parse_group_outcome

from .catalogue import Catalogue
from .effects import paired_effects
from .lang import t
from .reading import finished, read_columns, read_schema_names, run_files
from .stats import t_interval

OWNERS = (
    ("poor_owner_mean_income_idr", "poor owners"),
    ("nonpoor_owner_mean_income_idr", "non-poor owners"),
)
REACHED, OTHERS = "reached by the arm", "not reached"
#: Why an arm has no displacement share (the ``reason`` column; its words: ``wg_note_<reason>``
#: in :mod:`.lang`).
REASONS = ("no_tables", "no_marks", "all_reached", "no_gain")
PAIR_COLUMNS = ["replication", "reached", "reference_idr", "change_idr"]
COLUMNS = [
    "arm",
    "dimension",
    "group",
    "outcome",
    "label",
    "kind",
    "reference_mean",
    "diff",
    "ci_low",
    "ci_high",
    "relative",
    "n_pairs",
]


def firm_pairs(directory, runs: pd.DataFrame, arm: str, reference: str) -> pd.DataFrame:
    """Per replication kept in both arms: every starting firm's end-of-run revenue change
    (arm minus reference, closed firms earn 0) and whether a policy of the arm reached it.

    Columns: replication, reached, reference_idr (revenue in the reference), change_idr. Empty
    when the batch kept no firm tables with the columns needed (``founder``, ``treated_*``)."""
    done = finished(runs)
    files = run_files(directory, done, "firms")
    ids = done.set_index("run_id")["replication"]
    by_rep: dict[str, dict[int, str]] = {}
    for name in (arm, reference):
        by_rep[name] = {int(ids[Path(p).stem]): p for p in files.get(name, [])}
    frames = []
    for rep in sorted(set(by_rep[arm]) & set(by_rep[reference])):
        a = read_columns([by_rep[arm][rep]], read_schema_names(by_rep[arm][rep]))
        r = read_columns([by_rep[reference][rep]], ["revenue_idr", "alive", "founder"])
        treated = [c for c in a.columns if c.startswith("treated_")]
        if "founder" not in a or "founder" not in r or not treated:
            return pd.DataFrame(columns=PAIR_COLUMNS)
        a, r = a[a["founder"]], r[r["founder"]]
        n = min(len(a), len(r))
        earned = (a["revenue_idr"] * a["alive"]).to_numpy()[:n]
        before = (r["revenue_idr"] * r["alive"]).to_numpy()[:n]
        reached = a[treated].any(axis=1).to_numpy()[:n]
        frames.append(
            pd.DataFrame(
                {
                    "replication": rep,
                    "reached": reached,
                    "reference_idr": before,
                    "change_idr": earned - before,
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=PAIR_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def displacement(directory, runs: pd.DataFrame, arms, confidence: float = 0.95) -> pd.DataFrame:
    """Per arm (not the reference): how much the reached firms gained and the others lost.

    Columns: arm, n_pairs, reached_firms (mean per replication), reached_gain_idr and
    others_change_idr (summed over the group's starting firms, mean over replications, Rp/month
    at the end of the run), displacement (``-others_change / reached_gain``; NaN when no firm
    was reached or the reached firms did not gain), reason (one of :data:`REASONS`, or ``""``)
    and note (its words in English)."""
    arms = list(arms)
    rows = []
    for arm in arms[1:]:
        pairs = firm_pairs(directory, runs, arm, arms[0])
        reason = ""
        if pairs.empty:
            reason = "no_tables"
        sums = pairs.groupby(["replication", "reached"])["change_idr"].sum().unstack()
        sums = sums.reindex(columns=[True, False]).fillna(0.0)
        counts = pairs.groupby("replication")["reached"].sum()
        gain = float(sums[True].mean()) if len(sums) else math.nan
        others = float(sums[False].mean()) if len(sums) else math.nan
        share = -others / gain if gain > 0 else math.nan
        if not reason and not counts.sum():
            reason = "no_marks"
        elif not reason and pairs["reached"].all():
            reason, share = "all_reached", math.nan
        elif not reason and not gain > 0:
            reason = "no_gain"
        rows.append(
            {
                "arm": arm,
                "n_pairs": len(sums),
                "reached_firms": float(counts.mean()) if len(counts) else math.nan,
                "reached_gain_idr": gain,
                "others_change_idr": others,
                "displacement": share,
                "reason": reason,
                "note": t(f"wg_note_{reason}") if reason else "",
            }
        )
    columns = ["arm", "n_pairs", "reached_firms", "reached_gain_idr", "others_change_idr"]
    return pd.DataFrame(rows, columns=[*columns, "displacement", "reason", "note"])


def _reach_rows(directory, runs, arms, confidence) -> list[dict]:
    """Mean revenue change per starting firm, reached and not reached, with t-intervals over
    the replications' group means."""
    rows = []
    for arm in arms[1:]:
        pairs = firm_pairs(directory, runs, arm, arms[0])
        for flag, group in ((True, REACHED), (False, OTHERS)):
            sub = pairs[pairs["reached"] == flag]
            by_rep = sub.groupby("replication")
            means = by_rep["change_idr"].mean().to_numpy()
            if not len(means):
                continue
            diff, low, high = t_interval(means, confidence)
            before = float(by_rep["reference_idr"].mean().mean())
            rows.append(
                {
                    "arm": arm,
                    "dimension": "reach",
                    "group": group,
                    "outcome": "revenue_idr",
                    "label": "Revenue per starting firm (closed firms earn 0)",
                    "kind": "idr",
                    "reference_mean": before,
                    "diff": diff,
                    "ci_low": low,
                    "ci_high": high,
                    "relative": diff / before if before else math.nan,
                    "n_pairs": len(means),
                }
            )
    return rows


def group_outcomes(columns) -> list[str]:
    """The per-sector and per-village outcome columns among ``columns``, sectors first."""
    found = [c for c in columns if parse_group_outcome(str(c))]
    return sorted(found, key=lambda c: parse_group_outcome(c)[0] != "sector")


def who_gains(
    directory,
    runs: pd.DataFrame,
    *,
    catalogue: Catalogue | None = None,
    arms=None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Paired effect of each arm on each group: firms reached and not (``reach``), poor and
    non-poor owners' income (``owners``), mean revenue and survival per ``sector`` and
    ``village``. ``relative`` is a revenue or income change as a share of the reference's mean
    (NaN for survival, a share already). Columns: see ``COLUMNS``."""
    arms = list(arms) if arms is not None else list(dict.fromkeys(runs["arm"]))
    rows = _reach_rows(directory, runs, arms, confidence)
    named = {name: group for name, group in OWNERS if name in runs}
    for name in group_outcomes(runs.columns):
        family, key, _ = parse_group_outcome(name)
        named[name] = key
    if named:
        effects = paired_effects(
            runs, list(named), catalogue=catalogue, arms=arms, confidence=confidence
        )
        for e in effects.itertuples():
            parsed = parse_group_outcome(e.outcome)
            # the measures are known here: incomes and revenues in Rp, survival a share
            kind = "share" if e.outcome.endswith("survival_rate") else "idr"
            relative = e.diff / e.reference_mean if kind == "idr" and e.reference_mean else math.nan
            rows.append(
                {
                    "arm": e.arm,
                    "dimension": parsed[0] if parsed else "owners",
                    "group": named[e.outcome],
                    "outcome": e.outcome,
                    "label": e.label,
                    "kind": kind,
                    "reference_mean": e.reference_mean,
                    "diff": e.diff,
                    "ci_low": e.ci_low,
                    "ci_high": e.ci_high,
                    "relative": relative,
                    "n_pairs": e.n_pairs,
                }
            )
    table = pd.DataFrame(rows, columns=COLUMNS)
    order = {"reach": 0, "owners": 1, "sector": 2, "village": 3}
    table = table.assign(_o=table["dimension"].map(order).fillna(9))
    arm_order = {a: i for i, a in enumerate(arms)}
    table = table.assign(_a=table["arm"].map(arm_order))
    table = table.sort_values(["_a", "_o"], kind="stable").drop(columns=["_o", "_a"])
    return table.reset_index(drop=True).astype({"n_pairs": int})
