"""Invariants over random valid scenarios: accounting, bounds, no NaN, death is final."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.model import MSMEModel
from tests.collab_helpers import booked_cash_flows
from tests.conftest import small

SHARES = ("literacy", "openness", "trust", "loyalty", "data_subsidy")

scenarios = st.fixed_dictionaries(
    {
        "firms": st.fixed_dictionaries(
            {
                "count": st.integers(20, 250),
                "villages": st.integers(1, 6),
                "poor_owner_share": st.floats(0, 1),
                "literacy_mean": st.floats(0, 1),
                "revenue_sigma": st.floats(0, 2),
                "digital_share_messaging": st.floats(0, 0.5),
                "digital_share_marketplace": st.floats(0, 0.5),
                "cash_months": st.floats(0, 3),
                "capacity_headroom": st.floats(1, 2),
                "fixed_cost_share": st.floats(0, 0.6),
            }
        ),
        "connectivity": st.fixed_dictionaries(
            {
                "coverage_mean": st.floats(0, 1),
                "data_price_idr_per_gb": st.floats(0, 1e5),
            }
        ),
        "networks": st.fixed_dictionaries(
            {
                "cluster_degree": st.integers(0, 10),
                "rewire_p": st.floats(0, 1),
                "groups_per_firm": st.floats(0, 4),
            }
        ),
        "rules": st.fixed_dictionaries(
            {
                "digital_adoption": st.fixed_dictionaries({"q": st.floats(0, 5)}),
                "market": st.fixed_dictionaries(
                    {"online_share": st.floats(0, 1), "messaging_reach": st.floats(0, 3)}
                ),
                "exit_entry": st.fixed_dictionaries({"entry_rate": st.floats(0, 1)}),
            }
        ),
    }
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(options=scenarios, seed=st.integers(0, 2**32 - 1))
def test_invariants_hold_every_month(options, seed):
    model = MSMEModel(small(months=10, **options), seed=seed)
    ever_dead = np.zeros(0, dtype=bool)
    for _ in range(10):
        s = model.state
        n_before, cash_before = s.n, s.cash.copy()
        alive_before = s.alive.copy()
        model.step()
        s = model.state
        old = slice(0, n_before)
        # Cash accounting identity, firm by firm, for firms alive at the start of the month.
        change = s.cash[old] - cash_before
        flows = booked_cash_flows(model, alive_before)
        np.testing.assert_allclose(change[alive_before], flows[alive_before], rtol=1e-9, atol=1e-3)
        # Sales never exceed capacity; revenue is sales at price.
        assert (s.sales <= s.capacity * (1 + 1e-12)).all()
        np.testing.assert_allclose(s.revenue, s.sales * s.price)
        # Shares stay in [0, 1]; levels in {0, 1, 2}; no NaN or inf anywhere.
        for name in SHARES:
            assert ((s[name] >= 0) & (s[name] <= 1)).all(), name
        assert set(np.unique(s.level)) <= {0, 1, 2}
        for name in s.columns:
            assert np.isfinite(s[name]).all(), name
        # Dead firms stay dead and inactive.
        if len(ever_dead):
            assert not s.alive[: len(ever_dead)][ever_dead].any()
        dead_before = ~alive_before
        assert (s.revenue[old][dead_before] == 0).all() and (s.sales[old][dead_before] == 0).all()
        assert (s.drawings[old][dead_before] == 0).all()
        ever_dead = ~s.alive
        assert len(model.agents) == int(s.alive.sum())
        for value in model.summary().values():
            assert np.isfinite(value)
        shares = [
            model.summary()[k]
            for k in ("survival_rate", "digital_share", "marketplace_share", "gini_income")
        ]
        assert all(0 <= x <= 1 for x in shares)
