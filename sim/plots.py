"""Figures from analysis tables: DataFrame in, ``matplotlib.figure.Figure`` out.

Figures are built with ``matplotlib.figure.Figure`` and rendered by the Agg canvas, without
pyplot's global state, so they are safe in scripts, tests and servers alike. Colours come from
the Okabe-Ito colour-blind-safe palette; :func:`arm_colors` gives every figure the same colour
for the same arm (the reference arm is always black). Every figure takes ``lang`` (``en`` or
``id``: titles, labels and tick numbers in that language) and ``labels`` (arm name -> the name
shown; default: the arm's name). Rupiah axes use the one compact Rupiah formatter
(``Rp 1.5M``/``Rp 2bn``, ``Rp 1,5 jt``/``Rp 2 M``); PNGs are saved with a tight bounding box so
no label is cut.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, MaxNLocator

from sim.analysis import (
    LEVELS,
    Catalogue,
    cost_measure_label,
    decimal,
    outcome,
    outcome_label,
    rupiah_formatter,
    t,
    unit_label,
)

#: Okabe & Ito (2008) colour-blind-safe palette, black first for the reference arm.
OKABE_ITO = (
    "#000000",
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#F0E442",
)
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def arm_colors(arms) -> dict[str, str]:
    """One colour per arm, in the experiment's arm order (reference first, black)."""
    return {arm: OKABE_ITO[i % len(OKABE_ITO)] for i, arm in enumerate(arms)}


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def png_bytes(fig: Figure, dpi: int = 100) -> bytes:
    """The figure rendered as PNG."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", pad_inches=0.15)
    return buf.getvalue()


class _NumberFormatter(Formatter):
    """Ticks in ``lang``'s number style (``0,25`` in Indonesian) with just the decimals the tick
    spacing needs: ``scale`` multiplies the value (100 for shares in %), ``suffix`` follows it."""

    def __init__(self, lang: str, scale: float = 1.0, suffix: str = "") -> None:
        self.lang, self.scale, self.suffix = lang, scale, suffix
        self._ticks: list[float] = []

    def set_locs(self, locs) -> None:
        self._ticks = [float(x) for x in locs]

    def _decimals(self) -> int:
        locs = sorted(self.scale * x for x in self._ticks)
        steps = [b - a for a, b in zip(locs, locs[1:]) if b > a]
        if not steps:
            return 0
        step = min(steps)
        for d in range(7):
            if abs(round(step * 10**d) - step * 10**d) < 1e-6 * max(1.0, step * 10**d):
                return d
        return 6

    def __call__(self, x, pos=None) -> str:
        return decimal(self.scale * x, self._decimals(), self.lang) + self.suffix


def _percent_formatter(lang: str, scale: float = 100.0, suffix: str = "%") -> Formatter:
    return _NumberFormatter(lang, scale, suffix)


def _label(labels, arm: str) -> str:
    return (labels or {}).get(arm, arm)


def format_axis(
    axis, name: str, catalogue: Catalogue | None = None, *, diff: bool = False, lang: str = "en"
) -> str:
    """Tick format for outcome ``name`` on ``axis`` (x or y); returns the unit label to show.

    Shares are shown in % (or percentage points for differences), rupiah with thousands
    separators or M/bn, counts with thousands separators; the kind and unit are those declared in
    ``catalogue`` (an undeclared outcome gets plain ticks and no unit).
    """
    info = outcome(name, catalogue)
    if info.kind == "share" and diff:
        axis.set_major_formatter(_percent_formatter(lang, suffix=""))
        return t("pp_long", lang)
    if info.kind == "share":
        axis.set_major_formatter(_percent_formatter(lang))
        return "%"
    if info.kind == "idr":
        axis.set_major_formatter(rupiah_formatter(lang))
        axis.set_major_locator(MaxNLocator(nbins=5))
        return unit_label(info.unit, lang)
    if info.kind == "count":
        axis.set_major_formatter(_NumberFormatter(lang))
    elif info.kind != "ratio":
        axis.set_major_formatter(_percent_formatter(lang, scale=1.0, suffix=""))
    return t("years_unit", lang) if info.kind == "years" else unit_label(info.unit, lang)


def _legend(fig: Figure, colors: dict[str, str], arms, labels=None) -> None:
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=colors[a], lw=2.5, label=_label(labels, a)) for a in arms]
    fig.legend(handles=handles, loc="outside lower center", ncols=min(len(arms), 5), frameon=False)


def _grid(n: int, ncols: int = 2):
    ncols = min(ncols, n)
    return ncols, int(np.ceil(n / ncols))


def trajectories(
    band_table: pd.DataFrame,
    metrics,
    colors,
    catalogue=None,
    *,
    title=None,
    ncols=2,
    lang="en",
    labels=None,
) -> Figure:
    """Median (line) and 5-95% band (shade) over replications, per arm, one panel per metric.

    ``band_table`` is the output of :func:`sim.analysis.bands` / ``monthly_bands``.
    """
    metrics = [m for m in metrics if m in set(band_table["metric"])]
    ncols, nrows = _grid(max(len(metrics), 1), ncols)
    fig = _figure((5.2 if ncols <= 2 else 4.0) * ncols, 3.2 * nrows + 0.6)
    arms = [a for a in colors if a in set(band_table["arm"])]
    for i, metric in enumerate(metrics):
        ax = fig.add_subplot(nrows, ncols, i + 1)
        sub = band_table[band_table["metric"] == metric]
        for arm in arms:
            d = sub[sub["arm"] == arm]
            ax.fill_between(d["month"], d["low"], d["high"], color=colors[arm], alpha=0.15, lw=0)
            ax.plot(d["month"], d["median"], color=colors[arm], lw=1.8)
        unit = format_axis(ax.yaxis, metric, catalogue, lang=lang)
        ax.set_title(outcome_label(outcome(metric, catalogue), lang), fontsize=10)
        ax.set_xlabel(t("f_month", lang))
        ax.set_ylabel(unit)
        ax.grid(alpha=0.3)
    fig.suptitle(title or t("f_traj_title", lang))
    _legend(fig, colors, arms, labels)
    return fig


def adoption_curves(
    band_table: pd.DataFrame, colors, catalogue=None, *, lang="en", labels=None
) -> Figure:
    """Share of living firms at each digital level over time, per arm (median and 5-95% band)."""
    title = t("f_adopt_title", lang)
    fig = trajectories(
        band_table, LEVELS, colors, catalogue, title=title, ncols=3, lang=lang, labels=labels
    )
    for ax in fig.axes:
        ax.set_ylim(0, 1)
    return fig


def forest(
    effects: pd.DataFrame, outcomes, colors, catalogue=None, *, lang="en", labels=None
) -> Figure:
    """Paired effect of each arm over the reference with its 95% CI (thick) and the unpaired
    Welch interval (thin, grey), one panel per outcome."""
    outcomes = [o for o in outcomes if o in set(effects["outcome"])]
    ncols, nrows = _grid(max(len(outcomes), 1), 3)
    arms = [a for a in colors if a in set(effects["arm"])]
    fig = _figure(4.2 * ncols, 0.5 * len(arms) * nrows + 1.3 * nrows + 0.6)
    for i, name in enumerate(outcomes):
        ax = fig.add_subplot(nrows, ncols, i + 1)
        sub = effects[effects["outcome"] == name].set_index("arm").reindex(arms)
        y = np.arange(len(arms))[::-1]
        ax.hlines(y - 0.18, sub["unpaired_low"], sub["unpaired_high"], color="0.6", lw=1.2)
        for yi, (arm, e) in zip(y, sub.iterrows()):
            ax.hlines(yi, e["ci_low"], e["ci_high"], color=colors[arm], lw=3)
            ax.plot(e["diff"], yi, "o", color=colors[arm], ms=6)
        ax.axvline(0, color="0.3", lw=0.8, ls="--")
        ax.set_yticks(y, [_label(labels, a) for a in arms])
        ax.set_ylim(-0.7, len(arms) - 0.3)
        unit = format_axis(ax.xaxis, name, catalogue, diff=True, lang=lang)
        info = outcome(name, catalogue)
        better = {1: "f_higher_better", -1: "f_lower_better"}.get(info.direction)
        title = outcome_label(info, lang) + (f"\n{t(better, lang)}" if better else "")
        ax.set_title(title, fontsize=9)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=3 if info.kind == "idr" else 4))
        ax.set_xlabel(t("f_difference_unit", lang, unit=unit) if unit else t("f_difference", lang))
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle(t("f_forest_title", lang))
    return fig


def cost_effectiveness(ce: pd.DataFrame, colors, *, lang="en", labels=None) -> Figure:
    """Bars of outcome gained per Rp 1 bn of extra spending with 95% CIs, one panel per measure;
    arms with no extra spend, or that left part of their budget unspent, are labelled instead of
    drawn."""
    measures = list(dict.fromkeys(ce["measure"]))
    ncols, nrows = _grid(max(len(measures), 1))
    arms = [a for a in colors if a in set(ce["arm"])]
    fig = _figure(5.2 * ncols, (0.45 * len(arms) + 1.4) * nrows + 0.6)
    for i, measure in enumerate(measures):
        ax = fig.add_subplot(nrows, ncols, i + 1)
        sub = ce[ce["measure"] == measure].set_index("arm").reindex(arms)
        name = sub["outcome"].dropna().iloc[0] if sub["outcome"].notna().any() else ""
        y = np.arange(len(arms))[::-1]
        value = sub["value"].to_numpy(dtype=float)
        ok = np.isfinite(value)
        err = np.vstack([value - sub["ci_low"], sub["ci_high"] - value])
        ax.barh(y[ok], value[ok], color=[colors[a] for a in np.array(arms)[ok]], height=0.6)
        ax.errorbar(value[ok], y[ok], xerr=np.abs(err[:, ok]), fmt="none", ecolor="0.2", lw=1)
        spent = sub["extra_spend_idr"].to_numpy(dtype=float) > 0  # then: less than its budget
        for yi, why in zip(y[~ok], np.where(spent[~ok], "f_underspent", "f_no_extra")):
            ax.text(0, yi, "  " + t(why, lang), va="center", fontsize=9, color="0.3")
        ax.axvline(0, color="0.3", lw=0.8)
        ax.set_yticks(y, [_label(labels, a) for a in arms])
        ax.set_title(cost_measure_label(name, measure, lang), fontsize=10)
        unit = sub["unit"].dropna().iloc[0] if sub["unit"].notna().any() else ""
        ax.set_xlabel(t("f_ce_xlabel", lang, unit=unit_label(unit, lang)), wrap=True)
        rupiah = str(unit).startswith("Rp")
        ax.xaxis.set_major_formatter(rupiah_formatter(lang) if rupiah else _NumberFormatter(lang))
        ax.xaxis.set_major_locator(MaxNLocator(nbins=3 if rupiah else 5))
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle(t("f_ce_title", lang))
    return fig


def distributions(firms: pd.DataFrame, colors, *, lang="en", labels=None) -> Figure:
    """Owner income (ECDF, living firms) and firm size (share of firms by workers) per arm."""
    fig = _figure(10.4, 3.8)
    alive = firms[firms["alive"]] if "alive" in firms else firms
    arms = [a for a in colors if a in set(alive["arm"])]
    ax = fig.add_subplot(1, 2, 1)
    for arm in arms:
        x = np.sort(alive.loc[alive["arm"] == arm, "income_idr"].to_numpy(dtype=float))
        ax.step(x, np.arange(1, len(x) + 1) / len(x), where="post", color=colors[arm], lw=1.6)
    ax.xaxis.set_major_formatter(rupiah_formatter(lang))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.yaxis.set_major_formatter(_percent_formatter(lang))
    ax.set_title(t("f_income_title", lang), fontsize=10)
    ax.set_xlabel("Rp/" + t("f_month", lang))
    ax.set_ylabel(t("f_income_ylabel", lang))
    ax.grid(alpha=0.3)
    ax = fig.add_subplot(1, 2, 2)
    size_bins = [0, 1, 4, 19, 99, np.inf]
    sizes = ["1", "2-4", "5-19", "20-99", "100+"]
    width = 0.8 / max(len(arms), 1)
    for i, arm in enumerate(arms):
        workers = alive.loc[alive["arm"] == arm, "workers"]
        share = pd.cut(workers, size_bins, labels=sizes).value_counts(normalize=True)
        x = np.arange(len(sizes)) + (i - (len(arms) - 1) / 2) * width
        ax.bar(x, share.reindex(sizes).fillna(0), width, color=colors[arm])
    ax.set_xticks(np.arange(len(sizes)), sizes)
    ax.yaxis.set_major_formatter(_percent_formatter(lang))
    ax.set_title(t("f_size_title", lang), fontsize=10)
    ax.set_xlabel(t("f_workers", lang))
    ax.set_ylabel(t("f_share_firms", lang))
    ax.grid(axis="y", alpha=0.3)
    fig.suptitle(t("f_dist_title", lang))
    _legend(fig, colors, arms, labels)
    return fig


def sensitivity_bars(
    table: pd.DataFrame, outcome_name: str, catalogue=None, *, lang="en"
) -> Figure:
    """Morris mu* (bars) and sigma (markers), or Sobol S1 and ST with their CIs."""
    label = outcome_label(outcome(outcome_name, catalogue), lang)
    fig = _figure(6.4, 0.45 * len(table) + 1.6)
    ax = fig.add_subplot(1, 1, 1)
    y = np.arange(len(table))[::-1]
    if "mu_star" in table:
        ax.barh(y, table["mu_star"], xerr=table["mu_star_conf"], color=OKABE_ITO[4], height=0.6,
                label=t("f_mu_star", lang))  # fmt: skip
        ax.plot(table["sigma"], y, "D", color=OKABE_ITO[5], label=t("f_sigma", lang))
        ax.set_xlabel(t("f_morris_x", lang, label=label))
        ax.set_title(t("f_morris_title", lang), fontsize=10)
    else:
        ax.barh(y + 0.18, table["S1"], 0.35, xerr=table["S1_conf"], color=OKABE_ITO[4],
                label=t("f_s1", lang))  # fmt: skip
        ax.barh(y - 0.18, table["ST"], 0.35, xerr=table["ST_conf"], color=OKABE_ITO[1],
                label=t("f_st", lang))  # fmt: skip
        ax.set_xlabel(t("f_sobol_x", lang, label=label))
        ax.set_title(t("f_sobol_title", lang), fontsize=10)
    ax.set_yticks(y, table["parameter"])
    ax.grid(axis="x", alpha=0.3)
    ax.legend(frameon=False, fontsize=8)
    fig.suptitle(t("f_sens_title", lang))
    return fig


def sweep_lines(
    surface: pd.DataFrame,
    param: str,
    outcome_name: str,
    colors,
    catalogue=None,
    *,
    lang="en",
    labels=None,
) -> Figure:
    """Mean outcome (with 95% CI) against one swept parameter, one line per arm."""
    fig = _figure(6.4, 4.0)
    ax = fig.add_subplot(1, 1, 1)
    arms = [a for a in colors if a in set(surface["arm"])]
    for arm in arms:
        d = surface[surface["arm"] == arm].groupby(param)[["mean", "ci_low", "ci_high"]].mean()
        ax.fill_between(d.index, d["ci_low"], d["ci_high"], color=colors[arm], alpha=0.15, lw=0)
        ax.plot(d.index, d["mean"], "o-", color=colors[arm], lw=1.8, ms=4)
    unit = format_axis(ax.yaxis, outcome_name, catalogue, lang=lang)
    ax.set_xlabel(param)
    ax.set_ylabel(unit)
    label = outcome_label(outcome(outcome_name, catalogue), lang)
    ax.set_title(t("f_sweep_title", lang, label=label, param=param), fontsize=10)
    ax.grid(alpha=0.3)
    _legend(fig, colors, arms, labels)
    return fig
