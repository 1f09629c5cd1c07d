"""What a part of the model declares about itself: the firm columns it owns, the shared model
fields it keeps, the outcomes it measures, how it is set up and what happens when a firm closes.

Mechanisms (``sim.rules``), policies and shocks (``sim.interventions``) and the economy-wide
accounts (``sim.metrics``) each carry one :class:`Unit`. The model builds its firm columns, its
``model.shared`` object and its monthly outcomes from the units of a scenario, so adding a
mechanism never means editing the model.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.outcomes import Outcome


@dataclass(frozen=True)
class Column:
    """A firm column: name, NumPy dtype, value of a new row, unit, meaning and allowed range.

    ``on_close`` is the value the column takes when a firm closes (None: it keeps its value).
    ``low``/``high`` bound the values a rule may write (checked by ``--check``).
    """

    name: str
    dtype: str
    default: Any
    unit: str
    doc: str
    low: float | None = None
    high: float | None = None
    on_close: Any = None


@dataclass(frozen=True)
class SharedField:
    """A value that a unit keeps on ``model.shared`` for others to read (e.g. the coordination
    factor per village), with its default, unit and meaning. ``default`` is copied per model;
    a ``monthly`` field returns to its default at the start of every month (e.g. a level that
    shocks lower for the month)."""

    name: str
    default: Any
    unit: str
    doc: str
    monthly: bool = False


class SharedState:
    """The model-wide values that rules, policies and shocks share: only declared fields exist.

    Setting an undeclared name is an AttributeError that says where to declare it, so a typo
    cannot silently create a second value."""

    def __init__(self, fields: Iterable[SharedField]):
        declared = {f.name: f for f in fields}
        object.__setattr__(self, "_fields", declared)
        for f in declared.values():
            object.__setattr__(self, f.name, copy.deepcopy(f.default))

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self._fields:
            raise AttributeError(
                f"model.shared has no field {name!r}: declare it as a SharedField of the "
                "mechanism, policy or shock that owns it"
            )
        object.__setattr__(self, name, value)

    def start_month(self) -> None:
        """Return the ``monthly`` fields to their defaults."""
        for f in self._fields.values():
            if f.monthly:
                object.__setattr__(self, f.name, copy.deepcopy(f.default))

    @property
    def fields(self) -> dict[str, SharedField]:
        return dict(self._fields)


def caller_file(depth: int = 2) -> str:
    """The file of the module that called the function calling this one (a unit's origin)."""
    frame = sys._getframe(depth)
    return frame.f_globals.get("__file__") or frame.f_globals.get("__name__", "<unknown>")


@dataclass(eq=False)
class Unit:
    """The declarations of one part of the model (see the module docstring)."""

    name: str
    columns: tuple[Column, ...] = ()
    shared: tuple[SharedField, ...] = ()
    outcomes: dict[str, tuple[Outcome, Callable]] = field(default_factory=dict)
    setup_fn: Callable | None = None
    close_fn: Callable | None = None
    origin: str = ""

    def outcome(
        self,
        name: str,
        *,
        label: str,
        unit: str,
        kind: str,
        better: int,
        aggregation: str,
    ) -> Callable:
        """Declare ``fn(model) -> float`` as the monthly outcome ``name`` of this unit."""

        def add(fn: Callable) -> Callable:
            doc = (fn.__doc__ or label).strip().splitlines()[0]
            self.outcomes[name] = (Outcome(name, label, unit, kind, better, aggregation, doc), fn)
            return fn

        return add

    def on_setup(self, fn: Callable) -> Callable:
        """Declare ``fn(model, rng)``, called once when a model with this unit is built."""
        self.setup_fn = fn
        return fn

    def on_close(self, fn: Callable) -> Callable:
        """Declare ``fn(model, rows)``, called when firms close (after the columns' ``on_close``
        values are set)."""
        self.close_fn = fn
        return fn

    def close(self, model, rows: np.ndarray) -> None:
        """What this unit does when the firms in ``rows`` close."""
        for column in self.columns:
            if column.on_close is not None:
                model.state[column.name][rows] = column.on_close
        if self.close_fn is not None:
            self.close_fn(model, rows)
