"""The graded exercises: each reference solution passes its check, and each exercise's starting
file (what a student begins with) fails it."""

from __future__ import annotations

import pytest

from sim.exercises import EXERCISES
from tests.conftest import ROOT

EXERCISES_DIR = ROOT / "exercises"


@pytest.mark.slow
@pytest.mark.parametrize("number", sorted(EXERCISES))
def test_the_reference_solution_passes(number, cli):
    solution = EXERCISES_DIR / "solutions" / EXERCISES[number].file
    code, out, err = cli("check-exercise", number, "--solution", solution)
    assert code == 0, err
    assert out.startswith(f"Exercise {number} ({EXERCISES[number].title}): done")


@pytest.mark.slow
@pytest.mark.parametrize("number", sorted(EXERCISES))
def test_the_starting_state_fails(number, cli, monkeypatch):
    monkeypatch.chdir(ROOT)  # the default file is exercises/<file> of the current folder
    code, out, err = cli("check-exercise", number)
    assert code == 1
    assert f"Exercise {number}: not done yet: " in err and out == ""


def test_a_micro_credit_rule_that_forgets_the_accounts_fails_with_the_check(tmp_path, cli):
    """Money lent without recording it as a loan breaks the month's accounts: the exercise
    check shows check mode's one line naming the rule."""
    solution = (EXERCISES_DIR / "solutions" / "ex3_micro_credit.py").read_text()
    forgetful = solution.replace("    s.new_loan[borrow] += loan_idr", "    pass")
    assert forgetful != solution
    (tmp_path / "ex3_micro_credit.py").write_text(forgetful)
    scenario = (EXERCISES_DIR / "solutions" / "ex3_micro_credit.yaml").read_text()
    (tmp_path / "ex3.yaml").write_text(scenario)
    code, _, err = cli("check-exercise", 3, "--solution", tmp_path / "ex3.yaml")
    assert code == 1
    assert "appeared from nowhere" in err
    assert "rules.micro_credit (variant small_loans, plugin ex3_micro_credit.py)" in err


def test_an_unknown_exercise_or_missing_file_is_one_line(tmp_path, cli):
    code, _, err = cli("check-exercise", 99)
    assert code == 2 and "no exercise 99" in err
    code, _, err = cli("check-exercise", 1, "--solution", tmp_path / "none.yaml")
    assert code == 2 and "no such file" in err
