"""Experiment files: a base scenario, arms, replications, sweeps and sensitivity designs.

```yaml
name: demo                      # default: the file's stem; results go to results/<name>/
description: the question the experiment answers
scenario: ../scenarios/baseline.yaml   # relative to this file
set: {months: 60, firms.count: 1000}   # applied to every run
arms:                           # the first arm is the reference (usually `baseline`)
  - {name: baseline}
  - {name: training, label: Digital training, set: {...},   # label: the arm in the report
     policies: [{use: digital_training, budget_idr: 1.0e+9}]}  # label, description: a text
                                # or one per language, {en: ..., id: ...}
replications: 12                # replication r has the same seed in every arm and design point
seed: 2026
outcomes: [survival_rate, digital_share]  # what the question is about, main one first
                                # (`outcome: survival_rate` is the one-outcome form)
firm_tables: 20                 # keep end-of-run firm tables of the first 20 replications
discount_rate: 0.06             # yearly rate for discounting policy spending in the report
sweep: {method: grid | lhs, samples: 20, parameters: {firms.literacy_mean: {low: 0.3, high: 0.8}}}
sensitivity: {method: morris | sobol, samples: 8, parameters: {path: {low: .., high: ..}}}
uncertainties:                  # parameter sets every arm runs on (paired): sim.runner.ensemble
  rules.households.mpc_poor: {low: 0.6, high: 0.9}      # Latin hypercube over the ranges
  rules.finance.credit_access: {from: calib/ensemble.parquet}  # rows of a calibration ensemble
samples: 20                     # how many parameter sets
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
from sim.runner.sampling import lhs_points, typed_values
from sim.settings import P
from sim.yamlfile import check_yaml_name

NAME = r"^[A-Za-z0-9_.-]+$"
# Sizes: far beyond any study a machine can run, small enough to refuse a typo up front.
MAX_SAMPLES = 10_000
MAX_REPLICATIONS = 10_000
MAX_RUNS = 1_000_000


#: A text shown in the report: one string, or one per language (``{en: ..., id: ...}``).
Text = str | dict[Literal["en", "id"], str]


class Arm(Section):
    """One arm: overrides and/or policies added to the base scenario."""

    name: str = Field(min_length=1, pattern=NAME)
    label: Text = Field("", description="the arm's name in the report (default: its name)")
    description: Text = ""
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
        return _check_range(self)


def _check_range(r: Range) -> Range:
    if r.values is None and (r.low is None or r.high is None):
        raise ValueError("give either values: [...] or low: and high:")
    if r.values is None and r.low > r.high:
        raise ValueError("low must not exceed high")
    return r


class Uncertainty(Range):
    """An uncertain parameter: a range sampled by Latin hypercube (like an lhs sweep), or
    ``from:`` a calibration ensemble (Parquet, one column per dotted path; relative to the
    experiment file), whose rows are drawn whole."""

    from_: str | None = Field(None, alias="from", min_length=1)

    @model_validator(mode="after")
    def _one_form(self):
        if self.from_ is None:
            return _check_range(self)
        if self.values is not None or self.low is not None or self.high is not None:
            raise ValueError("give either from: or a range (low: and high:, or values:), not both")
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
    description: Text = ""
    scenario: str = Field(min_length=1)
    set: dict[str, Any] = Field(default_factory=dict)
    arms: list[Arm] = Field(default_factory=lambda: [Arm(name="baseline")], min_length=1)
    replications: int = Field(10, ge=1, le=MAX_REPLICATIONS)
    seed: int = Field(12345, ge=0, le=2**63 - 1)
    outcome: str | None = Field(None, description="the one-outcome form of outcomes")
    outcomes: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="the outcomes the question is about, main one first (default: survival_rate)",
    )
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
    uncertainties: dict[str, Uncertainty] | None = Field(None, min_length=1)
    samples: int | None = Field(
        None, ge=1, le=MAX_SAMPLES, description="parameter sets drawn from the uncertainties"
    )


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
    """Checks across fields: a YAML scenario; unique arm names; one design; readable ensembles;
    SALib-ready sensitivity ranges; at most :data:`MAX_RUNS` runs."""
    check_yaml_name(file, "scenario", exp.scenario)
    _resolve_outcomes(exp, file)
    seen: set[str] = set()
    for i, arm in enumerate(exp.arms):
        if arm.name in seen:
            raise ConfigError(file, f"arms.{i}.name", f"duplicate arm name {arm.name!r}")
        seen.add(arm.name)
    if exp.sweep is not None and exp.sensitivity is not None:
        raise ConfigError(file, "sensitivity", "give either sweep or sensitivity, not both")
    if exp.uncertainties is not None:
        if exp.sweep is not None or exp.sensitivity is not None:
            other = "sweep" if exp.sweep is not None else "sensitivity"
            raise ConfigError(file, "uncertainties", f"give either {other} or uncertainties")
        if exp.samples is None:
            raise ConfigError(file, "samples", "uncertainties need samples: (how many sets)")
    elif exp.samples is not None:
        raise ConfigError(file, "samples", "samples: is the number of uncertainties: sets")
    runs = len(exp.arms) * design_size(exp) * exp.replications
    if runs > MAX_RUNS:
        where = next(
            (k for k in ("sweep", "sensitivity", "samples") if getattr(exp, k) is not None),
            "replications",
        )
        raise ConfigError(
            file,
            where,
            f"the experiment expands to {runs:,} runs (arms × design points × replications); "
            f"at most {MAX_RUNS:,}",
        )
    if exp.uncertainties is not None:
        from sim.runner.ensemble import read_ensembles

        read_ensembles(exp.uncertainties, exp.samples, file)  # checked before any run
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


def _resolve_outcomes(exp: Experiment, file: str) -> None:
    """``outcome`` and ``outcomes`` agree afterwards: ``outcomes[0]`` is the main ``outcome``."""
    if not exp.outcomes:
        exp.outcomes = [exp.outcome or "survival_rate"]
    elif exp.outcome is not None and exp.outcome != exp.outcomes[0]:
        raise ConfigError(
            file, "outcome", "give outcome or outcomes (main one first), not two different mains"
        )
    for i, name in enumerate(exp.outcomes):
        if name in exp.outcomes[:i]:
            raise ConfigError(file, f"outcomes.{i}", f"{name!r} is listed twice")
    exp.outcome = exp.outcomes[0]


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
    if exp.uncertainties is not None:
        return exp.samples or 1
    return 1


def design_points(exp: Experiment, file: str | None = None) -> list[dict[str, Any]]:
    """The sweep, sensitivity or uncertainty design: one ``{dotted.path: value}`` per point
    (``[{}]`` if none).

    Sensitivity points also carry ``sample``, their row in the SALib design; uncertainty points
    carry ``parameter_set``. ``file``: the experiment file, which ``from:`` paths are relative
    to.
    """
    if exp.sweep is not None:
        return _sweep_points(exp.sweep, exp.seed)
    if exp.sensitivity is not None:
        return _sensitivity_points(exp.sensitivity, exp.seed)
    if exp.uncertainties is not None:
        from sim.runner.ensemble import uncertainty_points

        file = file or "<experiment>"
        return uncertainty_points(exp.uncertainties, exp.samples or 1, exp.seed, file)
    return [{}]


def _sweep_points(sweep: Sweep, seed: int) -> list[dict[str, Any]]:
    names, ranges = list(sweep.parameters), list(sweep.parameters.values())
    if sweep.method == "grid":
        axes = [
            r.values if r.values is not None else np.linspace(r.low, r.high, sweep.samples)
            for r in ranges
        ]
        return [typed_values(names, combo, ranges) for combo in itertools.product(*axes)]
    return lhs_points(names, ranges, sweep.samples, seed)


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
    return [
        {**typed_values(problem["names"], row, ranges), "sample": i} for i, row in enumerate(design)
    ]


def resolved_experiment(exp: Experiment, file: str) -> dict[str, Any]:
    """The experiment as written to ``DIR/experiment.yaml`` (with the SALib problem, if any)."""
    data = exp.model_dump(mode="json", exclude_none=True, by_alias=True)
    data["experiment_file"] = str(file)
    data["seeding"] = "replication r: SeedSequence(seed, spawn_key=(r,)).generate_state(1)[0]"
    if exp.sensitivity is not None:
        data["sensitivity"]["problem"] = salib_problem(exp.sensitivity)
    return data
