"""The regency's transactions matrix (Godley & Lavoie 2007; Caiani et al. 2016): every rupiah a
rule moves between sectors is booked here, under one of the named transactions below, and the
``accounts`` mechanism (``sim/rules/accounts.py``) checks at the end of every month that each
sector's booked flows equal the change in its money.

Sectors: the regency's households, its firms, the government (policy budgets), banks (KUR-like
credit) and everything outside the regency (suppliers, buyers, employers and relatives outside,
the large firms households also buy from). A transaction has one payer and one payee, so every
row of the matrix sums to zero by construction; the columns are the check.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SECTORS = ("households", "firms", "government", "banks", "outside")


@dataclass(frozen=True)
class Transaction:
    name: str
    payer: str
    payee: str
    doc: str


TRANSACTIONS = {
    t.name: t
    for t in (
        Transaction("household_purchases", "households", "firms", "households' MSME purchases"),
        Transaction(
            "other_consumption",
            "households",
            "outside",
            "households' other spending (large firms, goods from outside the regency)",
        ),
        Transaction("outside_sales", "outside", "firms", "outside buyers' purchases"),
        Transaction(
            "outside_income",
            "outside",
            "households",
            "income from outside the MSME sector (farm work, remittances, transfers)",
        ),
        Transaction("wages", "firms", "households", "wages paid to the village's households"),
        Transaction("drawings", "firms", "households", "owners' drawings"),
        Transaction(
            "outside_costs",
            "firms",
            "outside",
            "inputs, rent, utilities, data, fees and devices paid outside the regency, net of "
            "the savings collaboration brings",
        ),
        Transaction("investment", "firms", "outside", "capacity bought from suppliers outside"),
        Transaction("interest", "firms", "banks", "interest on loans"),
        Transaction("loans", "banks", "firms", "new loans"),
        Transaction("repayments", "firms", "banks", "loan principal repaid"),
        Transaction("public_transfers", "government", "firms", "grants paid into firms' cash"),
        Transaction(
            "public_purchases",
            "government",
            "outside",
            "policy spending on trainers, devices, data, facilities and platforms",
        ),
        Transaction(
            "closing_cash", "firms", "households", "a closing firm's cash, to its owner's household"
        ),
        Transaction(
            "unpaid_bills",
            "outside",
            "firms",
            "a closing firm's overdraft: bills its suppliers never get paid",
        ),
        Transaction(
            "entry_capital",
            "households",
            "firms",
            "an entrant's starting cash, from its village's households' savings",
        ),
        Transaction(
            "outside_capital",
            "outside",
            "firms",
            "an entrant's starting cash when the households are not modelled",
        ),
    )
}


def book(model, name: str, amount: float) -> None:
    """Add ``amount`` (Rp, this month) to transaction ``name`` of the month's ledger."""
    if name not in TRANSACTIONS:
        raise KeyError(f"unknown transaction {name!r}; known: {', '.join(TRANSACTIONS)}")
    ledger = model.shared.ledger
    ledger[name] = ledger.get(name, 0.0) + float(amount)


def matrix(ledger: dict[str, float]) -> np.ndarray:
    """The month's transactions matrix: one row per transaction, one column per sector;
    the payer's entry is negative, the payee's positive (every row sums to zero)."""
    out = np.zeros((len(TRANSACTIONS), len(SECTORS)))
    for i, t in enumerate(TRANSACTIONS.values()):
        amount = ledger.get(t.name, 0.0)
        out[i, SECTORS.index(t.payer)] -= amount
        out[i, SECTORS.index(t.payee)] += amount
    return out
