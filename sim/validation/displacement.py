"""Displacement: how much of a policy's treated firms' gain comes from the firms it did not treat.

In a regency whose households spend a budget (``sim/rules/market.py``), a policy that helps the
firms it reaches wins them buyers, and most of those buyers come from other firms. For each
policy the same scenario is run with and without it on the same seeds (common random numbers:
the firms present at the start are the same firms in both runs). Over the run, the treated
firms' gain is the change in their cumulative revenue; the others' change is the change in every
other firm's revenue, entrants included. Displacement = the others' loss ÷ the treated firms'
gain (1: every rupiah the treated gained, the others lost; 0: none came from them; above 1: the
others lost more than the treated gained).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config import load_scenario
from sim.model import MSMEModel
from sim.policies.base import treated_column

from .checks import ROOT
from .findings import interval

#: The demo's question, shrunk: the baseline regency over three years.
SETTING = ("firms.count=1000", "firms.villages=10", "months=36", "policies=[]")
#: Each built-in targeted policy as a regency would run it (``experiments/demo.yaml``).
POLICIES = (
    "{use: digital_training, budget_idr: 1.0e+9, target: {literacy_below: 0.5}}",
    "{use: data_subsidy, budget_idr: 1.0e+9, share: 0.5, target: {poor_owner: true}}",
    "{use: device_grant, budget_idr: 5.0e+8, target: {poor_owner: true}}",
    "{use: cheap_credit, budget_idr: 5.0e+8, target: {poor_owner: true}}",
    "{use: mentoring, budget_idr: 5.0e+8, target: {poor_owner: true}}",
    "{use: cooperative_facilitation, budget_idr: 1.0e+9}",
    "{use: collaboration_subsidy, budget_idr: 1.0e+9, share: 0.5}",
    "{use: regional_platform, budget_idr: 1.0e+9}",
)


@dataclass(frozen=True)
class Displacement:
    policy: str
    treated_gain_idr: float  # mean over seeds, cumulative over the run
    others_change_idr: float
    treated_firms: float  # mean over seeds
    seeds: int
    others_low_idr: float = float("nan")  # 95% t-interval of the others' change over seeds
    others_high_idr: float = float("nan")

    def describe(self) -> str:
        """The displacement as the validation page shows it."""
        if self.treated_firms == 0:
            return "no treated firms"
        if self.treated_gain_idr <= 0:
            return "treated firms did not gain"
        return f"{self.share:.0%}"

    @property
    def share(self) -> float:
        """Others' loss ÷ treated firms' gain (NaN when the treated gained nothing)."""
        if self.treated_gain_idr <= 0:
            return float("nan")
        return -self.others_change_idr / self.treated_gain_idr


def cumulative_revenue(model: MSMEModel) -> np.ndarray:
    """Run ``model`` to its end; each firm row's revenue summed over the months."""
    total = np.zeros(0)
    for _ in range(model.scenario.months):
        model.step()
        total = np.r_[total, np.zeros(model.state.n - len(total))]
        total += model.state.revenue
    return total


def displacement(policy: str, seeds=range(5), setting=SETTING) -> Displacement:
    """Paired runs of the baseline with and without ``policy`` (a YAML flow mapping)."""
    scenario = ROOT / "scenarios" / "baseline.yaml"
    name = None
    gains, changes, counts = [], [], []
    for seed in seeds:
        without = MSMEModel(load_scenario(scenario, list(setting)), seed=seed)
        with_policy = MSMEModel(
            load_scenario(scenario, [*setting, f"policies=[{policy}]"]), seed=seed
        )
        name = with_policy.policies[0].name
        base, treated_run = cumulative_revenue(without), cumulative_revenue(with_policy)
        n = min(len(base), len(treated_run), len(with_policy.state.founder))
        treated = with_policy.state[treated_column(name)][:n] & with_policy.state.founder[:n]
        gain = float((treated_run[:n] - base[:n])[treated].sum())
        gains.append(gain)
        counts.append(int(treated.sum()))
        changes.append(float(treated_run.sum() - base.sum()) - gain)
    low, high = interval(np.array(changes)) if len(changes) > 1 else (np.nan, np.nan)
    return Displacement(
        name,
        float(np.mean(gains)),
        float(np.mean(changes)),
        float(np.mean(counts)),
        len(gains),
        float(low),
        float(high),
    )


def check_displacement(seeds: int = 5) -> list[Displacement]:
    """Displacement of every built-in targeted policy (paired, ``seeds`` seeds)."""
    return [displacement(p, range(seeds)) for p in POLICIES]
