"""Firm state as NumPy columns, and ``Firm``: a Mesa agent that is a view on one row.

Rules work on whole columns (``state.cash += profit``); students can still write
``firm.cash`` on a single agent. Rows are never reused: a firm that exits keeps its row with
``alive == False``; entrants get new rows at the end.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.declarations import Column


def _c(name, dtype, unit, doc, low=None, high=None, default=0) -> Column:
    return Column(name, dtype, default, unit, doc, low, high)


#: Columns every firm has whatever mechanisms run (drawn by ``sim.population`` or kept by the
#: monthly accounts); each mechanism declares the columns it owns in its own file.
CORE_COLUMNS: tuple[Column, ...] = (
    _c("alive", "bool", "-", "firm is operating"),
    _c("founder", "bool", "-", "firm existed at the start (for cohort survival)"),
    _c("age_months", "int32", "months", "months since founding or model start", 0),
    _c("sector", "int8", "index", "index into sim.domain.SECTORS", 0, 4),
    _c("village", "int32", "index", "village index", 0),
    _c("size_class", "int8", "0-2", "0 micro, 1 small, 2 medium", 0, 2),
    _c("poor", "bool", "-", "owner from a low-income household"),
    _c("literacy", "float64", "0-1", "owner digital literacy", 0, 1),
    _c("openness", "float64", "0-1", "owner openness to share and try (0 = conservative)", 0, 1),
    _c("trust", "float64", "0-1", "propensity to trust other firms", 0, 1),
    _c("level", "int8", "0-2", "digital level: 0 offline, 1 messaging, 2 social/marketplace", 0, 2),
    _c("has_device", "bool", "-", "owns a smartphone"),
    _c(
        "signal_draw", "float64", "0-1", "fixed draw: the firm has signal when below coverage", 0, 1
    ),
    _c("price", "float64", "Rp/unit", "sale price", 0),
    _c("unit_cost", "float64", "Rp/unit", "input cost", 0),
    _c("base_unit_cost", "float64", "Rp/unit", "input cost at list prices", 0),
    _c("capacity", "float64", "units/month", "production capacity", 0),
    _c("base_capacity", "float64", "units/month", "capacity without labour limits", 0),
    _c("fixed_cost", "float64", "Rp/month", "fixed cost", 0),
    _c("customers", "float64", "Rp/month", "customer base: local spending the firm holds", 0),
    _c("appeal", "float64", "Rp/month", "lasting attractiveness (product, location)", 0),
    _c("loyalty", "float64", "0-1", "customer loyalty", 0, 1),
    _c("knowledge", "float64", "0-1", "business knowledge (lowers unit cost)", 0, 1),
    _c("skill_production", "float64", "0-1", "production capability", 0, 1),
    _c("skill_marketing", "float64", "0-1", "marketing capability", 0, 1),
    _c("demand", "float64", "Rp/month", "demand reaching the firm this month", 0),
    _c("online_demand", "float64", "Rp/month", "part of demand from online channels", 0),
    _c("extra_orders", "float64", "Rp", "orders from co-creation and carrying (next sale)", 0),
    _c("sales", "float64", "units/month", "units sold this month", 0),
    _c("revenue", "float64", "Rp/month", "revenue this month", 0),
    _c("input_cost", "float64", "Rp/month", "input cost this month"),
    _c("data_cost", "float64", "Rp/month", "mobile data cost this month", 0),
    _c("extra_cost", "float64", "Rp/month", "other costs this month (devices, fees)"),
    _c("profit", "float64", "Rp/month", "profit this month"),
    _c("drawings", "float64", "Rp/month", "household drawings (owner income) this month"),
    _c("cash", "float64", "Rp", "cash"),
)


class FirmState:
    """Columns of firm attributes with room to grow; ``state.cash`` is the live part."""

    def __init__(
        self, n: int, columns: tuple[Column, ...] = CORE_COLUMNS, capacity: int | None = None
    ):
        cap = max(capacity or n, 1)
        declared = {c.name: c for c in columns}
        cols = {c.name: _filled(cap, c.default, c.dtype) for c in declared.values()}
        object.__setattr__(self, "_cols", cols)
        object.__setattr__(self, "declared", declared)
        object.__setattr__(self, "n", n)
        for c in declared.values():
            if not hasattr(Firm, c.name):
                setattr(Firm, c.name, _column_property(c.name, f"{c.doc} [{c.unit}]"))

    def __getattr__(self, name: str) -> np.ndarray:
        cols = self.__dict__["_cols"]
        if name in cols:
            return cols[name][: self.n]
        raise AttributeError(name)

    def __setattr__(self, name: str, value) -> None:
        if name in self._cols:
            self._cols[name][: self.n] = value
        else:
            object.__setattr__(self, name, value)

    def __getitem__(self, name: str) -> np.ndarray:
        return self._cols[name][: self.n]

    @property
    def columns(self) -> list[str]:
        return list(self._cols)

    def grow(self, k: int) -> slice:
        """Append ``k`` rows holding their columns' defaults; return their slice."""
        start, new_n = self.n, self.n + k
        cap = len(next(iter(self._cols.values())))
        if new_n > cap:
            new_cap = max(new_n, int(cap * 1.5) + 16)
            for name, col in self._cols.items():
                bigger = _filled((new_cap, *col.shape[1:]), self.declared[name].default, col.dtype)
                bigger[:start] = col[:start]  # rows past n hold the default already
                self._cols[name] = bigger
        object.__setattr__(self, "n", new_n)
        return slice(start, new_n)


def _filled(shape, value, dtype) -> np.ndarray:
    """A column holding ``value``; zeros come from the allocator untouched (pages are mapped on
    first write), so building is fast and a column a run never writes costs no memory."""
    if not value:
        return np.zeros(shape, dtype=dtype)
    return np.full(shape, value, dtype=dtype)


class Firm(mesa.Agent):
    """One firm, as a Mesa agent whose attributes read and write its row of ``model.state``."""

    def __init__(self, model: mesa.Model, row: int):
        super().__init__(model)
        self.row = row

    def __repr__(self) -> str:
        return f"Firm(row={self.row}, level={self.level}, cash={self.cash:,.0f})"


def _column_property(name: str, doc: str) -> property:
    def get(self):
        value = self.model.state._cols[name][self.row]
        return value.item() if value.ndim == 0 else value

    def put(self, value):
        checker = getattr(self.model, "checker", None)
        if checker is not None:
            checker.value(name, value, self.row)
        self.model.state._cols[name][self.row] = value

    return property(get, put, doc=doc)
