"""governance: bounds at extreme settings, decay without meetings, meetings raising trust and
information sharing, and the hooks other parts of the model use
(``model.shared.meeting_boost`` raised by facilitation, ``model.shared.coordination_factor``
read by pools and partnerships). The Tumang facilitation finding is in tests/test_findings.py."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import MSMEModel
from sim.rules.governance import INFO, TRUST, meetings
from tests.collab_helpers import paired, run
from tests.conftest import small


def test_indicators_and_trust_stay_in_bounds_at_extreme_settings():
    for settings in (
        {"meeting_rate": 1.0, "meeting_effect": 1.0, "decay": 1.0, "trust_follow": 1.0},
        {"meeting_rate": 0.0, "meeting_effect": 0.0, "decay": 0.0, "trust_follow": 1.0},
        {"initial_level": 1.0, "meeting_rate": 1.0, "meeting_effect": 1.0, "decay": 0.5},
    ):
        model = MSMEModel(small(n=200, months=12, rules={"governance": settings}), seed=4)
        model.shared.meeting_boost[:] = 5.0  # far beyond a probability: the rule must clip it
        for _ in range(12):
            model.step()
            g, s = model.shared.governance, model.state
            assert ((g >= 0) & (g <= 1)).all(), settings
            assert ((s.trust >= 0) & (s.trust <= 1)).all(), settings
            factor = model.shared.coordination_factor
            assert ((factor > 0) & (factor <= 1)).all(), settings


def test_without_meetings_indicators_relax_geometrically_towards_their_start():
    """g_t − start = (1 − decay)^t (g_0 − start) when no meeting is held."""
    decay = 0.05
    model = MSMEModel(small(n=100, months=1), seed=1)
    start = model.shared.governance_start
    model.shared.governance[:] = 1.0
    for _ in range(30):
        meetings(model, np.random.default_rng(0), meeting_rate=0.0, decay=decay)
    expected = start + (1 - decay) ** 30 * (1.0 - start)
    np.testing.assert_allclose(model.shared.governance, expected, rtol=1e-12)
    assert model.shared.meetings_held == 0


def test_facilitated_villages_gain_trust_information_and_cheaper_coordination():
    """The hook a cooperative_facilitation policy uses. Tolerance: in each of 6 seeds, after 36
    months with meetings made near-certain in village 0 only, village 0 has the highest trust
    and information sharing, the lowest coordination-cost factor, and its firms' mean trust
    exceeds the other villages' firms'."""
    for seed in range(6):
        model = MSMEModel(
            small(n=300, months=36, rules={"exit_entry": {"enabled": False}}), seed=seed
        )
        for _ in range(36):
            model.shared.meeting_boost[0] = 0.9
            model.step()
        g, s = model.shared.governance, model.state
        assert g[:, TRUST].argmax() == 0 and g[:, INFO].argmax() == 0
        assert model.shared.coordination_factor.argmin() == 0
        here = s.alive & (s.village == 0)
        elsewhere = s.alive & (s.village != 0)
        assert s.trust[here].mean() > s.trust[elsewhere].mean()


def test_open_owners_follow_their_cluster_faster():
    """Firms' trust moves towards the cluster's at trust_follow × (0.5 + 0.5 openness): one
    month applied by hand to two firms in the same village, one open and one conservative."""
    model = MSMEModel(small(n=100, months=1), seed=2)
    s = model.state
    village = s.village[0]
    peers = np.flatnonzero(s.village == village)[:2]
    s.openness[peers] = (1.0, 0.0)
    s.trust[peers] = 0.0
    meetings(model, np.random.default_rng(0), meeting_rate=0.0, decay=0.0, trust_follow=0.2)
    target = model.shared.governance[village, TRUST]
    np.testing.assert_allclose(s.trust[peers], (0.2 * target, 0.1 * target), rtol=1e-12)


@pytest.mark.slow
def test_governance_meetings_raise_trust_and_information_sharing():
    """Tolerance: with monthly meetings likely (0.5) rather than never, village trust and
    information sharing and firms' mean trust are higher after 24 months in all 12 paired
    seeds (the village indicators checked directly in the first 3)."""
    seeds = range(12)
    meet = {"rules": {"governance": {"meeting_rate": 0.5}}}
    never = {"rules": {"governance": {"meeting_rate": 0.0}}}
    assert (paired("mean_trust", meet, never, seeds, months=24) > 0).all()
    assert (paired("mean_information_sharing", meet, never, seeds, months=24) > 0).all()
    for seed in seeds[:3]:
        g_meet = run(seed, months=24, **meet).shared.governance
        g_never = run(seed, months=24, **never).shared.governance
        assert g_meet[:, TRUST].mean() > g_never[:, TRUST].mean()
        assert g_meet[:, INFO].mean() > g_never[:, INFO].mean()
