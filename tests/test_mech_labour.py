"""labour: workforce accounting, retirement by age band, the youth-training hook, conservative
recruiting, the capacity cap and the 20-year ageing of a workforce without youths (the Tumang
version with youth skill training is in tests/test_findings.py)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import MSMEModel
from sim.rules.labour import CRAFT, P, ageing_workforce
from tests.conftest import small

CRAFT_MIX = {"food": 0.2, "fashion": 0.1, "craft": 0.5, "retail": 0.1, "services": 0.1}
NO_YOUTH = {"youth_per_firm": 0.0, "youth_inflow": 0.0}


def craft_model(seed: int, months: int = 24, labour=None, firms=None, exits=None) -> MSMEModel:
    rules = {"labour": labour or {}, "exit_entry": exits or {"enabled": False}}
    firms = {"sector_shares": CRAFT_MIX, **(firms or {})}
    return MSMEModel(small(n=200, months=months, rules=rules, firms=firms), seed=seed)


def workers(model) -> float:
    return float(model.shared.workforce.sum())


def test_workers_and_youths_are_accounted_for_every_month():
    """Workers only arrive as hires from the youth pool and only leave by retirement (no firm
    closes here): Δworkers = hires − retirements, with hires = what left the pool."""
    model = craft_model(seed=3, labour={"mean_age": 55.0, "youth_per_firm": 2.0})
    rng = np.random.default_rng(0)
    decline = (1 - P.youth_decline) ** (1 / 12)
    hired = 0.0
    for month in range(24):
        model.shared.youth_trained[:] = month % 3  # a policy's trainees arriving now and then
        before, retired = workers(model), model.shared.retirements
        pool = (
            model.shared.youth_pool * decline
            + model.shared.youth_inflow / 12
            + model.shared.youth_trained
        )
        ageing_workforce(model, rng)
        hires = float(pool.sum() - model.shared.youth_pool.sum())
        hired += hires
        assert hires >= 0 and (model.shared.youth_pool >= 0).all()
        np.testing.assert_allclose(
            workers(model) - before, hires - (model.shared.retirements - retired), atol=1e-9
        )
    assert model.shared.retirements > 0 and hired > 0


def test_nobody_retires_before_the_retirement_age():
    """A young workforce (ages around 25) loses no one in two years, up to 1e-9 workers (the
    far tail of the initial normal age distribution); an old one (around 62) loses over 5%."""
    young = craft_model(seed=1, labour={"mean_age": 25.0, "age_spread": 2.0, **NO_YOUTH})
    old = craft_model(seed=1, labour={"mean_age": 62.0, "age_spread": 2.0, **NO_YOUTH})
    start = workers(young), workers(old)
    young.run(), old.run()
    assert young.shared.retirements < 1e-9 and workers(young) >= start[0] - 1e-9
    assert old.shared.retirements > 0.05 * start[1] and workers(old) < start[1]


def test_youth_training_adds_young_skilled_workers_and_output():
    """The hook of youth_skill_training. Tolerance: in each of 6 paired seeds, with 2 trained
    youths per village a month (no natural youth pool, an old workforce), after 60 months the
    cluster has more skilled workers, a younger mean age and more craft output than without."""
    labour = {"mean_age": 55.0, **NO_YOUTH}
    for seed in range(6):
        trained, untrained = craft_model(seed, 60, labour), craft_model(seed, 60, labour)
        for _ in range(60):
            trained.shared.youth_trained += 2.0
            trained.step()
            untrained.step()
        on, off = trained.summary(), untrained.summary()
        assert on["skilled_workers"] > off["skilled_workers"]
        assert on["mean_skilled_age"] < off["mean_skilled_age"]
        assert on["craft_output_idr"] > off["craft_output_idr"]


def test_conservative_owners_recruit_fewer_youths():
    """Tumang: a conservative mindset. Tolerance: in each of 6 paired seeds, after 60 months of
    an ageing workforce and a youth pool, firms with conservative owners (mean openness 0.15)
    keep fewer skilled workers than open ones (0.85)."""
    labour = {"mean_age": 55.0, "youth_per_firm": 3.0}
    for seed in range(6):
        closed = craft_model(seed, 60, labour, firms={"openness_mean": 0.15})
        open_ = craft_model(seed, 60, labour, firms={"openness_mean": 0.85})
        closed.run(), open_.run()
        assert closed.summary()["skilled_workers"] < open_.summary()["skilled_workers"]


def test_skilled_labour_caps_craft_capacity_only():
    """Every month, with entry and exit on: a living craft firm's capacity is min(base capacity,
    skilled workers × output per worker) (this month's entrants from their first labour phase
    on, before their first sale); other firms keep their base capacity; closed firms' workers
    are gone, and the firms off the workforce, by the next month; entrants in craft start with
    their owner as a worker."""
    model = craft_model(seed=5, months=36, labour=NO_YOUTH, exits={"entry_rate": 0.5})
    for _ in range(36):
        dead_before = np.flatnonzero(~model.state.alive)
        model.step()
        s = model.state
        craft = s.alive & (s.sector == CRAFT) & (np.arange(s.n) < model.shared.labour_rows)
        expected = np.minimum(s.base_capacity, s.skilled * P.output_per_worker)
        np.testing.assert_allclose(s.capacity[craft], expected[craft])
        other = s.alive & (s.sector != CRAFT)
        np.testing.assert_array_equal(s.capacity[other], s.base_capacity[other])
        assert (s.skilled[dead_before] == 0).all()
        assert not np.isin(model.shared.workforce_rows, dead_before).any()
    entrants = np.arange(200, model.shared.labour_rows)  # enrolled at their first labour phase
    assert len(entrants) > 0
    s = model.state
    craft_entrants = entrants[(s.sector[entrants] == CRAFT) & s.alive[entrants]]
    assert len(craft_entrants) > 0 and set(model.shared.workforce_rows) >= set(craft_entrants)


@pytest.mark.slow
def test_ageing_workforce_without_youth_lowers_craft_output_over_20_years():
    """Tolerance: over 6 paired seeds (240 months), craft output at the end is lower without
    youth recruitment than with it in every seed, and falls below its first-year level."""
    for seed in range(6):
        with_youth = craft_model(seed, months=240)
        without = craft_model(seed, months=240, labour=NO_YOUTH)
        with_youth.run(), without.run()
        out_with = with_youth.monthly()["craft_output_idr"]
        out_without = without.monthly()["craft_output_idr"]
        assert out_without.iloc[-1] < out_with.iloc[-1]
        assert out_without.iloc[-12:].mean() < out_without.iloc[:12].mean()
