"""Rules: one module per mechanism, its variants side by side, chosen by name in scenario files.

A mechanism is one self-contained unit declared in its own file with :func:`mechanism`: its
place in the month (``after=`` another mechanism), the firm columns it owns, the shared model
fields it keeps, its outcomes, its setup and what happens to its columns when a firm closes;
its parameters (:func:`rule_table`) and its variants (:func:`variant`) sit next to it. The model
runs the schedule these declarations produce (:func:`schedule`) and names no mechanism itself.

A scenario picks a variant with ``rules.<mechanism>.use: <variant>``, switches a mechanism off
with ``rules.<mechanism>.enabled: false``, and sets the variant's parameters with the other keys.

A variant is a function ``fn(model, rng, *, param=default, ...)`` that updates the firm columns
in ``model.state`` for one month, vectorised. Students can also register a plain per-firm
function ``fn(firm, rng, *, ...)`` with :func:`per_firm`: it is called once for each living firm
(slow, fine for a few thousand firms; ``compiled=True`` compiles it with numba). A plugin file
(``plugins:`` in a scenario) may add variants to a built-in mechanism or declare a new mechanism
the same way. See docs/rules.md.

This package's ``__init__`` holds the registry only; ``sim.catalogue`` imports the built-ins.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim import plugins
from sim.declarations import Column, SharedField, Unit, caller_file
from sim.errors import ConfigError
from sim.outcomes import HIGHER, LOWER, NEITHER
from sim.params import register_rows
from sim.perfirm import run_per_firm
from sim.registry import keyword_params
from sim.settings import check_settings

__all__ = [
    "HIGHER",
    "LOWER",
    "NEITHER",
    "Column",
    "Mechanism",
    "SharedField",
    "mechanism",
    "per_firm",
    "rule_table",
    "variant",
]

RULE_KEYS = ("use", "enabled")
#: The first phase of every month (policies and shocks); the first mechanisms come after it.
START = "interventions"
_PACKAGE = str(Path(__file__).resolve().parents[1])


@dataclass(eq=False)
class Variant:
    """One way a mechanism can work: a function and the arguments fixed at registration."""

    fn: Callable
    fixed: dict[str, Any] = field(default_factory=dict)

    @property
    def settings(self) -> dict[str, Any]:
        """The variant's own parameters with their defaults (fixed arguments excluded)."""
        return {k: v for k, v in keyword_params(self.fn).items() if k not in self.fixed}

    def bind(self, settings: Mapping[str, Any]) -> Callable:
        return functools.partial(self.fn, **self.fixed, **settings)


@dataclass(eq=False)
class Mechanism(Unit):
    """A named mechanism: its declarations (see :class:`sim.declarations.Unit`), its place in
    the month and its registered variants."""

    after: str | None = None
    default: str | None = None
    variants: dict[str, Variant] = field(default_factory=dict)

    @property
    def builtin(self) -> bool:
        return self.origin.startswith(_PACKAGE)


MECHANISMS: dict[str, Mechanism] = {}


def _get(name: str, origin: str) -> Mechanism:
    if name not in MECHANISMS:
        MECHANISMS[name] = Mechanism(name, origin=origin)
    return MECHANISMS[name]


def mechanism(
    name: str,
    *,
    after: str,
    columns: tuple[Column, ...] = (),
    shared: tuple[SharedField, ...] = (),
) -> Mechanism:
    """Declare mechanism ``name``: it runs each month right after mechanism ``after`` (or after
    ``"interventions"``, the first phase), owns ``columns`` and keeps ``shared`` fields.

    Returns the :class:`Mechanism`, whose ``outcome``, ``on_setup`` and ``on_close`` decorators
    declare the rest.
    """
    origin = caller_file()
    mech = MECHANISMS.get(name)
    if mech is not None and mech.origin != origin:
        if mech.builtin:
            raise ValueError(
                f"{name!r} is a built-in mechanism: add a variant to it with @variant instead"
            )
        mech = None  # the same plugin mechanism loaded from another file: this one wins
    if mech is None:
        mech = MECHANISMS[name] = Mechanism(name, origin=origin)
    mech.after, mech.columns, mech.shared = after, tuple(columns), tuple(shared)
    return mech


def variant(
    mechanism: str, name: str, *, default: bool = False, fixed: Mapping[str, Any] | None = None
) -> Callable:
    """Register a vectorised variant ``fn(model, rng, *, ...)`` of ``mechanism``; ``fixed``
    arguments are set for this variant and are not settings of it (one function, two variants)."""
    origin = caller_file()

    def add(fn: Callable) -> Callable:
        mech = _get(mechanism, origin)
        mech.variants[name] = Variant(fn, dict(fixed or {}))
        if default or mech.default is None:
            mech.default = name
        return fn

    return add


def per_firm(mechanism: str, name: str, *, compiled: bool = False) -> Callable:
    """Register a per-firm variant ``fn(firm, rng, *, ...)``; it runs once per living firm.

    ``compiled=True`` compiles it with numba (see :mod:`sim.perfirm`): the same results, at
    about the speed of a vectorised rule, for rules that use only ``firm.<column>``, their
    parameters, ``rng`` and NumPy.
    """
    origin = caller_file()

    def add(fn: Callable) -> Callable:
        mech = _get(mechanism, origin)
        mech.variants[name] = Variant(run_per_firm(fn, compiled))
        if mech.default is None:
            mech.default = name
        return fn

    return add


def rule_table(mechanism: str, *rows: tuple):
    """Register a mechanism's parameters in the parameter table; return their defaults.

    Each row is ``(name, default, unit, source, description, limits)`` where limits is a dict
    with any of ``ge``, ``le``, ``gt`` (numbers) or ``choices`` (allowed strings).
    """
    _get(mechanism, caller_file())
    return register_rows(f"rules.{mechanism}", rows)


def in_scenario(plugins: list[str]) -> dict[str, Mechanism]:
    """The mechanisms a scenario has: the built-ins and those declared by its own plugins."""
    loaded = {str(Path(p).resolve()) for p in plugins}
    return {
        name: mech
        for name, mech in sorted(MECHANISMS.items())
        if mech.builtin or str(Path(mech.origin).resolve()) in loaded
    }


def resolve_rules(
    raw: Mapping[str, Any], file: str, plugins: list[str] = ()
) -> dict[str, dict[str, Any]]:
    """Every mechanism with its variant, ``enabled`` flag and complete, checked settings."""
    if not isinstance(raw, Mapping):
        raise ConfigError(file, "rules", "expected a mapping of mechanism names")
    mechanisms = in_scenario(list(plugins))
    unknown = sorted(set(raw) - set(mechanisms))
    if unknown:
        raise ConfigError(
            file,
            f"rules.{unknown[0]}",
            f"unknown mechanism (available: {', '.join(sorted(mechanisms))})",
        )
    schedule(mechanisms.values(), file)  # every mechanism has a place in the month
    resolved = {}
    for name, mech in mechanisms.items():
        spec = raw.get(name) or {}
        if not isinstance(spec, Mapping):
            raise ConfigError(file, f"rules.{name}", "expected a mapping (use, enabled, settings)")
        use = spec.get("use", mech.default)
        if not isinstance(use, str) or use not in mech.variants:
            raise ConfigError(
                file,
                f"rules.{name}.use",
                f"unknown variant {use!r} (available: {', '.join(sorted(mech.variants))})",
            )
        enabled = spec.get("enabled", True)
        if not isinstance(enabled, bool):
            raise ConfigError(
                file, f"rules.{name}.enabled", f"expected true or false, got {enabled!r}"
            )
        settings = check_settings(
            _settings_signature(mech.variants[use]),
            spec,
            file,
            f"rules.{name}",
            f"rules.{name}",
            skip=RULE_KEYS,
        )
        resolved[name] = {"use": use, "enabled": enabled, **settings}
    return resolved


def _settings_signature(v: Variant) -> Callable:
    """A stand-in function whose keyword-only parameters are the variant's settings."""
    import inspect

    params = [
        inspect.Parameter(k, inspect.Parameter.KEYWORD_ONLY, default=d)
        for k, d in v.settings.items()
    ]

    def settings(**kwargs):  # pragma: no cover - only its signature is read
        return kwargs

    settings.__signature__ = inspect.Signature(params)
    return settings


def schedule(mechanisms, file: str = "<scenario>") -> list[str]:
    """The order of the month: each mechanism right after the one it names in ``after=``.

    Mechanisms that name the same predecessor run in the order declared, plugins' before the
    built-in ones, so a plugin declared ``after="market"`` runs directly after the market.
    A mechanism without a place, or after one that does not exist, is a ConfigError.
    """
    mechanisms = list(mechanisms)
    names = {m.name for m in mechanisms}
    children: dict[str, list[Mechanism]] = {}
    for mech in mechanisms:
        where = f"rules.{mech.name}" if mech.builtin else f"plugins: {mech.origin}"
        if mech.after is None:
            raise ConfigError(
                file,
                where,
                f"mechanism {mech.name!r} has no place in the month: declare it with "
                f"mechanism({mech.name!r}, after=...) naming the mechanism it follows "
                f"(or {START!r})",
            )
        if mech.after != START and mech.after not in names:
            raise ConfigError(
                file,
                where,
                f"mechanism {mech.name!r} comes after {mech.after!r}, which is not a mechanism "
                f"(available: {', '.join(sorted(names | {START}))})",
            )
        children.setdefault(mech.after, []).append(mech)
    order: list[str] = []

    def visit(name: str) -> None:
        kids = children.get(name, [])
        for child in [k for k in kids if not k.builtin] + [k for k in kids if k.builtin]:
            order.append(child.name)
            visit(child.name)

    visit(START)
    missing = sorted(names - set(order))
    if missing:
        raise ConfigError(
            file, f"rules.{missing[0]}", "mechanisms come after one another in a loop"
        )
    return order


def bind(rules: Mapping[str, Mapping[str, Any]]) -> dict[str, Callable | None]:
    """Resolved rules → one callable ``fn(model, rng)`` per mechanism (None when disabled)."""
    bound = {}
    for name, spec in rules.items():
        settings = {k: v for k, v in spec.items() if k not in RULE_KEYS}
        v = MECHANISMS[name].variants[spec["use"]]
        bound[name] = v.bind(settings) if spec["enabled"] else None
    return bound


def load_plugins(paths: list[str], file: str) -> list[str]:
    """Import the rule files named in a scenario's ``plugins:`` (see :mod:`sim.plugins`)."""
    return plugins.load_plugins(paths, file)
