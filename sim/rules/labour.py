"""Labour: skilled craft workers age and retire; recruits come from a shrinking youth pool;
skilled labour caps craft firms' capacity.

Assumption (Tumang study, seeds/004: a shortage of (skilled) workers, worry about the
regeneration of craftsmen, a conservative mindset of owners and workers). Each craft firm keeps
its skilled workers by age in years, 15 to 69 (``model.shared.workforce``: one row per craft
firm, one
column per year of age). Craft founders start with the workers their capacity needs
(``output_per_worker`` units a month each), the firm's mean age drawn around ``mean_age`` and
its workers' ages spread around that with sd ``age_spread``; a craft entrant's owner is its
first skilled worker, aged ``recruit_age``. Every twelfth month all workers turn a year older
(those turning 70 leave); each month workers aged ``retire_age`` or more retire at
``retire_rate`` a year. Firms short of workers recruit, in proportion to their owner's openness
(conservative owners recruit less), from their village's youth pool, which shrinks by
``youth_decline`` a year (young people leave for the city), is fed by ``youth_inflow`` and by
youths trained by a policy (``model.shared.youth_trained[village]``, added to the pool in the month
they finish). Recruits join at ``recruit_age``; the workers of a closed firm leave the cluster.
A craft firm's capacity is min(base capacity, skilled workers × output per worker).
``skilled`` and ``skilled_age`` (mean age) are kept per firm; ``model.shared.retirements`` counts
everyone who left by age.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr

from sim.domain import CRAFT
from sim.outcomes import HIGHER, NEITHER
from sim.params import ASSUMPTION
from sim.rules import Column, SharedField, mechanism, rule_table, variant

TUMANG = "Tumang study (seeds/004): ageing craftsmen, few young recruits"
FIRST_AGE, LAST_AGE = 15, 69  # one column per year of age; workers leave at 70
AGES = np.arange(FIRST_AGE, LAST_AGE + 1)
MID_AGE = AGES + 0.5

M = mechanism(
    "labour",
    after="resource_sharing",
    columns=(
        Column("skilled", "float64", 0.0, "workers", "skilled workers", 0),
        Column("skilled_age", "float64", 0.0, "years", "mean age of skilled workers", 0, 70),
    ),
    shared=(
        SharedField("workforce", None, "workers", "craft firms (rows) × year of age (columns)"),
        SharedField("workforce_rows", None, "rows", "firm row of each workforce row"),
        SharedField("labour_rows", 0, "rows", "firm rows already enrolled"),
        SharedField("youth_pool", None, "youths", "young people available per village"),
        SharedField("youth_inflow", None, "youths/year", "youths coming of age per village"),
        SharedField("youth_trained", None, "youths", "youths trained by a policy this month"),
        SharedField("retirements", 0.0, "workers", "workers who left by age since the start"),
    ),
)


P = rule_table(
    "labour",
    ("mean_age", 46.0, "years", TUMANG, "starting mean age of skilled workers", {"ge": 15.0}),
    (
        "age_spread",
        8.0,
        "years",
        ASSUMPTION,
        "spread (sd) of workers' ages around their firm's mean age",
        {"gt": 0.0},
    ),
    ("retire_age", 58.0, "years", ASSUMPTION, "age from which workers retire", {"ge": 15.0}),
    (
        "retire_rate",
        0.25,
        "1/year",
        ASSUMPTION,
        "retirement rate past the retirement age",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "youth_per_firm",
        0.5,
        "youths/firm",
        TUMANG,
        "starting youth pool per craft firm",
        {"ge": 0.0},
    ),
    (
        "youth_decline",
        0.05,
        "1/year",
        TUMANG + ": regeneration worry",
        "yearly shrinking of the youth pool",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "youth_inflow",
        0.02,
        "youths/firm/year",
        ASSUMPTION,
        "youths coming of age per craft firm",
        {"ge": 0.0},
    ),
    ("recruit_age", 20.0, "years", ASSUMPTION, "age of recruits", {"ge": 15.0, "le": 69.0}),
    (
        "output_per_worker",
        10.0,
        "units/month",
        ASSUMPTION + " (about ten pieces a month)",
        "output of a skilled craft worker",
        {"gt": 0.0},
    ),
)


def age_shares(mean_age: np.ndarray, spread: float) -> np.ndarray:
    """Share of a firm's workers at each age: normal around ``mean_age``, cut to 15-69."""
    edges = np.r_[AGES, LAST_AGE + 1]
    cdf = ndtr((edges[None, :] - mean_age[:, None]) / spread)
    mass = np.diff(cdf, axis=1)
    return mass / np.maximum(mass.sum(axis=1, keepdims=True), 1e-12)


def column_of(age: float) -> int:
    """Column of ``model.shared.workforce`` holding workers of ``age`` (years)."""
    return int(np.clip(np.floor(age) - FIRST_AGE, 0, len(AGES) - 1))


@M.on_setup
def setup(model, rng):
    """Craft founders' workforce by age; each village's youth pool."""
    s, spec = model.state, model.scenario.rules["labour"]
    rows = np.flatnonzero(s.sector == CRAFT)
    firm_age = spec["mean_age"] + 6 * rng.standard_normal(len(rows))
    workers = np.ceil(s.base_capacity[rows] / spec["output_per_worker"])
    model.shared.workforce_rows = (
        rows  # living craft firms, in the order of model.shared.workforce's rows
    )
    model.shared.workforce = workers[:, None] * age_shares(firm_age, spec["age_spread"])
    model.shared.labour_rows = s.n  # rows already enrolled; later rows are entrants
    crafts = np.bincount(s.village[rows], minlength=model.villages.count).astype(float)
    model.shared.youth_pool = spec["youth_per_firm"] * crafts
    model.shared.youth_inflow = spec["youth_inflow"] * crafts
    model.shared.youth_trained = np.zeros(model.villages.count)
    model.shared.retirements = 0.0
    _summarise(model, spec["output_per_worker"])


def _update_roster(model, recruit_age: float) -> None:
    """Drop closed firms from the workforce (their workers leave the cluster) and enrol craft
    firms that entered since last month, their owner as the first skilled worker."""
    s, rows = model.state, model.shared.workforce_rows
    alive = s.alive[rows]
    new = model.shared.labour_rows + np.flatnonzero(s.sector[model.shared.labour_rows :] == CRAFT)
    model.shared.labour_rows = s.n
    if alive.all() and not len(new):
        return
    gone = rows[~alive]
    s.skilled[gone] = s.skilled_age[gone] = s.capacity[gone] = 0.0
    first = np.zeros((len(new), len(AGES)))
    first[:, column_of(recruit_age)] = 1.0
    model.shared.workforce_rows = np.r_[rows[alive], new]
    model.shared.workforce = np.vstack([model.shared.workforce[alive], first])


def _summarise(model, output_per_worker: float, total: np.ndarray | None = None) -> None:
    """Per-firm totals, mean ages and the craft capacity cap from the workforce by age."""
    s, rows, w = model.state, model.shared.workforce_rows, model.shared.workforce
    total = w.sum(axis=1) if total is None else total
    s.skilled[rows] = total
    s.skilled_age[rows] = np.divide(
        (w * MID_AGE).sum(axis=1), total, out=np.zeros_like(total), where=total > 0
    )
    s.capacity[rows] = np.minimum(s.base_capacity[rows], total * output_per_worker)


@variant("labour", "ageing_workforce", default=True)
def ageing_workforce(
    model,
    rng,
    *,
    mean_age=P.mean_age,
    age_spread=P.age_spread,
    retire_age=P.retire_age,
    retire_rate=P.retire_rate,
    youth_per_firm=P.youth_per_firm,
    youth_decline=P.youth_decline,
    youth_inflow=P.youth_inflow,
    recruit_age=P.recruit_age,
    output_per_worker=P.output_per_worker,
):
    """Age, retire, recruit from the youth pool, and cap craft capacity by skilled labour.

    ``mean_age``, ``age_spread`` and ``youth_per_firm`` are used once, by :func:`setup`.
    """
    _update_roster(model, recruit_age)
    s, rows, w = model.state, model.shared.workforce_rows, model.shared.workforce
    left = 0.0
    if model.month % 12 == 11:  # a year older: shift every worker one column up
        left = float(w[:, -1].sum())
        w[:, 1:] = w[:, :-1].copy()
        w[:, 0] = 0.0
    old = w[:, np.searchsorted(AGES, retire_age) :]  # a view: workers aged retire_age or more
    retiring = old * (retire_rate / 12)
    old -= retiring
    model.shared.retirements += float(retiring.sum()) + left
    # The youth pool shrinks, is fed by youths coming of age and by trained youths.
    model.shared.youth_pool *= (1 - youth_decline) ** (1 / 12)
    model.shared.youth_pool += model.shared.youth_inflow / 12 + model.shared.youth_trained
    model.shared.youth_trained[:] = 0.0
    total = w.sum(axis=1)
    need = np.maximum(s.base_capacity[rows] / output_per_worker - total, 0.0)
    want = need * s.openness[rows]
    village = s.village[rows]
    n_villages = len(model.shared.youth_pool)
    asked = np.bincount(village, weights=want, minlength=n_villages).astype(np.float64)
    filled = np.minimum(
        1.0, np.divide(model.shared.youth_pool, asked, out=np.ones_like(asked), where=asked > 0)
    )
    hires = want * filled[village]
    model.shared.youth_pool -= np.bincount(village, weights=hires, minlength=n_villages)
    np.maximum(model.shared.youth_pool, 0.0, out=model.shared.youth_pool)  # rounding only
    w[:, column_of(recruit_age)] += hires
    _summarise(model, output_per_worker, total + hires)


@M.outcome(
    "skilled_workers",
    label="Skilled workers",
    unit="workers",
    kind="count",
    better=HIGHER,
    aggregation="sum over living craft firms",
)
def skilled_workers(m):
    """Skilled workers in living craft firms."""
    return float((m.state.skilled * m.state.alive).sum())


@M.outcome(
    "mean_skilled_age",
    label="Mean age of skilled workers",
    unit="years",
    kind="years",
    better=NEITHER,
    aggregation="mean over the skilled workers of living craft firms",
)
def mean_skilled_age(m):
    """Mean age of skilled workers in living craft firms, years."""
    s = m.state
    workers = s.skilled * s.alive
    total = workers.sum()
    return float((workers * s.skilled_age).sum() / total) if total > 0 else 0.0


@M.outcome(
    "craft_output_idr",
    label="Craft cluster output",
    unit="Rp/month",
    kind="idr",
    better=HIGHER,
    aggregation="sum over living craft firms",
)
def craft_output(m):
    """Monthly revenue of living craft firms, Rp."""
    s = m.state
    return float((s.revenue * (s.alive & (s.sector == CRAFT))).sum())
