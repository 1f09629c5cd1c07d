"""Shocks: demand collapses, connectivity outages and input price rises.

Each shock is a class registered in ``SHOCKS`` with ``initialize(model)`` and ``apply(model,
rng)`` run every month after the policies. Shocks act through per-firm demand factors
(``offline_factor``, ``online_factor``, reset to 1 at the start of each month), the input price
factor and village coverage.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.domain import SECTORS
from sim.errors import ConfigError
from sim.interventions import SHOCKS
from sim.params import ASSUMPTION, register_rows

BPS_2020 = (
    "BPS 2020, Analisis Hasil Survei Dampak COVID-19 terhadap Pelaku Usaha: 84.2% of "
    "micro and small firms lost revenue; food and accommodation hit hardest"
)

D = register_rows(
    "shocks.demand_shock",
    (
        ("start", 24, "month", ASSUMPTION, "month the shock begins", {"ge": 0}),
        (
            "months",
            12,
            "months",
            "COVID-19 restrictions 2020–21 (assumption for the value)",
            "duration at full strength",
            {"ge": 1},
        ),
        ("recovery_months", 12, "months", ASSUMPTION, "months to return to normal", {"ge": 0}),
        (
            "food",
            0.45,
            "share",
            BPS_2020,
            "offline demand drop, food sector",
            {"ge": 0.0, "le": 1.0},
        ),
        (
            "fashion",
            0.35,
            "share",
            BPS_2020,
            "offline demand drop, fashion",
            {"ge": 0.0, "le": 1.0},
        ),
        ("craft", 0.35, "share", BPS_2020, "offline demand drop, craft", {"ge": 0.0, "le": 1.0}),
        ("retail", 0.25, "share", BPS_2020, "offline demand drop, retail", {"ge": 0.0, "le": 1.0}),
        (
            "services",
            0.4,
            "share",
            BPS_2020,
            "offline demand drop, services",
            {"ge": 0.0, "le": 1.0},
        ),
        (
            "online_share",
            0.3,
            "share of offline drop",
            "COVID collaboration study (seeds/000): digital channels kept sales going",
            "online drop as a share of the offline drop",
            {"ge": 0.0, "le": 1.0},
        ),
        (
            "spared_share",
            0.3,
            "share of firms",
            BPS_2020 + " (calibrated to the 84%)",
            "firms whose demand held up (essential goods, loyal local customers)",
            {"ge": 0.0, "le": 1.0},
        ),
        (
            "input_cost_rise",
            0.1,
            "share",
            "COVID supply-chain disruption (assumption for the value)",
            "rise of input prices during the shock",
            {"ge": 0.0},
        ),
        (
            "recovery",
            "linear",
            "-",
            ASSUMPTION,
            "recovery shape: linear or exponential",
            {"choices": ("linear", "exponential")},
        ),
    ),
)


def strength(month: int, start: int, months: int, recovery_months: int, shape: str) -> float:
    """Share of the full shock in force in ``month`` (0 before, 1 during, falling after)."""
    if month < start:
        return 0.0
    if month < start + months:
        return 1.0
    after = month - start - months
    if recovery_months <= 0 or after >= recovery_months:
        return 0.0
    if shape == "exponential":
        return float(np.exp(-4 * (after + 1) / recovery_months))
    return 1 - (after + 1) / (recovery_months + 1)


@SHOCKS.register("demand_shock")
@dataclass(kw_only=True)
class DemandShock:
    """A COVID-like demand collapse: sector-specific offline drops, smaller online drops,
    firm-level exposure, optional input cost rise, then recovery."""

    start: int = D.start
    months: int = D.months
    recovery_months: int = D.recovery_months
    food: float = D.food
    fashion: float = D.fashion
    craft: float = D.craft
    retail: float = D.retail
    services: float = D.services
    online_share: float = D.online_share
    spared_share: float = D.spared_share
    input_cost_rise: float = D.input_cost_rise
    recovery: str = D.recovery

    def initialize(self, model):
        self.drops = np.array([getattr(self, sector) for sector in SECTORS])

    def apply(self, model, rng):
        s = model.state
        draws = rng.random(s.n)  # exposure: each firm's own draw this month
        k = strength(model.month, self.start, self.months, self.recovery_months, self.recovery)
        if k == 0:
            return
        exposure = np.where(draws < self.spared_share, 0.0, 1.0)
        drop = k * self.drops[s.sector] * exposure
        s.offline_factor *= 1 - drop
        s.online_factor *= 1 - self.online_share * drop
        model.shared.input_price_factor *= 1 + k * self.input_cost_rise
        s.unit_cost *= 1 + k * self.input_cost_rise


OUTAGE = register_rows(
    "shocks.connectivity_outage",
    (
        ("start", 12, "month", ASSUMPTION, "month the outage begins", {"ge": 0}),
        ("months", 3, "months", ASSUMPTION, "duration", {"ge": 1}),
        (
            "severity",
            0.8,
            "share",
            "Sidoarjo study (seeds/001): unstable access",
            "share of coverage lost",
            {"ge": 0.0, "le": 1.0},
        ),
    ),
)


@SHOCKS.register("connectivity_outage")
@dataclass(kw_only=True)
class ConnectivityOutage:
    """Villages lose most of their mobile coverage for some months."""

    start: int = OUTAGE.start
    months: int = OUTAGE.months
    severity: float = OUTAGE.severity
    villages: list | None = None

    @classmethod
    def check(cls, settings, scenario, file: str, path: str) -> None:
        """``villages`` must list villages of the scenario (or be left out for all of them)."""
        listed = settings.get("villages")
        if listed is None:
            return
        count = scenario.firms.villages
        if not isinstance(listed, list):
            raise ConfigError(file, f"{path}.villages", "expected a list of village numbers")
        for village in listed:
            if isinstance(village, bool) or not isinstance(village, int):
                raise ConfigError(file, f"{path}.villages", f"{village!r} is not a village number")
            if not 0 <= village < count:
                raise ConfigError(
                    file,
                    f"{path}.villages",
                    f"village {village} does not exist "
                    f"(the scenario has villages 0 to {count - 1})",
                )

    def initialize(self, model):
        self.saved = None

    def apply(self, model, rng):
        v = model.villages
        chosen = np.arange(v.count) if self.villages is None else np.array(self.villages)
        if model.month == self.start:
            self.saved = v.coverage[chosen].copy()
            v.coverage[chosen] *= 1 - self.severity
        elif model.month == self.start + self.months and self.saved is not None:
            v.coverage[chosen] = np.maximum(v.coverage[chosen], self.saved)
            self.saved = None


PRICE = register_rows(
    "shocks.input_price_shock",
    (
        ("start", 12, "month", ASSUMPTION, "month prices jump", {"ge": 0}),
        ("months", 12, "months", ASSUMPTION, "duration", {"ge": 1}),
        ("rise", 0.2, "share", ASSUMPTION, "input price rise", {"ge": 0.0}),
    ),
)


@SHOCKS.register("input_price_shock")
@dataclass(kw_only=True)
class InputPriceShock:
    """Input prices rise for a while (e.g. a fuel or commodity price hike)."""

    start: int = PRICE.start
    months: int = PRICE.months
    rise: float = PRICE.rise

    def initialize(self, model):
        pass

    def apply(self, model, rng):
        if self.start <= model.month < self.start + self.months:
            model.shared.input_price_factor *= 1 + self.rise
            model.state.unit_cost *= 1 + self.rise
