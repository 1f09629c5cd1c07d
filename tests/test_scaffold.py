"""``msme-sim new-rule`` writes a plugin and a scenario that run as written, with checks on."""

from __future__ import annotations

import json

import pytest

SMALL = ("--set", "months=3", "--set", "firms.count=120")


def test_a_new_mechanism_runs_as_written_in_both_variants(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = cli("new-rule", "savings_club")
    assert code == 0, err
    assert (tmp_path / "scenarios" / "savings_club.py").is_file()
    code, out, err = cli("run", "scenarios/savings_club.yaml", "--check", *SMALL)
    assert code == 0, err
    summary = json.loads((tmp_path / "results/savings_club/summary.json").read_text())
    assert 0 < summary["savings_club_score_mean"] <= 1  # the example rule moved the score
    code, out, err = cli(
        "run", "scenarios/savings_club.yaml", "--check", "--out", "per_firm", *SMALL,
        "--set", "rules.savings_club.use=simple",
    )  # fmt: skip
    assert code == 0, err
    per_firm = json.loads((tmp_path / "per_firm/summary.json").read_text())
    assert per_firm["savings_club_score_mean"] == pytest.approx(
        summary["savings_club_score_mean"], rel=1e-9
    )  # the per-firm and vectorised variants are the same rule


def test_variants_of_a_built_in_mechanism_run_as_written(tmp_path, cli):
    code, _, err = cli("new-rule", "learning", "--mechanism", "digital_adoption", "--out", tmp_path)
    assert code == 0, err
    for use in ("learning", "learning_fast"):
        code, _, err = cli(
            "run", tmp_path / "learning.yaml", "--check", "--out", tmp_path / use, *SMALL,
            "--set", f"rules.digital_adoption.use={use}",
        )  # fmt: skip
        assert code == 0, err
        config = (tmp_path / use / "config.yaml").read_text()
        assert f"use: {use}" in config


def test_existing_files_and_bad_names_are_refused_in_one_line(tmp_path, cli):
    (tmp_path / "mine.yaml").write_text("my own file\n")
    code, _, err = cli("new-rule", "mine", "--out", tmp_path)
    assert code == 2 and "exists; not overwritten" in err and err.count("\n") == 1
    assert (tmp_path / "mine.yaml").read_text() == "my own file\n"
    assert not (tmp_path / "mine.py").exists()
    code, _, err = cli("new-rule", "Bad-Name", "--out", tmp_path)
    assert code == 2 and "NAME" in err
    code, _, err = cli("new-rule", "x", "--mechanism", "nope", "--out", tmp_path)
    assert code == 2 and "unknown mechanism 'nope'" in err
