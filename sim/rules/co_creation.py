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

Co-creating is a decision: each month a co-creator measures its net gain from its own accounts
(``cocreation_gain``: margin on the co-created orders it served less margin on those it could
not serve) and folds it into its expected gain with weight ``memory``; after ``patience``
months of negative expected gain it stops and is no longer willing. An unwilling firm becomes
willing again when its village's co-creators expected, on average, a gain (peers), or with
chance ``explore_rate``; a willing digital firm starts as above.
"""

from __future__ import annotations

import numpy as np

from sim.outcomes import HIGHER, NEITHER
from sim.params import ASSUMPTION
from sim.passes import cocreation_pass
from sim.rules import Column, mechanism, rule_table, variant
from sim.rules.common import choose_members, learn_gain, mean_where

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
        Column(
            "cocreation_member",
            "bool",
            True,
            "-",
            "willing to co-create (a new firm is willing to try)",
            on_close=False,
        ),
        Column(
            "cocreation_expected_gain_idr",
            "float64",
            0.0,
            "Rp/month",
            "expected net gain from co-creation (weighted mean of its own months)",
        ),
        Column(
            "cocreation_losing_months",
            "int16",
            0,
            "months",
            "months in a row its expected gain from co-creation was negative",
            0,
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
        "memory",
        0.3,
        "share",
        ASSUMPTION,
        "weight of this month's net gain in a co-creator's expected gain",
        {"gt": 0.0, "le": 1.0},
    ),
    (
        "patience",
        3,
        "months",
        ASSUMPTION,
        "months of negative expected gain after which a firm stops co-creating",
        {"ge": 1},
    ),
    (
        "explore_rate",
        0.02,
        "1/month",
        ASSUMPTION,
        "chance an unwilling firm becomes willing again without peers' evidence",
        {"ge": 0.0, "le": 1.0},
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
    memory=P.memory,
    patience=P.patience,
    explore_rate=P.explore_rate,
    fill_utilisation=P.fill_utilisation,
) -> None:
    """Learning and the decision, adoption, loyalty and word of mouth. ``customer_involvement``
    takes every co-created order, whatever the capacity; ``capacity_aware`` caps them at
    ``fill_utilisation`` of capacity less this month's demand."""
    s = model.state
    draws, explore = rng.random((2, s.n))
    last = s.cocreating & s.alive
    rows = np.flatnonzero(last)
    learn_gain(s, "cocreation", rows, cocreation_gain(s, rows), memory)
    member = choose_members(
        s,
        "cocreation",
        last,
        s.village,
        model.villages.count,
        explore,
        explore_rate,
        patience,
        memory,
    )
    # Adoption, loyalty, word of mouth: one compiled pass with the column formulas'
    # operations (sim.passes.cocreation_pass); a negative fill means no cap.
    cocreation_pass(
        (s.alive, s.level, member, draws, s.literacy, s.demand, s.revenue, s.customers)
        + (s.capacity, s.price),
        (s.cocreating, s.loyalty, s.cocreation_orders_idr, s.extra_orders),
        (adopt_rate, loyalty_gain, float(1 - np.exp(-intensity)), unmet_penalty, intensity)
        + (word_of_mouth,),
        -1.0 if fill_utilisation is None else fill_utilisation,
    )


def cocreation_gain(s, rows=slice(None)) -> np.ndarray:
    """A co-creator's net gain this month, Rp, from its own accounts: the gross margin
    (1 − unit cost / price) on the co-created orders it served (last month's orders × the served
    share of this month's demand) less the margin on the co-created orders it could not serve
    (unmet demand, at most those orders: they disappointed the customers involved). For the
    firms ``rows`` (default: all)."""
    revenue, demand = s.revenue[rows], s.demand[rows]
    served = np.divide(revenue, demand, out=np.ones(len(demand)), where=demand > 0)
    unmet = np.maximum(demand - revenue, 0.0)
    margin = np.clip(1 - s.unit_cost[rows] / s.price[rows], 0.0, 1.0)
    orders = s.cocreation_orders_idr[rows]
    return margin * (orders * served - np.minimum(unmet, orders))


@M.outcome(
    "cocreation_expected_gain_idr",
    label="Co-creators' expected gain",
    unit="Rp/month",
    kind="idr",
    better=HIGHER,
    aggregation="mean over co-creating firms",
)
def cocreation_expected_gain(m):
    """Mean expected monthly net gain from co-creation of this month's co-creators, Rp."""
    s = m.state
    return mean_where(s.cocreation_expected_gain_idr, s.cocreating & s.alive)


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
