"""Calibration files: which parameters to fit, to which observed targets, with what budget.

```yaml
name: indonesia                          # default: the file's stem
scenario: ../scenarios/baseline.yaml     # relative to this file
set: {months: 36, firms.count: 300}      # applied to every run
parameters:                              # fitted, each searched uniformly in [low, high]
  firms.cash_months: {low: 0.5, high: 4.0}
targets:                                 # fitted: the distance sums their squared z-scores
  - {outcome: digital_share, month: 24, value: 0.41, sd: 0.02, source: "..."}
  - {outcome: survival_rate, months: [13, 24], value: 0.8, sd: 0.05, source: "..."}
holdout:                                 # reported, never fitted (same keys)
  - {outcome: revenue_loss_share, months: [13, 16], statistic: max, value: 0.842, sd: 0.05,
     scenario: ../scenarios/covid_collaboration.yaml, source: "BPS 2020"}
seeds: 3                                 # runs per evaluation (seed-mean of each target)
seed: 2026                               # seeds of the runs and of the sampler
trials: 40                               # the search budget
accept: 0.2                              # ensemble: the best 20% of trials (or max_distance:)
```
A target may name its own ``scenario:`` (relative to this file) and ``set:``; targets with the
same scenario and overrides share their runs. ``month`` counts from 1 (month 1 is the first
simulated month); ``months: [a, b]`` takes the ``statistic`` (mean or max) over a..b inclusive.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from sim.config import SLUG, Section, pydantic_error, read_yaml, scenario_from_dict, set_dotted
from sim.errors import ConfigError
from sim.runner.experiment import MAX_REPLICATIONS
from sim.runner.plan import base_scenario
from sim.runner.seeds import config_hash
from sim.yamlfile import check_yaml_name

MAX_TRIALS = 100_000


class Bounds(Section):
    """A fitted parameter's search range."""

    low: float
    high: float
    log: bool = False

    @model_validator(mode="after")
    def _ordered(self):
        if not self.low < self.high:
            raise ValueError("low must be below high")
        if self.log and self.low <= 0:
            raise ValueError("a log range needs low > 0")
        return self


class Target(Section):
    """One observed statistic: an outcome in a month (or a window of months) with its sd."""

    outcome: str = Field(min_length=1)
    name: str = ""
    month: int | None = Field(None, ge=1)
    months: list[int] | None = Field(None, min_length=2, max_length=2)
    statistic: Literal["mean", "max"] = "mean"
    value: float
    sd: float = Field(gt=0)
    source: str = Field(min_length=1)
    scenario: str | None = None
    set: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_window(self):
        if (self.month is None) == (self.months is None):
            raise ValueError("give either month: or months: [first, last]")
        if self.months is not None and not 1 <= self.months[0] <= self.months[1]:
            raise ValueError("months: [first, last] needs 1 <= first <= last")
        return self

    @property
    def window(self) -> tuple[int, int]:
        """First and last month (1-based, inclusive)."""
        if self.months is not None:
            return self.months[0], self.months[1]
        return self.month, self.month

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        first, last = self.window
        when = f"m{first}" if first == last else f"m{first}-{last}"
        return f"{self.outcome}@{when}" + ("" if self.statistic == "mean" else f".{self.statistic}")


class Calibration(Section):
    """A validated calibration file (before its scenarios are checked)."""

    name: str = Field("calibration", pattern=SLUG)
    description: str = ""
    scenario: str = Field(min_length=1)
    set: dict[str, Any] = Field(default_factory=dict)
    parameters: dict[str, Bounds] = Field(min_length=1)
    targets: list[Target] = Field(min_length=1)
    holdout: list[Target] = Field(default_factory=list)
    seeds: int = Field(3, ge=1, le=MAX_REPLICATIONS)
    seed: int = Field(2026, ge=0, le=2**63 - 1)
    trials: int = Field(40, ge=1, le=MAX_TRIALS)
    accept: float = Field(0.2, gt=0, le=1, description="ensemble: the best share of trials")
    max_distance: float | None = Field(None, gt=0, description="ensemble: or a distance cutoff")


class Context:
    """A scenario the targets are measured in: its mapping (file and overrides merged), and,
    once validated, its outcome names, months and config hash."""

    def __init__(self, key: str, data: dict[str, Any], where: str):
        self.key, self.data, self.where = key, data, where
        self.outcomes: set[str] = set()
        self.months = 0
        self.digest = ""

    def with_values(self, values: Mapping[str, float], file: str) -> dict[str, Any]:
        """A copy of the scenario mapping with the fitted ``values`` set."""
        data = copy.deepcopy(self.data)
        for path, value in values.items():
            set_dotted(data, path, value, file)
        return data


class Spec:
    """A calibration ready to run: the file's options, its scenario contexts and targets."""

    def __init__(self, cal: Calibration, file: str):
        self.cal, self.file = cal, file
        self.scenario_file = _resolve(file, cal.scenario, "scenario")
        self.contexts: dict[str, Context] = {}
        self.target_context: dict[str, str] = {}  # target label -> context key
        for group in ("targets", "holdout"):
            for i, target in enumerate(getattr(cal, group)):
                self._add_target(group, i, target)
        self._check_parameters()

    @property
    def targets(self) -> list[Target]:
        return self.cal.targets

    @property
    def holdout(self) -> list[Target]:
        return self.cal.holdout

    def contexts_of(self, targets: list[Target]) -> list[Context]:
        keys = dict.fromkeys(self.target_context[t.label] for t in targets)
        return [self.contexts[k] for k in keys]

    def _add_target(self, group: str, i: int, target: Target) -> None:
        where = f"{group}.{i}"
        if target.label in self.target_context:
            raise ConfigError(self.file, f"{where}.name", f"duplicate target {target.label!r}")
        path = self.scenario_file
        if target.scenario is not None:
            path = _resolve(self.file, target.scenario, f"{where}.scenario")
        key = f"{path}|{sorted(target.set.items())!r}"
        if key not in self.contexts:
            data = base_scenario(path)
            layers = (("set", self.cal.set), (f"{where}.set", target.set))
            for option, items in layers:
                for dotted, value in items.items():
                    _set(data, dotted, value, self.file, f"{option}.{dotted}")
            context = Context(key, data, where)
            scenario = _validate(data, self.file, where, layers)
            context.outcomes = _outcome_names(scenario)
            context.digest = config_hash(scenario.model_dump(mode="json"))
            context.months = scenario.months
            self.contexts[key] = context
        context = self.contexts[key]
        if target.outcome not in context.outcomes:
            known = ", ".join(sorted(context.outcomes))
            raise ConfigError(
                self.file,
                f"{where}.outcome",
                f"unknown outcome {target.outcome!r} (available: {known})",
            )
        if target.window[1] > context.months:
            raise ConfigError(
                self.file,
                f"{where}.{'month' if target.month is not None else 'months'}",
                f"month {target.window[1]} is past the scenario's {context.months} months",
            )
        self.target_context[target.label] = key

    def _check_parameters(self) -> None:
        """Every fitted path exists in every scenario and takes both ends of its range."""
        for path, bounds in self.cal.parameters.items():
            where = f"parameters.{path}"
            for context in self.contexts.values():
                for value in (bounds.low, bounds.high):
                    data = copy.deepcopy(context.data)
                    _set(data, path, value, self.file, where)
                    try:
                        scenario = scenario_from_dict(data, self.file)
                    except ConfigError as err:
                        raise ConfigError(self.file, where, err.message) from None
                    found = _get(scenario.model_dump(mode="json"), path)
                    if isinstance(found, bool) or not isinstance(found, int | float):
                        raise ConfigError(self.file, where, "not a numeric scenario option")


def load_calibration(source: str | Path | Mapping[str, Any], file: str | None = None) -> Spec:
    """Read and validate a calibration file (or a mapping with its keys; relative paths then
    resolve from the current folder). Errors are one-line ConfigErrors naming the option."""
    if isinstance(source, Mapping):
        data, file = dict(source), file or "<calibration>"
    else:
        data, file = read_yaml(source), file or str(source)
        data.setdefault("name", Path(source).stem)
    try:
        cal = Calibration.model_validate(data)
    except ValidationError as exc:
        raise pydantic_error(exc, file, Calibration) from None
    check_yaml_name(file, "scenario", cal.scenario)
    return Spec(cal, file)


def _resolve(file: str, relative: str, where: str) -> Path:
    base = Path(file).parent if not file.startswith("<") else Path.cwd()
    path = (base / relative).resolve()
    if not path.is_file():
        raise ConfigError(file, where, f"file not found: {relative}")
    return path


def _set(data: dict[str, Any], dotted: str, value: Any, file: str, where: str) -> None:
    try:
        set_dotted(data, dotted, copy.deepcopy(value), file)
    except ConfigError as err:
        raise ConfigError(file, where, err.message) from None


def _validate(data: dict[str, Any], file: str, where: str, layers) -> Any:
    """The validated scenario; an error is named at the ``set:`` option that caused it, else
    at the scenario of the target ``where``."""
    try:
        return scenario_from_dict(data, file)
    except ConfigError as err:
        for option, items in reversed(layers):
            for dotted in items:
                if err.path == dotted or err.path.startswith(dotted + "."):
                    raise ConfigError(file, f"{option}.{err.path}", err.message) from None
        raise ConfigError(file, f"{where}: scenario: {err.path}", err.message) from None


def _get(data: Any, dotted: str) -> Any:
    node = data
    for part in dotted.split("."):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    return node


def _outcome_names(scenario) -> set[str]:
    from sim import catalogue

    return set(catalogue.outcomes(scenario))
