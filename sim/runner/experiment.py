"""Experiment files: a base scenario, arms, replications, sweeps and sensitivity designs.

```yaml
name: demo                      # default: the file's stem; results go to results/<name>/
description: the question the experiment answers
scenario: ../scenarios/baseline.yaml   # relative to this file
set: {months: 60, firms.count: 1000}   # applied to every run
arms:                           # the first arm is the reference (usually `baseline`)
  - {name: baseline}
  - {name: training, set: {...}, policies: [{use: digital_training, budget_idr: 1.0e+9}]}
replications: 12                # replication r has the same seed in every arm and design point
seed: 2026
outcome: survival_rate          # the report's main outcome
firm_tables: 20                 # keep end-of-run firm tables of the first 20 replications
discount_rate: 0.06             # yearly rate for discounting policy spending in the report
sweep: {method: grid | lhs, samples: 20, parameters: {firms.literacy_mean: {low: 0.3, high: 0.8}}}
sensitivity: {method: morris | sobol, samples: 8, parameters: {path: {low: .., high: ..}}}
```
Arm policies are appended to the scenario's; ``set: {policies: []}`` clears those first. The
expansion into runs (``sim.runner.plan``) validates every run before the first one starts.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field, ValidationError, model_validator

from sim.config import SLUG, Section, pydantic_error, read_yaml
from sim.errors import ConfigError
from sim.settings import P
from sim.yamlfile import check_yaml_name

NAME = r"^[A-Za-z0-9_.-]+$"
# Sizes: far beyond any study a machine can run, small enough to refuse a typo up front.
MAX_SAMPLES = 10_000
MAX_REPLICATIONS = 10_000
MAX_RUNS = 1_000_000


class Arm(Section):
    """One arm: overrides and/or policies added to the base scenario."""

    name: str = Field(min_length=1, pattern=NAME)
    description: str = ""
    set: dict[str, Any] = Field(default_factory=dict)
    policies: list[dict[str, Any]] = Field(default_factory=list)


class Range(Section):
    """A varied parameter: explicit ``values`` or a ``low``–``high`` range."""

    values: list[Any] | None = Field(None, min_length=1)
    low: float | None = None
    high: float | None = None
    integer: bool = False

    @model_validator(mode="after")
    def _one_form(self):
        if self.values is None and (self.low is None or self.high is None):
            raise ValueError("give either values: [...] or low: and high:")
        if self.values is None and self.low > self.high:
            raise ValueError("low must not exceed high")
        return self


class Sweep(Section):
    """A grid (every combination) or a Latin hypercube sample of parameter values."""

    method: Literal["grid", "lhs"] = "grid"
    samples: int = Field(
        10, ge=1, le=MAX_SAMPLES, description="lhs design points; grid points per low-high range"
    )
    parameters: dict[str, Range] = Field(min_length=1)


class Sensitivity(Section):
    """A SALib design (Morris trajectories or Sobol/Saltelli samples) over parameter ranges."""

    method: Literal["morris", "sobol"] = "morris"
    samples: int = Field(
        8, ge=1, le=MAX_SAMPLES, description="Morris trajectories or Sobol base samples (N)"
    )
    parameters: dict[str, Range] = Field(min_length=1)


class Experiment(Section):
    """A validated experiment file (before expansion into runs)."""

    name: str = Field("experiment", pattern=SLUG)
    description: str = ""
    scenario: str = Field(min_length=1)
    set: dict[str, Any] = Field(default_factory=dict)
    arms: list[Arm] = Field(default_factory=lambda: [Arm(name="baseline")], min_length=1)
    replications: int = Field(10, ge=1, le=MAX_REPLICATIONS)
    seed: int = Field(12345, ge=0, le=2**63 - 1)
    outcome: str = "survival_rate"
    discount_rate: float = P("analysis.discount_rate")
    firm_tables: int = Field(
        20,
        ge=0,
        strict=True,
        description="keep the end-of-run firm table (firms/<run_id>.parquet) of the first N "
        "replications of every arm and design point; 0: none",
    )
    sweep: Sweep | None = None
    sensitivity: Sensitivity | None = None


def load_experiment(source: str | Path | Mapping[str, Any], file: str | None = None) -> Experiment:
    """Read and validate an experiment file, or a mapping with the same keys.

    The name defaults to the file's stem. Errors are one-line ConfigErrors with dotted paths.
    """
    if isinstance(source, Mapping):
        data, file = dict(source), file or "<experiment>"
    else:
        data, file = read_yaml(source), file or str(source)
        data.setdefault("name", Path(source).stem)
    try:
        exp = Experiment.model_validate(data)
    except ValidationError as exc:
        raise pydantic_error(exc, file, Experiment) from None
    check(exp, file)
    return exp


def check(exp: Experiment, file: str) -> None:
    """Checks across fields: a YAML scenario; unique arm names; one design; SALib-ready
    sensitivity ranges; at most :data:`MAX_RUNS` runs."""
    check_yaml_name(file, "scenario", exp.scenario)
    seen: set[str] = set()
    for i, arm in enumerate(exp.arms):
        if arm.name in seen:
            raise ConfigError(file, f"arms.{i}.name", f"duplicate arm name {arm.name!r}")
        seen.add(arm.name)
    if exp.sweep is not None and exp.sensitivity is not None:
        raise ConfigError(file, "sensitivity", "give either sweep or sensitivity, not both")
    runs = len(exp.arms) * design_size(exp) * exp.replications
    if runs > MAX_RUNS:
        where = "sweep" if exp.sweep else "sensitivity" if exp.sensitivity else "replications"
        raise ConfigError(
            file,
            where,
            f"the experiment expands to {runs:,} runs (arms × design points × replications); "
            f"at most {MAX_RUNS:,}",
        )
    sens = exp.sensitivity
    if sens is None:
        return
    for name, r in sens.parameters.items():
        if r.values is not None or r.low == r.high:
            raise ConfigError(
                file, f"sensitivity.parameters.{name}", "needs low < high (values are for sweeps)"
            )
    if sens.method == "sobol" and sens.samples & (sens.samples - 1):
        lower = 1 << (sens.samples.bit_length() - 1)
        raise ConfigError(
            file,
            "sensitivity.samples",
            f"Sobol designs need a power of 2 (got {sens.samples}; try {lower} or {2 * lower})",
        )


def design_size(exp: Experiment) -> int:
    """How many design points :func:`design_points` makes, computed without making them."""
    if exp.sweep is not None:
        if exp.sweep.method == "lhs":
            return exp.sweep.samples
        axes = exp.sweep.parameters.values()
        return math.prod(exp.sweep.samples if r.values is None else len(r.values) for r in axes)
    if exp.sensitivity is not None:
        d = len(exp.sensitivity.parameters)
        per_sample = d + 1 if exp.sensitivity.method == "morris" else 2 * d + 2
        return exp.sensitivity.samples * per_sample
    return 1


def design_points(exp: Experiment) -> list[dict[str, Any]]:
    """The sweep or sensitivity design: one ``{dotted.path: value}`` per point (``[{}]`` if none).

    Sensitivity points also carry ``sample``, their row in the SALib design.
    """
    if exp.sweep is not None:
        return _sweep_points(exp.sweep, exp.seed)
    if exp.sensitivity is not None:
        return _sensitivity_points(exp.sensitivity, exp.seed)
    return [{}]


def _sweep_points(sweep: Sweep, seed: int) -> list[dict[str, Any]]:
    names, ranges = list(sweep.parameters), list(sweep.parameters.values())
    if sweep.method == "grid":
        axes = [
            r.values if r.values is not None else np.linspace(r.low, r.high, sweep.samples)
            for r in ranges
        ]
        return [_typed(names, combo, ranges) for combo in itertools.product(*axes)]
    from scipy.stats import qmc

    unit = qmc.LatinHypercube(d=len(names), rng=np.random.default_rng(seed)).random(sweep.samples)
    points = []
    for row in unit:
        values = [
            r.values[min(int(u * len(r.values)), len(r.values) - 1)]
            if r.values is not None
            else r.low + u * (r.high - r.low)
            for u, r in zip(row, ranges)
        ]
        points.append(_typed(names, values, ranges))
    return points


def salib_problem(sens: Sensitivity) -> dict[str, Any]:
    """The SALib problem dict (``num_vars``, ``names``, ``bounds``) of a sensitivity design."""
    names = list(sens.parameters)
    bounds = [[sens.parameters[n].low, sens.parameters[n].high] for n in names]
    return {"num_vars": len(names), "names": names, "bounds": bounds}


def _sensitivity_points(sens: Sensitivity, seed: int) -> list[dict[str, Any]]:
    problem = salib_problem(sens)
    if sens.method == "morris":
        from SALib.sample import morris

        design = morris.sample(problem, sens.samples, seed=seed)
    else:
        from SALib.sample import sobol

        design = sobol.sample(problem, sens.samples, seed=seed)
    ranges = list(sens.parameters.values())
    return [{**_typed(problem["names"], row, ranges), "sample": i} for i, row in enumerate(design)]


def _typed(names: list[str], values, ranges: list[Range]) -> dict[str, Any]:
    """Plain Python values (not NumPy scalars), rounded where the range is ``integer``."""
    out = {}
    for name, value, r in zip(names, values, ranges):
        if isinstance(value, np.generic):
            value = value.item()
        if r.integer and isinstance(value, float):
            value = int(round(value))
        out[name] = value
    return out


def resolved_experiment(exp: Experiment, file: str) -> dict[str, Any]:
    """The experiment as written to ``DIR/experiment.yaml`` (with the SALib problem, if any)."""
    data = exp.model_dump(mode="json", exclude_none=True)
    data["experiment_file"] = str(file)
    data["seeding"] = "replication r: SeedSequence(seed, spawn_key=(r,)).generate_state(1)[0]"
    if exp.sensitivity is not None:
        data["sensitivity"]["problem"] = salib_problem(exp.sensitivity)
    return data
