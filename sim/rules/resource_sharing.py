"""Resource sharing: a village's shared facility, and carrying of goods for a fee.

Assumption (COVID collaboration study, seeds/000: small firms share production facilities,
warehouses and distribution, splitting overhead; Sidoarjo study, seeds/001: distribution synergy
— a firm with a wider delivery network carries others' products farther). Each village has one
shared facility (warehouse, equipment, delivery) costing ``facility_cost_idr`` a month. Users
split its cost: equally (``village_facility``) or in proportion to their own fixed cost, i.e.
their use (``village_facility_by_use``); either way the shares sum to the facility cost, and a
``collaboration_subsidy`` policy (``model.shared.collaboration_subsidy``) pays its share of
them. Each
user saves ``fixed_saving`` of its fixed cost (at most its non-wage part: the facility replaces
rent and equipment, not the wages paid in the village); above ``capacity_users`` users the facility
congests and every saving shrinks by capacity / users. Each month the firms open enough to share
(openness ≥ ``min_openness``) form the largest user group in which every member saves more than
it pays, taking firms by fixed cost from the largest down (a village with too few firms that
would gain has no facility).

Distribution synergy: in each village the digital facility user with the most online orders last
month (the widest delivery reach) carries the other digital users' online orders. Their goods reach
farther (``reach_gain`` of their online orders come as extra orders next sale) and they pay the
carrier ``carry_fee`` of their online orders: a transfer between firms, no money created or lost.
A firm ships through the carrier only when the margin on the extra orders covers the fee
(``reach_gain`` × (1 − unit cost / price) ≥ ``carry_fee``); the delivery cost it saves is not
modelled, so this is a cautious rule.
"""

from __future__ import annotations

import numpy as np

from sim.outcomes import NEITHER
from sim.params import ASSUMPTION
from sim.rules import Column, SharedField, mechanism, rule_table, variant
from sim.rules.common import subsidised_share, wage_share

COVID = "COVID collaboration study (seeds/000): shared facilities split overhead"

M = mechanism(
    "resource_sharing",
    after="bulk_purchasing",
    columns=(
        Column(
            "facility_user",
            "bool",
            False,
            "-",
            "uses the village's shared facility",
            on_close=False,
        ),
        Column("facility_charge_idr", "float64", 0.0, "Rp/month", "share of the facility's cost"),
        Column("facility_saving_idr", "float64", 0.0, "Rp/month", "fixed cost saved", 0),
        Column(
            "carry_fee_idr", "float64", 0.0, "Rp/month", "carrying fees (paid > 0, received < 0)"
        ),
    ),
    shared=(
        SharedField("facility_cost_idr", 0.0, "Rp/month", "cost of the facilities in use"),
        SharedField("carrying_fees_idr", 0.0, "Rp/month", "fees paid to carriers this month"),
    ),
)


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
        0.03,
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


def cost_shares(
    village: np.ndarray,
    users: np.ndarray,
    n_villages: int,
    cost: float,
    use: np.ndarray | None = None,
):
    """Each user's share of its village's facility cost (equal, or in proportion to ``use``),
    and users per village. In every village with users the shares sum to ``cost``."""
    count = np.bincount(village[users], minlength=n_villages)
    if use is None:
        return np.where(users, (cost / np.maximum(count, 1))[village], 0.0), count
    weight = np.where(users, np.maximum(use, 0.0), 0.0)
    total = np.bincount(village, weights=weight, minlength=n_villages)
    # A village whose users all have zero use splits equally.
    weight = np.where(total[village] > 0, weight, users.astype(float))
    total = np.bincount(village, weights=weight, minlength=n_villages)
    out = np.zeros(len(village))
    np.divide(weight, total[village], out=out, where=total[village] > 0)
    return cost * out, count


def by_village_largest_first(village: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Positions sorted by village, then by ``value`` from the largest down (one float argsort:
    much faster than ``np.lexsort``; ``value`` must be non-negative)."""
    scale = 2.0 * (float(value.max()) + 1.0) if len(value) else 1.0
    return np.argsort(village - value / scale)  # deterministic; ties in any fixed order


def congestion(count: np.ndarray, capacity_users: int) -> np.ndarray:
    """Share of the full saving each user gets when ``count`` firms use a facility."""
    return np.minimum(1.0, capacity_users / np.maximum(count, 1))


def carry_orders(model, users: np.ndarray, carry_fee: float, reach_gain: float) -> np.ndarray:
    """Distribution synergy among digital facility users; returns each firm's fee this month
    (paid > 0, received < 0; they sum to zero) and adds the carried firms' extra orders."""
    s = model.state
    digital = np.flatnonzero(users & (s.level >= 1))
    fee = np.zeros(s.n)
    if len(digital) < 2:
        return fee
    reach = np.maximum(s.online_demand[digital], 0.0)
    ranked = digital[by_village_largest_first(s.village[digital], reach)]  # widest reach first
    is_head = np.r_[True, s.village[ranked][1:] != s.village[ranked][:-1]]
    carrier = np.full(model.villages.count, -1)
    carrier[s.village[ranked[is_head]]] = ranked[is_head]
    others = ranked[~is_head]
    margin = 1 - s.unit_cost[others] / s.price[others]
    shippers = others[reach_gain * margin >= carry_fee]  # the wider reach pays for the fee
    paid = carry_fee * s.online_demand[shippers]
    fee[shippers] = paid
    fee -= np.bincount(carrier[s.village[shippers]], weights=paid, minlength=s.n)
    s.extra_orders[shippers] += reach_gain * s.online_demand[shippers]
    return fee


def viable_users(
    village: np.ndarray,
    fixed_cost: np.ndarray,
    candidates: np.ndarray,
    n_villages: int,
    cost: float,
    fixed_saving: float,
    capacity_users: int,
    by_use: bool,
) -> np.ndarray:
    """The users of each village's facility: the largest group of candidates, taken by fixed cost
    from the largest down, in which every member saves more than it pays.

    With k users the k-th largest saves ``fixed_saving`` × its fixed cost × congestion(k) and
    pays cost / k (equal split) or cost × its fixed cost / the group's fixed cost (by use); the
    others save at least as much relative to what they pay.
    """
    users = np.zeros(len(village), dtype=bool)
    if not by_use and cost > 0:
        # With an equal split, a firm gains at no rank unless fixed_saving × f × capacity > cost;
        # the firms below that (with a margin for rounding) rank after every firm that can
        # gain in their village, so leaving them out of the sort changes no user.
        candidates = candidates & (fixed_saving * fixed_cost * capacity_users > cost * (1 - 1e-9))
    rows = np.flatnonzero(candidates)
    if len(rows) == 0:
        return users
    order = rows[by_village_largest_first(village[rows], np.maximum(fixed_cost[rows], 0.0))]
    v = village[order]
    first = np.r_[True, v[1:] != v[:-1]]
    start = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
    k = np.arange(len(order)) - start + 1  # rank within the village, 1 = largest fixed cost
    f = fixed_cost[order]
    if by_use:
        group_cost = np.cumsum(f)
        group_cost -= (group_cost - f)[start]  # cumulative fixed cost within the village
        gains = (fixed_saving * congestion(k, capacity_users) * group_cost > cost) & (f > 0)
    else:
        gains = fixed_saving * f * congestion(k, capacity_users) > cost / k
    size = np.zeros(n_villages, dtype=np.int64)
    gaining = np.flatnonzero(gains)  # sorted by village: the last one per village is the largest k
    last = gaining[np.r_[v[gaining][1:] != v[gaining][:-1], True]] if len(gaining) else gaining
    size[v[last]] = k[last]
    users[order[k <= size[v]]] = True
    return users


@variant("resource_sharing", "village_facility", default=True, fixed={"by_use": False})
@variant("resource_sharing", "village_facility_by_use", fixed={"by_use": True})
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
    by_use=False,
) -> None:
    """One month of the shared facilities and of carrying. Users split their village
    facility's cost equally (``village_facility``) or in proportion to their own fixed cost,
    their use (``village_facility_by_use``); savings congest; orders are carried."""
    s, n_villages = model.state, model.villages.count
    subsidy = model.shared.collaboration_subsidy
    cost_to_users = facility_cost_idr * (1 - (subsidy.share if subsidy is not None else 0.0))
    open_firms = s.alive & (s.openness >= min_openness) & (s.fixed_cost > 0)
    users = viable_users(
        s.village,
        s.fixed_cost,
        open_firms,
        n_villages,
        cost_to_users,
        fixed_saving,
        capacity_users,
        by_use,
    )

    share, count = cost_shares(
        s.village, users, n_villages, facility_cost_idr, s.fixed_cost if by_use else None
    )
    # The facility replaces rent and equipment paid outside, never the wages paid locally.
    saved = min(fixed_saving, 1 - wage_share(model))
    saving = saved * s.fixed_cost * congestion(count, capacity_users)[s.village]
    saving[~users] = 0.0  # in place (8 MB a million firms): non-users save nothing
    facility_cost = float(share.sum())
    subsidy = subsidised_share(model, facility_cost, int(users.sum()))
    paid = np.multiply(share, 1 - subsidy, out=share)
    del share
    fee = carry_orders(model, users, carry_fee, reach_gain)

    s.facility_user = users
    s.facility_charge_idr = paid
    s.facility_saving_idr = saving
    s.carry_fee_idr = fee
    s.extra_cost += paid - saving + fee
    model.shared.facility_cost_idr = facility_cost
    model.shared.carrying_fees_idr = float(fee[fee > 0].sum())


@M.outcome(
    "shared_facility_users",
    label="Shared-facility users",
    unit="firms",
    kind="count",
    better=NEITHER,
    aggregation="count of living firms",
)
def shared_facility_users(m):
    """Firms using a shared village facility."""
    return float((m.state.facility_user & m.state.alive).sum())


@M.outcome(
    "carrying_fees_idr",
    label="Carrying fees (month)",
    unit="Rp/month",
    kind="idr",
    better=NEITHER,
    aggregation="sum of fees paid this month",
)
def carrying_fees(m):
    """Fees paid to carriers for carrying other firms' orders, Rp/month."""
    return float(m.shared.carrying_fees_idr)
