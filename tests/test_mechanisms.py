"""Collaboration mechanisms: accounting invariants and directional behaviour over paired seeds.

Each directional test runs the same seeds with the mechanism (or variant) changed and states its
tolerance in the docstring.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sim.model import MSMEModel
from sim.rules.bulk_purchasing import pool_accounts, schedule_discount
from sim.rules.governance import INFO, TRUST
from sim.rules.resource_sharing import cost_shares
from tests.conftest import small

SEEDS = range(12)


def run(seed: int, months: int = 24, n: int = 300, **sections) -> MSMEModel:
    model = MSMEModel(small(n=n, months=months, **sections), seed=seed)
    model.run()
    return model


def paired(metric: str, a: dict, b: dict, seeds=SEEDS, **common) -> np.ndarray:
    """metric(a) − metric(b) per seed (same seeds: common random numbers)."""
    return np.array(
        [
            run(s, **common, **a).summary()[metric] - run(s, **common, **b).summary()[metric]
            for s in seeds
        ]
    )


# --- invariants -----------------------------------------------------------------------------------


@given(st.lists(st.floats(0, 1e9), min_size=2, max_size=30))
def test_pool_unit_price_never_rises_as_the_pool_grows(quantities):
    q = np.sort(np.array(quantities))
    discount = schedule_discount(q, 2e7, 0.04, 0.2)
    assert (np.diff(1 - discount) <= 1e-15).all()


@given(
    st.lists(st.tuples(st.integers(0, 4), st.floats(1e3, 1e8)), min_size=1, max_size=40),
    st.sampled_from(["proportional", "equal"]),
)
def test_pooled_cost_is_schedule_price_plus_coordination(members, split):
    group = np.array([g for g, _ in members])
    commit = np.array([c for _, c in members])
    coordination = np.full(5, 3e5)
    disc, coord_share, transfer, q, pool_discount, coord = pool_accounts(
        group, commit, 5, (2e7, 0.04, 0.2), coordination, split
    )
    paid = np.bincount(group, weights=commit * (1 - disc) + coord_share + transfer, minlength=5)
    expected = q * (1 - pool_discount) + coord
    np.testing.assert_allclose(paid, expected, rtol=1e-9, atol=1e-3)
    np.testing.assert_allclose(np.bincount(group, weights=transfer, minlength=5), 0, atol=1e-3)


def test_facility_cost_shares_sum_to_the_facility_cost():
    village = np.array([0, 0, 0, 1, 1, 2])
    users = np.array([True, True, False, True, False, False])
    share, count = cost_shares(village, users, 3, 2e6)
    assert np.bincount(village, weights=share, minlength=3).tolist() == [2e6, 2e6, 0.0]
    assert count.tolist() == [2, 1, 0]


def test_carrying_and_pool_transfers_conserve_money():
    """With every mechanism on, money only leaves firms as explicit costs: the transfers of
    carrying fees and equal-split pooling sum to zero across firms each month."""
    model = MSMEModel(small(n=400, rules={"bulk_purchasing": {"split": "equal"}}), seed=3)
    for _ in range(6):
        model.step()
    s = model.state
    fee_paid = s.extra_cost  # smoke: finite and accounted through profit
    assert np.isfinite(fee_paid).all()
    # The transfer part alone: run the carry step in isolation on the current state.
    from sim.rules.resource_sharing import village_facility

    before = s.extra_cost.copy()
    village_facility(model, model.stream("check"), facility_cost_idr=0.0, fixed_saving=0.0)
    assert abs((s.extra_cost - before).sum()) < 1e-6 * max(abs(before).sum(), 1.0)


def test_no_partnership_or_pool_includes_a_dead_firm_and_indicators_stay_in_range():
    model = MSMEModel(small(n=300, months=36, rules={"exit_entry": {"entry_rate": 0.5}}), seed=5)
    for _ in range(36):
        model.step()
        s = model.state
        partnered = s.partner >= 0
        assert s.alive[partnered].all() and s.alive[s.partner[partnered]].all()
        assert (s.partner[s.partner[partnered]] == np.flatnonzero(partnered)).all()
        assert not (s.pooling & ~s.alive).any()
        assert ((s.trust >= 0) & (s.trust <= 1)).all()
        assert ((model.shared.governance >= 0) & (model.shared.governance <= 1)).all()


# --- directional behaviour ------------------------------------------------------------------------


def test_pooling_lowers_unit_cost_and_raises_margins():
    """Tolerance: in every one of 12 paired seeds, firms' mean input cost relative to list price
    is lower and the mean gross margin higher with pooling on (prices are not changed)."""
    on, off = {}, {"rules": {"bulk_purchasing": {"enabled": False}}}
    cost = paired("mean_input_cost_ratio", on, off, months=12)
    assert (cost < 0).all()
    margins = []
    for seed in SEEDS:
        m_on, m_off = run(seed, months=12), run(seed, months=12, **off)
        for m in (m_on, m_off):
            s = m.state
            sold = s.alive & (s.revenue > 0)
            margins.append(((s.revenue - s.input_cost)[sold] / s.revenue[sold]).mean())
        np.testing.assert_array_equal(m_on.state.price[:300], m_off.state.price[:300])
    margins = np.array(margins).reshape(-1, 2)
    assert (margins[:, 0] > margins[:, 1]).all()


def test_firms_with_more_ties_find_more_partners():
    """Tolerance: over 12 seeds, the share of firms ever partnered is higher among the top
    third by number of ties than among the bottom third, in at least 10 seeds."""
    wins = 0
    for seed in SEEDS:
        model = MSMEModel(
            small(n=300, months=24, networks={"cluster_degree": 6, "rewire_p": 0.3}), seed=seed
        )
        ever = np.zeros(300, dtype=bool)
        for _ in range(24):
            model.step()
            ever |= model.state.partner[:300] >= 0
        degree = np.diff(model.net.ties_csr.indptr)[:300]
        low, high = np.quantile(degree, [1 / 3, 2 / 3])
        wins += ever[degree >= high].mean() > ever[degree <= low].mean()
    assert wins >= 10


def test_complementary_partnering_beats_random_and_mismatches_lose_money():
    """Tolerance: over 12 paired seeds the total profit of partnerships is higher with
    complementary matching in at least 11 seeds; under random matching it is negative on
    average, and partnerships with negative fit lose money."""
    comp = {"rules": {"partnering": {"use": "complementary"}}}
    rand = {"rules": {"partnering": {"use": "random"}}}
    diff = paired("partnership_profit_total_idr", comp, rand, months=12)
    assert (diff > 0).sum() >= 11
    random_profit = [
        run(s, months=12, **rand).summary()["partnership_profit_total_idr"] for s in SEEDS
    ]
    assert np.mean(random_profit) < 0
    model = run(1, months=9, **rand)  # between reviews: mismatched pairs still exist
    s = model.state
    mismatched = (s.partner >= 0) & (s.partner_fit < 0)
    assert mismatched.any() and (s.partner_gain[mismatched] < 0).all()


def test_governance_meetings_raise_trust_and_information_sharing():
    """Tolerance: with monthly meetings likely (0.5) rather than never, village trust and
    information sharing and firms' mean trust are higher after 24 months in all 12 seeds."""
    meet = {"rules": {"governance": {"meeting_rate": 0.5}}}
    never = {"rules": {"governance": {"meeting_rate": 0.0}}}
    assert (paired("mean_trust", meet, never) > 0).all()
    assert (paired("mean_information_sharing", meet, never) > 0).all()
    for seed in SEEDS[:3]:
        g_meet, g_never = run(seed, **meet).shared.governance, run(seed, **never).shared.governance
        assert g_meet[:, TRUST].mean() > g_never[:, TRUST].mean()
        assert g_meet[:, INFO].mean() > g_never[:, INFO].mean()


def test_cocreation_raises_loyalty_with_diminishing_then_negative_returns():
    """Tolerance: mean loyalty over 12 seeds is higher at intensity 1 than with co-creation off,
    and lower at intensity 12 (co-created demand far beyond capacity) than at intensity 1."""

    def loyalty(intensity, enabled=True):
        rules = {
            "co_creation": {"intensity": float(intensity), "enabled": enabled, "adopt_rate": 0.5}
        }
        return np.mean(
            [
                run(s, months=24, rules=rules, firms={"digital_share_messaging": 0.5}).summary()[
                    "mean_customer_loyalty"
                ]
                for s in SEEDS
            ]
        )

    off, moderate, extreme = loyalty(1, enabled=False), loyalty(1), loyalty(12)
    assert moderate > off + 0.02
    assert extreme < moderate


def test_crowding_erodes_the_per_firm_online_gain():
    """Tolerance: over 12 paired seeds, mean online demand per digital firm in month 1 is lower
    when 70% of firms start digital than when 20% do, in every seed."""

    def per_seller(share, seed):
        model = MSMEModel(
            small(
                n=300,
                months=1,
                firms={"digital_share_messaging": share, "digital_share_marketplace": 0.0},
            ),
            seed=seed,
        )
        model.step()
        s = model.state
        return s.online_demand[s.alive & (s.level >= 1)].mean()

    assert all(per_seller(0.7, s) < per_seller(0.2, s) for s in SEEDS)


def test_ageing_workforce_without_youth_lowers_craft_output_over_20_years():
    """Tolerance: over 6 paired seeds (240 months), craft output at the end is lower without
    youth recruitment than with it in every seed, and falls below its first-year level."""
    craft = {
        "firms": {
            "sector_shares": {
                "food": 0.2,
                "fashion": 0.1,
                "craft": 0.5,
                "retail": 0.1,
                "services": 0.1,
            }
        }
    }
    no_youth = {"labour": {"youth_per_firm": 0.0, "youth_inflow": 0.0}}
    for seed in range(6):
        with_youth = run(seed, months=240, n=200, rules={"exit_entry": {"enabled": False}}, **craft)
        without = run(
            seed, months=240, n=200, rules={"exit_entry": {"enabled": False}, **no_youth}, **craft
        )
        out_with = with_youth.monthly()["craft_output_idr"]
        out_without = without.monthly()["craft_output_idr"]
        assert out_without.iloc[-1] < out_with.iloc[-1]
        assert out_without.iloc[-12:].mean() < out_without.iloc[:12].mean()
