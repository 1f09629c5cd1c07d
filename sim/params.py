"""The default parameter table: every number the model uses, with its unit and source.

One row per scenario path (``firms.count``) or rule parameter (``rules.digital_adoption.p``).
Scenario models (``sim.config``) and rule signatures (``sim.rules``) take their defaults and
bounds from here, so a default cannot exist without a unit and a source. ``msme-sim params``
prints the table; ``docs/ODD.md`` mirrors it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from types import SimpleNamespace
from typing import Any

ASSUMPTION = "assumption"
KOMINFO_2022 = (
    "Kominfo & Katadata Insight Center, Status Literasi Digital Indonesia 2022: index 3.54/5"
)
KEMENKOP = "KemenKopUKM MSME statistics (micro firms ≈99.6% of MSMEs; DOMAIN brief)"
APJII_2024 = "APJII internet penetration survey 2024 (≈80% of population online)"
MICRO_REVENUE = "DOMAIN brief: micro-firm revenue ≈ Rp 6.3 M/month mean, right-skewed"
KUR_2023 = "KUR rules 2023 (Permenko Perekonomian 1/2023): 3% super-micro, 6%→9% on repeat loans"
SIDOARJO = "Sidoarjo WhatsApp-group study (seeds/001)"
BASS = "Bass (1969) diffusion model; Rogers, Diffusion of Innovations"


@dataclass(frozen=True)
class Param:
    """One default: where it lives, its value, unit, source and allowed range."""

    path: str
    default: Any
    unit: str
    source: str
    doc: str
    ge: float | None = None
    le: float | None = None
    gt: float | None = None
    choices: tuple[str, ...] | None = None


def _p(path, default, unit, source, doc, ge=None, le=None, gt=None) -> Param:
    return Param(path, default, unit, source, doc, ge=ge, le=le, gt=gt)


SHARE = {"ge": 0.0, "le": 1.0}
# Ceilings for values that could otherwise overflow. Money: Rp 10^15 is about 5% of Indonesia's
# GDP, more than any programme or price the model can meaningfully take, yet its sums over
# millions of firms and 1,200 months stay far below float64's range (10^308).
MAX_IDR = 1e15
MAX_MONTHS = 1200
MAX_COUNT = 100_000_000  # any other count (firms, members, trainees): beyond Indonesia's MSMEs
MAX_SEED = 2**63 - 1
MAX_OTHER = 1e6  # any other number (rates, multipliers, ages, counts a month) without a bound
POSITIVE = {"gt": 0.0}
NONNEG = {"ge": 0.0}

_ROWS = [
    # --- run -----------------------------------------------------------------------------------
    # Upper bounds keep hostile or mistyped values from overflowing (NaN outcomes) or from
    # asking for more memory than any machine has; each is far beyond any sensible study.
    _p(
        "months",
        120,
        "months",
        ASSUMPTION,
        "simulated horizon (one step = one month); at most 100 years, far past what the "
        "model's assumptions can describe",
        ge=1,
        le=MAX_MONTHS,
    ),
    _p(
        "seed",
        1,
        "-",
        ASSUMPTION,
        "run seed when none is given on the command line (stored in 64-bit result columns)",
        ge=0,
        le=MAX_SEED,
    ),
    # --- firms ---------------------------------------------------------------------------------
    _p(
        "firms.count",
        2000,
        "firms",
        ASSUMPTION,
        "initial number of firms; at most 20 million, a large province's MSMEs (the memory "
        "check refuses what the machine cannot hold)",
        ge=1,
        le=20_000_000,
    ),
    _p(
        "firms.villages",
        20,
        "villages",
        ASSUMPTION,
        "villages (desa/kelurahan) in the area; at most 100,000 (Indonesia has about 84,000)",
        ge=1,
        le=100_000,
    ),
    _p(
        "firms.poor_owner_share",
        0.35,
        "share",
        SIDOARJO + "; assumption for the value",
        "share of firms run by low-income owners",
        **SHARE,
    ),
    _p("firms.micro_share", 0.996, "share", KEMENKOP, "share of micro firms", **SHARE),
    _p(
        "firms.small_share",
        0.0035,
        "share",
        KEMENKOP,
        "share of small firms (rest: medium)",
        **SHARE,
    ),
    *[
        _p(
            f"firms.sector_shares.{sector}",
            share,
            "share",
            "BPS Sensus Ekonomi 2016 / KemenKopUKM sector mix of MSMEs, rounded "
            "(assumption for the grouping)",
            f"share of firms in the {sector} sector",
            **SHARE,
        )
        for sector, share in (
            ("food", 0.40),
            ("fashion", 0.12),
            ("craft", 0.08),
            ("retail", 0.28),
            ("services", 0.12),
        )
    ],
    _p(
        "firms.revenue_mean_idr",
        6.3e6,
        "Rp/month",
        MICRO_REVENUE,
        "mean monthly revenue of a micro firm; at most Rp 1 trillion, so that sums over "
        "millions of firms and medium-firm multiples stay far from float overflow",
        gt=0.0,
        le=1e12,
    ),
    _p(
        "firms.revenue_sigma",
        0.9,
        "log-sd",
        MICRO_REVENUE + "; sigma is an assumption",
        "dispersion of the lognormal revenue distribution",
        ge=0.0,
        le=3.0,
    ),
    _p(
        "firms.small_revenue_multiple",
        12.0,
        "×",
        ASSUMPTION,
        "small-firm revenue relative to micro (medium firms: its square); at most 1,000",
        ge=1.0,
        le=1000.0,
    ),
    _p(
        "firms.literacy_mean",
        0.635,
        "0-1",
        KOMINFO_2022 + "; (3.54-1)/4 on a 0-1 scale",
        "mean owner digital literacy",
        **SHARE,
    ),
    _p(
        "firms.literacy_sd",
        0.15,
        "0-1",
        ASSUMPTION,
        "spread of owner digital literacy",
        ge=0.0,
        le=0.5,
    ),
    _p(
        "firms.poor_literacy_gap",
        0.1,
        "0-1",
        SIDOARJO + ": low literacy among poor owners",
        "literacy shortfall of poor owners",
        ge=0.0,
        le=1.0,
    ),
    _p(
        "firms.digital_share_messaging",
        0.18,
        "share",
        "BPS e-commerce statistics 2022/23 "
        "(≈25–30% of firms sell online; messaging apps ≈94% of them)",
        "initial share of firms at level 1 (messaging)",
        **SHARE,
    ),
    _p(
        "firms.digital_share_marketplace",
        0.08,
        "share",
        "BPS e-commerce statistics 2022/23",
        "initial share of firms at level 2 (social/marketplace)",
        **SHARE,
    ),
    _p(
        "firms.device_share",
        0.85,
        "share",
        ASSUMPTION + " (smartphone ownership is high)",
        "owners who already own a smartphone",
        **SHARE,
    ),
    _p(
        "firms.cash_months",
        1.5,
        "months of revenue",
        ASSUMPTION,
        "initial cash buffer (at most 100 years of revenue)",
        ge=0.0,
        le=MAX_MONTHS,
    ),
    _p(
        "firms.capacity_headroom",
        1.3,
        "× initial sales",
        ASSUMPTION,
        "production capacity relative to initial sales (at most 1,000 ×)",
        ge=1.0,
        le=1000.0,
    ),
    _p(
        "firms.input_cost_share",
        0.55,
        "share of price",
        ASSUMPTION,
        "unit input cost as a share of the sale price",
        ge=0.0,
        le=0.95,
    ),
    _p(
        "firms.fixed_cost_share",
        0.15,
        "share of revenue",
        ASSUMPTION,
        "monthly fixed cost as a share of initial revenue",
        ge=0.0,
        le=0.9,
    ),
    _p(
        "firms.openness_mean",
        0.5,
        "0-1",
        "Tumang study (seeds/004): conservative owners",
        "mean owner openness (1 = open, 0 = conservative)",
        **SHARE,
    ),
    # --- connectivity --------------------------------------------------------------------------
    _p(
        "connectivity.coverage_mean",
        0.8,
        "share",
        APJII_2024,
        "mean share of a village's firms with usable mobile internet",
        **SHARE,
    ),
    _p(
        "connectivity.coverage_spread",
        0.15,
        "sd",
        SIDOARJO + ": unstable access in some areas",
        "village-to-village spread of coverage",
        ge=0.0,
        le=0.5,
    ),
    _p(
        "connectivity.quality_mean",
        0.7,
        "0-1",
        ASSUMPTION,
        "mean connection quality (scales marketplace use)",
        **SHARE,
    ),
    _p(
        "connectivity.data_price_idr_per_gb",
        15000.0,
        "Rp/GB",
        ASSUMPTION + " (2024 retail)",
        "mobile data price",
        ge=0.0,
        le=MAX_IDR,
    ),
    _p(
        "connectivity.gb_messaging",
        3.0,
        "GB/month",
        ASSUMPTION,
        "data used at level 1 (at most 10 TB a month)",
        ge=0.0,
        le=10_000.0,
    ),
    _p(
        "connectivity.gb_marketplace",
        10.0,
        "GB/month",
        ASSUMPTION,
        "data used at level 2 (at most 10 TB a month)",
        ge=0.0,
        le=10_000.0,
    ),
    _p(
        "connectivity.device_cost_idr",
        1.5e6,
        "Rp",
        ASSUMPTION + " (entry smartphone)",
        "one-off cost of a smartphone",
        ge=0.0,
        le=MAX_IDR,
    ),
    # --- networks ------------------------------------------------------------------------------
    _p(
        "networks.cluster_degree",
        6,
        "ties/firm",
        ASSUMPTION,
        "strong ties within village×sector cluster (at most 1,000: ties cost memory per firm)",
        ge=0,
        le=1000,
    ),
    _p(
        "networks.rewire_p",
        0.05,
        "probability",
        "Watts & Strogatz (1998); Granovetter (1973) weak ties; " + SIDOARJO,
        "share of cluster ties rewired into weak ties across clusters",
        **SHARE,
    ),
    _p(
        "networks.group_size",
        60,
        "members",
        SIDOARJO,
        "mean WhatsApp-group size (at most 100,000; WhatsApp communities are far smaller)",
        ge=2,
        le=100_000,
    ),
    _p(
        "networks.groups_per_firm",
        1.5,
        "groups/firm",
        SIDOARJO,
        "mean community (WhatsApp) group memberships per firm (at most 100: memberships "
        "cost memory per firm)",
        ge=0.0,
        le=100.0,
    ),
    _p(
        "networks.regency_group_share",
        0.2,
        "share",
        ASSUMPTION,
        "share of memberships in regency-wide rather than village groups",
        **SHARE,
    ),
    # --- market --------------------------------------------------------------------------------
    _p(
        "market.local_growth",
        0.0,
        "1/year",
        ASSUMPTION,
        "growth of households' income from outside the MSME sector",
        ge=-0.5,
        le=0.5,
    ),
    # --- economy -------------------------------------------------------------------------------
    _p(
        "economy.outside_demand_scale",
        1.0,
        "×",
        ASSUMPTION + " (1 = the sourced outside pools; 0 = a regency closed to outside buyers)",
        "scales every pool of buyers from outside the regency",
        ge=0.0,
        le=10.0,
    ),
    # --- analysis (experiment files) -----------------------------------------------------------
    _p(
        "analysis.discount_rate",
        0.06,
        "1/year",
        "ADB (2017), Guidelines for the Economic Analysis of Projects: 6% a year for "
        "social-sector and poverty-targeted projects (9% otherwise)",
        "yearly rate at which the report discounts policy spending (experiment `discount_rate:`)",
        **SHARE,
    ),
]

TABLE: dict[str, Param] = {}


def ceiling(row: Param) -> Param:
    """``row`` with a default upper bound by unit when it declares none: money
    (:data:`MAX_IDR`), months (:data:`MAX_MONTHS`), counts of firms or people
    (:data:`MAX_COUNT`), anything else numeric (:data:`MAX_OTHER`), so that no rule or
    policy setting can overflow to NaN outcomes. A default above the ceiling (a policy's
    ``end: 10000``, "to the end") raises the ceiling to it."""
    if row.le is not None or isinstance(row.default, bool):
        return row
    if not isinstance(row.default, int | float):
        return row
    unit = row.unit.lower()
    if unit.startswith("rp"):
        cap = MAX_IDR
    elif unit.startswith("month"):
        cap = MAX_MONTHS
    elif unit.split("/")[0].strip() in ("firms", "firm", "members", "people", "trainees", "loans"):
        cap = MAX_COUNT
    else:
        cap = MAX_OTHER
    return replace(row, le=max(cap, row.default))


def register(*rows: Param) -> None:
    """Add rows (rule modules register their parameters on import); see :func:`ceiling`."""
    for row in map(ceiling, rows):
        if row.path in TABLE and TABLE[row.path] != row:
            raise ValueError(f"parameter {row.path} registered twice with different values")
        TABLE[row.path] = row


def register_rows(prefix: str, rows: tuple) -> SimpleNamespace:
    """Register ``(name, default, unit, source, description[, bounds])`` rows under ``prefix``;
    return a namespace of their defaults (used by rules and policies)."""
    defaults = {}
    for name, default, unit, source, doc, *bounds in rows:
        limits = dict(bounds[0]) if bounds else {}
        if "choices" in limits:
            limits["choices"] = tuple(limits["choices"])
        register(Param(f"{prefix}.{name}", default, unit, source, doc, **limits))
        defaults[name] = default
    return SimpleNamespace(**defaults)


register(*_ROWS)


def value(path: str) -> Any:
    """The default value at ``path``."""
    return TABLE[path].default


def table():
    """The table as a pandas DataFrame (path, default, unit, range, source, description).

    It holds the rows registered so far: import ``sim.catalogue`` first for every built-in."""
    import pandas as pd

    rows = []
    for p in sorted(TABLE.values(), key=lambda r: r.path):
        rng = _range_text(p)
        rows.append(
            {
                "path": p.path,
                "default": p.default,
                "unit": p.unit,
                "range": rng,
                "source": p.source,
                "description": p.doc,
            }
        )
    return pd.DataFrame(rows)


def _range_text(p: Param) -> str:
    if p.choices:
        return " | ".join(p.choices)
    lo = f"[{p.ge}" if p.ge is not None else (f"({p.gt}" if p.gt is not None else "(-inf")
    hi = f"{p.le}]" if p.le is not None else "inf)"
    return f"{lo}, {hi}"


def check_range(path: str, val: Any) -> str | None:
    """Why ``val`` is out of the range declared for ``path``, or None when it is fine."""
    p = TABLE.get(path)
    if p is not None and p.choices is not None and isinstance(val, str):
        if val not in p.choices:
            return f"{val!r} is not one of the allowed values ({', '.join(p.choices)})"
        return None
    if p is None or isinstance(val, bool) or not isinstance(val, int | float):
        return None
    if val != val or val in (float("inf"), float("-inf")):  # NaN passes every comparison
        return f"{val} is not a finite number"
    if p.ge is not None and val < p.ge:
        return f"{val} is below the minimum {p.ge} (allowed {_range_text(p)})"
    if p.gt is not None and val <= p.gt:
        return f"{val} must be greater than {p.gt} (allowed {_range_text(p)})"
    if p.le is not None and val > p.le:
        return f"{val} is above the maximum {p.le} (allowed {_range_text(p)})"
    return None
