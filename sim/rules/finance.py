"""Finance: monthly accounts, household drawings and KUR-like credit.

Assumption: profit = revenue − input cost − fixed cost − data cost − interest − other costs.
Owners draw a share of positive profit for the household, and at least a subsistence amount when
cash allows; poor owners draw a larger share (little buffer, Sidoarjo study seeds/001). Firms
short of cash apply for a loan; approval is more likely for non-poor owners (Sidoarjo: little
access to bank support), and a bank lends at most what the firm's profit can repay
(``repayment_capacity`` of monthly profit per instalment). A loan is working capital: owners do
not draw it. Rates follow the KUR scheme: 3%/year for super-micro loans up to
Rp 10 M, 6%/year on a first larger loan rising one point per repeat loan to 9%. Loans are repaid
in equal monthly principal instalments. A share ``wage_share`` of the fixed cost is wages paid to
the village's households (their income, ``sim/rules/households.py``); the rest leaves the
regency. Cash identity per firm and month:
Δcash = profit − drawings + new loans − repayments (growth's investment and a policy's grant
come on top, ``sim.rules.accounts.firm_cash_flows``). A closing firm's cash goes to its owner's
household (an overdraft is a bill its suppliers never get paid) and its loan is written off by
the bank.
"""

from __future__ import annotations

import numpy as np

from sim.ledger import book
from sim.outcomes import NEITHER
from sim.params import ASSUMPTION, KUR_2023, SIDOARJO
from sim.rules import Column, SharedField, mechanism, rule_table, variant
from sim.rules.common import data_cost

M = mechanism(
    "finance",
    after="co_creation",
    columns=(
        Column("debt", "float64", 0.0, "Rp", "outstanding loan principal", 0),
        Column("loan_rate", "float64", 0.0, "1/year", "interest rate of the current loan", 0),
        Column("loan_payment", "float64", 0.0, "Rp/month", "scheduled principal repayment", 0),
        Column("loans_taken", "int16", 0, "loans", "number of loans taken so far", 0),
        Column("new_loan", "float64", 0.0, "Rp", "loan received this month", 0),
        Column("repayment", "float64", 0.0, "Rp", "principal repaid this month", 0),
        Column("credit_offer", "bool", False, "-", "offered a subsidised KUR loan this month"),
        Column("wages_idr", "float64", 0.0, "Rp/month", "wages paid to local households", 0),
        Column("interest_idr", "float64", 0.0, "Rp/month", "interest paid this month", 0),
        Column("closing_cash_idr", "float64", 0.0, "Rp", "cash handed on when the firm closed"),
    ),
    shared=(
        SharedField(
            "debt_written_off_idr", 0.0, "Rp", "loans of closing firms written off", monthly=True
        ),
    ),
)


P = rule_table(
    "finance",
    (
        "wage_share",
        0.5,
        "share of fixed cost",
        ASSUMPTION + " (the rest: rent, utilities, transport paid outside the regency)",
        "part of a firm's fixed cost paid as wages to the village's households",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "draw_share",
        0.6,
        "share of profit",
        ASSUMPTION,
        "household drawings, non-poor owners",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "poor_draw_share",
        0.85,
        "share of profit",
        SIDOARJO + "; value assumption",
        "household drawings, poor owners",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "subsistence_idr",
        1.0e6,
        "Rp/month",
        ASSUMPTION + " (near the rural poverty line per household)",
        "minimum drawings when cash allows",
        {"ge": 0.0},
    ),
    (
        "cash_buffer_months",
        0.5,
        "months of costs",
        ASSUMPTION,
        "a firm seeks a loan when cash falls below this",
        {"ge": 0.0},
    ),
    (
        "credit_access",
        0.25,
        "1/month",
        ASSUMPTION,
        "monthly approval chance, non-poor owners",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "poor_credit_access",
        0.1,
        "1/month",
        SIDOARJO + ": little access to bank loans",
        "monthly approval chance, poor owners",
        {"ge": 0.0, "le": 1.0},
    ),
    ("loan_revenue_months", 2.0, "months of revenue", ASSUMPTION, "loan size", {"ge": 0.0}),
    (
        "repayment_capacity",
        0.3,
        "share of profit",
        ASSUMPTION + " (banks' repayment-capacity check in KUR appraisal; share assumed)",
        "largest instalment a bank allows, as a share of the firm's monthly profit",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "loan_ceiling_idr",
        5.0e7,
        "Rp",
        KUR_2023 + " (micro KUR ceiling Rp 50 M)",
        "largest loan",
        {"ge": 0.0},
    ),
    (
        "super_micro_limit_idr",
        1.0e7,
        "Rp",
        KUR_2023,
        "loans up to this are super-micro",
        {"ge": 0.0},
    ),
    ("super_micro_rate", 0.03, "1/year", KUR_2023, "super-micro interest rate", {"ge": 0.0}),
    ("first_rate", 0.06, "1/year", KUR_2023, "rate on a first larger loan", {"ge": 0.0}),
    ("repeat_rate_step", 0.01, "1/year", KUR_2023, "rate rise per repeat loan", {"ge": 0.0}),
    ("max_rate", 0.09, "1/year", KUR_2023, "rate cap for repeat loans", {"ge": 0.0}),
    ("term_months", 12, "months", ASSUMPTION, "loan term", {"ge": 1}),
)


def kur_rate(
    amount: np.ndarray,
    loans_taken: np.ndarray,
    super_micro_limit_idr: float,
    super_micro_rate: float,
    first_rate: float,
    repeat_rate_step: float,
    max_rate: float,
) -> np.ndarray:
    """KUR-like annual rate of a loan of ``amount`` after ``loans_taken`` earlier loans."""
    larger = np.minimum(first_rate + repeat_rate_step * loans_taken, max_rate)
    return np.where(amount <= super_micro_limit_idr, super_micro_rate, larger)


@variant("finance", "drawings_credit", default=True)
def drawings_credit(
    model,
    rng,
    *,
    draw_share=P.draw_share,
    poor_draw_share=P.poor_draw_share,
    subsistence_idr=P.subsistence_idr,
    cash_buffer_months=P.cash_buffer_months,
    credit_access=P.credit_access,
    poor_credit_access=P.poor_credit_access,
    loan_revenue_months=P.loan_revenue_months,
    repayment_capacity=P.repayment_capacity,
    loan_ceiling_idr=P.loan_ceiling_idr,
    super_micro_limit_idr=P.super_micro_limit_idr,
    super_micro_rate=P.super_micro_rate,
    first_rate=P.first_rate,
    repeat_rate_step=P.repeat_rate_step,
    max_rate=P.max_rate,
    term_months=P.term_months,
    wage_share=P.wage_share,
):
    """Accounts, drawings, repayments and new loans for every living firm."""
    s, alive = model.state, model.state.alive
    s.input_cost = s.sales * s.unit_cost
    s.data_cost = data_cost(s, model.villages, s.level, model.scenario.connectivity) * alive
    interest = s.debt * s.loan_rate / 12 * alive
    s.profit = (
        s.revenue - s.input_cost - s.fixed_cost * alive - s.data_cost - interest - s.extra_cost
    )

    repayment = np.minimum(s.loan_payment, s.debt) * alive
    after = s.cash + s.profit - repayment
    short = alive & (s.debt <= 0) & (after < cash_buffer_months * (s.input_cost + s.fixed_cost))
    draws = rng.random(s.n)  # this phase's only draws
    approved = short & (draws < np.where(s.poor, poor_credit_access, credit_access))
    del draws, short
    approved |= alive & s.credit_offer & (s.debt <= 0)  # a subsidised KUR loan (policy)
    s.credit_offer = False
    # The approved firms' loans (a few a month): at most what their profit can repay.
    rows = np.flatnonzero(approved)
    serviceable = repayment_capacity * np.maximum(s.profit[rows], 0.0) * term_months
    wanted_loan = np.minimum(loan_revenue_months * s.customers[rows], loan_ceiling_idr)
    s.new_loan = 0.0
    amount = s.new_loan
    amount[rows] = np.minimum(wanted_loan, serviceable)
    rows = rows[amount[rows] > 0]
    rate = kur_rate(
        amount[rows],
        s.loans_taken[rows],
        super_micro_limit_idr,
        super_micro_rate,
        first_rate,
        repeat_rate_step,
        max_rate,
    )

    # In place: at a million firms each whole-firm array is 8 MB (the month's peak memory).
    available = np.maximum(after, 0.0, out=after)  # a loan is working capital
    wanted = np.maximum(s.profit, 0.0)
    wanted *= np.where(s.poor, poor_draw_share, draw_share)
    np.maximum(wanted, subsistence_idr, out=wanted)
    s.drawings = np.minimum(wanted, available) * alive
    del available, wanted

    s.wages_idr = wage_share * s.fixed_cost * alive
    s.interest_idr = interest
    s.cash += (s.profit - s.drawings + amount - repayment) * alive
    s.debt += amount - repayment
    s.repayment = repayment
    s.loan_rate[rows] = rate
    s.loan_payment[rows] = amount[rows] / term_months
    s.loans_taken[rows] += 1
    wages = float(s.wages_idr.sum())
    book(model, "wages", wages)
    book(model, "drawings", float(s.drawings.sum()))
    book(model, "interest", float(interest.sum()))
    book(model, "loans", float(amount.sum()))
    book(model, "repayments", float(repayment.sum()))
    paid_outside = s.input_cost + s.fixed_cost + s.data_cost + s.extra_cost
    book(model, "outside_costs", float((paid_outside * alive).sum()) - wages)


@M.on_close
def hand_on_cash(model, rows) -> None:
    """A closing firm's cash goes to its owner's household (its overdraft, if any, is bills its
    suppliers never get paid); its bank writes the loan off."""
    s, sh = model.state, model.shared
    cash = s.cash[rows].copy()
    s.closing_cash_idr[rows] = cash
    kept = np.maximum(cash, 0.0)
    book(model, "closing_cash", float(kept.sum()))
    book(model, "unpaid_bills", float(np.maximum(-cash, 0.0).sum()))
    if sh.capital_transfers is not None:  # the households' savings receive it next month
        group = np.where(s.poor[rows], 0, 1)  # owner_poor, owner_nonpoor
        np.add.at(sh.capital_transfers, (s.village[rows], group), kept)
    sh.debt_written_off_idr += float(s.debt[rows].sum())
    s.cash[rows] = 0.0
    s.debt[rows] = 0.0
    s.loan_payment[rows] = 0.0


@M.outcome(
    "loans_outstanding_idr",
    label="Outstanding loans",
    unit="Rp",
    kind="idr",
    better=NEITHER,
    aggregation="sum over living firms",
)
def loans_outstanding(m):
    """Outstanding loan principal of living firms, Rp."""
    return float((m.state.debt * m.state.alive).sum())
