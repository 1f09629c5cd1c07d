"""Experiments under parameter uncertainty: parameter sets, the paired design, validation,
robustness tables, PRIM scenario discovery, the report section and the EMA export."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from lang_check import english_words, section_text

from sim import analysis as an
from sim.analysis import robustness as rb
from sim.outcomes import Outcome
from sim.runner.batch import run_batch
from sim.runner.experiment import Sweep, _sweep_points, load_experiment
from sim.runner.plan import expand
from tests.conftest import SCENARIOS

RANGES = {"rules.finance.credit_access": {"low": 0.1, "high": 0.4}}
FROM = ("rules.households.mpc_poor", "rules.finance.term_months")


def write_ensemble(path: Path, rows: int = 5) -> pd.DataFrame:
    """An ensemble in the calibration's format: one column per dotted path, distance, trial."""
    frame = pd.DataFrame(
        {
            FROM[0]: np.linspace(0.7, 0.95, rows),
            FROM[1]: np.arange(6.0, 6.0 + 3 * rows, 3.0),
            "distance": np.linspace(1.0, 2.0, rows),
            "trial": np.arange(rows),
        }
    )
    frame.to_parquet(path)
    return frame


def write_experiment(tmp_path: Path, **changes) -> Path:
    """Two arms × 3 parameter sets × 2 seeds on a tiny model; ``changes`` replace top-level keys
    (``None`` removes one)."""
    (tmp_path / "baseline.yaml").write_text((SCENARIOS / "baseline.yaml").read_text())
    write_ensemble(tmp_path / "ensemble.parquet")
    data = {
        "name": "uq",
        "scenario": "baseline.yaml",
        "replications": 2,
        "seed": 11,
        "set": {"months": 3, "firms.count": 60, "firms.villages": 2},
        "arms": [
            {"name": "baseline"},
            {"name": "training", "policies": [{"use": "digital_training", "budget_idr": 1.0e8}]},
        ],
        "uncertainties": {
            **RANGES,
            FROM[0]: {"from": "ensemble.parquet"},
            FROM[1]: {"from": "ensemble.parquet", "integer": True},
        },
        "samples": 3,
    }
    for key, value in changes.items():
        data.pop(key) if value is None else data.__setitem__(key, value)
    path = tmp_path / "uq.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("uq")
    path = write_experiment(root)
    result = run_batch(path, executor="serial", out=root / "out", progress=False)
    return path, result


def test_ranges_use_the_sweep_latin_hypercube_and_ensemble_rows_stay_whole(tmp_path):
    path = write_experiment(tmp_path)
    plan = expand(load_experiment(path), path)
    points = plan.points
    assert [p["parameter_set"] for p in points] == [0, 1, 2]
    # The ranges come from the same sampler as an lhs sweep with the experiment seed.
    sweep = Sweep.model_validate({"method": "lhs", "samples": 3, "parameters": RANGES})
    lhs = _sweep_points(sweep, 11)
    assert [{k: p[k] for k in RANGES} for p in points] == lhs
    # Ensemble parameters come from whole rows, without repeats, and integer ones are rounded.
    ensemble = pd.read_parquet(tmp_path / "ensemble.parquet")
    rows = {tuple(r) for r in ensemble[list(FROM)].itertuples(index=False)}
    drawn = [(p[FROM[0]], p[FROM[1]]) for p in points]
    assert set(drawn) <= rows and len(set(drawn)) == 3
    assert all(isinstance(p[FROM[1]], int) for p in points)
    # Same file, same seed: the same sets and run ids (a batch resumes).
    again = expand(load_experiment(path), path)
    assert again.points == points and [s.run_id for s in again] == [s.run_id for s in plan]


@pytest.mark.slow
def test_every_arm_runs_on_the_same_sets_and_seeds(batch):
    _, result = batch
    runs = result.runs()
    assert result.total == 2 * 3 * 2 and result.failed == 0
    params = [*RANGES, *FROM]
    assert {"parameter_set", *params} <= set(runs.columns)
    by_arm = {arm: g.set_index(["parameter_set", "replication"]).sort_index()
              for arm, g in runs.groupby("arm")}  # fmt: skip
    base, other = by_arm["baseline"], by_arm["training"]
    assert base.index.equals(other.index)
    assert (base["seed"] == other["seed"]).all()
    assert base[params].equals(other[params])
    # Replication r has one seed across sets; sets differ in their values.
    assert runs.groupby("replication")["seed"].nunique().eq(1).all()
    assert runs.groupby("parameter_set")[list(RANGES)].nunique().eq(1).all().all()
    assert runs[list(RANGES)[0]].nunique() == 3


@pytest.mark.slow
def test_a_second_batch_skips_every_finished_run(batch):
    path, first = batch
    second = run_batch(path, executor="serial", out=first.out, progress=False)
    assert second.skipped == second.total == first.total and second.done == 0


CA = "rules.finance.credit_access"
NONPOOR = "rules.households.mpc_nonpoor"
BAD = [
    ("unknown path", {"uncertainties": {"rules.finance.nope": {"low": 0.1, "high": 0.2}}},
     "uncertainties.rules.finance.nope: unknown parameter"),
    ("low above high", {"uncertainties": {CA: {"low": 0.5, "high": 0.1}}},
     f"uncertainties.{CA}: value error, low must not exceed high"),
    ("missing file", {"uncertainties": {FROM[0]: {"from": "gone.parquet"}}},
     f"uncertainties.{FROM[0]}.from: file not found: gone.parquet"),
    ("no such column", {"uncertainties": {NONPOOR: {"from": "ensemble.parquet"}}},
     f"uncertainties.{NONPOOR}.from: ensemble.parquet has no column"),
    ("too few rows", {"samples": 9}, "samples: 9 parameter sets asked for, but ensemble.parquet"),
    ("range and file", {"uncertainties": {CA: {"from": "ensemble.parquet", "low": 0.1}}},
     f"uncertainties.{CA}: value error, give either from: or a range"),
    ("no samples", {"samples": None}, "samples: uncertainties need samples:"),
    ("samples alone", {"uncertainties": None}, "samples: samples: is the number of uncertainties"),
    ("with a sweep", {"sweep": {"method": "lhs", "samples": 2, "parameters": RANGES}},
     "uncertainties: give either sweep or uncertainties"),
    ("value out of bounds", {"uncertainties": {CA: {"low": 0.5, "high": 3.0}}},
     f"uncertainties.{CA}: "),
]  # fmt: skip


@pytest.mark.parametrize("changes, expected", [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_uncertainties_are_one_line_exit_2_before_any_run(changes, expected, tmp_path, cli):
    path = write_experiment(tmp_path, **changes)
    code, _, stderr = cli("batch", path, "--out", tmp_path / "out", "--executor", "serial")
    assert code == 2 and len(stderr.strip().splitlines()) == 1, stderr
    assert f"{path}: {expected}" in stderr, stderr
    assert not (tmp_path / "out").exists()


def synthetic_runs(sets: int = 40, seed: int = 1) -> tuple[pd.DataFrame, dict]:
    """Two arms over ``sets`` parameter sets of x.a and x.b: training gains 5 pp of survival
    where x.a < 0.7 and loses 5 pp elsewhere, with shared replication noise."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(sets):
        a, b = rng.uniform(), rng.uniform()
        for r in range(2):
            level = rng.normal(0.5, 0.01)
            common = {"replication": r, "parameter_set": k, "x.a": a, "x.b": b, "status": "done"}
            rows.append({**common, "arm": "baseline", "survival_rate": level})
            gain = 0.05 if a < 0.7 else -0.05
            rows.append({**common, "arm": "training", "survival_rate": level + gain})
    catalogue = {"survival_rate": Outcome("survival_rate", "Survival", "share", "share", 1, "mean")}
    return pd.DataFrame(rows), catalogue


def test_effects_share_best_and_regret_per_parameter_set():
    runs, catalogue = synthetic_runs()
    arms = ["baseline", "training"]
    table = rb.robustness_table(runs, ["survival_rate"], arms=arms, catalogue=catalogue)
    training = table.set_index("arm").loc["training"]
    wins = runs.groupby("parameter_set")["x.a"].first().lt(0.7).mean()
    assert training["share_best"] == pytest.approx(wins)
    assert table.set_index("arm").loc["baseline", "share_best"] == pytest.approx(1 - wins)
    # Where training loses (-5 pp) the baseline (0) is best: a regret of 5 pp; and vice versa.
    assert training["max_regret"] == pytest.approx(0.05)
    assert table.set_index("arm").loc["baseline", "max_regret"] == pytest.approx(0.05)
    assert training["p05"] == pytest.approx(-0.05) and training["p95"] == pytest.approx(0.05)
    effects = rb.set_effects(runs, "survival_rate", arms)
    assert (effects[effects["arm"] == "baseline"]["effect"] == 0).all()


@pytest.mark.slow
def test_prim_finds_where_the_best_arm_loses():
    runs, catalogue = synthetic_runs()
    found = rb.scenario_discovery(
        runs, "survival_rate", ["x.a", "x.b"], arms=["baseline", "training"], catalogue=catalogue
    )
    assert found["best"] == "training" and 0 < found["lost"] < found["sets"] == 40
    box = found["boxes"][0]
    limits = box["limits"].set_index("parameter")
    assert list(limits.index) == ["x.a"]  # x.b does not matter
    assert 0.6 <= limits.loc["x.a", "low"] <= 0.75
    assert box["coverage"] >= 0.8 and box["density"] >= 0.8


def test_no_box_when_the_best_arm_always_wins():
    runs, catalogue = synthetic_runs()
    runs.loc[runs["arm"] == "training", "survival_rate"] += 1.0
    found = rb.scenario_discovery(
        runs, "survival_rate", ["x.a", "x.b"], arms=["baseline", "training"], catalogue=catalogue
    )
    assert found["boxes"] == [] and found["lost"] == 0 and "every parameter set" in found["note"]


@pytest.mark.slow
def test_report_has_the_robustness_section(batch):
    from sim.report import write_report

    _, result = batch
    html = write_report(result.out).read_text()
    assert "Robustness under uncertainty" in html and 'id="robustness"' in html
    assert "Effect per arm across parameter sets" in html
    for name in (*RANGES, *FROM):
        assert f"<code>{name}</code>" in html
    per_arm = result.total // 2
    # runs of every parameter set (the cell may carry a sort key)
    assert re.search(rf'<td class="num"[^>]*>{per_arm} / {per_arm}</td>', html)
    indonesian = write_report(result.out, "id").read_text()
    section = section_text(indonesian, "s-robustness")
    assert english_words(section) == [] and "Ketahanan hasil terhadap ketidakpastian" in section
    assert "baris-baris ensemble.parquet" in section and "0,100 s.d. 0,400" in section


@pytest.mark.slow
def test_report_without_uncertainties_has_no_robustness_section(tmp_path):
    from results_fixture import write_results

    from sim.report import write_report

    write_results(tmp_path, replications=3, months=4)
    assert "Robustness under uncertainty" not in write_report(tmp_path).read_text()


@pytest.mark.slow
def test_ema_export_round_trip(batch, tmp_path, cli):
    _, result = batch
    code, out, err = cli("export", result.out, "--ema", "--out", tmp_path / "ema.tar.gz")
    assert code == 0, err
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench import load_results

        experiments, outcomes = load_results(out.strip())
    runs = an.finished(result.runs())
    assert len(experiments) == len(runs)
    assert {*RANGES, *FROM, "scenario", "policy", "model"} <= set(experiments.columns)
    assert set(experiments["policy"]) == {"baseline", "training"}
    assert (experiments["scenario"].to_numpy() == runs["parameter_set"].to_numpy()).all()
    np.testing.assert_allclose(outcomes["survival_rate"], runs["survival_rate"].to_numpy())
    np.testing.assert_allclose(experiments[FROM[0]], runs[FROM[0]].to_numpy())
    # An existing file that is not an EMA archive is refused, not replaced.
    mine = tmp_path / "mine.tar.gz"
    mine.write_text("my notes")
    code, _, err = cli("export", result.out, "--ema", "--out", mine)
    assert code == 2 and "not an EMA results file" in err and mine.read_text() == "my notes"
