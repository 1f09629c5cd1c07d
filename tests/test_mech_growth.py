"""growth: capacity depreciates geometrically, only firms selling near capacity with spare cash
invest, the size class follows PP 7/2021 turnover thresholds and graduations are counted once."""

from __future__ import annotations

import numpy as np

from sim.model import MSMEModel
from sim.rules.growth import invest_near_capacity, size_class
from tests.conftest import small

MICRO, SMALL = 2.0e9, 1.5e10


def model(n=200, seed=1):
    """A small model after its setup (no month run yet)."""
    return MSMEModel(small(n=n, months=1), seed=seed)


def test_depreciation_alone_shrinks_capacity_geometrically():
    m = model()
    s = m.state
    base0, cap0 = s.base_capacity.copy(), s.capacity.copy()
    for _ in range(10):
        invest_near_capacity(m, np.random.default_rng(0), depreciation=0.05, invest_share=0.0)
    np.testing.assert_allclose(s.base_capacity, base0 * 0.95**10)
    np.testing.assert_allclose(s.capacity, cap0 * 0.95**10)
    assert (s.investment_idr == 0).all()


def test_only_firms_near_capacity_with_cash_invest():
    m = model()
    s = m.state
    full = np.arange(s.n) % 2 == 0
    rich = np.arange(s.n) % 4 < 2
    s.age_months[:] = 5  # firms that have traded
    s.sales = np.where(full, 1.0, 0.3) * s.capacity
    s.input_cost = s.sales * s.unit_cost
    s.cash = np.where(rich, 1e9, 0.0)
    cash0, base0 = s.cash.copy(), s.base_capacity.copy()
    invest_near_capacity(
        m, np.random.default_rng(0), depreciation=0.0, utilisation_memory=1.0, invest_share=0.5
    )
    invested = s.investment_idr > 0
    assert invested.any()
    np.testing.assert_array_equal(invested, full & rich & s.alive)
    np.testing.assert_allclose(cash0 - s.cash, s.investment_idr)  # the money leaves the firm
    assert (s.base_capacity[invested] > base0[invested]).all()
    np.testing.assert_allclose(s.base_capacity[~invested], base0[~invested])
    # Added capacity is the spend at capital_cost_months × price per unit of monthly capacity.
    added = (s.base_capacity - base0)[invested]
    np.testing.assert_allclose(added * 12.0 * s.price[invested], s.investment_idr[invested])


def test_size_class_follows_pp7_2021_turnover_thresholds():
    turnover = np.array([0.0, 1.9e9, 2.0e9, 2.1e9, 15.0e9, 15.1e9, 60e9])
    np.testing.assert_array_equal(size_class(turnover, MICRO, SMALL), [0, 0, 0, 1, 1, 2, 2])


def test_graduated_total_counts_micro_to_small_moves_once():
    m = model(n=10)
    s = m.state
    s.size_class[:] = 0
    s.age_months[:] = 24
    yearly = np.full(s.n, 1.0e9)
    yearly[:3] = 3.0e9  # three firms sell above the micro ceiling
    steps = dict(depreciation=0.0, invest_share=0.0)
    for month in range(24):
        if month == 12:
            yearly[:3] = 1.0e8  # they fall back to micro ...
        if month == 18:
            yearly[:3] = 3.0e9  # ... and grow again: still three graduations
        s.revenue_12m = yearly.copy()
        s.revenue = yearly / 12
        invest_near_capacity(m, np.random.default_rng(0), **steps)
        if month == 0:
            assert list(s.size_class[:4]) == [1, 1, 1, 0]
            assert m.shared.graduated_total == 3
    assert m.shared.graduated_total == 3
    assert (s.size_class[:3] == 1).all() and (s.size_class[3:] == 0).all()


def test_young_firms_keep_their_starting_class():
    m = model(n=10)
    s = m.state
    s.size_class[:] = 1
    s.age_months[:] = 0
    s.revenue_12m[:] = 0.0
    invest_near_capacity(m, np.random.default_rng(0))
    assert (s.size_class == 1).all() and m.shared.graduated_total == 0


def test_investment_is_an_outcome_and_the_cash_identity_holds_in_a_run():
    from tests.collab_helpers import cash_identity_gap, snapshot

    m = MSMEModel(small(n=300, months=24), seed=3)
    total = 0.0
    for _ in range(24):
        before = snapshot(m)
        m.step()
        assert cash_identity_gap(before, m) < 1e-3
        total += float((m.state.investment_idr * m.state.alive).sum())
    monthly = m.monthly()
    assert total > 0
    np.testing.assert_allclose(monthly["investment_idr"].sum(), total, rtol=1e-9)
