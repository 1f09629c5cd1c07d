"""Digital adoption: firms climb from offline (0) to messaging apps (1) to social/marketplace (2).

Assumption (Bass 1969; Rogers' diffusion of innovations; Sidoarjo study, seeds/001): each month a
firm moves up one level with probability

    P = gate × (1 − exp(−(p + q·I)·Δt)),   Δt = 1/12 year,

where p is external influence (media, training, marketing), I is the share of the firm's
contacts (ties and WhatsApp-group members) already at the next level, and q is imitation.
The gate is the product of three limits named in the Sidoarjo study:

- literacy:      min(1, literacy / literacy needed for the level),
- connectivity:  the firm has signal (village coverage); marketplaces also need quality,
- affordability: the firm can pay the device (if it has none) and the monthly data stays below
                 ``affordable_data_share`` of its revenue.

With every gate open and ``mixing: full`` (I = population share) this is exactly the discrete
Bass process (docs/validation.md). Firms whose data cost bites drop a level with probability
``drop_rate`` a month; literacy grows with use.
"""

from __future__ import annotations

import numpy as np

from sim.outcomes import HIGHER, NEITHER
from sim.params import ASSUMPTION, BASS, SIDOARJO
from sim.passes import blended_shares, contact_counts
from sim.population import has_signal
from sim.rules import Column, mechanism, rule_table, variant
from sim.rules.common import data_cost, mean_where

MONTH = 1 / 12

M = mechanism(
    "digital_adoption",
    after="knowledge_sharing",
    columns=(
        Column("data_subsidy", "float64", 0.0, "0-1", "share of data cost paid by a subsidy", 0, 1),
    ),
)


P = rule_table(
    "digital_adoption",
    (
        "p",
        0.03,
        "1/year",
        BASS + "; typical p for consumer innovations",
        "external influence",
        {"ge": 0.0},
    ),
    ("q", 0.38, "1/year", BASS + "; typical q for consumer innovations", "imitation", {"ge": 0.0}),
    ("p_marketplace", 0.02, "1/year", ASSUMPTION, "external influence, level 1 → 2", {"ge": 0.0}),
    ("q_marketplace", 0.3, "1/year", ASSUMPTION, "imitation, level 1 → 2", {"ge": 0.0}),
    (
        "literacy_messaging",
        0.3,
        "0-1",
        SIDOARJO + ": messaging is the easy first step",
        "literacy needed for level 1",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "literacy_marketplace",
        0.65,
        "0-1",
        SIDOARJO + ": low literacy blocks marketplaces",
        "literacy needed for level 2",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "affordable_data_share",
        0.05,
        "share of revenue",
        ASSUMPTION,
        "data spending a firm tolerates",
        {"gt": 0.0},
    ),
    (
        "drop_rate",
        0.1,
        "1/month",
        ASSUMPTION,
        "chance of dropping a level when data costs bite",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "learning_rate",
        0.01,
        "1/month",
        ASSUMPTION,
        "literacy gain per level of use",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "group_weight",
        0.5,
        "share",
        SIDOARJO,
        "weight of group members (vs ties) in imitation",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "mixing",
        "network",
        "-",
        BASS,
        "imitation source: network (ties and groups) or full",
        {"choices": ("network", "full")},
    ),
    ("max_level", 2, "level", ASSUMPTION, "highest level firms can reach", {"ge": 0, "le": 2}),
)


def peer_shares(model, adopters: list[np.ndarray], group_weight: float, mixing: str) -> np.ndarray:
    """For each mask in ``adopters``: the share of each firm's living contacts (ties and group
    co-members, weighted ``group_weight``) in it; one column per mask."""
    s = model.state
    if mixing == "full":
        living = max(s.alive.sum(), 1)
        return np.column_stack([np.full(s.n, a.sum() / living) for a in adopters])
    ties, groups = model.net.ties_csr, model.net.groups
    # living contacts and adopters over ties (ties @ x) and over groups (groups @ groups.T @ x)
    if len(adopters) == 2 and (ties.data == 1).all() and (groups.data == 1).all():
        bits = s.alive.view(np.uint8) | (adopters[0].view(np.uint8) << 1)  # x's columns as bits
        bits |= adopters[1].view(np.uint8) << 2
        by_ties, by_groups = contact_counts(
            ties.indptr, ties.indices, groups.indptr, groups.indices, groups.shape[1], bits
        )  # integer counts in one compiled pass: the same float32 values
    else:
        x = np.column_stack([s.alive, *adopters]).astype(np.float32)
        by_ties, by_groups = ties @ x, groups @ (groups.T @ x)
    # (1 − w) × adopters / living contacts by ties + w × the same over groups
    return blended_shares(by_ties, by_groups, float(group_weight))


@variant("digital_adoption", "bass_gated", default=True)
def bass_gated(
    model,
    rng,
    *,
    p=P.p,
    q=P.q,
    p_marketplace=P.p_marketplace,
    q_marketplace=P.q_marketplace,
    literacy_messaging=P.literacy_messaging,
    literacy_marketplace=P.literacy_marketplace,
    affordable_data_share=P.affordable_data_share,
    drop_rate=P.drop_rate,
    learning_rate=P.learning_rate,
    group_weight=P.group_weight,
    mixing=P.mixing,
    max_level=P.max_level,
):
    """Gated Bass adoption with dis-adoption and learning by use (see the module docstring)."""
    s, v, conn = model.state, model.villages, model.scenario.connectivity
    level, alive = s.level.copy(), s.alive
    signal = has_signal(s, v)
    budget = affordable_data_share * np.maximum(s.customers, 1.0)

    imitation = peer_shares(
        model, [alive & (level >= 1), alive & (level >= 2)], group_weight, mixing
    )
    # Whole-firm arrays are made one at a time and multiplied in place: at a million firms each
    # is 8 MB, and the month's peak memory is its phases' temporaries.
    for target, p_, q_, need in (
        (1, p, q, literacy_messaging),
        (2, p_marketplace, q_marketplace, literacy_marketplace),
    ):
        if target > max_level:
            rng.random(s.n)  # drawn even when skipped: the draws that follow stay the same
            continue
        device = np.where(s.has_device, 0.0, conn.device_cost_idr) if target == 1 else 0.0
        cost_ok = (s.cash >= device) & (data_cost(s, v, target, conn) <= budget)
        chance = 1 - np.exp(-(p_ + q_ * imitation[:, target - 1]) * MONTH)  # the Bass hazard
        if need > 0:
            chance *= np.clip(s.literacy / need, 0, 1)  # literacy gate
        chance *= signal * v.quality[s.village] if target == 2 else signal  # network gate
        chance *= cost_ok
        del cost_ok
        adopt = alive & (level == target - 1)  # the candidates
        adopt &= rng.random(s.n) < chance  # this phase's draws: target 1, target 2, dropping
        del chance
        s.level[adopt] = target
        if target == 1:
            np.add(s.extra_cost, device, out=s.extra_cost, where=adopt)
            s.has_device[adopt] = True
    del imitation, signal

    bites = alive & (level > 0) & (data_cost(s, v, level, conn) > budget)
    drop = bites & (rng.random(s.n) < drop_rate)
    s.level[drop] = level[drop] - 1
    s.literacy += learning_rate * s.level * (1 - s.literacy) * alive


@M.outcome(
    "digital_share",
    label="Digital adoption (messaging or more)",
    unit="%",
    kind="share",
    better=HIGHER,
    aggregation="share of living firms",
)
def digital_share(m):
    """Share of living firms at digital level >= 1."""
    return mean_where(m.state.level >= 1, m.state.alive)


@M.outcome(
    "marketplace_share",
    label="On social media or marketplaces",
    unit="%",
    kind="share",
    better=HIGHER,
    aggregation="share of living firms",
)
def marketplace_share(m):
    """Share of living firms at digital level >= 2."""
    return mean_where(m.state.level >= 2, m.state.alive)


def _level_share(level: int):
    def share(m):
        return mean_where(m.state.level == level, m.state.alive)

    share.__doc__ = f"Share of living firms at digital level {level}."
    return share


for _level, _label in enumerate(
    ("Offline (level 0)", "Messaging apps (level 1)", "Social media or marketplace (level 2)")
):
    M.outcome(
        f"share_level_{_level}",
        label=_label,
        unit="%",
        kind="share",
        better=NEITHER,
        aggregation="share of living firms",
    )(_level_share(_level))


@M.outcome(
    "mean_literacy",
    label="Mean digital literacy",
    unit="0-1",
    kind="index",
    better=HIGHER,
    aggregation="mean over living firms",
)
def mean_literacy(m):
    """Mean owner digital literacy (0-1) of living firms."""
    return mean_where(m.state.literacy, m.state.alive)
