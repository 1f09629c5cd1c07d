"""Registries of policies and shocks, and the check of their entries in scenario files.

A policy or shock is a class registered by name; its keyword-only ``__init__`` parameters are the
settings a scenario may give (``{use: digital_training, budget_idr: 2.0e9, ...}``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.errors import ConfigError
from sim.registry import Registry

POLICIES = Registry("policy")
SHOCKS = Registry("shock")
_BY_SECTION = {"policies": POLICIES, "shocks": SHOCKS}


def resolve_interventions(section: str, items: list[Any], file: str) -> list[dict[str, Any]]:
    """Each entry of ``policies:`` or ``shocks:`` with its name checked and settings completed."""
    from sim.config import check_settings

    registry = _BY_SECTION[section]
    resolved = []
    for i, item in enumerate(items):
        path = f"{section}.{i}"
        if not isinstance(item, Mapping) or "use" not in item:
            raise ConfigError(file, path, f"expected a mapping with 'use: <{registry.kind} name>'")
        cls = registry.get(item["use"], file, f"{path}.use")
        settings = check_settings(cls, item, file, path, f"{section}.{item['use']}", skip=("use",))
        resolved.append({"use": item["use"], **settings})
    return resolved
