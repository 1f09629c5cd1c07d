"""Experiment files: expansion, common random numbers, designs, validation errors, reruns."""

from __future__ import annotations

import shlex
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sim.runner.batch import run_batch
from sim.runner.experiment import load_experiment
from sim.runner.plan import expand
from sim.runner.seeds import replication_seed
from tests.conftest import SCENARIOS


def write_experiment(tmp_path: Path, name: str = "exp", replications: int = 3, **extra) -> Path:
    """A tiny two-arm experiment next to a copy of the baseline scenario."""
    (tmp_path / "baseline.yaml").write_text((SCENARIOS / "baseline.yaml").read_text())
    data = {
        "name": name,
        "scenario": "baseline.yaml",
        "replications": replications,
        "seed": 7,
        "set": {"months": 4, "firms.count": 40, "firms.villages": 2},
        "arms": [{"name": "baseline"}, {"name": "literate", "set": {"firms.literacy_mean": 0.9}}],
        **extra,
    }
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def plan_of(path: Path):
    return expand(load_experiment(path), path)


def test_replication_seed_is_shared_by_every_arm_and_sweep_point(tmp_path):
    sweep = {"method": "grid", "parameters": {"firms.cash_months": {"values": [1, 2]}}}
    plan = plan_of(write_experiment(tmp_path, sweep=sweep))
    assert len(plan) == 2 * 2 * 3
    for r in range(3):
        assert {s.seed for s in plan if s.replication == r} == {replication_seed(7, r)}
    assert len({s.seed for s in plan}) == 3
    assert len({s.run_id for s in plan}) == len(plan)
    # one config per (arm, point), shared by its replications
    assert len({s.config_hash for s in plan}) == 4


def test_replication_seed_matches_seedsequence_spawn():
    import numpy as np

    children = np.random.SeedSequence(2026).spawn(5)
    assert [replication_seed(2026, r) for r in range(5)] == [
        int(c.generate_state(1)[0]) for c in children
    ]


def test_run_ids_are_stable_and_change_with_the_config(tmp_path):
    path = write_experiment(tmp_path)
    first, again = plan_of(path), plan_of(path)
    assert [s.run_id for s in first] == [s.run_id for s in again]
    assert first[0].run_id.startswith("baseline-r000-") and first[3].run_id.startswith("literate-")
    changed = write_experiment(tmp_path, name="other", set={"months": 5, "firms.count": 40})
    assert not {s.run_id for s in first} & {s.run_id for s in plan_of(changed)}


def test_lhs_sweep_is_seeded_by_the_experiment_and_typed(tmp_path):
    sweep = {
        "method": "lhs",
        "samples": 6,
        "parameters": {
            "firms.literacy_mean": {"low": 0.3, "high": 0.8},
            "networks.group_size": {"low": 10, "high": 40, "integer": True},
        },
    }
    path = write_experiment(tmp_path, replications=1, sweep=sweep)
    points = plan_of(path).points
    assert points == plan_of(path).points and len(points) == 6
    literacy = sorted(p["firms.literacy_mean"] for p in points)
    # Latin hypercube: exactly one point in each sixth of the range
    assert [int((x - 0.3) / 0.5 * 6) for x in literacy] == list(range(6))
    assert all(isinstance(p["networks.group_size"], int) for p in points)


def test_morris_design_keeps_one_row_per_sample_even_where_points_repeat(tmp_path):
    sens = {
        "method": "morris",
        "samples": 4,
        "parameters": {
            "firms.literacy_mean": {"low": 0.3, "high": 0.8},
            "connectivity.coverage_mean": {"low": 0.5, "high": 0.9},
        },
    }
    path = write_experiment(tmp_path, replications=1, sensitivity=sens)
    plan = plan_of(path)
    samples = len(plan.points)
    distinct = {tuple(sorted((k, v) for k, v in p.items() if k != "sample")) for p in plan.points}
    assert len(distinct) < samples, "Morris trajectories share grid points: the test needs some"
    assert len({s.run_id for s in plan}) == len(plan) == 2 * samples
    result = run_batch(path, executor="serial", out=tmp_path / "out", progress=False)
    runs = result.runs()
    assert sorted(runs.loc[runs["arm"] == "baseline", "sample"]) == list(range(samples))
    written = yaml.safe_load((tmp_path / "out" / "experiment.yaml").read_text())
    assert written["sensitivity"]["problem"]["names"] == list(sens["parameters"])


def test_arm_policies_are_appended_and_set_policies_clears_them(tmp_path):
    (tmp_path / "base.yaml").write_text(
        "extends: " + str(SCENARIOS / "baseline.yaml") + "\n"
        "policies: [{use: digital_training, budget_idr: 1.0e+8}]\n"
    )
    arms = [
        {"name": "baseline"},
        {"name": "added", "policies": [{"use": "mentoring", "budget_idr": 2.0e8}]},
        {
            "name": "replaced",
            "set": {"policies": []},
            "policies": [{"use": "mentoring", "budget_idr": 2.0e8}],
        },
    ]
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump({"scenario": "base.yaml", "arms": arms, "replications": 1}))
    plan = plan_of(path)
    used = [[p["use"] for p in plan.scenario(spec)["policies"]] for spec in plan]
    assert used == [["digital_training"], ["digital_training", "mentoring"], ["mentoring"]]


def test_rerun_command_reproduces_a_batch_run(tmp_path, cli, monkeypatch):
    arms = [
        {"name": "baseline"},
        {
            "name": "trained",
            "set": {"firms.literacy_mean": 0.7},
            "policies": [{"use": "digital_training", "budget_idr": 5.0e8}],
        },
    ]
    path = write_experiment(tmp_path, replications=2, arms=arms)
    result = run_batch(path, executor="serial", out=tmp_path / "b", progress=False)
    runs = result.runs().set_index("run_id")
    plan = plan_of(path)
    spec = plan[3]  # trained, replication 1
    command = shlex.split(plan.rerun_command(spec))
    assert command[:2] == ["msme-sim", "run"] and str(spec.seed) in command
    monkeypatch.chdir(tmp_path)
    code, _, err = cli(*command[1:], "--out", tmp_path / "alone")
    assert code == 0, err
    alone = yaml.safe_load((tmp_path / "alone" / "summary.json").read_text())
    for key in ("survival_rate", "digital_share", "mean_income_idr", "policy_spend_idr"):
        assert alone[key] == runs.loc[spec.run_id, key]
    assert runs.loc[spec.run_id, "policy_spend_idr"] > 0


def test_experiment_as_a_mapping_runs_relative_to_the_working_directory(tmp_path, monkeypatch):
    import sim

    path = write_experiment(tmp_path, replications=1)
    data = yaml.safe_load(path.read_text())
    monkeypatch.chdir(tmp_path)
    result = sim.run_experiment(data, executor="serial", out="mapped", progress=False)
    assert result.out == (tmp_path / "mapped").resolve()
    file_result = run_batch(path, executor="serial", out=tmp_path / "file", progress=False)
    pd.testing.assert_frame_equal(
        result.runs().drop(columns="duration_s"), file_result.runs().drop(columns="duration_s")
    )


BAD = [
    ("broken yaml", "arms: [\n", "line "),
    ("not a mapping", "- a\n- b\n", "(top level): expected a mapping"),
    ("unknown key", "scenario: baseline.yaml\ncolour: red\n", "colour: unknown key"),
    ("bad replications", "scenario: baseline.yaml\nreplications: 0\n", "replications:"),
    ("missing scenario", "scenario: nowhere.yaml\n", "scenario: file not found"),
    ("bad name", "name: ../up\nscenario: baseline.yaml\n", "name: string should match"),
    (
        "bad global override",
        "scenario: baseline.yaml\nset: {firms.colour: 1}\n",
        "set.firms.colour: unknown key",
    ),
    (
        "bad arm override",
        "scenario: baseline.yaml\narms: [{name: a}, {name: b, set: {firms.count: -3}}]\n",
        "arms.1.set.firms.count:",
    ),
    (
        "arm override into a value",
        "scenario: baseline.yaml\narms: [{name: a}, {name: b, set: {months.x: 3}}]\n",
        "arms.1.set.months",
    ),
    (
        "unknown arm option",
        "scenario: baseline.yaml\narms: [{name: a, sett: {}}]\n",
        "arms.0.sett: unknown key",
    ),
    (
        "duplicate arm",
        "scenario: baseline.yaml\narms: [{name: a}, {name: a}]\n",
        "arms.1.name: duplicate arm name",
    ),
    (
        "unknown policy",
        "scenario: baseline.yaml\narms: [{name: a}, {name: b, policies: [{use: free_lunch}]}]\n",
        "arms.1.policies.0.use: unknown policy",
    ),
    (
        "bad policy setting",
        "scenario: baseline.yaml\narms: [{name: a, policies: [{use: mentoring, budget: 1}]}]\n",
        "arms.0.policies.0.budget: unknown parameter",
    ),
    (
        "bad sweep value",
        "scenario: baseline.yaml\nsweep: {parameters: {firms.count: {values: [10, -1]}}}\n",
        "sweep.parameters.firms.count:",
    ),
    (
        "sweep range",
        "scenario: baseline.yaml\nsweep: {parameters: {firms.count: {low: 5}}}\n",
        "sweep.parameters.firms.count: value error, give either values",
    ),
    (
        "sensitivity values",
        "scenario: baseline.yaml\nsensitivity: {parameters: {months: {values: [1, 2]}}}\n",
        "sensitivity.parameters.months: needs low < high",
    ),
    (
        "sobol samples",
        "scenario: baseline.yaml\n"
        "sensitivity: {method: sobol, samples: 10, parameters: {months: {low: 1, high: 9}}}\n",
        "sensitivity.samples: Sobol designs need a power of 2",
    ),
    (
        "unknown outcome",
        "scenario: baseline.yaml\noutcome: happiness\n",
        "outcome: unknown outcome 'happiness'",
    ),
    (
        "missing plugin",
        "scenario: baseline.yaml\nset: {plugins: [nowhere.py]}\n",
        "set.plugins.0: file not found",
    ),
]


@pytest.mark.parametrize("case", BAD, ids=[c[0] for c in BAD])
def test_bad_experiment_is_one_line_exit_2_nothing_written(case, tmp_path, cli):
    _, text, expected = case
    (tmp_path / "baseline.yaml").write_text((SCENARIOS / "baseline.yaml").read_text())
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    code, _, stderr = cli("batch", path, "--out", tmp_path / "out")
    assert code == 2 and len(stderr.strip().splitlines()) == 1, stderr
    assert str(path) in stderr and expected in stderr, stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "options, expected",
    [
        (["--out", "/proc/msme-sim/out"], "--out:"),
        (["--workers", "0"], "--workers: must be at least 1"),
        (["--executor", "serial", "--scheduler", "tcp://127.0.0.1:1"], "--scheduler:"),
    ],
    ids=["unwritable out", "no workers", "scheduler without dask"],
)
def test_bad_batch_options_are_one_line_exit_2(options, expected, tmp_path, cli):
    path = write_experiment(tmp_path)
    code, _, stderr = cli("batch", path, *options)
    assert code == 2 and len(stderr.strip().splitlines()) == 1 and expected in stderr, stderr
    assert not (Path.cwd() / "results" / "exp").exists()


@pytest.mark.parametrize(
    "path", sorted((SCENARIOS.parent / "experiments").glob("*.yaml")), ids=lambda p: p.stem
)
def test_shipped_experiments_expand_and_validate(path):
    exp = load_experiment(path)
    plan = expand(exp, path)
    assert len(plan) == len(exp.arms) * len(plan.points) * exp.replications
    if path.stem == "policy_comparison":
        assert exp.replications >= 30
        budgets = {p["budget_idr"] for a in exp.arms for p in a.policies}
        assert budgets == {2.0e9}


def test_readme_example_experiment_is_valid(tmp_path):
    """The annotated example in experiments/README.md expands as documented."""
    text = (SCENARIOS.parent / "experiments" / "README.md").read_text()
    block = text.split("## Writing an experiment", 1)[1].split("```yaml\n", 1)[1].split("```")[0]
    data = yaml.safe_load(block)
    data["scenario"] = str(SCENARIOS / "baseline.yaml")
    path = tmp_path / "readme.yaml"
    path.write_text(yaml.safe_dump(data))
    plan = plan_of(path)
    assert len(plan.points) == 3 * 10 and len(plan) == 3 * 30 * 20
    spec = next(s for s in plan if s.arm == "training_only")
    assert [p["use"] for p in plan.scenario(spec)["policies"]] == ["digital_training"]
