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
    import sim.policies  # noqa: F401  (built-ins register on import)
    import sim.shocks  # noqa: F401
    from sim.config import check_settings

    registry = _BY_SECTION[section]
    resolved = []
    for i, item in enumerate(items):
        path = f"{section}.{i}"
        if not isinstance(item, Mapping) or "use" not in item:
            raise ConfigError(file, path, f"expected a mapping with 'use: <{registry.kind} name>'")
        cls = registry.get(item["use"], file, f"{path}.use")
        settings = check_settings(cls, item, file, path, f"{section}.{item['use']}", skip=("use",))
        if settings.get("target") is not None:
            _check_target(settings["target"], file, f"{path}.target")
        resolved.append({"use": item["use"], **settings})
    return resolved


def _check_target(target: Any, file: str, path: str) -> None:
    from pydantic import ValidationError

    from sim.config import pydantic_error
    from sim.policies import Target

    try:
        Target.model_validate(target)
    except ValidationError as exc:
        err = pydantic_error(exc, file, Target)
        raise ConfigError(file, f"{path}.{err.path}", err.message) from None


def instantiate(registry: Registry, items: list[dict[str, Any]]) -> list:
    """Intervention objects from resolved scenario entries."""
    import sim.policies  # noqa: F401  (built-ins register on import)
    import sim.shocks  # noqa: F401

    return [
        registry.get(item["use"])(**{k: v for k, v in item.items() if k != "use"}) for item in items
    ]
