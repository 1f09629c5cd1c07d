"""The page: the tables' cells and the template's context, rendered with Jinja2.

The page is ``templates/report.html.j2``, one partial per section (``_<section>.html.j2``, in
the order of :data:`SECTIONS`; a new section is a partial and a name in that tuple) and its style
``templates/report.css`` and script ``templates/report.js`` (inlined, so the report stays one
self-contained file). Every value reaches the page through the template with autoescaping on. A
table cell is a string (text), ``{"num": text, "sort": number}`` (a right-aligned number that
sorts by ``sort``), ``{"arm": name, "role": text}`` (the arm with its colour),
``{"changes": [(kind, text)]}`` (settings as code and policies as text), ``{"flag": bool}``
(whether the interval includes zero), ``{"holm": bool, "p": text}`` or
``{"standing": kind, "text": text}`` (best / tied / ranked).
"""

from __future__ import annotations

import base64
import math
from importlib import resources

import jinja2
import numpy as np
import pandas as pd

from sim import analysis as an

from .distribution import distribution_context
from .inputs import Inputs
from .robustness import robustness_context
from .text import cost_sentence, headline, policy_text

#: The report's sections, in order: each is ``templates/_<name>.html.j2``.
SECTIONS = (
    "decision",
    "findings",
    "arms",
    "effects",
    "robustness",
    "distribution",
    "cost",
    "figures",
    "sensitivity",
    "method",
    "caveats",
)

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("sim.report", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
)


def _asset(name: str) -> str:
    return resources.files("sim.report").joinpath(f"templates/{name}").read_text("utf-8")


def _num(text, sort: float | None = None) -> dict:
    sort = sort if sort is not None and np.isfinite(sort) else None
    return {"num": str(text), "sort": sort}


def _arm(inp: Inputs, arm: str, role: str = "") -> dict:
    return {"arm": arm, "label": inp.arm(arm), "role": role}


def _interval(inp: Inputs, o: an.Outcome, low: float, high: float) -> str:
    if not (np.isfinite(low) and np.isfinite(high)):
        return inp.t("na")
    low_text, high_text = an.fmt_number(o, low, inp.lang), an.fmt_number(o, high, inp.lang)
    return inp.t("interval", low=low_text, high=high_text)


def _share(inp: Inputs, x: float) -> str:
    return an.percent(x, inp.lang, 0)


def _per_unit(inp: Inputs, o: an.Outcome) -> str:
    if o.kind == "share":
        return inp.t("per_pp")
    if o.kind == "idr":
        return inp.t("per_k")
    if o.kind == "index":
        return inp.t("per_unit", unit=an.decimal(0.01, 2, inp.lang))
    return inp.t("per_unit", unit=an.unit_label(o.unit, inp.lang) if o.unit else "1")


def _standing(inp: Inputs, r) -> dict:
    if r.best:
        return {"standing": "best", "text": inp.t("best")}
    if r.tied:
        return {"standing": "tied", "text": inp.t("tied")}
    if pd.isna(r.rank):
        return {"standing": "none", "text": inp.t("no_direction")}
    return {"standing": "ranked", "text": inp.t("below", rank=int(r.rank))}


def decision_table(inp: Inputs) -> dict:
    """Every outcome asked about × every arm: the first screen."""
    reference = inp.arm(inp.arms[0])
    rows = []
    for r in inp.decision.itertuples():
        o = inp.outcome(r.outcome)
        label = inp.label(r.outcome)
        if r.reference:
            effect, ci, holm = "", "", ""
        else:
            effect = _num(an.fmt_diff(o, r.diff, short=True, lang=inp.lang), r.diff)
            ci = _num(_interval(inp, o, r.ci_low, r.ci_high))
            p = an.significant(r.p_holm, 2, inp.lang) if np.isfinite(r.p_holm) else ""
            holm = {"holm": bool(r.significant_holm), "p": p, "sort": r.p_holm,
                    "text": inp.t("holm_yes" if r.significant_holm else "holm_no")}  # fmt: skip
        if math.isfinite(r.cost_per_unit_idr):
            cost_text = f"{an.rupiah(r.cost_per_unit_idr, inp.lang)} {_per_unit(inp, o)}"
        elif not r.extra_spend_idr > 0:
            cost_text = inp.t("no_extra") if not r.reference else ""
        else:
            cost_text = inp.t("no_gain")
        cells = [
            label,
            _arm(inp, r.arm),
            _num(an.fmt_value(o, r.mean, inp.lang), r.mean),
            effect,
            ci,
            holm,
            _standing(inp, r),
            _num(an.rupiah(r.spend_idr, inp.lang), r.spend_idr),
            _num(cost_text, r.cost_per_unit_idr),
        ]
        kind = "best" if r.best else "tied" if r.tied else ""
        if rows and rows[-1]["outcome"] == r.outcome:
            kind += " repeat"  # the outcome's label is shown once per group until sorted
        rows.append({"arm": r.arm, "outcome": r.outcome, "kind": kind, "cells": cells})
    header = [inp.t(k) for k in ("d_outcome", "d_arm", "d_value")]
    header += [inp.t("d_effect", reference=reference), inp.t("d_ci"), inp.t("d_holm")]
    header += [inp.t(k) for k in ("d_standing", "d_spend", "d_cost")]
    n = int(inp.decision["p_value"].notna().sum()) if len(inp.decision) else 0
    note = inp.t("decision_note", n=n, reference=reference)
    return {"id": "decision", "header": header, "rows": rows, "note": note}


def arms_table(inp: Inputs) -> dict:
    specs = {a.get("name"): a for a in inp.experiment.get("arms") or [] if isinstance(a, dict)}
    done = an.finished(inp.runs).groupby("arm").size()
    total = inp.runs.groupby("arm").size()
    planned = inp.experiment.get("replications")
    listed = inp.experiment.get("arms") or []
    if isinstance(inp.experiment.get("runs"), int) and listed:  # every design point counts
        planned = inp.experiment["runs"] // len(listed)
    rows = []
    for arm in an.arm_order(inp.experiment, inp.runs):
        spec = specs.get(arm, {})
        changes = [("code", f"{k} = {v}") for k, v in (spec.get("set") or {}).items()]
        changes += [
            ("code", policy_text(p, inp.lang))
            for p in spec.get("policies") or []
            if isinstance(p, dict)
        ]
        role = inp.t("reference_role") if arm == inp.arms[0] else ""
        finished, runs = int(done.get(arm, 0)), planned or int(total.get(arm, 0))
        cells = [
            _arm(inp, arm, role),
            an.pick(spec.get("description", ""), inp.lang),
            {"changes": changes},
            _num(f"{finished} / {runs}", finished),
        ]
        rows.append({"arm": arm, "cells": cells})
    header = [inp.t(k) for k in ("a_arm", "a_description", "a_changes", "a_runs")]
    return {"id": "arms", "header": header, "rows": rows}


def effects_table(inp: Inputs) -> dict:
    rows = []
    names = dict.fromkeys([*inp.outcomes, *(o.name for o in an.main_outcomes(inp.catalogue))])
    for name in names:
        o = inp.outcome(name)
        for e in inp.effects[inp.effects["outcome"] == name].itertuples():
            cells = [
                inp.label(name),
                _arm(inp, e.arm),
                _num(an.fmt_value(o, e.reference_mean, inp.lang), e.reference_mean),
                _num(an.fmt_value(o, e.arm_mean, inp.lang), e.arm_mean),
                _num(an.fmt_diff(o, e.diff, short=True, lang=inp.lang), e.diff),
                _num(_interval(inp, o, e.ci_low, e.ci_high), e.ci_low),
                _num(_interval(inp, o, e.unpaired_low, e.unpaired_high), e.unpaired_low),
                _num(_share(inp, e.share_better), e.share_better),
                _num(e.n_pairs, e.n_pairs),
            ]
            rows.append({"arm": e.arm, "outcome": name, "cells": cells})
    header = [inp.t("e_outcome"), inp.t("e_arm"), inp.arm(inp.arms[0]), inp.t("e_arm_value")]
    header += [inp.t(k) for k in ("e_diff", "e_ci_paired", "e_ci_unpaired", "e_better")]
    return {"id": "effects", "header": [*header, inp.t("e_pairs")], "rows": rows}


def cost_context(inp: Inputs) -> dict | None:
    """The cost-effectiveness table and the sentences on its first measure (None: no spend)."""
    if inp.ce.empty:
        return None
    lang, rows = inp.lang, []
    for c in inp.ce.itertuples():
        value = an.significant(c.value, lang=lang) if np.isfinite(c.value) else inp.t("no_extra")
        ci = ""
        if np.isfinite(c.ci_low):
            low, high = an.significant(c.ci_low, lang=lang), an.significant(c.ci_high, lang=lang)
            ci = inp.t("interval", low=low, high=high)
        cells = [an.cost_measure_label(c.outcome, c.measure, lang), _arm(inp, c.arm),
                 _num(an.rupiah(c.extra_spend_idr, lang), c.extra_spend_idr),
                 _num(value, c.value), _num(ci, c.ci_low), an.unit_label(c.unit, lang)]  # fmt: skip
        rows.append({"arm": c.arm, "cells": cells})
    header = [inp.t(k) for k in ("c_measure", "c_arm", "c_extra", "c_per_bn", "c_ci", "c_unit")]
    first = inp.ce[inp.ce["measure"] == inp.ce["measure"].iloc[0]]
    reference = inp.arm(inp.arms[0])
    sentences = [cost_sentence(c, reference, lang, inp.arm(c.arm)) for c in first.itertuples()]
    table = {"id": "ce", "header": header, "rows": rows}
    measure = an.cost_measure_label(first["outcome"].iloc[0], first["measure"].iloc[0], lang)
    return {"measure": measure, "sentences": sentences, "table": table}


def sensitivity_table(inp: Inputs) -> dict | None:
    if inp.sensitivity is None:
        return None
    rows = [
        {
            "arm": None,
            "cells": [str(r[0]), *[_num(an.significant(v, lang=inp.lang), v) for v in r[1:]]],
        }  # fmt: skip
        for r in inp.sensitivity.itertuples(index=False)
    ]
    return {"id": "sensitivity", "header": list(inp.sensitivity.columns), "rows": rows}


def method_context(inp: Inputs) -> dict:
    exp, runs = inp.experiment, inp.runs
    done = an.finished(runs)
    example = done.sort_values(["replication"]).iloc[0]
    seeds = done.groupby("replication")["seed"].first() if "seed" in done else pd.Series()
    seed_text = ", ".join(f"r{r}: {s}" for r, s in seeds.head(5).items())
    values = {
        "finished": len(done),
        "failed": len(runs) - len(done),
        "replications": exp.get("replications", inp.t("na")),
        "seed": exp.get("seed", inp.t("na")),
        "seeds": seed_text + (", ..." if len(seeds) > 5 else ""),
    }
    scenario = exp.get("scenario", "SCENARIO")
    return {
        "runs": inp.t("m_runs", **values),
        "command": f"msme-sim run {scenario} --seed {example.get('seed', 'N')}",
        "rerun": inp.t("m_rerun", replication=example["replication"]),
    }


def outcomes_text(inp: Inputs) -> str:
    """``Survival (main outcome), Digital adoption, ...``: the outcomes asked about."""
    names = [inp.label(o) for o in inp.outcomes]
    if len(names) > 1:
        names[0] += f" ({inp.t('main_outcome')})"
    return ", ".join(names)


def render(inp: Inputs) -> str:
    """The report as one HTML string."""
    exp = inp.experiment
    versions = inp.runs["version"].dropna().astype(str) if "version" in inp.runs else []
    version = ", ".join(sorted(set(versions)))
    title = exp.get("name", inp.directory.name)
    intro = {
        "scenario": exp.get("scenario", inp.t("na")),
        "replications": exp.get("replications", inp.t("na")),
        "seed": exp.get("seed", inp.t("na")),
        "outcomes": outcomes_text(inp),
    }
    context = {
        "lang": inp.lang,
        "t": inp.t,
        "sections": SECTIONS,
        "css": _asset("report.css"),
        "script": _asset("report.js"),
        "title": title,
        "page_title": inp.t("page_title", title=title),
        "version": inp.t("version", version=version) if version else "",
        "question": an.pick(exp.get("description"), inp.lang) or inp.t("no_question"),
        "headline": headline(inp),
        "notes": inp.notes,
        "colors": inp.colors,
        "labels": inp.labels,
        "arms_intro": inp.t("arms_intro", **intro),
        "asked": inp.t("asked", outcomes=outcomes_text(inp)),
        "decision": decision_table(inp),
        "arms_table": arms_table(inp),
        "effects_table": effects_table(inp),
        "cost": cost_context(inp),
        "figures": [
            (alt, caption, base64.b64encode(png).decode()) for alt, caption, png in inp.figures
        ],
        "sensitivity": sensitivity_table(inp),
        "robustness": robustness_context(inp),
        "distribution": distribution_context(inp),
        "method": method_context(inp),
        "caveats": inp.t("caveats").split("\n"),
    }
    return _ENV.get_template("report.html.j2").render(context)
