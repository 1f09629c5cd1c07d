"""Joint marketing: promotion shared in WhatsApp groups and on a regional platform.

Assumption (Sidoarjo study, seeds/001: joint promotion — a customer drawn by one product buys
another's in the same group — at low marketing cost; crowding makes it hard to stand out; a
regional digital collaboration platform; COVID study, seeds/000: a joint marketing and delivery
platform among culinary firms). Digital group members open enough to cooperate (openness ≥
``min_openness``) promote jointly, each paying ``promo_cost_idr`` a month. A group's sellers
weigh more with online buyers by ``boost`` × (share of its sellers who promote jointly): joint
promotion wins buyers from other sellers, it brings no new money; ``spillover`` of each
promoter's online orders is pooled and shared equally among the group's promoters (see
``sim.rules.market.share_within_groups``). Crowding stays in the market rule: more sellers share
the same buyers. Promoting is a decision: each month a firm that promoted last month credits
the promotion with the boosted part of its online demand at its gross margin, less the fee (see
``perceived_gain``), and folds that into its expected gain with weight ``memory``; after
``patience`` months of negative expected gain it stops; a firm not promoting starts when last
month's promoters in its group expected a gain, or with chance ``explore_rate``. Free-riding
stays possible: a group's boost reaches all its sellers, promoting or not.
A regional platform, when a policy runs one (``model.shared.platform``), lets its members reach
buyers across the regency and outside (the market rule); this rule counts them.
"""

from __future__ import annotations

import numpy as np

from sim.outcomes import HIGHER, NEITHER
from sim.params import ASSUMPTION
from sim.passes import members_per_group
from sim.population import has_signal
from sim.rules import Column, SharedField, mechanism, rule_table, variant
from sim.rules.common import choose_members, first_group, learn_gain, mean_where

SIDOARJO = "Sidoarjo study (seeds/001): joint promotion in WhatsApp groups"

M = mechanism(
    "joint_marketing",
    after="labour",
    columns=(
        Column(
            "joint_promo",
            "bool",
            False,
            "-",
            "takes part in joint promotion this month",
            on_close=False,
        ),
        Column(
            "promo_member",
            "bool",
            True,
            "-",
            "means to promote jointly (a new firm is willing to try)",
            on_close=False,
        ),
        Column(
            "promo_expected_gain_idr",
            "float64",
            0.0,
            "Rp/month",
            "expected net gain from joint promotion (weighted mean of its own months)",
        ),
        Column(
            "promo_losing_months",
            "int16",
            0,
            "months",
            "months in a row its expected gain from joint promotion was negative",
            0,
        ),
    ),
    shared=(
        SharedField("group_boost", None, "×", "demand boost per group (None: 1 everywhere)"),
        SharedField("joint_spillover", 0.0, "share", "share of group demand shared by promoters"),
        SharedField("platform", None, "-", "the regional platform, when a policy runs one"),
        SharedField("platform_members", 0, "firms", "firms selling on the platform this month"),
    ),
)


P = rule_table(
    "joint_marketing",
    (
        "min_openness",
        0.3,
        "0-1",
        SIDOARJO,
        "openness needed to promote jointly",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "promo_cost_idr",
        2.0e4,
        "Rp/month",
        SIDOARJO + ": low marketing cost",
        "each promoter's contribution (content, data)",
        {"ge": 0.0},
    ),
    (
        "boost",
        0.3,
        "share",
        ASSUMPTION,
        "extra weight of a group's sellers with online buyers when every seller promotes",
        {"ge": 0.0},
    ),
    (
        "memory",
        0.3,
        "share",
        ASSUMPTION,
        "weight of last month's net gain in a promoter's expected gain",
        {"gt": 0.0, "le": 1.0},
    ),
    (
        "patience",
        3,
        "months",
        ASSUMPTION,
        "months of negative expected gain after which a promoter stops",
        {"ge": 1},
    ),
    (
        "explore_rate",
        0.02,
        "1/month",
        ASSUMPTION,
        "chance a firm not promoting tries it without peers' evidence",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "spillover",
        0.2,
        "share",
        SIDOARJO,
        "share of a promoter's group orders shared in the group",
        {"ge": 0.0, "le": 1.0},
    ),
)


@variant("joint_marketing", "group_promotion", default=True)
def group_promotion(
    model,
    rng,
    *,
    min_openness=P.min_openness,
    promo_cost_idr=P.promo_cost_idr,
    boost=P.boost,
    memory=P.memory,
    patience=P.patience,
    explore_rate=P.explore_rate,
    spillover=P.spillover,
):
    """Learn what last month's promotion gained, decide who promotes jointly, set the groups'
    boost and spillover, and count the platform's sellers."""
    s, groups = model.state, model.net.groups
    explore = rng.random(s.n)
    group = first_group(groups)
    last = s.joint_promo & s.alive
    learn_gain(
        s, "promo", np.flatnonzero(last), perceived_gain(model, promo_cost_idr)[last], memory
    )
    member = choose_members(
        s, "promo", last, group, model.net.n_groups, explore, explore_rate, patience, memory
    )
    sellers = s.alive & (s.level >= 1) & has_signal(s, model.villages)
    promoters = member & sellers & (s.openness >= min_openness) & (group >= 0)
    s.joint_promo = promoters
    s.extra_cost += promoters * promo_cost_idr
    if (groups.data == 1).all():  # counted as integers in one compiled pass: the same values
        n_sellers, n_promoters = members_per_group(
            groups.indptr, groups.indices, groups.shape[1], sellers, promoters
        )
    else:
        n_sellers = groups.T @ sellers.astype(float)
        n_promoters = groups.T @ promoters.astype(float)
    share = np.divide(n_promoters, n_sellers, out=np.zeros_like(n_sellers), where=n_sellers > 0)
    model.shared.group_boost = 1 + boost * share
    model.shared.joint_spillover = spillover
    model.shared.platform_members = count_platform_sellers(model, sellers)


def perceived_gain(model, promo_cost_idr: float) -> np.ndarray:
    """What each firm reckons last month's joint promotion earned it, Rp: the boosted part of
    its online demand, (1 − 1 / its group's boost) × online demand, at its gross margin
    (1 − unit cost / price), minus the fee. A firm cannot see its sales without the promotion,
    so it credits the promotion with its group's boost (an estimate; marketplace and platform
    orders count in its online demand too)."""
    s, boost = model.state, model.shared.group_boost
    if boost is None:
        return np.full(s.n, -promo_cost_idr)
    factor = np.where(s.joint_promo, 1 - 1 / boost[np.maximum(first_group(model.net.groups), 0)], 0)
    margin = np.clip(1 - s.unit_cost / s.price, 0.0, 1.0)
    return factor * s.online_demand * margin - promo_cost_idr


def count_platform_sellers(model, sellers: np.ndarray) -> int:
    """How many firms sell on the regional platform this month: listed members (rows listed by
    the ``regional_platform`` policy in ``model.shared.platform["members"]``; later rows are not
    members) who sell online (level ≥ 1, with signal). The market gives them their reach."""
    platform = model.shared.platform
    if not platform:
        return 0
    listed = np.asarray(platform["members"], dtype=bool)[: model.state.n]
    return int((sellers[: len(listed)] & listed).sum())


@M.outcome(
    "joint_promotion_share",
    label="Joint promotion",
    unit="%",
    kind="share",
    better=HIGHER,
    aggregation="share of living firms",
)
def joint_promotion_share(m):
    """Share of living firms promoting jointly in their group."""
    return mean_where(m.state.joint_promo, m.state.alive)


@M.outcome(
    "promo_expected_gain_idr",
    label="Joint promoters' expected gain",
    unit="Rp/month",
    kind="idr",
    better=HIGHER,
    aggregation="mean over firms promoting jointly this month",
)
def promo_expected_gain(m):
    """Mean expected monthly net gain from joint promotion of this month's promoters, Rp."""
    s = m.state
    return mean_where(s.promo_expected_gain_idr, s.joint_promo & s.alive)


@M.outcome(
    "platform_members",
    label="Regional-platform sellers",
    unit="firms",
    kind="count",
    better=NEITHER,
    aggregation="count of living sellers on the platform",
)
def platform_members(m):
    """Firms selling on the regional platform this month."""
    return float(m.shared.platform_members)
