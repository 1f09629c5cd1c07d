"""The firm inspector's data: a village's firms as table rows and one firm's every column."""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.domain import SECTORS

TABLE_COLUMNS = ("firm", "sector", "level", "revenue", "cash", "alive")
"""Columns of the firm table (a firm's full state is shown when its row is clicked)."""


def village_firms(model, village: int) -> list[dict[str, Any]]:
    """One row per firm of ``village`` (living and closed), in row order."""
    s = model.state
    rows = np.flatnonzero(s.village == village)
    return [
        {
            "firm": int(row),
            "sector": SECTORS[int(s.sector[row])],
            "level": int(s.level[row]),
            "revenue": f"{round(float(s.revenue[row])):,}",
            "cash": f"{round(float(s.cash[row])):,}",
            "alive": "yes" if s.alive[row] else "closed",
        }
        for row in rows
    ]


def firm_state(model, row: int) -> list[dict[str, str]]:
    """Every column of firm ``row``: name, value, unit and meaning (from its declaration)."""
    s = model.state
    out = []
    for name, column in s.declared.items():
        value = s[name][row]
        if value.ndim:  # a column with several values per firm
            text = ", ".join(f"{v:.4g}" for v in value)
        elif np.issubdtype(value.dtype, np.bool_):
            text = str(bool(value))
        elif np.issubdtype(value.dtype, np.integer):
            text = f"{int(value):,}"
        else:
            text = f"{float(value):,.4g}" if abs(value) < 1e4 else f"{float(value):,.0f}"
        out.append({"column": name, "value": text, "unit": column.unit, "meaning": column.doc})
    return out
