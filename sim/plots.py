"""Figures from analysis tables: DataFrame in, ``matplotlib.figure.Figure`` out.

Figures are built with ``matplotlib.figure.Figure`` and rendered by the Agg canvas, without
pyplot's global state, so they are safe in scripts, tests and servers alike. Colours come from
the Okabe-Ito colour-blind-safe palette; :func:`arm_colors` gives every figure the same colour
for the same arm (the reference arm is always black).
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from sim.analysis import LEVELS, Catalogue, outcome

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
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def _rupiah_tick(x, _pos=None) -> str:
    a = abs(x)
    if a >= 1e9:
        return f"{x / 1e9:,.1f} bn"
    if a >= 1e6:
        return f"{x / 1e6:,.1f} M"
    return f"{x:,.0f}"


def format_axis(axis, name: str, catalogue: Catalogue | None = None, *, diff: bool = False) -> str:
    """Tick format for outcome ``name`` on ``axis`` (x or y); returns the unit label to show.

    Shares are shown in % (or percentage points for differences), rupiah with thousands
    separators or M/bn, counts with thousands separators; the kind and unit are those declared in
    ``catalogue`` (an undeclared outcome gets plain ticks and no unit).
    """
    info = outcome(name, catalogue)
    if info.kind == "share" and diff:
        axis.set_major_formatter(FuncFormatter(lambda x, _p: f"{100 * x:,.1f}"))
        return "percentage points"
    if info.kind == "share":
        axis.set_major_formatter(PercentFormatter(1.0))
        return "%"
    if info.kind == "idr":
        axis.set_major_formatter(FuncFormatter(_rupiah_tick))
        return info.unit
    if info.kind == "count":
        axis.set_major_formatter(FuncFormatter(lambda x, _p: f"{x:,.0f}"))
    return info.unit


def _legend(fig: Figure, colors: dict[str, str], arms) -> None:
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=colors[a], lw=2.5, label=a) for a in arms]
    fig.legend(handles=handles, loc="outside lower center", ncols=min(len(arms), 5), frameon=False)


def _grid(n: int, ncols: int = 2):
    ncols = min(ncols, n)
    return ncols, int(np.ceil(n / ncols))


def trajectories(
    band_table: pd.DataFrame, metrics, colors, catalogue=None, *, title=None, ncols=2
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
        unit = format_axis(ax.yaxis, metric, catalogue)
        ax.set_title(outcome(metric, catalogue).label, fontsize=10)
        ax.set_xlabel("month")
        ax.set_ylabel(unit)
        ax.grid(alpha=0.3)
    fig.suptitle(title or "Trajectories: median and 5-95% range over replications")
    _legend(fig, colors, arms)
    return fig


def adoption_curves(band_table: pd.DataFrame, colors, catalogue=None) -> Figure:
    """Share of living firms at each digital level over time, per arm (median and 5-95% band)."""
    title = "Digital adoption by level"
    fig = trajectories(band_table, LEVELS, colors, catalogue, title=title, ncols=3)
    for ax in fig.axes:
        ax.set_ylim(0, 1)
    return fig


def forest(effects: pd.DataFrame, outcomes, colors, catalogue=None) -> Figure:
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
        ax.set_yticks(y, arms)
        ax.set_ylim(-0.7, len(arms) - 0.3)
        unit = format_axis(ax.xaxis, name, catalogue, diff=True)
        info = outcome(name, catalogue)
        better = {1: "\n(higher is better)", -1: "\n(lower is better)"}.get(info.direction, "")
        ax.set_title(info.label + better, fontsize=9)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.set_xlabel(f"difference, {unit}" if unit else "difference")
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle("Effect over the reference arm: paired 95% CI (colour), unpaired (grey)")
    return fig


def cost_effectiveness(ce: pd.DataFrame, colors) -> Figure:
    """Bars of outcome gained per Rp 1 bn of extra spending with 95% CIs, one panel per measure;
    arms with no extra spend are labelled instead of drawn."""
    measures = list(dict.fromkeys(ce["measure"]))
    ncols, nrows = _grid(max(len(measures), 1))
    arms = [a for a in colors if a in set(ce["arm"])]
    fig = _figure(5.2 * ncols, (0.45 * len(arms) + 1.4) * nrows + 0.6)
    for i, measure in enumerate(measures):
        ax = fig.add_subplot(nrows, ncols, i + 1)
        sub = ce[ce["measure"] == measure].set_index("arm").reindex(arms)
        y = np.arange(len(arms))[::-1]
        value = sub["value"].to_numpy(dtype=float)
        ok = np.isfinite(value)
        err = np.vstack([value - sub["ci_low"], sub["ci_high"] - value])
        ax.barh(y[ok], value[ok], color=[colors[a] for a in np.array(arms)[ok]], height=0.6)
        ax.errorbar(value[ok], y[ok], xerr=np.abs(err[:, ok]), fmt="none", ecolor="0.2", lw=1)
        for yi in y[~ok]:
            ax.text(0, yi, "  no extra spend", va="center", fontsize=9, color="0.3")
        ax.axvline(0, color="0.3", lw=0.8)
        ax.set_yticks(y, arms)
        ax.set_title(measure, fontsize=10)
        unit = sub["unit"].dropna().iloc[0] if sub["unit"].notna().any() else ""
        ax.set_xlabel(f"{unit} per Rp 1 bn of extra spending")
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle("Cost-effectiveness (paired over replications, 95% CI)")
    return fig


def distributions(firms: pd.DataFrame, colors) -> Figure:
    """Owner income (ECDF, living firms) and firm size (share of firms by workers) per arm."""
    fig = _figure(10.4, 3.8)
    alive = firms[firms["alive"]] if "alive" in firms else firms
    arms = [a for a in colors if a in set(alive["arm"])]
    ax = fig.add_subplot(1, 2, 1)
    for arm in arms:
        x = np.sort(alive.loc[alive["arm"] == arm, "income_idr"].to_numpy(dtype=float))
        ax.step(x, np.arange(1, len(x) + 1) / len(x), where="post", color=colors[arm], lw=1.6)
    ax.xaxis.set_major_formatter(FuncFormatter(_rupiah_tick))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_title("Owner income, living firms (cumulative)", fontsize=10)
    ax.set_xlabel("Rp/month")
    ax.set_ylabel("share of firms at or below")
    ax.grid(alpha=0.3)
    ax = fig.add_subplot(1, 2, 2)
    size_bins = [0, 1, 4, 19, 99, np.inf]
    labels = ["1", "2-4", "5-19", "20-99", "100+"]
    width = 0.8 / max(len(arms), 1)
    for i, arm in enumerate(arms):
        workers = alive.loc[alive["arm"] == arm, "workers"]
        share = pd.cut(workers, size_bins, labels=labels).value_counts(normalize=True)
        x = np.arange(len(labels)) + (i - (len(arms) - 1) / 2) * width
        ax.bar(x, share.reindex(labels).fillna(0), width, color=colors[arm])
    ax.set_xticks(np.arange(len(labels)), labels)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_title("Firm size, living firms", fontsize=10)
    ax.set_xlabel("workers")
    ax.set_ylabel("share of firms")
    ax.grid(axis="y", alpha=0.3)
    fig.suptitle("Distributions at the end of the runs")
    _legend(fig, colors, arms)
    return fig


def sensitivity_bars(table: pd.DataFrame, outcome_name: str, catalogue=None) -> Figure:
    """Morris mu* (bars) and sigma (markers), or Sobol S1 and ST with their CIs."""
    label = outcome(outcome_name, catalogue).label
    fig = _figure(6.4, 0.45 * len(table) + 1.6)
    ax = fig.add_subplot(1, 1, 1)
    y = np.arange(len(table))[::-1]
    if "mu_star" in table:
        ax.barh(y, table["mu_star"], xerr=table["mu_star_conf"], color=OKABE_ITO[4], height=0.6,
                label="mu* (overall influence)")  # fmt: skip
        ax.plot(table["sigma"], y, "D", color=OKABE_ITO[5], label="sigma (interactions)")
        ax.set_xlabel(f"elementary effect on {label}")
        ax.set_title("Morris screening", fontsize=10)
    else:
        ax.barh(y + 0.18, table["S1"], 0.35, xerr=table["S1_conf"], color=OKABE_ITO[4],
                label="S1 (first order)")  # fmt: skip
        ax.barh(y - 0.18, table["ST"], 0.35, xerr=table["ST_conf"], color=OKABE_ITO[1],
                label="ST (total)")  # fmt: skip
        ax.set_xlabel(f"share of the variance of {label}")
        ax.set_title("Sobol indices (95% CI)", fontsize=10)
    ax.set_yticks(y, table["parameter"])
    ax.grid(axis="x", alpha=0.3)
    ax.legend(frameon=False, fontsize=8)
    fig.suptitle("Sensitivity of the outcome to the varied parameters")
    return fig


def sweep_lines(
    surface: pd.DataFrame, param: str, outcome_name: str, colors, catalogue=None
) -> Figure:
    """Mean outcome (with 95% CI) against one swept parameter, one line per arm."""
    fig = _figure(6.4, 4.0)
    ax = fig.add_subplot(1, 1, 1)
    arms = [a for a in colors if a in set(surface["arm"])]
    for arm in arms:
        d = surface[surface["arm"] == arm].groupby(param)[["mean", "ci_low", "ci_high"]].mean()
        ax.fill_between(d.index, d["ci_low"], d["ci_high"], color=colors[arm], alpha=0.15, lw=0)
        ax.plot(d.index, d["mean"], "o-", color=colors[arm], lw=1.8, ms=4)
    unit = format_axis(ax.yaxis, outcome_name, catalogue)
    ax.set_xlabel(param)
    ax.set_ylabel(unit)
    ax.set_title(f"{outcome(outcome_name, catalogue).label} across {param}", fontsize=10)
    ax.grid(alpha=0.3)
    _legend(fig, colors, arms)
    return fig
