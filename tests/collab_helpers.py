"""Helpers for the collaboration-mechanism tests: small runs, paired seeds, phase snapshots."""

from __future__ import annotations

import numpy as np

from sim.model import MSMEModel
from sim.rules.accounts import firm_cash_flows
from tests.conftest import small

SEEDS = range(10)


def run(seed: int, months: int = 12, n: int = 300, **sections) -> MSMEModel:
    """A small model run for ``months`` with the scenario options ``sections``."""
    model = MSMEModel(small(n=n, months=months, **sections), seed=seed)
    model.run()
    return model


def paired(metric: str, a: dict, b: dict, seeds=SEEDS, **common) -> np.ndarray:
    """Summary ``metric`` with options ``a`` minus with options ``b``, per seed (the same seeds in
    both arms: common random numbers); ``common`` options apply to both."""
    return np.array(
        [
            run(s, **common, **a).summary()[metric] - run(s, **common, **b).summary()[metric]
            for s in seeds
        ]
    )


def snapshot(model: MSMEModel) -> dict:
    """Copies of every firm column plus the model's cumulative policy spending."""
    s = model.state
    out = {name: s[name].copy() for name in s.columns}
    out["policy_spend_idr"] = model.policy_spend_idr
    return out


def month_around(model: MSMEModel, phase: str) -> tuple[dict, dict]:
    """Step one month; return snapshots taken just before and just after ``phase``."""
    taken: dict[str, dict] = {}
    step_rule = MSMEModel.apply_rule

    def probed(name: str) -> None:
        if name == phase:
            taken["before"] = snapshot(model)
        step_rule(model, name)
        if name == phase:
            taken["after"] = snapshot(model)

    model.apply_rule = probed
    try:
        model.step()
    finally:
        del model.apply_rule
    return taken["before"], taken["after"]


def investment(state) -> np.ndarray:
    """This month's capacity investment per firm (zeros when the growth mechanism is off)."""
    if "investment_idr" in state.columns:
        return state["investment_idr"]
    return np.zeros(state.n)


def booked_cash_flows(model: MSMEModel, alive_before: np.ndarray) -> np.ndarray:
    """This month's booked cash flows of the firms that existed before it (their rows), with
    the cash handed on by those that closed (``sim.rules.accounts.firm_cash_flows``)."""
    s, n = model.state, len(alive_before)
    closed = np.zeros(s.n, dtype=bool)
    closed[:n] = alive_before & ~s.alive[:n]
    return firm_cash_flows(s, closed)[:n]


def cash_identity_gap(before: dict, model: MSMEModel) -> float:
    """Largest |Δcash − booked cash flows| over firms alive before."""
    alive = before["alive"]
    change = model.state.cash[: len(alive)] - before["cash"]
    flows = booked_cash_flows(model, alive)
    return float(np.max(np.abs(change - flows)[alive], initial=0.0))
