"""The app's figures as plain matplotlib functions (no web dependency, timed in tests).

The network view lays villages out on a grid and the sectors of a village around its centre, so
the village×sector clusters of strong ties are visible; it draws at most ``max_firms`` firms and
``max_edges`` ties (an evenly spaced sample) to stay fast. The time-series views read
``model.monthly()``; their labels and units come from the outcome catalogue (``sim.catalogue``).
"""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd
import scipy.sparse as sp
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from sim.catalogue import builtin_outcomes
from sim.domain import SECTORS
from sim.outcomes import Outcome, undeclared

LEVEL_COLOURS = ("#9e9e9e", "#2e9d4f", "#1f5fbf")  # offline, messaging, social/marketplace
LEVEL_NAMES = ("offline", "messaging (WhatsApp)", "social / marketplace")
COLLABORATION_METRICS = (
    "pooling_participation",
    "joint_promotion_share",
    "cocreation_share",
    "partnerships_active",
    "shared_facility_users",
)
"""Participation outcomes of the collaboration mechanisms, plotted when the run has them."""


def _outcome(name: str, catalogue: dict[str, Outcome] | None) -> Outcome:
    catalogue = builtin_outcomes() if catalogue is None else catalogue
    return catalogue.get(name) or undeclared(name)


FIGSIZE = (5.6, 3.6)
DPI = 80
LAYOUT_SEED = 20240601  # fixed jitter of the drawing; never a model stream


def figure(size: tuple[float, float] = FIGSIZE, right: float = 0.97) -> Figure:
    """A figure with fixed margins (an automatic layout would double the drawing time)."""
    fig = Figure(figsize=size, dpi=DPI)
    fig.subplots_adjust(left=0.11, right=right, bottom=0.13, top=0.91)
    return fig


def firm_positions(village: np.ndarray, sector: np.ndarray, n_villages: int) -> np.ndarray:
    """(x, y) of every firm row: village grid cell + sector offset + fixed jitter.

    The jitter of row ``i`` does not depend on how many rows exist, so a firm keeps its place
    as entrants are added.
    """
    n = len(village)
    cols = max(1, math.ceil(math.sqrt(n_villages)))
    angle = 2 * np.pi * sector / len(SECTORS)
    jitter = np.random.default_rng(LAYOUT_SEED).standard_normal((n, 2)) * 0.07
    x = village % cols + 0.5 + 0.25 * np.cos(angle) + jitter[:, 0]
    y = village // cols + 0.5 + 0.25 * np.sin(angle) + jitter[:, 1]
    return np.column_stack([x, y])


def _spread(rows: np.ndarray, limit: int) -> np.ndarray:
    """At most ``limit`` evenly spaced items of ``rows``."""
    if len(rows) <= limit:
        return rows
    return rows[np.linspace(0, len(rows) - 1, limit).astype(np.int64)]


MAX_FIRMS_DRAWN = 2500


def drawn_firms(model, max_firms: int = MAX_FIRMS_DRAWN) -> tuple[np.ndarray, np.ndarray]:
    """The living firms the network view draws (rows) and every row's position."""
    s = model.state
    pos = firm_positions(s.village, s.sector, model.villages.count)
    return _spread(np.flatnonzero(s.alive), max_firms), pos


def network_figure(
    model,
    max_firms: int = MAX_FIRMS_DRAWN,
    max_edges: int = 1500,
    highlight: int | None = None,
) -> Figure:
    """Living firms by village (grid cells) and sector (around the centre), coloured by digital
    level, with a sample of their ties; firm ``highlight`` (a row) is ringed."""
    s = model.state
    n_villages = model.villages.count
    cols = max(1, math.ceil(math.sqrt(n_villages)))
    rows_grid = math.ceil(n_villages / cols)
    drawn, pos = drawn_firms(model, max_firms)
    living = np.flatnonzero(s.alive)

    fig = figure((5.6, 4.2))
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.07, top=0.94)
    ax = fig.add_subplot()
    ties = model.net.ties_csr
    keep = np.zeros(s.n, dtype=bool)
    keep[drawn] = True
    upper = sp.triu(ties[: s.n, : s.n], k=1).tocoo()
    on = keep[upper.row] & keep[upper.col]
    edges = _spread(np.flatnonzero(on), max_edges)
    segments = np.stack([pos[upper.row[edges]], pos[upper.col[edges]]], axis=1)
    ax.add_collection(LineCollection(segments, colors="#607080", linewidths=0.4, alpha=0.35))
    for level, (colour, name) in enumerate(zip(LEVEL_COLOURS, LEVEL_NAMES)):
        rows = drawn[s.level[drawn] == level]
        ax.scatter(pos[rows, 0], pos[rows, 1], s=7, c=colour, label=f"{name} ({len(rows)})")
    if highlight is not None and highlight < s.n:
        ax.scatter(*pos[highlight], s=90, facecolors="none", edgecolors="#d62728", linewidths=1.5)
    for v in range(n_villages):
        ax.text(v % cols + 0.04, v // cols + 0.04, str(v), fontsize=6, color="#888")
    ax.set_xticks(np.arange(cols + 1))
    ax.set_yticks(np.arange(rows_grid + 1))
    ax.tick_params(labelbottom=False, labelleft=False, length=0)
    ax.grid(True, color="#ddd", linewidth=0.6)
    ax.set_xlim(0, cols)
    ax.set_ylim(rows_grid, 0)
    ax.set_aspect("equal")
    shown = f"{len(drawn)} of {len(living)}" if len(drawn) < len(living) else f"{len(living)}"
    ax.set_title(
        f"Firms by village (cells) and sector: {shown} firms, "
        f"{len(edges)} of {int(on.sum())} ties drawn",
        fontsize=9,
    )
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=3, fontsize=7, frameon=False)
    return fig


def firm_at(model, fig: Figure, x: float, y: float, radius: float = 6.0) -> int | None:
    """The drawn firm nearest to pixel (``x``, ``y``) of a saved :func:`network_figure` (from
    its top left, as a click on the image reports it), or None beyond ``radius`` pixels."""
    rows, pos = drawn_firms(model)
    if not len(rows):
        return None
    height = fig.get_size_inches()[1] * fig.dpi
    points = fig.axes[0].transData.transform(pos[rows])
    distance = np.hypot(points[:, 0] - x, points[:, 1] - (height - y))
    nearest = int(np.argmin(distance))
    return int(rows[nearest]) if distance[nearest] <= radius else None


def _time_axes(title: str, ylabel: str, right: float = 0.97):
    fig = figure(FIGSIZE, right)
    ax = fig.add_subplot()
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("month", fontsize=8)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(True, color="#eee")
    return fig, ax


def _months(frame: pd.DataFrame) -> np.ndarray:
    return frame["month"].to_numpy() if len(frame) else np.zeros(0)


def _no_data(ax, text: str = "press Step or Play") -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#888")


def adoption_figure(frame: pd.DataFrame) -> Figure:
    """Share of living firms at each digital level, stacked, by month."""
    fig, ax = _time_axes("Digital adoption by level", "share of living firms")
    columns = [f"share_level_{lv}" for lv in range(3) if f"share_level_{lv}" in frame]
    if len(frame) and columns:
        ax.stackplot(
            _months(frame),
            *(frame[c].to_numpy() for c in columns),
            colors=LEVEL_COLOURS[: len(columns)],
            labels=LEVEL_NAMES[: len(columns)],
        )
        ax.legend(loc="lower left", fontsize=7)
    else:
        _no_data(ax)
    ax.set_ylim(0, 1)
    return fig


def survival_income_figure(frame: pd.DataFrame, catalogue: dict | None = None) -> Figure:
    """Survival of the initial firms (left axis) and poor owners' monthly income (right axis)."""
    survival = _outcome("survival_rate", catalogue)
    income = _outcome("poor_owner_mean_income_idr", catalogue)
    fig, ax = _time_axes(f"{survival.label} and {income.label.lower()}", survival.label, 0.88)
    ax.set_ylim(0, 1.02)
    if not len(frame):
        _no_data(ax)
        return fig
    months = _months(frame)
    ax.plot(months, frame["survival_rate"], color="#b03a2e", label=survival.label)
    right = ax.twinx()
    right.plot(
        months,
        frame["poor_owner_mean_income_idr"] / 1e6,
        color="#16a085",
        label=income.label,
    )
    right.set_ylabel(f"{income.label}, million {income.unit}", fontsize=8)
    right.tick_params(labelsize=7)
    right.set_ylim(bottom=0)
    lines = ax.get_lines() + right.get_lines()
    ax.legend(lines, [line.get_label() for line in lines], loc="lower left", fontsize=7)
    return fig


def collaboration_figure(frame: pd.DataFrame, catalogue: dict | None = None) -> Figure:
    """The participation outcomes of the collaboration mechanisms that the run has, by month.

    Shares go on the left axis, counts (e.g. active partnerships) on the right, each labelled
    from the outcome catalogue.
    """
    fig, ax = _time_axes("Collaboration", "share of living firms", 0.9)
    names = [m for m in COLLABORATION_METRICS if m in frame]
    if not names:
        _no_data(ax, "no collaboration outcomes registered")
        return fig
    if not len(frame):
        _no_data(ax)
        return fig
    months = _months(frame)
    shares = [m for m in names if _outcome(m, catalogue).kind == "share"]
    counts = [m for m in names if m not in shares]
    for m in shares:
        ax.plot(months, frame[m], label=_outcome(m, catalogue).label)
    lines = list(ax.get_lines())
    if counts:
        right = ax.twinx()
        for m in counts:
            right.plot(months, frame[m], linestyle="--", label=_outcome(m, catalogue).label)
        right.set_ylabel("count", fontsize=8)
        right.tick_params(labelsize=7)
        lines += right.get_lines()
    ax.legend(lines, [line.get_label() for line in lines], loc="upper left", fontsize=7)
    return fig


def policy_spend_figure(frame: pd.DataFrame, catalogue: dict | None = None) -> Figure:
    """Cumulative policy spending, Rp billion, by month."""
    spend = _outcome("policy_spend_idr", catalogue)
    fig, ax = _time_axes(spend.label, f"{spend.unit} billion")
    if len(frame) and "policy_spend_idr" in frame:
        ax.fill_between(_months(frame), frame["policy_spend_idr"] / 1e9, color="#e67e22", alpha=0.6)
        ax.set_ylim(bottom=0)
    else:
        _no_data(ax)
    return fig


def summary_text(model) -> str:
    """One line of headline numbers for the page."""
    s = model.state
    alive = int(s.alive.sum())
    digital = float((s.level[s.alive] >= 1).mean()) if alive else 0.0
    return (
        f"Month {model.month} of {model.scenario.months}: {alive:,} firms alive, "
        f"{digital:.0%} digital, policy spending Rp {model.policy_spend_idr / 1e9:,.2f} bn"
    )


COMPARED = "digital_share"
"""The outcome the comparison chart starts with (any outcome of the run can be picked)."""


def comparison_figure(
    current: pd.DataFrame,
    previous: pd.DataFrame | None,
    changes: list[str] = (),
    catalogue: dict | None = None,
    name: str = COMPARED,
) -> Figure:
    """Outcome ``name`` of this run (solid) and of the last run with other settings (dashed);
    the title says which settings changed."""
    outcome = _outcome(name, catalogue)
    scale, unit = 1, ("share" if outcome.kind == "share" else outcome.unit)  # shares are 0-1
    if outcome.unit.startswith("Rp"):
        scale, unit = 1e6, f"million {outcome.unit}"
    fig, ax = _time_axes(outcome.label, unit)
    fig.subplots_adjust(top=0.82)
    if previous is None:
        note = "previous settings: none yet (change a control, press Reset)"
    else:
        more = f" (+{len(changes) - 2} more)" if len(changes) > 2 else ""
        note = "changed: " + ("; ".join(changes[:2]) + more if changes else "nothing")
    ax.set_title(f"This run vs previous settings: {outcome.label}", fontsize=9, pad=16)
    ax.text(0.5, 1.01, textwrap.fill(note, 95), transform=ax.transAxes, fontsize=6, ha="center")
    runs = ((previous, "--", "#888", "previous settings"), (current, "-", "#1f5fbf", "this run"))
    for frame, style, colour, label in runs:
        if frame is not None and len(frame) and name in frame:
            ax.plot(_months(frame), frame[name] / scale, style, color=colour, label=label)
    if ax.get_lines():
        ax.legend(loc="best", fontsize=7)
    if not len(current):
        _no_data(ax)
    return fig
