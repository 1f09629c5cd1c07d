"""Initial firms and villages drawn from a scenario's defaults (also used for entrants)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.domain import SECTOR_PRICE_IDR, SECTORS
from sim.state import FirmState


@dataclass
class Villages:
    """Village-level connectivity: coverage share, quality and data price (Rp/GB)."""

    coverage: np.ndarray
    quality: np.ndarray
    data_price: np.ndarray

    @property
    def count(self) -> int:
        return len(self.coverage)


def _beta(mean: float, spread: float, size: int, rng: np.random.Generator) -> np.ndarray:
    """Beta draws with the given mean and standard deviation (degenerate when spread is 0)."""
    if spread <= 0 or mean <= 0 or mean >= 1:
        return np.full(size, mean)
    mean = min(max(mean, 1e-6), 1 - 1e-6)
    var = min(spread**2, mean * (1 - mean) * 0.99)
    k = mean * (1 - mean) / var - 1
    return rng.beta(mean * k, (1 - mean) * k, size=size)


def make_villages(scenario, rng: np.random.Generator) -> Villages:
    c, n = scenario.connectivity, scenario.firms.villages
    return Villages(
        coverage=_beta(c.coverage_mean, c.coverage_spread, n, rng),
        quality=_beta(c.quality_mean, c.coverage_spread, n, rng),
        data_price=np.full(n, c.data_price_idr_per_gb),
    )


def fill_firms(
    state: FirmState,
    rows: slice,
    scenario,
    villages: Villages,
    rng: np.random.Generator,
    village_weights: np.ndarray | None = None,
) -> None:
    """Draw every attribute of the firms in ``rows`` (new founders or entrants)."""
    f = scenario.firms
    k = rows.stop - rows.start
    shares = np.array([f.sector_shares.get(s, 0.0) for s in SECTORS])
    sector = rng.choice(len(SECTORS), size=k, p=shares / shares.sum())
    weights = np.ones(villages.count) if village_weights is None else village_weights
    village = rng.choice(villages.count, size=k, p=weights / weights.sum())
    size_class = np.searchsorted(
        np.cumsum([f.micro_share, f.small_share]), rng.random(k), side="right"
    ).clip(0, 2)
    poor = rng.random(k) < f.poor_owner_share
    # Lognormal revenue with the given mean; small and medium firms scale it up.
    sigma = f.revenue_sigma
    revenue = f.revenue_mean_idr * np.exp(sigma * rng.standard_normal(k) - sigma**2 / 2)
    revenue *= f.small_revenue_multiple**size_class
    revenue *= np.where(poor, 0.7, 1.0)  # assumption: poor owners run smaller businesses
    literacy = np.clip(
        f.literacy_mean
        - f.poor_literacy_gap * (poor - f.poor_owner_share)
        + f.literacy_sd * rng.standard_normal(k),
        0,
        1,
    )
    u = rng.random(k)
    level = np.where(
        u < f.digital_share_marketplace,
        2,
        np.where(u < f.digital_share_marketplace + f.digital_share_messaging, 1, 0),
    )
    price = SECTOR_PRICE_IDR[sector] * np.exp(0.2 * rng.standard_normal(k))

    state.alive[rows] = True
    state.sector[rows] = sector
    state.village[rows] = village
    state.size_class[rows] = size_class
    state.poor[rows] = poor
    state.literacy[rows] = literacy
    state.openness[rows] = np.clip(f.openness_mean + 0.2 * rng.standard_normal(k), 0, 1)
    state.trust[rows] = np.clip(0.5 + 0.15 * rng.standard_normal(k), 0, 1)
    state.level[rows] = level
    state.has_device[rows] = (level > 0) | (rng.random(k) < f.device_share)
    state.signal_draw[rows] = rng.random(k)
    state.price[rows] = price
    state.unit_cost[rows] = state.base_unit_cost[rows] = price * f.input_cost_share
    state.capacity[rows] = state.base_capacity[rows] = revenue / price * f.capacity_headroom
    state.knowledge[rows] = rng.beta(2, 3, size=k)
    state.skill_production[rows] = rng.random(k)
    state.skill_marketing[rows] = rng.random(k)
    state.fixed_cost[rows] = revenue * f.fixed_cost_share
    state.customers[rows] = revenue
    state.appeal[rows] = revenue
    state.cash[rows] = revenue * f.cash_months


def has_signal(state: FirmState, villages: Villages) -> np.ndarray:
    """Whether each firm has usable mobile internet (its fixed draw under village coverage)."""
    return state.signal_draw < villages.coverage[state.village]
