"""Check mode: after every phase of the month, the firm columns and the accounts are verified.

``MSMEModel(..., check=True)`` and ``msme-sim run --check`` stop at the first phase that leaves a
living firm's column outside the range its :class:`~sim.declarations.Column` declares (``low``,
``high``), a float column not a number, or the month's accounts open:

- the market's flows: revenue + unserved demand = households' + outside buyers' spending, and the
  recorded revenue equals the firms' revenue column (after the market and every later phase);
- firms' cash: over the month, the total change of the cash of the firms alive at its start
  equals their booked flows (``sim.rules.accounts.firm_cash_flows``: profit − drawings + new
  loans − repayments − investment + grants − the cash a closing firm hands on; transfers between
  firms are allowed, money that appears or vanishes is not);
- the regency's transactions matrix (``sim/ledger.py``): after the ``accounts`` phase, firms' and
  households' money changed by exactly their booked flows (``accounts_gap_idr``).

The error is one line naming the rule and the file it comes from, e.g.
``rules.digital_adoption (variant jump, plugin my_rules.py) set level to 5 for 12 firms;
allowed 0–2``. Checks only read the model: a run gives the same results with checks on or off.
``MSME_SIM_CHECK=1`` in the environment switches them on for every model built without ``check=``.
"""

from __future__ import annotations

import inspect
import os
from pathlib import Path

import numpy as np

from sim.rules import _PACKAGE, MECHANISMS, START
from sim.rules.accounts import firm_cash_flows

#: Relative slack for float rounding at a column's bounds and in the accounts.
TOLERANCE = 1e-9
#: Up to this many firm rows the columns are checked as one stacked copy (measured faster).
STACK_ROWS = 5000


class CheckError(Exception):
    """A rule broke a declared range, a column's type or the accounts (one-line message)."""


def default() -> bool:
    """Checks on when ``MSME_SIM_CHECK`` is set to 1/true/yes."""
    return os.environ.get("MSME_SIM_CHECK", "").strip().lower() in ("1", "true", "yes")


def fmt(value: float) -> str:
    return f"{value:,.6g}" if abs(value) < 1e7 else f"{value:,.0f}"


def allowed(low: float | None, high: float | None) -> str:
    if low is None and high is None:
        return "any number"
    if low is not None and high is not None:
        return f"{fmt(low)}–{fmt(high)}"
    return f"≥ {fmt(low)}" if low is not None else f"≤ {fmt(high)}"


def source_of(fn) -> str:
    """'built-in sim/rules/x.py' or 'plugin NAME.py' for the function behind a variant."""
    fn = inspect.unwrap(getattr(fn, "func", fn))
    try:
        file = inspect.getsourcefile(fn) or fn.__code__.co_filename
    except (TypeError, AttributeError):
        return "unknown file"
    path = Path(file).resolve()
    if str(path).startswith(_PACKAGE):
        return f"built-in {path.relative_to(_PACKAGE)}"
    if path.parent.name.startswith("ipykernel_"):  # a function written in a notebook cell
        return "defined in a notebook cell"
    return f"plugin {path.name}"


class Checker:
    """The checks of one model; the model calls it at the start, after each phase and at the end
    of every month."""

    def __init__(self, model):
        self.model = model
        self.phase = "setup"
        self.cash_changes: dict[str, float] = {}
        self.cash_rows: np.ndarray | None = None
        rules = model.scenario.rules
        self.check_cash = "finance" in rules and rules["finance"]["enabled"]
        self.check_market = "market" in rules and rules["market"]["enabled"]
        s = model.state
        self.ranged = [
            c
            for c in s.declared.values()
            if np.dtype(c.dtype).kind in "iuf"
            and (c.low is not None or c.high is not None or np.dtype(c.dtype).kind == "f")
        ]
        # bounds as column vectors, widened by the rounding slack
        self.low = np.array(
            [[-np.inf if c.low is None else c.low - TOLERANCE * max(1.0, abs(c.low))]
             for c in self.ranged]
        )  # fmt: skip
        self.high = np.array(
            [[np.inf if c.high is None else c.high + TOLERANCE * max(1.0, abs(c.high))]
             for c in self.ranged]
        )  # fmt: skip

    # --- who did it -----------------------------------------------------------------------------
    def rule(self, phase: str | None = None) -> str:
        """The rule that ran ``phase``: ``rules.NAME (variant V, plugin F)``."""
        phase = phase or self.phase
        if phase == "setup":
            return "the starting firms (population and the mechanisms' setup)"
        if phase == START:
            return "policies and shocks (interventions)"
        use = self.model.scenario.rules[phase]["use"]
        where = source_of(MECHANISMS[phase].variants[use].fn)
        return f"rules.{phase} (variant {use}, {where})"

    def when(self) -> str:
        return "" if self.phase == "setup" else f", month {self.model.month + 1}"

    # --- the checks -----------------------------------------------------------------------------
    def start_month(self) -> None:
        s = self.model.state
        self.cash_changes = {}
        self.cash_rows = np.flatnonzero(s.alive)
        self.cash_total = float(s.cash[self.cash_rows].sum())

    def after(self, phase: str) -> None:
        """Verify the columns and accounts once ``phase`` has run."""
        self.phase = phase
        self.columns()
        self.market()
        s = self.model.state
        total = float(s.cash[self.cash_rows].sum())
        if total != self.cash_total:
            self.cash_changes[phase] = total - self.cash_total
        self.cash_total = total
        if phase == "accounts":
            self.accounts()

    def end_month(self) -> None:
        if self.check_cash and self.cash_rows is not None:
            self.cash()

    def columns(self) -> None:
        """Every checked column against its bounds: the minima and maxima of all rows first
        (no copies; NaN fails every comparison), the living firms' values only on a failure
        (a closed firm keeps its last values, which are not checked again)."""
        s = self.model.state
        if s.n == 0:
            return
        if s.n <= STACK_ROWS:  # one copy, two reductions: fastest for small models
            values = np.stack([s[c.name] for c in self.ranged])
            low, high = values.min(axis=1), values.max(axis=1)
        else:  # no copy, two reductions per column
            low = np.fromiter((s[c.name].min() for c in self.ranged), float, len(self.ranged))
            high = np.fromiter((s[c.name].max() for c in self.ranged), float, len(self.ranged))
        ok = (low >= self.low[:, 0]) & (high <= self.high[:, 0]) & np.isfinite(low)
        ok &= np.isfinite(high)
        if ok.all():
            return
        failing = [c for c, good in zip(self.ranged, ok, strict=True) if not good]
        values = np.stack([s[c.name] for c in failing]).compress(s.alive, axis=1)
        index = [self.ranged.index(c) for c in failing]
        lows, highs = self.low[index], self.high[index]
        with np.errstate(invalid="ignore"):
            bad = ~np.isfinite(values) | (values < lows) | (values > highs)
        if not bad.any():
            return  # only closed firms' rows are out of range
        i = int(np.flatnonzero(bad.any(axis=1))[0])
        c, wrong = failing[i], values[i][bad[i]]
        finite = wrong[np.isfinite(wrong)]
        if len(finite) < len(wrong):
            to = "nan or infinity"
        elif finite.min() == finite.max():
            to = fmt(float(finite[0]))
        else:
            to = f"values from {fmt(float(finite.min()))} to {fmt(float(finite.max()))}"
        raise CheckError(
            f"{self.rule()} set {c.name} to {to} for {len(wrong)} firms; allowed "
            f"{allowed(c.low, c.high)} ({c.unit}: {c.doc}){self.when()}"
        )

    def market(self) -> None:
        flows = getattr(self.model.shared, "flows", None) if self.check_market else None
        if not flows:
            return
        spending = flows["household_spending_idr"] + flows["outside_spending_idr"]
        scale = TOLERANCE * max(spending, 1.0)
        served = flows["revenue_total_idr"] + flows["unserved_demand_idr"]
        if abs(served - spending) > scale:
            raise CheckError(
                f"{self.rule()} left the market's accounts open: revenue + unserved demand = "
                f"Rp {fmt(served)} but households and outside buyers spent Rp {fmt(spending)}"
            )
        revenue = float(self.model.state.revenue.sum())
        if abs(revenue - flows["revenue_total_idr"]) > scale:
            raise CheckError(
                f"{self.rule()} changed firms' revenue outside the market: the firms' revenue "
                f"column sums to Rp {fmt(revenue)} but buyers paid Rp "
                f"{fmt(flows['revenue_total_idr'])}"
            )

    def cash(self) -> None:
        s, rows = self.model.state, self.cash_rows
        closed = np.zeros(s.n, dtype=bool)
        closed[rows] = ~s.alive[rows]
        flows = float(firm_cash_flows(s, closed)[rows].sum())
        change = sum(self.cash_changes.values())
        scale = float(np.abs(s.revenue[rows]).sum() + np.abs(s.cash[rows]).sum())
        if abs(change - flows) > TOLERANCE * max(scale, 1.0) + 1.0:
            # plugins first: they are the likelier cause
            who = sorted(self.cash_changes, key=lambda p: "built-in" in self.rule(p))
            names = ", ".join(self.rule(p) for p in who) or "no rule"
            raise CheckError(
                f"month {self.model.month + 1}: firms' cash changed by Rp {fmt(change)} but their "
                f"booked flows (profit − drawings + new loans − repayments − investment + grants "
                f"− cash handed on at closing) are Rp "
                f"{fmt(flows)}: Rp {fmt(change - flows)} appeared from nowhere; cash was changed "
                f"by {names} (record money a rule gives or takes in these flow columns)"
            )

    def accounts(self) -> None:
        """The month's transactions matrix closes: no unbooked change in money."""
        sh = self.model.shared
        scale = sum(abs(v) for v in sh.ledger.values())
        if sh.accounts_gap_idr > TOLERANCE * max(scale, 1.0) + 1.0:
            raise CheckError(
                f"month {self.model.month + 1}: firms' or households' money changed by Rp "
                f"{fmt(sh.accounts_gap_idr)} more than their booked flows (sim/ledger.py): a "
                f"rule moved money without booking it (cash changed by "
                f"{', '.join(self.rule(p) for p in self.cash_changes) or 'no rule'})"
            )

    def value(self, name: str, value, row: int) -> None:
        """A per-firm rule writes ``firm.NAME = value``: refuse a value its column cannot hold."""
        column = self.model.state.declared[name]
        kind = np.dtype(column.dtype).kind
        if (
            kind in "iub"
            and isinstance(value, float | np.floating)
            and not float(value).is_integer()
        ):
            raise CheckError(
                f"{self.rule()} set {name} to {value!r} for firm row {row}; {name} holds whole "
                f"numbers ({column.dtype}), allowed {allowed(column.low, column.high)}"
            )
