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
    """Mean of ``values`` where ``mask`` holds (0 when it holds nowhere)."""
    count = np.count_nonzero(mask)
    if not count:
        return 0.0
    return (
        float(np.dot(values, mask) / count)
        if values.dtype.kind == "f"
        else float(
            np.count_nonzero(values & mask) / count if values.dtype == bool else values[mask].mean()
        )
    )


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


# --- collaboration mechanisms ---------------------------------------------------------------------


@metric("pooling_participation", "share of living firms buying through a group pool")
def pooling_participation(m):
    return _mean(m.state.pooling, m.state.alive)


@metric("mean_unit_input_cost_idr", "mean input cost per unit paid by living firms, Rp")
def mean_unit_input_cost(m):
    return _mean(m.state.unit_cost, m.state.alive)


@metric("mean_input_cost_ratio", "mean unit input cost relative to list price (1 = no saving)")
def mean_input_cost_ratio(m):
    s = m.state
    return _mean(s.unit_cost / np.maximum(s.base_unit_cost, 1e-12), s.alive)


@metric("partnerships_active", "partnerships between living firms")
def partnerships_active(m):
    s = m.state
    return float((s.alive & (s.partner >= 0)).sum() / 2)


@metric("partnerships_new_total", "partnerships formed since the start")
def partnerships_new_total(m):
    return float(getattr(m, "partnerships_new_total", 0))


@metric("mean_partnership_profit_idr", "mean monthly profit effect per partnered firm, Rp")
def mean_partnership_profit(m):
    s = m.state
    return _mean(s.partner_gain, s.alive & (s.partner >= 0))


@metric("partnership_profit_total_idr", "profit effect of all partnerships since the start, Rp")
def partnership_profit_total(m):
    return float(getattr(m, "partnership_profit_total_idr", 0.0))


@metric("shared_facility_users", "firms using a shared village facility")
def shared_facility_users(m):
    return float((m.state.facility_user & m.state.alive).sum())


@metric("joint_promotion_share", "share of living firms promoting jointly in their group")
def joint_promotion_share(m):
    return _mean(m.state.joint_promo, m.state.alive)


@metric("mean_trust", "mean trust of living firms (0-1)")
def mean_trust(m):
    return _mean(m.state.trust, m.state.alive)


@metric("mean_information_sharing", "mean information-sharing indicator of villages (0-1)")
def mean_information_sharing(m):
    governance = getattr(m, "governance", None)
    if governance is None:
        return 0.0
    from sim.rules.governance import INFO

    return float(governance[:, INFO].mean())


@metric("mean_knowledge", "mean business knowledge of living firms (0-1)")
def mean_knowledge(m):
    return _mean(m.state.knowledge, m.state.alive)


@metric("knowledge_from_weak_share", "share of knowledge learned this month over weak ties")
def knowledge_from_weak_share(m):
    flow = getattr(m, "knowledge_flow", None)
    total = flow["weak"] + flow["strong"] if flow else 0.0
    return float(flow["weak"] / total) if total > 0 else 0.0


@metric("weak_tie_novelty", "mean knowledge gap carried per weak tie ÷ per strong tie")
def weak_tie_novelty(m):
    flow = getattr(m, "knowledge_flow", None)
    strong = flow["gap_strong"] if flow else 0.0
    return float(flow["gap_weak"] / strong) if strong > 0 else 0.0


@metric("cocreation_share", "share of living firms co-creating with customers")
def cocreation_share(m):
    return _mean(m.state.cocreating, m.state.alive)


@metric("mean_customer_loyalty", "mean customer loyalty of living firms (0-1)")
def mean_customer_loyalty(m):
    return _mean(m.state.loyalty, m.state.alive)


@metric("skilled_workers", "skilled workers in living craft firms")
def skilled_workers(m):
    return float((m.state.skilled * m.state.alive).sum())


@metric("mean_skilled_age", "mean age of skilled workers in living craft firms, years")
def mean_skilled_age(m):
    s = m.state
    workers = s.skilled * s.alive
    total = workers.sum()
    return float((workers * s.skilled_age).sum() / total) if total > 0 else 0.0


@metric("craft_output_idr", "monthly revenue of living craft firms, Rp")
def craft_output(m):
    s = m.state
    return float((s.revenue * (s.alive & (s.sector == 2))).sum())


# --- collaboration: pools, facilities, marketing, co-creation ------------------------------------


@metric("pool_savings_idr", "input cost saved by pool discounts this month (committed orders), Rp")
def pool_savings(m):
    return float(getattr(m, "pool_savings_idr", 0.0))


@metric("pool_defaults", "pool members who failed to pay their committed order this month")
def pool_defaults(m):
    return float(getattr(m, "pool_defaults", 0))


@metric("carrying_fees_idr", "fees paid to carriers for carrying other firms' orders, Rp/month")
def carrying_fees(m):
    return float(getattr(m, "carrying_fees_idr", 0.0))


@metric("platform_members", "firms selling on the regional platform this month")
def platform_members(m):
    return float(getattr(m, "platform_members", 0))


@metric("cocreation_orders_idr", "word-of-mouth orders brought by co-creation this month, Rp")
def cocreation_orders(m):
    return float((m.state.cocreation_orders_idr * m.state.alive).sum())
