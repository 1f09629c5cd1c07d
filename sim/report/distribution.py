"""The report's "Spending" and "Who gains, who loses" section: spent against budgeted per arm,
displacement, the per-group effects table and one figure (``templates/distribution.html.j2``)."""

from __future__ import annotations

import base64

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim import analysis as an
from sim import plots
from sim.analysis import costs
from sim.analysis import distribution as dist

#: The analysis's names of the reached firms' and owners' groups -> their words in the lang
#: catalogues (a dimension's words: ``wg_dim_<dimension>``).
GROUP_WORDS = {
    dist.REACHED: "wg_reached",
    dist.OTHERS: "wg_others",
    **dict(zip((group for _, group in dist.OWNERS), ("wg_poor", "wg_nonpoor"), strict=True)),
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


def _signed(x: float, decimals: int, lang: str) -> str:
    """``+1.2`` / ``-0.4`` in ``lang``'s style (``+1,2`` in Indonesian)."""
    text = an.decimal(x, decimals, lang)
    return text if text.startswith("-") or not np.isfinite(x) else "+" + text


def _pct(x: float, lang: str) -> str:
    return _signed(100 * x, 1, lang) + "%" if np.isfinite(x) else an.t("na", lang)


def spend_rows(inp) -> list[dict]:
    """Rows of the spent-versus-budgeted table (discounted spend: mean over the arm's runs);
    none when the runs recorded no spending."""
    if an.SPEND not in inp.runs:
        return []
    lang = inp.lang
    done = an.finished(inp.runs)
    by_arm = done.assign(pv=done["run_id"].map(inp.discounted)).groupby("arm")["pv"].mean()
    rows = []
    for r in inp.spend.itertuples():
        cells = [r.budget_idr, r.spent_idr, float(by_arm.get(r.arm, np.nan))]
        cells = [an.rupiah(x, lang) for x in cells] + [an.percent(r.spent_share, lang, 0)]
        rows.append({"arm": r.arm, "cells": cells, "flag": _underspent(r.fully_spent)})
    return rows


def group_label(inp, dimension: str, group: str) -> str:
    """A who-gains group in the report's language: ``poor owners``, ``food``, ``village 3``."""
    if dimension in ("sector", "village"):
        return an.group_name(dimension, group, inp.lang)
    key = GROUP_WORDS.get(group)
    return inp.t(key) if key else str(group)


def measure_label(inp, row) -> str:
    """What a who-gains row measures, in the report's language."""
    if row.dimension == "reach":
        return inp.t("wg_revenue_per_firm")
    return inp.label(row.outcome) if inp.lang != "en" else str(row.label)


def gains_rows(inp) -> list[dict]:
    """Rows of the who-gains table: revenue (or income) change and, for sectors and villages,
    the survival change, per arm and group."""
    lang, table, rows = inp.lang, inp.who_gains, []
    money = table[table["kind"] == "idr"]
    survival = table[table["kind"] == "share"].set_index(["arm", "dimension", "group"])
    for r in money.itertuples():
        o = inp.outcome(r.outcome) if r.outcome in (inp.catalogue or {}) else None
        diff = an.fmt_diff(o, r.diff, short=True, lang=lang) if o else an.rupiah(r.diff, lang)
        ci = an.t("na", lang)
        if np.isfinite(r.ci_low):
            low, high = an.rupiah(r.ci_low, lang), an.rupiah(r.ci_high, lang)
            ci = inp.t("interval", low=low, high=high)
        surv = ""
        key = (r.arm, r.dimension, r.group)
        if key in survival.index:
            s = survival.loc[key]
            low, high = (_signed(100 * s[k], 1, lang) for k in ("ci_low", "ci_high"))
            surv = inp.t("wg_survival_cell", diff=_signed(100 * s["diff"], 1, lang), low=low,
                         high=high)  # fmt: skip
        rows.append(
            {
                "arm": r.arm,
                "cells": [
                    inp.t(f"wg_dim_{r.dimension}"),
                    group_label(inp, r.dimension, r.group),
                    measure_label(inp, r),
                    an.rupiah(r.reference_mean, lang),
                    diff,
                    _pct(r.relative, lang),
                    ci,
                    surv,
                ],
                "flag": bool(np.isfinite(r.ci_low) and r.ci_low <= 0 <= r.ci_high),
            }
        )
    return rows


def figure(inp) -> Figure | None:
    """One figure: each group's revenue or income change (% of the reference) per arm, with
    its paired 95% interval."""
    table = inp.who_gains
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
            color=inp.colors.get(arm, "#999"),
            label=inp.arm(arm),
            markersize=4,
            capsize=2,
        )
    ax.axvline(0, color="#555", linestyle="--", linewidth=0.8)
    ax.set_yticks(range(len(groups)))
    ax.set_yticklabels([_figure_group(inp, d, g) for d, g in groups])
    ax.xaxis.set_major_formatter(plots._percent_formatter(inp.lang, scale=1.0, suffix=""))
    ax.invert_yaxis()
    ax.set_xlabel(inp.t("wg_fig_xlabel"))
    fig.legend(loc="outside upper center", ncols=min(len(arms), 4), fontsize=8, frameon=False)
    return fig


def _figure_group(inp, dimension: str, group: str) -> str:
    """A group as the figure's axis names it: ``Village 3``, ``Sector: food``."""
    if dimension == "village":
        return f"{inp.t('wg_dim_village')} {group}"
    words = inp.t(f"wg_dim_{dimension}")
    return inp.t("wg_fig_group", dimension=words, group=group_label(inp, dimension, group))


def _displacement(inp, share: float, reason: str) -> str:
    if not np.isfinite(share):
        return inp.t(f"wg_note_{reason}") if reason else inp.t("na")
    if share < 0:
        return inp.t("wg_others_gained")
    return an.percent(share, inp.lang, 0)


def distribution_context(inp) -> dict | None:
    """What the section shows (None when the batch recorded no spending and no groups)."""
    fig = figure(inp) if len(inp.who_gains) else None
    png = plots.png_bytes(fig) if fig is not None else None
    lang = inp.lang
    displaced = [
        {
            "arm": r.arm,
            "cells": [
                an.decimal(r.reached_firms, 0, lang),
                an.rupiah(r.reached_gain_idr, lang),
                an.rupiah(r.others_change_idr, lang),
                _displacement(inp, r.displacement, r.reason),
            ],
        }
        for r in inp.displacement.itertuples()
    ]
    spend = spend_rows(inp)
    below = [inp.arm(r["arm"]) for r in spend if r["flag"]]
    threshold = an.percent(costs.FULLY_SPENT, lang, 0)
    return {
        "rate": an.decimal(100 * inp.discount_rate, 0, lang),
        "spend": spend,
        "below": inp.t("sp_below", threshold=threshold, arms=", ".join(below)) if below else "",
        "displacement": displaced,
        "gains": gains_rows(inp),
        "figure": base64.b64encode(png).decode() if png else None,
        "reference": inp.arm(inp.arms[0]),
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
