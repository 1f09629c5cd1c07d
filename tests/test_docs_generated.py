"""Generated docs are up to date, and the ODD names every parameter (and only real ones)."""

from __future__ import annotations

import re

from sim.docs import END, START, odd_with_table, policies_reference, scenarios_reference
from sim.params import TABLE
from tests.conftest import ROOT

DOCS = ROOT / "docs"


def test_scenarios_reference_is_current():
    assert (DOCS / "scenarios.md").read_text() == scenarios_reference(), (
        "docs/scenarios.md is stale: run `msme-sim docs`"
    )


def test_policies_reference_is_current():
    assert (DOCS / "policies.md").read_text() == policies_reference(), (
        "docs/policies.md is stale: run `msme-sim docs`"
    )


def test_odd_parameter_table_is_current():
    odd = (DOCS / "ODD.md").read_text()
    assert odd == odd_with_table(odd), "docs/ODD.md parameter table is stale: run `msme-sim docs`"


def test_every_parameter_appears_in_the_odd_and_vice_versa():
    odd = (DOCS / "ODD.md").read_text()
    table = odd[odd.index(START) : odd.index(END)]
    named = set(re.findall(r"^\| `([\w.]+)` \|", table, flags=re.M))
    assert named == set(TABLE)
    prose = odd[: odd.index(START)]
    dotted = set(
        re.findall(
            r"`((?:firms|connectivity|networks|market|rules|policies|shocks)"
            r"\.[\w.]+)`",
            prose,
        )
    )
    groups = {path.rsplit(".", 1)[0] for path in TABLE}  # e.g. firms.sector_shares
    unknown = dotted - set(TABLE) - groups
    assert not unknown, f"ODD names unknown parameters: {unknown}"
