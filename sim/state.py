"""Firm state as NumPy columns, and ``Firm``: a Mesa agent that is a view on one row.

Rules work on whole columns (``state.cash += profit``); students can still write
``firm.cash`` on a single agent. Rows are never reused: a firm that exits keeps its row with
``alive == False``; entrants get new rows at the end.
"""

from __future__ import annotations

import mesa
import numpy as np

# name: (dtype, description with unit)
COLUMNS: dict[str, tuple[str, str]] = {
    "alive": ("bool", "firm is operating"),
    "founder": ("bool", "firm existed at the start (for cohort survival)"),
    "age_months": ("int32", "months since founding or model start"),
    "sector": ("int8", "index into sim.config.SECTORS"),
    "village": ("int32", "village index"),
    "size_class": ("int8", "0 micro, 1 small, 2 medium"),
    "poor": ("bool", "owner from a low-income household"),
    "literacy": ("float64", "owner digital literacy, 0-1"),
    "openness": ("float64", "owner openness to share and try, 0-1 (0 = conservative)"),
    "trust": ("float64", "propensity to trust other firms, 0-1"),
    "level": ("int8", "digital level: 0 offline, 1 messaging, 2 social/marketplace"),
    "has_device": ("bool", "owns a smartphone"),
    "signal_draw": ("float64", "fixed uniform draw: the firm has signal when below coverage"),
    "data_subsidy": ("float64", "share of data cost paid by a subsidy, 0-1"),
    "price": ("float64", "sale price, Rp/unit"),
    "unit_cost": ("float64", "input cost, Rp/unit"),
    "capacity": ("float64", "production capacity, units/month"),
    "fixed_cost": ("float64", "fixed cost, Rp/month"),
    "customers": ("float64", "customer base: local spending the firm holds, Rp/month"),
    "appeal": ("float64", "lasting attractiveness (product, location), Rp/month scale"),
    "loyalty": ("float64", "customer loyalty, 0-1"),
    "demand": ("float64", "demand reaching the firm this month, Rp"),
    "online_demand": ("float64", "part of demand from online channels this month, Rp"),
    "sales": ("float64", "units sold this month"),
    "revenue": ("float64", "Rp this month"),
    "input_cost": ("float64", "Rp this month"),
    "data_cost": ("float64", "Rp this month"),
    "extra_cost": ("float64", "other costs this month (devices, fees), Rp"),
    "profit": ("float64", "Rp this month"),
    "drawings": ("float64", "household drawings (owner income), Rp this month"),
    "cash": ("float64", "Rp"),
    "debt": ("float64", "outstanding loan principal, Rp"),
    "loan_rate": ("float64", "interest rate of the current loan, per year"),
    "loan_payment": ("float64", "scheduled principal repayment, Rp/month"),
    "loans_taken": ("int16", "number of loans taken so far"),
    "new_loan": ("float64", "loan received this month, Rp"),
    "repayment": ("float64", "principal repaid this month, Rp"),
    "loss_streak": ("int16", "consecutive months with a loss"),
    "base_unit_cost": ("float64", "input cost at list prices, Rp/unit"),
    "offline_factor": ("float64", "this month's offline demand multiplier (shocks)"),
    "online_factor": ("float64", "this month's online demand multiplier (shocks)"),
    "credit_offer": ("bool", "offered a subsidised KUR loan this month (policy)"),
    "base_capacity": ("float64", "capacity without labour limits, units/month"),
    # collaboration mechanisms (sim/rules/): knowledge, partners, pools, facilities, marketing,
    # co-creation, labour
    "knowledge": ("float64", "business knowledge, 0-1 (lowers unit cost)"),
    "skill_production": ("float64", "production capability, 0-1"),
    "skill_marketing": ("float64", "marketing capability, 0-1"),
    "partner": ("int32", "row of the current partner, -1 for none"),
    "partner_fit": ("float64", "match quality of the partnership, -1..1"),
    "partner_gain": ("float64", "profit effect of the partnership this month, Rp"),
    "partner_gain_total": ("float64", "profit effect since the partnership began, Rp"),
    # collaboration: pools, facilities, marketing, co-creation
    "pooling": ("bool", "buys inputs through a group pool this month"),
    "facility_user": ("bool", "uses the village's shared facility this month"),
    "joint_promo": ("bool", "takes part in joint promotion this month"),
    "platform_demand": ("float64", "demand from the regional platform this month, Rp"),
    "cocreating": ("bool", "involves customers in product design"),
    "extra_orders": ("float64", "orders from co-creation and carried deliveries, Rp (next sale)"),
    "pool_order_idr": ("float64", "input order committed to the group pool this month, Rp"),
    "pool_charge_idr": (
        "float64",
        "pool costs charged this month (coordination, default losses, equal-split transfer), Rp",
    ),
    "facility_charge_idr": ("float64", "share of the shared facility's cost paid this month, Rp"),
    "facility_saving_idr": ("float64", "fixed cost saved through the shared facility, Rp"),
    "carry_fee_idr": ("float64", "carrying fees this month, Rp (paid > 0, received < 0)"),
    "cocreation_orders_idr": ("float64", "word-of-mouth orders from co-creation, Rp (next sale)"),
    "skilled": ("float64", "skilled workers"),
    "skilled_age": ("float64", "mean age of skilled workers, years"),
}


class FirmState:
    """Columns of firm attributes with room to grow; ``state.cash`` is the live part."""

    def __init__(self, n: int, capacity: int | None = None):
        cap = max(capacity or n, 1)
        cols = {name: np.zeros(cap, dtype=dtype) for name, (dtype, _) in COLUMNS.items()}
        object.__setattr__(self, "_cols", cols)
        object.__setattr__(self, "n", n)

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

    def add_column(self, name: str, dtype: str = "float64", width: int | None = None) -> None:
        """Add a column (a rule's own state); ``width`` makes it a matrix with that many columns."""
        if name not in self._cols:
            cap = len(next(iter(self._cols.values())))
            shape = (cap,) if width is None else (cap, width)
            self._cols[name] = np.zeros(shape, dtype=dtype)
        if not hasattr(Firm, name):
            setattr(Firm, name, _column_property(name, f"{name} (added by a rule)"))

    def grow(self, k: int) -> slice:
        """Append ``k`` zeroed rows; return their slice."""
        start, new_n = self.n, self.n + k
        cap = len(next(iter(self._cols.values())))
        if new_n > cap:
            new_cap = max(new_n, int(cap * 1.5) + 16)
            for name, col in self._cols.items():
                bigger = np.zeros((new_cap, *col.shape[1:]), dtype=col.dtype)
                bigger[:cap] = col
                self._cols[name] = bigger
        object.__setattr__(self, "n", new_n)
        return slice(start, new_n)


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
        self.model.state._cols[name][self.row] = value

    return property(get, put, doc=doc)


for _name, (_dtype, _doc) in COLUMNS.items():
    setattr(Firm, _name, _column_property(_name, _doc))
