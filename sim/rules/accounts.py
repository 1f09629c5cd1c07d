"""Accounts: at the end of every month, the regency's transactions matrix (``sim/ledger.py``) is
closed and checked — each sector's booked flows must equal the change in its money.

Assumption (stock-flow consistency, Godley & Lavoie 2007; Caiani et al. 2016): no rule creates
or destroys money; every rupiah a rule moves is booked under a named transaction with a payer
and a payee. Firms' money is their cash; the households' money is their savings plus what they
have earned or been handed this month and receive next month (wages, drawings, a closing firm's
cash, the budget they could not spend). Government, banks and the outside world close the
matrix: their columns are the month's public spending, net lending and net payments across the
regency's border. ``accounts_gap_idr`` is the largest difference between a checked sector's
booked flows and the change in its money (0 up to rounding); the households are checked from
the second month on (the first month sets their opening savings), and a sector whose mechanism
is switched off (finance for firms, households) is not checked.
"""

from __future__ import annotations

import numpy as np

from sim.ledger import SECTORS, TRANSACTIONS, matrix
from sim.outcomes import LOWER, NEITHER
from sim.rules import SharedField, mechanism, variant

M = mechanism(
    "accounts",
    after="exit_entry",
    shared=(
        SharedField("accounts", None, "Rp", "this month's transactions matrix (rows × sectors)"),
        SharedField("money", None, "Rp", "firms' and households' money at the last month's end"),
        SharedField("accounts_gap_idr", 0.0, "Rp", "largest unbooked change in money this month"),
    ),
)


def firm_cash_flows(state, closed: np.ndarray) -> np.ndarray:
    """Each firm's booked cash flows this month (Δcash, firm by firm): profit − drawings +
    loans − repayments − investment + public grants − the cash handed on by the firms that
    ``closed`` this month. Columns of mechanisms or policies a scenario lacks count as 0."""

    def column(name: str):
        return state[name] if name in state.columns else 0.0

    flows = state.profit - state.drawings + column("new_loan") - column("repayment")
    flows = flows - column("investment_idr") + column("emergency_grant_idr")
    return flows - np.where(closed, column("closing_cash_idr"), 0.0)


def money(model) -> dict[str, float | None]:
    """Firms' cash and the households' money (savings and what they receive next month)."""
    sh, s = model.shared, model.state
    households = None
    if sh.household_savings is not None and sh.flows is not None:
        pending = sh.capital_transfers.sum() + sh.flows["returned_idr"].sum()
        pending += sh.ledger.get("wages", 0.0) + sh.ledger.get("drawings", 0.0)
        households = float(sh.household_savings.sum() + pending)
    # Firms bank their sales and pay their bills in finance: with it off their cash is not kept.
    firms = float(s.cash.sum()) if model.rules.get("finance") is not None else None
    return {"firms": firms, "households": households}


@variant("accounts", "transactions_matrix", default=True)
def transactions_matrix(model, rng) -> None:
    """Close the month's books: the matrix, then each checked sector's gap."""
    sh = model.shared
    sh.accounts = matrix(sh.ledger)
    flows = sh.accounts.sum(axis=0)
    now, before = money(model), sh.money
    gap = 0.0
    if before is not None:
        for sector, value in now.items():
            if value is not None and before[sector] is not None:
                booked = flows[SECTORS.index(sector)]
                gap = max(gap, abs(value - before[sector] - booked))
    sh.accounts_gap_idr = gap
    sh.money = now


@M.outcome(
    "accounts_gap_idr",
    label="Unbooked change in money",
    unit="Rp",
    kind="idr",
    better=LOWER,
    aggregation="largest gap over firms and households this month (0 up to rounding)",
)
def accounts_gap(m):
    """Largest difference between a sector's booked flows and the change in its money."""
    return float(m.shared.accounts_gap_idr)


def _transaction(name: str):
    def value(m):
        return float(m.shared.ledger.get(name, 0.0))

    return value


for _t in TRANSACTIONS.values():
    M.outcome(
        f"flow_{_t.name}_idr",
        label=_t.doc[0].upper() + _t.doc[1:],
        unit="Rp/month",
        kind="idr",
        better=NEITHER,
        aggregation=f"sum this month ({_t.payer} → {_t.payee})",
    )(_transaction(_t.name))
