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
from pydantic import Field

from sim.config import SECTORS, Section
from sim.interventions import POLICIES
from sim.params import ASSUMPTION, KUR_2023, SIDOARJO, register_rows

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


def _rows(name: str, *rows: tuple):
    return register_rows(f"policies.{name}", rows)


@dataclass(kw_only=True)
class Policy:
    """Base class: timing, budget, targeting and the spending ledger."""

    start: int = COMMON.start
    end: int = COMMON.end
    budget_idr: float = COMMON.budget_idr
    target: dict | None = None
    spent_idr: float = field(default=0.0, init=False)

    name = "policy"

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
        self.treat(model, draws)

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
        return rows[: max(limit, 0)]

    def spend(self, model, amount: float, firms: int) -> None:
        """Record spending (never beyond the budget: callers size their choice to it)."""
        amount = min(float(amount), self.remaining)
        if amount <= 0:
            return
        self.spent_idr += amount
        model.policy_spend_idr += amount
        model.policy_ledger.append(
            {
                "month": model.month + 1,
                "policy": self.name,
                "spend_idr": amount,
                "firms": int(firms),
            }
        )


def register(name: str):
    def add(cls):
        cls.name = name
        return POLICIES.register(name, cls)

    return add


T = _rows(
    "digital_training",
    (
        "unit_cost_idr",
        1.5e6,
        "Rp/trainee",
        ASSUMPTION + " (a short course)",
        "cost per trained owner",
        {"ge": 0.0},
    ),
    (
        "literacy_gain",
        0.25,
        "share of gap",
        SIDOARJO + ": regular digital-literacy training",
        "literacy gained: this share of the gap to 1",
        {"ge": 0.0, "le": 1.0},
    ),
    ("per_month", 200, "trainees/month", ASSUMPTION, "training capacity", {"ge": 0}),
)


@register("digital_training")
@dataclass(kw_only=True)
class DigitalTraining(Policy):
    """Raises owners' digital literacy (once per owner). Default target: literacy below 0.5."""

    unit_cost_idr: float = T.unit_cost_idr
    literacy_gain: float = T.literacy_gain
    per_month: int = T.per_month

    def initialize(self, model):
        self.target = self.target if self.target is not None else {"literacy_below": 0.5}
        self.trained = np.zeros(0, dtype=bool)

    def treat(self, model, draws):
        s = model.state
        self.trained = np.r_[self.trained, np.zeros(s.n - len(self.trained), dtype=bool)]
        rows = self.choose(
            target_mask(model, self.target) & ~self.trained,
            draws,
            self.unit_cost_idr,
            self.per_month,
        )
        s.literacy[rows] += self.literacy_gain * (1 - s.literacy[rows])
        self.trained[rows] = True
        self.spend(model, len(rows) * self.unit_cost_idr, len(rows))


D = _rows(
    "data_subsidy",
    (
        "share",
        0.5,
        "share of data cost",
        SIDOARJO + ": costly internet access",
        "share of the data bill paid",
        {"ge": 0.0, "le": 1.0},
    ),
)


@register("data_subsidy")
@dataclass(kw_only=True)
class DataSubsidy(Policy):
    """Pays a share of targeted firms' mobile-data bills; spend is the subsidised data used."""

    share: float = D.share

    def treat(self, model, draws):
        from sim.rules.digital_adoption import data_cost

        s = model.state
        eligible = target_mask(model, self.target)
        full = data_cost(s, model.villages, np.maximum(s.level, 1), model.scenario.connectivity)
        cost = self.share * np.where(s.level >= 1, full, 0.0)
        order = np.flatnonzero(eligible)[np.argsort(draws[eligible], kind="stable")]
        covered = order[np.cumsum(cost[order]) <= self.remaining]
        s.data_subsidy[:] = 0.0
        s.data_subsidy[covered] = self.share
        self.spend(model, cost[covered].sum(), len(covered))


G = _rows(
    "device_grant",
    (
        "unit_cost_idr",
        1.5e6,
        "Rp/device",
        ASSUMPTION + " (entry smartphone)",
        "cost of one device",
        {"ge": 0.0},
    ),
    ("per_month", 200, "grants/month", ASSUMPTION, "grants handed out a month", {"ge": 0}),
)


@register("device_grant")
@dataclass(kw_only=True)
class DeviceGrant(Policy):
    """Gives a smartphone to targeted owners without one (the one-off adoption cost)."""

    unit_cost_idr: float = G.unit_cost_idr
    per_month: int = G.per_month

    def treat(self, model, draws):
        s = model.state
        rows = self.choose(
            target_mask(model, self.target) & ~s.has_device,
            draws,
            self.unit_cost_idr,
            self.per_month,
        )
        s.has_device[rows] = True
        self.spend(model, len(rows) * self.unit_cost_idr, len(rows))


C = _rows(
    "cheap_credit",
    (
        "unit_cost_idr",
        1.0e6,
        "Rp/loan",
        KUR_2023 + "; interest subsidy per loan (assumption)",
        "public cost of one subsidised loan",
        {"ge": 0.0},
    ),
    (
        "min_age_months",
        6,
        "months",
        KUR_2023 + ": business running at least 6 months",
        "eligibility: firm age",
        {"ge": 0},
    ),
    ("per_month", 100, "loans/month", ASSUMPTION, "loans the banks process a month", {"ge": 0}),
)


@register("cheap_credit")
@dataclass(kw_only=True)
class CheapCredit(Policy):
    """KUR-like loans: targeted eligible firms without debt get a loan this month at KUR rates
    (3% super-micro, 6% rising to 9% on repeat loans; finance rule)."""

    unit_cost_idr: float = C.unit_cost_idr
    min_age_months: int = C.min_age_months
    per_month: int = C.per_month

    def treat(self, model, draws):
        s = model.state
        eligible = (
            target_mask(model, self.target) & (s.debt <= 0) & (s.age_months >= self.min_age_months)
        )
        rows = self.choose(eligible, draws, self.unit_cost_idr, self.per_month)
        s.credit_offer[rows] = True
        self.spend(model, len(rows) * self.unit_cost_idr, len(rows))


U = _rows(
    "connectivity_upgrade",
    (
        "unit_cost_idr",
        5.0e8,
        "Rp/village",
        ASSUMPTION + " (a BTS tower and backhaul)",
        "cost of upgrading one village",
        {"ge": 0.0},
    ),
    (
        "coverage",
        0.97,
        "share",
        "BAKTI 4G programme target (assumption for the value)",
        "village coverage after the upgrade",
        {"ge": 0.0, "le": 1.0},
    ),
    ("quality_gain", 0.2, "0-1", ASSUMPTION, "connection quality gained", {"ge": 0.0, "le": 1.0}),
    ("build_months", 6, "months", ASSUMPTION, "months from funding to service", {"ge": 0}),
)


@register("connectivity_upgrade")
@dataclass(kw_only=True)
class ConnectivityUpgrade(Policy):
    """Funds towers in the worst-covered (or listed) villages; service starts after a build time."""

    unit_cost_idr: float = U.unit_cost_idr
    coverage: float = U.coverage
    quality_gain: float = U.quality_gain
    build_months: int = U.build_months

    def initialize(self, model):
        self.pending: list[tuple[int, int]] = []  # (month ready, village)
        self.funded = np.zeros(model.villages.count, dtype=bool)

    def apply(self, model, rng):
        super().apply(model, rng)
        v = model.villages
        ready = [vil for month, vil in self.pending if month <= model.month]
        self.pending = [(m, vil) for m, vil in self.pending if m > model.month]
        for vil in ready:
            v.coverage[vil] = max(v.coverage[vil], self.coverage)
            v.quality[vil] = min(1.0, v.quality[vil] + self.quality_gain)

    def treat(self, model, draws):
        listed = (self.target or {}).get("villages")
        candidates = np.array(listed if listed is not None else range(model.villages.count))
        candidates = candidates[~self.funded[candidates]]
        candidates = candidates[np.argsort(model.villages.coverage[candidates], kind="stable")]
        count = min(len(candidates), int(self.remaining // max(self.unit_cost_idr, 1e-9)))
        chosen = candidates[:count]
        self.funded[chosen] = True
        self.pending += [(model.month + self.build_months, int(vil)) for vil in chosen]
        firms = int(np.isin(model.state.village[model.state.alive], chosen).sum())
        self.spend(model, count * self.unit_cost_idr, firms)


F = _rows(
    "cooperative_facilitation",
    (
        "unit_cost_idr",
        5.0e6,
        "Rp/village/month",
        ASSUMPTION + " (a facilitator)",
        "cost of facilitating one village for a month",
        {"ge": 0.0},
    ),
    (
        "meeting_boost",
        0.5,
        "1/month",
        TUMANG + ": regular meetings of all parties",
        "added monthly chance of a meeting of all parties",
        {"ge": 0.0, "le": 1.0},
    ),
)


@register("cooperative_facilitation")
@dataclass(kw_only=True)
class CooperativeFacilitation(Policy):
    """Facilitated regular meetings in the targeted villages (governance: trust and information
    sharing up, coordination cost of pools down)."""

    unit_cost_idr: float = F.unit_cost_idr
    meeting_boost: float = F.meeting_boost

    def treat(self, model, draws):
        if getattr(model, "meeting_boost", None) is None:
            return  # governance is switched off: nothing to facilitate
        listed = (self.target or {}).get("villages")
        villages = np.array(listed if listed is not None else range(model.villages.count))
        count = min(len(villages), int(self.remaining // max(self.unit_cost_idr, 1e-9)))
        model.meeting_boost[:] = 0.0
        model.meeting_boost[villages[:count]] = self.meeting_boost
        firms = int(np.isin(model.state.village[model.state.alive], villages[:count]).sum())
        self.spend(model, count * self.unit_cost_idr, firms)

    def finalize(self, model):
        if getattr(model, "meeting_boost", None) is not None:
            model.meeting_boost[:] = 0.0


R = _rows(
    "regional_platform",
    (
        "unit_cost_idr",
        2.0e4,
        "Rp/member/month",
        ASSUMPTION + " (hosting, promotion)",
        "running cost per member and month",
        {"ge": 0.0},
    ),
    (
        "reach_idr",
        3.0e6,
        "Rp/month",
        SIDOARJO + ": a regional digital collaboration platform",
        "spending one member alone attracts",
        {"ge": 0.0},
    ),
    (
        "crowding",
        0.5,
        "0-1",
        SIDOARJO + ": crowding on platforms",
        "platform spending grows as members^(1 − crowding)",
        {"ge": 0.0, "le": 1.0},
    ),
)


@register("regional_platform")
@dataclass(kw_only=True)
class RegionalPlatform(Policy):
    """A regional joint-marketing platform for targeted digital firms (joint_marketing rule)."""

    unit_cost_idr: float = R.unit_cost_idr
    reach_idr: float = R.reach_idr
    crowding: float = R.crowding

    def treat(self, model, draws):
        s = model.state
        rows = self.choose(
            target_mask(model, self.target) & (s.level >= 1), draws, self.unit_cost_idr
        )
        members = np.zeros(s.n, dtype=bool)
        members[rows] = True
        model.platform = {
            "reach_idr": self.reach_idr,
            "crowding": self.crowding,
            "members": members,
        }
        self.spend(model, len(rows) * self.unit_cost_idr, len(rows))

    def apply(self, model, rng):
        model.platform = None
        super().apply(model, rng)


M = _rows(
    "mentoring",
    ("unit_cost_idr", 2.0e6, "Rp/mentee", ASSUMPTION, "cost per mentored firm", {"ge": 0.0}),
    (
        "knowledge_gain",
        0.3,
        "share of gap",
        SIDOARJO + ": loans with mentoring",
        "business knowledge gained",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "marketing_gain",
        0.2,
        "share of gap",
        ASSUMPTION,
        "marketing capability gained",
        {"ge": 0.0, "le": 1.0},
    ),
    ("per_month", 100, "mentees/month", ASSUMPTION, "mentoring capacity", {"ge": 0}),
)


@register("mentoring")
@dataclass(kw_only=True)
class Mentoring(Policy):
    """Business mentoring: knowledge and marketing capability up (once per firm)."""

    unit_cost_idr: float = M.unit_cost_idr
    knowledge_gain: float = M.knowledge_gain
    marketing_gain: float = M.marketing_gain
    per_month: int = M.per_month

    def initialize(self, model):
        self.done = np.zeros(0, dtype=bool)

    def treat(self, model, draws):
        s = model.state
        self.done = np.r_[self.done, np.zeros(s.n - len(self.done), dtype=bool)]
        rows = self.choose(
            target_mask(model, self.target) & ~self.done, draws, self.unit_cost_idr, self.per_month
        )
        s.knowledge[rows] += self.knowledge_gain * (1 - s.knowledge[rows])
        s.skill_marketing[rows] += self.marketing_gain * (1 - s.skill_marketing[rows])
        self.done[rows] = True
        self.spend(model, len(rows) * self.unit_cost_idr, len(rows))


Y = _rows(
    "youth_skill_training",
    (
        "unit_cost_idr",
        5.0e6,
        "Rp/trainee",
        ASSUMPTION + " (a basic metal-craft course)",
        "cost per trained youth",
        {"ge": 0.0},
    ),
    (
        "per_month",
        2,
        "trainees/village/month",
        TUMANG + ": skill education for local youth",
        "trainees per village and month",
        {"ge": 0},
    ),
    ("lag_months", 6, "months", ASSUMPTION, "training length before they can work", {"ge": 0}),
)


@register("youth_skill_training")
@dataclass(kw_only=True)
class YouthSkillTraining(Policy):
    """Trains local youths in craft skills; they join the village's labour pool after a lag."""

    unit_cost_idr: float = Y.unit_cost_idr
    per_month: int = Y.per_month
    lag_months: int = Y.lag_months

    def initialize(self, model):
        self.pipeline: list[tuple[int, np.ndarray]] = []

    def apply(self, model, rng):
        super().apply(model, rng)
        if getattr(model, "youth_trained", None) is None:
            return
        for _, trained in [p for p in self.pipeline if p[0] <= model.month]:
            model.youth_trained += trained
        self.pipeline = [p for p in self.pipeline if p[0] > model.month]

    def treat(self, model, draws):
        if getattr(model, "youth_trained", None) is None:
            return  # labour is switched off
        listed = (self.target or {}).get("villages")
        villages = np.array(listed if listed is not None else range(model.villages.count))
        per_village = np.zeros(model.villages.count)
        budget_trainees = int(self.remaining // max(self.unit_cost_idr, 1e-9))
        take = np.minimum(
            self.per_month,
            np.maximum(budget_trainees - np.arange(len(villages)) * self.per_month, 0),
        )
        per_village[villages] = take
        total = int(per_village.sum())
        self.pipeline.append((model.month + self.lag_months, per_village))
        self.spend(model, total * self.unit_cost_idr, total)


S = _rows(
    "collaboration_subsidy",
    (
        "share",
        0.5,
        "share of cost",
        COVID + ": subsidies for collaborative projects",
        "share of pools' coordination and shared facilities' costs paid",
        {"ge": 0.0, "le": 1.0},
    ),
)


@register("collaboration_subsidy")
@dataclass(kw_only=True)
class CollaborationSubsidy(Policy):
    """Co-funds shared facilities and purchasing pools: the mechanisms ask ``grant(amount)``."""

    share: float = S.share

    def treat(self, model, draws):
        model.collaboration_subsidy = self

    def apply(self, model, rng):
        model.collaboration_subsidy = None
        super().apply(model, rng)

    def grant(self, model, cost: float, firms: int) -> float:
        """The part of ``cost`` this subsidy pays (within the budget); recorded as spending."""
        paid = min(self.share * cost, self.remaining)
        self.spend(model, paid, firms)
        return paid
