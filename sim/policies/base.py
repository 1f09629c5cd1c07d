"""Policies: public interventions with a start, an end, a budget, a unit cost and a target.

Covasim-style: each policy is a class with ``initialize(model)``, ``apply(model, rng)`` (once a
month, in the first phase) and ``finalize(model)``, registered by name in ``POLICIES``. Its
settings are its keyword-only fields; defaults are in the parameter table
(``policies.<name>.<setting>``). Every policy records what it spends, month by month and on how
many firms (``model.policy_ledger``), adds it to ``model.policy_spend_idr``, and never spends
more than ``budget_idr``: when the budget cannot cover every eligible firm, it picks at random
with its own stream. A policy keeps spending over its period as long as its target allows (later
cohorts, repeat courses, more months of subsidy); ``spendable_idr`` bounds what it could spend on
a scenario, so that ``msme-sim validate`` can warn about a budget its target cannot absorb.

Targeting (``target:``): ``poor_owner``, ``not_digital``, ``digital`` (true/false),
``literacy_below`` (0–1), ``villages`` (list of indices), ``sector`` (name), ``cluster``
([village, sector]). Every condition given must hold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydantic import Field, ValidationError, field_validator

from sim.declarations import Column, Unit
from sim.domain import SECTORS
from sim.errors import ConfigError
from sim.interventions import POLICIES
from sim.ledger import book
from sim.outcomes import HIGHER, NEITHER
from sim.params import ASSUMPTION, register_rows
from sim.rules.common import mean_where
from sim.settings import Section, pydantic_error

TUMANG = "Tumang study (seeds/004)"
COVID = "COVID collaboration study (seeds/000)"


class Target(Section):
    """Which firms a policy reaches (all conditions must hold)."""

    poor_owner: bool | None = None
    not_digital: bool | None = None
    digital: bool | None = None
    literacy_below: float | None = Field(None, ge=0, le=1)
    villages: list[int] | None = None
    sector: str | None = None
    cluster: tuple[int, str] | None = None

    @field_validator("sector")
    @classmethod
    def _known_sector(cls, sector: str | None) -> str | None:
        if sector is not None and sector not in SECTORS:
            raise ValueError(f"unknown sector {sector!r} (allowed: {', '.join(SECTORS)})")
        return sector

    @field_validator("cluster")
    @classmethod
    def _known_cluster_sector(cls, cluster: tuple[int, str] | None):
        if cluster is not None and cluster[1] not in SECTORS:
            raise ValueError(f"unknown sector {cluster[1]!r} (allowed: {', '.join(SECTORS)})")
        return cluster


def check_target(target: Any, villages: int, file: str, path: str) -> None:
    """A ``target:`` mapping checked: known keys and sectors, villages that exist."""
    try:
        t = Target.model_validate(target)
    except ValidationError as exc:
        err = pydantic_error(exc, file, Target)
        raise ConfigError(file, f"{path}.{err.path}", err.message) from None
    listed = list(t.villages or []) + ([t.cluster[0]] if t.cluster is not None else [])
    where = "villages" if t.villages else "cluster"
    for village in listed:
        if not 0 <= village < villages:
            raise ConfigError(
                file,
                f"{path}.{where}",
                f"village {village} does not exist (the scenario has villages 0 to {villages - 1})",
            )


def target_mask(model, target: dict[str, Any] | None) -> np.ndarray:
    """Living firms meeting every condition of ``target``."""
    s = model.state
    mask = s.alive.copy()
    t = Target.model_validate(target or {})
    if t.poor_owner is not None:
        mask &= s.poor == t.poor_owner
    if t.not_digital:
        mask &= s.level == 0
    if t.digital:
        mask &= s.level >= 1
    if t.literacy_below is not None:
        mask &= s.literacy < t.literacy_below
    if t.villages is not None:
        mask &= np.isin(s.village, t.villages)
    if t.sector is not None:
        mask &= s.sector == SECTORS.index(t.sector)
    if t.cluster is not None:
        mask &= (s.village == t.cluster[0]) & (s.sector == SECTORS.index(t.cluster[1]))
    return mask


COMMON = register_rows(
    "policies",
    (
        (
            "start",
            0,
            "month",
            ASSUMPTION,
            "first month the policy acts (0 = the first month)",
            {"ge": 0},
        ),
        (
            "end",
            10_000,
            "month",
            ASSUMPTION,
            "last month the policy acts (default: to the end)",
            {"ge": 0},
        ),
        ("budget_idr", 1.0e9, "Rp", ASSUMPTION, "total budget; never exceeded", {"ge": 0.0}),
    ),
)


def policy_rows(name: str, *rows: tuple):
    return register_rows(f"policies.{name}", rows)


@dataclass(kw_only=True)
class Policy:
    """Base class: timing, budget, targeting and the spending ledger."""

    start: int = COMMON.start
    end: int = COMMON.end
    budget_idr: float = COMMON.budget_idr
    target: dict | None = None
    spent_idr: float = field(default=0.0, init=False)
    chosen: np.ndarray | None = field(default=None, init=False)

    name = "policy"
    #: Declarations (see ``sim.declarations``): firm columns and shared model fields the policy
    #: owns; ``register`` turns them into the policy's ``unit``, whose ``outcome`` decorator
    #: declares the policy's own outcomes.
    columns: tuple = ()
    shared: tuple = ()
    #: Where the policy's money goes in the regency's accounts (``sim.ledger``): bought from
    #: outside (trainers, devices, data, interest subsidies) unless it is paid to firms.
    transaction = "public_purchases"

    @classmethod
    def check(cls, settings: dict[str, Any], scenario, file: str, path: str) -> None:
        """Check settings that depend on the scenario (called when a scenario is validated)."""
        if settings.get("target") is not None:
            check_target(settings["target"], scenario.firms.villages, file, f"{path}.target")

    def initialize(self, model) -> None:
        """Prepare state before the first month (override as needed)."""

    def finalize(self, model) -> None:
        """Clean up after the last month (override as needed)."""

    def active_months(self, horizon: int) -> int:
        """Months of a ``horizon``-month run in which the policy acts."""
        return max(0, min(self.end, horizon - 1) - self.start + 1)

    def spendable_idr(self, scenario, start) -> float:
        """About the most this policy could spend in ``scenario``, judged from its starting
        firms ``start`` (an object with ``state`` and ``villages``, like a model before its first
        month, and ``renewal``, the most firms a starting firm turns into with entrants);
        ``math.inf`` when it cannot be bounded beforehand. Subclasses say how."""
        return math.inf

    def targets(self, start, mask: np.ndarray | None = None) -> float:
        """How many firms this policy's target may hold over a run: the starting firms in the
        target (and in ``mask``) scaled by ``start.renewal`` for entrants."""
        found = target_mask(start, self.target) & (True if mask is None else mask)
        return float(found.sum()) * start.renewal

    def months_left(self, model) -> int:
        """Months from this one to the end of the policy's period (this one included)."""
        return max(1, min(self.end, model.scenario.months - 1) - model.month + 1)

    def active(self, model) -> bool:
        return self.start <= model.month <= self.end and self.remaining > 0

    @property
    def remaining(self) -> float:
        return self.budget_idr - self.spent_idr

    def apply(self, model, rng) -> None:
        """One month: spend on the chosen firms if active (subclasses implement ``treat``)."""
        draws = rng.random(model.state.n)  # fixed count: the stream never shifts
        if not self.active(model):
            return
        self.chosen = None
        self.treat(model, draws)
        if self.chosen is not None:  # the firms this policy reached (see ``choose``)
            model.state[treated_column(self.name)][self.chosen] = True

    def treat(self, model, draws: np.ndarray) -> None:
        raise NotImplementedError

    def choose(
        self,
        eligible: np.ndarray,
        draws: np.ndarray,
        unit_cost: float,
        per_month: int | None = None,
    ) -> np.ndarray:
        """Rows of eligible firms the budget (and monthly capacity) covers, at random."""
        rows = np.flatnonzero(eligible)
        rows = rows[np.argsort(draws[rows], kind="stable")]
        affordable = int(self.remaining // unit_cost) if unit_cost > 0 else len(rows)
        limit = min(affordable, per_month if per_month is not None else len(rows))
        self.chosen = rows[: max(limit, 0)]
        return self.chosen

    def spend(self, model, amount: float, firms: int) -> None:
        """Record spending (never beyond the budget: callers size their choice to it)."""
        amount = min(float(amount), self.remaining)
        if amount <= 0:
            return
        self.spent_idr += amount
        model.policy_spend_idr += amount
        book(model, self.transaction, amount)
        model.policy_ledger.append(
            {
                "month": model.month + 1,
                "policy": self.name,
                "spend_idr": amount,
                "firms": int(firms),
            }
        )


def may_repeat(last: np.ndarray, month: int, repeat_months: int) -> np.ndarray:
    """Firms never treated, or (``repeat_months`` > 0) last treated that many months ago."""
    never = last < 0
    if repeat_months <= 0:
        return never
    return never | (month - last >= repeat_months)


def grow_last(last: np.ndarray, n: int) -> np.ndarray:
    """``last`` (month of each firm's last treatment, -1 never) extended to ``n`` firm rows
    (int32: months fit, and it is one more number per firm row)."""
    if len(last) == n:
        return last
    return np.r_[last.astype(np.int32, copy=False), np.full(n - len(last), -1, dtype=np.int32)]


def choose_due(policy, model, draws: np.ndarray) -> np.ndarray:
    """Rows of targeted firms due a course (never treated, or ``policy.repeat_months`` ago),
    chosen within budget and monthly capacity; their month is recorded in ``policy.last``."""
    policy.last = grow_last(policy.last, model.state.n)
    due = may_repeat(policy.last, model.month, policy.repeat_months)
    eligible = target_mask(model, policy.target) & due
    rows = policy.choose(eligible, draws, policy.unit_cost_idr, policy.per_month)
    policy.last[rows] = model.month
    return rows


def rounds(months: int, repeat_months: int) -> int:
    """Most courses one owner can take in ``months`` (one, or one every ``repeat_months``)."""
    if months <= 0:
        return 0
    return 1 if repeat_months <= 0 else -(-months // repeat_months)


def treated_column(name: str) -> str:
    """The firm column that marks the firms policy ``name`` has reached."""
    return f"treated_{name}"


def register(name: str):
    """Register a policy class under ``name`` (its unit of declarations is built then).

    Every policy gets a column marking the firms it reached, two outcomes — the mean revenue
    of the living firms it reached and of the others — so that a comparison shows who gains and
    who loses (displacement), and its cumulative spending ``<name>_spend_idr``."""

    def add(cls):
        cls.name = name
        column = Column(treated_column(name), "bool", False, "-", f"reached by {name}")
        cls.columns = (*getattr(cls, "columns", ()), column)
        POLICIES.register(name, cls)
        for group, label in ((True, "reached by"), (False, "not reached by")):
            cls.unit.outcome(
                f"{name}_{'treated' if group else 'untreated'}_mean_revenue_idr",
                label=f"Mean revenue of firms {label} {name.replace('_', ' ')}",
                unit="Rp/month",
                kind="idr",
                better=HIGHER,
                aggregation=f"mean over living firms {label} the policy",
            )(_group_revenue(column.name, group))
        cls.unit.outcome(
            spend_outcome(name),
            label=f"Spending on {name.replace('_', ' ')} (cumulative)",
            unit="Rp",
            kind="idr",
            better=NEITHER,
            aggregation="cumulative sum of this policy's spending",
        )(_policy_spend(name))
        return cls

    return add


def spend_outcome(name: str) -> str:
    """The outcome holding policy ``name``'s cumulative spending."""
    return f"{name}_spend_idr"


def _policy_spend(name: str):
    def spend(model):
        return float(sum(p.spent_idr for p in model.policies if p.name == name))

    return spend


#: The budgets of a run's policies, an outcome of every run (0 without policies), so that the
#: analysis can set what was spent against what was budgeted.
BUDGETS = Unit("budgets", origin=__file__)


@BUDGETS.outcome(
    "policy_budget_idr",
    label="Policy budget",
    unit="Rp",
    kind="idr",
    better=NEITHER,
    aggregation="sum of the budgets of the run's policies",
)
def policy_budget(model):
    """Total budget of the run's policies, Rp (what ``policy_spend_idr`` can reach)."""
    return float(sum(p.budget_idr for p in model.policies))


def _group_revenue(column: str, treated: bool):
    def mean_revenue(model):
        s = model.state
        reached = s[column] if treated else ~s[column]
        return mean_where(s.revenue, s.alive & reached)

    return mean_revenue
