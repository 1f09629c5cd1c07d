"""Collaboration policies: cooperative facilitation, a regional platform, youth skill training
and subsidies for collaborative projects."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.declarations import SharedField
from sim.params import ASSUMPTION
from sim.policies.base import COVID, TUMANG, Policy, policy_rows, register, target_mask

F = policy_rows(
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
    sharing up, coordination cost of pools down).

    Spending: ``unit_cost_idr`` per targeted village and month, every village each month until
    the budget runs out."""

    unit_cost_idr: float = F.unit_cost_idr
    meeting_boost: float = F.meeting_boost

    def spendable_idr(self, scenario, start):
        listed = (self.target or {}).get("villages")
        villages = len(listed) if listed is not None else scenario.firms.villages
        return self.unit_cost_idr * villages * self.active_months(scenario.months)

    def treat(self, model, draws):
        if model.shared.meeting_boost is None:
            return  # governance is switched off: nothing to facilitate
        listed = (self.target or {}).get("villages")
        villages = np.array(listed if listed is not None else range(model.villages.count))
        count = min(len(villages), int(self.remaining // max(self.unit_cost_idr, 1e-9)))
        model.shared.meeting_boost[:] = 0.0
        model.shared.meeting_boost[villages[:count]] = self.meeting_boost
        s = model.state
        self.chosen = np.flatnonzero(s.alive & np.isin(s.village, villages[:count]))
        self.spend(model, count * self.unit_cost_idr, len(self.chosen))

    def finalize(self, model):
        if model.shared.meeting_boost is not None:
            model.shared.meeting_boost[:] = 0.0


R = policy_rows(
    "regional_platform",
    (
        "unit_cost_idr",
        2.0e4,
        "Rp/member/month",
        ASSUMPTION + " (hosting, promotion)",
        "running cost per member and month",
        {"ge": 0.0},
    ),
)


@register("regional_platform")
@dataclass(kw_only=True)
class RegionalPlatform(Policy):
    """A regional joint-marketing platform (Sidoarjo study, seeds/001): its members who sell
    online reach buyers in every village and outside, like marketplace sellers (see the market
    rule). It brings no new money: members win spending from other sellers.

    Spending: ``unit_cost_idr`` per member and month; every targeted firm that is online is a
    member while the budget lasts."""

    unit_cost_idr: float = R.unit_cost_idr

    def spendable_idr(self, scenario, start):
        members = self.targets(start, start.state.level >= 1)
        return self.unit_cost_idr * members * self.active_months(scenario.months)

    def treat(self, model, draws):
        s = model.state
        rows = self.choose(
            target_mask(model, self.target) & (s.level >= 1), draws, self.unit_cost_idr
        )
        members = np.zeros(s.n, dtype=bool)
        members[rows] = True
        model.shared.platform = {"members": members}
        self.spend(model, len(rows) * self.unit_cost_idr, len(rows))

    def apply(self, model, rng):
        model.shared.platform = None
        super().apply(model, rng)


Y = policy_rows(
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
    """Trains local youths in craft skills; they join the village's labour pool after a lag.

    Spending: ``per_month`` trainees per targeted village and month at ``unit_cost_idr`` each,
    until the budget runs out."""

    unit_cost_idr: float = Y.unit_cost_idr
    per_month: int = Y.per_month
    lag_months: int = Y.lag_months

    def initialize(self, model):
        self.pipeline: list[tuple[int, np.ndarray]] = []

    def spendable_idr(self, scenario, start):
        listed = (self.target or {}).get("villages")
        villages = len(listed) if listed is not None else scenario.firms.villages
        months = self.active_months(scenario.months)
        return self.unit_cost_idr * self.per_month * villages * months

    def apply(self, model, rng):
        super().apply(model, rng)
        if model.shared.youth_trained is None:
            return
        for _, trained in [p for p in self.pipeline if p[0] <= model.month]:
            model.shared.youth_trained += trained
        self.pipeline = [p for p in self.pipeline if p[0] > model.month]

    def treat(self, model, draws):
        if model.shared.youth_trained is None:
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


S = policy_rows(
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
    """Co-funds shared facilities and purchasing pools: the mechanisms ask ``grant(amount)``.

    Spending: ``share`` of the costs that pools and shared facilities incur, as they incur them
    (what it can spend is not known before the run)."""

    shared = (
        SharedField(
            "collaboration_subsidy",
            None,
            "-",
            "the collaboration subsidy acting this month (its grant() pays a share of costs)",
        ),
    )
    share: float = S.share

    def treat(self, model, draws):
        model.shared.collaboration_subsidy = self

    def apply(self, model, rng):
        model.shared.collaboration_subsidy = None
        super().apply(model, rng)

    def grant(self, model, cost: float, firms: int) -> float:
        """The part of ``cost`` this subsidy pays (within the budget); recorded as spending."""
        paid = min(self.share * cost, self.remaining)
        self.spend(model, paid, firms)
        return paid
