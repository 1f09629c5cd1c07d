"""MSMEModel: firms in villages, their networks, and one month per step.

Firm state lives in NumPy columns (``model.state``); every living firm is also a Mesa agent
(``model.agents``) whose attributes are views on its row. The model is assembled from the
declarations of its units (``sim.catalogue``): the firm columns, the shared model fields
(``model.shared``), the outcomes and the order of the month all come from the mechanisms,
policies and shocks of the scenario; this file names none of them. Each phase of ``step()`` is a
rule chosen in the scenario (``sim.rules``) and draws from its own random stream, so switching one
mechanism or policy on does not reshuffle another phase's draws.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

import mesa
import numpy as np
import pandas as pd

from sim import catalogue, network
from sim.config import Scenario, scenario_from_dict
from sim.declarations import SharedState
from sim.domain import SECTOR_PRICE_IDR, SECTORS
from sim.interventions import POLICIES, SHOCKS, instantiate
from sim.population import fill_firms, make_villages
from sim.rules import MECHANISMS, START, bind
from sim.state import Firm, FirmState


def phase_stream(seed: int, phase: str) -> np.random.Generator:
    """The random stream of one phase: a SeedSequence keyed by the run seed and the phase name."""
    return np.random.default_rng(
        np.random.SeedSequence(seed, spawn_key=(zlib.crc32(phase.encode()),))
    )


class MSMEModel(mesa.Model):
    """An MSME ecosystem. ``MSMEModel()`` builds the default scenario."""

    def __init__(self, scenario: Scenario | None = None, *, seed: int | None = None):
        scenario = scenario if scenario is not None else scenario_from_dict({"name": "default"})
        seed = scenario.seed if seed is None else int(seed)
        super().__init__(seed=seed)
        self.scenario, self.run_seed = scenario, seed
        self._streams: dict[str, np.random.Generator] = {}
        self.month = 0
        self.policy_spend_idr = 0.0
        self.entries_this_month = self.exits_this_month = 0
        self.units = catalogue.units(scenario)
        self.shared = SharedState(catalogue.shared_fields(scenario))

        rng = self.stream("population")
        n = scenario.firms.count
        self.villages = make_villages(scenario, rng)
        self.state = FirmState(n, catalogue.columns(scenario), capacity=n + n // 4 + 16)
        fill_firms(self.state, slice(0, n), scenario, self.villages, rng)
        self.state.founder = True
        self.net = network.build(
            self.state.village,
            self.state.sector,
            self.villages.count,
            scenario.networks,
            self.stream("networks"),
        )
        self.sector_price = SECTOR_PRICE_IDR
        self.rules = bind(scenario.rules)
        self.schedule = [START, *catalogue.month_order(scenario)]
        self.set_up_mechanisms()
        self.policy_ledger: list[dict] = []
        self.policies = instantiate(POLICIES, scenario.policies)
        self.shocks = instantiate(SHOCKS, scenario.shocks)
        for intervention in (*self.policies, *self.shocks):
            intervention.initialize(self)
        self.views: list[Firm | None] = [Firm(self, row) for row in range(n)]
        self.outcomes = catalogue.outcomes(scenario)
        self.history = {name: np.full(scenario.months, np.nan) for name in self.outcomes}

    def set_up_mechanisms(self) -> None:
        """Call the declared setup of every enabled mechanism, each with its own stream."""
        for name, spec in self.scenario.rules.items():
            setup = MECHANISMS[name].setup_fn
            if spec["enabled"] and setup is not None:
                setup(self, self.stream(f"{name}.setup"))

    # --- the month ------------------------------------------------------------------------------
    def step(self) -> None:
        """One month: the phases in the order the mechanisms declare (docs/ODD.md)."""
        self.start_month()
        for phase in self.schedule:
            if phase == START:
                self.apply_interventions()
            else:
                self.apply_rule(phase)
        self.record_month()

    def start_month(self) -> None:
        s = self.state
        s.extra_cost = 0.0
        s.unit_cost = s.base_unit_cost
        self.shared.start_month()
        s.age_months += s.alive
        self.entries_this_month = self.exits_this_month = 0

    def apply_interventions(self) -> None:
        """Policies, then shocks, each with its own random stream."""
        for i, policy in enumerate(self.policies):
            policy.apply(self, self.stream(f"policy.{i}.{policy.name}"))
        for i, shock in enumerate(self.shocks):
            shock.apply(self, self.stream(f"shock.{i}"))

    def apply_rule(self, mechanism: str) -> None:
        """Run the scenario's variant of ``mechanism`` with its own stream (skipped if disabled)."""
        rule = self.rules[mechanism]  # a KeyError here is a misspelt phase
        if rule is not None:
            rule(self, self.stream(mechanism))

    def record_month(self) -> None:
        for name, (_, fn) in self.outcomes.items():
            values = self.history[name]
            if self.month >= len(values):  # run past the scenario's horizon
                values = self.history[name] = np.r_[values, np.full(len(values) + 1, np.nan)]
            values[self.month] = fn(self)
        self.month += 1

    # --- helpers for rules ----------------------------------------------------------------------
    def stream(self, phase: str) -> np.random.Generator:
        """The phase's own random generator (created on first use)."""
        if phase not in self._streams:
            self._streams[phase] = phase_stream(self.run_seed, phase)
        return self._streams[phase]

    def cells(self) -> np.ndarray:
        """Village×sector cell of every firm row."""
        return self.state.village * len(SECTORS) + self.state.sector

    def living_firms(self) -> Iterator[Firm]:
        """Agent views of living firms in row order (for per-firm rules)."""
        return (self.views[row] for row in np.flatnonzero(self.state.alive))

    def close_firms(self, rows: np.ndarray) -> None:
        """Mark ``rows`` dead, let every unit close its part of them, remove their agents."""
        self.state.alive[rows] = False
        for unit in self.units:
            unit.close(self, rows)
        for row in rows:
            view = self.views[row]
            if view is not None:
                view.remove()
                self.views[row] = None
        self.exits_this_month += len(rows)

    def open_firms(self, count: int, rng: np.random.Generator) -> None:
        """Add ``count`` new firms in villages weighted by their living firms."""
        s = self.state
        weights = np.bincount(s.village[s.alive], minlength=self.villages.count) + 1.0
        rows = s.grow(count)
        fill_firms(s, rows, self.scenario, self.villages, rng, village_weights=weights)
        new = np.arange(rows.start, rows.stop)
        self.net = network.attach(self.net, new, s.village, s.sector, self.scenario.networks, rng)
        self.views.extend(Firm(self, row) for row in new)
        self.entries_this_month += count

    # --- results --------------------------------------------------------------------------------
    def run(self, months: int | None = None, progress: bool = False) -> None:
        """Step ``months`` times (default: the scenario's horizon); a progress bar if asked."""
        steps = range(months or self.scenario.months)
        if progress:  # tqdm only when shown: even a disabled bar starts a monitor thread
            from tqdm import tqdm

            steps = tqdm(steps, desc=self.scenario.name, unit="month", leave=False)
        for _ in steps:
            self.step()
        for policy in self.policies:
            policy.finalize(self)

    def catalogue(self) -> dict:
        """The outcome catalogue of this model: ``name → sim.outcomes.Outcome``."""
        return {name: o for name, (o, _) in self.outcomes.items()}

    def monthly(self) -> pd.DataFrame:
        """One row per simulated month: the aggregate outcomes."""
        months = self.month
        frame = pd.DataFrame({name: values[:months] for name, values in self.history.items()})
        frame.insert(0, "month", np.arange(1, months + 1))
        return frame

    def firm_table(self) -> pd.DataFrame:
        """Every firm row now (living, exited and entrants): this month's revenue, profit and
        owner income in Rp, digital level, poor-owner flag, sector name, size class, alive,
        village, founder (a starting firm: row ``i`` is the same firm in every run of the same
        seed) and, per policy, whether it reached the firm (``treated_<policy>``)."""
        s = self.state
        reached = {c: s[c] for c in s.columns if c.startswith("treated_")}
        return pd.DataFrame(
            {
                "revenue_idr": s.revenue,
                "profit_idr": s.profit,
                "income_idr": s.drawings,
                "digital_level": s.level,
                "poor_owner": s.poor,
                "sector": pd.Categorical.from_codes(s.sector, SECTORS),
                "size_class": s.size_class,
                "alive": s.alive,
                "village": s.village,
                "founder": s.founder,
                **reached,
            }
        )

    def summary(self) -> dict[str, float]:
        """End-of-run outcomes (the last month's aggregates)."""
        if self.month == 0:
            return {name: float(fn(self)) for name, (_, fn) in self.outcomes.items()}
        return {name: float(values[self.month - 1]) for name, values in self.history.items()}
