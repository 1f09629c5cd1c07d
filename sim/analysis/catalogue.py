"""Outcome descriptions of a results directory, from its ``outcomes.json`` catalogue only.

Every label, unit, kind and direction comes from the declarations the runner wrote next to the
results (:mod:`sim.outcomes`); a column the catalogue does not declare is shown under its own
name with no unit and no better direction. Nothing is guessed from a column's name.
"""

from __future__ import annotations

import json
from pathlib import Path

from sim.outcomes import CATALOGUE_FILE, Outcome, read_catalogue, undeclared

from .reading import ResultsError

#: The outcomes a policymaker sees first, in this order (those present in the results).
MAIN_OUTCOMES = (
    "survival_rate",
    "firms_alive",
    "digital_share",
    "marketplace_share",
    "mean_literacy",
    "poor_owner_mean_income_idr",
    "mean_profit_idr",
    "gini_income",
    "pooling_participation",
    "partnerships_active",
    "mean_trust",
    "mean_customer_loyalty",
    "skilled_workers",
    "craft_output_idr",
)
#: Monthly shares of living firms at each digital level.
LEVELS = ("share_level_0", "share_level_1", "share_level_2")

Catalogue = dict[str, Outcome]


def read_outcomes(directory) -> Catalogue:
    """The outcome catalogue of a results directory ({} for older results without one)."""
    path = Path(directory) / CATALOGUE_FILE
    try:
        return read_catalogue(directory)
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        # json.JSONDecodeError is a ValueError; a wrong shape raises TypeError/KeyError.
        detail = exc.msg if isinstance(exc, json.JSONDecodeError) else exc
        raise ResultsError(f"{path}: cannot read: {' '.join(str(detail).split())}") from None


def outcome(name: str, catalogue: Catalogue | None = None) -> Outcome:
    """The declaration of outcome ``name``, or :func:`sim.outcomes.undeclared` when it has none."""
    found = (catalogue or {}).get(name)
    return found if found is not None else undeclared(name)


def main_outcomes(catalogue: Catalogue | None = None, columns=None) -> list[Outcome]:
    """The main outcomes (names, labels, units, direction), restricted to ``columns`` if given."""
    present = None if columns is None else set(columns)
    return [outcome(n, catalogue) for n in MAIN_OUTCOMES if present is None or n in present]
