"""households: a stationary start, income from its sources, spending out of income and savings,
poverty against the BPS line, and COVID from the demand side."""

from __future__ import annotations

import numpy as np

from sim.model import MSMEModel
from tests.conftest import small

STILL = {"exit_entry": {"enabled": False}}
SHOCK = {"use": "demand_shock", "start": 3, "months": 6, "recovery_months": 0}


def run(seed: int, months: int = 12, **sections) -> MSMEModel:
    model = MSMEModel(small(n=300, months=months, **sections), seed=seed)
    model.run()
    return model


def test_households_spending_starts_stationary():
    """Tolerance: with no firm entering or leaving, no shock and no policy, the households'
    monthly MSME spending stays within 3% of its first month for 24 months (3 seeds)."""
    for seed in range(3):
        spending = run(seed, 24, rules=STILL).monthly()["household_spending_idr"]
        assert (abs(spending / spending.iloc[0] - 1) < 0.03).all(), spending.describe()


def test_income_is_wages_drawings_and_outside_income():
    model = run(1, 6)
    s, sh = model.state, model.shared
    from sim.rules.households import earned

    income = earned(model)
    wages = s.wages_idr.sum()  # also paid by firms that closed after this month's finance
    drawings = s.drawings.sum()
    outside = sh.outside_income.sum() / (1 + model.scenario.market.local_growth) ** (1 / 12)
    np.testing.assert_allclose(income.sum(), wages + drawings + outside, rtol=1e-9)
    np.testing.assert_allclose(income[:, 2:4].sum(), wages, rtol=1e-9)


def test_owners_household_income_is_drawings_plus_other_income():
    from sim.rules.households import owner_income

    model = run(4, 6)
    s, spec = model.state, model.scenario.rules["households"]
    other = np.where(
        s.poor, spec["owner_other_income_poor_idr"], spec["owner_other_income_nonpoor_idr"]
    )
    np.testing.assert_allclose(owner_income(model), s.drawings + other * s.alive)
    poor = s.alive & s.poor
    expected = ((s.drawings + other)[poor]).mean()
    assert abs(model.summary()["poor_owner_mean_income_idr"] / expected - 1) < 1e-9


def test_poverty_rate_follows_the_poverty_line():
    low = run(2, 3, rules={"households": {"poverty_line_idr": 0.0}}).summary()
    high = run(2, 3, rules={"households": {"poverty_line_idr": 1.0e8}}).summary()
    assert low["owner_poverty_rate"] == 0.0 and high["owner_poverty_rate"] == 1.0


def test_a_demand_shock_works_through_buyers():
    """Tolerance: over 5 paired seeds, during the shock households spend less on MSME goods,
    outside buyers spend less, and more of the firms' demand comes from online channels."""
    for seed in range(5):
        calm = run(seed, 6, rules=STILL).monthly().iloc[-1]
        hit = run(seed, 6, rules=STILL, shocks=[SHOCK]).monthly().iloc[-1]
        assert hit["household_spending_idr"] < calm["household_spending_idr"]
        assert hit["outside_spending_idr"] < calm["outside_spending_idr"]
        assert hit["online_revenue_share"] > calm["online_revenue_share"]


def test_without_a_shock_few_firms_lose_revenue():
    """The revenue-loss measure is not noise: without a shock, under 25% of living firms sell
    10% less than their own mean of the three months before (months 6-24, 1,000 firms, 3
    seeds; in a few hundred firms one village's swings can reach a quarter of them)."""
    for seed in range(3):
        model = MSMEModel(small(n=1000, months=24), seed=seed)
        model.run()
        loss = model.monthly()["revenue_loss_share"].iloc[6:]
        assert (loss < 0.25).all(), loss.max()


def test_emergency_grant_pays_micro_firms_without_loans_within_its_budget():
    grant = {"use": "emergency_grant", "start": 0, "end": 2, "budget_idr": 2.4e6 * 50}
    model = MSMEModel(small(n=300, months=3, policies=[grant]), seed=3)
    cash = model.state.cash.copy()
    debt = model.state.debt.copy()
    model.step()
    s = model.state
    paid = s.emergency_grant_idr > 0
    assert paid.sum() == 50 and (s.size_class[paid] == 0).all()
    assert (debt[paid[: len(debt)]] <= 0).all()
    assert model.policy_spend_idr == 2.4e6 * 50
    assert s.treated_emergency_grant[paid].all()
    model.run(2)
    assert model.policy_spend_idr == 2.4e6 * 50  # budget spent, nobody paid twice
    n = len(cash)
    got, rest = paid[:n], ~paid[:n]
    assert (s.cash[:n][got] - cash[got]).mean() > (s.cash[:n][rest] - cash[rest]).mean()
