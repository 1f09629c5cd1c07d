"""Bulk purchasing: firms pool input orders in their group to get a supplier's volume price.

Assumption (Sidoarjo study, seeds/001: small groups pool capital to buy raw materials in bulk at
a lower price, raising margins without raising sale prices; COVID study, seeds/000: a shared
supply chain). Each community or cooperative group runs one pool; a firm pools through its first
group only. A firm commits this month when it trusts enough (trust ≥ ``min_trust``) and can pay
its month of inputs up front: commitment = planned units × its unit cost, planned units =
min(last month's demand / price, capacity); a firm with less cash than that cannot join.

The supplier prices the pooled order Q (Rp at members' own prices) on an all-units schedule:
``discount_per_tier`` for each doubling of Q above ``tier_idr``, at most ``max_discount``, so the
unit price never rises as a pool grows. The pool pays schedule price × Q plus a coordination cost
``coordination_idr`` (× the governance coordination factor,
``model.shared.coordination_factor``: 1 until a governance rule sets it; regency-wide groups
use the villages' mean). Members buy this month's
inputs at the pool's unit price and share the coordination cost in proportion to their orders;
a ``collaboration_subsidy`` policy (``model.shared.collaboration_subsidy``) pays its share of it.
Savings are split by ``split``: ``proportional`` (each keeps the discount on its own order) or
``equal`` (a zero-sum transfer among members so that each saves the same).

A committed member defaults with probability ``default_rate`` (a shortfall after committing): it
buys at its own price, the pool resells its share of the order at a loss of ``default_penalty``,
which the paying members cover in proportion to their orders, and every member of a pool with a
default this month loses ``trust_loss`` of trust (once, however many defaulted: what members
learn is that the pool can fail). A pool whose members all default cancels its order.
Joining is a decision (``choose_members`` in ``sim.rules.common``): a member's net gain in a
month it pays is measured from its own accounts — the discount on its order minus its charge
(coordination share after any subsidy, default losses, equal-split transfer) — and folded into
its expected gain ``pool_expected_gain_idr`` with weight ``memory``; after ``patience`` months
in a row of negative expected gain it leaves. A firm outside joins when last month's paying
members of its group expected, on average, a positive gain, or with chance ``explore_rate``.
A new firm starts willing to try (``pool_member``). Defaulters pay nothing and learn nothing
(free-riding stays possible).
Money: members' extra costs (coordination, default losses, equal-split transfers) go through
``extra_cost``; the discount through this month's ``unit_cost``.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from sim.outcomes import HIGHER, LOWER
from sim.params import ASSUMPTION
from sim.passes import pool_orders_pass
from sim.rules import Column, SharedField, mechanism, rule_table, variant
from sim.rules.common import (
    choose_members,
    first_group,
    learn_gain,
    mean_where,
    subsidised_share,
)

SIDOARJO = "Sidoarjo study (seeds/001): bulk pooling of raw materials"
SPLITS = ("proportional", "equal")

M = mechanism(
    "bulk_purchasing",
    after="partnering",
    columns=(
        Column(
            "pooling",
            "bool",
            False,
            "-",
            "buys inputs through a group pool this month",
            on_close=False,
        ),
        Column("pool_order_idr", "float64", 0.0, "Rp", "input order committed to the pool", 0),
        Column(
            "pool_charge_idr",
            "float64",
            0.0,
            "Rp",
            "pool costs charged this month (coordination, default losses, equal-split transfer)",
        ),
        Column(
            "pool_member",
            "bool",
            True,
            "-",
            "means to buy through its group's pool (a new firm is willing to try)",
            on_close=False,
        ),
        Column(
            "pool_expected_gain_idr",
            "float64",
            0.0,
            "Rp/month",
            "expected net gain from pooling (weighted mean of its own months in the pool)",
        ),
        Column(
            "pool_losing_months",
            "int16",
            0,
            "months",
            "months in a row its expected gain from pooling was negative",
            0,
        ),
    ),
    shared=(
        SharedField("pool_savings_idr", 0.0, "Rp/month", "input cost saved by pool discounts"),
        SharedField("pool_defaults", 0, "firms", "members who failed to pay this month"),
        SharedField("pools", None, "-", "this month's pools (orders, discounts, costs)"),
    ),
)


P = rule_table(
    "bulk_purchasing",
    (
        "tier_idr",
        2.0e7,
        "Rp/month",
        ASSUMPTION,
        "pooled order that earns the first discount",
        {"gt": 0.0},
    ),
    (
        "discount_per_tier",
        0.04,
        "share",
        SIDOARJO + "; −4% per tier (DOMAIN brief)",
        "discount per doubling of the pooled order",
        {"ge": 0.0, "le": 0.5},
    ),
    ("max_discount", 0.2, "share", ASSUMPTION, "largest volume discount", {"ge": 0.0, "le": 0.9}),
    (
        "coordination_idr",
        3.0e5,
        "Rp/month per pool",
        ASSUMPTION,
        "cost of organising a pool (meetings, transport)",
        {"ge": 0.0},
    ),
    ("min_trust", 0.4, "0-1", SIDOARJO, "trust a firm needs to join", {"ge": 0.0, "le": 1.0}),
    (
        "default_rate",
        0.02,
        "1/month",
        ASSUMPTION,
        "chance a member fails to pay",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "default_penalty",
        0.1,
        "share of order",
        ASSUMPTION,
        "pool's loss on a defaulted order",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "trust_loss",
        0.05,
        "0-1",
        ASSUMPTION,
        "members' trust lost in a month their pool has a default",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "memory",
        0.3,
        "share",
        ASSUMPTION,
        "weight of this month's net gain in a member's expected gain",
        {"gt": 0.0, "le": 1.0},
    ),
    (
        "patience",
        3,
        "months",
        ASSUMPTION,
        "months of negative expected gain after which a member leaves",
        {"ge": 1},
    ),
    (
        "explore_rate",
        0.02,
        "1/month",
        ASSUMPTION,
        "chance a firm outside the pool tries it without peers' evidence",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "split",
        "proportional",
        "-",
        SIDOARJO,
        "how savings are shared: proportional or equal",
        {"choices": SPLITS},
    ),
)


def schedule_discount(
    quantity, tier_idr: float, discount_per_tier: float, max_discount: float
) -> np.ndarray:
    """All-units discount for a pooled order of ``quantity`` (Rp at list price): non-decreasing."""
    q = np.asarray(quantity, dtype=float)
    tiers = np.floor(np.log2(np.maximum(q, 1e-300) / tier_idr)) + 1
    return np.clip(np.where(q >= tier_idr, tiers, 0) * discount_per_tier, 0, max_discount)


def settle(
    group: np.ndarray,
    commit: np.ndarray,
    paying: np.ndarray,
    n_groups: int,
    discount_args: tuple,
    coordination: np.ndarray,
    default_penalty: float,
    split: str,
) -> SimpleNamespace:
    """Price every pool and split its costs among its paying members.

    ``group``, ``commit`` (Rp at own prices) and ``paying`` (False for defaulters) describe the
    committed members. Per member: ``discount`` (0 for defaulters), ``coordination``, ``loss``
    and ``transfer`` (Rp this month). Per pool: ``order`` Q, ``pool_discount``,
    ``pool_coordination``, ``pool_loss``, ``payers``. For every pool,
    Σ paying (commit × (1 − discount) + coordination + loss + transfer) + resale of defaulted
    orders = schedule price × Q + coordination cost (none when every member defaulted).
    """
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r} (allowed: {', '.join(SPLITS)})")
    paid_commit = commit * paying
    order = np.bincount(group, weights=commit, minlength=n_groups)
    paid_order = np.bincount(group, weights=paid_commit, minlength=n_groups)
    payers = np.bincount(group, weights=paying, minlength=n_groups)
    discount = schedule_discount(order, *discount_args)
    active = payers > 0
    pool_coordination = np.where(active, coordination, 0.0)
    pool_loss = np.where(active, default_penalty * (1 - discount) * (order - paid_order), 0.0)
    weight = paid_commit / np.maximum(paid_order[group], 1e-12)
    transfer = np.zeros_like(commit)
    if split == "equal":
        mean_saving = discount * paid_order / np.maximum(payers, 1)
        transfer = paying * (discount[group] * commit - mean_saving[group])
    return SimpleNamespace(
        discount=discount[group] * paying,
        coordination=pool_coordination[group] * weight,
        loss=pool_loss[group] * weight,
        transfer=transfer,
        order=order,
        pool_discount=discount,
        pool_coordination=pool_coordination,
        pool_loss=pool_loss,
        payers=payers,
    )


def pool_accounts(
    group: np.ndarray,
    commit: np.ndarray,
    n_groups: int,
    discount_args: tuple,
    coordination: np.ndarray,
    split: str,
):
    """``settle`` without defaults: (member discount, coordination share, transfer, Q, pool
    discount, pool coordination)."""
    out = settle(
        group, commit, np.ones(len(group), bool), n_groups, discount_args, coordination, 0.0, split
    )
    return (
        out.discount,
        out.coordination,
        out.transfer,
        out.order,
        out.pool_discount,
        out.pool_coordination,
    )


def pool_coordination_cost(model, coordination_idr: float) -> np.ndarray:
    """Coordination cost of each group's pool: × the governance factor of the group's village
    (the villages' mean for regency-wide groups; 1 without a governance rule)."""
    factor = model.shared.coordination_factor
    village = model.net.group_village
    if factor is None:
        return np.full(len(village), float(coordination_idr))
    factor = np.asarray(factor, dtype=float)
    per_group = np.where(village >= 0, factor[np.maximum(village, 0)], factor.mean())
    return coordination_idr * per_group


def planned_order(state) -> np.ndarray:
    """This month's committed input order, Rp: min(last month's demand / price, capacity) units
    at the firm's current unit cost."""
    units = np.minimum((state.customers + state.online_demand) / state.price, state.capacity)
    return np.maximum(units, 0.0) * state.unit_cost * state.alive


@variant("bulk_purchasing", "group_pool", default=True)
def group_pool(
    model,
    rng,
    *,
    tier_idr=P.tier_idr,
    discount_per_tier=P.discount_per_tier,
    max_discount=P.max_discount,
    coordination_idr=P.coordination_idr,
    min_trust=P.min_trust,
    default_rate=P.default_rate,
    default_penalty=P.default_penalty,
    trust_loss=P.trust_loss,
    memory=P.memory,
    patience=P.patience,
    explore_rate=P.explore_rate,
    split=P.split,
):
    """Decide who pools, form this month's pools, price them on the schedule, share costs and
    savings, and let members learn what pooling gained them."""
    s, n_groups = model.state, model.net.n_groups
    draws, explore = rng.random((2, s.n))
    group = first_group(model.net.groups)  # the pooling group (-1 for none)
    member = choose_members(
        s, "pool", s.pooling, group, n_groups, explore, explore_rate, patience, memory
    )
    # planned_order and the joining conditions in one compiled pass (same operations)
    rows, committed = pool_orders_pass(
        (s.customers, s.online_demand, s.price, s.capacity, s.unit_cost, s.alive, member)
        + (s.trust, s.cash),
        group,
        min_trust,
    )
    paying = draws[rows] >= default_rate
    g = group[rows]
    out = settle(
        g,
        committed,
        paying,
        n_groups,
        (tier_idr, discount_per_tier, max_discount),
        pool_coordination_cost(model, coordination_idr),
        default_penalty,
        split,
    )
    coordination = out.coordination * (
        1 - subsidised_share(model, out.pool_coordination.sum(), int(paying.sum()))
    )
    charge = coordination + out.loss + out.transfer

    s.pooling = False
    s.pooling[rows] = paying
    s.pool_order_idr = 0.0
    s.pool_order_idr[rows] = committed
    s.pool_charge_idr = 0.0
    s.pool_charge_idr[rows] = charge
    s.unit_cost[rows] *= 1 - out.discount
    s.extra_cost[rows] += charge
    gain = (out.discount * committed - charge)[paying]
    learn_gain(s, "pool", rows[paying], gain, memory)
    defaults = np.bincount(g, weights=~paying, minlength=n_groups)
    s.trust[rows] = np.clip(s.trust[rows] - trust_loss * (defaults[g] > 0), 0.0, 1.0)

    model.shared.pool_savings_idr = float((out.discount * committed).sum())
    model.shared.pool_defaults = int((~paying).sum())
    model.shared.pools = out


@M.outcome(
    "pooling_participation",
    label="Bulk-pool participation",
    unit="%",
    kind="share",
    better=HIGHER,
    aggregation="share of living firms",
)
def pooling_participation(m):
    """Share of living firms buying through a group pool."""
    return mean_where(m.state.pooling, m.state.alive)


@M.outcome(
    "pool_expected_gain_idr",
    label="Pool members' expected gain",
    unit="Rp/month",
    kind="idr",
    better=HIGHER,
    aggregation="mean over firms that paid into a pool this month",
)
def pool_expected_gain(m):
    """Mean expected monthly net gain from pooling of this month's paying members, Rp."""
    s = m.state
    return mean_where(s.pool_expected_gain_idr, s.pooling & s.alive)


@M.outcome(
    "pool_savings_idr",
    label="Pool savings (month)",
    unit="Rp/month",
    kind="idr",
    better=HIGHER,
    aggregation="sum over this month's committed orders",
)
def pool_savings(m):
    """Input cost saved by pool discounts this month (committed orders), Rp."""
    return float(m.shared.pool_savings_idr)


@M.outcome(
    "pool_defaults",
    label="Pool defaults (month)",
    unit="firms",
    kind="count",
    better=LOWER,
    aggregation="members who failed to pay this month",
)
def pool_defaults(m):
    """Pool members who failed to pay their committed order this month."""
    return float(m.shared.pool_defaults)
