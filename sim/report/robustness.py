"""The report's "Robustness under uncertainty" section (``templates/robustness.html.j2``),
shown only when the batch declared ``uncertainties:``.

Tables and sentences come from :mod:`sim.analysis.robustness`; the section's one figure shows
each arm's paired effect in every parameter set.
"""

from __future__ import annotations

import base64

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from sim import analysis as an
from sim import plots
from sim.analysis import robustness as rb

#: How many main outcomes the table and the figure show (the report's main outcome first).
SHOWN = 4


def _num(text) -> dict:
    return {"num": str(text), "sort": None}


def _share(x: float) -> str:
    return f"{x:.0%}" if np.isfinite(x) else "n/a"


def _value(x) -> str:
    return an.significant(float(x)) if isinstance(x, int | float) else str(x)


def shown_outcomes(inp) -> list[str]:
    """The report's main outcome, then the other main outcomes present, at most :data:`SHOWN`."""
    main = [o.name for o in an.main_outcomes(inp.catalogue, inp.runs.columns)]
    return list(dict.fromkeys([inp.main, *main]))[:SHOWN]


def robustness_context(inp) -> dict | None:
    """The section's context, or ``None`` when the batch has no uncertainties."""
    params = rb.uncertain_parameters(inp.experiment, inp.runs)
    if not params or len(inp.arms) < 2:
        return None
    names = shown_outcomes(inp)
    table = rb.robustness_table(inp.runs, names, arms=inp.arms, catalogue=inp.catalogue)
    found = rb.scenario_discovery(
        inp.runs, inp.main, params, arms=inp.arms, catalogue=inp.catalogue
    )
    png = plots.png_bytes(effect_figure(inp, names))
    return {
        "sets": int(table["sets"].max()) if len(table) else 0,
        "parameters": parameter_rows(inp.experiment, params),
        "table": summary_table(inp, table),
        "discovery": discovery_context(inp, found),
        "figure": base64.b64encode(png).decode(),
        "main_label": inp.outcome(inp.main).label,
        "replications": inp.experiment.get("replications", "n/a"),
    }


def parameter_rows(experiment: dict, params: list[str]) -> list[dict]:
    """What each uncertain parameter ranged over, as written in the experiment."""
    spec = experiment.get("uncertainties") or {}
    rows = []
    for name in params:
        u = spec.get(name) or {}
        if "from" in u:
            where = f"rows of {u['from']}"
        elif "values" in u:
            where = "one of " + ", ".join(_value(v) for v in u["values"])
        else:
            where = f"{_value(u.get('low'))} to {_value(u.get('high'))}"
        if u.get("integer"):
            where += " (whole numbers)"
        rows.append({"name": name, "range": where})
    return rows


def summary_table(inp, table: pd.DataFrame) -> dict:
    rows = []
    for r in table.itertuples():
        o = inp.outcome(r.outcome)
        reference = r.arm == inp.arms[0]
        effect = "reference" if reference else an.fmt_diff(o, r.median, short=True)
        spread = "" if reference else f"{an.fmt_number(o, r.p05)} to {an.fmt_number(o, r.p95)}"
        regret = an.fmt_diff(o, r.max_regret, short=True)
        arm = {"arm": r.arm, "label": inp.labels.get(r.arm, r.arm), "role": ""}
        cells = [r.label, arm, _num(effect), _num(spread),
                 _num(_share(r.share_best)), _num(regret)]  # fmt: skip
        rows.append({"arm": r.arm, "cells": cells})
    header = ["Outcome", "Arm", "Median effect", "5–95% across sets", "Best in", "Maximum regret"]
    return {"id": "robustness", "header": header, "rows": rows}


def discovery_context(inp, found: dict) -> dict:
    """Sentences and box tables of the scenario discovery on the main outcome."""
    boxes = []
    base = found["lost"] / found["sets"] if found["sets"] else float("nan")
    for i, box in enumerate(found["boxes"], start=1):
        rows = []
        for p in box["limits"].itertuples():
            inside = f"{_value(p.low)} to {_value(p.high)}"
            full = f"{_value(p.full_low)} to {_value(p.full_high)}"
            cells = [{"changes": [("code", p.parameter)]}, _num(inside), _num(full)]
            rows.append({"arm": None, "cells": cells})
        header = ["Parameter", "Range in the box", "Range over all sets"]
        boxes.append(
            {
                "title": f"Box {i}",
                "sentence": f"Box {i} holds {box['coverage']:.0%} of the sets in which "
                f"{found['best']} loses its place (coverage); {box['density']:.0%} of the sets "
                f"inside it are such sets (density; {base:.0%} over all sets); it holds "
                f"{box['mass']:.0%} of all sets.",
                "table": {"id": f"prim-box-{i}", "header": header, "rows": rows},
            }
        )
    return {**{k: found[k] for k in ("best", "sets", "lost", "note")}, "boxes": boxes}


def effect_figure(inp, names: list[str]) -> Figure:
    """One panel per outcome: each arm's paired effect in every parameter set (dots), with a
    box of the middle half and whiskers from the 5th to the 95th percentile."""
    arms = inp.arms[1:]
    ncols = min(len(names), 2)
    nrows = int(np.ceil(len(names) / ncols))
    fig = Figure(figsize=(5.2 * ncols, (0.55 * len(arms) + 1.4) * nrows), layout="constrained")
    FigureCanvasAgg(fig)
    jitter = np.random.default_rng(0)  # the dots' vertical spread only; fixed for stable pages
    for i, name in enumerate(names):
        ax = fig.add_subplot(nrows, ncols, i + 1)
        effects = rb.set_effects(inp.runs, name, inp.arms)
        y = np.arange(len(arms))[::-1]
        for yi, arm in zip(y, arms):
            values = effects.loc[effects["arm"] == arm, "effect"].to_numpy()
            if not len(values):
                continue
            ax.boxplot(values, positions=[yi], orientation="horizontal", whis=(5, 95),
                       widths=0.5, showfliers=False, medianprops={"color": "0.2"})  # fmt: skip
            dots = yi + jitter.uniform(-0.15, 0.15, len(values))
            ax.plot(values, dots, "o", color=inp.colors.get(arm, "0.4"), ms=3.5, alpha=0.7)
        ax.axvline(0, color="0.3", lw=0.8, ls="--")
        ax.set_yticks(y, arms)
        ax.set_ylim(-0.7, len(arms) - 0.3)
        unit = plots.format_axis(ax.xaxis, name, inp.catalogue, diff=True)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        label = f"effect over {inp.arms[0]}"
        ax.set_xlabel(f"{label}, {unit}" if unit else label)
        ax.set_title(inp.outcome(name).label, fontsize=9)
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle("Paired effect in each parameter set (one dot per set)")
    return fig
