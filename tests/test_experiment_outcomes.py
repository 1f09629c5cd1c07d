"""Experiment files list the outcomes they ask about (``outcomes:``) and label their arms."""

from __future__ import annotations

import pytest
import yaml

from sim.runner.experiment import load_experiment
from sim.runner.plan import expand
from tests.conftest import SCENARIOS

ARMS = "arms: [{name: a, label: {en: Alpha, id: Alfa}}, {name: b, label: Beta}]\n"


def write(tmp_path, text: str):
    (tmp_path / "baseline.yaml").write_text((SCENARIOS / "baseline.yaml").read_text())
    path = tmp_path / "exp.yaml"
    path.write_text("scenario: baseline.yaml\nset: {months: 2, firms.count: 20}\n" + text)
    return path


def test_outcomes_main_first_and_labels_reach_the_results(tmp_path):
    path = write(tmp_path, ARMS + "outcomes: [digital_share, survival_rate]\n")
    exp = load_experiment(path)
    assert exp.outcomes == ["digital_share", "survival_rate"] and exp.outcome == "digital_share"
    assert exp.arms[0].label == {"en": "Alpha", "id": "Alfa"} and exp.arms[1].label == "Beta"
    expand(exp, path)  # validates the names against the outcome catalogue


def test_the_one_outcome_form_still_works(tmp_path):
    exp = load_experiment(write(tmp_path, "outcome: firms_alive\n"))
    assert exp.outcomes == ["firms_alive"] and exp.outcome == "firms_alive"
    assert load_experiment(write(tmp_path, "")).outcomes == ["survival_rate"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("outcomes: [survival_rate, happiness]\n", "outcomes.1: unknown outcome 'happiness'"),
        ("outcome: happiness\n", "outcome: unknown outcome 'happiness'"),
        ("outcomes: [survival_rate, survival_rate]\n", "outcomes.1: 'survival_rate' is listed"),
        ("outcome: firms_alive\noutcomes: [survival_rate]\n", "outcome: give outcome or outcomes"),
        ("arms: [{name: a, label: {fr: Alpha}}]\n", "arms.0.label"),
        ("outcomes: survival_rate\n", "outcomes:"),
    ],
    ids=["unknown in list", "unknown single", "twice", "two mains", "bad language", "not a list"],
)
def test_bad_outcomes_and_labels_are_one_line_exit_2(tmp_path, cli, text, expected):
    path = write(tmp_path, text)
    code, _, stderr = cli("batch", path, "--out", tmp_path / "out")
    assert code == 2 and len(stderr.strip().splitlines()) == 1, stderr
    assert f"{path}: {expected}" in stderr, stderr
    assert not (tmp_path / "out").exists()


def test_the_demo_asks_about_three_outcomes_with_labels_in_both_languages():
    data = yaml.safe_load((SCENARIOS.parent / "experiments" / "demo.yaml").read_text())
    assert data["outcomes"][0] == "survival_rate" and len(data["outcomes"]) == 3
    assert all(set(arm["label"]) == {"en", "id"} for arm in data["arms"])
