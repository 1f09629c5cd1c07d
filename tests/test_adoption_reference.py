"""The vectorised adoption rule against a plain per-firm reference written here, in the test.

Tolerance: over 30 paired seeds the mean digital-share trajectories agree within 0.02 at every
month (the two draw different random numbers, so only distributions can match).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.model import MSMEModel
from sim.rules import per_firm
from tests.conftest import small

pytestmark = pytest.mark.slow  # 30 paired seeds with a per-firm rule

SEEDS = range(30)
MONTHS = 24


@per_firm("digital_adoption", "reference_per_firm")
def reference(firm, rng, *, p=0.03, q=0.38, literacy_messaging=0.3):
    """Level 0 → 1 only: gated Bass hazard computed firm by firm from its neighbours."""
    model = firm.model
    s = model.state
    if firm.level != 0:
        return
    ties = model.net.ties_csr
    peers = ties.indices[ties.indptr[firm.row] : ties.indptr[firm.row + 1]]
    living = [j for j in peers if s.alive[j]]
    tie_share = sum(s.level[j] >= 1 for j in living) / max(len(living), 1)
    groups = model.net.groups
    if getattr(model, "_groups_csc", (None,))[0] is not groups:
        model._groups_csc = (groups, groups.tocsc())
    by_group = model._groups_csc[1]
    my_groups = groups.indices[groups.indptr[firm.row] : groups.indptr[firm.row + 1]]
    members = adopters = 0
    for g in my_groups:
        col = by_group.indices[by_group.indptr[g] : by_group.indptr[g + 1]]
        members += sum(bool(s.alive[j]) for j in col)
        adopters += sum(bool(s.alive[j] and s.level[j] >= 1) for j in col)
    weight = 0.5 if members > 0 else 0.0
    imitation = (1 - weight) * tie_share + weight * adopters / max(members, 1)
    hazard = 1 - math.exp(-(p + q * imitation) / 12)
    gate = min(1.0, firm.literacy / literacy_messaging)
    if rng.random() < hazard * gate:
        firm.level = 1


def trajectory(variant: str, seed: int) -> np.ndarray:
    rules = {
        "digital_adoption": {"use": variant, "q": 0.38, "p": 0.03},
        "exit_entry": {"enabled": False},
    }
    if variant == "bass_gated":  # same gates as the reference: literacy only, up to level 1
        rules["digital_adoption"].update(max_level=1, drop_rate=0.0, learning_rate=0.0)
    scenario = small(
        n=150,
        months=MONTHS,
        rules=rules,
        connectivity={
            "coverage_mean": 1.0,
            "coverage_spread": 0.0,
            "data_price_idr_per_gb": 0.0,
            "device_cost_idr": 0.0,
        },
        firms={"digital_share_messaging": 0.05, "digital_share_marketplace": 0.0},
    )
    model = MSMEModel(scenario, seed=seed)
    model.run()
    return model.monthly()["digital_share"].to_numpy()


def test_vectorised_matches_per_firm_reference():
    fast = np.mean([trajectory("bass_gated", s) for s in SEEDS], axis=0)
    slow = np.mean([trajectory("reference_per_firm", s) for s in SEEDS], axis=0)
    assert fast[-1] > fast[0] + 0.05  # adoption actually happens
    assert np.abs(fast - slow).max() < 0.02, np.abs(fast - slow).max()
