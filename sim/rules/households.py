"""Households: every village's households earn, spend and save; what they spend on the regency's
MSME goods is the budget that firms compete for (``sim/rules/market.py``).

Assumption (stock-flow consistent accounting, Godley & Lavoie 2007; Caiani et al. 2016): each
village has owners' households (one per living firm), workers' households (paid the wage part of
the village's firms' fixed costs, ``rules.finance.wage_share``) and the other households, each
poor or non-poor. Income = wages + owners' drawings + income from outside the MSME sector (farm
work, remittances, transfers): a village total ``model.shared.outside_income`` of which each
living owner's household has ``owner_other_income_*`` and the rest goes to the other households.
Each month a household group spends C = ``mpc`` × last month's income + ``wealth_spend`` ×
savings; a share ``msme_share`` of C is its budget for the regency's MSME goods, split across
sectors by the village's shares, the rest leaves the regency. What it could not buy (no seller,
or sellers at capacity) stays in its savings. The village's outside income is set once, after the
first month, so that the starting economy is stationary (spending = income = the starting
sales); it then grows at ``market.local_growth`` and falls with shocks
(``model.shared.outside_income_factor``). Owners' households are poor when their income per
person is below BPS's poverty line.
"""

from __future__ import annotations

import numpy as np

from sim.ledger import book
from sim.outcomes import HIGHER, LOWER
from sim.params import ASSUMPTION
from sim.passes import owner_income_pass, village_income_pass
from sim.rules import SharedField, mechanism, rule_table, variant
from sim.rules.common import mean_where, starting_local_sales

BPS_POVERTY = "BPS, Profil Kemiskinan di Indonesia Maret 2024: Rp 582,932 per person a month"
#: Household groups of every village (columns of the household arrays).
GROUPS = (
    "owner_poor",
    "owner_nonpoor",
    "worker_poor",
    "worker_nonpoor",
    "other_poor",
    "other_nonpoor",
)
POOR = np.array([True, False, True, False, True, False])

M = mechanism(
    "households",
    after="whatsapp_selling",
    shared=(
        SharedField("budget", None, "Rp/month", "households' MSME budget per village×sector"),
        SharedField("sector_shares", None, "share", "each village's budget shares by sector"),
        SharedField("household_income", None, "Rp/month", "last month's income, village × group"),
        SharedField("household_savings", None, "Rp", "savings, village × group"),
        SharedField("consumption", None, "Rp/month", "this month's spending, village × group"),
        SharedField("outside_income", None, "Rp/month", "income from outside the MSME sector"),
        SharedField(
            "outside_income_factor", 1.0, "×", "level of outside income (shocks)", monthly=True
        ),
        SharedField("target_income", None, "Rp/month", "stationary income per village"),
        SharedField(
            "capital_transfers",
            None,
            "Rp",
            "village × group: closing firms' cash (+) and entrants' capital (−), into the "
            "households' savings next month",
        ),
    ),
)

P = rule_table(
    "households",
    (
        "mpc_poor",
        0.9,
        "share/month",
        ASSUMPTION + " (poor households spend nearly all income)",
        "share of last month's income a poor household spends",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "mpc_nonpoor",
        0.75,
        "share/month",
        ASSUMPTION,
        "share of last month's income a non-poor household spends",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "wealth_spend",
        0.05,
        "1/month",
        ASSUMPTION,
        "share of savings spent a month",
        {"gt": 0.0, "le": 1.0},
    ),
    (
        "msme_share",
        0.4,
        "share",
        ASSUMPTION + " (the rest: large firms and goods from outside)",
        "share of households' spending bought from the regency's MSMEs",
        {"gt": 0.0, "le": 1.0},
    ),
    (
        "owner_other_income_poor_idr",
        0.5e6,
        "Rp/month",
        ASSUMPTION + " (a spouse's casual or farm work)",
        "other income of a poor owner's household",
        {"ge": 0.0, "le": 1.0e9},
    ),
    (
        "owner_other_income_nonpoor_idr",
        1.5e6,
        "Rp/month",
        ASSUMPTION + " (BPS Sakernas: informal workers earn about Rp 2 M a month)",
        "other income of a non-poor owner's household",
        {"ge": 0.0, "le": 1.0e9},
    ),
    (
        "poor_worker_share",
        0.5,
        "share",
        ASSUMPTION,
        "share of wages earned by poor households",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "household_size",
        3.8,
        "persons",
        "BPS Susenas: about 3.8 persons per household",
        "persons per owner household",
        {"gt": 0.0, "le": 20.0},
    ),
    (
        "poverty_line_idr",
        582_932.0,
        "Rp/person/month",
        BPS_POVERTY,
        "poverty line per person",
        {"ge": 0.0, "le": 1.0e8},
    ),
)


@M.on_setup
def stationary_start(model, rng) -> None:
    """Each village's spending shares by sector and the income that, spent at the usual rates,
    buys the firms' starting local sales (the market starts from the same budget)."""
    local = starting_local_sales(model)
    village = local.sum(axis=1)
    model.shared.sector_shares = np.divide(
        local, village[:, None], out=np.zeros_like(local), where=village[:, None] > 0
    )
    model.shared.target_income = village / model.scenario.rules["households"]["msme_share"]
    model.shared.capital_transfers = np.zeros((model.villages.count, len(GROUPS)))


def owner_income(model) -> np.ndarray:
    """Each firm's owner household income this month: drawings + the household's other income.
    Drawings count also for a firm that closed after paying them this month (finance pays 0 to
    firms closed before); other income counts for living firms' owners only."""
    s, spec = model.state, model.scenario.rules["households"]
    other = (spec["owner_other_income_nonpoor_idr"], spec["owner_other_income_poor_idr"])
    factor = float(model.shared.outside_income_factor)
    return owner_income_pass(s.drawings, s.poor, s.alive, *map(float, other), factor)


def earned(model) -> np.ndarray:
    """This month's income per village and group: owners' drawings and other income, wages (paid
    by finance), and the rest of the village's outside income. Before the outside income is set
    (the first month), it is what would make the village's income stationary."""
    s, v = model.state, model.villages.count
    spec = model.scenario.rules["households"]
    income = np.zeros((v, len(GROUPS)))
    owners = owner_income(model)
    # finance pays firms that close later in the month too: their wages count (0 for firms
    # closed in earlier months, whose finance step paid nothing)
    income[:, 0], income[:, 1], wages, owners_other = village_income_pass(
        s.village, owners, s.poor, s.drawings, s.wages_idr, v
    )
    share = spec["poor_worker_share"]
    income[:, 2], income[:, 3] = share * wages, (1 - share) * wages
    if model.shared.target_income is None:  # households switched off: no outside income
        total = owners_other
    elif model.shared.outside_income is None:
        drawings = income[:, :2].sum(axis=1) - owners_other
        total = np.maximum(model.shared.target_income - drawings - wages, owners_other)
    else:
        total = model.shared.outside_income * model.shared.outside_income_factor
    rest = np.maximum(total - owners_other, 0.0)
    poor = model.scenario.firms.poor_owner_share
    income[:, 4], income[:, 5] = poor * rest, (1 - poor) * rest
    return income


@variant("households", "spend_and_save", default=True)
def spend_and_save(
    model,
    rng,
    *,
    mpc_poor=P.mpc_poor,
    mpc_nonpoor=P.mpc_nonpoor,
    wealth_spend=P.wealth_spend,
    msme_share=P.msme_share,
    owner_other_income_poor_idr=P.owner_other_income_poor_idr,
    owner_other_income_nonpoor_idr=P.owner_other_income_nonpoor_idr,
    poor_worker_share=P.poor_worker_share,
    household_size=P.household_size,
    poverty_line_idr=P.poverty_line_idr,
):
    """Collect last month's income and what could not be bought; spend; set the budgets.
    (Switched off, the households keep spending the starting budget every month.)"""
    sh, v = model.shared, model.villages.count
    if model.month == 0:
        return  # the first month's budget is the starting sales (set up by the market)
    mpc = np.where(POOR, mpc_poor, mpc_nonpoor)
    income = earned(model)
    if sh.outside_income is None:  # after the first month: a stationary start
        s = model.state
        owners_other = np.bincount(s.village, weights=owner_income(model) - s.drawings, minlength=v)
        sh.outside_income = income[:, 4:].sum(axis=1) + owners_other
        sh.household_savings = np.maximum(1 - mpc - wealth_spend, 0.0) / wealth_spend * income
    # Last month's budget that could not be spent, and the capital handed on, stay with the
    # households; a village that spent nothing shares its part equally among its groups.
    returned = np.zeros(v)
    if sh.flows is not None:
        returned = sh.flows["returned_idr"].reshape(v, -1).sum(axis=1)
    if sh.consumption is None:  # month 0 spent the starting budget: in proportion to income
        sh.consumption = income.copy()
    spent = sh.consumption.sum(axis=1, keepdims=True)
    weight = np.divide(
        sh.consumption,
        spent,
        out=np.full_like(sh.consumption, 1 / len(GROUPS)),
        where=spent > 0,
    )
    sh.household_savings += weight * returned[:, None] + sh.capital_transfers
    sh.capital_transfers = np.zeros_like(sh.capital_transfers)
    sh.household_savings += income
    sh.household_income = income
    wanted = mpc * income + wealth_spend * sh.household_savings
    sh.consumption = np.maximum(np.minimum(wanted, sh.household_savings), 0.0)
    sh.household_savings -= sh.consumption
    sh.budget = ((msme_share * sh.consumption.sum(axis=1))[:, None] * sh.sector_shares).ravel()
    s = model.state
    book(model, "outside_income", float(income.sum() - s.drawings.sum() - s.wages_idr.sum()))
    book(model, "other_consumption", float(sh.consumption.sum() - sh.budget.sum()))
    sh.outside_income = sh.outside_income * (1 + model.scenario.market.local_growth) ** (1 / 12)


def owner_poor(model) -> np.ndarray:
    """Living firms whose owner household is below the poverty line (income per person)."""
    spec = model.scenario.rules["households"]
    per_person = owner_income(model) / spec["household_size"]
    return model.state.alive & (per_person < spec["poverty_line_idr"])


@M.outcome(
    "poor_owner_mean_income_idr",
    label="Poor owners' household income",
    unit="Rp/month",
    kind="idr",
    better=HIGHER,
    aggregation="mean over living firms with a poor owner",
)
def poor_owner_income(m):
    """Mean household income (drawings + other income) of poor owners, Rp/month."""
    return mean_where(owner_income(m), m.state.alive & m.state.poor)


@M.outcome(
    "nonpoor_owner_mean_income_idr",
    label="Non-poor owners' household income",
    unit="Rp/month",
    kind="idr",
    better=HIGHER,
    aggregation="mean over living firms with a non-poor owner",
)
def nonpoor_owner_income(m):
    """Mean household income (drawings + other income) of non-poor owners, Rp/month."""
    return mean_where(owner_income(m), m.state.alive & ~m.state.poor)


@M.outcome(
    "mean_income_idr",
    label="Owners' household income",
    unit="Rp/month",
    kind="idr",
    better=HIGHER,
    aggregation="mean over living firms",
)
def mean_income(m):
    """Mean owner household income (drawings + other income) of living firms, Rp/month."""
    return mean_where(owner_income(m), m.state.alive)


@M.outcome(
    "owner_poverty_rate",
    label="Owners' households in poverty",
    unit="%",
    kind="share",
    better=LOWER,
    aggregation="share of living firms' owner households",
)
def owner_poverty_rate(m):
    """Share of living firms whose owner household is below the BPS poverty line per person."""
    return mean_where(owner_poor(m), m.state.alive)


@M.outcome(
    "household_income_idr",
    label="Households' income",
    unit="Rp/month",
    kind="idr",
    better=HIGHER,
    aggregation="sum over the regency's households",
)
def household_income(m):
    """Income of all the regency's households this month: wages, drawings, outside income."""
    return float(earned(m).sum())
