"""Model validation: Bass reduction, small-world networks, calibration to Indonesian facts and
the field studies' findings.

``msme-sim validate-model`` runs every check and writes ``docs/validation.md`` with figures; the
tests call the same functions and assert the same numbers. :mod:`.checks` holds the model
checks, :mod:`.findings` the table of field findings (also read by ``tests/test_findings.py``)
and :mod:`.writing` the generated document.
"""

from __future__ import annotations

from .checks import (
    Check,
    bass_continuous,
    bass_discrete,
    bass_scenario,
    check_bass,
    check_covid_revenue_loss,
    check_firm_sizes,
    check_initial_state,
    check_small_world,
    clustering,
    hill_exponent,
    path_length,
    small_world_stats,
)
from .displacement import check_displacement
from .findings import (
    ABLATION_SEEDS,
    COLLABORATION,
    FINDINGS,
    Finding,
    check_ablations,
    check_findings,
    paired_differences,
)
from .writing import write_markdown

__all__ = [
    "COLLABORATION",
    "FINDINGS",
    "Check",
    "Finding",
    "bass_continuous",
    "bass_discrete",
    "bass_scenario",
    "check_bass",
    "check_covid_revenue_loss",
    "check_findings",
    "check_firm_sizes",
    "check_initial_state",
    "check_small_world",
    "clustering",
    "hill_exponent",
    "paired_differences",
    "path_length",
    "run_all",
    "small_world_stats",
    "write_markdown",
]


def run_all(quick: bool = False) -> list[Check]:
    """Every check (``quick``: smaller Bass and network runs, for smoke tests)."""
    checks = [
        check_bass(n=2000, seeds=5) if quick else check_bass(),
        check_small_world(seeds=2) if quick else check_small_world(),
    ]
    for check in checks:
        check.group = "verification"
    inputs = check_initial_state()
    for check in inputs:
        check.group = "input"
    checks += inputs
    checks.append(check_firm_sizes(months=24 if quick else 120))
    checks.append(check_covid_revenue_loss(seeds=2 if quick else 5))
    checks += check_findings(seeds=3 if quick else 20)
    checks += check_ablations(seeds=3 if quick else ABLATION_SEEDS)
    for d in check_displacement(seeds=1 if quick else 5):
        checks.append(Check(d.policy, "", d.describe(), True, vars(d), group="displacement"))
    return checks
