"""Registries of policies and shocks, and the check of their entries in scenario files.

A policy or shock is a class registered by name; its keyword-only ``__init__`` parameters are the
settings a scenario may give (``{use: digital_training, budget_idr: 2.0e9, ...}``). Registering a
class gives it a :class:`sim.declarations.Unit` (``cls.unit``) built from its ``columns`` and
``shared`` declarations, so the model adds them like a mechanism's. Built-ins register when
``sim.catalogue`` imports them; this module knows none of them.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

from sim.declarations import Unit
from sim.errors import ConfigError
from sim.registry import Registry
from sim.settings import check_settings


class InterventionRegistry(Registry):
    """A registry of policy or shock classes that gives each its unit of declarations."""

    def register(self, name: str, obj: Any = None) -> Any:
        def add(cls):
            if "unit" not in cls.__dict__:
                cls.unit = Unit(
                    name,
                    columns=tuple(getattr(cls, "columns", ())),
                    shared=tuple(getattr(cls, "shared", ())),
                    origin=inspect.getfile(cls),
                )
            return Registry.register(self, name, cls)

        return add if obj is None else add(obj)


POLICIES = InterventionRegistry("policy")
SHOCKS = InterventionRegistry("shock")
_BY_SECTION = {"policies": POLICIES, "shocks": SHOCKS}


def resolve_interventions(
    section: str, items: list[Any], file: str, scenario=None
) -> list[dict[str, Any]]:
    """Each entry of ``policies:`` or ``shocks:`` with its name checked and settings completed;
    a class's ``check(settings, scenario, file, path)`` checks what depends on the scenario."""
    registry = _BY_SECTION[section]
    if not isinstance(items, list):
        raise ConfigError(file, section, f"expected a list of {registry.kind} entries")
    resolved = []
    for i, item in enumerate(items):
        path = f"{section}.{i}"
        if not isinstance(item, Mapping) or "use" not in item:
            raise ConfigError(file, path, f"expected a mapping with 'use: <{registry.kind} name>'")
        cls = registry.get(item["use"], file, f"{path}.use")
        settings = check_settings(cls, item, file, path, f"{section}.{item['use']}", skip=("use",))
        check = getattr(cls, "check", None)
        if check is not None and scenario is not None:
            check(settings, scenario, file, path)
        resolved.append({"use": item["use"], **settings})
    return resolved


def instantiate(registry: Registry, items: list[dict[str, Any]]) -> list:
    """Intervention objects from resolved scenario entries."""
    return [
        registry.get(item["use"])(**{k: v for k, v in item.items() if k != "use"}) for item in items
    ]
