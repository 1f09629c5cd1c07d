"""Per-group outcomes: mean revenue and survival per sector and per village.

They let the analysis say who gains and who loses from a policy (``sim.analysis.distribution``).
All groups are measured at once each month in one compiled pass and cached for the month; every
outcome of the family reads the cache. Villages get outcomes only up to ``MAX_VILLAGES`` villages
(a wider scenario would add hundreds of columns to every monthly table).
"""

from __future__ import annotations

from functools import cache

import numpy as np

from sim.declarations import Unit
from sim.domain import SECTORS
from sim.outcomes import HIGHER, group_outcome
from sim.passes import group_sums_pass

MAX_VILLAGES = 50
_CACHE = "_group_outcomes"


def measure(model) -> dict[str, np.ndarray]:
    """This month's mean revenue of living firms and survival of the initial firms, per sector
    and per village: ``{"<family>_<measure>": values per group}`` (0 for an empty group)."""
    cached = getattr(model, _CACHE, None)
    if cached is not None and cached[0] == model.month:
        return cached[1]
    s = model.state
    out = {}
    sums = group_sums_pass(
        s.sector, s.village, s.alive, s.revenue, s.founder, len(SECTORS), model.villages.count
    )
    for family, (living, revenue, founders, survivors) in zip(("sector", "village"), sums):
        out[f"{family}_mean_revenue_idr"] = revenue / np.maximum(living, 1)
        out[f"{family}_survival_rate"] = survivors / np.maximum(founders, 1)
    setattr(model, _CACHE, (model.month, out))
    return out


def _reader(family: str, measure_name: str, index: int):
    def read(model) -> float:
        return float(measure(model)[f"{family}_{measure_name}"][index])

    return read


@cache
def unit(villages: int) -> Unit:
    """The per-group outcomes of a scenario with ``villages`` villages."""
    groups = Unit("groups", origin=__file__)
    keys = [("sector", name, i, name) for i, name in enumerate(SECTORS)]
    if villages <= MAX_VILLAGES:
        keys += [("village", str(v), v, f"village {v}") for v in range(villages)]
    for family, key, index, words in keys:
        groups.outcome(
            group_outcome(family, key, "mean_revenue_idr"),
            label=f"Mean revenue, {words}",
            unit="Rp/month",
            kind="idr",
            better=HIGHER,
            aggregation=f"mean over living firms in {words}",
        )(_reader(family, "mean_revenue_idr", index))
        groups.outcome(
            group_outcome(family, key, "survival_rate"),
            label=f"Survival of initial firms, {words}",
            unit="%",
            kind="share",
            better=HIGHER,
            aggregation=f"share of the initial firms in {words} still alive",
        )(_reader(family, "survival_rate", index))
    return groups
