"""Design points from parameter ranges: the one Latin hypercube sampler of sweeps and
uncertainties, and plain typed values.

A range is an experiment's ``Range`` (or ``Uncertainty``): ``values`` or ``low``/``high``, and
``integer``.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def lhs_points(names: list[str], ranges: list, samples: int, seed) -> list[dict[str, Any]]:
    """``samples`` Latin hypercube points over ``ranges`` (``scipy.stats.qmc``, seeded by
    ``seed``): a value from ``values`` or from ``low``–``high`` per parameter."""
    from scipy.stats import qmc

    unit = qmc.LatinHypercube(d=len(names), rng=np.random.default_rng(seed)).random(samples)
    points = []
    for row in unit:
        values = [
            r.values[min(int(u * len(r.values)), len(r.values) - 1)]
            if r.values is not None
            else r.low + u * (r.high - r.low)
            for u, r in zip(row, ranges)
        ]
        points.append(typed_values(names, values, ranges))
    return points


def typed_values(names: list[str], values, ranges: list) -> dict[str, Any]:
    """Plain Python values (not NumPy scalars), rounded where the range is ``integer``."""
    out = {}
    for name, value, r in zip(names, values, ranges):
        if isinstance(value, np.generic):
            value = value.item()
        if r.integer and isinstance(value, float):
            value = int(round(value))
        out[name] = value
    return out
