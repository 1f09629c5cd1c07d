"""Exit and entry: firms close after sustained losses or when cash runs out; new firms open.

Assumption: a firm exits when its cash is negative, after ``max_loss_months`` consecutive loss
months, or by a small background hazard (owner health, migration). New firms enter at a yearly
rate relative to the living population, in villages in proportion to their firm counts, drawn
from the same distributions as the initial firms. Rates are assumptions of the right order for
Indonesian micro firms (high churn); see docs/ODD.md.
"""

from __future__ import annotations

import numpy as np

from sim.params import ASSUMPTION
from sim.rules import Column, mechanism, rule_table, variant

M = mechanism(
    "exit_entry",
    after="finance",
    columns=(Column("loss_streak", "int16", 0, "months", "consecutive months with a loss", 0),),
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
        "background_exit_rate",
        0.03,
        "1/year",
        ASSUMPTION,
        "closures for non-business reasons",
        {"ge": 0.0, "le": 1.0},
    ),
    ("entry_rate", 0.08, "1/year", ASSUMPTION, "new firms per living firm", {"ge": 0.0}),
)


@variant("exit_entry", "losses_and_cash", default=True)
def losses_and_cash(
    model,
    rng,
    *,
    max_loss_months=P.max_loss_months,
    background_exit_rate=P.background_exit_rate,
    entry_rate=P.entry_rate,
):
    """Close failing firms, then add entrants (a Poisson number each month)."""
    s = model.state
    draws = rng.random(s.n)
    s.loss_streak = np.where(s.profit < 0, s.loss_streak + 1, 0) * s.alive
    hazard = 1 - (1 - background_exit_rate) ** (1 / 12)
    closing = s.alive & ((s.cash < 0) | (s.loss_streak >= max_loss_months) | (draws < hazard))
    model.close_firms(np.flatnonzero(closing))
    entrants = rng.poisson(entry_rate / 12 * s.alive.sum())
    if entrants:
        model.open_firms(int(entrants), rng)
