"""Name registries for rule variants, policies and shocks, with errors that list what exists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.errors import ConfigError


class Registry:
    """A mapping of names to objects of one kind (``"policy"``, ``"shock"``, ...)."""

    def __init__(self, kind: str):
        self.kind = kind
        self._items: dict[str, Any] = {}

    def register(self, name: str, obj: Any = None) -> Any:
        """Register ``obj`` under ``name``; used bare or as a decorator."""

        def add(item):
            self._items[name] = item
            return item

        return add if obj is None else add(obj)

    def names(self) -> list[str]:
        return sorted(self._items)

    def __contains__(self, name: str) -> bool:
        return name in self._items

    def get(self, name: str, file: str = "<config>", path: str = "use") -> Any:
        """The object called ``name``, or a ConfigError listing the names that exist."""
        if not isinstance(name, str) or name not in self._items:
            known = ", ".join(self.names()) or "none"
            raise ConfigError(file, path, f"unknown {self.kind} {name!r} (available: {known})")
        return self._items[name]


def keyword_params(fn: Callable) -> dict[str, Any]:
    """The keyword-only parameters of ``fn`` with their defaults (a rule's or policy's settings)."""
    import inspect

    return {
        name: p.default
        for name, p in inspect.signature(fn).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    }
