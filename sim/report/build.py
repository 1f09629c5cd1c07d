"""The report page: the tables' cells and the template's context, rendered with Jinja2.

The page's HTML lives in ``templates/report.html.j2`` and its style in ``templates/report.css``
(inlined, so the report stays one self-contained file). Every value reaches the page through
the template with autoescaping on. A table cell is a string (text), ``{"num": text}`` (a
right-aligned number), ``{"arm": name, "role": text}`` (the arm with its colour),
``{"changes": [(kind, text)]}`` (settings as code and policies as text) or ``{"flag": bool}``
(whether the interval includes zero).
"""

from __future__ import annotations

import base64
from importlib import resources

import jinja2
import numpy as np
import pandas as pd

from sim import analysis as an

from .distribution import distribution_context
from .inputs import Inputs
from .text import cost_sentence, headline, lower_first, policy_text

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("sim.report", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
)


def _css() -> str:
    return resources.files("sim.report").joinpath("templates/report.css").read_text("utf-8")


def _num(text) -> dict:
    return {"num": str(text)}


def _interval(o: an.Outcome, low: float, high: float) -> str:
    if not (np.isfinite(low) and np.isfinite(high)):
        return "n/a"
    return f"{an.fmt_number(o, low)} to {an.fmt_number(o, high)}"


def _share(x: float) -> str:
    return f"{x:.0%}" if np.isfinite(x) else "n/a"


def arms_table(inp: Inputs) -> dict:
    specs = {a.get("name"): a for a in inp.experiment.get("arms") or [] if isinstance(a, dict)}
    done = an.finished(inp.runs).groupby("arm").size()
    total = inp.runs.groupby("arm").size()
    planned = inp.experiment.get("replications")
    rows = []
    for arm in an.arm_order(inp.experiment, inp.runs):
        spec = specs.get(arm, {})
        changes = [("code", f"{k} = {v}") for k, v in (spec.get("set") or {}).items()]
        changes += [
            ("text", policy_text(p)) for p in spec.get("policies") or [] if isinstance(p, dict)
        ]
        role = " (reference)" if arm == inp.arms[0] else ""
        cells = [
            {"arm": arm, "role": role},
            str(spec.get("description", "")),
            {"changes": changes},
            _num(f"{int(done.get(arm, 0))} / {planned or int(total.get(arm, 0))}"),
        ]
        rows.append({"arm": None, "cells": cells})
    header = ["Arm", "Description", "What it changes", "Runs finished"]
    return {"id": "arms", "header": header, "rows": rows}


def ranking_table(inp: Inputs) -> dict:
    o = inp.outcome(inp.main)
    unit = "pp" if o.kind == "share" else o.unit
    rows = []
    for r in inp.ranking.itertuples():
        if r.reference:
            diff, ci, better, flag, per_bn = "reference", "", "", "", ""
        else:
            diff = an.fmt_diff(o, r.diff, short=True)
            ci = _interval(o, r.ci_low, r.ci_high)
            better = _share(r.share_better)
            flag = {"flag": bool(r.ci_overlaps_zero)}
            per_bn = "no extra spend"
            if getattr(r, "per_bn_note", "").startswith("spent only"):
                per_bn = r.per_bn_note.split(":")[0]
            if np.isfinite(r.per_bn):
                per_bn = f"{r.per_bn:,.2f} {unit}".rstrip()
        spend = an.rupiah(r.spend_idr) if np.isfinite(r.spend_idr) else "n/a"
        cells = [_num(r.rank), {"arm": r.arm, "role": ""}, _num(an.fmt_value(o, r.mean)),
                 _num(diff), _num(ci), _num(better), flag, _num(spend), _num(per_bn)]  # fmt: skip
        rows.append({"arm": r.arm, "cells": cells})
    header = ["Rank", "Arm", o.label, "Difference", "95% CI (paired)", "Better in", "Signal",
              "Policy spend", "Gain per Rp 1 bn"]  # fmt: skip
    return {"id": "ranking", "header": header, "rows": rows}


def effects_table(inp: Inputs) -> dict:
    rows = []
    for o in an.main_outcomes(inp.catalogue, inp.runs.columns):
        for e in inp.effects[inp.effects["outcome"] == o.name].itertuples():
            cells = [
                o.label,
                {"arm": e.arm, "role": ""},
                _num(an.fmt_value(o, e.reference_mean)),
                _num(an.fmt_value(o, e.arm_mean)),
                _num(an.fmt_diff(o, e.diff, short=True)),
                _num(_interval(o, e.ci_low, e.ci_high)),
                _num(_interval(o, e.unpaired_low, e.unpaired_high)),
                _num(_share(e.share_better)),
                _num(e.n_pairs),
            ]
            rows.append({"arm": None, "cells": cells})
    header = ["Outcome", "Arm", inp.arms[0], "Arm value", "Difference", "95% CI paired",
              "95% CI unpaired", "Better in", "Pairs"]  # fmt: skip
    return {"id": "effects", "header": header, "rows": rows}


def cost_context(inp: Inputs) -> dict | None:
    """The cost-effectiveness table and the sentences on its first measure (None: no spend)."""
    if inp.ce.empty:
        return None
    rows = []
    for c in inp.ce.itertuples():
        value = f"{c.value:,.2f}" if np.isfinite(c.value) else c.note
        ci = f"{c.ci_low:,.2f} to {c.ci_high:,.2f}" if np.isfinite(c.ci_low) else ""
        cells = [c.measure, {"arm": c.arm, "role": ""}, _num(an.rupiah(c.extra_spend_idr)),
                 _num(value), _num(ci), c.unit]  # fmt: skip
        rows.append({"arm": None, "cells": cells})
    header = ["Measure", "Arm", "Extra spend", "Per Rp 1 bn", "95% CI", "Unit"]
    measure = inp.ce["measure"].iloc[0]
    sentences = [
        cost_sentence(c, inp.arms[0]) for c in inp.ce[inp.ce["measure"] == measure].itertuples()
    ]
    table = {"id": "ce", "header": header, "rows": rows}
    return {"measure": measure, "sentences": sentences, "table": table}


def sensitivity_table(inp: Inputs) -> dict | None:
    if inp.sensitivity is None:
        return None
    rows = [
        {"arm": None, "cells": [str(r[0]), *[_num(f"{v:.3g}") for v in r[1:]]]}
        for r in inp.sensitivity.itertuples(index=False)
    ]
    return {"id": "sensitivity", "header": list(inp.sensitivity.columns), "rows": rows}


def method_context(inp: Inputs) -> dict:
    exp, runs = inp.experiment, inp.runs
    done = an.finished(runs)
    example = done.sort_values(["replication"]).iloc[0]
    seeds = done.groupby("replication")["seed"].first() if "seed" in done else pd.Series()
    return {
        "finished": len(done),
        "failed": len(runs) - len(done),
        "replications": exp.get("replications", "n/a"),
        "seed": exp.get("seed", "n/a"),
        "seed_text": ", ".join(f"r{r}: {s}" for r, s in seeds.head(5).items()),
        "more_seeds": len(seeds) > 5,
        "scenario": exp.get("scenario", "SCENARIO"),
        "example_seed": example.get("seed", "N"),
        "example_replication": example["replication"],
    }


def render(inp: Inputs) -> str:
    """The report as one HTML string."""
    exp = inp.experiment
    versions = inp.runs["version"].dropna().astype(str) if "version" in inp.runs else []
    main_label = inp.outcome(inp.main).label
    context = {
        "css": _css(),
        "title": exp.get("name", inp.directory.name),
        "version": ", ".join(sorted(set(versions))),
        "question": exp.get("description") or "(no question given in experiment.yaml)",
        "headline": headline(inp),
        "notes": inp.notes,
        "colors": inp.colors,
        "experiment": {k: exp.get(k, "n/a") for k in ("scenario", "replications", "seed")},
        "main_label": main_label,
        "ranking_title": lower_first(main_label),
        "arms_table": arms_table(inp),
        "ranking_table": ranking_table(inp),
        "effects_table": effects_table(inp),
        "cost": cost_context(inp),
        "figures": [
            (alt, caption, base64.b64encode(png).decode()) for alt, caption, png in inp.figures
        ],
        "sensitivity": sensitivity_table(inp),
        "distribution": distribution_context(inp),
        "method": method_context(inp),
    }
    return _ENV.get_template("report.html.j2").render(context)
