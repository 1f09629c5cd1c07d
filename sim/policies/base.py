"""Policies: public interventions with a start, an end, a budget, a unit cost and a target.

Covasim-style: each policy is a class with ``initialize(model)``, ``apply(model, rng)`` (once a
month, in the first phase) and ``finalize(model)``, registered by name in ``POLICIES``. Its
settings are its keyword-only fields; defaults are in the parameter table
(``policies.<name>.<setting>``). Every policy records what it spends, month by month and on how
many firms (``model.policy_ledger``), adds it to ``model.policy_spend_idr``, and never spends
more than ``budget_idr``: when the budget cannot cover every eligible firm, it picks at random
with its own stream.

Targeting (``target:``): ``poor_owner``, ``not_digital``, ``digital`` (true/false),
``literacy_below`` (0–1), ``villages`` (list of indices), ``sector`` (name), ``cluster``
([village, sector]). Every condition given must hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydantic import Field, ValidationError, field_validator

from sim.declarations import Column
from sim.domain import SECTORS
from sim.errors import ConfigError
from sim.interventions import POLICIES
from sim.ledger import book
from sim.outcomes import HIGHER
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


def treated_column(name: str) -> str:
    """The firm column that marks the firms policy ``name`` has reached."""
    return f"treated_{name}"


def register(name: str):
    """Register a policy class under ``name`` (its unit of declarations is built then).

    Every policy gets a column marking the firms it reached and two outcomes — the mean revenue
    of the living firms it reached and of the others — so that a comparison shows who gains and
    who loses (displacement)."""

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
        return cls

    return add


def _group_revenue(column: str, treated: bool):
    def mean_revenue(model):
        s = model.state
        reached = s[column] if treated else ~s[column]
        return mean_where(s.revenue, s.alive & reached)

    return mean_revenue
