"""joint_marketing: spillover conserves demand, crowding erodes the per-firm gain, platform."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model import MSMEModel
from sim.rules.joint_marketing import count_platform_sellers, perceived_gain
from sim.rules.market import first_group, share_within_groups
from tests.collab_helpers import SEEDS
from tests.conftest import small

PLATFORM = {"use": "regional_platform", "start": 0, "budget_idr": 1.0e9}


def month_one(seed: int, **sections) -> MSMEModel:
    model = MSMEModel(small(n=400, months=1, **sections), seed=seed)
    model.step()
    return model


@settings(deadline=None)  # the first call loads the compiled kernel from its disk cache
@given(
    st.lists(st.tuples(st.integers(0, 29), st.integers(0, 5)), min_size=1, max_size=60),
    st.lists(st.floats(0, 1e7), min_size=30, max_size=30),
    st.lists(st.booleans(), min_size=30, max_size=30),
    st.floats(0, 1),
)
def test_spillover_moves_demand_among_a_groups_promoters_without_creating_any(
    pairs, demand, promoting, share
):
    firms, groups_of = zip(*pairs, strict=True)
    groups = sp.csr_matrix((np.ones(len(pairs)), (firms, groups_of)), shape=(30, 6))
    groups.sum_duplicates()
    demand, members = np.array(demand), np.array(promoting)
    out = share_within_groups(demand, members, groups, share)
    np.testing.assert_allclose(out.sum(), demand.sum(), rtol=1e-9)
    first = first_group(groups)
    outsiders = ~members | (first < 0)
    np.testing.assert_array_equal(out[outsiders], demand[outsiders])
    for g in np.unique(first[~outsiders]):
        inside = ~outsiders & (first == g)
        np.testing.assert_allclose(out[inside].sum(), demand[inside].sum(), rtol=1e-9)
        assert np.ptp(out[inside]) <= np.ptp(demand[inside]) * (1 + 1e-9) + 1e-6


def test_crowding_erodes_the_per_firm_online_gain_as_the_digital_share_rises():
    """Tolerance: in each of 10 paired seeds with joint marketing on, month-1 online demand per
    digital seller falls at every step of the digital share 0.1 → 0.3 → 0.6, while all sellers
    together never get more than the households' online budget and the outside buyers' online
    pool (more sellers share the same money)."""
    for seed in SEEDS:
        per_seller = []
        for share in (0.1, 0.3, 0.6):
            model = month_one(
                seed,
                firms={"digital_share_messaging": share, "digital_share_marketplace": 0.0},
            )
            s = model.state
            sellers = s.alive & (s.level >= 1) & (s.online_demand > 0)
            assert s.joint_promo.any()
            per_seller.append(s.online_demand[sellers].mean())
            spec = model.scenario.rules["market"]
            online_money = spec["online_share"] * model.shared.budget.sum()
            online_money += spec["outside_online"] * model.shared.outside_pool.sum()
            assert s.online_demand.sum() <= online_money * (1 + 1e-9)
        assert per_seller[0] > per_seller[1] > per_seller[2]


def test_joint_promotion_raises_promoters_online_orders_by_more_than_it_costs():
    """Tolerance: in each of 10 paired seeds (month 1, same state), firms promoting jointly get
    more online demand with joint marketing on than the same firms with it off, and their mean
    gain exceeds the promotion cost (reach at low marketing cost, Sidoarjo)."""
    for seed in SEEDS:
        on = month_one(seed, firms={"digital_share_messaging": 0.4})
        off = month_one(
            seed,
            firms={"digital_share_messaging": 0.4},
            rules={"joint_marketing": {"enabled": False}},
        )
        promoters = on.state.joint_promo
        assert promoters.sum() > 10
        gain = on.state.online_demand[promoters] - off.state.online_demand[promoters]
        assert gain.mean() > on.scenario.rules["joint_marketing"]["promo_cost_idr"]


def test_neutral_joint_marketing_leaves_the_market_unchanged():
    """With no boost, no spillover, no cost and no platform the results equal the run with the
    mechanism switched off, column by column (market's default behaviour is untouched)."""
    neutral = {"boost": 0.0, "spillover": 0.0, "promo_cost_idr": 0.0}
    a = MSMEModel(small(n=300, months=4, rules={"joint_marketing": neutral}), seed=5)
    b = MSMEModel(small(n=300, months=4, rules={"joint_marketing": {"enabled": False}}), seed=5)
    a.run()
    b.run()
    for column in ("demand", "online_demand", "revenue", "cash", "customers"):
        np.testing.assert_allclose(a.state[column], b.state[column], rtol=1e-12, err_msg=column)


def test_platform_members_are_listed_sellers_only():
    """Listed rows count only while they sell online; rows beyond the list (entrants since) are
    not members."""

    listed = np.zeros(60, dtype=bool)
    listed[:30] = True
    sellers = np.ones(100, dtype=bool)
    sellers[10:20] = False
    model = SimpleNamespace(
        state=SimpleNamespace(n=100), shared=SimpleNamespace(platform={"members": listed})
    )
    assert count_platform_sellers(model, sellers) == 20
    model.shared.platform = None
    assert count_platform_sellers(model, sellers) == 0


def test_a_regional_platform_moves_spending_to_its_members_without_creating_any():
    """Tolerance: over 10 paired seeds (month 1, same state), the platform's members get more
    online demand than the same firms without the platform, the other digital firms get less,
    and all firms together never get more than households and outside buyers set out to spend
    (members win buyers from rivals and reach outside buyers; no money is created)."""
    for seed in SEEDS:
        with_platform = month_one(seed, firms={"digital_share_messaging": 0.4}, policies=[PLATFORM])
        without = month_one(seed, firms={"digital_share_messaging": 0.4})
        listed = with_platform.shared.platform["members"]
        a, b = with_platform.state, without.state
        n = len(listed)
        digital = (a.level[:n] >= 1) & a.alive[:n]
        members, others = digital & listed, digital & ~listed
        assert with_platform.shared.platform_members > 0
        assert a.online_demand[:n][members].sum() > b.online_demand[:n][members].sum()
        assert a.online_demand[:n][others].sum() < b.online_demand[:n][others].sum()
        for model in (with_platform, without):
            flows = model.shared.flows
            spending = flows["household_spending_idr"] + flows["outside_spending_idr"]
            assert model.state.demand.sum() <= spending * (1 + 1e-9)


# --- promoting as a decision ----------------------------------------------------------------------


def promotion_share(seed: int, months: int = 24, **settings) -> np.ndarray:
    """Share of living firms promoting jointly in each month of one run."""
    model = MSMEModel(small(n=300, months=months, rules={"joint_marketing": settings}), seed=seed)
    shares = []
    for _ in range(months):
        model.step()
        shares.append(model.state.joint_promo[model.state.alive].mean())
    return np.array(shares)


def test_promotion_that_does_not_pay_is_dropped_while_promotion_that_pays_is_kept():
    """Tolerance: in each of 10 paired seeds over 24 months, with a fee (Rp 2 M a month) above
    what promotion brings, the share promoting in the last 6 months is under a quarter of month
    1 and under 5% of living firms; at the default fee it stays above half of month 1."""
    for seed in SEEDS:
        costly = promotion_share(seed, promo_cost_idr=2.0e6, explore_rate=0.0)
        cheap = promotion_share(seed)
        assert costly[0] > 0.05 and cheap[0] > 0.05
        assert costly[-6:].mean() < min(0.25 * costly[0], 0.05)
        assert cheap[-6:].mean() > 0.5 * cheap[0]


def test_a_promoter_credits_the_boosted_part_of_its_online_demand_at_its_margin():
    """perceived_gain: (1 − 1 / boost of its first group) × online demand × (1 − unit cost /
    price) − fee for last month's promoters; a firm without a boost or promotion only pays."""
    groups = sp.csr_matrix(np.array([[1, 0], [0, 1], [1, 0]], dtype=float))
    state = SimpleNamespace(
        n=3,
        joint_promo=np.array([True, True, False]),
        online_demand=np.array([1.0e6, 2.0e6, 3.0e6]),
        unit_cost=np.array([6.0, 5.0, 5.0]),
        price=np.array([10.0, 10.0, 10.0]),
    )
    model = SimpleNamespace(
        state=state,
        net=SimpleNamespace(groups=groups),
        shared=SimpleNamespace(group_boost=np.array([1.5, 1.0])),
    )
    gain = perceived_gain(model, 1.0e4)
    np.testing.assert_allclose(gain, [1.0e6 / 3 * 0.4 - 1.0e4, -1.0e4, -1.0e4])
    model.shared.group_boost = None
    np.testing.assert_allclose(perceived_gain(model, 1.0e4), -1.0e4)
