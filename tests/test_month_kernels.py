"""The compiled passes of the month give exactly (bit for bit) what the column formulas they
replace give: each test writes the formula out in NumPy and compares on random inputs with
zeros, empty groups and dead firms (fixed seeds)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import scipy.sparse as sp

from sim.passes import (
    blended_shares,
    contact_counts,
    online_weights_pass,
    owner_income_pass,
    pool_within_groups,
    shares_by_key,
    village_income_pass,
)
from sim.rules import market
from sim.rules.common import (
    data_cost,
    first_group,
    group_mean,
    mean_where,
    recording_outcomes,
)

SEEDS = [1, 2, 3]


def same(a, b) -> None:
    """Equal values and dtypes, and equal bytes (signed zeros included)."""
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape
    assert a.tobytes() == b.tobytes()


def binary(rng, rows: int, cols: int, density: float) -> sp.csr_matrix:
    m = sp.random(rows, cols, density=density, format="csr", random_state=rng, dtype=np.float32)
    m.data[:] = 1.0
    return m


@pytest.mark.parametrize("seed", SEEDS)
def test_contact_counts_and_shares_equal_the_sparse_products(seed):
    rng = np.random.default_rng(seed)
    n, n_groups = 500, 40
    ties, groups = binary(rng, n, n, 0.01), binary(rng, n, n_groups, 0.03)
    alive = rng.random(n) < 0.9
    level = rng.integers(0, 3, n)
    x = np.column_stack([alive, alive & (level >= 1), alive & (level >= 2)]).astype(np.float32)
    bits = x[:, 0].astype(np.uint8) | (x[:, 1].astype(np.uint8) << 1)
    bits |= x[:, 2].astype(np.uint8) << 2
    by_ties, by_groups = contact_counts(
        ties.indptr, ties.indices, groups.indptr, groups.indices, n_groups, bits
    )
    same(by_ties, ties @ x)
    same(by_groups, groups @ (groups.T @ x))
    weight = 0.5
    tie_share = by_ties[:, 1:] / np.maximum(by_ties[:, :1], 1.0)
    group_share = by_groups[:, 1:] / np.maximum(by_groups[:, :1], 1.0)
    w = np.where(by_groups[:, :1] > 0, weight, 0.0)
    same(blended_shares(by_ties, by_groups, weight), (1 - w) * tie_share + w * group_share)


@pytest.mark.parametrize("seed", SEEDS)
def test_shares_by_key_equal_the_bincount_formula(seed):
    rng = np.random.default_rng(seed)
    n, size = 1000, 30
    key = rng.integers(0, size - 2, n)  # the last two keys have no firm
    weight = rng.random(n) * (rng.random(n) < 0.7)  # some weights are zero
    weight[key == 3] = 0.0  # a key with firms and no weight
    budget = rng.random(size) * 1e6
    total = np.bincount(key, weights=weight, minlength=size)[key]
    expected = np.divide(weight, total, out=np.zeros(n), where=total > 0) * budget[key]
    same(shares_by_key(budget, weight, key, size), expected)


@pytest.mark.parametrize("seed", SEEDS)
def test_pool_within_groups_equals_the_column_formula(seed):
    rng = np.random.default_rng(seed)
    n, n_groups = 300, 12
    groups = binary(rng, n, n_groups, 0.08)
    first = first_group(groups)
    demand = rng.random(n) * 1e6
    members = rng.random(n) < 0.5
    share = 0.3
    ok = members & (first >= 0)
    g = np.where(ok, first, 0)
    moved = np.where(ok, share * demand, 0.0)
    pool = np.bincount(g, weights=moved, minlength=n_groups)
    count = np.bincount(g, weights=ok, minlength=n_groups)
    per_member = np.divide(pool, count, out=np.zeros_like(pool), where=count > 0)
    expected = demand - moved + np.where(ok, per_member[g], 0.0)
    same(pool_within_groups(demand, members, first, n_groups, share), expected)
    same(market.share_within_groups(demand, members, groups, share), expected)


@pytest.mark.parametrize("seed", SEEDS)
def test_group_mean_equals_the_bincount_formula(seed):
    rng = np.random.default_rng(seed)
    n, n_groups = 800, 25
    values = rng.normal(size=n) * 1e5
    mask = rng.random(n) < 0.6
    group = rng.integers(-1, n_groups - 3, n)  # -1: no group; the last groups are empty
    rows = mask & (group >= 0)
    count = np.bincount(group[rows], minlength=n_groups)
    total = np.bincount(group[rows], weights=values[rows], minlength=n_groups)
    mean, got_count = group_mean(values, mask, group, n_groups)
    same(got_count, count)
    same(mean, np.divide(total, count, out=np.zeros(n_groups), where=count > 0))


def test_data_cost_equals_the_select_formula():
    rng = np.random.default_rng(4)
    n = 200
    state = SimpleNamespace(village=rng.integers(0, 5, n), data_subsidy=rng.random(n) / 2)
    villages = SimpleNamespace(data_price=rng.random(5) * 1e4)
    conn = SimpleNamespace(gb_messaging=1.5, gb_marketplace=6.0)
    level = rng.integers(0, 3, n).astype(np.int8)
    gb = np.select([level >= 2, level == 1], [6.0, 1.5], 0.0)
    expected = gb * villages.data_price[state.village] * (1 - state.data_subsidy)
    same(data_cost(state, villages, level, conn), expected)
    for target in (1, 2):
        full = data_cost(state, villages, np.full(n, target, dtype=np.int8), conn)
        same(data_cost(state, villages, target, conn), full)


def firms(rng, n: int) -> SimpleNamespace:
    """Random firm columns for the market, household and outcome passes (some firms dead)."""
    f = SimpleNamespace(n=n, alive=rng.random(n) < 0.9, poor=rng.random(n) < 0.4)
    for name in ("customers", "price", "capacity", "revenue", "revenue_1", "revenue_2"):
        setattr(f, name, rng.random(n) * 1e6)
    f.revenue_3 = rng.random(n) * 1e6
    f.drawings = rng.random(n) * 1e6 * f.alive
    f.wages_idr = rng.random(n) * 1e5
    f.village = rng.integers(0, 7, n)
    f.age_months = rng.integers(0, 8, n).astype(np.int16)
    f.customers[:5] = 0.0  # firms with no demand
    f.capacity[5:10] = 0.0
    for name in ("demand", "online_demand", "sales"):
        setattr(f, name, np.zeros(n))
    return f


@pytest.mark.parametrize("seed", SEEDS)
def test_sell_equals_the_column_formulas(seed):
    rng = np.random.default_rng(seed)
    n = 500
    s = firms(rng, n)
    extra, outside, online = rng.random((3, n)) * 1e5
    extra[:5] = outside[:5] = online[:5] = 0.0
    e = SimpleNamespace(**{k: np.copy(v) for k, v in vars(s).items() if k != "n"})
    local = e.customers.copy()
    demand = local + extra + outside + online
    sales = np.minimum(demand / e.price, e.capacity) * e.alive
    revenue = sales * e.price
    served = np.divide(revenue, demand, out=np.zeros(n), where=demand > 0)
    customers = e.customers - (1 - served) * local
    got = market.sell(s, extra, outside, online)
    same(got, served)
    for name, value in (("demand", demand), ("sales", sales), ("revenue", revenue)):
        same(getattr(s, name), value)
    same(s.online_demand, online)
    same(s.customers, customers)
    same(s.revenue_1, e.revenue)
    same(s.revenue_2, e.revenue_1)
    same(s.revenue_3, e.revenue_2)


@pytest.mark.parametrize("seed", SEEDS)
def test_household_passes_equal_the_column_formulas(seed):
    rng = np.random.default_rng(seed)
    s = firms(rng, 600)
    other_poor, other_nonpoor, factor = 0.5e6, 1.5e6, 0.8
    other = np.where(s.poor, other_poor, other_nonpoor)
    owners = s.drawings + other * factor * s.alive
    got = owner_income_pass(s.drawings, s.poor, s.alive, other_nonpoor, other_poor, factor)
    same(got, owners)
    v = 9  # two villages without firms
    sums = village_income_pass(s.village, owners, s.poor, s.drawings, s.wages_idr, v)
    same(sums[0], np.bincount(s.village, weights=owners * s.poor, minlength=v))
    same(sums[1], np.bincount(s.village, weights=owners * ~s.poor, minlength=v))
    same(sums[2], np.bincount(s.village, weights=s.wages_idr, minlength=v))
    same(sums[3], np.bincount(s.village, weights=owners - s.drawings, minlength=v))


@pytest.mark.parametrize("seed", SEEDS)
def test_revenue_loss_share_equals_the_mask_formula(seed):
    rng = np.random.default_rng(seed)
    s = firms(rng, 700)
    before = (s.revenue_1 + s.revenue_2 + s.revenue_3) / 3
    known = s.alive & (s.age_months > 3)
    expected = np.count_nonzero((s.revenue < 0.9 * before) & known) / np.count_nonzero(known)
    assert market.revenue_loss_share(SimpleNamespace(state=s)) == expected
    s.age_months[:] = 0  # no firm with three months of history
    assert market.revenue_loss_share(SimpleNamespace(state=s)) == 0.0


@pytest.mark.parametrize("seed", SEEDS)
def test_online_weights_equal_the_column_formula(seed):
    rng = np.random.default_rng(seed)
    n, n_groups = 400, 10
    a = rng.random(n) * 1e3
    first = rng.integers(-1, n_groups, n)
    group_boost = 1 + rng.random(n_groups)
    quality, village = rng.random(6), rng.integers(0, 6, n)
    local, regency = rng.random(n) < 0.3, rng.random(n) < 0.3
    boost = np.where(first >= 0, group_boost[np.maximum(first, 0)], 1.0)
    got = online_weights_pass(a, first, group_boost, 0.5, quality, village, local, regency)
    same(got[0], a * boost * 0.5 * local)
    same(got[1], a * boost * quality[village] * regency)
    none = online_weights_pass(a, first, np.zeros(0), 0.5, quality, village, local, regency)
    same(none[0], a * 1.0 * 0.5 * local)  # without joint promotion the boost is 1
    same(none[1], a * 1.0 * quality[village] * regency)


def test_mean_where_while_recording_outcomes_is_the_same_mean():
    rng = np.random.default_rng(5)
    alive = rng.random(1000) < 0.8
    values = rng.normal(size=1000) * 1e6
    other = rng.random(1000) < 0.5
    outside = [mean_where(values, alive), mean_where(values, other)]
    with recording_outcomes(alive):
        inside = [
            mean_where(values, alive),
            mean_where(values, other),
            mean_where(values[1:], alive[1:]),  # a view at another address: not the living mask
            mean_where(values, alive & other),  # a temporary mask
        ]
    assert inside[:2] == outside[:2]
    assert inside[2] == mean_where(values[1:], alive[1:])
    assert inside[3] == mean_where(values, alive & other)


def _gaps_reference(indptr, indices, knowledge, share, alive):
    """Knowledge sharing's sums over one tie layer, written as a plain loop with the branch."""
    n = len(indptr) - 1
    gaps, contacts = np.zeros(n), np.zeros(n)
    for i in range(n):
        for k in range(indptr[i], indptr[i + 1]):
            j = indices[k]
            d = knowledge[j] - knowledge[i]
            if d > 0.0:
                gaps[i] += d * share[j]
            contacts[i] += alive[j]
    return gaps, contacts


@pytest.mark.parametrize("seed", SEEDS)
def test_knowledge_gaps_equal_the_plain_loop(seed):
    from sim.rules.knowledge_sharing import gaps_and_contacts

    rng = np.random.default_rng(seed)
    n = 400
    layer = binary(rng, n, n, 0.02)
    knowledge = np.round(rng.random(n), 1)  # many equal values: gaps of exactly zero
    alive = (rng.random(n) < 0.8).astype(np.float64)
    share = rng.random(n) * alive
    got = gaps_and_contacts(layer, knowledge, share, alive)
    expected = _gaps_reference(layer.indptr, layer.indices, knowledge, share, alive)
    same(got[0], expected[0])
    same(got[1], expected[1])


class _Columns(dict):
    """Firm columns by name and attribute, as ``state[name]`` and ``state.alive``."""

    __getattr__ = dict.__getitem__


def _choose_members_formulas(state, prefix, active, group, n_groups, draws, rate, patience, mem):
    """``choose_members`` as its column formulas (before the compiled decision)."""
    member = state[f"{prefix}_member"]
    expected = state[f"{prefix}_expected_gain_idr"]
    losing = state[f"{prefix}_losing_months"]
    peers, count = group_mean(expected, active, group, n_groups)
    safe = np.maximum(group, 0)
    stay = member & (losing < patience)
    outside = state.alive & (group >= 0) & ~stay
    heard = outside & (count[safe] > 0)
    expected[heard] = (1 - mem) * expected[heard] + mem * peers[safe[heard]]
    join = (heard & (expected > 0)) | (outside & (draws < rate))
    losing[join] = 0
    member[:] = stay | join
    return member


@pytest.mark.parametrize("seed", SEEDS)
def test_choose_members_equals_its_formulas(seed):
    from sim.rules.common import choose_members

    rng = np.random.default_rng(seed)
    n, n_groups = 2000, 60
    base = _Columns(
        alive=rng.random(n) < 0.9,
        x_member=rng.random(n) < 0.3,
        x_expected_gain_idr=rng.normal(0, 1e4, n) * (rng.random(n) < 0.8),
        x_losing_months=rng.integers(0, 5, n).astype(np.int16),
    )
    group = rng.integers(-1, n_groups - 5, n)  # some firms without a group, empty groups
    active, draws = rng.random(n) < 0.2, rng.random(n)
    got = _Columns({k: v.copy() for k, v in base.items()})
    want = _Columns({k: v.copy() for k, v in base.items()})
    args = (active, group, n_groups, draws, 0.05, 3, 0.3)
    choose_members(got, "x", *args)
    _choose_members_formulas(want, "x", *args)
    for name in base:
        same(got[name], want[name])


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("with_factor", [False, True])
def test_partner_month_pass_equals_the_formulas(seed, with_factor):
    from sim.passes import partner_month_pass

    rng = np.random.default_rng(seed)
    n, villages = 1000, 7
    alive = rng.random(n) < 0.9
    partner = np.full(n, -1, dtype=np.int32)
    pairs = rng.permutation(n)[:600].reshape(-1, 2)
    partner[pairs[:, 0]], partner[pairs[:, 1]] = pairs[:, 1], pairs[:, 0]
    fit = rng.uniform(-4, 4, n)
    customers = rng.random(n) * 1e6 * (rng.random(n) < 0.9)
    input_cost, fixed_cost, data_cost = (rng.random(n) * 1e5 for _ in range(3))
    village = rng.integers(0, villages, n)
    factor = rng.random(villages) if with_factor else None
    total = rng.normal(0, 1e5, n)
    extra = rng.random(n) * 1e4
    months = rng.integers(0, 12, n).astype(np.int16)
    coordination_idr, gain_rate, outside_fixed, review = 1e5, 0.1, 0.7, 6
    # The formulas.
    paired = alive & (partner >= 0)
    other = np.where(paired, partner, 0)
    base = np.minimum(customers, customers[other])
    coordination = coordination_idr * (1.0 if factor is None else factor[village])
    paid_outside = input_cost + outside_fixed * fixed_cost + data_cost
    saving = np.minimum(gain_rate * fit * base, paid_outside)
    gain_want = np.where(paired, saving - coordination, 0.0)
    total_want, extra_want, months_want = total + gain_want, extra - gain_want, months + paired
    due = paired & (months_want % review == 0)
    losing_want = np.flatnonzero(due & (total_want + total_want[other] < 0))
    # The pass, in place.
    gain = np.full(n, 7.0)
    losing = partner_month_pass(
        (alive, partner, fit, customers, input_cost, fixed_cost, data_cost, village),
        (gain, total, extra, months),
        np.zeros(0) if factor is None else factor,
        coordination_idr,
        gain_rate,
        outside_fixed,
        review,
    )
    for got, want in (
        (gain, gain_want),
        (total, total_want),
        (extra, extra_want),
        (months, months_want),
        (losing, losing_want),
    ):
        same(got, want)
    assert len(losing_want) > 0


@pytest.mark.parametrize("seed", SEEDS)
def test_group_sums_pass_equals_the_bincounts(seed):
    from sim.passes import group_sums_pass

    rng = np.random.default_rng(seed)
    n, sectors, villages = 3000, 5, 40
    sector = rng.integers(0, sectors, n).astype(np.int8)
    village = rng.integers(0, villages - 3, n)  # the last villages have no firm
    alive, founder = rng.random(n) < 0.8, rng.random(n) < 0.7
    revenue = rng.random(n) * 1e7
    got = group_sums_pass(sector, village, alive, revenue, founder, sectors, villages)
    for codes, size, sums in ((sector, sectors, got[0]), (village, villages, got[1])):
        want = [
            np.bincount(codes, weights=alive, minlength=size),
            np.bincount(codes, weights=revenue * alive, minlength=size),
            np.bincount(codes, weights=founder, minlength=size),
            np.bincount(codes, weights=founder & alive, minlength=size),
        ]
        for row, expected in zip(sums, want):
            same(row, expected)


def test_first_group_is_computed_once_per_groups_matrix():
    from sim.rules.common import _first_entry

    rng = np.random.default_rng(1)
    groups = binary(rng, 300, 20, 0.05)
    first = first_group(groups)
    same(first, _first_entry(groups.indptr, groups.indices))
    assert first_group(groups) is first and not first.flags.writeable
    grown = sp.vstack([groups, binary(rng, 50, 20, 0.2)], format="csr")
    same(first_group(grown), _first_entry(grown.indptr, grown.indices))


@pytest.mark.parametrize("seed", SEEDS)
def test_growth_pass_equals_the_formulas(seed):
    from sim.passes import growth_pass
    from sim.rules.growth import size_class

    rng = np.random.default_rng(seed)
    n = 2000
    alive = rng.random(n) < 0.9
    age = rng.integers(0, 30, n).astype(np.int16)
    sales, price = rng.random(n) * 100, rng.random(n) * 1e4 * (rng.random(n) < 0.95)
    capacity = rng.random(n) * 120 * (rng.random(n) < 0.95)
    base = np.where(rng.random(n) < 0.5, capacity, capacity * 1.5)  # some firms capped
    input_cost, fixed_cost, revenue = (rng.random(n) * 1e6 for _ in range(3))
    utilisation, cash = rng.random(n), rng.random(n) * 2e7
    revenue_12m = rng.random(n) * 3e10
    size = rng.integers(0, 3, n).astype(np.int8)
    graduated = rng.random(n) < 0.1
    memory, threshold, buffer_months, share, capital_months, depreciation = (
        0.3,
        0.8,
        2,
        0.3,
        24,
        0.01,
    )
    micro, small = 2e9, 1.5e10
    # The formulas.
    traded = alive & (age >= 2)
    used = np.divide(sales, capacity, out=np.ones_like(sales), where=capacity > 0)
    u = utilisation + memory * (np.minimum(used, 1.0) - utilisation) * traded
    buffer = buffer_months * (input_cost + fixed_cost)
    investing = alive & (u > threshold) & (cash > buffer) & (price > 0)
    spend = np.where(investing, share * (cash - buffer), 0.0)
    added = spend / (capital_months * np.where(price > 0, price, 1.0))
    new_base = (base * (1.0 - depreciation) + added) * alive
    ratio = np.divide(new_base, base, out=np.zeros_like(base), where=base > 0)
    new_capacity = np.where(capacity >= base, new_base, capacity * ratio)
    r12 = revenue_12m + (12.0 * revenue - revenue_12m) / 12.0 * traded
    mature = alive & (age >= 13)
    new_class = np.where(mature, size_class(r12, micro, small), size)
    moved = alive & (size == 0) & (new_class > 0) & ~graduated
    want = (u, new_capacity, new_base, cash - spend, r12, new_class, graduated | moved)
    # The pass, in place.
    out = (utilisation, capacity, base, cash, revenue_12m, size, graduated)
    got_spend, got_moved = growth_pass(
        (alive, age, sales, price, input_cost, fixed_cost, revenue),
        out,
        (memory, threshold, buffer_months, share, capital_months, depreciation),
        micro,
        small,
    )
    same(got_spend, spend)
    assert got_moved == moved.sum() > 0
    for got, expected in zip(out, want):
        same(got, expected)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("fill", [None, 0.95])
def test_cocreation_pass_equals_the_formulas(seed, fill):
    from sim.passes import cocreation_pass

    rng = np.random.default_rng(seed)
    n = 2000
    alive, member, cocreating = rng.random(n) < 0.9, rng.random(n) < 0.5, rng.random(n) < 0.3
    level = rng.integers(0, 3, n).astype(np.int8)
    draws, literacy = rng.random(n), rng.random(n)
    demand = rng.random(n) * 1e6 * (rng.random(n) < 0.9)
    revenue = demand * rng.uniform(0.5, 1.2, n)
    customers, capacity, price = rng.random(n) * 1e6, rng.random(n) * 200, rng.random(n) * 1e4
    loyalty, extra = rng.random(n), rng.random(n) * 1e4
    adopt, lg, intensity, penalty, wom = 0.05, 0.05, 0.5, 0.1, 0.2
    # The formulas.
    c = alive & (level >= 1) & member & (cocreating | (draws < adopt * literacy))
    unmet = np.divide(np.maximum(demand - revenue, 0.0), demand, out=np.zeros(n), where=demand > 0)
    gain = lg * (1 - np.exp(-intensity)) * (1 - loyalty)
    new_loyalty = np.clip(loyalty + np.where(c, gain - penalty * intensity * unmet, 0.0), 0.0, 1.0)
    orders = np.where(c, intensity * wom * new_loyalty * customers, 0.0)
    if fill is not None:
        orders = np.minimum(orders, np.maximum(fill * capacity * price - demand, 0.0))
    want = (c, new_loyalty, orders, extra + orders)
    # The pass, in place.
    out = (cocreating, loyalty, np.full(n, 3.0), extra)
    cocreation_pass(
        (alive, level, member, draws, literacy, demand, revenue, customers, capacity, price),
        out,
        (adopt, lg, float(1 - np.exp(-intensity)), penalty, intensity, wom),
        -1.0 if fill is None else fill,
    )
    for got, expected in zip(out, want):
        same(got, expected)


@pytest.mark.parametrize("seed", SEEDS)
def test_members_per_group_equal_the_sparse_products(seed):
    from sim.passes import members_per_group

    rng = np.random.default_rng(seed)
    n, n_groups = 1500, 50
    groups = binary(rng, n, n_groups, 0.04)
    sellers = rng.random(n) < 0.6
    promoters = sellers & (rng.random(n) < 0.3)
    got = members_per_group(groups.indptr, groups.indices, n_groups, sellers, promoters)
    same(got[0], groups.T @ sellers.astype(float))
    same(got[1], groups.T @ promoters.astype(float))


@pytest.mark.parametrize("seed", SEEDS)
def test_pool_orders_pass_equals_the_formulas(seed):
    from sim.passes import pool_orders_pass
    from sim.rules.bulk_purchasing import planned_order

    rng = np.random.default_rng(seed)
    n, n_groups = 2000, 40
    s = _Columns(
        customers=rng.random(n) * 1e6 * (rng.random(n) < 0.9),
        online_demand=rng.random(n) * 1e5,
        price=rng.random(n) * 1e4 + 1,
        capacity=rng.random(n) * 300,
        unit_cost=rng.random(n) * 5e3,
        alive=rng.random(n) < 0.9,
        member=rng.random(n) < 0.5,
        trust=rng.random(n),
        cash=rng.random(n) * 2e6,
    )
    group = rng.integers(-1, n_groups, n)
    commit = planned_order(s)
    join = s.member & s.alive & (group >= 0) & (s.trust >= 0.3) & (commit > 0)
    join &= s.cash >= commit
    given = tuple(s[k] for k in ("customers", "online_demand", "price", "capacity", "unit_cost"))
    given += (s.alive, s.member, s.trust, s.cash)
    rows, committed = pool_orders_pass(given, group, 0.3)
    same(rows, np.flatnonzero(join))
    same(committed, commit[join])
    assert 0 < len(rows) < n


@pytest.mark.parametrize("seed", SEEDS)
def test_learn_gain_equals_its_formulas(seed):
    from sim.rules.common import learn_gain

    rng = np.random.default_rng(seed)
    n = 1000
    base = _Columns(
        x_expected_gain_idr=rng.normal(0, 1e4, n),
        x_losing_months=rng.integers(0, 5, n).astype(np.int16),
    )
    rows = np.flatnonzero(rng.random(n) < 0.4)
    gain = rng.normal(0, 2e4, len(rows))
    got = _Columns({k: v.copy() for k, v in base.items()})
    learn_gain(got, "x", rows, gain, 0.3)
    expected, losing = base.x_expected_gain_idr.copy(), base.x_losing_months.copy()
    expected[rows] = (1 - 0.3) * expected[rows] + 0.3 * gain
    losing[rows] = np.where(expected[rows] < 0, losing[rows] + 1, 0)
    same(got.x_expected_gain_idr, expected)
    same(got.x_losing_months, losing)


@pytest.mark.parametrize("seed", SEEDS)
def test_partner_search_pass_equals_the_formulas(seed):
    from sim.passes import partner_search_pass
    from sim.rules.partnering import _dissolve

    rng = np.random.default_rng(seed)
    n = 1000
    alive = rng.random(n) < 0.8
    partner = np.full(n, -1, dtype=np.int32)
    pairs = rng.permutation(n)[:600].reshape(-1, 2)
    partner[pairs[:, 0]], partner[pairs[:, 1]] = pairs[:, 1], pairs[:, 0]
    ties = binary(rng, n, n, 0.005)
    draws = rng.random(n)
    # The formulas.
    want = _Columns(partner=partner.copy())
    gone = (want.partner >= 0) & (~alive | ~alive[np.maximum(want.partner, 0)])
    _dissolve(want, np.flatnonzero(gone))
    degree = np.diff(ties.indptr)
    rate = 0.1 * np.minimum(degree / 6, 1.0)
    searching = alive & (want.partner < 0) & (draws < rate)
    # The pass, in place.
    got = partner_search_pass(alive, partner, ties.indptr, draws, 0.1, 6)
    same(partner, want.partner)
    same(got, searching)
    assert gone.any() and searching.any()
