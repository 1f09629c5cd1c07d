"""The report's plain-language sentences on effects and costs, in the report's language."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim import analysis as an
from sim.analysis import lower_first, t

from .inputs import Inputs

__all__ = ["cost_sentence", "effect_sentence", "headline", "lower_first", "policy_text"]


def effect_sentence(e, reference: str, o: an.Outcome, lang: str = "en", arm: str = "") -> str:
    """``Arm X raised survival of initial firms by 2.1 percentage points (95% CI 1.2 to 3.0)
    relative to baseline, better in 87% of replications.`` for the effect row ``e`` of outcome
    ``o``; ``arm`` is the arm's shown name (default: ``e.arm``)."""
    arm = arm or e.arm
    noun = lower_first(an.outcome_label(o, lang))
    if not np.isfinite(e.diff):
        return t("not_paired", lang, arm=arm, reference=reference)
    if e.significant:
        key, sign = ("raised", 1) if e.diff > 0 else ("lowered", -1)
        low, high = sorted((sign * e.ci_low, sign * e.ci_high))
        diff = an.fmt_diff(o, abs(e.diff), lang=lang)
    else:
        key, low, high = "changed", e.ci_low, e.ci_high
        diff = an.fmt_diff(o, e.diff, lang=lang)
    text = t(key, lang, arm=arm, noun=noun, diff=diff)
    if np.isfinite(low):
        low_text, high_text = an.fmt_number(o, low, lang), an.fmt_number(o, high, lang)
        text += t("ci_part", lang, low=low_text, high=high_text)
    text += t("relative_to", lang, reference=reference)
    if np.isfinite(e.share_better):
        text += t("better_in", lang, share=an.percent(e.share_better, lang, 0))
    text += "."
    if not e.significant and np.isfinite(low):
        text += t("could_be_chance", lang)
    return text


def cost_sentence(c, reference: str, lang: str = "en", arm: str = "") -> str:
    """One sentence on an arm's cost-effectiveness for one measure."""
    arm = arm or c.arm
    if not np.isfinite(c.value) and getattr(c, "note", "").startswith("spent only"):
        return t("spent_only", lang, arm=arm, share=an.percent(c.spent_share, lang, 0))
    if not np.isfinite(c.value):
        return t("spent_nothing", lang, arm=arm, reference=reference)
    text = t(
        "spent_more",
        lang,
        arm=arm,
        spend=an.rupiah(c.extra_spend_idr, lang),
        reference=reference,
        value=an.significant(c.value, lang=lang),
        unit=an.unit_label(c.unit, lang),
    )
    if np.isfinite(c.ci_low):
        low, high = an.significant(c.ci_low, lang=lang), an.significant(c.ci_high, lang=lang)
        text += t("ci_part", lang, low=low, high=high)
    return text + "."


def headline(inp: Inputs) -> list[str]:
    """Plain-language sentences on every outcome asked about, best arm first within each."""
    if len(inp.arms) < 2:
        return [inp.t("only_one_arm", arm=inp.arm(inp.arms[0]))]
    sentences = []
    reference = inp.arm(inp.arms[0])
    for name in inp.outcomes:
        rows = inp.decision[(inp.decision["outcome"] == name) & ~inp.decision["reference"]]
        order = {r.arm: 0 if pd.isna(r.rank) else int(r.rank) for r in rows.itertuples()}
        effects = inp.effects[inp.effects["outcome"] == name]
        ranked = sorted(effects.itertuples(), key=lambda e: order.get(e.arm) or 0)
        sentences += [
            effect_sentence(e, reference, inp.outcome(name), inp.lang, inp.arm(e.arm))
            for e in ranked
        ]
    return sentences


def policy_text(policy: dict, lang: str = "en") -> str:
    """``digital_training (budget_idr Rp 2bn, start 12)``."""
    name = policy.get("use", "policy")
    parts = []
    for key, value in policy.items():
        if key == "use":
            continue
        numeric = key.endswith("_idr") and isinstance(value, int | float)
        shown = an.rupiah(float(value), lang) if numeric else value
        parts.append(f"{key} {shown}")
    return f"{name} ({', '.join(parts)})" if parts else str(name)
