"""Labour: skilled craft workers age and retire; recruits come from a shrinking youth pool;
skilled labour caps craft firms' capacity.

Assumption (Tumang study, seeds/004: a shortage of (skilled) workers, worry about the
regeneration of craftsmen, a conservative mindset). Craft firms start with the skilled workers
their capacity needs (``output_per_worker`` units a month each) at a mean age around
``mean_age``. Each year workers age; from ``retire_age`` on, a share ``retire_rate`` a year
retires. Firms short of workers recruit from their village's youth pool, which shrinks by
``youth_decline`` a year (young people leave for the city) and from which only open owners
recruit (× openness); trained youths added by a policy (``model.youth_trained``) join the pool.
Recruits are ``recruit_age`` years old. A craft firm's capacity is min(base capacity, skilled
workers × output per worker).
"""

from __future__ import annotations

import numpy as np

from sim.params import ASSUMPTION
from sim.rules import rule_table, variant

TUMANG = "Tumang study (seeds/004): ageing craftsmen, few young recruits"
CRAFT = 2  # index of "craft" in sim.config.SECTORS

P = rule_table(
    "labour",
    ("mean_age", 46.0, "years", TUMANG, "starting mean age of skilled workers", {"ge": 15.0}),
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
    ("recruit_age", 20.0, "years", ASSUMPTION, "age of recruits", {"ge": 15.0}),
    (
        "output_per_worker",
        10.0,
        "units/month",
        ASSUMPTION + " (about ten pieces a month)",
        "output of a skilled craft worker",
        {"gt": 0.0},
    ),
)


def setup(model, rng):
    """Craft firms' skilled workers and ages; each village's youth pool."""
    s = model.state
    spec = model.scenario.rules["labour"]
    craft = s.sector == CRAFT
    s.skilled = np.where(craft, np.ceil(s.base_capacity / spec["output_per_worker"]), 0.0)
    s.skilled_age = np.where(craft, spec["mean_age"] + 6 * rng.standard_normal(s.n), 0.0)
    crafts = np.bincount(s.village[craft], minlength=model.villages.count)
    model.youth_pool = spec["youth_per_firm"] * crafts.astype(float)
    model.youth_inflow = spec["youth_inflow"] * crafts.astype(float)
    model.youth_trained = np.zeros(model.villages.count)


@variant("labour", "ageing_workforce", default=True)
def ageing_workforce(
    model,
    rng,
    *,
    mean_age=P.mean_age,
    retire_age=P.retire_age,
    retire_rate=P.retire_rate,
    youth_per_firm=P.youth_per_firm,
    youth_decline=P.youth_decline,
    youth_inflow=P.youth_inflow,
    recruit_age=P.recruit_age,
    output_per_worker=P.output_per_worker,
):
    """Age, retire, recruit from the youth pool, and cap craft capacity by skilled labour."""
    s = model.state
    craft = s.alive & (s.sector == CRAFT)
    # Entrants in craft start with a worker of recruit age.
    new = craft & (s.skilled == 0) & (s.skilled_age == 0)
    s.skilled[new], s.skilled_age[new] = 1.0, recruit_age
    s.skilled_age += np.where(craft, 1 / 12, 0.0)
    retiring = np.where(craft & (s.skilled_age >= retire_age), retire_rate / 12, 0.0) * s.skilled
    s.skilled -= retiring
    # The youth pool: shrinks, fed by youths coming of age and by trained youths.
    model.youth_pool *= (1 - youth_decline) ** (1 / 12)
    model.youth_pool += model.youth_inflow / 12 + model.youth_trained
    model.youth_trained[:] = 0
    need = np.where(craft, np.maximum(s.base_capacity / output_per_worker - s.skilled, 0.0), 0.0)
    want = need * s.openness
    demand = np.bincount(s.village, weights=want, minlength=model.villages.count)
    filled = np.minimum(
        1.0, np.divide(model.youth_pool, demand, out=np.ones_like(demand), where=demand > 0)
    )
    hires = want * filled[s.village]
    model.youth_pool -= np.bincount(s.village, weights=hires, minlength=model.villages.count)
    total = s.skilled + hires
    s.skilled_age = np.divide(
        s.skilled * s.skilled_age + hires * recruit_age,
        total,
        out=s.skilled_age.copy(),
        where=total > 0,
    )
    s.skilled = total
    s.capacity = np.where(
        s.sector == CRAFT,
        np.minimum(s.base_capacity, s.skilled * output_per_worker),
        s.base_capacity,
    )
