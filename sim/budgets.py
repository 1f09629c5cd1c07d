"""Budgets a policy cannot spend: checked before a run or a batch starts.

Each policy bounds what it could spend on a scenario (``Policy.spendable_idr``), judged from the
scenario's starting firms (drawn once with a fixed seed) and the most entrants the scenario
allows: an estimate, since closures, adoption and entry change the target during a run. A budget
above that is not an error (the policy simply spends less), but a comparison of arms that do not
spend their budgets misleads, so msme-sim says so in one line naming the file, the budget's
dotted path and the largest spendable amount.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np

from sim import catalogue
from sim.interventions import POLICIES, instantiate
from sim.population import fill_firms, make_villages
from sim.state import FirmState

#: The starting firms the estimate is judged on (any fixed seed: the target's size varies
#: little between draws of the same scenario).
ESTIMATE_SEED = 0


def renewal(scenario) -> float:
    """At most how many firms per starting firm a run sees: 1 plus the entrants that the
    exit-and-entry rule allows at its highest entry rate over the horizon (1 without entry)."""
    spec = scenario.rules.get("exit_entry") or {}
    if not spec.get("enabled") or "entry_rate" not in spec:
        return 1.0
    yearly = spec["entry_rate"] * spec.get("max_entry_multiple", 1.0)
    return 1.0 + yearly * scenario.months / 12


def starting_firms(scenario) -> SimpleNamespace:
    """The scenario's firms before the first month: ``state``, ``villages``, ``month`` 0 and
    ``renewal`` (see :func:`renewal`; policies scale their per-firm bounds by it)."""
    rng = np.random.default_rng(ESTIMATE_SEED)
    n = scenario.firms.count
    villages = make_villages(scenario, rng)
    state = FirmState(n, catalogue.columns(scenario), capacity=n)
    fill_firms(state, slice(0, n), scenario, villages, rng)
    return SimpleNamespace(state=state, villages=villages, month=0, renewal=renewal(scenario))


def unspendable(scenario) -> list[tuple[int, float, float]]:
    """``(policy index, budget, spendable)`` for each policy of ``scenario`` whose budget is
    above what it could spend."""
    if not scenario.policies:
        return []
    start = starting_firms(scenario)
    found = []
    for i, policy in enumerate(instantiate(POLICIES, scenario.policies)):
        spendable = policy.spendable_idr(scenario, start)
        if math.isfinite(spendable) and policy.budget_idr > spendable * (1 + 1e-9):
            found.append((i, float(policy.budget_idr), float(spendable)))
    return found


def warning(file: str, path: str, name: str, budget: float, spendable: float) -> str:
    """The one-line warning about policy ``name``'s budget at ``path`` of ``file``."""
    return (
        f"WARNING: {file}: {path}: {name} can spend at most about Rp {spendable:,.0f} of its "
        f"Rp {budget:,.0f} budget on its target in this scenario (the rest stays unspent)"
    )


def scenario_warnings(scenario, file: str) -> list[str]:
    """The budget warnings of a scenario file."""
    return [
        warning(file, f"policies.{i}.budget_idr", scenario.policies[i]["use"], budget, most)
        for i, budget, most in unspendable(scenario)
    ]
