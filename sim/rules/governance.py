"""Governance: collaborative governance of each village cluster, DeSeve's eight indicators.

Assumption (Tumang study, seeds/004; DeSeve 2007): each village cluster carries eight indicators
in [0, 1] — networked structure, commitment to a common purpose, trust, governance, access to
authority, distributive accountability, information sharing, access to resources. A regular
meeting of all parties (monthly probability ``meeting_rate``, raised by cooperative facilitation:
``model.shared.meeting_boost``) moves every indicator a step ``meeting_effect`` towards 1, trust and
information sharing twice as far; without meetings they decay by ``decay`` towards their start.
Firms' trust follows their cluster's trust; conservative owners (low openness) follow it less.
Clusters with more trust and information sharing coordinate more cheaply: the coordination cost
of pools is scaled by ``model.shared.coordination_factor`` = 1 − ``coordination_saving`` × (trust +
information sharing) / 2, and knowledge spreads faster (see knowledge_sharing).
"""

from __future__ import annotations

import numpy as np

from sim.outcomes import HIGHER
from sim.params import ASSUMPTION
from sim.rules import START, SharedField, mechanism, rule_table, variant
from sim.rules.common import INDICATORS, INFO, TRUST, mean_where

TUMANG = "Tumang study (seeds/004): DeSeve indicators, 6 of 8 'fairly good'"

M = mechanism(
    "governance",
    after=START,
    shared=(
        SharedField("governance", None, "0-1", "indicators per village (rows) and indicator"),
        SharedField("governance_start", None, "0-1", "starting indicators per village"),
        SharedField(
            "meeting_boost", None, "1/month", "extra meeting chance per village (facilitation)"
        ),
        SharedField("meetings_held", 0, "meetings", "meetings of all parties since the start"),
        SharedField(
            "coordination_factor",
            None,
            "×",
            "coordination cost factor per village (None: 1 everywhere)",
        ),
    ),
)


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


@M.on_setup
def setup(model, rng):
    """Starting indicators per village, around ``initial_level``."""
    spec = model.scenario.rules["governance"]
    start = np.clip(
        spec["initial_level"] + 0.1 * rng.standard_normal((model.villages.count, len(INDICATORS))),
        0,
        1,
    )
    model.shared.governance = start.copy()
    model.shared.governance_start = start
    model.shared.meeting_boost = np.zeros(model.villages.count)
    model.shared.meetings_held = 0
    _update_coordination(model, spec["coordination_saving"])


def _update_coordination(model, saving: float) -> None:
    g = model.shared.governance
    model.shared.coordination_factor = 1 - saving * (g[:, TRUST] + g[:, INFO]) / 2


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
    g, s = model.shared.governance, model.state
    draws = rng.random(len(g))
    met = draws < np.clip(meeting_rate + model.shared.meeting_boost, 0, 1)
    step = np.full(len(INDICATORS), meeting_effect)
    step[[TRUST, INFO]] = min(2 * meeting_effect, 1.0)
    g += met[:, None] * step * (1 - g)
    g += decay * (model.shared.governance_start - g)
    np.clip(g, 0, 1, out=g)
    model.shared.meetings_held += int(met.sum())
    follow = trust_follow * (0.5 + 0.5 * s.openness) * s.alive
    s.trust += follow * (g[s.village, TRUST] - s.trust)
    _update_coordination(model, coordination_saving)


@M.outcome(
    "mean_trust",
    label="Mean trust",
    unit="0-1",
    kind="index",
    better=HIGHER,
    aggregation="mean over living firms",
)
def mean_trust(m):
    """Mean trust of living firms (0-1)."""
    return mean_where(m.state.trust, m.state.alive)


@M.outcome(
    "mean_information_sharing",
    label="Information sharing",
    unit="0-1",
    kind="index",
    better=HIGHER,
    aggregation="mean over villages",
)
def mean_information_sharing(m):
    """Mean information-sharing indicator of villages (0-1)."""
    governance = m.shared.governance
    return 0.0 if governance is None else float(governance[:, INFO].mean())
