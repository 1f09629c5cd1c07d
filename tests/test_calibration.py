"""``msme-sim calibrate``: file checks, recovery of known parameters, resume, outputs, --apply."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sim.calibration import calibrate, load_calibration
from sim.calibration import search as search_module
from sim.calibration.objective import Job, measures, run_job, seeds
from sim.calibration.outputs import markdown_table
from sim.cli import main
from sim.config import load_scenario
from sim.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
BASELINE = str(ROOT / "scenarios" / "baseline.yaml")
SMALL = {"months": 8, "firms.count": 80, "firms.villages": 2}
DROP = "rules.digital_adoption.drop_rate"


def write(tmp_path: Path, **changes) -> Path:
    """A tiny calibration file (one parameter, one target) with ``changes`` applied."""
    data = {
        "scenario": BASELINE,
        "set": dict(SMALL),
        "parameters": {DROP: {"low": 0.0, "high": 0.3}},
        "targets": [
            {
                "outcome": "digital_share",
                "month": 8,
                "value": 0.3,
                "sd": 0.02,
                "source": "synthetic",
            }
        ],  # fmt: skip
        "seeds": 2,
        "trials": 3,
    }
    data.update(changes)
    path = tmp_path / "cal.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def T(**changes) -> dict:
    """A target: digital share in month 2, with ``changes``."""
    base = {"outcome": "digital_share", "month": 2, "value": 1, "sd": 1, "source": "x"}
    return {k: v for k, v in {**base, **changes}.items() if v is not None}


@pytest.mark.parametrize(
    "changes, where",
    [
        ({"parameters": {"firms.nope": {"low": 0, "high": 1}}}, "parameters.firms.nope"),
        ({"parameters": {"firms.cash_months": {"low": 1, "high": 5000}}},
         "parameters.firms.cash_months"),
        ({"parameters": {DROP: {"low": 0.3, "high": 0.1}}}, f"parameters.{DROP}"),
        ({"targets": [T(outcome="nope")]}, "targets.0.outcome"),
        ({"targets": [T(month=None)]}, "targets.0"),
        ({"targets": [T(month=99)]}, "targets.0.month"),
        ({"holdout": [T(month=None, months=[2, 3], sd=0)]}, "holdout.0.sd"),
        ({"seeds": 0}, "seeds"),
        ({"scenario": "missing.yaml"}, "scenario"),
        ({"set": {"firms.count": 0}}, "set.firms.count"),
    ],
)  # fmt: skip
def test_a_bad_file_is_one_line_naming_the_option(tmp_path, capsys, changes, where):
    path = write(tmp_path, **changes)
    assert main(["calibrate", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith(f"error: {path}: {where}")
    assert not (tmp_path / "out").exists()  # nothing written


def test_a_folder_of_the_users_files_is_refused(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    with pytest.raises(ConfigError, match="not created by msme-sim"):
        calibrate(write(tmp_path), out=mine, executor="serial", progress=False)
    assert sorted(p.name for p in mine.iterdir()) == ["notes.txt"]


def synthetic_targets(true_value: float, n_seeds: int, seed: int) -> list[dict]:
    """Targets measured by the model itself at ``DROP = true_value`` on the calibration's seeds."""
    spec = load_calibration(
        {
            "scenario": BASELINE,
            "set": dict(SMALL),
            "parameters": {DROP: {"low": 0.0, "high": 0.3}},
            "targets": [
                {"outcome": "digital_share", "month": m, "value": 0, "sd": 1, "source": "-"}
                for m in (4, 8)
            ],
            "seed": seed,
        }
    )
    context = next(iter(spec.contexts.values()))
    scenario = context.with_values({DROP: true_value}, spec.file)
    rows = [run_job(Job(0, scenario, s, measures(spec.targets)))[0] for s in seeds(seed, n_seeds)]
    means = {m: sum(r[f"digital_share@m{m}"] for r in rows) / n_seeds for m in (4, 8)}
    return [T(month=m, value=means[m], sd=0.01, source="the model") for m in (4, 8)]


@pytest.mark.slow
def test_a_tiny_calibration_recovers_known_parameter_values(tmp_path):
    """Targets made by the model at drop_rate = 0.15 (same seeds): the fit lands within 0.05
    of it (a sixth of the searched range) and the distance falls below that of the default."""
    true = 0.15
    path = write(tmp_path, targets=synthetic_targets(true, 2, 7), seed=7, trials=14)
    result = calibrate(path, out=tmp_path / "out", executor="serial", progress=False)
    assert abs(result.best.params[DROP] - true) <= 0.05
    assert result.distance_after < result.distance_before
    assert result.distance_after < 4  # both targets within 2 sd (z² summed)


@pytest.mark.slow
def test_outputs_exist_and_best_yaml_runs(tmp_path, capsys):
    out = tmp_path / "out"
    holdout = [{"outcome": "revenue_loss_share", "months": [6, 8], "statistic": "max",
                "value": 0.842, "sd": 0.05, "source": "BPS 2020",
                "set": {"shocks": [{"use": "demand_shock", "start": 5}]}}]  # fmt: skip
    path = write(tmp_path, holdout=holdout, accept=0.5)
    assert main(["calibrate", str(path), "--out", str(out), "--executor", "serial"]) == 0
    line = capsys.readouterr().out
    assert "distance" in line and "→" in line
    for name in ("best.yaml", "ensemble.parquet", "fit.png", "fit.html", "summary.json"):
        assert (out / name).stat().st_size > 0, name
    summary = json.loads((out / "summary.json").read_text())
    assert summary["trials"] == 3
    assert [r["role"] for r in summary["targets"]] == ["fitted", "held-out"]
    assert summary["distance_after"] <= summary["distance_before"] or summary["trials"] < 5
    ensemble = pd.read_parquet(out / "ensemble.parquet")
    assert list(ensemble.columns) == ["trial", "distance", DROP]
    assert len(ensemble) == 2  # the best half of 3 trials, rounded up
    assert ensemble["distance"].is_monotonic_increasing
    best = load_scenario(out / "best.yaml")
    fitted = summary["parameters"][DROP]["best"]
    assert best.rules["digital_adoption"]["drop_rate"] == pytest.approx(fitted, rel=1e-5)
    run = ["run", str(out / "best.yaml"), "--set", "months=2", "--out", str(tmp_path / "run")]
    assert main(run) == 0
    table = markdown_table(summary)
    assert "| digital_share@m8 | fitted |" in table and "held-out" in table


@pytest.mark.slow
def test_a_resumed_calibration_does_not_repeat_finished_trials(tmp_path, monkeypatch):
    path = write(tmp_path, trials=4)
    out = tmp_path / "out"
    runs = []

    def counted(job):
        runs.append(job.key)
        if len(runs) == 2 * 2 + 1:  # killed in the third trial's first run
            raise KeyboardInterrupt
        return run_job(job)

    monkeypatch.setattr(search_module, "run_job", counted)
    with pytest.raises(KeyboardInterrupt):
        calibrate(path, out=out, executor="serial", progress=False)
    # before (defaults: 2 runs) and the first trial (2 runs) finished; the second was cut off
    runs.clear()

    def recorded(job):
        runs.append(job.key)
        return run_job(job)

    monkeypatch.setattr(search_module, "run_job", recorded)
    result = calibrate(path, out=out, executor="serial", progress=False)
    assert result.ran == 3  # trials 2-4; the finished one is kept
    assert len(runs) == 3 * 2  # and neither it nor the defaults ran again
    assert len(result.trials) == 4
    again = calibrate(path, out=out, executor="serial", progress=False)
    assert again.ran == 0 and again.distance_after == result.distance_after


def test_changed_targets_need_force_to_start_over(tmp_path):
    out = tmp_path / "out"
    calibrate(write(tmp_path, trials=1, seeds=1), out=out, executor="serial", progress=False)
    changed = write(tmp_path, trials=1, seeds=2)
    with pytest.raises(ConfigError, match="--force"):
        calibrate(changed, out=out, executor="serial", progress=False)
    result = calibrate(changed, out=out, executor="serial", force=True, progress=False)
    assert result.ran == 1 and len(result.before.per_seed) == 2


def test_apply_writes_fitted_values_with_their_source_and_keeps_comments(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    summary = {"file": "calibration/x.yaml", "parameters": {DROP: {"best": 0.12},
               "firms.cash_months": {"best": 2.5}}}  # fmt: skip
    (out / "summary.json").write_text(json.dumps(summary))
    scenario = tmp_path / "base.yaml"
    scenario.write_text("# my scenario\nname: base\nfirms:\n  count: 50  # small\n")
    path = write(tmp_path)
    assert main(["calibrate", str(path), "--out", str(out), "--apply", str(scenario)]) == 0
    text = scenario.read_text()
    assert "# my scenario" in text and "# small" in text
    assert "fitted: " in text
    loaded = load_scenario(scenario)
    assert loaded.firms.count == 50 and loaded.firms.cash_months == 2.5
    assert loaded.rules["digital_adoption"]["drop_rate"] == 0.12


def test_a_trial_whose_run_fails_is_recorded_failed_and_replaced(tmp_path, monkeypatch):
    def fragile(job):
        drop = job.scenario.get("rules", {}).get("digital_adoption", {}).get("drop_rate")
        if drop is not None and drop > 0.1:
            return {}, "RuntimeError: boom"
        return run_job(job)

    monkeypatch.setattr(search_module, "run_job", fragile)
    result = calibrate(write(tmp_path, trials=3), out=tmp_path / "out", executor="serial",
                       progress=False)  # fmt: skip
    assert len(result.trials) == 3
    assert all(t[DROP] <= 0.1 for t in result.trials)  # only finished trials count and show
