"""Economy-wide monthly outcomes: firms, survival, revenue, profit, owners' income, turnover,
policy spending and input costs. Each mechanism declares its own outcomes in its file; the
end-of-run summary is the last month's row of all of them.
"""

from __future__ import annotations

import numpy as np

from sim.declarations import SharedField, Unit
from sim.outcomes import HIGHER, LOWER, NEITHER
from sim.rules.common import gini, mean_where

FIRMS = Unit(
    "firms",
    shared=(
        SharedField(
            "input_price_factor", 1.0, "×", "this month's input price level (shocks)", monthly=True
        ),
        SharedField(
            "ledger", {}, "Rp", "this month's booked transactions (sim/ledger.py)", monthly=True
        ),
    ),
    origin=__file__,
)
LIVING_MEAN = "mean over living firms"
outcome = FIRMS.outcome


@outcome(
    "firms_alive",
    label="Firms alive",
    unit="firms",
    kind="count",
    better=HIGHER,
    aggregation="count of living firms",
)
def firms_alive(m):
    """Living firms."""
    return float(m.state.alive.sum())


@outcome(
    "survival_rate",
    label="Survival of initial firms",
    unit="%",
    kind="share",
    better=HIGHER,
    aggregation="share of the initial firms still alive",
)
def survival_rate(m):
    """Share of the initial firms still alive."""
    s = m.state
    return float((s.alive & s.founder).sum() / max(s.founder.sum(), 1))


@outcome(
    "mean_revenue_idr",
    label="Mean revenue",
    unit="Rp/month",
    kind="idr",
    better=HIGHER,
    aggregation=LIVING_MEAN,
)
def mean_revenue(m):
    """Mean monthly revenue of living firms, Rp."""
    return mean_where(m.state.revenue, m.state.alive)


@outcome(
    "mean_profit_idr",
    label="Mean profit",
    unit="Rp/month",
    kind="idr",
    better=HIGHER,
    aggregation=LIVING_MEAN,
)
def mean_profit(m):
    """Mean monthly profit of living firms, Rp."""
    return mean_where(m.state.profit, m.state.alive)


@outcome(
    "gini_income",
    label="Income inequality (Gini)",
    unit="0-1",
    kind="index",
    better=LOWER,
    aggregation="Gini over living firms' owners",
)
def gini_income(m):
    """Gini coefficient of owner income among living firms."""
    return gini(m.state.drawings[m.state.alive])


@outcome(
    "entries",
    label="Firms opened (month)",
    unit="firms",
    kind="count",
    better=NEITHER,
    aggregation="firms opened this month",
)
def entries(m):
    """Firms opened this month."""
    return float(m.entries_this_month)


@outcome(
    "exits",
    label="Firms closed (month)",
    unit="firms",
    kind="count",
    better=LOWER,
    aggregation="firms closed this month",
)
def exits(m):
    """Firms closed this month."""
    return float(m.exits_this_month)


@outcome(
    "policy_spend_idr",
    label="Policy spending (cumulative)",
    unit="Rp",
    kind="idr",
    better=NEITHER,
    aggregation="cumulative since the start",
)
def policy_spend(m):
    """Cumulative policy spending, Rp."""
    return float(m.policy_spend_idr)


@outcome(
    "mean_unit_input_cost_idr",
    label="Mean unit input cost",
    unit="Rp/unit",
    kind="idr",
    better=LOWER,
    aggregation=LIVING_MEAN,
)
def mean_unit_input_cost(m):
    """Mean input cost per unit paid by living firms, Rp."""
    return mean_where(m.state.unit_cost, m.state.alive)


@outcome(
    "mean_input_cost_ratio",
    label="Unit input cost ÷ list price",
    unit="×",
    kind="ratio",
    better=LOWER,
    aggregation=LIVING_MEAN,
)
def mean_input_cost_ratio(m):
    """Mean unit input cost relative to list price (1 = no saving)."""
    s = m.state
    return mean_where(s.unit_cost / np.maximum(s.base_unit_cost, 1e-12), s.alive)
