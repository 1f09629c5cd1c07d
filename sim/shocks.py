"""Shocks: demand collapses, connectivity outages and input price rises.

Each shock is a class registered in ``SHOCKS`` with ``initialize(model)`` and ``apply(model,
rng)`` run every month after the policies. Shocks act on the economy, never on a firm's result:
households' outside income (``model.shared.outside_income_factor``), the outside buyers
(``outside_factor``), the channel households buy through (``online_shift``), input prices and
village coverage. These shared values return to normal at the start of every month.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.errors import ConfigError
from sim.interventions import SHOCKS
from sim.params import ASSUMPTION, register_rows

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
            "income_drop",
            0.3,
            "share",
            "COVID-19 job and income losses of informal and farm households (assumption for "
            "the value)",
            "share of households' outside income lost at full strength",
            {"ge": 0.0, "le": 1.0},
        ),
        (
            "outside_drop",
            0.6,
            "share",
            "COVID-19 travel restrictions: tourists and traders stayed away (assumption for "
            "the value)",
            "share of outside buyers lost at full strength",
            {"ge": 0.0, "le": 1.0},
        ),
        (
            "online_shift",
            0.2,
            "share of budget",
            "COVID collaboration study (seeds/000): digital channels kept sales going; value an "
            "assumption",
            "extra share of households' MSME budget spent online during restrictions",
            {"ge": 0.0, "le": 1.0},
        ),
        (
            "input_cost_rise",
            0.1,
            "share",
            "COVID supply-chain disruption (assumption for the value)",
            "rise of input prices during the shock",
            {"ge": 0.0, "le": 10.0},
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
    """A COVID-like demand collapse from the demand side: households lose part of their outside
    income, outside buyers stay away, restrictions move part of the households' budget online,
    input prices rise; then recovery. Firms lose what their buyers no longer spend with them."""

    start: int = D.start
    months: int = D.months
    recovery_months: int = D.recovery_months
    income_drop: float = D.income_drop
    outside_drop: float = D.outside_drop
    online_shift: float = D.online_shift
    input_cost_rise: float = D.input_cost_rise
    recovery: str = D.recovery

    def initialize(self, model):
        pass

    def apply(self, model, rng):
        k = strength(model.month, self.start, self.months, self.recovery_months, self.recovery)
        if k == 0:
            return
        sh = model.shared
        sh.outside_income_factor *= 1 - k * self.income_drop
        sh.outside_factor *= 1 - k * self.outside_drop
        sh.online_shift += k * self.online_shift
        sh.input_price_factor *= 1 + k * self.input_cost_rise
        model.state.unit_cost *= 1 + k * self.input_cost_rise


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
