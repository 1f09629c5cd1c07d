"""Digital policies: literacy training, data subsidy, device grant, connectivity upgrade."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.params import ASSUMPTION, SIDOARJO
from sim.policies.base import (
    Policy,
    choose_due,
    policy_rows,
    register,
    rounds,
    target_mask,
)
from sim.rules.common import data_bill

T = policy_rows(
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
    (
        "repeat_months",
        12,
        "months",
        ASSUMPTION + " (a follow-up course a year later)",
        "an owner still in the target may take the course again after this many months "
        "(0: once per owner)",
        {"ge": 0},
    ),
)


@register("digital_training")
@dataclass(kw_only=True)
class DigitalTraining(Policy):
    """Raises owners' digital literacy. Default target: literacy below 0.5.

    Spending: up to ``per_month`` owners a month at ``unit_cost_idr`` each, chosen at random
    among the owners in the target who are due a course: never trained, or (an owner still in
    the target, e.g. literacy still below the threshold) trained ``repeat_months`` ago or more.
    Entrants join the target as they open, so the budget keeps being spent over the period."""

    unit_cost_idr: float = T.unit_cost_idr
    literacy_gain: float = T.literacy_gain
    per_month: int = T.per_month
    repeat_months: int = T.repeat_months

    def initialize(self, model):
        self.target = self.target if self.target is not None else {"literacy_below": 0.5}
        self.last = np.zeros(0, dtype=np.int32)  # month of each owner's last course, -1 never

    def treat(self, model, draws):
        s = model.state
        rows = choose_due(self, model, draws)
        s.literacy[rows] += self.literacy_gain * (1 - s.literacy[rows])
        self.spend(model, len(rows) * self.unit_cost_idr, len(rows))

    def spendable_idr(self, scenario, start):
        months = self.active_months(scenario.months)
        target = self.target if self.target is not None else {"literacy_below": 0.5}
        mask = target_mask(start, target)
        courses = np.full(mask.sum(), rounds(months, self.repeat_months))
        threshold = target.get("literacy_below")
        if threshold is not None and 0 < self.literacy_gain < 1:
            # an owner leaves the target once a course lifts literacy to the threshold
            gap = 1 - start.state.literacy[mask]
            with np.errstate(divide="ignore"):  # threshold 1: never leaves (log 0 = -inf)
                needed = np.ceil(np.log((1 - threshold) / gap) / np.log(1 - self.literacy_gain))
            courses = np.minimum(courses, np.maximum(needed, 1))
        return self.unit_cost_idr * min(self.per_month * months, courses.sum() * start.renewal)


D = policy_rows(
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
    """Pays a share of targeted firms' mobile-data bills; spend is the subsidised data used.

    Spending: every month of the period, ``share`` of the data bill of each targeted firm that
    is online. It can spend no more than the targeted firms' bills: about ``share`` × the
    targeted online firms' monthly bills × months (at the starting adoption; firms that go
    online add to it, firms that close take from it). A budget smaller than that is paced over
    the period: each month may spend what is left divided by the months left, and covers the
    targeted firms in one random order kept from month to month (a firm covered stays covered
    while the money allows), so the subsidy lasts to the end of its period instead of paying
    everyone until the money runs out. Assumption: a programme budgets its spending evenly."""

    share: float = D.share

    def initialize(self, model):
        self.priority = np.zeros(0)  # each firm's place in the queue, drawn once

    def spendable_idr(self, scenario, start):
        s = start.state
        bills = data_bill(s, start.villages, s.level, scenario.connectivity)
        monthly = self.share * bills[target_mask(start, self.target)].sum() * start.renewal
        return monthly * self.active_months(scenario.months)

    def treat(self, model, draws):
        s = model.state
        eligible = target_mask(model, self.target)
        # the whole bill, not last month's subsidised one: the policy pays its share of it
        full = data_bill(s, model.villages, np.maximum(s.level, 1), model.scenario.connectivity)
        cost = self.share * np.where(s.level >= 1, full, 0.0)
        self.priority = np.concatenate([self.priority, draws[len(self.priority) :]])  # entrants
        order = np.flatnonzero(eligible)[np.argsort(self.priority[eligible], kind="stable")]
        covered = order[np.cumsum(cost[order]) <= self.remaining / self.months_left(model)]
        s.data_subsidy[:] = 0.0
        s.data_subsidy[covered] = self.share
        self.chosen = covered[cost[covered] > 0]  # reached: a bill was paid
        self.spend(model, cost[covered].sum(), len(covered))


G = policy_rows(
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
    """Gives a smartphone to targeted owners without one (the one-off adoption cost).

    Spending: up to ``per_month`` devices a month, once per owner without a device (entrants
    included), so at most one device per targeted firm."""

    unit_cost_idr: float = G.unit_cost_idr
    per_month: int = G.per_month

    def spendable_idr(self, scenario, start):
        months = self.active_months(scenario.months)
        owners = self.targets(start, ~start.state.has_device)
        return self.unit_cost_idr * min(self.per_month * months, owners if months else 0)

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


U = policy_rows(
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
    """Funds towers in the worst-covered (or listed) villages; service starts after a build time.

    Spending: ``unit_cost_idr`` per village, once, as soon as the budget allows; at most one
    tower per targeted village."""

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

    def spendable_idr(self, scenario, start):
        listed = (self.target or {}).get("villages")
        villages = len(set(listed)) if listed is not None else scenario.firms.villages
        return self.unit_cost_idr * villages * (self.active_months(scenario.months) > 0)

    def treat(self, model, draws):
        listed = (self.target or {}).get("villages")
        candidates = np.array(listed if listed is not None else range(model.villages.count))
        candidates = candidates[~self.funded[candidates]]
        candidates = candidates[np.argsort(model.villages.coverage[candidates], kind="stable")]
        count = min(len(candidates), int(self.remaining // max(self.unit_cost_idr, 1e-9)))
        chosen = candidates[:count]
        self.funded[chosen] = True
        self.pending += [(model.month + self.build_months, int(vil)) for vil in chosen]
        self.chosen = np.flatnonzero(model.state.alive & np.isin(model.state.village, chosen))
        firms = len(self.chosen)
        self.spend(model, count * self.unit_cost_idr, firms)
