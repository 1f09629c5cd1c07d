"""resource_sharing: facility cost shares, congestion, carrying transfers and direction."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.model import MSMEModel
from sim.rules.resource_sharing import congestion, cost_shares, viable_users
from tests.collab_helpers import SEEDS, month_around
from tests.conftest import small

VARIANTS = ["village_facility", "village_facility_by_use"]
SUBSIDY = {"use": "collaboration_subsidy", "start": 0, "budget_idr": 5.0e7, "share": 0.5}


@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.booleans(), st.floats(0, 1e7)), min_size=1, max_size=50
    ),
    st.floats(0, 1e8),
    st.booleans(),
)
def test_cost_shares_sum_to_the_facility_cost_in_every_village_with_users(rows, cost, by_use):
    village = np.array([v for v, _, _ in rows])
    users = np.array([u for _, u, _ in rows])
    use = np.array([x for _, _, x in rows]) if by_use else None
    share, count = cost_shares(village, users, 6, cost, use)
    per_village = np.bincount(village, weights=share, minlength=6)
    np.testing.assert_allclose(per_village, np.where(count > 0, cost, 0.0), rtol=1e-9, atol=1e-6)
    assert (share[~users] == 0).all() and (share >= 0).all()
    assert count.tolist() == np.bincount(village[users], minlength=6).tolist()


@given(
    st.lists(
        st.tuples(st.integers(0, 2), st.floats(0, 5e6, allow_subnormal=False), st.booleans()),
        max_size=40,
    ),
    st.floats(1e5, 5e6),
    st.integers(1, 10),
    st.booleans(),
)
def test_users_are_the_largest_group_in_which_every_member_gains(rows, cost, capacity, by_use):
    """Checked against a brute force over group sizes, village by village."""
    village = np.array([v for v, _, _ in rows], dtype=np.int64)
    fixed = np.array([f for _, f, _ in rows])
    open_ = np.array([o for _, _, o in rows], dtype=bool)
    users = viable_users(village, fixed, open_, 3, cost, 0.3, capacity, by_use)
    for v in range(3):
        rows_v = np.flatnonzero(open_ & (village == v))
        ranked = rows_v[np.argsort(-fixed[rows_v], kind="stable")]
        best = 0
        for k in range(1, len(ranked) + 1):
            group = fixed[ranked[:k]]
            saving = 0.3 * group * min(1.0, capacity / k)
            if by_use and group.sum() == 0:
                continue
            pays = cost * group / group.sum() if by_use else np.full(k, cost / k)
            if saving[-1] > pays[-1]:
                best = k
        assert users[village == v].sum() == best
        assert not users[(village == v) & ~open_].any()


def test_congestion_cuts_each_users_saving_beyond_capacity():
    assert congestion(np.array([1, 20, 40, 80]), 20).tolist() == [1.0, 1.0, 0.5, 0.25]


@pytest.mark.parametrize("use", VARIANTS)
def test_sharing_and_carrying_move_money_only_as_explicit_costs(use):
    """Each month (with a collaboration subsidy): users' shares of each used facility sum to its
    cost, the subsidy pays the rest of what users do not pay, carrying fees paid equal fees
    received, and the extra costs added are shares paid − savings + fees, firm by firm."""
    model = MSMEModel(
        small(n=400, rules={"resource_sharing": {"use": use}}, policies=[SUBSIDY]), seed=2
    )
    carried = 0.0
    for _ in range(6):
        before, after = month_around(model, "resource_sharing")
        s = after
        users = s["facility_user"]
        assert s["alive"][users].all()
        used = np.bincount(s["village"][users], minlength=model.villages.count) > 0
        shares_paid = np.bincount(
            s["village"], weights=s["facility_charge_idr"], minlength=model.villages.count
        )
        subsidy = s["policy_spend_idr"] - before["policy_spend_idr"]
        assert math.isclose(model.shared.facility_cost_idr, 2e6 * used.sum(), rel_tol=1e-9)
        assert math.isclose(shares_paid.sum() + subsidy, 2e6 * used.sum(), rel_tol=1e-9)
        assert (s["facility_charge_idr"][~users] == 0).all()
        fee = s["carry_fee_idr"]
        assert abs(fee.sum()) <= 1e-9 * max(np.abs(fee).sum(), 1.0)
        added = s["extra_cost"] - before["extra_cost"]
        expected = s["facility_charge_idr"] - s["facility_saving_idr"] + fee
        np.testing.assert_allclose(added, expected, atol=1e-6)
        carried += fee[fee > 0].sum()
    assert carried > 0 and users.sum() > 0


def test_carrying_and_pool_transfers_conserve_money():
    """With every mechanism on, half the firms digital and pools splitting savings equally: every
    month facilities are used, pool members pay one another and, from the second month on (the
    carrier ships last month's online orders), carriers carry; both kinds of transfer between
    firms (carrying fees, equal-split pool transfers) sum to zero across firms. Pools here have
    no coordination cost and no defaults, so a member's pool charge is its transfer alone."""
    pools = {"split": "equal", "coordination_idr": 0.0, "default_rate": 0.0}
    scenario = small(
        n=400,
        months=6,
        firms={"digital_share_messaging": 0.5},
        rules={"bulk_purchasing": pools},
    )
    model = MSMEModel(scenario, seed=3)
    for month in range(6):
        model.step()
        s = model.state
        fee, transfer = s.carry_fee_idr, s.pool_charge_idr
        assert (s.facility_user & s.alive).any()
        assert month == 0 or ((fee > 0).any() and (fee < 0).any()), "nobody carried"
        assert (transfer > 0).any() and (transfer < 0).any(), "no pool transfer"
        assert abs(fee.sum()) <= 1e-9 * np.abs(fee).sum()
        assert abs(transfer.sum()) <= 1e-9 * np.abs(transfer).sum()
    monthly = model.monthly()
    assert (monthly[["shared_facility_users", "pool_savings_idr"]] > 0).all().all()
    assert (monthly["carrying_fees_idr"].iloc[1:] > 0).all()


def test_the_widest_reaching_user_carries_and_shippers_gain_orders():
    """The carrier of each village is the digital facility user with the most online orders last
    month; each shipper's extra orders rise by reach_gain × its online orders."""
    model = MSMEModel(small(n=400, firms={"digital_share_messaging": 0.5}), seed=6)
    for _ in range(4):
        before, after = month_around(model, "resource_sharing")
    fee = after["carry_fee_idr"]
    carriers, shippers = np.flatnonzero(fee < 0), np.flatnonzero(fee > 0)
    assert len(carriers) and len(shippers)
    digital_users = after["facility_user"] & (after["level"] >= 1)
    for c in carriers:
        same = digital_users & (after["village"] == after["village"][c])
        assert before["online_demand"][c] == before["online_demand"][same].max()
    gained = after["extra_orders"][shippers] - before["extra_orders"][shippers]
    np.testing.assert_allclose(gained, 0.1 * before["online_demand"][shippers], rtol=1e-12)
    np.testing.assert_allclose(fee[shippers], 0.03 * before["online_demand"][shippers])


def test_congestion_lowers_each_users_saving_and_the_total_net_gain():
    """Tolerance: in each of 10 paired seeds (first month, same state), with a facility that
    congests beyond 3 users rather than 1000, no firm using it in both runs saves more and some
    save less, all users together gain less net (savings − shares paid), and fewer firms use it."""
    for seed in SEEDS:
        months = []
        for capacity in (3, 1000):
            model = MSMEModel(
                small(n=300, rules={"resource_sharing": {"capacity_users": capacity}}), seed=seed
            )
            model.step()
            months.append(model.state)
        tight, roomy = months
        both = tight.facility_user & roomy.facility_user
        assert both.sum() > 3
        assert (tight.facility_saving_idr[both] <= roomy.facility_saving_idr[both]).all()
        assert (tight.facility_saving_idr[both] < roomy.facility_saving_idr[both]).any()
        assert tight.facility_user.sum() < roomy.facility_user.sum()

        def net(s):
            return (s.facility_saving_idr - s.facility_charge_idr)[s.facility_user].sum()

        assert net(tight) < net(roomy)


def test_users_save_more_than_they_pay_and_by_use_spares_small_users():
    """Tolerance: over 10 paired seeds (6 months), facility users' savings exceed the shares they
    pay in total in every seed; paying by use (fixed cost) instead of equally lowers the mean
    share paid by users with below-median fixed cost in every seed."""
    for seed in SEEDS:
        paid_small = []
        for use in VARIANTS:
            model = MSMEModel(small(n=300, rules={"resource_sharing": {"use": use}}), seed=seed)
            model.run(6)
            s = model.state
            users = s.facility_user & s.alive
            assert s.facility_saving_idr[users].sum() > s.facility_charge_idr[users].sum()
            small_users = users & (s.fixed_cost < np.median(s.fixed_cost[users]))
            paid_small.append(s.facility_charge_idr[small_users].mean())
        assert paid_small[1] < paid_small[0]
