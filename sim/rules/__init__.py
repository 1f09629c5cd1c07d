"""Rules: one module per mechanism, its variants side by side, chosen by name in scenario files.

A scenario picks a variant with ``rules.<mechanism>.use: <variant>``, switches a mechanism off
with ``rules.<mechanism>.enabled: false``, and sets the variant's parameters with the other keys.

A variant is a function ``fn(model, rng, *, param=default, ...)`` that updates the firm columns
in ``model.state`` for one month, vectorised. Register it with :func:`variant`. Students can also
register a plain per-firm function ``fn(firm, rng, *, ...)`` with :func:`per_firm`: it is called
once for each living firm (slow, fine for a few thousand firms). See docs/rules.md.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from sim.errors import ConfigError
from sim.params import register_rows

RULE_KEYS = ("use", "enabled")


@dataclass
class Mechanism:
    """A named mechanism and its registered variants."""

    name: str
    default: str | None = None
    variants: dict[str, Callable] = field(default_factory=dict)


MECHANISMS: dict[str, Mechanism] = {}


def variant(mechanism: str, name: str, *, default: bool = False) -> Callable:
    """Register a vectorised variant ``fn(model, rng, *, ...)`` of ``mechanism``."""

    def add(fn: Callable) -> Callable:
        mech = MECHANISMS.setdefault(mechanism, Mechanism(mechanism))
        mech.variants[name] = fn
        if default or mech.default is None:
            mech.default = name
        return fn

    return add


def per_firm(mechanism: str, name: str) -> Callable:
    """Register a per-firm variant ``fn(firm, rng, *, ...)``; it runs once per living firm."""

    def add(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def run(model, rng, **params):
            for firm in model.living_firms():
                fn(firm, rng, **params)

        MECHANISMS.setdefault(mechanism, Mechanism(mechanism)).variants[name] = run
        return fn

    return add


def rule_table(mechanism: str, *rows: tuple) -> SimpleNamespace:
    """Register a mechanism's parameters in the parameter table; return their defaults.

    Each row is ``(name, default, unit, source, description, bounds)`` where bounds is a dict
    with any of ``ge``, ``le``, ``gt``.
    """
    MECHANISMS.setdefault(mechanism, Mechanism(mechanism))
    return register_rows(f"rules.{mechanism}", rows)


def resolve_rules(raw: Mapping[str, Any], file: str) -> dict[str, dict[str, Any]]:
    """Every mechanism with its variant, ``enabled`` flag and complete, checked settings."""
    from sim.config import check_settings

    if not isinstance(raw, Mapping):
        raise ConfigError(file, "rules", "expected a mapping of mechanism names")
    unknown = sorted(set(raw) - set(MECHANISMS))
    if unknown:
        raise ConfigError(
            file,
            f"rules.{unknown[0]}",
            f"unknown mechanism (available: {', '.join(sorted(MECHANISMS))})",
        )
    resolved = {}
    for name, mech in sorted(MECHANISMS.items()):
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
            mech.variants[use], spec, file, f"rules.{name}", f"rules.{name}", skip=RULE_KEYS
        )
        resolved[name] = {"use": use, "enabled": enabled, **settings}
    return resolved


def bind(rules: Mapping[str, Mapping[str, Any]]) -> dict[str, Callable | None]:
    """Resolved rules → one callable ``fn(model, rng)`` per mechanism (None when disabled)."""
    bound = {}
    for name, spec in rules.items():
        settings = {k: v for k, v in spec.items() if k not in RULE_KEYS}
        fn = MECHANISMS[name].variants[spec["use"]]
        bound[name] = functools.partial(fn, **settings) if spec["enabled"] else None
    return bound


def setup_all(model) -> None:
    """Call ``setup(model, rng)`` of every enabled mechanism whose module defines one."""
    for name, spec in model.scenario.rules.items():
        if spec["enabled"]:
            fn = MECHANISMS[name].variants[spec["use"]]
            setup = getattr(sys.modules.get(fn.__module__), "setup", None)
            if setup is not None:
                setup(model, model.stream(f"{name}.setup"))


def load_plugins(paths: list[str], file: str) -> list[str]:
    """Import the rule files named in a scenario's ``plugins:`` (see :mod:`sim.plugins`)."""
    from sim import plugins

    return plugins.load_plugins(paths, file)


# Built-in mechanisms register themselves on import, in model phase order.
from sim.rules import (  # noqa: E402, F401
    bulk_purchasing,
    co_creation,
    digital_adoption,
    exit_entry,
    finance,
    governance,
    joint_marketing,
    knowledge_sharing,
    labour,
    market,
    partnering,
    resource_sharing,
)
