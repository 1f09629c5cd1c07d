"""The report's plain-language sentences on effects and costs."""

from __future__ import annotations

import numpy as np

from sim import analysis as an

from .inputs import Inputs


def lower_first(text: str) -> str:
    """``Survival of initial firms`` -> ``survival of initial firms`` (``Gini ...`` is kept)."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def effect_sentence(e, reference: str, o: an.Outcome) -> str:
    """``Arm X raised survival of initial firms by 2.1 percentage points (95% CI 1.2 to 3.0)
    over baseline, better in 87% of replications.`` for the effect row ``e`` of outcome ``o``."""
    noun = lower_first(o.label)
    if not np.isfinite(e.diff):
        return f"{e.arm}: no replication could be paired with {reference}."
    if e.significant:
        verb, sign = ("raised", 1) if e.diff > 0 else ("lowered", -1)
        low, high = sorted((sign * e.ci_low, sign * e.ci_high))
        text = f"{e.arm} {verb} {noun} by {an.fmt_diff(o, abs(e.diff))}"
    else:
        low, high = e.ci_low, e.ci_high
        text = f"{e.arm} changed {noun} by {an.fmt_diff(o, e.diff)}"
    if np.isfinite(low):
        text += f" (95% CI {an.fmt_number(o, low)} to {an.fmt_number(o, high)})"
    text += f" relative to {reference}"
    if np.isfinite(e.share_better):
        text += f", better in {e.share_better:.0%} of replications"
    text += "."
    if not e.significant and np.isfinite(low):
        text += " The interval includes zero, so this difference could be chance."
    return text


def cost_sentence(c, reference: str) -> str:
    """One sentence on an arm's cost-effectiveness for one measure."""
    if not np.isfinite(c.value) and getattr(c, "note", "").startswith("spent only"):
        return f"{c.arm} {c.note}."
    if not np.isfinite(c.value):
        return f"{c.arm} spent nothing beyond {reference}, so it has no cost per unit gained."
    text = (
        f"{c.arm} spent {an.rupiah(c.extra_spend_idr)} more than {reference}: "
        f"{c.value:,.2f} {c.unit} per Rp 1 bn"
    )
    if np.isfinite(c.ci_low):
        text += f" (95% CI {c.ci_low:,.2f} to {c.ci_high:,.2f})"
    return text + "."


def headline(inp: Inputs) -> list[str]:
    """Plain-language sentences on the main outcome, best arm first."""
    if len(inp.arms) < 2:
        return [f"Only one arm ({inp.arms[0]}) finished, so there is nothing to compare."]
    main = inp.effects[inp.effects["outcome"] == inp.main]
    order = {arm: i for i, arm in enumerate(inp.ranking["arm"])}
    rows = sorted(main.itertuples(), key=lambda e: order.get(e.arm, len(order)))
    return [effect_sentence(e, inp.arms[0], inp.outcome(inp.main)) for e in rows]


def policy_text(policy: dict) -> str:
    """``digital_training (budget_idr Rp 2.00 bn, start 12)``."""
    name = policy.get("use", "policy")
    parts = []
    for key, value in policy.items():
        if key == "use":
            continue
        numeric = key.endswith("_idr") and isinstance(value, int | float)
        shown = an.rupiah(float(value)) if numeric else value
        parts.append(f"{key} {shown}")
    return f"{name} ({', '.join(parts)})" if parts else str(name)
