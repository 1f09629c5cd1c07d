"""Analysis on hand-made runs tables with known answers."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from results_fixture import CATALOGUE, UNDECLARED, summary_frame, write_results
from scipy import stats

from sim import analysis as an


def runs_table(values: dict[str, list[float]], column="survival_rate", spend=None, **extra):
    """A finished runs table: ``values[arm][r]`` is ``column`` in replication r."""
    rows = []
    for arm, series in values.items():
        for r, v in enumerate(series):
            row = {"run_id": f"{arm}-{r}", "arm": arm, "replication": r, "seed": 100 + r,
                   "status": "done", column: v}  # fmt: skip
            row["policy_spend_idr"] = (spend or {}).get(arm, [0.0] * len(series))[r]
            for name, by_arm in extra.items():
                row[name] = by_arm[arm][r]
            rows.append(row)
    return pd.DataFrame(rows)


BASE = [0.5, 0.6, 0.7, 0.8, 0.9]
DELTA = [0.01, 0.03, 0.02, 0.04, 0.00]


def test_paired_difference_mean_and_t_interval_match_scipy():
    arm = [b + d for b, d in zip(BASE, DELTA)]
    runs = runs_table({"baseline": BASE, "a": arm})
    e = an.paired_effects(runs, ["survival_rate"], catalogue=CATALOGUE).iloc[0]
    d = np.array(arm) - np.array(BASE)
    ci = stats.ttest_1samp(d, 0).confidence_interval(0.95)
    welch = stats.ttest_ind(arm, BASE, equal_var=False).confidence_interval(0.95)
    assert e["arm"] == "a" and e["n_pairs"] == 5 and e["n_dropped"] == 0
    assert e["diff"] == pytest.approx(0.02)
    assert (e["ci_low"], e["ci_high"]) == pytest.approx((ci.low, ci.high))
    assert (e["unpaired_low"], e["unpaired_high"]) == pytest.approx((welch.low, welch.high))
    assert e["share_better"] == pytest.approx(0.8)  # the tie (0.00) does not count as better
    assert e["reference_mean"] == pytest.approx(0.7)
    assert bool(e["significant"])


def test_lower_is_better_outcome_counts_decreases_as_better():
    gini = {"baseline": [0.40, 0.41, 0.42, 0.43], "a": [0.39, 0.40, 0.43, 0.42]}
    runs = runs_table(gini, "gini_income")
    e = an.paired_effects(runs, ["gini_income"], catalogue=CATALOGUE).iloc[0]
    assert e["diff"] == pytest.approx(-0.005)
    assert e["share_better"] == pytest.approx(0.75)
    assert e["direction"] == -1 and e["label"] == "Income inequality (Gini)"
    # Without a declaration there is no better direction and the label is the column's name.
    e = an.paired_effects(runs, ["gini_income"]).iloc[0]
    assert e["direction"] == 0 and np.isnan(e["share_better"]) and e["label"] == "gini_income"


def test_missing_and_failed_replications_are_dropped_from_the_pair():
    arm = [b + d for b, d in zip(BASE, DELTA)]
    runs = runs_table({"baseline": BASE, "a": arm})
    runs = runs.drop(runs.index[(runs["arm"] == "baseline") & (runs["replication"] == 4)])
    runs.loc[(runs["arm"] == "a") & (runs["replication"] == 1), "status"] = "failed"
    e = an.paired_effects(runs, ["survival_rate"]).iloc[0]
    kept = [0, 2, 3]
    d = np.array(DELTA)[kept]
    assert e["n_pairs"] == 3 and e["n_dropped"] == 2
    assert e["diff"] == pytest.approx(d.mean())
    ci = stats.ttest_1samp(d, 0).confidence_interval(0.95)
    assert (e["ci_low"], e["ci_high"]) == pytest.approx((ci.low, ci.high))


def test_arm_with_no_finished_run_gives_nan_not_an_error():
    runs = runs_table({"baseline": BASE, "a": BASE})
    runs.loc[runs["arm"] == "a", "status"] = "failed"
    e = an.paired_effects(runs, ["survival_rate"], arms=["baseline", "a"]).iloc[0]
    assert e["n_pairs"] == 0 and np.isnan(e["diff"]) and not e["significant"]


def test_pairing_respects_sweep_points():
    rows = []
    for point, effect in ((100, 0.01), (200, 0.05)):
        for r in range(3):
            for arm, add in (("baseline", 0.0), ("a", effect)):
                rows.append({"run_id": f"{arm}{point}{r}", "arm": arm, "replication": r,
                             "status": "done", "firms.count": point,
                             "survival_rate": 0.5 + 0.1 * r + point / 1000 + add})  # fmt: skip
    runs = pd.DataFrame(rows)
    assert an.sweep_columns(runs) == ["firms.count"]
    e = an.paired_effects(runs, ["survival_rate"]).iloc[0]
    assert e["n_pairs"] == 6
    assert e["diff"] == pytest.approx(0.03)
    surface = an.sweep_surface(runs, "survival_rate")
    base = surface[surface["arm"] == "baseline"].set_index("firms.count")["mean"]
    assert base.to_dict() == pytest.approx({100: 0.7, 200: 0.8})


def test_paired_interval_is_narrower_than_unpaired_with_shared_replication_noise():
    # Summary outcomes share a per-replication term 4x larger than the per-run noise.
    runs = summary_frame(replications=30, seed=3)
    effects = an.paired_effects(runs, ["survival_rate", "digital_share", "mean_profit_idr"])
    paired = effects["ci_high"] - effects["ci_low"]
    unpaired = effects["unpaired_high"] - effects["unpaired_low"]
    assert (paired < 0.5 * unpaired).all(), effects[["arm", "outcome"]].assign(
        paired=paired, unpaired=unpaired
    )


def test_bootstrap_interval_agrees_with_t_interval_on_normal_data():
    rng = np.random.default_rng(11)
    base = rng.normal(0.6, 0.05, 40)
    arm = base + rng.normal(0.02, 0.01, 40)
    runs = runs_table({"baseline": list(base), "a": list(arm)})
    t = an.paired_effects(runs, ["survival_rate"]).iloc[0]
    b = an.paired_effects(runs, ["survival_rate"], method="bootstrap", seed=1).iloc[0]
    width = t["ci_high"] - t["ci_low"]
    assert b["ci_low"] < b["diff"] < b["ci_high"]
    assert abs(b["ci_low"] - t["ci_low"]) < 0.25 * width
    assert abs(b["ci_high"] - t["ci_high"]) < 0.25 * width
    assert b["unpaired_high"] - b["unpaired_low"] > 2 * width
    again = an.paired_effects(runs, ["survival_rate"], method="bootstrap", seed=1).iloc[0]
    assert again["ci_low"] == b["ci_low"]  # seeded


def test_bootstrap_of_constant_differences_is_a_point_interval():
    assert an.bootstrap_interval(([0.5] * 6,), np.mean) == (0.5, 0.5)


def test_unknown_method_is_rejected():
    with pytest.raises(ValueError, match="method"):
        an.paired_effects(runs_table({"baseline": BASE, "a": BASE}), method="z")


def test_ranking_orders_arms_best_first_and_keeps_the_reference():
    wiggle = np.array([0.001, -0.001, 0.002, -0.002, 0.0])
    values = {
        "baseline": BASE,
        "a": list(np.add(BASE, 0.02) + wiggle),
        "b": list(np.add(BASE, 0.05) + wiggle),
        "c": list(np.add(BASE, -0.01) + wiggle),
        "d": list(np.add(BASE, 0.0005) + 2 * wiggle),  # tiny gain, CI overlaps zero
    }
    table = an.rank_arms(runs_table(values))
    assert list(table["arm"]) == ["b", "a", "d", "baseline", "c"]
    assert list(table["rank"]) == [1, 2, 3, 4, 5]
    flags = table.set_index("arm")["ci_overlaps_zero"]
    assert flags["b"] == False and flags["c"] == False and flags["d"] == True  # noqa: E712
    assert pd.isna(flags["baseline"])
    assert table.set_index("arm").loc["baseline", "diff"] == 0


def test_ranking_of_a_lower_is_better_outcome_puts_the_lowest_first():
    gini = {"baseline": [0.40, 0.41, 0.42], "up": [0.43, 0.44, 0.45], "down": [0.37, 0.38, 0.40]}
    table = an.rank_arms(runs_table(gini, "gini_income"), "gini_income", catalogue=CATALOGUE)
    assert list(table["arm"]) == ["down", "baseline", "up"]


def test_cost_effectiveness_arithmetic_with_constant_spend():
    firms = {"baseline": [1000, 1010, 990, 1005, 995], "a": [1010, 1030, 1020, 1045, 1045]}
    spend = {"baseline": [0.0] * 5, "a": [2e9] * 5}
    runs = runs_table(firms, "firms_alive", spend)
    ce = an.cost_effectiveness(runs).set_index("measure").loc["Firms saved per Rp 1 bn"]
    # paired gains: 10, 20, 30, 40, 50; per Rp 1 bn: 5 to 25
    assert ce["gain"] == pytest.approx(30) and ce["extra_spend_idr"] == pytest.approx(2e9)
    assert ce["value"] == pytest.approx(15.0)
    # paired bootstrap with constant spend: an interval of the mean of gains/2 (5 to 25)
    assert 5 <= ce["ci_low"] < 15 < ce["ci_high"] <= 25
    assert ce["note"] == ""


def test_cost_effectiveness_is_ratio_of_mean_gain_to_mean_spend():
    share = {"baseline": [0.40, 0.42, 0.41, 0.40], "a": [0.41, 0.44, 0.44, 0.44]}
    spend = {"baseline": [1e8] * 4, "a": [1.1e9, 2.1e9, 3.1e9, 2.1e9]}
    ce = an.cost_effectiveness(runs_table(share, "digital_share", spend)).iloc[0]
    assert ce["measure"] == "Adoption points per Rp 1 bn"
    # gains 1, 2, 3, 4 percentage points; extra spend 1, 2, 3, 2 bn -> 2.5 pp / 2 bn
    assert ce["value"] == pytest.approx(2.5 / 2.0)
    assert ce["ci_low"] < ce["value"] < ce["ci_high"]


def test_zero_spend_arm_gives_nan_and_a_note_without_division_warnings():
    firms = {"baseline": [1000, 1010, 990], "free": [1005, 1012, 991], "cheap": [1001, 1011, 991]}
    spend = {"baseline": [0.0] * 3, "free": [0.0] * 3, "cheap": [-1e6] * 3}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ce = an.cost_effectiveness(runs_table(firms, "firms_alive", spend)).set_index("arm")
        ranking = an.rank_arms(runs_table(firms, "firms_alive", spend), "firms_alive")
    for arm in ("free", "cheap"):
        assert np.isnan(ce.loc[arm, "value"]) and ce.loc[arm, "note"] == "no extra spend"
        assert not np.isinf(ce.loc[arm, ["ci_low", "ci_high"]].astype(float)).any()
    assert ranking["per_bn"].isna().all()


def test_ratio_interval_edge_cases():
    assert np.isnan(an.ratio_interval([], [])[0])
    assert np.isnan(an.ratio_interval([1.0, 2.0], [0.0, 0.0])[0])
    value, low, high = an.ratio_interval([3.0], [1.5])
    assert value == 2.0 and np.isnan(low) and np.isnan(high)


def test_bands_quantiles_per_arm_and_month():
    monthly = pd.DataFrame(
        {"arm": "a", "month": np.repeat([1, 2], 101), "x": np.r_[np.arange(101), np.zeros(101)]}
    )
    b = an.bands(monthly, ["x", "not_there"]).set_index("month")
    assert list(b["metric"]) == ["x", "x"]
    assert b.loc[1, ["low", "median", "high", "n"]].tolist() == pytest.approx([5, 50, 95, 101])
    assert b.loc[2, ["low", "median", "high"]].tolist() == [0, 0, 0]


def test_monthly_bands_read_from_files_match_a_direct_read(tmp_path):
    write_results(tmp_path, replications=6, months=10, firms=False, failed=[("training", 2)])
    runs = an.read_runs(tmp_path)
    got = an.monthly_bands(tmp_path, runs, ["survival_rate", "share_level_1"])
    done = runs[(runs["arm"] == "training") & (runs["status"] == "done")]
    frames = [pd.read_parquet(tmp_path / "runs" / f"{i}.parquet") for i in done["run_id"]]
    direct = pd.concat(frames).groupby("month")["survival_rate"].median()
    mine = got[(got["arm"] == "training") & (got["metric"] == "survival_rate")]
    assert mine["median"].to_numpy() == pytest.approx(direct.to_numpy())
    assert set(mine["n"]) == {5}
    assert set(got["arm"]) == set(runs["arm"])
    every = an.monthly_bands(tmp_path, runs, arms=["baseline"])
    assert {"survival_rate", "share_level_2", "policy_spend_idr"} <= set(every["metric"])
    assert set(every["arm"]) == {"baseline"}


def test_read_runs_selects_columns_and_reports_missing_files(tmp_path):
    write_results(tmp_path, replications=2, months=3, firms=False)
    runs = an.read_runs(tmp_path, columns=["arm", "survival_rate", "nope"])
    assert list(runs.columns) == ["arm", "survival_rate"]
    with pytest.raises(an.ResultsError, match="runs.parquet"):
        an.read_runs(tmp_path / "elsewhere")


def test_read_firms_limits_runs_per_arm(tmp_path):
    write_results(tmp_path, replications=4, months=3)
    firms = an.read_firms(tmp_path, an.read_runs(tmp_path), max_runs_per_arm=2, columns=["workers"])
    assert firms.groupby("arm").size().eq(600).all()  # 2 runs x 300 firms
    assert an.read_firms(tmp_path / "x", an.read_runs(tmp_path)) is None


def test_outcome_columns_and_the_catalogue():
    runs = summary_frame(replications=2).assign(
        **{"mean_trust": 0.5, "pooling_cost_idr": 1.0, "firms.count": 100, "months": 12}
    )
    cols = an.outcome_columns(runs)
    assert "mean_trust" in cols and "pooling_cost_idr" in cols
    assert not {"policy_spend_idr", "firms.count", "replication", "seed", "months"} & set(cols)
    # Nothing is guessed from a name: an undeclared column keeps its name, no unit, no direction.
    for name in ("pooling_cost_idr", "new_thing_share"):
        o = an.outcome(name, CATALOGUE)
        assert (o.label, o.unit, o.direction, o.kind) == (name, "", 0, "ratio")
    assert an.outcome("gini_income", CATALOGUE) == CATALOGUE["gini_income"]
    names = [o.name for o in an.main_outcomes(CATALOGUE, ["gini_income", "survival_rate"])]
    assert names == ["survival_rate", "gini_income"]


def test_catalogue_is_read_from_the_results_and_may_be_absent_or_broken(tmp_path):
    write_results(tmp_path / "new", replications=2, months=2, firms=False)
    assert an.read_outcomes(tmp_path / "new") == CATALOGUE
    write_results(tmp_path / "old", replications=2, months=2, firms=False, catalogue=False)
    assert an.read_outcomes(tmp_path / "old") == {}
    (tmp_path / "new" / "outcomes.json").write_text('[{"name": "x", "lab')
    with pytest.raises(an.ResultsError, match="outcomes.json: cannot read"):
        an.read_outcomes(tmp_path / "new")


def test_years_are_shown_in_years_and_undeclared_columns_under_their_name(tmp_path):
    write_results(tmp_path, replications=4, months=2, firms=False)
    catalogue = an.read_outcomes(tmp_path)
    effects = an.paired_effects(
        an.read_runs(tmp_path), ["mean_skilled_age", UNDECLARED], catalogue=catalogue
    )
    labels = dict(zip(effects["outcome"], effects["label"]))
    assert labels == {"mean_skilled_age": "Mean age of skilled workers", UNDECLARED: UNDECLARED}
    age, unknown = an.outcome("mean_skilled_age", catalogue), an.outcome(UNDECLARED, catalogue)
    assert an.fmt_value(age, 41.23) == "41.2 years"  # not a 0-1 index
    assert an.fmt_diff(age, 1.26) == "1.3 years" and an.fmt_number(age, -1.26) == "-1.3"
    assert an.fmt_value(unknown, 0.41234) == "0.412"  # no % or Rp guessed from the name
    assert an.fmt_value(unknown, 1234.5) == "1,234" and an.fmt_diff(unknown, 1.0321) == "1.03"


def test_formatting_of_values_and_differences():
    share, idr = CATALOGUE["survival_rate"], CATALOGUE["mean_revenue_idr"]
    assert an.fmt_value(share, 0.7234) == "72.3%"
    assert an.fmt_diff(share, 0.021) == "2.1 percentage points"
    assert an.fmt_diff(share, -0.0004, short=True) == "0.0 pp"
    assert an.fmt_number(share, -0.012) == "-1.2"
    assert an.rupiah(6_300_000) == "Rp 6.3M"
    assert an.rupiah(2e9) == "Rp 2bn"
    assert an.rupiah(-12_345) == "-Rp 12,345"
    assert an.fmt_value(idr, float("nan")) == "n/a"


def test_morris_sensitivity_finds_the_influential_parameter():
    from SALib.sample import morris as morris_sample

    problem = {"num_vars": 2, "names": ["a.x", "a.y"], "bounds": [[0, 1], [0, 1]]}
    x = morris_sample.sample(problem, 20, num_levels=4, seed=1)
    y = 2.0 * x[:, 0] + 0.0 * x[:, 1]
    # As a runs table (2 replications per design point, shuffled): the order is restored.
    runs = pd.DataFrame(
        [
            {
                "arm": "baseline",
                "replication": r,
                "status": "done",
                "sample": i,
                "a.x": row[0],
                "a.y": row[1],
                "survival_rate": y[i] + (0.01 if r else -0.01),
            }
            for i, row in enumerate(x)
            for r in range(2)
        ]  # fmt: skip
    ).sample(frac=1, random_state=0)
    xs, ys = an.design_outcome(runs, "survival_rate", ["a.x", "a.y"])
    assert np.allclose(xs, x) and np.allclose(ys, y)
    table = an.sensitivity(problem, ys, method="morris", x=xs).set_index("parameter")
    assert table.loc["a.x", "mu_star"] == pytest.approx(2.0)
    assert table.loc["a.y", "mu_star"] == pytest.approx(0.0, abs=1e-9)


def test_sobol_sensitivity_first_order_and_total_indices():
    from SALib.sample import sobol as sobol_sample

    problem = {"num_vars": 2, "names": ["p", "q"], "bounds": [[0, 1], [0, 1]]}
    x = sobol_sample.sample(problem, 256, seed=2)
    table = an.sensitivity(problem, x[:, 0] + 0.1 * x[:, 1], method="sobol").set_index("parameter")
    assert table.loc["p", "S1"] == pytest.approx(100 / 101, abs=0.05)
    assert table.loc["q", "ST"] == pytest.approx(1 / 101, abs=0.02)
    assert (table["S1_conf"] > 0).all()
    with pytest.raises(ValueError, match="sample matrix"):
        an.sensitivity(problem, [1.0], method="morris")


def test_problem_from_experiment_accepts_both_forms():
    exp = {"sensitivity": {"method": "Sobol", "parameters": {"a.b": [0, 1], "c.d": [2, 3]}}}
    assert an.problem_from_experiment(exp) == (
        "sobol",
        {"names": ["a.b", "c.d"], "bounds": [[0, 1], [2, 3]], "num_vars": 2},
    )
    exp = {"sensitivity": {"problem": {"names": ["x"], "bounds": [[0, 1]]}}}
    assert an.problem_from_experiment(exp)[0] == "morris"
    assert an.problem_from_experiment({}) is None
