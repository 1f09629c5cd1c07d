"""Co-creation: digital firms involve customers in design; loyalty and word of mouth rise,
bounded by production capacity.

Assumption (co-creation study, seeds/003): co-creation needs a digital channel and digital skill
(a digital firm starts co-creating with monthly probability ``adopt_rate`` × literacy); it raises
customer loyalty by ``loyalty_gain`` × (1 − e^(−intensity)) of the gap to 1 — more involvement
helps, with diminishing returns — and brings word-of-mouth orders of ``intensity`` ×
``word_of_mouth`` × loyalty × customer base next month. Small firms cannot make everything
customers ask for: when this month's demand exceeded capacity, the unmet share u costs
``unmet_penalty`` × intensity × u of loyalty (the more customers were involved, the more are
disappointed). So returns diminish, then turn negative, as co-created demand outgrows capacity.
Loyal customers churn less (market rule).
"""

from __future__ import annotations

import numpy as np

from sim.params import ASSUMPTION
from sim.rules import rule_table, variant

COCREATION = "co-creation study (seeds/003)"

P = rule_table(
    "co_creation",
    (
        "adopt_rate",
        0.05,
        "1/month",
        COCREATION + ": needs digital channels and literacy",
        "chance a digital firm starts co-creating, × literacy",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "intensity",
        1.0,
        "-",
        ASSUMPTION,
        "how much customers are involved (scales gains and orders)",
        {"ge": 0.0},
    ),
    (
        "loyalty_gain",
        0.05,
        "share of gap",
        COCREATION + ": loyalty rises",
        "monthly loyalty gain at intensity 1",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "word_of_mouth",
        0.05,
        "share of customers",
        COCREATION + ": word of mouth",
        "monthly word-of-mouth orders at intensity 1 and full loyalty",
        {"ge": 0.0},
    ),
    (
        "unmet_penalty",
        0.5,
        "loyalty per unmet share",
        COCREATION + ": bounded by capacity",
        "loyalty lost when demand outruns capacity",
        {"ge": 0.0},
    ),
)


@variant("co_creation", "customer_involvement", default=True)
def customer_involvement(
    model,
    rng,
    *,
    adopt_rate=P.adopt_rate,
    intensity=P.intensity,
    loyalty_gain=P.loyalty_gain,
    word_of_mouth=P.word_of_mouth,
    unmet_penalty=P.unmet_penalty,
):
    """Adopt co-creation, update loyalty with the capacity bound, add word-of-mouth orders."""
    s = model.state
    draws = rng.random(s.n)
    digital = s.alive & (s.level >= 1)
    s.cocreating = digital & (s.cocreating | (draws < adopt_rate * s.literacy))
    unmet = np.divide(
        np.maximum(s.demand - s.revenue, 0.0), s.demand, out=np.zeros(s.n), where=s.demand > 0
    )
    c = s.cocreating
    gain = loyalty_gain * (1 - np.exp(-intensity)) * (1 - s.loyalty)
    gain = gain - unmet_penalty * intensity * unmet
    s.loyalty = np.clip(s.loyalty + np.where(c, gain, 0.0), 0, 1)
    s.extra_orders += np.where(c, intensity * word_of_mouth * s.loyalty * s.customers, 0.0)
