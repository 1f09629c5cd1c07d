"""Growth: capacity depreciates, firms that sell near capacity invest, size class follows turnover.

The mechanism runs early in the month (after bulk purchasing, before the labour rule re-caps craft
capacity and before the market), on last month's accounts, so that capacity changes before this
month's sales: sales never exceed the capacity they are made against.
Assumption: every month a firm's equipment wears out at ``depreciation`` (capacity shrinks
geometrically). A firm whose utilisation (units sold ÷ capacity, averaged over recent months with
weight ``utilisation_memory`` on the newest month) is above ``invest_threshold`` and whose cash is
above a buffer of ``cash_buffer_months`` months of costs invests ``invest_share`` of the cash above
that buffer in capacity, at ``capital_cost_months`` × price per unit of monthly capacity. The money
leaves the regency to equipment suppliers (a recorded leak, ``investment_idr``). Investment raises
``base_capacity`` and ``capacity``; the labour rule still caps craft capacity by skilled workers.

Size class follows Indonesia's turnover thresholds (PP 7/2021, art. 35: micro ≤ Rp 2 bn a year,
small > 2 bn up to 15 bn, medium > 15 bn up to 50 bn) applied to a trailing 12-month revenue
kept as a running sum (12 × an exponential mean with a 12-month memory). Firms keep their starting
class until they have a year of sales history. ``graduated_total`` counts firms that moved from
micro to small or above since the start.
"""

from __future__ import annotations

import numpy as np

from sim.ledger import book
from sim.outcomes import HIGHER, NEITHER
from sim.params import ASSUMPTION
from sim.passes import growth_pass
from sim.rules import Column, SharedField, mechanism, rule_table, variant

PP_7_2021 = "PP 7/2021 art. 35 (annual turnover: micro ≤ Rp 2 bn, small ≤ 15 bn, medium ≤ 50 bn)"

M = mechanism(
    "growth",
    after="bulk_purchasing",
    columns=(
        Column("utilisation", "float64", 0.0, "share", "recent mean of sales ÷ capacity", 0),
        Column("investment_idr", "float64", 0.0, "Rp", "spent on capacity this month", 0),
        Column("revenue_12m", "float64", 0.0, "Rp/year", "trailing 12-month revenue", 0),
        Column("graduated", "bool", False, "-", "moved from micro to small or above"),
    ),
    shared=(SharedField("graduated_total", 0, "firms", "micro → small moves since the start"),),
)

P = rule_table(
    "growth",
    (
        "depreciation",
        0.01,
        "1/month",
        ASSUMPTION + " (about 11%/year, light equipment)",
        "monthly loss of capacity",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "invest_threshold",
        0.9,
        "share",
        ASSUMPTION,
        "utilisation above which a firm invests",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "utilisation_memory",
        0.25,
        "share",
        ASSUMPTION,
        "weight of this month in the utilisation average",
        {"gt": 0.0, "le": 1.0},
    ),
    (
        "cash_buffer_months",
        2.0,
        "months of costs",
        ASSUMPTION,
        "cash kept back before investing",
        {"ge": 0.0},
    ),
    (
        "invest_share",
        0.3,
        "share",
        ASSUMPTION,
        "share of cash above the buffer invested in a month",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "capital_cost_months",
        12.0,
        "months of output",
        ASSUMPTION + " (capital-output ratio of about 1)",
        "cost of one unit of monthly capacity, in months of its sale value",
        {"gt": 0.0},
    ),
    ("micro_max_idr", 2.0e9, "Rp/year", PP_7_2021, "largest turnover of a micro firm", {"gt": 0.0}),
    (
        "small_max_idr",
        1.5e10,
        "Rp/year",
        PP_7_2021,
        "largest turnover of a small firm",
        {"gt": 0.0},
    ),
)


def size_class(revenue_12m: np.ndarray, micro_max_idr: float, small_max_idr: float) -> np.ndarray:
    """PP 7/2021 size class of an annual turnover: 0 micro, 1 small, 2 medium (or larger)."""
    return np.searchsorted([micro_max_idr, small_max_idr], revenue_12m, side="left").astype("int8")


@M.on_setup
def start(model, rng):
    """Start the trailing revenue at a year of the firm's customer base."""
    s = model.state
    s.revenue_12m = 12.0 * s.customers * s.alive


@variant("growth", "invest_near_capacity", default=True)
def invest_near_capacity(
    model,
    rng,
    *,
    depreciation=P.depreciation,
    invest_threshold=P.invest_threshold,
    utilisation_memory=P.utilisation_memory,
    cash_buffer_months=P.cash_buffer_months,
    invest_share=P.invest_share,
    capital_cost_months=P.capital_cost_months,
    micro_max_idr=P.micro_max_idr,
    small_max_idr=P.small_max_idr,
):
    """Depreciate, invest where sales press on capacity, and update the size class."""
    s = model.state
    # Depreciate, invest, scale capacity, trail revenue, classify: one compiled pass with the
    # column formulas' operations (sim.passes.growth_pass).
    spend, moved = growth_pass(
        (s.alive, s.age_months, s.sales, s.price, s.input_cost, s.fixed_cost, s.revenue),
        (s.utilisation, s.capacity, s.base_capacity, s.cash, s.revenue_12m)
        + (s.size_class, s.graduated),
        (utilisation_memory, invest_threshold, cash_buffer_months, invest_share)
        + (capital_cost_months, depreciation),
        micro_max_idr,
        small_max_idr,
    )
    s.investment_idr = spend
    book(model, "investment", float(spend.sum()))
    model.shared.graduated_total += int(moved)


@M.outcome(
    "investment_idr",
    label="Investment in capacity",
    unit="Rp",
    kind="idr",
    better=NEITHER,
    aggregation="sum over living firms (paid to suppliers outside the regency)",
)
def investment(m):
    """Rupiah spent on capacity this month."""
    return float((m.state.investment_idr * m.state.alive).sum())


@M.outcome(
    "graduated_total",
    label="Firms graduated micro → small",
    unit="firms",
    kind="count",
    better=HIGHER,
    aggregation="cumulative count since the start",
)
def graduated_total(m):
    """Firms that moved from micro to small or above since the start."""
    return float(m.shared.graduated_total)


def _class_share(cls: int):
    def share(m):
        s = m.state
        living = s.alive.sum()
        return float((s.alive & (s.size_class == cls)).sum() / living) if living else 0.0

    share.__doc__ = f"Share of living firms in size class {cls} (PP 7/2021)."
    return share


for _cls, _name in enumerate(("micro", "small", "medium")):
    M.outcome(
        f"share_{_name}",
        label=f"Share of {_name} firms",
        unit="share",
        kind="share",
        better=NEITHER,
        aggregation="share of living firms (PP 7/2021 turnover class)",
    )(_class_share(_cls))
