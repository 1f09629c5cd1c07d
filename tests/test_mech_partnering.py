"""partnering: a per-firm reference of the whole monthly step (search, matching, gains, review)
written here in plain loops, reviews by partnership age, the accounts, mutual living pairs, and
the directional findings (more ties → more partners; complementary beats random; mismatches lose
money; the fashion-cluster versions are in tests/test_findings.py).
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import MSMEModel
from sim.rules import variant
from sim.rules.partnering import P
from tests.collab_helpers import booked_cash_flows, paired, run
from tests.conftest import small

# --- the reference: one firm at a time --------------------------------------------------------


def fit(s, i: int, j: int) -> float:
    p, m = s.skill_production, s.skill_marketing
    return 4 * (p[i] - p[j]) * (m[j] - m[i])


def pick(s, i: int, free: list[int], rule: str) -> int:
    """The candidate a searching firm proposes to."""
    if rule == "complementary":
        return max(free, key=lambda j: fit(s, i, j))
    if rule == "similar":
        p, m = s.skill_production, s.skill_marketing
        return min(free, key=lambda j: abs(p[i] - p[j]) + abs(m[i] - m[j]))
    return free[0]


def dissolve(s, i: int) -> None:
    j = s.partner[i]
    s.partner[i] = -1
    if j >= 0:
        s.partner[j] = -1


@variant("partnering", "reference_loops")
def reference_loops(
    model,
    rng,
    *,
    rule="complementary",
    search_rate=P.search_rate,
    candidates=P.candidates,
    full_search_ties=P.full_search_ties,
    gain_rate=P.gain_rate,
    coordination_idr=P.coordination_idr,
    review_months=P.review_months,
):
    """The partnering month as a student would write it: loops over firms."""
    s, ties = model.state, model.net.ties_csr
    for i in range(s.n):
        j = s.partner[i]
        if j >= 0 and not (s.alive[i] and s.alive[j]):
            dissolve(s, i)
    proposals = []
    for i in range(s.n):
        contacts = ties.indices[ties.indptr[i] : ties.indptr[i + 1]]
        if not s.alive[i] or s.partner[i] >= 0 or len(contacts) == 0:
            continue
        if rng.random() >= search_rate * min(len(contacts) / full_search_ties, 1.0):
            continue
        met = [int(contacts[rng.integers(len(contacts))]) for _ in range(candidates)]
        free = [j for j in met if s.partner[j] < 0 and s.alive[j] and j != i]
        if free:
            proposals.append((i, pick(s, i, free, rule)))
    rng.shuffle(proposals)
    first_for_target = {}
    for i, j in proposals:
        first_for_target.setdefault(j, i)
    for j, i in first_for_target.items():
        if i in first_for_target:  # the proposer is itself wanted by someone: it stays there
            continue
        s.partner[i], s.partner[j] = j, i
        s.partner_fit[i] = s.partner_fit[j] = fit(s, i, j)
        s.partner_gain_total[i] = s.partner_gain_total[j] = 0.0
        s.partner_months[i] = s.partner_months[j] = 0
        model.shared.partnerships_new_total += 1
    factor = model.shared.coordination_factor
    for i in range(s.n):
        j = s.partner[i]
        gain = 0.0
        if s.alive[i] and j >= 0:
            base = min(s.customers[i], s.customers[j])
            coordination = coordination_idr * (1.0 if factor is None else factor[s.village[i]])
            gain = gain_rate * s.partner_fit[i] * base - coordination
        s.partner_gain[i] = gain
        s.partner_gain_total[i] += gain
        s.extra_cost[i] -= gain
        model.shared.partnership_profit_total_idr += float(gain)
    ending = []
    for i in range(s.n):
        j = s.partner[i]
        if s.alive[i] and j >= 0:
            s.partner_months[i] += 1
            due = s.partner_months[i] % review_months == 0
            if due and s.partner_gain_total[i] + s.partner_gain_total[j] < 0:
                ending.append(i)
    for i in ending:
        dissolve(s, i)


def outcomes(use: str, seed: int, rule: str) -> np.ndarray:
    rules = {"partnering": {"use": use, "search_rate": 0.3}}
    if use == "reference_loops":
        rules["partnering"]["rule"] = rule
    model = MSMEModel(small(n=150, months=18, rules=rules), seed=seed)
    model.run()
    summary = model.summary()
    return np.array(
        [
            summary["partnerships_new_total"],
            summary["partnerships_active"],
            summary["partnership_profit_total_idr"] / 1e6,
        ]
    )


@pytest.mark.slow
def test_vectorised_partnering_matches_the_per_firm_reference():
    """Whole runs (18 months, 150 firms, every other mechanism on) with the vectorised rule and
    with the loops above, over 20 seeds each, for complementary and random matching.
    Tolerance: for partnerships formed, partnerships active at the end and total partnership
    profit, the two means differ by less than 3 standard errors of their difference and, for
    the counts, by less than 10%."""
    seeds = range(20)
    for rule in ("complementary", "random"):
        fast = np.array([outcomes(rule, s, rule) for s in seeds])
        slow = np.array([outcomes("reference_loops", 100 + s, rule) for s in seeds])
        gap = fast.mean(axis=0) - slow.mean(axis=0)
        se = np.sqrt(fast.var(axis=0, ddof=1) / len(fast) + slow.var(axis=0, ddof=1) / len(slow))
        assert (np.abs(gap) < 3 * se).all(), (rule, fast.mean(axis=0), slow.mean(axis=0), se)
        counts = slice(0, 2)
        assert (np.abs(gap[counts]) < 0.1 * slow.mean(axis=0)[counts]).all(), (rule, gap)


# --- reviews and accounts ---------------------------------------------------------------------


def test_reviews_drop_exactly_the_losing_partnerships_that_are_due():
    """After every month: no partnership that has just completed a review period is losing
    money overall; losing ones that are not yet due are still running (the review waits), and
    a partnership's age never passes a review with a loss."""
    review = 4
    rules = {"partnering": {"use": "random", "search_rate": 0.5, "review_months": review}}
    model = MSMEModel(small(n=300, months=24, rules=rules), seed=2)
    waiting = 0
    for _ in range(24):
        model.step()
        s = model.state
        paired = np.flatnonzero(s.alive & (s.partner >= 0))
        total = s.partner_gain_total[paired] + s.partner_gain_total[s.partner[paired]]
        months = s.partner_months[paired]
        assert (months == s.partner_months[s.partner[paired]]).all()
        assert not ((months % review == 0) & (total < 0)).any()
        waiting += int(((months % review != 0) & (total < 0)).sum())
    assert waiting > 0


def test_partnership_gains_and_losses_go_through_the_accounts():
    """With every collaboration mechanism on and strong settings, each firm's extra cost moves
    by minus its partnership gain, and cash follows profit, drawings and loans month by month
    (Δcash = profit − drawings + new loan − repayment for firms alive at the start)."""
    rules = {
        "partnering": {"use": "random", "search_rate": 0.6, "gain_rate": 0.4},
        "governance": {"meeting_rate": 0.8},
        "knowledge_sharing": {"rate": 0.5},
        "exit_entry": {"entry_rate": 0.5},
    }
    model = MSMEModel(small(n=300, months=18, rules=rules), seed=7)
    apply_rule, checked = model.apply_rule, []

    def checking(phase):
        s = model.state
        before = s.extra_cost.copy()
        apply_rule(phase)
        if phase == "partnering":
            np.testing.assert_allclose(s.extra_cost - before, -s.partner_gain, atol=1e-6)
            checked.append(phase)

    model.apply_rule = checking
    for _ in range(18):
        s = model.state
        n, cash, alive = s.n, s.cash.copy(), s.alive.copy()
        model.step()
        flows = booked_cash_flows(model, alive)
        np.testing.assert_allclose((s.cash[:n] - cash)[alive], flows[alive], rtol=1e-9, atol=1e-3)
    assert len(checked) == 18 and model.summary()["partnerships_new_total"] > 0


def test_partnerships_are_mutual_and_between_living_firms():
    """Every month over 36 months of heavy turnover (entry rate 0.5): each partner's partner is
    the firm itself and both are alive; partnerships do form and partnered firms do close."""
    model = MSMEModel(small(n=300, months=36, rules={"exit_entry": {"entry_rate": 0.5}}), seed=5)
    formed = closed_partners = 0
    for _ in range(36):
        partnered_before = model.state.partner >= 0
        model.step()
        s = model.state
        partnered = s.partner >= 0
        assert s.alive[partnered].all() and s.alive[s.partner[partnered]].all()
        assert (s.partner[s.partner[partnered]] == np.flatnonzero(partnered)).all()
        formed += int(partnered.sum())
        closed_partners += int((partnered_before & ~s.alive[: len(partnered_before)]).sum())
    assert formed > 0 and closed_partners > 0


# --- direction --------------------------------------------------------------------------------

SEEDS = range(12)


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
    """Tolerance: over 12 paired seeds (12 months) the total profit of partnerships is higher
    with complementary matching in at least 11 seeds; under random matching it is negative on
    average, and partnerships with negative fit lose money."""
    comp = {"rules": {"partnering": {"use": "complementary"}}}
    rand = {"rules": {"partnering": {"use": "random"}}}
    diff = paired("partnership_profit_total_idr", comp, rand, SEEDS, months=12)
    assert (diff > 0).sum() >= 11
    random_profit = [
        run(s, months=12, **rand).summary()["partnership_profit_total_idr"] for s in SEEDS
    ]
    assert np.mean(random_profit) < 0
    model = run(1, months=9, **rand)  # between reviews: mismatched pairs still exist
    s = model.state
    mismatched = (s.partner >= 0) & (s.partner_fit < 0)
    assert mismatched.any() and (s.partner_gain[mismatched] < 0).all()
