"""Firm columns grow for entrants: old rows keep their values, new rows hold the defaults."""

from __future__ import annotations

import numpy as np

from sim.declarations import Column
from sim.state import FirmState

COLUMNS = (
    Column("alive", "bool", False, "-", "operating"),
    Column("cash", "float64", 0.0, "Rp", "cash"),
    Column("partner", "int32", -1, "row", "partner row"),
)


def test_grown_columns_keep_old_rows_and_give_new_rows_their_defaults():
    s = FirmState(3, COLUMNS, capacity=4)
    s.cash = [1.0, 2.0, 3.0]
    s.partner = [2, -1, 0]
    first = s.grow(1)  # fits in the spare row
    assert (first.start, first.stop) == (3, 4)
    s.cash[3] = 4.0
    second = s.grow(5)  # beyond the capacity: bigger columns
    assert (second.start, second.stop, s.n) == (4, 9, 9)
    assert len(s._cols["cash"]) >= 9
    assert s.cash.tolist() == [1.0, 2.0, 3.0, 4.0, 0, 0, 0, 0, 0]
    assert s.partner.tolist() == [2, -1, 0, -1, -1, -1, -1, -1, -1]
    assert not s.alive.any()
    spare = s._cols["partner"][s.n :]
    assert (spare == -1).all()  # rows not yet used hold the default too
    for name, column in s._cols.items():
        assert column.dtype == np.dtype(s.declared[name].dtype)
