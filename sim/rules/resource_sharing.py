"""Resource sharing: a village's shared facility and carrying of goods for a fee.

Assumption (COVID collaboration study, seeds/000: sharing production resources, facilities,
warehouses and distribution splits overhead; Sidoarjo study, seeds/001: distribution synergy).
Each village has a shared facility (warehouse, equipment) costing ``facility_cost_idr`` a month.
A firm uses it when it is open enough (openness ≥ ``min_openness``) and last month's cost share
was below the saving it brings: ``fixed_saving`` of its own fixed cost. Users split the cost
equally (shares sum to the facility cost; a collaboration subsidy, when a policy runs one, pays
its share of it). Above ``capacity_users`` users the facility congests and every user's saving
shrinks by capacity / users. Distribution synergy: in each village the digital facility user
with the largest customer base carries the other digital users' online orders, which widens
their reach by ``reach_gain``, for a fee of ``carry_fee`` of those orders (a transfer between
firms).
"""

from __future__ import annotations

import numpy as np

from sim.params import ASSUMPTION
from sim.rules import rule_table, variant
from sim.rules.bulk_purchasing import subsidised_share

COVID = "COVID collaboration study (seeds/000): shared facilities split overhead"

P = rule_table(
    "resource_sharing",
    (
        "facility_cost_idr",
        2.0e6,
        "Rp/month per village",
        ASSUMPTION,
        "cost of a shared facility",
        {"ge": 0.0},
    ),
    (
        "fixed_saving",
        0.3,
        "share of fixed cost",
        COVID,
        "fixed cost a user saves",
        {"ge": 0.0, "le": 1.0},
    ),
    ("capacity_users", 20, "firms", ASSUMPTION, "users before congestion", {"ge": 1}),
    ("min_openness", 0.4, "0-1", COVID, "openness a firm needs to share", {"ge": 0.0, "le": 1.0}),
    (
        "carry_fee",
        0.05,
        "share of orders",
        ASSUMPTION,
        "fee for carrying another firm's orders",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "reach_gain",
        0.1,
        "share of orders",
        "Sidoarjo study (seeds/001): distribution synergy",
        "extra online orders from a wider delivery network",
        {"ge": 0.0},
    ),
)


def cost_shares(village: np.ndarray, users: np.ndarray, n_villages: int, cost: float):
    """Each user's equal share of its village's facility cost, and users per village."""
    count = np.bincount(village[users], minlength=n_villages)
    share = np.where(users, cost / np.maximum(count[village], 1), 0.0)
    return share, count


@variant("resource_sharing", "village_facility", default=True)
def village_facility(
    model,
    rng,
    *,
    facility_cost_idr=P.facility_cost_idr,
    fixed_saving=P.fixed_saving,
    capacity_users=P.capacity_users,
    min_openness=P.min_openness,
    carry_fee=P.carry_fee,
    reach_gain=P.reach_gain,
):
    """Choose users, split the facility cost, apply savings with congestion, carry orders."""
    s, n_villages = model.state, model.villages.count
    cost = facility_cost_idr
    previous = np.bincount(s.village[s.facility_user & s.alive], minlength=n_villages)
    subsidy = getattr(model, "collaboration_subsidy", None)
    expected_share = cost * (1 - (subsidy.share if subsidy else 0.0)) / (previous[s.village] + 1)
    users = s.alive & (s.openness >= min_openness) & (fixed_saving * s.fixed_cost > expected_share)
    share, count = cost_shares(s.village, users, n_villages, cost)
    congestion = np.minimum(1.0, capacity_users / np.maximum(count[s.village], 1))
    saving = np.where(users, fixed_saving * s.fixed_cost * congestion, 0.0)
    s.facility_user = users
    share *= 1 - subsidised_share(model, share.sum(), int(users.sum()))
    s.extra_cost += share - saving
    model.facility_spend_idr = float(share.sum())
    # Distribution synergy: the largest digital user carries the others' online orders.
    digital = users & (s.level >= 1)
    idx = np.flatnonzero(digital)
    best = idx[np.lexsort((-s.customers[idx], s.village[idx]))]  # per village, largest first
    head = best[np.r_[True, s.village[best][1:] != s.village[best][:-1]]] if len(best) else best
    carrier = np.full(n_villages, -1)
    carrier[s.village[head]] = head
    c = carrier[s.village]
    shipper = digital & (c >= 0) & (c != np.arange(s.n))
    fee = np.where(shipper, carry_fee * s.online_demand, 0.0)
    s.extra_cost += fee
    np.subtract.at(s.extra_cost, c[shipper], fee[shipper])
    s.extra_orders += np.where(shipper, reach_gain * s.online_demand, 0.0)
