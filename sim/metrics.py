"""Monthly aggregate outcomes; the end-of-run summary is the last month's row.

Each metric is a small function of the model registered with :func:`metric`; they run once a
month over the columns (no per-firm loop) and their names are the columns of ``monthly.parquet``
and the keys of ``summary.json``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

METRICS: dict[str, tuple[Callable, str]] = {}


def metric(name: str, doc: str) -> Callable:
    """Register ``fn(model) -> float`` as the monthly outcome ``name``."""

    def add(fn: Callable) -> Callable:
        METRICS[name] = (fn, doc)
        return fn

    return add


def _mean(values: np.ndarray, mask: np.ndarray) -> float:
    count = mask.sum()
    return float(values[mask].mean()) if count else 0.0


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = equal, 1 = one holds all)."""
    x = np.sort(np.clip(values, 0, None))
    n, total = len(x), x.sum()
    if n == 0 or total <= 0:
        return 0.0
    return float((2 * np.arange(1, n + 1) - n - 1) @ x / (n * total))


@metric("firms_alive", "living firms")
def firms_alive(m):
    return float(m.state.alive.sum())


@metric("survival_rate", "share of the initial firms still alive")
def survival_rate(m):
    s = m.state
    return float((s.alive & s.founder).sum() / max(s.founder.sum(), 1))


@metric("digital_share", "share of living firms at digital level >= 1")
def digital_share(m):
    return _mean(m.state.level >= 1, m.state.alive)


@metric("marketplace_share", "share of living firms at digital level >= 2")
def marketplace_share(m):
    return _mean(m.state.level >= 2, m.state.alive)


def _level_share(level: int) -> Callable:
    return lambda m: _mean(m.state.level == level, m.state.alive)


for _level, _name in enumerate(("offline", "messaging", "marketplace")):
    metric(f"share_level_{_level}", f"share of living firms at level {_level} ({_name})")(
        _level_share(_level)
    )


@metric("mean_literacy", "mean owner digital literacy (0-1) of living firms")
def mean_literacy(m):
    return _mean(m.state.literacy, m.state.alive)


@metric("mean_revenue_idr", "mean monthly revenue of living firms, Rp")
def mean_revenue(m):
    return _mean(m.state.revenue, m.state.alive)


@metric("mean_profit_idr", "mean monthly profit of living firms, Rp")
def mean_profit(m):
    return _mean(m.state.profit, m.state.alive)


@metric("mean_income_idr", "mean owner income (household drawings) of living firms, Rp/month")
def mean_income(m):
    return _mean(m.state.drawings, m.state.alive)


@metric("poor_owner_mean_income_idr", "mean owner income of living poor-owner firms, Rp/month")
def poor_owner_income(m):
    return _mean(m.state.drawings, m.state.alive & m.state.poor)


@metric("gini_income", "Gini coefficient of owner income among living firms")
def gini_income(m):
    return gini(m.state.drawings[m.state.alive])


@metric("online_revenue_share", "share of living firms' demand that came from online channels")
def online_share(m):
    s = m.state
    total = (s.demand * s.alive).sum()
    return float((s.online_demand * s.alive).sum() / total) if total > 0 else 0.0


@metric("loans_outstanding_idr", "outstanding loan principal of living firms, Rp")
def loans_outstanding(m):
    return float((m.state.debt * m.state.alive).sum())


@metric("entries", "firms opened this month")
def entries(m):
    return float(m.entries_this_month)


@metric("exits", "firms closed this month")
def exits(m):
    return float(m.exits_this_month)


@metric("policy_spend_idr", "cumulative policy spending, Rp")
def policy_spend(m):
    return float(m.policy_spend_idr)
