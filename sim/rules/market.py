"""Market: local demand per village×sector and online demand with crowding; sales ≤ capacity.

Assumption: a firm's local customers (its customer base, Rp/month of spending) mostly stay; each
month a share ``churn`` of them, less for loyal customers, leaves and joins the cell's floating
spending (the village×sector market minus what loyal bases hold). Floating spending is won in
proportion to attractiveness a = appeal^(1−v) × base^v × (price / sector price)^(−elasticity) ×
noise, where appeal is the firm's lasting draw (its initial sales) and v = ``visibility``.
Online, each WhatsApp group attracts spending s0 · n^(1−crowding) from outside the village when n
of its members sell there (level ≥ 1, with signal), split by attractiveness; so the total grows
with sellers but each seller's share falls as the group fills (crowding, Sidoarjo study,
seeds/001). Marketplace sellers (level 2) share a regency-wide pool per sector the same way.
Demand beyond production capacity is lost, and the unserved customers leave the firm's base.
"""

from __future__ import annotations

import numpy as np

from sim.domain import SECTORS
from sim.outcomes import NEITHER
from sim.params import ASSUMPTION, SIDOARJO
from sim.population import has_signal
from sim.rules import mechanism, rule_table, variant
from sim.rules.common import first_group

M = mechanism("market", after="joint_marketing")


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
        "crowding",
        0.5,
        "0-1",
        SIDOARJO + ": many sellers in the same groups",
        "group spending grows as sellers^(1 − crowding)",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "marketplace_crowding",
        0.6,
        "0-1",
        SIDOARJO,
        "the same for marketplaces",
        {"ge": 0.0, "le": 1.0},
    ),
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


def split(pool_of_firm: np.ndarray, weight: np.ndarray, key: np.ndarray, size: int) -> np.ndarray:
    """Each firm's part of its ``key`` pool, in proportion to ``weight`` within the key."""
    total = np.bincount(key, weights=weight, minlength=size)
    return pool_of_firm * weight / np.maximum(total[key], 1e-12)


def group_demand(
    groups,
    sellers: np.ndarray,
    weight: np.ndarray,
    spend_per_seller: float,
    crowding: float,
    boost: np.ndarray | None = None,
) -> np.ndarray:
    """Online demand through groups: each group's pool s0·n^(1−crowding) (× joint-promotion
    boost) split by weight."""
    w = weight * sellers
    n_sellers = groups.T @ sellers.astype(np.float64)
    pool = spend_per_seller * n_sellers ** (1 - crowding)
    if boost is not None:
        pool = pool * boost
    weight_sum = groups.T @ w
    per_weight = np.divide(pool, weight_sum, out=np.zeros_like(pool), where=weight_sum > 0)
    return w * (groups @ per_weight)


def share_within_groups(demand: np.ndarray, members: np.ndarray, groups, share: float):
    """Joint promotion: a ``share`` of each member's group demand goes to a pool of the member's
    first group and is split equally among that group's members (customers drawn by one member
    buy from another). Total demand is unchanged."""
    first = first_group(groups)
    ok = members & (first >= 0)
    g = np.where(ok, first, 0)
    moved = np.where(ok, share * demand, 0.0)
    pool = np.bincount(g, weights=moved, minlength=groups.shape[1])
    count = np.bincount(g, weights=ok, minlength=groups.shape[1])
    per_member = np.divide(pool, count, out=np.zeros_like(pool), where=count > 0)
    return demand - moved + np.where(ok, per_member[g], 0.0)


@variant("market", "attractiveness", default=True)
def attractiveness_market(
    model,
    rng,
    *,
    price_elasticity=P.price_elasticity,
    churn=P.churn,
    visibility=P.visibility,
    noise=P.noise,
    crowding=P.crowding,
    marketplace_crowding=P.marketplace_crowding,
):
    """Churn and win local customers, draw online demand, and sell up to capacity."""
    s, m = model.state, model.scenario.market
    shock = np.exp(noise * rng.standard_normal(s.n) - noise**2 / 2)
    a = attractiveness(s, model.sector_price, price_elasticity, visibility, shock)

    cell = model.cells()
    n_cells = len(model.local_demand)
    s.customers *= (1 - churn * (1 - s.loyalty)) * s.alive
    held = np.bincount(cell, weights=s.customers, minlength=n_cells)
    floating = np.maximum(model.local_demand - held, 0.0)
    s.customers += split(floating[cell], a, cell, n_cells)

    online_ok = s.alive & has_signal(s, model.villages)
    sellers = online_ok & (s.level >= 1)
    online = group_demand(
        model.net.groups,
        sellers,
        a,
        m.online_spend_per_seller_idr,
        crowding,
        model.shared.group_boost,
    )
    if model.shared.joint_spillover > 0:
        online = share_within_groups(
            online, sellers & s.joint_promo, model.net.groups, model.shared.joint_spillover
        )
    market_sellers = online_ok & (s.level >= 2)
    n_sector = np.bincount(s.sector, weights=market_sellers, minlength=len(SECTORS))
    pool = m.marketplace_spend_per_seller_idr * n_sector ** (1 - marketplace_crowding)
    quality = model.villages.quality[s.village]
    online += split(
        pool[s.sector] * market_sellers, a * quality * market_sellers, s.sector, len(SECTORS)
    )

    online = (online + s.platform_demand) * s.online_factor
    local = s.customers * s.offline_factor
    s.demand = local + online + s.extra_orders
    s.extra_orders = 0.0
    s.online_demand = online
    s.sales = np.minimum(s.demand / s.price, s.capacity) * s.alive
    s.revenue = s.sales * s.price
    unserved = np.maximum(s.demand - s.revenue, 0.0)
    s.customers -= unserved * np.divide(local, s.demand, out=np.zeros(s.n), where=s.demand > 0)
    model.local_demand *= (1 + m.local_growth) ** (1 / 12)


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
