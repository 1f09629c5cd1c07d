"""The interactive controls: slider and switch values → a validated scenario → a model.

SolaraViz re-creates the model on *Reset* by calling the model class with the control values as
keyword arguments. :class:`VizModel` turns them into dotted ``--set`` overrides of the scenario
file and loads it with :func:`sim.config.load_scenario`, so every value goes through the same
validation as a scenario file. Mechanism switches come from the built-ins of
:data:`sim.rules.MECHANISMS` and policy switches from :data:`sim.interventions.POLICIES`, so
mechanisms and policies registered later get their controls without changes here.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.config import Scenario, load_scenario, read_with_extends
from sim.errors import ConfigError
from sim.interventions import POLICIES
from sim.model import MSMEModel
from sim.registry import keyword_params
from sim.rules import MECHANISMS

SCENARIO_ENV = "MSME_SIM_VIZ_SCENARIO"
"""Environment variable through which ``msme-sim viz`` passes the scenario file to the app."""
DEFAULT_SCENARIOS = ("sidoarjo_whatsapp.yaml", "baseline.yaml")
REPO_SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
BILLION = 1e9


@dataclass(frozen=True)
class Knob:
    """A slider for one scenario option (``path``); its range is a UI choice, not a default."""

    name: str
    path: str
    label: str
    min: float
    max: float
    step: float
    integer: bool = False


KNOBS = (
    Knob("seed", "seed", "Seed", 0, 999, 1, integer=True),
    Knob("firms", "firms.count", "Firms", 50, 5000, 50, integer=True),
    Knob("months", "months", "Horizon (months)", 12, 240, 12, integer=True),
    Knob("literacy", "firms.literacy_mean", "Owner digital literacy (mean, 0-1)", 0.0, 1.0, 0.01),
    Knob("coverage", "connectivity.coverage_mean", "Mobile coverage (mean share)", 0.0, 1.0, 0.01),
    Knob(
        "data_price",
        "connectivity.data_price_idr_per_gb",
        "Data price (Rp/GB)",
        0,
        60000,
        1000,
        integer=True,
    ),
)
BUDGET_MAX_BILLION = 20.0  # slider range for policy budgets, Rp billion (UI choice)


def default_scenario() -> Path:
    """``scenarios/sidoarjo_whatsapp.yaml`` if it exists, else ``scenarios/baseline.yaml``.

    Looks in ``./scenarios`` first, then in the source tree's ``scenarios/``.
    """
    for folder in (Path("scenarios"), REPO_SCENARIOS):
        for name in DEFAULT_SCENARIOS:
            if (folder / name).is_file():
                return folder / name
    return Path("scenarios") / DEFAULT_SCENARIOS[-1]


def app_scenario() -> Path:
    """The scenario the app shows: ``$MSME_SIM_VIZ_SCENARIO`` or :func:`default_scenario`."""
    return Path(os.environ.get(SCENARIO_ENV) or default_scenario())


def mechanism_names() -> list[str]:
    """The built-in mechanisms (each gets an on/off switch)."""
    return sorted(name for name, mech in MECHANISMS.items() if mech.builtin)


def policy_names() -> list[str]:
    return POLICIES.names()


def has_budget(policy: str) -> bool:
    return "budget_idr" in keyword_params(POLICIES.get(policy))


def control_names() -> list[str]:
    """Every keyword :class:`VizModel` accepts besides ``scenario_path``."""
    names = [k.name for k in KNOBS]
    names += [f"{m}_on" for m in mechanism_names()]
    for p in policy_names():
        names.append(f"{p}_on")
        if has_budget(p):
            names.append(f"{p}_budget")
    return names


def _dotted(data: Mapping[str, Any], path: str) -> Any:
    for part in path.split("."):
        data = data[part]
    return data


def _override(knob: Knob, value: Any) -> str:
    value = int(round(value)) if knob.integer else float(value)
    return f"{knob.path}={value!r}"


def build_scenario(scenario_path: str | Path, **controls: Any) -> Scenario:
    """The scenario file with the control values applied, validated by ``load_scenario``.

    ``controls`` are knob values (``firms=800, literacy=0.5, ...``), mechanism switches
    (``market_on=False``) and policy controls (``<policy>_on=True``, ``<policy>_budget=2.5`` in
    Rp billion). A switched-on policy replaces the file's entries of that policy with one entry
    (the file's first one, if any, with the budget from the slider); switched off, it is removed.
    """
    path = str(scenario_path)
    unknown = sorted(set(controls) - set(control_names()))
    if unknown:
        allowed = ", ".join(control_names())
        raise ConfigError(path, unknown[0], f"unknown control (available: {allowed})")
    overrides = [_override(k, controls[k.name]) for k in KNOBS if k.name in controls]
    for mech in mechanism_names():
        if f"{mech}_on" in controls:
            overrides.append(f"rules.{mech}.enabled={str(bool(controls[f'{mech}_on'])).lower()}")
    switched = [p for p in policy_names() if f"{p}_on" in controls]
    if switched:
        policies = _policies(read_with_extends(path).get("policies") or [], switched, controls)
        overrides.append(f"policies={json.dumps(policies)}")
    return load_scenario(path, overrides)


def _policies(existing: list, switched: list[str], controls: Mapping[str, Any]) -> list:
    """The file's policy entries with the switched policies replaced as the controls say."""

    def use(entry) -> Any:
        return entry.get("use") if isinstance(entry, Mapping) else None

    out = [entry for entry in existing if use(entry) not in switched]
    for name in switched:
        if not controls[f"{name}_on"]:
            continue
        entry = dict(next((e for e in existing if use(e) == name), {"use": name}))
        if f"{name}_budget" in controls:
            entry["budget_idr"] = float(controls[f"{name}_budget"]) * BILLION
        out.append(entry)
    return out


def model_params(scenario_path: str | Path) -> dict[str, Any]:
    """SolaraViz ``model_params``: one input per control, starting at the scenario's values."""
    scenario = load_scenario(scenario_path)
    data = scenario.model_dump()
    params: dict[str, Any] = {"scenario_path": str(scenario_path)}
    for k in KNOBS:
        value = _dotted(data, k.path)
        params[k.name] = {
            "type": "SliderInt" if k.integer else "SliderFloat",
            "label": k.label,
            "value": int(value) if k.integer else float(value),
            "min": min(k.min, value),
            "max": max(k.max, value),
            "step": k.step,
        }
    for mech in mechanism_names():
        params[f"{mech}_on"] = {
            "type": "Checkbox",
            "label": f"Mechanism: {mech.replace('_', ' ')}",
            "value": bool(scenario.rules[mech]["enabled"]),
        }
    for name in policy_names():
        own = [p for p in scenario.policies if p["use"] == name]
        params[f"{name}_on"] = {
            "type": "Checkbox",
            "label": f"Policy: {name.replace('_', ' ')}",
            "value": bool(own),
        }
        if has_budget(name):
            budget = (own[0] if own else keyword_params(POLICIES.get(name)))["budget_idr"]
            billions = float(budget or 0) / BILLION or 1.0
            params[f"{name}_budget"] = {
                "type": "SliderFloat",
                "label": f"{name.replace('_', ' ')} budget (Rp billion)",
                "value": billions,
                "min": 0.0,
                "max": max(BUDGET_MAX_BILLION, billions),
                "step": 0.5,
            }
    return params


class VizModel(MSMEModel):
    """An :class:`MSMEModel` built from a scenario file and control values (keyword arguments).

    It stops (``running = False``) at the scenario's horizon, which greys out *Play* and *Step*.
    """

    def __init__(self, scenario_path: str | Path | None = None, **kwargs: Any):
        # SolaraViz requires a catch-all named ``kwargs``; these are the control values.
        self.scenario_path = Path(scenario_path) if scenario_path else app_scenario()
        super().__init__(build_scenario(self.scenario_path, **kwargs))

    def step(self) -> None:
        super().step()
        self.running = self.month < self.scenario.months


def build_model(scenario_path: str | Path | None = None, **controls: Any) -> VizModel:
    """A model from a scenario file and control values, e.g. ``build_model(p, firms=500)``."""
    return VizModel(scenario_path, **controls)
