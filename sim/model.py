"""MSMEModel: firms in villages, their networks, and one month per step.

Firm state lives in NumPy columns (``model.state``); every living firm is also a Mesa agent
(``model.agents``, created when first asked for) whose attributes are views on its row. The
model is assembled from the declarations of its units (``sim.catalogue``): the firm columns,
the shared model fields (``model.shared``), the outcomes and the order of the month all come
from the mechanisms, policies and shocks of the scenario; this file names none of them. Each
phase of ``step()`` is a rule chosen in the scenario (``sim.rules``) and draws from its own
random stream, so switching one mechanism or policy on does not reshuffle another phase's draws.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

import mesa
import numpy as np
import pandas as pd

from sim import catalogue, checks, network
from sim.config import Scenario, scenario_from_dict
from sim.declarations import SharedState
from sim.domain import SECTOR_PRICE_IDR, SECTORS
from sim.interventions import POLICIES, SHOCKS, instantiate
from sim.kernels import one_blas_thread
from sim.population import fill_firms, make_villages
from sim.rules import MECHANISMS, START, bind
from sim.rules.common import recording_outcomes
from sim.state import Firm, FirmState


def phase_stream(seed: int, phase: str) -> np.random.Generator:
    """The random stream of one phase: a SeedSequence keyed by the run seed and the phase name."""
    return np.random.default_rng(
        np.random.SeedSequence(seed, spawn_key=(zlib.crc32(phase.encode()),))
    )


class MSMEModel(mesa.Model):
    """An MSME ecosystem. ``MSMEModel()`` builds the default scenario."""

    def __init__(
        self,
        scenario: Scenario | None = None,
        *,
        seed: int | None = None,
        check: bool | None = None,
    ):
        """``check``: verify ranges and accounts after every phase (``sim.checks``; default:
        the ``MSME_SIM_CHECK`` environment variable)."""
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
        self.views: dict[int, Firm] = {}  # agent views, created when first asked for
        self._viewed = 0  # rows below this have had their view created (or were dead)
        self.outcomes = catalogue.outcomes(scenario)
        self.history = {name: np.full(scenario.months, np.nan) for name in self.outcomes}
        self.checker = (
            checks.Checker(self) if (checks.default() if check is None else check) else None
        )
        if self.checker is not None:
            self.checker.columns()

    def set_up_mechanisms(self) -> None:
        """Call the declared setup of every enabled mechanism, each with its own stream."""
        for name, spec in self.scenario.rules.items():
            setup = MECHANISMS[name].setup_fn
            if spec["enabled"] and setup is not None:
                setup(self, self.stream(f"{name}.setup"))

    # --- the month ------------------------------------------------------------------------------
    def step(self) -> None:
        """One month: the phases in the order the mechanisms declare (docs/ODD.md)."""
        with one_blas_thread():
            self.start_month()
            checker = self.checker
            if checker is not None:
                checker.start_month()
            for phase in self.schedule:
                if checker is not None:
                    checker.phase = phase
                if phase == START:
                    self.apply_interventions()
                else:
                    self.apply_rule(phase)
                if checker is not None:
                    checker.after(phase)
            if checker is not None:
                checker.end_month()
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
        with recording_outcomes(self.state.alive):  # one float copy of the living mask
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

    @property
    def agents(self) -> mesa.agent.AgentSet:
        """Every living firm as a Mesa agent (views on the firm rows, created on first access)."""
        self._create_views()
        return super().agents

    @property
    def agents_by_type(self) -> dict:
        self._create_views()
        return super().agents_by_type

    def _create_views(self) -> None:
        """Give every living firm added since the last call its agent view, in row order.

        Views are lazy: a run that never asks for agents builds none, so building the model and
        tying entrants in stay column operations; asking once costs one view per living firm."""
        s = self.state
        for row in np.flatnonzero(s.alive[self._viewed :]) + self._viewed:
            self.views[int(row)] = Firm(self, int(row))
        self._viewed = s.n

    def living_firms(self) -> Iterator[Firm]:
        """Agent views of living firms in row order (for per-firm rules)."""
        self._create_views()
        views = self.views
        return (views[row] for row in np.flatnonzero(self.state.alive).tolist())

    def close_firms(self, rows: np.ndarray) -> None:
        """Mark ``rows`` dead, let every unit close its part of them, remove their agents."""
        self.state.alive[rows] = False
        for unit in self.units:
            unit.close(self, rows)
        if self.views:
            for row in rows.tolist():
                view = self.views.pop(row, None)
                if view is not None:
                    view.remove()
        self.exits_this_month += len(rows)

    def open_firms(self, count: int, rng: np.random.Generator) -> None:
        """Add ``count`` new firms in villages weighted by their living firms."""
        s = self.state
        weights = np.bincount(s.village[s.alive], minlength=self.villages.count) + 1.0
        rows = s.grow(count)
        fill_firms(s, rows, self.scenario, self.villages, rng, village_weights=weights)
        new = np.arange(rows.start, rows.stop)
        self.net = network.attach(self.net, new, s.village, s.sector, self.scenario.networks, rng)
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
