"""co_creation: bounds, the cash identity with every collaboration mechanism on, loyalty's
inverted U in intensity, the capacity-aware variant, and a student's per-firm replacement."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from sim.config import load_scenario
from sim.errors import ConfigError
from sim.model import MSMEModel
from sim.rules import per_firm
from sim.rules.co_creation import cocreation_gain
from tests.collab_helpers import SEEDS, cash_identity_gap, run, snapshot
from tests.conftest import small

TIGHT = {"digital_share_messaging": 0.5, "capacity_headroom": 1.1}


def test_sales_stay_within_capacity_and_loyalty_in_bounds_under_intense_cocreation():
    model = MSMEModel(
        small(
            n=300,
            months=18,
            firms=TIGHT,
            rules={"co_creation": {"intensity": 10.0, "adopt_rate": 1.0}},
        ),
        seed=3,
    )
    for _ in range(18):
        model.step()
        s = model.state
        assert (s.sales <= s.capacity * (1 + 1e-12)).all()
        assert ((s.loyalty >= 0) & (s.loyalty <= 1)).all()
        assert not (s.cocreating & ~(s.alive & (s.level >= 1))).any()
    assert s.cocreating.sum() > 20 and (s.demand > s.revenue + 1).any()  # the bound did bind


@pytest.mark.parametrize("seed", [1, 2])
def test_cash_identity_per_firm_with_every_collaboration_mechanism_on(seed):
    """Every month, for every firm alive at its start: Δcash = profit − drawings + new loan −
    repayment, with pooling (equal split, frequent defaults), shared facilities by use, carrying,
    joint marketing, a regional platform, a collaboration subsidy and co-creation all on."""
    scenario = small(
        n=300,
        months=12,
        firms={"digital_share_messaging": 0.4, "digital_share_marketplace": 0.1},
        rules={
            "bulk_purchasing": {"split": "equal", "default_rate": 0.2},
            "resource_sharing": {"use": "village_facility_by_use"},
            "co_creation": {"use": "capacity_aware", "adopt_rate": 0.5, "intensity": 3.0},
        },
        policies=[
            {"use": "collaboration_subsidy", "start": 0, "budget_idr": 3.0e7},
            {"use": "regional_platform", "start": 0, "budget_idr": 1.0e9},
        ],
    )
    model = MSMEModel(scenario, seed=seed)
    for _ in range(12):
        before = snapshot(model)
        model.step()
        assert cash_identity_gap(before, model) < 1e-3
    s = model.state
    assert s.pooling.any() and s.facility_user.any() and s.joint_promo.any()
    assert s.cocreating.any() and model.shared.platform_members > 0 and (s.carry_fee_idr > 0).any()


def test_only_digital_owners_with_some_literacy_start_cocreating():
    model = MSMEModel(small(n=300, months=6, rules={"co_creation": {"adopt_rate": 1.0}}), seed=4)
    model.state.literacy[:100] = 0.0
    model.state.cocreating = False
    model.state.level[:100] = 1
    model.rules["digital_adoption"] = None  # keep levels and literacy fixed
    model.run(6)
    s = model.state
    assert not s.cocreating[:100].any()
    assert not (s.cocreating & (s.level == 0)).any() and s.cocreating.any()


def loyalty_at(intensity: float | None, seed: int, use: str = "customer_involvement") -> float:
    """Mean customer loyalty after 18 months (None: co-creation off), tight capacity."""
    rules = {"co_creation": {"use": use, "adopt_rate": 0.5}}
    if intensity is None:
        rules["co_creation"]["enabled"] = False
    else:
        rules["co_creation"]["intensity"] = float(intensity)
    return run(seed, months=18, firms=TIGHT, rules=rules).summary()["mean_customer_loyalty"]


def test_cocreation_raises_loyalty_with_diminishing_then_negative_returns():
    """Tolerance, over 10 paired seeds at tight capacity (headroom 1.1), intensity 0 (off), 0.5,
    2 and 8: loyalty at 0.5 beats no co-creation in every seed; the mean gain per unit of
    intensity from 0.5 to 2 is below that from 0 to 0.5 (diminishing); loyalty at 8 is below
    loyalty at 2 on average and in at least 8 of 10 seeds (co-created demand outruns capacity)."""
    levels = np.array([[loyalty_at(i, seed) for i in (None, 0.5, 2, 8)] for seed in SEEDS])
    off, low, mid, high = levels.T
    assert (low > off).all()
    assert ((mid - low) / 1.5).mean() < ((low - off) / 0.5).mean()
    assert high.mean() < mid.mean() and (high < mid).sum() >= 8


def test_cocreation_brings_word_of_mouth_revenue_won_from_rivals():
    """Tolerance: over 10 paired seeds, the firms co-creating after 18 months sell more than the
    same firms without co-creation on average, and co-created orders are positive in every seed.
    Word of mouth draws on the same households' budget, so the co-creators' gain is won from
    their rivals: the mean revenue of all firms is not what it raises (it changed in the
    regional economy; see docs/validation.md)."""
    gains = []
    for seed in SEEDS:
        on = run(seed, months=18, firms=TIGHT, rules={"co_creation": {"adopt_rate": 0.5}})
        off = run(seed, months=18, firms=TIGHT, rules={"co_creation": {"enabled": False}})
        assert on.summary()["cocreation_orders_idr"] > 0
        n = min(on.state.n, off.state.n)
        a, b = on.state, off.state
        co = a.cocreating[:n] & a.alive[:n] & b.alive[:n]
        gains.append((a.revenue[:n][co] - b.revenue[:n][co]).mean())
    assert np.mean(gains) > 0, gains


def test_taking_cocreated_orders_only_up_to_capacity_keeps_loyalty_at_high_intensity():
    """Tolerance: at intensity 8 and tight capacity, the capacity-aware variant ends with higher
    mean loyalty than taking every co-created order in at least 8 of 10 paired seeds."""
    wins = sum(loyalty_at(8, s, "capacity_aware") > loyalty_at(8, s) for s in SEEDS)
    assert wins >= 8


# --- a student's per-firm rule replaces the built-in one through the scenario file ----------------


@per_firm("co_creation", "test_poll_customers")
def poll_customers(firm, rng, *, literacy_needed=0.5, loyalty_step=0.02):
    """A digital owner who can run a poll co-creates; loyalty rises while every order is met."""
    if firm.level >= 1 and firm.literacy >= literacy_needed:
        firm.cocreating = True
        met = firm.revenue >= firm.demand - 1e-6
        firm.loyalty = min(1.0, max(0.0, firm.loyalty + (loyalty_step if met else -loyalty_step)))


def test_a_per_firm_variant_replaces_the_built_in_one_from_the_scenario_file(tmp_path):
    path = tmp_path / "poll.yaml"
    path.write_text(
        "name: poll\nmonths: 6\nfirms: {count: 150, villages: 3, digital_share_messaging: 0.5}\n"
        "rules:\n  co_creation: {use: test_poll_customers, loyalty_step: 0.05}\n"
    )
    scenario = load_scenario(path)
    assert scenario.rules["co_creation"]["use"] == "test_poll_customers"
    model = MSMEModel(scenario, seed=1)
    model.run()
    s = model.state
    assert s.cocreating.any() and (s.literacy[s.cocreating] >= 0.5).all()
    assert (s.cocreation_orders_idr == 0).all()  # the built-in rule did not run
    assert s.loyalty[s.cocreating].max() >= 0.05
    steps = s.loyalty[s.cocreating & s.alive] / 0.05  # whole steps of the scenario's size
    np.testing.assert_allclose(steps, np.round(steps), atol=1e-6)
    path.write_text(path.read_text().replace("loyalty_step", "loyalty_stpe"))
    with pytest.raises(ConfigError, match="rules.co_creation.loyalty_stpe"):
        load_scenario(path)


# --- co-creating as a decision --------------------------------------------------------------------


def cocreation_shares(seed: int, capacity_scale: float, months: int = 24) -> np.ndarray:
    """Share of living firms co-creating each month, every firm's capacity × scale (entrants'
    too, as they arrive)."""
    rules = {"co_creation": {"adopt_rate": 0.3, "explore_rate": 0.0}}
    model = MSMEModel(small(n=300, months=months, rules=rules), seed=seed)
    scaled, shares = 0, []
    for _ in range(months):
        model.state.capacity[scaled:] *= capacity_scale
        scaled = model.state.n
        model.step()
        shares.append(model.state.cocreating[model.state.alive].mean())
    return np.array(shares)


def test_firms_that_cannot_serve_what_co_creation_brings_co_create_less():
    """Tolerance: averaged over 10 paired seeds, when every firm has a fifth of its capacity
    (co-created orders often go unserved and disappoint), the share co-creating in the last 6
    of 24 months is lower than with their own capacity. (Seed by seed it is not: the firms that
    survive with a fifth of their capacity are those whose demand fits it.)"""
    tight = np.mean([cocreation_shares(seed, 0.2)[-6:].mean() for seed in SEEDS])
    normal = np.mean([cocreation_shares(seed, 1.0)[-6:].mean() for seed in SEEDS])
    assert normal > 0.1 and tight < normal


def test_a_co_creators_gain_is_its_margin_on_served_orders_less_unserved_demand():
    """cocreation_gain: margin × (last month's co-created orders × served share − unmet demand
    up to those orders)."""
    s = SimpleNamespace(
        n=3,
        revenue=np.array([100.0, 50.0, 0.0]),
        demand=np.array([100.0, 100.0, 0.0]),
        cocreation_orders_idr=np.array([10.0, 40.0, 5.0]),
        unit_cost=np.array([6.0, 6.0, 6.0]),
        price=np.array([10.0, 10.0, 10.0]),
    )
    np.testing.assert_allclose(cocreation_gain(s), [0.4 * 10, 0.4 * (20 - 40), 0.4 * 5])
