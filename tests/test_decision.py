"""The decision table: effects of every asked outcome × arm, Holm flags, ties with the best."""

from __future__ import annotations

import numpy as np
import pytest
from results_fixture import CATALOGUE, summary_frame
from statsmodels.stats.multitest import multipletests

from sim import analysis as an

# Two arms with the same true survival gain (tied), one with a clearly smaller gain and one with
# none; spend differs. Seeds fixed; the gaps are 8+ standard errors of the paired differences
# (SD of the per-run noise: 0.0035 on survival), far from the ties' boundary.
ARMS = {
    "baseline": {},
    "strong": {"survival_rate": 0.03, "digital_share": 0.02},
    "strong_too": {"survival_rate": 0.03},
    "weak": {"survival_rate": 0.01, "digital_share": 0.05},
    "nothing": {},
}
SPEND = {"baseline": 0.0, "strong": 2e9, "strong_too": 1e9, "weak": 1e9, "nothing": 0.0}
ASKED = ["survival_rate", "digital_share", "gini_income"]


@pytest.fixture(scope="module", params=[3, 11])
def table(request):
    runs = summary_frame(ARMS, SPEND, replications=16, seed=request.param)
    return runs, an.decision_table(runs, ASKED, catalogue=CATALOGUE, arms=list(ARMS))


def rows(table, outcome):
    return table[table["outcome"] == outcome].set_index("arm")


def test_one_row_per_asked_outcome_and_arm_in_order(table):
    _, t = table
    assert list(t["outcome"].drop_duplicates()) == ASKED
    assert len(t) == len(ASKED) * len(ARMS)
    assert t.loc[t["reference"], "arm"].unique().tolist() == ["baseline"]


def test_equal_arms_are_tied_with_the_best_and_weaker_ones_are_not(table):
    _, t = table
    survival = rows(t, "survival_rate")
    assert survival["best"].sum() == 1
    assert survival.index[survival["best"]][0] in {"strong", "strong_too"}
    assert survival.loc["strong", "tied"] and survival.loc["strong_too", "tied"]
    assert not survival.loc["weak", "tied"] and not survival.loc["baseline", "tied"]
    digital = rows(t, "digital_share")
    assert digital.index[digital["best"]].tolist() == ["weak"]
    assert digital.loc["weak", "rank"] == 1 and digital.loc["strong", "rank"] == 2


def test_lower_is_better_outcome_ranks_the_lowest_first(table):
    runs = summary_frame({"baseline": {}, "fair": {"gini_income": -0.02}}, replications=12)
    t = an.decision_table(runs, ["gini_income"], catalogue=CATALOGUE, arms=["baseline", "fair"])
    assert rows(t, "gini_income").loc["fair", "best"]


def test_holm_adjusts_over_the_whole_family(table):
    _, t = table
    tested = t[~t["reference"]]
    assert len(tested) == len(ASKED) * (len(ARMS) - 1)  # the family: 12 comparisons
    _, expected, _, _ = multipletests(tested["p_value"], alpha=0.05, method="holm")
    np.testing.assert_allclose(tested["p_holm"], expected)
    assert (tested["p_holm"] >= tested["p_value"]).all()
    assert tested["significant_holm"].tolist() == (expected < 0.05).tolist()
    assert rows(t, "survival_rate").loc["strong", "significant_holm"]
    assert not rows(t, "gini_income").loc["nothing", "significant_holm"]


def test_holm_is_stricter_than_one_test_alone():
    p = [0.02, 0.03, 0.035, 0.04, np.nan]  # each below 5% alone
    adjusted, reject = an.holm(p)
    assert np.isnan(adjusted[-1]) and not reject[-1]
    assert adjusted[0] == pytest.approx(0.08) and not reject.any()


def test_spend_and_cost_per_unit(table):
    runs, t = table
    survival = rows(t, "survival_rate")
    mean_spend = runs.groupby("arm")["policy_spend_idr"].mean()
    assert survival.loc["strong", "spend_idr"] == pytest.approx(mean_spend["strong"])
    gain_pp = survival.loc["strong", "diff"] / 0.01
    expected = survival.loc["strong", "extra_spend_idr"] / gain_pp
    assert survival.loc["strong", "cost_per_unit_idr"] == pytest.approx(expected)
    assert np.isnan(survival.loc["nothing", "cost_per_unit_idr"])  # no extra spend
    gini = rows(t, "gini_income")
    worse = gini[(gini["diff"] > 0) & (gini["extra_spend_idr"] > 0)]
    assert worse["cost_per_unit_idr"].isna().all()  # no gain in the better direction


def test_paired_p_value_edge_cases():
    assert np.isnan(an.paired_p_value([0.1]))
    assert an.paired_p_value([0.0, 0.0, 0.0]) == 1.0
    assert an.paired_p_value([0.2, 0.2]) == 0.0
