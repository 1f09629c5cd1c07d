"""Market: the households' budget and the outside buyers' pools, split among the sellers who
reach them; sales ≤ capacity. Channels decide who wins spending, never how much there is.

Assumption (stock-flow consistent accounting, Godley & Lavoie 2007; Caiani et al. 2016): the money
firms can earn is what buyers spend. Each month the households of a village spend a budget on
each sector's goods (``model.shared.budget``, set by the households mechanism); a share
``online_share`` of it (more during restrictions: ``model.shared.online_shift``) is spent online.
Buyers outside the regency (traders, tourists, marketplace buyers elsewhere) are finite pools per
sector (``outside_share`` of the sector's starting sales × ``economy.outside_demand_scale``), a
part ``outside_online`` of them online.

Offline, a firm's customers (its customer base, Rp/month) mostly stay; each month a share
``churn`` of them, less for loyal customers, shops around; the cell's floating spending (the
offline budget less what customer bases hold) is won in proportion to attractiveness a =
appeal^(1−v) × base^v × (price / sector price)^(−elasticity) × noise (v = ``visibility``). Orders
from word of mouth and carried deliveries (``extra_orders``) are part of the same cell budget.
Online, sellers with signal reach buyers by channel: messaging sellers (level 1) who sell in
their WhatsApp groups (``sim/rules/whatsapp_selling.py``) the online budget of their own village
with weight ``messaging_reach``, marketplace
sellers (level 2) every village's online budget and the outside online pool with weight ×
connection quality, platform members like marketplace sellers; joint promotion raises a group's
members' weight (``model.shared.group_boost``). More sellers split the same money (crowding,
Sidoarjo study, seeds/001). Online budget no seller reaches is spent offline. Demand beyond
capacity is not served: the households keep that money (it returns to their savings), the
outside buyers buy elsewhere, and unserved customers leave the firm's base.
"""

from __future__ import annotations

import numpy as np

from sim.domain import SECTORS
from sim.ledger import book
from sim.outcomes import HIGHER, LOWER, NEITHER
from sim.params import ASSUMPTION, SIDOARJO
from sim.passes import (
    online_weights_pass,
    pool_within_groups,
    revenue_loss_pass,
    sell_pass,
    serve_offline_pass,
    shares_by_key,
    unserved_pass,
)
from sim.population import has_signal
from sim.rules import Column, SharedField, mechanism, rule_table, variant
from sim.rules.common import first_group, outside_shares, starting_local_sales

M = mechanism(
    "market",
    after="households",
    columns=tuple(
        Column(f"revenue_{k}", "float64", 0.0, "Rp/month", f"revenue {k} month(s) ago", 0)
        for k in (1, 2, 3)
    ),
    shared=(
        SharedField("outside_pool", None, "Rp/month", "outside buyers' spending per sector"),
        SharedField(
            "outside_factor",
            1.0,
            "×",
            "this month's level of outside buyers (shocks lower it)",
            monthly=True,
        ),
        SharedField(
            "online_shift",
            0.0,
            "share",
            "extra share of households' budget spent online (shocks)",
            monthly=True,
        ),
        SharedField("flows", None, "Rp", "this month's market flows (spending, revenue, unserved)"),
    ),
)


P = rule_table(
    "market",
    (
        "price_elasticity",
        1.5,
        "-",
        ASSUMPTION,
        "how strongly a higher price deters customers",
        {"ge": 0.0},
    ),
    (
        "churn",
        0.1,
        "1/month",
        ASSUMPTION,
        "share of a firm's customers who shop around each month",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "visibility",
        0.5,
        "-",
        ASSUMPTION,
        "how much a larger customer base draws new customers",
        {"ge": 0.0, "le": 0.95},
    ),
    ("noise", 0.1, "log-sd", ASSUMPTION, "month-to-month demand noise per firm", {"ge": 0.0}),
    (
        "online_share",
        0.1,
        "share",
        "BPS Statistik E-Commerce 2022/2023 (about a quarter of firms sell online, most through "
        "messaging apps); value an assumption",
        "share of households' MSME budget spent online",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "messaging_reach",
        0.5,
        "weight",
        SIDOARJO + ": WhatsApp broadcast reaches contacts; value an assumption",
        "online weight of a messaging seller relative to a marketplace seller",
        {"ge": 0.0},
    ),
    (
        "outside_online",
        0.3,
        "share",
        ASSUMPTION,
        "share of outside buyers' spending made online (marketplaces)",
        {"ge": 0.0, "le": 1.0},
    ),
    *[
        (
            f"outside_share_{sector}",
            share,
            "share of starting sales",
            ASSUMPTION + " (craft clusters sell mostly outside, e.g. Tumang, seeds/004)",
            f"outside buyers' spending on {sector}, as a share of the sector's starting sales",
            {"ge": 0.0, "le": 0.95},
        )
        for sector, share in (
            ("food", 0.05),
            ("fashion", 0.2),
            ("craft", 0.5),
            ("retail", 0.02),
            ("services", 0.05),
        )
    ],
)


def attractiveness(
    state, sector_price: np.ndarray, elasticity: float, visibility: float, noise: np.ndarray
) -> np.ndarray:
    """a = appeal^(1−v) × base^v × (price / sector price)^(−elasticity) × noise; 0 if dead.

    ``appeal`` is the firm's lasting draw (product, location); in the long run a firm's customer
    base settles in proportion to it, so churn does not erase firm-size differences.
    """
    relative_price = state.price / sector_price[state.sector]
    base = np.maximum(state.customers, 0.0) ** visibility * state.appeal ** (1 - visibility)
    return base * relative_price ** (-elasticity) * noise * state.alive


def share_within_groups(demand: np.ndarray, members: np.ndarray, groups, share: float):
    """Joint promotion: a ``share`` of each member's group demand goes to a pool of the member's
    first group and is split equally among that group's members (customers drawn by one member
    buy from another). Total demand is unchanged."""
    return pool_within_groups(demand, members, first_group(groups), groups.shape[1], share)


@M.on_setup
def starting_demand(model, rng) -> None:
    """The first month's households' budget (the firms' starting local sales) and the outside
    buyers' pools: a share of each sector's starting sales (× the scenario's scale)."""
    s = model.state
    model.shared.budget = starting_local_sales(model).ravel()
    start = np.bincount(s.sector, weights=s.customers * s.alive, minlength=len(SECTORS))
    shares = outside_shares(model.scenario.rules["market"])
    model.shared.outside_pool = start * shares * model.scenario.economy.outside_demand_scale


def share_of(budget: np.ndarray, weight: np.ndarray, key: np.ndarray, size: int) -> np.ndarray:
    """Each firm's part of ``budget[key]``, in proportion to ``weight`` within the key; keys
    with no weight give nothing (the caller decides where that money goes)."""
    return shares_by_key(budget, weight, key, size)


def online_weights(model, a: np.ndarray, reach: float):
    """(messaging weight, regency-wide weight) of every firm: messaging sellers reach their own
    village; marketplace sellers and platform members the whole regency (× connection quality);
    joint promotion scales the weight of its group's members."""
    s = model.state
    online = s.alive & has_signal(s, model.villages)
    group_boost, first = model.shared.group_boost, np.zeros(0, dtype=np.int64)
    if group_boost is not None:
        first = first_group(model.net.groups)
    platform = model.shared.platform
    member = np.zeros(s.n, dtype=bool)
    if platform:
        listed = np.asarray(platform["members"], dtype=bool)[: s.n]
        member[: len(listed)] = listed
    regency = online & ((s.level >= 2) | (member & (s.level >= 1)))
    local = online & (s.level == 1) & ~regency
    if model.shared.messaging_sellers is not None:  # only active WhatsApp sellers
        local &= model.shared.messaging_sellers
    boost = np.zeros(0) if group_boost is None else group_boost
    return online_weights_pass(
        a, first, boost, reach, model.villages.quality, s.village, local, regency
    )


@variant("market", "attractiveness", default=True)
def attractiveness_market(
    model,
    rng,
    *,
    price_elasticity=P.price_elasticity,
    churn=P.churn,
    visibility=P.visibility,
    noise=P.noise,
    online_share=P.online_share,
    messaging_reach=P.messaging_reach,
    outside_online=P.outside_online,
    outside_share_food=P.outside_share_food,
    outside_share_fashion=P.outside_share_fashion,
    outside_share_craft=P.outside_share_craft,
    outside_share_retail=P.outside_share_retail,
    outside_share_services=P.outside_share_services,
):
    """Split the households' budget and the outside pools among the sellers who reach them."""
    s = model.state
    shock = np.exp(noise * rng.standard_normal(s.n) - noise**2 / 2)
    a = attractiveness(s, model.sector_price, price_elasticity, visibility, shock)
    del shock  # each whole-firm array is freed after its last use (8 MB at a million firms)
    n_sectors = len(SECTORS)
    cell = model.cells()
    n_cells = model.villages.count * n_sectors
    budget = model.shared.budget  # households' spending per village×sector cell this month
    share_online = min(online_share + model.shared.online_shift, 1.0)

    # Online: local budgets reached by messaging sellers of the village and by regency sellers.
    w_local, w_regency = online_weights(model, a, messaging_reach)
    sector_of_cell = np.arange(n_cells) % n_sectors
    local_weight = np.bincount(cell, weights=w_local, minlength=n_cells)
    regency_weight = np.bincount(s.sector, weights=w_regency, minlength=n_sectors)
    cell_weight = local_weight + regency_weight[sector_of_cell]
    online_budget = np.where(cell_weight > 0, share_online * budget, 0.0)
    # A messaging seller's share of its cell; a regency seller's share of every cell of its sector.
    local_part = np.divide(local_weight, cell_weight, out=np.zeros(n_cells), where=cell_weight > 0)
    online = share_of(online_budget, w_local, cell, n_cells) * local_part[cell]
    to_regency = np.divide(
        online_budget * regency_weight[sector_of_cell],
        cell_weight,
        out=np.zeros(n_cells),
        where=cell_weight > 0,
    )
    regency_budget = np.bincount(sector_of_cell, weights=to_regency, minlength=n_sectors)
    from_regency = share_of(regency_budget, w_regency, s.sector, n_sectors)
    online += from_regency
    if model.shared.joint_spillover > 0:  # a transfer among promoters: the total is unchanged
        promoters = ((w_local + w_regency) > 0) & s.joint_promo
        shared = share_within_groups(
            online, promoters, model.net.groups, model.shared.joint_spillover
        )
        # what a promoter sells through its group keeps the origin mix of its own orders
        regency_part = np.divide(from_regency, online, out=np.zeros(s.n), where=online > 0)
        from_regency = np.multiply(regency_part, shared, out=regency_part)
        online = shared
    # Outside buyers' online orders (added after the spillover, which shares households' orders
    # only, so each firm's outside part stays what outside buyers spent with it).
    pool = model.shared.outside_pool * model.shared.outside_factor
    outside_online_demand = share_of(outside_online * pool, w_regency, s.sector, n_sectors)
    del w_local, w_regency
    online += outside_online_demand

    # Offline: word-of-mouth and carried orders first, then customer bases and floating spending.
    offline_budget = budget - online_budget
    extra, unreached = serve_offline(s, a, cell, offline_budget, churn)
    outside_offline = share_of((1 - outside_online) * pool, a, s.sector, n_sectors)
    del a

    served = sell(s, extra, outside_offline, online)
    del extra, online
    outside_demand = np.add(outside_offline, outside_online_demand, out=outside_online_demand)
    del outside_offline
    regency_origin = (from_regency, to_regency)
    record_flows(model, budget, pool, unreached, outside_demand, regency_origin, cell, served)


def serve_offline(s, a, cell, offline_budget, churn):
    """The offline budget of each cell: word-of-mouth and carried orders (``extra_orders``,
    cleared) first, scaled down alike when they ask more than the budget; then customer bases,
    of which a share ``churn`` × (1 − loyalty) shops around, shrunk alike when they hold more
    than is left; the floating rest is won in proportion to attractiveness ``a``. Updates the
    customer bases; returns (each firm's extra orders served, each cell's budget no seller
    reached)."""
    extra, unreached = np.empty(s.n), np.empty(len(offline_budget))
    serve_offline_pass(
        (s.extra_orders, s.customers, s.loyalty, s.alive, a, cell),
        offline_budget,
        float(churn),
        extra,
        unreached,
    )
    return extra, unreached


def sell(s, extra, outside_offline, online) -> np.ndarray:
    """Demand = customer base + extra orders + outside buyers' offline orders + online orders;
    sales = min(demand / price, capacity) for living firms; revenue = sales × price (the last
    three months' revenue move back by one); customers not served leave the base: it loses
    (1 − served share) of itself. Returns each firm's served share of its demand."""
    served = np.empty(s.n)
    sell_pass(
        (s.customers, extra, outside_offline, online, s.price, s.capacity, s.alive),
        (s.demand, s.online_demand, s.sales, s.revenue, s.revenue_1, s.revenue_2, s.revenue_3),
        served,
    )
    return served


def record_flows(
    model, budget, pool, unreached, outside_demand, regency_origin, cell, served
) -> None:
    """This month's market accounts: what households and outside buyers set out to spend, what
    firms sold, and what was not served — budget no seller reached and demand beyond capacity.
    Households keep what they could not spend: it returns to the savings of the village whose
    households placed the orders (a regency-wide seller's unserved orders go back to every
    village of its sector in proportion to what each sent). Outside buyers buy elsewhere.
    ``served`` is each firm's served share of its demand (:func:`sell`)."""
    s = model.state
    n_cells, n_sectors = len(budget), len(SECTORS)
    from_regency, to_regency = regency_origin
    # Unserved orders per cell from the firms' local orders and per sector from regency sellers.
    short_local, short_regency = unserved_pass(
        s.demand, outside_demand, from_regency, served, cell, s.sector, n_cells, n_sectors
    )
    sector_of_cell = np.arange(n_cells) % n_sectors
    sent = np.bincount(sector_of_cell, weights=to_regency, minlength=n_sectors)
    short_households = short_local + np.divide(
        short_regency[sector_of_cell] * to_regency,
        sent[sector_of_cell],
        out=np.zeros(n_cells),
        where=sent[sector_of_cell] > 0,
    )
    outside_revenue = float((served * outside_demand).sum())
    short_outside = float(((1 - served) * outside_demand).sum())
    unreached_outside = float(pool.sum() - outside_demand.sum())
    book(model, "outside_sales", outside_revenue)
    book(model, "household_purchases", float(s.revenue.sum()) - outside_revenue)
    model.shared.flows = {
        "household_spending_idr": float(budget.sum()),
        "outside_spending_idr": float(pool.sum()),
        "revenue_total_idr": float(s.revenue.sum()),
        "unreached_idr": unreached,  # per cell, households' budget no seller reached
        "returned_idr": unreached + short_households,  # per cell, back to the households
        "unserved_demand_idr": float((unreached + short_households).sum())
        + short_outside
        + unreached_outside,
    }


@M.outcome(
    "online_revenue_share",
    label="Demand from online channels",
    unit="%",
    kind="share",
    better=NEITHER,
    aggregation="share of living firms' demand",
)
def online_share(m):
    """Share of living firms' demand that came from online channels."""
    s = m.state
    total = (s.demand * s.alive).sum()
    return float((s.online_demand * s.alive).sum() / total) if total > 0 else 0.0


def _flow(name: str):
    def value(m):
        return float(m.shared.flows[name]) if m.shared.flows else 0.0

    return value


for _name, _label, _better in (
    ("household_spending_idr", "Households' MSME spending", NEITHER),
    ("outside_spending_idr", "Outside buyers' spending", NEITHER),
    ("revenue_total_idr", "Firms' revenue (total)", HIGHER),
    ("unserved_demand_idr", "Demand not served", LOWER),
):
    M.outcome(
        _name,
        label=_label,
        unit="Rp/month",
        kind="idr",
        better=_better,
        aggregation="sum this month",
    )(_flow(_name))


@M.outcome(
    "revenue_loss_share",
    label="Firms that lost revenue",
    unit="%",
    kind="share",
    better=LOWER,
    aggregation="share of living firms with three months of history",
)
def revenue_loss_share(m):
    """Share of living firms whose revenue this month is at least 10% below their own mean of
    the three months before (firms younger than that are left out)."""
    s = m.state
    return revenue_loss_pass(
        s.revenue, s.revenue_1, s.revenue_2, s.revenue_3, s.alive, s.age_months
    )
