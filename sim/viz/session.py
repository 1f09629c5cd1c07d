"""Control values → a validated scenario → a model, and the runs a browser session compares.

The control values are a mapping ``scenario path → value`` (only what differs from the scenario
file; see :mod:`sim.viz.controls`). :func:`build_scenario` turns them into ``--set`` overrides of
the file and loads it with :func:`sim.config.load_scenario`, so every value goes through the
same validation as a scenario file. *Reset* creates a :class:`VizModel` from the values; it
reports itself to the session's :class:`RunHistory`, which keeps the last run with other
settings for the comparison chart.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.config import Scenario, load_scenario, read_with_extends
from sim.errors import ConfigError
from sim.model import MSMEModel
from sim.viz.controls import RUN_PATHS, app_scenario, has_budget, policy_names


def _check_paths(file: str, controls: Mapping[str, Any]) -> None:
    """Each control path is a run setting, a rule setting or a registered policy."""
    policies = set(policy_names())
    for path in controls:
        parts = path.split(".")
        if path in RUN_PATHS or (parts[0] == "rules" and len(parts) == 3):
            continue
        if parts[0] == "policies" and len(parts) in (2, 3) and parts[1] in policies:
            if len(parts) == 2 or (parts[2] == "budget_idr" and has_budget(parts[1])):
                continue
        allowed = ", ".join([*RUN_PATHS, "rules.<mechanism>.<setting>", "policies.<policy>"])
        raise ConfigError(file, path, f"unknown control (available: {allowed})")


def build_scenario(
    scenario_path: str | Path, controls: Mapping[str, Any] | None = None
) -> Scenario:
    """The scenario file with the control values applied, validated by ``load_scenario``.

    ``controls`` maps scenario paths to values: ``{"firms.count": 300,
    "rules.partnering.use": "random", "rules.market.enabled": False,
    "policies.digital_training": True, "policies.digital_training.budget_idr": 2.5e9}``. A
    switched-on policy replaces the file's entries of that policy with one entry (the file's
    first one, if any, with the budget of the control); switched off, it is removed.
    """
    path = str(scenario_path)
    controls = dict(controls or {})
    _check_paths(path, controls)
    policy = {k for k in controls if k.startswith("policies.")}
    overrides = [f"{k}={json.dumps(v)}" for k, v in controls.items() if k not in policy]
    switched = sorted({k.split(".")[1] for k in policy})
    if switched:
        policies = _policies(read_with_extends(path).get("policies") or [], switched, controls)
        overrides.append(f"policies={json.dumps(policies)}")
    return load_scenario(path, overrides)


def problem(scenario_path: str | Path, controls: Mapping[str, Any]) -> str | None:
    """Why the control values do not make a valid scenario (the one-line error), or None."""
    try:
        build_scenario(scenario_path, controls)
    except ConfigError as err:
        return str(err)
    return None


def _policies(existing: list, switched: list[str], controls: Mapping[str, Any]) -> list:
    """The file's policy entries with the switched policies replaced as the controls say."""

    def use(entry) -> Any:
        return entry.get("use") if isinstance(entry, Mapping) else None

    out = [entry for entry in existing if use(entry) not in switched]
    for name in switched:
        present = any(use(e) == name for e in existing)
        if not controls.get(f"policies.{name}", present):
            continue
        entry = dict(next((e for e in existing if use(e) == name), {"use": name}))
        if f"policies.{name}.budget_idr" in controls:
            entry["budget_idr"] = float(controls[f"policies.{name}.budget_idr"])
        out.append(entry)
    return out


@dataclass
class Run:
    """A model and the control values it was built from."""

    controls: dict[str, Any]
    model: MSMEModel


@dataclass
class RunHistory:
    """The current run and the last run whose settings differed (one per browser session)."""

    current: Run | None = None
    previous: Run | None = None

    def started(self, model: MSMEModel, controls: Mapping[str, Any]) -> None:
        """Record a new run; the current one becomes the previous if its settings differ."""
        controls = dict(controls)
        if self.current is not None and self.current.controls != controls:
            self.previous = self.current
        self.current = Run(controls, model)

    def changes(self) -> list[str]:
        """What differs between the previous and the current settings, one ``path: a → b`` each."""
        if self.current is None or self.previous is None:
            return []
        new, old = self.current, self.previous
        keys = sorted(set(new.controls) | set(old.controls))
        pairs = [(key, setting(old, key), setting(new, key)) for key in keys]
        return [f"{key}: {a} → {b}" for key, a, b in pairs if a != b]


def setting(run: Run, path: str) -> Any:
    """The value of control ``path`` in ``run``: the control's, else the scenario's."""
    if path in run.controls:
        return run.controls[path]
    scenario = run.model.scenario
    parts = path.split(".")
    if parts[0] == "policies":
        entries = [p for p in scenario.policies if p["use"] == parts[1]]
        return (entries[0]["budget_idr"] if entries else None) if len(parts) == 3 else bool(entries)
    data: Any = scenario.model_dump()
    for part in parts:
        data = data[part]
    return data


class VizModel(MSMEModel):
    """An :class:`MSMEModel` built from a scenario file and control values.

    It stops (``running = False``) at the scenario's horizon, which greys out *Play* and *Step*.
    ``runs`` (the session's :class:`RunHistory`) is told about every new model.
    """

    def __init__(
        self,
        scenario_path: str | Path | None = None,
        controls: Mapping[str, Any] | None = None,
        runs: RunHistory | None = None,
        **kwargs: Any,
    ):
        # SolaraViz requires a catch-all named ``kwargs``; no other keyword is a control.
        if kwargs:
            raise ConfigError(str(scenario_path), next(iter(kwargs)), "unknown model argument")
        self.scenario_path = Path(scenario_path) if scenario_path else app_scenario()
        self.controls = dict(controls or {})
        super().__init__(build_scenario(self.scenario_path, self.controls))
        self.runs = runs if runs is not None else RunHistory()
        self.runs.started(self, self.controls)

    def step(self) -> None:
        super().step()
        self.running = self.month < self.scenario.months


def build_model(
    scenario_path: str | Path | None = None, controls: Mapping[str, Any] | None = None
) -> VizModel:
    """A model from a scenario file and control values, e.g.
    ``build_model(p, {"firms.count": 500, "rules.market.enabled": False})``."""
    return VizModel(scenario_path, controls)
