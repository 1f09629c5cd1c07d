"""Policies: each moves its own target outcome, its spend is recorded, budgets hold."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim.policies  # noqa: F401  (registers the built-ins)
from sim.interventions import POLICIES
from sim.model import MSMEModel
from tests.conftest import small

SEEDS = range(20)

# policy → (settings, outcome, direction, scenario options making the lever matter)
CASES = {
    "digital_training": ({}, "mean_literacy", 1, {}),
    "data_subsidy": (
        {"share": 0.8},
        "digital_share",
        1,
        {"connectivity": {"data_price_idr_per_gb": 60000.0}},
    ),
    # Among the same firms: with entry following expected profit, paired runs differ in their
    # entrants, who are drawn with the starting digital share and dilute the survivors' share.
    "device_grant": (
        {"target": {"not_digital": True}},
        "digital_share",
        1,
        {"firms": {"device_share": 0.2}, "rules": {"exit_entry": {"enabled": False}}},
    ),
    "emergency_grant": (
        {"start": 2, "end": 4},
        "survival_rate",
        1,
        {"shocks": [{"use": "demand_shock", "start": 2, "months": 12}]},
    ),
    "cheap_credit": ({"target": {"poor_owner": True}}, "loans_outstanding_idr", 1, {}),
    "connectivity_upgrade": (
        {},
        "digital_share",
        1,
        {"connectivity": {"coverage_mean": 0.5, "coverage_spread": 0.2}},
    ),
    "cooperative_facilitation": ({}, "mean_trust", 1, {}),
    "regional_platform": ({}, "online_revenue_share", 1, {}),
    "mentoring": ({}, "mean_knowledge", 1, {}),
    "youth_skill_training": (
        {"per_month": 3},
        "skilled_workers",
        1,
        {
            "firms": {
                "sector_shares": {
                    "food": 0.2,
                    "fashion": 0.0,
                    "craft": 0.7,
                    "retail": 0.05,
                    "services": 0.05,
                }
            },
            "rules": {"labour": {"youth_per_firm": 0.0, "youth_inflow": 0.0, "mean_age": 56.0}},
        },
    ),
    "collaboration_subsidy": ({}, "shared_facility_users", 1, {}),
}


def scenario(policies, options, months=24):
    sections = {k: v for k, v in options.items()}
    firms = {"count": 300, "villages": 4, **sections.pop("firms", {})}
    return small(
        n=firms.pop("count"), months=months, policies=policies, firms={**firms}, **sections
    )


def test_every_builtin_policy_has_a_case():
    assert set(CASES) == set(POLICIES.names())


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CASES))
def test_policy_moves_its_target_outcome_and_records_spend(name):
    """Tolerance: the policy's target outcome moves the expected way in at least 18 of 20
    paired seeds (same seed with and without the policy; FEWER_WINS says where the model now
    finds a smaller effect), and its spending equals the ledger."""
    extra, outcome, sign, options = CASES[name]
    extra = {k: v for k, v in extra.items() if v is not None}
    policy = [{"use": name, "budget_idr": 2.0e9, **extra}]
    wins = 0
    for seed in SEEDS:
        with_policy = MSMEModel(scenario(policy, options), seed=seed)
        without = MSMEModel(scenario([], options), seed=seed)
        with_policy.run()
        without.run()
        diff = with_policy.summary()[outcome] - without.summary()[outcome]
        wins += sign * diff > 0
        spent = with_policy.summary()["policy_spend_idr"]
        ledger = pd.DataFrame(with_policy.policy_ledger)
        assert spent > 0 and abs(ledger["spend_idr"].sum() - spent) < 1e-3
        assert (ledger["policy"] == name).all() and (ledger["firms"] >= 0).all()
        assert without.summary()["policy_spend_idr"] == 0
    needed = FEWER_WINS.get(name, 18)
    assert wins >= needed, f"{name} moved {outcome} the right way in only {wins}/20 seeds"


#: Policies whose effect on their target outcome is smaller than the paired seeds' noise, with
#: what the model finds: a one-off Rp 2.4 M emergency grant, now that firms carry a month's
#: fixed cost in overdraft before they close, raises survival by 0.7 pp on average but in only
#: 13 of 20 paired seeds (18 before the accounted economy).
FEWER_WINS = {"emergency_grant": 12}


@settings(max_examples=15, deadline=None)
@given(name=st.sampled_from(sorted(CASES)), budget=st.floats(0, 5e8), seed=st.integers(0, 999))
def test_budget_is_never_exceeded(name, budget, seed):
    model = MSMEModel(scenario([{"use": name, "budget_idr": budget}], {}, months=12), seed=seed)
    model.run()
    policy = model.policies[0]
    assert policy.spent_idr <= budget + 1e-6
    assert model.summary()["policy_spend_idr"] <= budget + 1e-6
    months = [row["month"] for row in model.policy_ledger]
    assert months == sorted(months)


def test_policy_outside_its_window_spends_nothing():
    model = MSMEModel(scenario([{"use": "digital_training", "start": 100}], {}, months=12), seed=1)
    model.run()
    assert model.summary()["policy_spend_idr"] == 0 and model.policy_ledger == []


def test_unknown_policy_parameter_and_target_are_one_line_errors(tmp_path, cli):
    bad = tmp_path / "bad.yaml"
    bad.write_text("policies: [{use: digital_training, budjet_idr: 5}]\n")
    code, _, err = cli("validate", bad)
    assert code == 2 and "policies.0.budjet_idr: unknown parameter (valid: budget_idr" in err
    bad.write_text("policies: [{use: mentoring, target: {rich_owner: true}}]\n")
    code, _, err = cli("validate", bad)
    assert code == 2 and "policies.0.target.rich_owner: unknown key" in err
    bad.write_text("shocks: [{use: meteor}]\n")
    code, _, err = cli("validate", bad)
    assert (
        code == 2 and "shocks.0.use: unknown shock 'meteor' (available: connectivity_outage" in err
    )


def test_covid_shock_makes_most_micro_and_small_firms_lose_revenue():
    """Calibration: about 84% of micro and small firms lost revenue (BPS 2020); the default
    demand shock gives a share between 80% and 90% (mean of 5 seeds)."""
    from sim.validation import check_covid_revenue_loss

    check = check_covid_revenue_loss()
    assert 0.8 <= check.details["share"] <= 0.9, check.value
