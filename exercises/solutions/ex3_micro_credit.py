"""Exercise 3, a solution: micro-credit for poor owners short of cash."""

from sim.ledger import book
from sim.rules import mechanism, variant

mechanism("micro_credit", after="finance")


@variant("micro_credit", "small_loans")
def small_loans(
    model, rng, *, loan_idr=2.0e6, cash_below_idr=1.0e6, approval=0.5, term_months=12, rate=0.24
):
    """Lend to poor owners short of cash (vectorised over all firms: model.state columns)."""
    s = model.state
    draws = rng.random(s.n)
    borrow = s.alive & s.poor & (s.debt <= 0) & (s.cash < cash_below_idr) & (draws < approval)
    s.cash[borrow] += loan_idr
    s.debt[borrow] += loan_idr
    s.new_loan[borrow] += loan_idr  # a flow: the firm's cash changes by its flows
    book(model, "loans", loan_idr * borrow.sum())  # the banks' money: the regency's accounts close
    s.loan_payment[borrow] = loan_idr / term_months
    s.loan_rate[borrow] = rate
