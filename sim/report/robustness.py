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


def _value(x, lang: str) -> str:
    return an.significant(float(x), lang=lang) if isinstance(x, int | float) else str(x)


def _range(inp, low, high) -> str:
    return inp.t("interval", low=_value(low, inp.lang), high=_value(high, inp.lang))


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
        "parameters": parameter_rows(inp, params),
        "table": summary_table(inp, table),
        "discovery": discovery_context(inp, found),
        "figure": base64.b64encode(png).decode(),
        "noun": an.lower_first(inp.label(inp.main)),
        "replications": inp.experiment.get("replications", inp.t("na")),
    }


def parameter_rows(inp, params: list[str]) -> list[dict]:
    """What each uncertain parameter ranged over, as written in the experiment."""
    spec = inp.experiment.get("uncertainties") or {}
    rows = []
    for name in params:
        u = spec.get(name) or {}
        if "from" in u:
            where = inp.t("rb_rows_of", file=u["from"])
        elif "values" in u:
            values = inp.t("rb_list_sep").join(_value(v, inp.lang) for v in u["values"])
            where = inp.t("rb_one_of", values=values)
        else:
            where = _range(inp, u.get("low"), u.get("high"))
        if u.get("integer"):
            where += inp.t("rb_whole")
        rows.append({"name": name, "range": where})
    return rows


def summary_table(inp, table: pd.DataFrame) -> dict:
    lang, rows = inp.lang, []
    for r in table.itertuples():
        o = inp.outcome(r.outcome)
        reference = r.arm == inp.arms[0]
        effect = inp.t("rb_reference") if reference else an.fmt_diff(o, r.median, True, lang)
        spread = ""
        if not reference:
            low, high = an.fmt_number(o, r.p05, lang), an.fmt_number(o, r.p95, lang)
            spread = inp.t("interval", low=low, high=high)
        regret = an.fmt_diff(o, r.max_regret, short=True, lang=lang)
        arm = {"arm": r.arm, "label": inp.arm(r.arm), "role": ""}
        cells = [inp.label(r.outcome), arm, _num(effect), _num(spread),
                 _num(an.percent(r.share_best, lang, 0)), _num(regret)]  # fmt: skip
        rows.append({"arm": r.arm, "cells": cells})
    keys = ("d_outcome", "d_arm", "rb_median", "rb_spread", "rb_best_in", "rb_regret")
    return {"id": "robustness", "header": [inp.t(k) for k in keys], "rows": rows}


def discovery_context(inp, found: dict) -> dict:
    """Sentences and box tables of the scenario discovery on the main outcome."""
    lang, boxes = inp.lang, []
    base = found["lost"] / found["sets"] if found["sets"] else float("nan")
    best = inp.arm(found["best"]) if found["best"] else ""
    for i, box in enumerate(found["boxes"], start=1):
        rows = []
        for p in box["limits"].itertuples():
            inside, full = _range(inp, p.low, p.high), _range(inp, p.full_low, p.full_high)
            cells = [{"changes": [("code", p.parameter)]}, _num(inside), _num(full)]
            rows.append({"arm": None, "cells": cells})
        header = [inp.t(k) for k in ("rb_parameter", "rb_in_box", "rb_all_sets")]
        shares = {k: an.percent(box[k], lang, 0) for k in ("coverage", "density", "mass")}
        sentence = inp.t("rb_box", i=i, best=best, base=an.percent(base, lang, 0), **shares)
        table = {"id": f"prim-box-{i}", "header": header, "rows": rows}
        boxes.append({"sentence": sentence, "table": table})
    note = ""
    if found["reason"]:
        label = inp.label(inp.main)
        note = inp.t(f"rb_note_{found['reason']}", label=label, best=best)
    return {**{k: found[k] for k in ("best", "sets", "lost")}, "note": note, "boxes": boxes}


def effect_figure(inp, names: list[str]) -> Figure:
    """One panel per outcome: each arm's paired effect in every parameter set (dots), with a
    box of the middle half and whiskers from the 5th to the 95th percentile."""
    arms = inp.arms[1:]
    ncols = min(len(names), 2)
    nrows = int(np.ceil(len(names) / ncols))
    fig = Figure(figsize=(5.2 * ncols, (0.55 * len(arms) + 1.4) * nrows), layout="constrained")
    FigureCanvasAgg(fig)
    jitter = np.random.default_rng(0)  # the dots' vertical spread only; fixed for stable pages
    label = inp.t("rb_fig_xlabel", reference=inp.arm(inp.arms[0]))
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
        ax.set_yticks(y, [inp.arm(a) for a in arms])
        ax.set_ylim(-0.7, len(arms) - 0.3)
        unit = plots.format_axis(ax.xaxis, name, inp.catalogue, diff=True, lang=inp.lang)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.set_xlabel(f"{label}, {unit}" if unit else label)
        ax.set_title(inp.label(name), fontsize=9)
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle(inp.t("rb_fig_title"))
    return fig
