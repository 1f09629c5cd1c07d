"""Per-firm reference implementations of bulk_purchasing and partnering, written here in plain
Python loops, checked against the vectorised rules at small N."""

from __future__ import annotations

import math

import numpy as np

from sim.model import MSMEModel
from sim.rules import bulk_purchasing as bp
from sim.rules.market import first_group
from tests.conftest import small

# --- bulk purchasing: exact agreement on the same state and the same random draws -------------


def reference_pools(model, draws, p):
    """Loop over firms and pools: unit costs, extra costs and trust after one pooling month."""
    s, groups = model.state, model.net.groups
    unit_cost, extra, trust = s.unit_cost.copy(), s.extra_cost.copy(), s.trust.copy()
    members, defaulters, commits = {}, {}, {}
    for i in range(s.n):
        start, end = groups.indptr[i], groups.indptr[i + 1]
        if end == start or not s.alive[i]:
            continue
        g = groups.indices[start]
        units = min((s.customers[i] + s.online_demand[i]) / s.price[i], s.capacity[i])
        commits[i] = max(units, 0.0) * s.unit_cost[i]
        if s.trust[i] < p["min_trust"] or commits[i] <= 0 or s.cash[i] < commits[i]:
            continue
        (defaulters if draws[i] < p["default_rate"] else members).setdefault(g, []).append(i)
    for g, firms in members.items():
        bad = defaulters.get(g, [])
        paid = sum(commits[i] for i in firms)
        q = paid + sum(commits[j] for j in bad)  # the pool ordered for every committed member
        tiers = math.floor(math.log2(q / p["tier_idr"])) + 1 if q >= p["tier_idr"] else 0
        discount = min(tiers * p["discount_per_tier"], p["max_discount"])
        village = model.net.group_village[g]
        factor = model.shared.coordination_factor
        coordination = p["coordination_idr"] * (
            factor[village] if village >= 0 else np.mean(factor)
        )
        loss = sum(p["default_penalty"] * (1 - discount) * commits[j] for j in bad)
        for i in firms:
            unit_cost[i] *= 1 - discount
            extra[i] += coordination * commits[i] / paid + loss * commits[i] / paid
    for g, bad in defaulters.items():
        everyone = members.get(g, []) + bad
        for i in everyone:
            trust[i] = min(max(trust[i] - p["trust_loss"], 0.0), 1.0)
    return unit_cost, extra, trust


def test_vectorised_pooling_equals_the_per_firm_reference():
    params = dict(bp.P.__dict__, default_rate=0.2)  # frequent defaults: exercise that branch
    for seed in range(5):
        model = MSMEModel(small(n=150, months=3, networks={"groups_per_firm": 2.0}), seed=seed)
        model.run(2)
        model.start_month()
        model.apply_rule("governance")
        draws = np.random.default_rng(seed).random(model.state.n)
        expected = reference_pools(model, draws, params)
        bp.group_pool(model, np.random.default_rng(seed), **params)
        s = model.state
        assert s.pooling.sum() > 5
        np.testing.assert_allclose(s.unit_cost, expected[0], rtol=1e-12)
        np.testing.assert_allclose(s.extra_cost, expected[1], rtol=1e-9, atol=1e-6)
        np.testing.assert_allclose(s.trust, expected[2], rtol=1e-12)
        assert (first_group(model.net.groups)[s.pooling] >= 0).all()


# --- partnering: same behaviour over replications ---------------------------------------------


def reference_partnering(model, rng, rule, p):
    """One month of partner search, matching, gains and review, firm by firm."""
    s, ties = model.state, model.net.ties_csr
    for i in range(s.n):  # partnerships with a dead firm end
        j = s.partner[i]
        if j >= 0 and (not s.alive[i] or not s.alive[j]):
            s.partner[i] = -1
            s.partner[j] = -1
    proposals = []
    for i in range(s.n):
        neighbours = ties.indices[ties.indptr[i] : ties.indptr[i + 1]]
        if not s.alive[i] or s.partner[i] >= 0 or len(neighbours) == 0:
            continue
        if rng.random() >= p["search_rate"] * min(len(neighbours) / p["full_search_ties"], 1):
            continue
        met = [int(neighbours[rng.integers(len(neighbours))]) for _ in range(p["candidates"])]
        free = [j for j in met if s.partner[j] < 0 and s.alive[j] and j != i]
        if not free:
            continue
        if rule == "complementary":
            j = max(free, key=lambda j: bp_fit(s, i, j))
        else:
            j = free[0]
        proposals.append((i, j))
    rng.shuffle(proposals)
    taken, matched = set(), []
    for i, j in proposals:
        if j in taken or i in taken:
            continue
        taken.update((i, j))
        matched.append((i, j))
    targets = {j for _, j in matched}
    for i, j in matched:
        if i in targets:
            continue
        s.partner[i], s.partner[j] = j, i
        s.partner_fit[i] = s.partner_fit[j] = bp_fit(s, i, j)
    for i in range(s.n):
        j = s.partner[i]
        if s.alive[i] and j >= 0:
            base = min(s.customers[i], s.customers[j])
            s.partner_gain[i] = p["gain_rate"] * s.partner_fit[i] * base - p["coordination_idr"]
        else:
            s.partner_gain[i] = 0.0


def bp_fit(s, i, j):
    return (
        4
        * (s.skill_production[i] - s.skill_production[j])
        * (s.skill_marketing[j] - s.skill_marketing[i])
    )


def one_month(rule, seed, reference):
    from sim.rules.partnering import P, partnering

    model = MSMEModel(small(n=200, months=2, rules={"governance": {"enabled": False}}), seed=seed)
    model.state.partner[:] = -1
    params = dict(P.__dict__)
    rng = np.random.default_rng(seed + 1000)
    if reference:
        reference_partnering(model, rng, rule, params)
    else:
        partnering(model, rng, rule, **params)
    s = model.state
    paired = s.partner >= 0
    return paired.sum() / 2, s.partner_fit[paired].mean() if paired.any() else 0.0


def test_vectorised_partnering_matches_the_per_firm_reference():
    """Tolerance: over 40 seeds, mean partnerships formed in a month agree within 15% and mean
    fit within 0.05, for complementary and random matching."""
    for rule in ("complementary", "random"):
        fast = np.array([one_month(rule, s, False) for s in range(40)])
        slow = np.array([one_month(rule, s, True) for s in range(40)])
        assert abs(fast[:, 0].mean() / slow[:, 0].mean() - 1) < 0.15, (
            rule,
            fast.mean(0),
            slow.mean(0),
        )
        assert abs(fast[:, 1].mean() - slow[:, 1].mean()) < 0.05, (rule, fast.mean(0), slow.mean(0))
