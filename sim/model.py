"""MSMEModel: firms in villages, their networks, and one month per step.

Firm state lives in NumPy columns (``model.state``); every living firm is also a Mesa agent
(``model.agents``) whose attributes are views on its row. Each phase of ``step()`` is a rule chosen
in the scenario (``sim.rules``) and draws from its own random stream, so switching one mechanism
or policy on does not reshuffle another phase's draws.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

import mesa
import numpy as np
import pandas as pd

from sim import network
from sim.config import SECTORS, Scenario, scenario_from_dict
from sim.interventions import POLICIES, SHOCKS, instantiate
from sim.metrics import METRICS
from sim.population import SECTOR_PRICE_IDR, fill_firms, make_villages
from sim.rules import bind, setup_all
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
        self.input_price_factor = 1.0  # shocks raise it
        self.coordination_factor = None  # per village, set by governance (None: 1 everywhere)
        self.group_boost = None  # per group, set by joint marketing (None: 1 everywhere)
        self.joint_spillover = 0.0
        self.entries_this_month = self.exits_this_month = 0

        rng = self.stream("population")
        n = scenario.firms.count
        self.villages = make_villages(scenario, rng)
        self.state = FirmState(n, capacity=n + n // 4 + 16)
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
        self.local_demand = np.bincount(
            self.cells(), weights=self.state.customers, minlength=self.villages.count * len(SECTORS)
        )
        self.rules = bind(scenario.rules)
        setup_all(self)
        self.policy_ledger: list[dict] = []
        self.platform = self.collaboration_subsidy = None
        self.policies = instantiate(POLICIES, scenario.policies)
        self.shocks = instantiate(SHOCKS, scenario.shocks)
        for intervention in (*self.policies, *self.shocks):
            intervention.initialize(self)
        self.views: list[Firm | None] = [Firm(self, row) for row in range(n)]
        self.history = {name: np.full(scenario.months, np.nan) for name in METRICS}

    # --- the month ------------------------------------------------------------------------------
    def step(self) -> None:
        """One month: the phases in their fixed order (docs/ODD.md, process overview)."""
        self.start_month()
        self.apply_interventions()
        self.apply_rule("governance")
        self.apply_rule("knowledge_sharing")
        self.apply_rule("digital_adoption")
        self.apply_rule("partnering")
        self.apply_rule("bulk_purchasing")
        self.apply_rule("resource_sharing")
        self.apply_rule("labour")
        self.apply_rule("joint_marketing")
        self.apply_rule("market")
        self.apply_rule("co_creation")
        self.apply_rule("finance")
        self.apply_rule("exit_entry")
        self.record_month()

    def start_month(self) -> None:
        s = self.state
        s.extra_cost = 0.0
        s.unit_cost = s.base_unit_cost
        s.offline_factor = 1.0
        s.online_factor = 1.0
        self.input_price_factor = 1.0
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
        for name, (fn, _) in METRICS.items():
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
        """Mark ``rows`` dead and remove their agents; dead firms stay dead."""
        s = self.state
        s.alive[rows] = False
        partners = s.partner[rows]
        s.partner[partners[partners >= 0]] = -1  # partnerships end with the firm
        s.partner[rows] = -1
        for column in ("pooling", "facility_user", "joint_promo", "cocreating"):
            s[column][rows] = False
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

    def monthly(self) -> pd.DataFrame:
        """One row per simulated month: the aggregate outcomes."""
        months = self.month
        frame = pd.DataFrame({name: values[:months] for name, values in self.history.items()})
        frame.insert(0, "month", np.arange(1, months + 1))
        return frame

    def summary(self) -> dict[str, float]:
        """End-of-run outcomes (the last month's aggregates)."""
        if self.month == 0:
            return {name: float(fn(self)) for name, (fn, _) in METRICS.items()}
        return {name: float(values[self.month - 1]) for name, values in self.history.items()}
