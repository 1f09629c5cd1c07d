"""Bulk purchasing: firms pool input orders in their group to get a supplier's volume price.

Assumption (Sidoarjo study, seeds/001: pooling capital to buy raw materials in bulk at a lower
price raises margins without raising sale prices; COVID study, seeds/000: shared supply chain).
Each group (community or cooperative group, a firm's first group) runs a pool. A firm joins this
month when it trusts enough (trust ≥ ``min_trust``) and can commit its month of inputs in cash up
front (commitment = last month's units × list unit cost). The supplier's all-units schedule: the
pooled order Q earns a discount of ``discount_per_tier`` for each doubling of Q above ``tier_idr``,
up to ``max_discount`` — never less as Q grows. The pool pays schedule price × Q plus a
coordination cost ``coordination_idr`` (scaled by the cluster's governance factor), shared by
members in proportion to their orders. Savings are split by ``split``: ``proportional`` (each
gets the pool's discount on its own order) or ``equal`` (the pool's total saving shared equally;
a zero-sum transfer among members on top of the proportional split). A member defaults with
probability ``default_rate``: it gets no discount, the pool loses ``default_penalty`` of its order
(paid by the other members) and members' trust falls by ``trust_loss``.
"""

from __future__ import annotations

import numpy as np

from sim.params import ASSUMPTION
from sim.rules import rule_table, variant

SIDOARJO = "Sidoarjo study (seeds/001): bulk pooling of raw materials"

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
        "members' trust lost per default in their pool",
        {"ge": 0.0, "le": 1.0},
    ),
    ("split", "proportional", "-", SIDOARJO, "how savings are shared: proportional or equal"),
)


def schedule_discount(
    quantity, tier_idr: float, discount_per_tier: float, max_discount: float
) -> np.ndarray:
    """All-units discount for a pooled order of ``quantity`` (Rp at list price): non-decreasing."""
    q = np.asarray(quantity, dtype=float)
    tiers = np.floor(np.log2(np.maximum(q, 1e-300) / tier_idr)) + 1
    return np.clip(np.where(q >= tier_idr, tiers, 0) * discount_per_tier, 0, max_discount)


def pool_accounts(
    group: np.ndarray,
    commit: np.ndarray,
    n_groups: int,
    discount_args: tuple,
    coordination: np.ndarray,
    split: str,
):
    """Per member: discount share of its order, coordination share, equal-split transfer.

    ``coordination`` is the coordination cost of each group's pool. Members pay
    Σ commit × (1 − discount) + Σ coordination share = schedule price × Q + C.
    """
    q = np.bincount(group, weights=commit, minlength=n_groups)
    members = np.bincount(group, minlength=n_groups)
    discount = schedule_discount(q, *discount_args)
    coordination = np.where(members > 0, coordination, 0.0)
    coord_share = coordination[group] * commit / np.maximum(q[group], 1e-12)
    transfer = np.zeros_like(commit)
    if split == "equal":
        saving = discount * q
        transfer = discount[group] * commit - saving[group] / members[group]
    return discount[group], coord_share, transfer, q, discount, coordination


def subsidised_share(model, cost: float, firms: int) -> float:
    """Share of ``cost`` paid by a collaboration subsidy this month (0 without one)."""
    subsidy = getattr(model, "collaboration_subsidy", None)
    if subsidy is None or cost <= 0:
        return 0.0
    return subsidy.grant(model, cost, firms) / cost


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
    split=P.split,
):
    """Form this month's pools, price them on the schedule and share costs and savings."""
    from sim.rules.market import first_group

    s, groups = model.state, model.net.groups
    draws = rng.random(s.n)
    group = first_group(groups)
    commit = s.sales * s.base_unit_cost
    join = s.alive & (group >= 0) & (s.trust >= min_trust) & (commit > 0) & (s.cash >= commit)
    defaulted = join & (draws < default_rate)
    paying = join & ~defaulted
    rows = np.flatnonzero(paying)
    factor = getattr(model, "coordination_factor", None)
    g_village = np.maximum(model.net.group_village, 0)
    coord = coordination_idr * (1.0 if factor is None else factor[g_village])
    disc, coord_share, transfer, q, pool_discount, _ = pool_accounts(
        group[rows],
        commit[rows],
        groups.shape[1],
        (tier_idr, discount_per_tier, max_discount),
        np.broadcast_to(coord, (groups.shape[1],)),
        split,
    )
    s.pooling = paying
    s.unit_cost[rows] *= 1 - disc
    s.extra_cost[rows] += coord_share * (1 - subsidised_share(model, coord_share.sum(), len(rows)))
    s.extra_cost[rows] += transfer
    # Defaults: the other members of the pool cover the penalty; trust suffers.
    bad = np.flatnonzero(defaulted)
    if len(bad):
        loss = np.bincount(
            group[bad], weights=default_penalty * commit[bad], minlength=groups.shape[1]
        )
        order = np.bincount(group[rows], weights=commit[rows], minlength=groups.shape[1])
        share = commit[rows] / np.maximum(order[group[rows]], 1e-12)
        s.extra_cost[rows] += loss[group[rows]] * share
        hit = np.bincount(group[bad], minlength=groups.shape[1])
        members = join & (hit[np.maximum(group, 0)] > 0) & (group >= 0)
        s.trust[members] = np.clip(s.trust[members] - trust_loss, 0, 1)
    model.pool_savings_idr = float((pool_discount * q).sum())
