"""An experiment expanded into runs: arm × design point × replication, each validated up front.

The plan keeps one small :class:`RunSpec` per run (ids, seed, point index); the scenario of a
run is rebuilt on demand (:meth:`Plan.scenario`), so the memory of a batch does not grow with
the size of a sweep. Every (arm, point) is validated before the first run starts; an error names
the experiment option that caused it, e.g. ``x.yaml: arms.2.set.firms.count: ...``.
"""

from __future__ import annotations

import copy
import json
import os
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sim.config import (
    picks_variant,
    read_with_extends,
    read_yaml,
    scenario_from_dict,
    set_dotted,
)
from sim.errors import ConfigError
from sim.runner.experiment import Experiment, design_points
from sim.runner.seeds import config_hash, replication_seed, run_id

#: Design-point columns that index a design rather than set a parameter.
DESIGN_INDEX = ("sample", "parameter_set")


@dataclass(frozen=True, slots=True)
class RunSpec:
    """One run: its id, arm, replication, seed, design point (index) and config hash."""

    run_id: str
    arm: str
    replication: int
    seed: int
    point: int
    config_hash: str


class Plan(Sequence):
    """The runs of an experiment, in a fixed order (arm, then design point, then replication)."""

    def __init__(self, exp: Experiment, file: str | Path):
        self.experiment, self.file = exp, str(file)
        self.scenario_file = (Path(self.file).parent / exp.scenario).resolve()
        if not self.scenario_file.is_file():
            raise ConfigError(self.file, "scenario", f"file not found: {exp.scenario}")
        self.base = base_scenario(self.scenario_file)
        self.points = design_points(exp, self.file)
        self.arm_index = {arm.name: i for i, arm in enumerate(exp.arms)}
        self._cache: tuple[tuple[int, int], dict[str, Any]] | None = None
        self.specs: list[RunSpec] = []
        self.outcomes: dict[str, Any] = {}  # the union of the runs' outcome catalogues
        self.warnings: list[str] = []  # budgets the arms' policies cannot spend (one line each)
        for i, arm in enumerate(exp.arms):
            for j in range(len(self.points)):
                resolved = self._validate(i, j, collect=j == 0)
                digest = config_hash(resolved)
                point = f"-p{j:04d}" if self.design else ""
                for r in range(exp.replications):
                    seed = replication_seed(exp.seed, r)
                    rid = run_id(f"{arm.name}{point}-r{r:03d}", digest, seed)
                    self.specs.append(RunSpec(rid, arm.name, r, seed, j, digest))
        for i, name in enumerate(exp.outcomes):
            one = len(exp.outcomes) == 1
            check_outcome(name, self.file, "outcome" if one else f"outcomes.{i}")

    # --- Sequence -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.specs)

    def __getitem__(self, index):
        return self.specs[index]

    @property
    def design(self) -> bool:
        """True when the experiment has a sweep, sensitivity or uncertainty design."""
        exp = self.experiment
        return any(d is not None for d in (exp.sweep, exp.sensitivity, exp.uncertainties))

    # --- scenarios ------------------------------------------------------------------------------
    def overrides(self, arm: int, point: int) -> list[tuple[str, str, Any]]:
        """``(where, dotted.path, value)`` in the order they apply: experiment, arm, design."""
        exp = self.experiment
        design = (
            "sweep.parameters"
            if exp.sweep is not None
            else "uncertainties"
            if exp.uncertainties is not None
            else "sensitivity.parameters"
        )
        swept = {k: v for k, v in self.points[point].items() if k not in DESIGN_INDEX}
        layers = (("set", exp.set), (f"arms.{arm}.set", exp.arms[arm].set), (design, swept))
        out = []
        for where, items in layers:
            for key, value in sorted(items.items(), key=lambda item: not picks_variant(item[0])):
                if key == "plugins" and isinstance(value, list):  # relative to the experiment file
                    value = locate_all(value, self.file, f"{where}.plugins")
                out.append((where, key, value))
        return out

    def raw(self, arm: int, point: int) -> dict[str, Any]:
        """The scenario mapping of (arm, point) before validation (shared: do not modify)."""
        if self._cache is None or self._cache[0] != (arm, point):
            data = copy.deepcopy(self.base)
            for where, key, value in self.overrides(arm, point):
                try:
                    set_dotted(data, key, copy.deepcopy(value), self.file)
                except ConfigError as err:
                    raise ConfigError(self.file, f"{where}.{err.path}", err.message) from None
            data["policies"] = list(data.get("policies") or []) + self.experiment.arms[arm].policies
            self._cache = ((arm, point), data)
        return self._cache[1]

    def scenario(self, spec: RunSpec) -> dict[str, Any]:
        """The scenario mapping of a run (what its worker validates and runs)."""
        return self.raw(self.arm_index[spec.arm], spec.point)

    def _validate(self, arm: int, point: int, collect: bool = False) -> dict[str, Any]:
        """The validated scenario of (arm, point); ``collect`` adds its outcomes to
        :attr:`outcomes` (design points share their arm's units, so one point per arm does)."""
        from sim import catalogue

        data = self.raw(arm, point)
        own = len(self.experiment.arms[arm].policies)
        try:
            scenario = scenario_from_dict(data, self.file)
        except ConfigError as err:
            raise self._locate(err, arm, point, len(data["policies"]) - own) from None
        if collect:
            for name, (outcome, _) in catalogue.outcomes(scenario).items():
                self.outcomes.setdefault(name, outcome)
            self._check_budgets(scenario, arm, len(data["policies"]) - own)
        return scenario.model_dump(mode="json")

    def _check_budgets(self, scenario, arm: int, base_policies: int) -> None:
        """Add a warning for each policy of the arm whose budget cannot be spent on its target
        (judged at the first design point), at the experiment option that set it."""
        from sim.budgets import unspendable, warning

        for i, budget, most in unspendable(scenario):
            name = scenario.policies[i]["use"]
            if i >= base_policies:
                path = f"arms.{arm}.policies.{i - base_policies}.budget_idr"
            else:
                path = f"scenario: {self.experiment.scenario}: policies.{i}.budget_idr"
            self.warnings.append(warning(self.file, path, name, budget, most))

    def _locate(self, err: ConfigError, arm: int, point: int, base_policies: int) -> ConfigError:
        """Re-express a scenario error at the experiment option that caused it."""
        path = err.path
        for where, key, _ in reversed(self.overrides(arm, point)):
            if path == key or path.startswith(key + "."):
                return ConfigError(self.file, f"{where}.{path}", err.message)
        head, _, rest = path.partition(".")
        index, _, tail = rest.partition(".")
        if head == "policies" and index.isdigit() and int(index) >= base_policies:
            where = f"arms.{arm}.policies.{int(index) - base_policies}"
            return ConfigError(self.file, f"{where}.{tail}" if tail else where, err.message)
        return ConfigError(self.file, f"scenario: {self.experiment.scenario}: {path}", err.message)

    # --- records and reruns ---------------------------------------------------------------------
    def columns(self, spec: RunSpec) -> dict[str, Any]:
        """The design columns of a run: swept or uncertain values by dotted path (and
        ``sample`` or ``parameter_set``); a list or mapping value is written as JSON text."""
        return {
            k: json.dumps(v, sort_keys=True) if isinstance(v, list | dict) else v
            for k, v in self.points[spec.point].items()
        }

    def rerun_command(self, spec: RunSpec) -> str:
        """The ``msme-sim run`` command that reruns this one run alone, with the same results."""
        arm = self.arm_index[spec.arm]
        parts = ["msme-sim", "run", _display(self.scenario_file), "--seed", str(spec.seed)]
        for _, key, value in self.overrides(arm, spec.point):
            parts += ["--set", f"{key}={_yaml_value(value)}"]
        if self.experiment.arms[arm].policies:
            parts += ["--set", f"policies={_yaml_value(self.raw(arm, spec.point)['policies'])}"]
        return shlex.join(parts)


def expand(exp: Experiment, file: str | Path) -> Plan:
    """Every run of the experiment, validated; a bad one fails the whole batch up front."""
    return Plan(exp, file)


def base_scenario(path: Path) -> dict[str, Any]:
    """The scenario file's options (``extends:`` merged), named and with absolute plugin paths,
    as ``msme-sim run`` would read them."""
    data = read_with_extends(path)
    if "name" not in read_yaml(path):
        data["name"] = path.stem
    plugins = data.get("plugins")
    if isinstance(plugins, list):
        data["plugins"] = locate_all(plugins, str(path), "plugins")
    return data


def locate_all(items: list, file: str, where: str) -> list[str]:
    """Plugin entries as absolute paths (files) or module names, checked by sim.plugins."""
    from sim.plugins import locate

    return [locate(item, file, f"{where}.{i}") for i, item in enumerate(items)]


def check_outcome(name: str, file: str, where: str = "outcome") -> None:
    """An outcome the experiment asks about must be a summary key (a declared outcome)."""
    from sim.catalogue import builtin_outcomes

    outcomes = builtin_outcomes()
    if name not in outcomes:
        known = ", ".join(sorted(outcomes))
        raise ConfigError(file, where, f"unknown outcome {name!r} (available: {known})")


def _yaml_value(value: Any) -> str:
    text = yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=10**9)
    return text.strip().removesuffix("...").strip()


def _display(path: Path) -> str:
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else relative
