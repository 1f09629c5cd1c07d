"""exit_entry: the background hazard falls with age, entry rises with expected owner income
(bounded), losses and negative cash still close firms, and the baseline holds still."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import load_scenario
from sim.model import MSMEModel
from sim.rules.exit_entry import entry_multiple, exit_hazard, losses_and_cash
from tests.conftest import small


def test_hazard_falls_with_age_towards_the_mature_rate():
    months = np.arange(0, 361, 12)
    h = exit_hazard(months, 0.1, 0.02, 3.0)
    assert (np.diff(h) < 0).all()
    np.testing.assert_allclose(h[0], 1 - 0.9 ** (1 / 12))
    assert h[-1] > 1 - 0.98 ** (1 / 12)


def test_young_firms_close_more_often_than_old_ones():
    m = MSMEModel(small(n=3000, months=1), seed=2)
    s = m.state
    young = np.arange(s.n) % 2 == 0
    s.start_age = np.where(young, 0, 240)
    closed_young = closed_old = 0
    for _ in range(24):
        s.cash[s.alive] = 1e9
        s.profit[s.alive] = 1e6  # no losses: only the background hazard closes firms
        alive = s.alive[: len(young)].copy()
        losses_and_cash(m, m.stream("exit_entry"), entry_rate=0.0)
        gone = alive & ~s.alive[: len(young)]
        closed_young += int((gone & young).sum())
        closed_old += int((gone & ~young).sum())
    assert closed_young > 2 * closed_old > 0


def test_losses_and_negative_cash_still_close_firms():
    m = MSMEModel(small(n=100, months=1), seed=1)
    s = m.state
    s.start_age[:] = 600
    s.cash[:] = 1e9
    s.profit[:] = 1e6
    s.cash[0] = -s.fixed_cost[0] - 2.0  # beyond a month of fixed cost in overdraft
    s.cash[2] = -0.5 * s.fixed_cost[2]  # within it: the firm carries the overdraft
    s.profit[1] = -1.0
    s.loss_streak[1] = 5
    losses_and_cash(
        m, np.random.default_rng(0), entry_rate=0.0, mature_exit_rate=0.0, young_exit_rate=0.0
    )
    assert not s.alive[0] and not s.alive[1] and s.alive[2:100].all()


def test_entry_multiple_is_bounded_and_rises_with_expected_income():
    values = [entry_multiple(x, 2e6, 5.0, 4.0) for x in (-1e6, 0.0, 1e6, 2e6, 2.2e6, 1e9)]
    assert values[0] == values[1] == 0.0
    assert values[3] == 1.0
    assert values[2] < values[3] < values[4] < values[5] == 4.0


def entries(profit: float, seed: int) -> int:
    """Entrants in one month of a 1,000-firm model where every firm earns ``profit``."""
    m = MSMEModel(small(n=1000, months=1), seed=seed)
    s = m.state
    s.cash[:] = 1e9
    s.profit[:] = profit
    m.shared.expected_income = profit  # what would-be owners saw before this month
    losses_and_cash(
        m, np.random.default_rng(seed), entry_rate=0.5, mature_exit_rate=0.0, young_exit_rate=0.0
    )
    return m.entries_this_month


def test_entry_rises_when_expected_profit_rises_paired_seeds():
    low = [entries(1.5e6, seed) for seed in range(10)]
    high = [entries(2.5e6, seed) for seed in range(10)]
    assert sum(h > lo for h, lo in zip(high, low)) >= 9
    assert sum(high) > 2 * sum(low)


@pytest.mark.slow
def test_baseline_holds_its_firm_count_and_cash_stays_bounded():
    """The stated trend: with the households' budget flat (``market.local_growth`` 0) and no
    policy, the firm count is flat; over ten years it stays within ±10% of its start, and no
    established firm holds more than 5 years of its revenue in cash. (Measured when this test
    was written: 2,000 firms → 1,836–1,917 at month 120 over seeds 1–4, a slow consolidation as
    firms that sell near capacity invest.)"""
    for seed in (1, 2, 3):
        m = MSMEModel(load_scenario("scenarios/baseline.yaml"), seed=seed)
        start = int(m.state.alive.sum())
        m.run(120)
        s = m.state
        assert abs(s.alive.sum() / start - 1) <= 0.10, (seed, start, s.alive.sum())
        old = s.alive & (s.start_age + s.age_months >= 24)
        ratio = s.cash[old] / np.maximum(s.revenue_12m[old], 1.0)
        assert ratio.max() < 5.0, (seed, ratio.max())
