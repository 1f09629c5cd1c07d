"""Governance: collaborative governance of each village cluster, DeSeve's eight indicators.

Assumption (Tumang study, seeds/004; DeSeve 2007): each village cluster carries eight indicators
in [0, 1] — networked structure, commitment to a common purpose, trust, governance, access to
authority, distributive accountability, information sharing, access to resources. A regular
meeting of all parties (monthly probability ``meeting_rate``, raised by cooperative facilitation:
``model.meeting_boost``) moves every indicator a step ``meeting_effect`` towards 1, trust and
information sharing twice as far; without meetings they decay by ``decay`` towards their start.
Firms' trust follows their cluster's trust; conservative owners (low openness) follow it less.
Clusters with more trust and information sharing coordinate more cheaply: the coordination cost
of pools is scaled by ``model.coordination_factor`` = 1 − ``coordination_saving`` × (trust +
information sharing) / 2, and knowledge spreads faster (see knowledge_sharing).
"""

from __future__ import annotations

import numpy as np

from sim.params import ASSUMPTION
from sim.rules import rule_table, variant

TUMANG = "Tumang study (seeds/004): DeSeve indicators, 6 of 8 'fairly good'"
INDICATORS = (
    "networked_structure",
    "common_purpose",
    "trust",
    "governance",
    "access_to_authority",
    "distributive_accountability",
    "information_sharing",
    "access_to_resources",
)
TRUST, INFO = INDICATORS.index("trust"), INDICATORS.index("information_sharing")

P = rule_table(
    "governance",
    (
        "initial_level",
        0.5,
        "0-1",
        TUMANG,
        "mean starting value of the indicators",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "meeting_rate",
        0.1,
        "1/month",
        TUMANG + ": meetings are irregular",
        "chance of a meeting of all parties in a month",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "meeting_effect",
        0.05,
        "share of gap",
        ASSUMPTION,
        "step of the indicators towards 1 at a meeting",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "decay",
        0.01,
        "1/month",
        ASSUMPTION,
        "monthly relaxation towards the starting values",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "trust_follow",
        0.1,
        "1/month",
        ASSUMPTION,
        "speed at which firms' trust follows the cluster",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "coordination_saving",
        0.5,
        "share",
        ASSUMPTION,
        "coordination cost saved at full trust and information sharing",
        {"ge": 0.0, "le": 1.0},
    ),
)


def setup(model, rng):
    """Starting indicators per village, around ``initial_level``."""
    spec = model.scenario.rules["governance"]
    start = np.clip(
        spec["initial_level"] + 0.1 * rng.standard_normal((model.villages.count, len(INDICATORS))),
        0,
        1,
    )
    model.governance = start.copy()
    model.governance_start = start
    model.meeting_boost = np.zeros(model.villages.count)
    model.meetings_held = 0
    _update_coordination(model, spec["coordination_saving"])


def _update_coordination(model, saving: float) -> None:
    g = model.governance
    model.coordination_factor = 1 - saving * (g[:, TRUST] + g[:, INFO]) / 2


@variant("governance", "meetings", default=True)
def meetings(
    model,
    rng,
    *,
    initial_level=P.initial_level,
    meeting_rate=P.meeting_rate,
    meeting_effect=P.meeting_effect,
    decay=P.decay,
    trust_follow=P.trust_follow,
    coordination_saving=P.coordination_saving,
):
    """Meetings lift the indicators, time erodes them, firms' trust follows their cluster."""
    g, s = model.governance, model.state
    draws = rng.random(len(g))
    met = draws < np.clip(meeting_rate + model.meeting_boost, 0, 1)
    step = np.full(len(INDICATORS), meeting_effect)
    step[[TRUST, INFO]] = min(2 * meeting_effect, 1.0)
    g += met[:, None] * step * (1 - g)
    g += decay * (model.governance_start - g)
    np.clip(g, 0, 1, out=g)
    model.meetings_held += int(met.sum())
    follow = trust_follow * (0.5 + 0.5 * s.openness) * s.alive
    s.trust += follow * (g[s.village, TRUST] - s.trust)
    _update_coordination(model, coordination_saving)
