"""The regional economy's accounts close every month: money firms earn is money buyers spent;
households' savings change by exactly their flows; no channel creates demand."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.model import MSMEModel
from tests.collab_helpers import booked_cash_flows
from tests.conftest import small

POLICIES = [
    {"use": "digital_training", "budget_idr": 5e7},
    {"use": "data_subsidy", "budget_idr": 5e7},
    {"use": "regional_platform", "budget_idr": 5e7},
    {"use": "cheap_credit", "budget_idr": 5e7},
    {"use": "collaboration_subsidy", "budget_idr": 5e7},
    {"use": "emergency_grant", "budget_idr": 5e7},
]

scenarios = st.fixed_dictionaries(
    {
        "firms": st.fixed_dictionaries(
            {
                "count": st.integers(30, 250),
                "villages": st.integers(1, 5),
                "digital_share_messaging": st.floats(0, 0.5),
                "digital_share_marketplace": st.floats(0, 0.4),
            }
        ),
        "economy": st.fixed_dictionaries({"outside_demand_scale": st.floats(0, 3)}),
        "rules": st.fixed_dictionaries(
            {
                "market": st.fixed_dictionaries(
                    {"online_share": st.floats(0, 1), "messaging_reach": st.floats(0, 3)}
                ),
                "bulk_purchasing": st.fixed_dictionaries({"split": st.sampled_from(["equal"])}),
            }
        ),
        "shocks": st.lists(
            st.fixed_dictionaries(
                {
                    "use": st.just("demand_shock"),
                    "start": st.integers(0, 4),
                    "months": st.integers(1, 3),
                    "income_drop": st.floats(0, 1),
                    "outside_drop": st.floats(0, 1),
                    "online_shift": st.floats(0, 1),
                }
            ),
            max_size=1,
        ),
        "policies": st.lists(st.sampled_from(POLICIES), max_size=3, unique_by=lambda p: p["use"]),
    }
)


def month_gaps(model: MSMEModel) -> dict[str, float]:
    """Step one month; return the largest relative error of each accounting identity."""
    s = model.state
    n, cash, alive = s.n, s.cash.copy(), s.alive.copy()
    model.step()
    f, sh = model.shared.flows, model.shared
    scale = max(f["household_spending_idr"] + f["outside_spending_idr"], 1.0)
    change = model.state.cash[:n] - cash
    firm_gap = np.abs(change - booked_cash_flows(model, alive))[alive]
    return {
        "revenue + unserved = spending": abs(
            f["revenue_total_idr"]
            + f["unserved_demand_idr"]
            - f["household_spending_idr"]
            - f["outside_spending_idr"]
        )
        / scale,
        "revenue = sum of firms' revenue": abs(f["revenue_total_idr"] - model.state.revenue.sum())
        / scale,
        "no budget over-allocated": max(-float(f["unreached_idr"].min()), 0.0) / scale,
        "each firm's cash changes by its booked flows": float(firm_gap.max(initial=0.0)) / scale,
        "every row of the transactions matrix sums to 0": float(
            np.abs(sh.accounts.sum(axis=1)).max()
        )
        / scale,
        "firms' and households' money change by their booked flows": sh.accounts_gap_idr / scale,
    }


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(options=scenarios, seed=st.integers(0, 2**32 - 1))
def test_the_accounts_close_every_month(options, seed):
    """Tolerance: 1e-9 of the month's spending (float rounding). The households' money is
    checked from the second month on (the first sets their opening savings)."""
    model = MSMEModel(small(months=8, **options), seed=seed)
    checked = 0
    for _ in range(8):
        gaps = month_gaps(model)
        assert all(gap < 1e-9 for gap in gaps.values()), (model.month, gaps)
        checked += model.shared.money["households"] is not None
    assert checked >= 7


def test_money_created_by_a_rule_is_caught():
    """The check can fail: a rule that adds cash to firms without booking it opens a gap of
    exactly that amount in the month it does so."""
    model = MSMEModel(small(n=100, months=4), seed=3, check=False)  # the accounts, not --check
    model.step()
    run_rule, given = model.apply_rule, []

    def leaky(phase):
        run_rule(phase)
        if phase == "market":
            model.state.cash[model.state.alive] += 1000.0
            given.append(1000.0 * model.state.alive.sum())

    model.apply_rule = leaky
    model.step()
    assert model.shared.accounts_gap_idr == pytest.approx(given[0], rel=1e-9)


def test_channels_move_spending_between_firms_not_into_the_economy():
    """Going digital changes who wins the households' budget, not how much they spend: with
    many more digital firms, total revenue + unserved stays equal to the same spending."""
    for seed in range(3):
        offline = MSMEModel(small(n=300, months=6), seed=seed)
        digital = MSMEModel(
            small(n=300, months=6, firms={"digital_share_marketplace": 0.8}), seed=seed
        )
        offline.run()
        digital.run()
        a, b = offline.shared.flows, digital.shared.flows
        spend_a = a["household_spending_idr"] + a["outside_spending_idr"]
        spend_b = b["household_spending_idr"] + b["outside_spending_idr"]
        assert abs(spend_b / spend_a - 1) < 0.05  # the same regency's households and buyers
        assert b["revenue_total_idr"] <= spend_b * (1 + 1e-9)


def test_a_closed_regency_has_no_outside_buyers():
    model = MSMEModel(small(n=200, months=3, economy={"outside_demand_scale": 0.0}), seed=1)
    model.run()
    assert model.shared.flows["outside_spending_idr"] == 0.0
    assert (model.monthly()["outside_spending_idr"] == 0).all()


def test_outside_buyers_part_of_a_firms_demand_is_at_most_all_of_it():
    """With strong joint-promotion spillover and large outside pools, households' unspent
    budget returned to a cell is never negative (the outside part of unserved demand is
    computed from the orders outside buyers placed)."""
    for seed in range(3):
        model = MSMEModel(
            small(
                n=300,
                months=12,
                firms={"digital_share_marketplace": 0.4},
                economy={"outside_demand_scale": 5.0},
                rules={"joint_marketing": {"spillover": 1.0}},
            ),
            seed=seed,
        )
        for _ in range(12):
            model.step()
            returned = model.shared.flows["returned_idr"]
            assert returned.min() >= -1e-6 * max(returned.max(), 1.0), returned.min()
