"""WhatsApp selling: a messaging seller sells in its village's WhatsApp groups only while that
pays.

Assumption (Sidoarjo study, seeds/001: WhatsApp groups are micro firms' main online channel, and
crowding makes it hard to stand out): a firm at level 1 (messaging) with signal reaches its
village's online buyers only while it is an active seller in its groups (``wa_member``); the
market gives messaging reach to active sellers alone (``model.shared.messaging_sellers``).
Posting catalogues and answering orders takes the owner ``hours`` a month, valued at the
hourly wage of the outside option (``rules.exit_entry.outside_income_idr`` over 173 hours): an
opportunity cost the owner weighs, not a payment. Each month an active seller credits its online
orders at its gross margin less that time, folds it into its expected gain (weight ``memory``)
and stops after ``patience`` months of negative expectation; a firm not selling there starts
when last month's sellers in its group expected a gain, or with chance ``explore_rate``
(``sim.rules.common.choose_members``, the same decision as pools and joint promotion).
"""

from __future__ import annotations

import numpy as np

from sim.outcomes import NEITHER
from sim.params import ASSUMPTION
from sim.population import has_signal
from sim.rules import Column, SharedField, mechanism, rule_table, variant
from sim.rules.common import choose_members, first_group, learn_gain, mean_where

SIDOARJO = "Sidoarjo study (seeds/001): selling in WhatsApp groups"
HOURS_A_MONTH = 173.0  # 40 hours a week

M = mechanism(
    "whatsapp_selling",
    after="joint_marketing",
    columns=(
        Column(
            "wa_member",
            "bool",
            True,
            "-",
            "sells in its WhatsApp groups (a new messaging seller tries it)",
            on_close=False,
        ),
        Column(
            "wa_expected_gain_idr",
            "float64",
            0.0,
            "Rp/month",
            "expected net gain from selling in WhatsApp groups",
        ),
        Column(
            "wa_losing_months",
            "int16",
            0,
            "months",
            "months in a row its expected gain from WhatsApp selling was negative",
            0,
        ),
    ),
    shared=(
        SharedField("messaging_sellers", None, "-", "firms selling in WhatsApp groups (None: all)"),
    ),
)

P = rule_table(
    "whatsapp_selling",
    (
        "hours",
        10.0,
        "hours/month",
        ASSUMPTION + " (posting catalogues, answering and packing orders)",
        "owner's time spent selling in WhatsApp groups",
        {"ge": 0.0},
    ),
    (
        "memory",
        0.3,
        "share",
        ASSUMPTION,
        "weight of last month's net gain in the expected gain",
        {"gt": 0.0, "le": 1.0},
    ),
    (
        "patience",
        3,
        "months",
        ASSUMPTION,
        "months of negative expected gain after which a seller stops",
        {"ge": 1},
    ),
    (
        "explore_rate",
        0.02,
        "1/month",
        ASSUMPTION,
        "chance a messaging firm not selling in its groups tries it without peers' evidence",
        {"ge": 0.0, "le": 1.0},
    ),
)


def time_cost(model, hours: float) -> float:
    """The owner's monthly time in WhatsApp selling, at the outside option's hourly wage."""
    spec = model.scenario.rules.get("exit_entry", {})
    outside = spec.get("outside_income_idr", 2.0e6)
    return hours * outside / HOURS_A_MONTH


@variant("whatsapp_selling", "pays_or_stops", default=True)
def pays_or_stops(
    model,
    rng,
    *,
    hours=P.hours,
    memory=P.memory,
    patience=P.patience,
    explore_rate=P.explore_rate,
):
    """Learn what last month's WhatsApp selling earned, decide who sells there this month."""
    s = model.state
    explore = rng.random(s.n)
    messaging = s.alive & (s.level == 1) & has_signal(s, model.villages)
    last = s.wa_member & messaging & (s.age_months > 1)
    margin = np.clip(1 - s.unit_cost / s.price, 0.0, 1.0)
    gain = s.online_demand * margin - time_cost(model, hours)
    learn_gain(s, "wa", np.flatnonzero(last), gain[last], memory)
    group = first_group(model.net.groups)
    member = choose_members(
        s, "wa", last, group, model.net.n_groups, explore, explore_rate, patience, memory
    )
    model.shared.messaging_sellers = member


@M.outcome(
    "whatsapp_selling_share",
    label="Messaging firms selling in WhatsApp groups",
    unit="%",
    kind="share",
    better=NEITHER,
    aggregation="share of living messaging firms (level 1) with signal",
)
def whatsapp_selling_share(m):
    """Share of living level-1 firms with signal that sell in their WhatsApp groups."""
    s = m.state
    messaging = s.alive & (s.level == 1) & has_signal(s, m.villages)
    return mean_where(s.wa_member, messaging)
