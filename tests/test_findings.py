"""The five field studies' findings, emerging from the model (issue 3/8 of the roadmap).

The paired findings and their tolerances are the table :data:`sim.validation.findings.FINDINGS`
(also the source of ``docs/validation.md``): each runs its scenario file, shrunk with
overrides, over 20 paired seeds (the same seeds in both arms: common random numbers). The
findings that are not one arm against a reference are tests here, with their tolerance in the
docstring. Nothing in the rules refers to these findings; they come out of the mechanisms.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import load_scenario
from sim.model import MSMEModel
from sim.validation.findings import (
    ABLATION_SEEDS,
    BY_ID,
    FINDINGS,
    SIDOARJO,
    interval,
    paired_differences,
    run,
    verdict,
    without_assumption,
)
from tests.conftest import SCENARIOS

pytestmark = pytest.mark.slow  # 20 paired seeds of whole scenarios per finding

SEEDS = range(20)
SEED_FINDINGS = [f for f in FINDINGS if f.min_better is not None or f.mean_rule or f.ci]


@pytest.mark.parametrize("finding", SEED_FINDINGS, ids=lambda f: f.id)
def test_paired_finding_within_its_tolerance(finding):
    """Tolerance from the table: better in at least ``min_better`` of the paired seeds, the
    mean paired difference on the expected side when ``mean_rule`` is set, and its 95% interval
    excluding or including zero as the table's ``ci`` says (what the model now finds)."""
    better = finding.direction * paired_differences(finding)
    assert len(better) == finding.seeds
    if finding.min_better is not None:
        assert (better > 0).sum() >= finding.min_better, better
    if finding.mean_rule:
        assert better.mean() > 0, better
    if finding.ci is not None:
        low, high = interval(better)
        found = "excludes zero" if low > 0 else "reversed" if high < 0 else "includes zero"
        assert found == finding.ci, (finding.ci, interval(better))


@pytest.mark.parametrize("finding", [f for f in FINDINGS if f.without], ids=lambda f: f.id)
def test_finding_with_its_most_direct_assumption_removed(finding):
    """What each finding rests on: the same paired comparison with the assumption the table
    names removed (both arms), over ABLATION_SEEDS seeds. Tolerance: the 95% interval of the
    paired difference includes zero or turns ("vanishes"), or still excludes it on the expected
    side ("persists"), as the table says the model finds."""
    diffs = paired_differences(without_assumption(finding), range(ABLATION_SEEDS))
    assert verdict(finding, diffs) == finding.without_finds, (finding.id, interval(diffs))


def test_the_table_is_the_source_of_the_validation_page():
    """Every validated finding is a row of docs/validation.md, in table order, ids unique."""
    assert len(BY_ID) == len(FINDINGS)
    text = (SCENARIOS.parent / "docs" / "validation.md").read_text(encoding="utf-8")
    emergent = text.split("## What each finding rests on")[0]  # the findings' own table
    rows = [line.split(" | ")[0].removeprefix("| ") for line in emergent.splitlines()]
    validated = [f.title for f in FINDINGS if f.validated]
    assert [r for r in rows if r in validated] == validated


def paired(name: str, a: list[str], b: list[str], key: str, common: list[str]) -> np.ndarray:
    return np.array(
        [
            run(name, common + a, s).summary()[key] - run(name, common + b, s).summary()[key]
            for s in SEEDS
        ]
    )


def covid_loss_gaps(extra: tuple[str, ...] = ()) -> np.ndarray:
    """Per seed: offline firms' mean revenue loss (month 11 → 13, inside the shock) minus that
    of the firms already digital (positive: digital firms lose less)."""
    gaps = []
    for seed in SEEDS:
        model = MSMEModel(
            load_scenario(
                SCENARIOS / "covid_collaboration.yaml",
                ["firms.count=300", "months=18", "policies=[]", *extra],
            ),
            seed=seed,
        )
        model.run(11)
        s = model.state
        before, level, alive = s.revenue.copy(), s.level.copy(), s.alive.copy()
        model.run(2)
        after = model.state.revenue[: len(before)]
        ok = alive & model.state.alive[: len(before)] & (before > 0)
        loss = 1 - after[ok] / before[ok]
        gaps.append(loss[level[ok] == 0].mean() - loss[level[ok] >= 1].mean())
    return np.array(gaps)


def test_covid_digital_firms_lose_less_revenue_than_offline_ones():
    """Finding 1b. Tolerance: over 20 seeds, the mean revenue loss (month 11 → 13, inside the
    shock) of firms already digital is smaller than that of offline firms in at least 17.

    With its most direct assumption removed — restrictions move no spending online
    (``online_shift`` 0: online and offline sellers equally exposed) — the gap falls to under a
    third of its size (measured: 22.9 → 3.2 percentage points, better in 19 of 20 seeds): the
    finding rests mostly on that assumption."""
    gaps = covid_loss_gaps()
    assert (gaps > 0).sum() >= 17
    equal = covid_loss_gaps(
        ("shocks=[{use: demand_shock, start: 12, months: 12, recovery_months: 12, "
         "online_shift: 0.0}]",)
    )  # fmt: skip
    assert equal.mean() < gaps.mean() / 3, (equal.mean(), gaps.mean())


def test_sidoarjo_training_and_subsidy_help_most_where_literacy_or_connectivity_bind():
    """Finding 2b. Tolerance: over 20 paired seeds, the mean adoption gain from training is
    larger where literacy is low (0.35) than where it is high (0.85), and the gain from a data
    subsidy larger where data is dear (Rp 60,000/GB) than cheap (Rp 5,000/GB)."""
    training = ["policies=[{use: digital_training, budget_idr: 1.0e+9, per_month: 50}]"]
    subsidy = ["policies=[{use: data_subsidy, budget_idr: 1.0e+9, share: 0.8}]"]

    def gain(policy, setting):
        return paired(
            "sidoarjo_whatsapp.yaml", policy, [], "digital_share", [*SIDOARJO, setting]
        ).mean()

    assert gain(training, "firms.literacy_mean=0.35") > gain(training, "firms.literacy_mean=0.85")
    dear = gain(subsidy, "connectivity.data_price_idr_per_gb=60000")
    cheap = gain(subsidy, "connectivity.data_price_idr_per_gb=5000")
    assert dear > cheap and dear > 0


def test_sidoarjo_crowding_erodes_the_per_firm_gain():
    """Finding 2d. Tolerance: online demand per digital firm in the first month is lower when
    60% of firms start digital than when 15% do, in all 20 paired seeds."""

    def per_seller(share, seed):
        model = MSMEModel(
            load_scenario(
                SCENARIOS / "sidoarjo_whatsapp.yaml",
                [
                    *SIDOARJO,
                    f"firms.digital_share_messaging={share}",
                    "firms.digital_share_marketplace=0.0",
                ],
            ),
            seed=seed,
        )
        model.step()
        s = model.state
        return s.online_demand[s.alive & (s.level >= 1)].mean()

    assert all(per_seller(0.6, s) < per_seller(0.15, s) for s in SEEDS)


def test_sidoarjo_joint_promotion_costs_each_promoter_little():
    """Finding 2a (with the table's paired income gain). Tolerance: the joint marketing cost is
    under 2% of a poor owner's mean income."""
    model = run("sidoarjo_whatsapp.yaml", BY_ID["2a"].common, 0)
    cost = model.scenario.rules["joint_marketing"]["promo_cost_idr"]
    assert cost < 0.02 * model.summary()["poor_owner_mean_income_idr"]


def test_fashion_random_partnering_loses_money():
    """Finding 3b (with the table's matched-versus-random gain). Tolerance: random partnering
    loses money on average over 20 seeds."""
    f = BY_ID["3b"]
    totals = [f.statistic(run(f.scenario, f.common + f.reference, s)) for s in SEEDS]
    assert np.mean(totals) < 0


def test_tumang_without_youth_training_ageing_caps_output():
    """Finding 5b (with the table's last-year gain from training). Tolerance: over 20 seeds and
    240 months, craft output in the last year is below the first year's without youth training
    in every seed."""
    f = BY_ID["5b-last-year"]
    for seed in SEEDS:
        out = run(f.scenario, f.common + f.reference, seed).monthly()[f.outcome]
        assert out.iloc[-12:].mean() < out.iloc[:12].mean(), seed
