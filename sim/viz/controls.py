"""The app's controls, generated from the parameter table and the registries (no web dependency).

Every control sets one scenario path: ``firms.count``, ``rules.<mechanism>.enabled`` (switch),
``rules.<mechanism>.use`` (variant picker), ``rules.<mechanism>.<parameter>`` (slider, checkbox
or choice) and ``policies.<policy>`` / ``policies.<policy>.budget_idr`` (switch and budget).
They are grouped into panels (:class:`Group`): the run, one per mechanism of the scenario (its
plugins' mechanisms and variants included) and one per registered policy. Units, descriptions
and ranges come from the parameter table (:data:`sim.params.TABLE`), so a mechanism, variant or
policy registered later gets its controls without changes here.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.config import Scenario
from sim.interventions import POLICIES
from sim.params import MAX_COUNT, MAX_IDR, MAX_MONTHS, MAX_OTHER, TABLE, Param
from sim.registry import keyword_params
from sim.rules import MECHANISMS

SCENARIO_ENV = "MSME_SIM_VIZ_SCENARIO"
"""Environment variable through which ``msme-sim viz`` passes the scenario file to the app."""
DEFAULT_SCENARIOS = ("sidoarjo_whatsapp.yaml", "baseline.yaml")
REPO_SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
BILLION = 1e9

# Slider ranges are a UI choice inside the declared range. Where the table only sets a safety
# ceiling (Rp 10^15, 1,200 months, ...) a slider up to it would be unusable: it then spans the
# lower bound to SPAN × the scenario's value; larger values go in the scenario file.
SPAN = 5.0
CEILINGS = (MAX_IDR, MAX_MONTHS, MAX_COUNT, MAX_OTHER)
SLIDER_STEPS = 100
RUN_PATHS = {  # the run's own sliders: scenario path → (label, UI minimum, UI maximum)
    "seed": ("Seed", 0, 999),
    "firms.count": ("Firms", 50, 5000),
    "months": ("Horizon", 12, 240),
    "firms.literacy_mean": ("Owner digital literacy (mean)", 0.0, 1.0),
    "connectivity.coverage_mean": ("Mobile coverage (mean)", 0.0, 1.0),
    "connectivity.data_price_idr_per_gb": ("Data price", 0, 60000),
}
BUDGET_MAX_BILLION = 20.0  # slider range for policy budgets, Rp billion (UI choice)


@dataclass(frozen=True)
class Control:
    """One input: the scenario ``path`` it sets, its ``kind`` (``int``, ``float``, ``bool`` or
    ``choice``), its starting ``value`` and what the panel shows. A slider shows
    ``value / scale`` in ``unit`` (policy budgets: Rp billion)."""

    path: str
    label: str
    kind: str
    value: Any
    unit: str = ""
    doc: str = ""
    min: float = 0.0
    max: float = 1.0
    step: float = 1.0
    choices: tuple[str, ...] = ()
    scale: float = 1.0

    def shown(self, value: Any) -> str:
        """The value as the panel prints it, with its unit (``0.03 1/year``)."""
        if self.kind in ("bool", "choice"):
            return str(value)
        number = value / self.scale
        text = f"{number:,.0f}" if self.kind == "int" or abs(number) >= 1000 else f"{number:.4g}"
        unit = "" if self.unit in ("", "-") else f" {self.unit}"
        return text + unit


@dataclass
class Group:
    """A collapsible panel: the run, a mechanism (switch, variant picker, its parameters) or a
    policy (switch, budget). ``fixed`` names settings that have no control (lists, targets)."""

    name: str
    title: str
    origin: str
    switch: Control | None = None
    picker: Control | None = None
    params: list[Control] = field(default_factory=list)
    fixed: list[str] = field(default_factory=list)

    @property
    def controls(self) -> list[Control]:
        return [c for c in (self.switch, self.picker, *self.params) if c is not None]


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


def _row(path: str) -> Param | None:
    """The table row of ``path``; a policy's shared settings sit under ``policies.<setting>``."""
    if path in TABLE:
        return TABLE[path]
    head, _, key = path.rpartition(".")
    return TABLE.get(f"{head.rpartition('.')[0]}.{key}")


def _step(low: float, high: float, integer: bool, value: float = 0.0) -> float:
    """A round slider step giving about :data:`SLIDER_STEPS` positions, fine enough that
    ``value`` lies on a position (0.002 on a 0–1 slider: steps of 0.001) where that needs at
    most 100 times more positions."""
    raw = (high - low) / SLIDER_STEPS
    if raw <= 0:
        return 1 if integer else 0.01
    step = 10 ** math.floor(math.log10(raw))
    step = next(m * step for m in (1, 2, 5, 10) if m * step >= raw)
    if integer:
        step = max(1, round(step))
        return step if value % step == 0 else 1
    while value and abs(value / step - round(value / step)) > 1e-6 and step > raw / 100:
        step /= 10  # at most 10,000 positions; a value finer than that is left between them
    return step


def _range(row: Param | None, value: float, integer: bool) -> tuple[float, float]:
    """The slider's span: the declared range, narrowed where the table sets only a ceiling."""
    low = row.ge if row and row.ge is not None else (row.gt if row and row.gt is not None else 0.0)
    low = min(low, value)
    high = row.le if row and row.le is not None else None
    if high is None or high in CEILINGS or high > 100 * max(abs(value), 1):
        wide = SPAN * abs(value) if value else 1.0
        high = wide if high is None else min(high, wide)
    high = max(high, value, low + (1 if integer else 1e-9))
    return low, high


def param_control(path: str, value: Any, label: str | None = None) -> Control | None:
    """The input for one setting at ``path`` starting at ``value``; None if it has no input
    (lists, mappings, free text)."""
    row = _row(path)
    unit, doc = (row.unit, row.doc) if row else ("", "")
    label = label or path.rpartition(".")[2]  # the key as a scenario file spells it
    if isinstance(value, bool):
        return Control(path, label, "bool", value, unit, doc)
    if isinstance(value, str) and row is not None and row.choices:
        return Control(path, label, "choice", value, unit, doc, choices=tuple(row.choices))
    if not isinstance(value, int | float):
        return None
    integer = isinstance(value, int)
    low, high = _range(row, value, integer)
    if row and row.gt is not None and low <= row.gt:
        low = row.gt + _step(low, high, integer)  # strictly above the bound
    kind = "int" if integer else "float"
    step = _step(low, high, integer, value)
    return Control(path, label, kind, value, unit, doc, low, high, step)


def _dotted(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = data[part]
    return data


def run_group(scenario: Scenario) -> Group:
    """The run's panel: seed, firms, horizon, literacy, coverage, data price."""
    data = scenario.model_dump()
    params = []
    for path, (label, low, high) in RUN_PATHS.items():
        value = _dotted(data, path)
        row = TABLE[path]
        integer = isinstance(low, int) and isinstance(value, int)
        low, high = min(low, value), max(high, value)
        kind = "int" if integer else "float"
        step = _step(low, high, integer, value)
        params.append(Control(path, label, kind, value, row.unit, row.doc, low, high, step))
    return Group("run", "Run", "scenario", params=params)


def variant_settings(mechanism: str, use: str, scenario: Scenario) -> dict[str, Any]:
    """The settings of variant ``use``: the scenario's values if it runs that variant, else the
    variant's own defaults (picking a variant starts from its defaults)."""
    spec = scenario.rules[mechanism]
    defaults = MECHANISMS[mechanism].variants[use].settings
    if spec["use"] != use:
        return defaults
    return {key: spec[key] for key in defaults}


def mechanism_group(name: str, scenario: Scenario, use: str | None = None) -> Group:
    """A mechanism's panel: on/off, its variants, the settings of ``use`` (default: the
    scenario's variant)."""
    mech = MECHANISMS[name]
    spec = scenario.rules[name]
    use = use or spec["use"]
    origin = "built-in" if mech.builtin else f"plugin {Path(mech.origin).name}"
    group = Group(name, name.replace("_", " "), origin)
    group.switch = Control(f"rules.{name}.enabled", "on", "bool", bool(spec["enabled"]))
    choices = tuple(sorted(mech.variants))
    # The picker starts at the scenario's variant, whichever variant's settings are shown.
    group.picker = Control(f"rules.{name}.use", "variant", "choice", spec["use"], choices=choices)
    for key, value in variant_settings(name, use, scenario).items():
        control = param_control(f"rules.{name}.{key}", value)
        if control is None:
            group.fixed.append(key)
        else:
            group.params.append(control)
    return group


def has_budget(policy: str) -> bool:
    return "budget_idr" in keyword_params(POLICIES.get(policy))


def policy_group(name: str, scenario: Scenario) -> Group:
    """A policy's panel: on (the scenario has an entry of it) and its budget in Rp billion."""
    own = [p for p in scenario.policies if p["use"] == name]
    group = Group(name, name.replace("_", " "), "policy")
    group.switch = Control(f"policies.{name}", "on", "bool", bool(own))
    if has_budget(name):
        budget = float((own[0] if own else keyword_params(POLICIES.get(name)))["budget_idr"])
        high = max(BUDGET_MAX_BILLION * BILLION, budget)
        group.params.append(
            Control(
                f"policies.{name}.budget_idr",
                "budget",
                "float",
                budget,
                "Rp billion",
                "the policy's total budget; it never spends more",
                0.0,
                high,
                0.5 * BILLION,
                scale=BILLION,
            )
        )
    return group


def groups(scenario: Scenario) -> list[Group]:
    """Every panel of the scenario: the run, its mechanisms in the order of the month (plugins'
    included), then the registered policies."""
    from sim.catalogue import month_order

    mechanisms = [mechanism_group(name, scenario) for name in month_order(scenario)]
    return [run_group(scenario), *mechanisms, *(policy_group(p, scenario) for p in policy_names())]


def policy_names() -> list[str]:
    return POLICIES.names()
