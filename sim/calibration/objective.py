"""What one evaluation computes: the targets' values in one run, their seed-means and the distance.

An evaluation of a parameter set runs every scenario context of the targets once per seed. One
(context, seed) run is a self-contained :class:`Job` a worker executes (:func:`run_job`); only the
targets' values travel back. The distance is the sum over targets of the squared z-score of the
seed-mean, ``((mean - value) / sd) ** 2``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.runner.seeds import replication_seed


@dataclass(frozen=True)
class Measure:
    """How to read one target from a run's monthly table."""

    label: str
    outcome: str
    first: int
    last: int
    statistic: str


@dataclass(frozen=True)
class Job:
    """One run of an evaluation: ``key`` (evaluation id), scenario mapping, seed, measures."""

    key: Any
    scenario: dict[str, Any]
    seed: int
    measures: tuple[Measure, ...]


def measures(targets: Iterable) -> tuple[Measure, ...]:
    """The :class:`Measure` of each target (``sim.calibration.spec.Target``)."""
    return tuple(Measure(t.label, t.outcome, *t.window, t.statistic) for t in targets)


def read_targets(monthly: pd.DataFrame, wanted: Iterable[Measure]) -> dict[str, float]:
    """Each measure's statistic over its window of months (NaN if undefined in all of them)."""
    out = {}
    for m in wanted:
        rows = monthly[(monthly["month"] >= m.first) & (monthly["month"] <= m.last)]
        values = pd.to_numeric(rows[m.outcome], errors="coerce").dropna()
        if values.empty:
            out[m.label] = math.nan
        else:
            out[m.label] = float(values.max() if m.statistic == "max" else values.mean())
    return out


def run_job(job: Job) -> tuple[dict[str, float], str | None]:
    """Run one (scenario, seed): ``(targets' values, None)``, or ``({}, one-line error)`` when
    the run raises (what a worker executes)."""
    from sim.config import scenario_from_dict
    from sim.runner.single import simulate

    try:
        scenario = scenario_from_dict(job.scenario, "<calibration run>")
        return read_targets(simulate(scenario, seed=job.seed).monthly, job.measures), None
    except Exception as exc:
        lines = f"{type(exc).__name__}: {exc}".strip().splitlines()
        return {}, lines[0]


def seeds(base: int, n: int) -> list[int]:
    """The run seeds of an evaluation: the same ``n`` seeds for every parameter set (common
    random numbers, as replications of a batch), so distances differ by parameters only."""
    return [replication_seed(base, r) for r in range(n)]


def distance(means: Mapping[str, float], targets: Iterable) -> float:
    """Sum of squared z-scores of the seed-means; infinite when a target is undefined."""
    total = 0.0
    for t in targets:
        value = means.get(t.label, math.nan)
        if not math.isfinite(value):
            return math.inf
        total += ((value - t.value) / t.sd) ** 2
    return total


def seed_means(per_seed: list[dict[str, float]]) -> dict[str, float]:
    """Mean over seeds of each target's value (NaN seeds left out)."""
    labels = dict.fromkeys(k for row in per_seed for k in row)
    out = {}
    for label in labels:
        values = np.array([row.get(label, math.nan) for row in per_seed], dtype=float)
        finite = values[np.isfinite(values)]
        out[label] = float(finite.mean()) if finite.size else math.nan
    return out
