"""Experiment files: a base scenario, arms, replications, sweeps and sensitivity designs.

An experiment expands into runs (arm × design point × replication). Replication r has the same
seed in every arm and design point (common random numbers):
``SeedSequence(experiment seed, spawn_key=(r,)).generate_state(1)[0]``. Every run is validated
before the first one starts; errors name the experiment file and the option's dotted path.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field, ValidationError, model_validator

from sim.config import (
    Section,
    pydantic_error,
    read_with_extends,
    read_yaml,
    scenario_from_dict,
    set_dotted,
)
from sim.errors import ConfigError


class Arm(Section):
    """One intervention arm: overrides and/or policies added to the base scenario."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    set: dict[str, Any] = Field(default_factory=dict)
    policies: list[dict[str, Any]] = Field(default_factory=list)


class Range(Section):
    """A swept parameter: explicit ``values`` (grid) or a ``low``–``high`` range."""

    values: list[Any] | None = None
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
    method: Literal["grid", "lhs"] = "grid"
    samples: int = Field(10, ge=1, description="design points for lhs")
    parameters: dict[str, Range] = Field(min_length=1)


class Sensitivity(Section):
    method: Literal["morris", "sobol"] = "morris"
    samples: int = Field(8, ge=1, description="Morris trajectories or Sobol base samples (N)")
    parameters: dict[str, Range] = Field(min_length=1)


class Experiment(Section):
    name: str = Field("experiment", min_length=1)
    description: str = ""
    scenario: str
    set: dict[str, Any] = Field(default_factory=dict)
    arms: list[Arm] = Field(default_factory=lambda: [Arm(name="baseline")], min_length=1)
    replications: int = Field(10, ge=1)
    seed: int = Field(12345, ge=0)
    outcome: str = "survival_rate"
    sweep: Sweep | None = None
    sensitivity: Sensitivity | None = None


@dataclass(frozen=True)
class RunSpec:
    """One run of an experiment: everything a worker needs, and its identity."""

    run_id: str
    arm: str
    replication: int
    seed: int
    point: dict[str, Any]
    scenario: dict[str, Any]


def replication_seed(experiment_seed: int, replication: int) -> int:
    """The run seed of replication ``r``: the same in every arm and design point."""
    seq = np.random.SeedSequence(experiment_seed, spawn_key=(replication,))
    return int(seq.generate_state(1)[0])


def design_points(exp: Experiment) -> list[dict[str, Any]]:
    """Sweep or sensitivity design points (``[{}]`` when there is neither)."""
    if exp.sweep is None and exp.sensitivity is None:
        return [{}]
    if exp.sweep is not None and exp.sensitivity is not None:
        raise ValueError("give either sweep or sensitivity, not both")
    if exp.sweep is not None:
        return _sweep_points(exp.sweep, exp.seed)
    return _sensitivity_points(exp.sensitivity, exp.seed)


def _sweep_points(sweep: Sweep, seed: int) -> list[dict[str, Any]]:
    names = list(sweep.parameters)
    if sweep.method == "grid":
        axes = [
            r.values if r.values is not None else list(np.linspace(r.low, r.high, sweep.samples))
            for r in sweep.parameters.values()
        ]
        return [
            _typed(dict(zip(names, combo)), sweep.parameters) for combo in itertools.product(*axes)
        ]
    from scipy.stats import qmc

    unit = qmc.LatinHypercube(d=len(names), seed=np.random.default_rng(seed)).random(sweep.samples)
    points = []
    for row in unit:
        point = {}
        for name, u in zip(names, row):
            r = sweep.parameters[name]
            if r.values is not None:
                point[name] = r.values[min(int(u * len(r.values)), len(r.values) - 1)]
            else:
                point[name] = r.low + u * (r.high - r.low)
        points.append(_typed(point, sweep.parameters))
    return points


def salib_problem(sens: Sensitivity) -> dict[str, Any]:
    names = list(sens.parameters)
    return {
        "num_vars": len(names),
        "names": names,
        "bounds": [[sens.parameters[n].low, sens.parameters[n].high] for n in names],
    }


def _sensitivity_points(sens: Sensitivity, seed: int) -> list[dict[str, Any]]:
    problem = salib_problem(sens)
    if sens.method == "morris":
        from SALib.sample import morris

        design = morris.sample(problem, sens.samples, seed=seed)
    else:
        from SALib.sample import sobol

        design = sobol.sample(problem, sens.samples, seed=seed)
    points = []
    for i, row in enumerate(design):
        point = _typed(dict(zip(problem["names"], row)), sens.parameters)
        point["sample"] = i
        points.append(point)
    return points


def _typed(point: dict[str, Any], ranges: dict[str, Range]) -> dict[str, Any]:
    out = {}
    for name, value in point.items():
        if isinstance(value, np.generic):
            value = value.item()
        if ranges[name].integer and isinstance(value, float):
            value = int(round(value))
        out[name] = value
    return out


def run_id(arm: str, replication: int, scenario: dict[str, Any], seed: int) -> str:
    digest = hashlib.sha256(
        json.dumps({"scenario": scenario, "seed": seed}, sort_keys=True, default=str).encode()
    ).hexdigest()
    return f"{arm}-r{replication:03d}-{digest[:10]}"


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment file (not yet expanded)."""
    path = Path(path)
    data = read_yaml(path)
    data.setdefault("name", path.stem)
    try:
        return Experiment.model_validate(data)
    except ValidationError as exc:
        raise pydantic_error(exc, str(path), Experiment) from None


def expand(exp: Experiment, file: str | Path) -> list[RunSpec]:
    """Every run of the experiment, each validated; a bad one fails the whole batch up front."""
    file = str(file)
    scenario_path = (Path(file).parent / exp.scenario).resolve()
    if not scenario_path.is_file():
        raise ConfigError(file, "scenario", f"file not found: {exp.scenario}")
    base = read_with_extends(scenario_path)
    own = read_yaml(scenario_path)
    base.setdefault("name", own.get("name", scenario_path.stem))
    try:
        points = design_points(exp)
    except ValueError as exc:
        raise ConfigError(file, "sweep", str(exc)) from None
    base_policies = len(base.get("policies", []))
    specs = []
    for i, arm in enumerate(exp.arms):
        for point in points:
            data = json.loads(json.dumps(base))
            swept = {k: v for k, v in point.items() if k != "sample"}
            for overrides in (exp.set, arm.set, swept):
                for key, value in overrides.items():
                    set_dotted(data, key, value, file)
            data["policies"] = list(data.get("policies") or []) + arm.policies
            try:
                scenario = scenario_from_dict(data, file)
            except ConfigError as err:
                raise _locate(err, file, exp, i, point, base_policies) from None
            resolved = scenario.model_dump(mode="json")
            for r in range(exp.replications):
                seed = replication_seed(exp.seed, r)
                specs.append(
                    RunSpec(run_id(arm.name, r, resolved, seed), arm.name, r, seed, point, resolved)
                )
    return specs


def _locate(
    err: ConfigError,
    file: str,
    exp: Experiment,
    arm_index: int,
    point: dict[str, Any],
    base_policies: int,
) -> ConfigError:
    """Re-express a scenario error at the experiment option that caused it."""
    path = err.path
    arm = exp.arms[arm_index]
    for prefix, overrides in (
        (f"arms.{arm_index}.set", arm.set),
        ("sweep.parameters" if exp.sweep else "sensitivity.parameters", point),
        ("set", exp.set),
    ):
        for key in overrides:
            if path == key or path.startswith(key + "."):
                return ConfigError(file, f"{prefix}.{path}", err.message)
    if path.startswith("policies."):
        index, _, rest = path[len("policies.") :].partition(".")
        if index.isdigit() and int(index) >= base_policies:
            where = f"arms.{arm_index}.policies.{int(index) - base_policies}"
            return ConfigError(file, f"{where}.{rest}" if rest else where, err.message)
    return ConfigError(file, f"scenario: {path}", err.message)


def resolved_experiment(exp: Experiment, file: str | Path) -> dict[str, Any]:
    """The experiment as written to ``DIR/experiment.yaml`` (with the SALib problem, if any)."""
    data = exp.model_dump(mode="json", exclude_none=True)
    data["scenario"] = str(Path(exp.scenario))
    data["experiment_file"] = str(file)
    if exp.sensitivity is not None:
        data["sensitivity"]["problem"] = salib_problem(exp.sensitivity)
    return data
