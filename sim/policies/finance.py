"""Finance policies: KUR-like cheap credit, a BPUM-like emergency grant and business
mentoring."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.declarations import Column
from sim.params import ASSUMPTION, KUR_2023, SIDOARJO
from sim.policies.base import (
    Policy,
    choose_due,
    policy_rows,
    register,
    rounds,
    target_mask,
)

C = policy_rows(
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
    (3% super-micro, 6% rising to 9% on repeat loans; finance rule).

    Spending: ``unit_cost_idr`` per loan, up to ``per_month`` loans a month; a firm that has
    repaid may borrow again, so at most one loan per targeted firm and month."""

    unit_cost_idr: float = C.unit_cost_idr
    min_age_months: int = C.min_age_months
    per_month: int = C.per_month

    def spendable_idr(self, scenario, start):
        months = self.active_months(scenario.months)
        return self.unit_cost_idr * min(self.per_month, self.targets(start)) * months

    def treat(self, model, draws):
        s = model.state
        eligible = (
            target_mask(model, self.target) & (s.debt <= 0) & (s.age_months >= self.min_age_months)
        )
        rows = self.choose(eligible, draws, self.unit_cost_idr, self.per_month)
        s.credit_offer[rows] = True
        self.spend(model, len(rows) * self.unit_cost_idr, len(rows))


E = policy_rows(
    "emergency_grant",
    (
        "grant_idr",
        2.4e6,
        "Rp/firm",
        "Banpres Produktif Usaha Mikro (BPUM), Permenkop UKM 6/2020: Rp 2.4 M per micro firm "
        "in 2020 (Rp 1.2 M in 2021)",
        "one-off cash grant per eligible micro firm",
        {"ge": 0.0, "le": 1.0e9},
    ),
    (
        "per_month",
        100_000,
        "firms/month",
        ASSUMPTION,
        "grants paid out a month",
        {"ge": 0, "le": 10_000_000},
    ),
)


@register("emergency_grant")
@dataclass(kw_only=True)
class EmergencyGrant(Policy):
    """A BPUM-like emergency grant: a one-off cash transfer to living micro firms without a bank
    loan (BPUM excluded firms with KUR credit). Public money enters the firms' cash (a recorded
    injection, ``emergency_grant_idr``).

    Spending: ``grant_idr`` once per eligible firm, up to ``per_month`` firms a month."""

    grant_idr: float = E.grant_idr
    per_month: int = E.per_month
    transaction = "public_transfers"
    columns = (
        Column(
            "emergency_grant_idr", "float64", 0.0, "Rp", "emergency grant received this month", 0
        ),
    )

    def initialize(self, model):
        self.paid = np.zeros(0, dtype=bool)

    def spendable_idr(self, scenario, start):
        months = self.active_months(scenario.months)
        s = start.state
        firms = self.targets(start, (s.size_class == 0) & (s.debt <= 0))
        return self.grant_idr * min(self.per_month * months, firms if months else 0)

    def apply(self, model, rng):
        model.state.emergency_grant_idr = 0.0
        super().apply(model, rng)

    def treat(self, model, draws):
        s = model.state
        self.paid = np.r_[self.paid, np.zeros(s.n - len(self.paid), dtype=bool)]
        eligible = target_mask(model, self.target) & (s.size_class == 0) & (s.debt <= 0)
        rows = self.choose(eligible & ~self.paid, draws, self.grant_idr, self.per_month)
        s.emergency_grant_idr[rows] = self.grant_idr
        s.cash[rows] += self.grant_idr
        self.paid[rows] = True
        self.spend(model, len(rows) * self.grant_idr, len(rows))


M = policy_rows(
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
    (
        "repeat_months",
        12,
        "months",
        ASSUMPTION + " (a yearly follow-up)",
        "a mentored firm still in the target may be mentored again after this many months "
        "(0: once per firm)",
        {"ge": 0},
    ),
)


@register("mentoring")
@dataclass(kw_only=True)
class Mentoring(Policy):
    """Business mentoring: knowledge and marketing capability up.

    Spending: up to ``per_month`` firms a month at ``unit_cost_idr`` each, firms never mentored
    and entrants as they open; a firm still in the target may be mentored again
    ``repeat_months`` after its last round, so the budget keeps being spent over the period."""

    unit_cost_idr: float = M.unit_cost_idr
    knowledge_gain: float = M.knowledge_gain
    marketing_gain: float = M.marketing_gain
    per_month: int = M.per_month
    repeat_months: int = M.repeat_months

    def initialize(self, model):
        self.last = np.zeros(0, dtype=np.int32)  # month of each firm's last round, -1 never

    def treat(self, model, draws):
        s = model.state
        rows = choose_due(self, model, draws)
        s.knowledge[rows] += self.knowledge_gain * (1 - s.knowledge[rows])
        s.skill_marketing[rows] += self.marketing_gain * (1 - s.skill_marketing[rows])
        self.spend(model, len(rows) * self.unit_cost_idr, len(rows))

    def spendable_idr(self, scenario, start):
        months = self.active_months(scenario.months)
        firms = self.targets(start)
        most = firms * rounds(months, self.repeat_months)
        return self.unit_cost_idr * min(self.per_month * months, most)
