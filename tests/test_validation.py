"""The validation checks of docs/validation.md, asserted at full size."""

from __future__ import annotations

import pytest

from sim import validation


@pytest.mark.slow
def test_bass_reduction():
    """N = 10,000, 20 seeds: within 0.01 of the discrete and 0.02 of the continuous Bass curve."""
    check = validation.check_bass(n=10_000, seeds=20, p=0.03, q=0.38)
    assert check.details["gap_discrete"] <= 0.01
    assert check.details["gap_continuous"] <= 0.02
    assert check.details["mean"][-1] > 0.5  # adoption actually spreads


def test_bass_check_can_fail():
    """The comparison is sharp: a wrong q is detected."""
    check = validation.check_bass(n=2000, seeds=3, p=0.03, q=0.38)
    wrong = validation.bass_discrete(0.03, 0.5, len(check.details["mean"]))
    assert abs(check.details["mean"] - wrong).max() > 0.01


def test_weak_ties_are_small_world():
    check = validation.check_small_world(n=1000, k=10, p=0.01)
    assert check.details["c_ratio"] > 0.9 and check.details["l_ratio"] < 0.25


@pytest.mark.parametrize("check", validation.check_initial_state(), ids=lambda c: c.name)
def test_initial_state_matches_indonesian_facts(check):
    assert check.passed, f"{check.name}: {check.value} vs {check.target}"


@pytest.mark.slow
def test_firm_size_tail_is_zipf_like():
    check = validation.check_firm_sizes()
    assert 1.0 <= check.details["alpha"] <= 3.0


@pytest.mark.slow
def test_validate_model_writes_the_page_from_scratch(tmp_path, cli):
    code, stdout, _ = cli("validate-model", "--quick", "--docs", tmp_path)
    page = (tmp_path / "validation.md").read_text()
    assert "| Bass reduction |" in page and "Small-world" in page
    assert (tmp_path / "img" / "validation_bass.png").stat().st_size > 1000
    assert code in (0, 1) and "Written" in stdout
