"""Exercise 3: a micro-credit rule (docs/exercises.md).

Each month, after the accounts (finance), a micro-finance group lends `loan_idr` to living firms
of poor owners that have no debt and less than `cash_below_idr` in cash, each approved with
probability `approval`. A loan adds to the firm's cash and debt; record it in `new_loan` (so the
firm's cash changes by its flows: --check verifies it), book the money lent with
`sim.ledger.book(model, "loans", total)` (so the regency's accounts close) and set the monthly
repayment `loan_payment` (the finance rule collects it from next month) and `loan_rate` (a year).
Check it: msme-sim check-exercise 3
"""

from sim.rules import mechanism, variant

mechanism("micro_credit", after="finance")


@variant("micro_credit", "small_loans")
def small_loans(
    model, rng, *, loan_idr=2.0e6, cash_below_idr=1.0e6, approval=0.5, term_months=12, rate=0.24
):
    """Lend to poor owners short of cash (vectorised over all firms: model.state columns)."""
    # s = model.state: the firm columns (s.cash, s.debt, s.poor, s.alive, ...)
    # TODO: draw one random number per firm (rng.random(s.n)), choose the borrowers, and update
    # s.cash, s.debt, s.new_loan, s.loan_payment and s.loan_rate for them; book the total lent.
