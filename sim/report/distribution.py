"""The report's "Spending" and "Who gains, who loses" section: spent against budgeted per arm,
displacement, the per-group effects table and one figure (``templates/distribution.html.j2``)."""

from __future__ import annotations

import base64

import numpy as np
import pandas as pd

from sim import analysis as an
from sim import plots
from sim.analysis import costs
from sim.analysis import distribution as dist

DIMENSIONS = {
    "reach": "Firms",
    "owners": "Owner households",
    "sector": "Sector",
    "village": "Village",
}


def _underspent(fully_spent) -> bool:
    return bool(pd.notna(fully_spent) and not fully_spent)


def underspent_notes(inp) -> list[str]:
    """One warning per arm that spent less than ``costs.FULLY_SPENT`` of its budget."""
    lang = inp.lang
    return [
        inp.t(
            "underspent",
            arm=inp.arm(r.arm),
            spent=an.rupiah(r.spent_idr, lang),
            budget=an.rupiah(r.budget_idr, lang),
            share=an.percent(r.spent_share, lang, 0),
        )
        for r in inp.spend.itertuples()
        if _underspent(r.fully_spent)
    ]


def _pct(x: float) -> str:
    return f"{x:+.1%}" if np.isfinite(x) else "n/a"


def _money(x: float) -> str:
    return an.rupiah(x) if np.isfinite(x) else "n/a"


def spend_rows(spend: pd.DataFrame, discounted: pd.Series, runs: pd.DataFrame) -> list[dict]:
    """Rows of the spent-versus-budgeted table (discounted spend: mean over the arm's runs);
    none when the runs recorded no spending."""
    if an.SPEND not in runs:
        return []
    done = an.finished(runs)
    by_arm = done.assign(pv=done["run_id"].map(discounted)).groupby("arm")["pv"].mean()
    rows = []
    for r in spend.itertuples():
        share = f"{r.spent_share:.0%}" if np.isfinite(r.spent_share) else "n/a"
        flag = _underspent(r.fully_spent)
        rows.append(
            {
                "arm": r.arm,
                "cells": [
                    _money(r.budget_idr),
                    _money(r.spent_idr),
                    _money(float(by_arm.get(r.arm, np.nan))),
                    share,
                ],
                "flag": flag,
            }
        )
    return rows


def _group_label(row) -> str:
    if row.dimension == "village":
        return f"village {row.group}"
    return str(row.group)


def gains_rows(table: pd.DataFrame, catalogue) -> list[dict]:
    """Rows of the who-gains table: revenue (or income) change and, for sectors and villages,
    the survival change, per arm and group."""
    rows = []
    money = table[table["kind"] == "idr"]
    survival = table[table["kind"] == "share"].set_index(["arm", "dimension", "group"])
    for r in money.itertuples():
        o = an.outcome(r.outcome, catalogue) if r.outcome in (catalogue or {}) else None
        diff = an.fmt_diff(o, r.diff, short=True) if o else _money(r.diff)
        ci = f"{_money(r.ci_low)} to {_money(r.ci_high)}" if np.isfinite(r.ci_low) else "n/a"
        surv = ""
        key = (r.arm, r.dimension, r.group)
        if key in survival.index:
            s = survival.loc[key]
            low, high = 100 * s["ci_low"], 100 * s["ci_high"]
            surv = f"{100 * s['diff']:+.1f} pp ({low:+.1f} to {high:+.1f})"
        rows.append(
            {
                "arm": r.arm,
                "cells": [
                    DIMENSIONS.get(r.dimension, r.dimension),
                    _group_label(r),
                    r.label,
                    _money(r.reference_mean),
                    diff,
                    _pct(r.relative),
                    ci,
                    surv,
                ],
                "flag": bool(np.isfinite(r.ci_low) and r.ci_low <= 0 <= r.ci_high),
            }
        )
    return rows


def figure(table: pd.DataFrame, colors: dict[str, str]) -> bytes | None:
    """One figure: each group's revenue or income change (% of the reference) per arm, with
    its paired 95% interval."""
    money = table[(table["kind"] == "idr") & np.isfinite(table["relative"])]
    if money.empty:
        return None
    groups = list(dict.fromkeys(zip(money["dimension"], money["group"], strict=True)))
    arms = list(dict.fromkeys(money["arm"]))
    fig = plots._figure(8.0, 1.2 + 0.32 * len(groups))
    ax = fig.add_subplot()
    step = 0.7 / max(len(arms), 1)
    for i, arm in enumerate(arms):
        sub = money[money["arm"] == arm].set_index(["dimension", "group"])
        ys, xs, lows, highs = [], [], [], []
        for y, key in enumerate(groups):
            if key in sub.index:
                r = sub.loc[key]
                ref = r["reference_mean"]
                ys.append(y + (i - (len(arms) - 1) / 2) * step)
                xs.append(100 * r["relative"])
                lows.append(100 * (r["relative"] - r["ci_low"] / ref) if ref else 0.0)
                highs.append(100 * (r["ci_high"] / ref - r["relative"]) if ref else 0.0)
        ax.errorbar(
            xs,
            ys,
            xerr=[np.abs(lows), np.abs(highs)],
            fmt="o",
            color=colors.get(arm, "#999"),
            label=arm,
            markersize=4,
            capsize=2,
        )
    ax.axvline(0, color="#555", linestyle="--", linewidth=0.8)
    ax.set_yticks(range(len(groups)))
    names = [f"Village {g}" if d == "village" else f"{DIMENSIONS[d]}: {g}" for d, g in groups]
    ax.set_yticklabels(names)
    ax.invert_yaxis()
    ax.set_xlabel("Change from the reference (% of its mean revenue or income)")
    fig.legend(loc="outside upper center", ncols=min(len(arms), 4), fontsize=8, frameon=False)
    return plots.png_bytes(fig)


def _displacement(share: float, note: str) -> str:
    if not np.isfinite(share):
        return note or "n/a"
    if share < 0:
        return "none: the others gained too"
    return f"{share:.0%}"


def distribution_context(inp) -> dict | None:
    """What the section shows (None when the batch recorded no spending and no groups)."""
    png = figure(inp.who_gains, inp.colors) if len(inp.who_gains) else None
    displaced = [
        {
            "arm": r.arm,
            "cells": [
                f"{r.reached_firms:,.0f}" if np.isfinite(r.reached_firms) else "n/a",
                _money(r.reached_gain_idr),
                _money(r.others_change_idr),
                _displacement(r.displacement, r.note),
            ],
        }
        for r in inp.displacement.itertuples()
    ]
    return {
        "rate": inp.discount_rate,
        "spend": spend_rows(inp.spend, inp.discounted, inp.runs),
        "threshold": costs.FULLY_SPENT,
        "displacement": displaced,
        "gains": gains_rows(inp.who_gains, inp.catalogue),
        "figure": base64.b64encode(png).decode() if png else None,
        "reference": inp.arms[0],
    }


def analyse_distribution(inp) -> None:
    """Fill the inputs' spending, discounted spend, displacement and who-gains tables, and add
    a note for each arm that did not spend its budget."""
    inp.discount_rate = costs.discount_rate(inp.experiment)
    inp.spend = costs.spend_table(inp.runs, inp.arms)
    inp.discounted = costs.discounted_spend(inp.directory, inp.runs, inp.discount_rate)
    inp.displacement = dist.displacement(inp.directory, inp.runs, inp.arms)
    inp.who_gains = dist.who_gains(inp.directory, inp.runs, catalogue=inp.catalogue, arms=inp.arms)
    inp.notes.extend(underspent_notes(inp))
