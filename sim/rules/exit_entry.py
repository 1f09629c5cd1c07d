"""Exit and entry: firms close when cash runs out, after sustained losses or by an age-dependent
hazard; new firms open when running one is expected to pay more than the outside option.

Assumption: a firm exits when it owes more than its suppliers and family carry (cash below
−``credit_months`` of its fixed cost), after ``max_loss_months`` consecutive loss
months, or by a background hazard (owner health, migration, giving up) that falls with the firm's
age: yearly rate ``mature_exit_rate`` + (``young_exit_rate`` − ``mature_exit_rate``) ×
exp(−age / ``hazard_decay_years``), the shape of Jovanovic (1982) and Evans (1987): young firms
learn whether they are viable and exit more often. Firms present at the start are taken to be
``initial_age_years`` old. Entrants come at a base yearly rate ``entry_rate`` per living firm,
scaled by how the expected owner income (the mean profit of living firms, a running mean with
weight ``expectation_memory`` on the newest month, as known before this month) compares with
the outside option, a wage ``outside_income_idr``: rate × clip((expected ÷
outside)^``entry_elasticity``, 0, ``max_entry_multiple``). Entrants are drawn from the same
distributions as the initial firms, in villages in proportion to their firm counts; their
starting cash is raised from their village's households' savings.
"""

from __future__ import annotations

import numpy as np

from sim.ledger import book
from sim.params import ASSUMPTION
from sim.rules import Column, SharedField, mechanism, rule_table, variant

HAZARD = "Jovanovic (1982); Evans (1987): exit hazard falls with firm age; values assumption"

M = mechanism(
    "exit_entry",
    after="finance",
    columns=(
        Column("loss_streak", "int16", 0, "months", "consecutive months with a loss", 0),
        Column("start_age", "int32", 0, "months", "age at the model start (0 for entrants)", 0),
    ),
    shared=(
        SharedField("expected_income", None, "Rp/month", "expected owner income of a firm"),
        SharedField("entry_multiple", 1.0, "×", "this month's entry rate ÷ the base rate"),
    ),
)


P = rule_table(
    "exit_entry",
    (
        "max_loss_months",
        6,
        "months",
        ASSUMPTION,
        "consecutive loss months before closing",
        {"ge": 1},
    ),
    (
        "credit_months",
        1.0,
        "months of fixed cost",
        ASSUMPTION + " (suppliers' credit, kasbon and family loans carry a short overdraft)",
        "overdraft a firm can carry before it closes",
        {"ge": 0.0},
    ),
    (
        "young_exit_rate",
        0.1,
        "1/year",
        HAZARD,
        "background closures of a new firm",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "mature_exit_rate",
        0.02,
        "1/year",
        HAZARD,
        "background closures of an old firm",
        {"ge": 0.0, "le": 1.0},
    ),
    ("hazard_decay_years", 3.0, "years", HAZARD, "age scale of the hazard's fall", {"gt": 0.0}),
    (
        "initial_age_years",
        8.0,
        "years",
        ASSUMPTION,
        "age of firms present at the start",
        {"ge": 0.0},
    ),
    ("entry_rate", 0.08, "1/year", ASSUMPTION, "new firms per living firm at parity", {"ge": 0.0}),
    (
        "outside_income_idr",
        2.0e6,
        "Rp/month",
        "order of BPS Sakernas mean net earnings of informal workers (about Rp 2 M/month, "
        "2023); value assumption",
        "outside option of a would-be owner",
        {"gt": 0.0},
    ),
    (
        "entry_elasticity",
        5.0,
        "-",
        ASSUMPTION + " (entry close to free entry: 10% above the outside option → +61% entry)",
        "response of entry to expected income ÷ outside option",
        {"ge": 0.0},
    ),
    (
        "max_entry_multiple",
        4.0,
        "×",
        ASSUMPTION,
        "largest multiple of the base entry rate",
        {"ge": 0.0},
    ),
    (
        "expectation_memory",
        0.25,
        "share",
        ASSUMPTION,
        "weight of this month in the expected income",
        {"gt": 0.0, "le": 1.0},
    ),
)


def exit_hazard(age_months, young_exit_rate, mature_exit_rate, hazard_decay_years):
    """Monthly background exit probability of firms of ``age_months`` (falls with age)."""
    years = np.asarray(age_months, dtype=float) / 12.0
    yearly = mature_exit_rate + (young_exit_rate - mature_exit_rate) * np.exp(
        -years / hazard_decay_years
    )
    return 1 - (1 - yearly) ** (1 / 12)


def entry_multiple(expected, outside_income_idr, entry_elasticity, max_entry_multiple):
    """Entry rate relative to the base rate for an expected owner income (bounded, ≥ 0)."""
    ratio = max(expected, 0.0) / outside_income_idr
    return float(np.clip(ratio**entry_elasticity, 0.0, max_entry_multiple))


@M.on_setup
def start(model, rng):
    """Firms present at the start are established: give them the starting age."""
    s = model.state
    years = model.scenario.rules["exit_entry"].get("initial_age_years", P.initial_age_years)
    s.start_age = np.where(s.alive, round(12 * years), 0)


@variant("exit_entry", "losses_and_cash", default=True)
def losses_and_cash(
    model,
    rng,
    *,
    max_loss_months=P.max_loss_months,
    credit_months=P.credit_months,
    young_exit_rate=P.young_exit_rate,
    mature_exit_rate=P.mature_exit_rate,
    hazard_decay_years=P.hazard_decay_years,
    initial_age_years=P.initial_age_years,
    entry_rate=P.entry_rate,
    outside_income_idr=P.outside_income_idr,
    entry_elasticity=P.entry_elasticity,
    max_entry_multiple=P.max_entry_multiple,
    expectation_memory=P.expectation_memory,
):
    """Close failing firms, then add entrants (a Poisson number each month)."""
    s, sh = model.state, model.shared
    draws = rng.random(s.n)
    s.loss_streak = np.where(s.profit < 0, s.loss_streak + 1, 0) * s.alive
    hazard = exit_hazard(
        s.start_age + s.age_months, young_exit_rate, mature_exit_rate, hazard_decay_years
    )
    # Entrants decide on what was known before this month (the base rate in the first month).
    if sh.expected_income is not None:
        sh.entry_multiple = entry_multiple(
            sh.expected_income, outside_income_idr, entry_elasticity, max_entry_multiple
        )
    living = s.alive.sum()
    mean_profit = float(s.profit[s.alive].mean()) if living else 0.0
    prior = mean_profit if sh.expected_income is None else sh.expected_income
    sh.expected_income = prior + expectation_memory * (mean_profit - prior)
    insolvent = s.cash < -credit_months * s.fixed_cost - 1.0  # 1 Rp: rounding at 0
    closing = s.alive & (insolvent | (s.loss_streak >= max_loss_months) | (draws < hazard))
    del draws, hazard, insolvent  # whole-table temporaries, freed before the table grows
    model.close_firms(np.flatnonzero(closing))
    del closing
    entrants = rng.poisson(entry_rate / 12 * sh.entry_multiple * s.alive.sum())
    if entrants:
        first = s.n
        model.open_firms(int(entrants), rng)
        raise_capital(model, np.arange(first, model.state.n))


def raise_capital(model, rows: np.ndarray) -> None:
    """Entrants' starting cash comes from their villages' other households' savings (a member
    of those households becomes an owner), at most what those savings hold; without modelled
    households it comes from outside the regency. Both are booked (``sim.ledger``)."""
    s, sh = model.state, model.shared
    if sh.household_savings is None or sh.capital_transfers is None:
        book(model, "outside_capital", float(s.cash[rows].sum()))
        return
    v = model.villages.count
    other = slice(4, 6)  # other_poor, other_nonpoor (sim/rules/households.GROUPS)
    held = np.maximum(sh.household_savings[:, other] + sh.capital_transfers[:, other], 0.0)
    wanted = np.bincount(s.village[rows], weights=s.cash[rows], minlength=v)
    scale = np.divide(held.sum(axis=1), wanted, out=np.ones(v), where=wanted > 0)
    scale = np.minimum(scale, 1.0)
    s.cash[rows] *= scale[s.village[rows]]
    raised = wanted * scale
    part = np.divide(
        held,
        held.sum(axis=1, keepdims=True),
        out=np.zeros_like(held),
        where=held.sum(axis=1, keepdims=True) > 0,
    )
    sh.capital_transfers[:, other] -= part * raised[:, None]
    book(model, "entry_capital", float(raised.sum()))
