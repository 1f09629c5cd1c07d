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

Variants: ``customer_involvement`` takes every co-created order whatever the order book;
``capacity_aware`` involves customers just the same but takes word-of-mouth orders only up to
``fill_utilisation`` of its capacity (what this month's demand left free), queueing the rest —
the study's informants balancing customers' wishes against production capacity. Co-created
orders are recorded in ``cocreation_orders_idr``.
"""

from __future__ import annotations

import numpy as np

from sim.outcomes import HIGHER, NEITHER
from sim.params import ASSUMPTION
from sim.rules import Column, mechanism, rule_table, variant
from sim.rules.common import mean_where

COCREATION = "co-creation study (seeds/003)"

M = mechanism(
    "co_creation",
    after="market",
    columns=(
        Column(
            "cocreating", "bool", False, "-", "involves customers in product design", on_close=False
        ),
        Column(
            "cocreation_orders_idr", "float64", 0.0, "Rp", "word-of-mouth orders (next sale)", 0
        ),
    ),
)


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
    (
        "fill_utilisation",
        0.95,
        "share of capacity",
        COCREATION + ": balancing customers' wishes with capacity; value assumption",
        "capacity_aware: co-created orders are taken up to this share of capacity",
        {"gt": 0.0},
    ),
)


@variant("co_creation", "customer_involvement", default=True, fixed={"fill_utilisation": None})
@variant("co_creation", "capacity_aware")
def involve_customers(
    model,
    rng,
    *,
    adopt_rate=P.adopt_rate,
    intensity=P.intensity,
    loyalty_gain=P.loyalty_gain,
    word_of_mouth=P.word_of_mouth,
    unmet_penalty=P.unmet_penalty,
    fill_utilisation=P.fill_utilisation,
) -> None:
    """Adoption, loyalty and word of mouth. ``customer_involvement`` takes every co-created
    order, whatever the capacity; ``capacity_aware`` caps them at ``fill_utilisation`` of
    capacity less this month's demand."""
    s = model.state
    draws = rng.random(s.n)
    digital = s.alive & (s.level >= 1)
    s.cocreating = digital & (s.cocreating | (draws < adopt_rate * s.literacy))
    unmet = np.divide(
        np.maximum(s.demand - s.revenue, 0.0), s.demand, out=np.zeros(s.n), where=s.demand > 0
    )
    c = s.cocreating
    gain = loyalty_gain * (1 - np.exp(-intensity)) * (1 - s.loyalty)
    loss = unmet_penalty * intensity * unmet
    s.loyalty = np.clip(s.loyalty + np.where(c, gain - loss, 0.0), 0.0, 1.0)
    orders = np.where(c, intensity * word_of_mouth * s.loyalty * s.customers, 0.0)
    if fill_utilisation is not None:
        room = np.maximum(fill_utilisation * s.capacity * s.price - s.demand, 0.0)
        orders = np.minimum(orders, room)
    s.cocreation_orders_idr = orders
    s.extra_orders += orders


@M.outcome(
    "cocreation_share",
    label="Co-creating firms",
    unit="%",
    kind="share",
    better=NEITHER,
    aggregation="share of living firms",
)
def cocreation_share(m):
    """Share of living firms co-creating with customers."""
    return mean_where(m.state.cocreating, m.state.alive)


@M.outcome(
    "mean_customer_loyalty",
    label="Mean customer loyalty",
    unit="0-1",
    kind="index",
    better=HIGHER,
    aggregation="mean over living firms",
)
def mean_customer_loyalty(m):
    """Mean customer loyalty of living firms (0-1)."""
    return mean_where(m.state.loyalty, m.state.alive)


@M.outcome(
    "cocreation_orders_idr",
    label="Co-creation orders (month)",
    unit="Rp/month",
    kind="idr",
    better=HIGHER,
    aggregation="sum over living firms",
)
def cocreation_orders(m):
    """Word-of-mouth orders brought by co-creation this month, Rp."""
    return float((m.state.cocreation_orders_idr * m.state.alive).sum())
