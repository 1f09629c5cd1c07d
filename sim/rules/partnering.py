"""Partnering: firms search their network for a partner, match on capabilities, review and drop.

Assumption (fashion partner-selection study, seeds/002), mapped to its five elements:
- *vision*: a firm without a partner looks for one with monthly probability ``search_rate``;
- *selection requirements*: search is limited by networking capability — the firm meets
  ``candidates`` of its ties, and with fewer than ``full_search_ties`` ties it searches
  proportionally less often; the variant decides whom it picks: ``random`` (the first met),
  ``similar`` (closest capabilities) or ``complementary`` (best fit, below);
- *form*: one partner at a time (a bilateral partnership);
- *process*: each partner gains ``gain_rate`` × fit × the smaller customer base each month,
  minus a coordination cost ``coordination_idr`` (scaled by the village's governance factor,
  ``model.shared.coordination_factor``); the gain or loss goes through ``extra_cost``, so profit and
  cash carry it. In the regional economy the gain is a saving on what the pair pays outside the
  regency (shared production, design and sourcing), never new sales, and at most what the firm
  paid outside the regency last month (inputs, the non-wage fixed cost, data): a partnership
  cannot create demand or money;
- *review*: every ``review_months`` of its life (counted in ``partner_months``) a partnership
  that has lost money in total since it began is dropped.
Fit of a pair = 4 (p_i − p_j)(m_j − m_i) ∈ [−1, 1] on production (p) and marketing (m)
capabilities: positive when each is strong where the other is weak, negative for a mismatch —
which loses money, as the study reports.
"""

from __future__ import annotations

import numpy as np

from sim.outcomes import HIGHER
from sim.params import ASSUMPTION
from sim.passes import partner_month_pass, partner_search_pass
from sim.rules import Column, SharedField, mechanism, rule_table, variant
from sim.rules.common import mean_where, wage_share

FASHION = "fashion partner-selection study (seeds/002)"

M = mechanism(
    "partnering",
    after="digital_adoption",
    columns=(
        Column("partner", "int32", -1, "row", "row of the current partner, -1 for none", -1),
        Column("partner_fit", "float64", 0.0, "-4..4", "match quality of the partnership", -4, 4),
        Column("partner_gain", "float64", 0.0, "Rp/month", "profit effect of the partnership"),
        Column("partner_gain_total", "float64", 0.0, "Rp", "profit effect since it began"),
        Column("partner_months", "int16", 0, "months", "age of the current partnership", 0),
    ),
    shared=(
        SharedField("partnerships_new_total", 0, "partnerships", "formed since the start"),
        SharedField("partnership_profit_total_idr", 0.0, "Rp", "profit effect since the start"),
    ),
)


P = rule_table(
    "partnering",
    (
        "search_rate",
        0.1,
        "1/month",
        FASHION,
        "chance a firm without a partner searches",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "candidates",
        3,
        "firms",
        FASHION + ": search and networking capability",
        "ties met per search",
        {"ge": 1},
    ),
    (
        "full_search_ties",
        6,
        "ties",
        ASSUMPTION,
        "ties needed to search at the full rate",
        {"ge": 1},
    ),
    (
        "gain_rate",
        0.1,
        "share of revenue",
        FASHION + ": collaboration raises profit",
        "monthly gain of a perfectly fitting pair, of the smaller revenue",
        {"ge": 0.0},
    ),
    (
        "coordination_idr",
        1.0e5,
        "Rp/month",
        ASSUMPTION,
        "coordination cost per partner",
        {"ge": 0.0},
    ),
    (
        "review_months",
        6,
        "months",
        FASHION + ": review after collaborating",
        "months between reviews",
        {"ge": 1},
    ),
)


def fit(p: np.ndarray, m: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Capability fit of pairs (i, j): 4 (p_i − p_j)(m_j − m_i), in [−4, 4] (skills in [0, 1])."""
    return 4 * (p[i] - p[j]) * (m[j] - m[i])


def propose(model, rng, searching: np.ndarray, candidates: int, rule: str) -> tuple:
    """Each searching firm meets ``candidates`` random ties and proposes to one of them."""
    s, ties = model.state, model.net.ties_csr
    degree = np.diff(ties.indptr)
    draws = rng.random((candidates, s.n))
    who = np.flatnonzero(searching & (degree > 0))
    picks = ties.indices[ties.indptr[who][None, :] + (draws[:, who] * degree[who]).astype(int)]
    free = (s.partner[picks] < 0) & s.alive[picks] & (picks != who)
    if rule == "random":
        score = np.where(free, -np.arange(candidates)[:, None], -np.inf)  # first free met
    elif rule == "similar":
        dist = np.abs(s.skill_production[who] - s.skill_production[picks]) + np.abs(
            s.skill_marketing[who] - s.skill_marketing[picks]
        )
        score = np.where(free, -dist, -np.inf)
    else:
        score = np.where(free, fit(s.skill_production, s.skill_marketing, who, picks), -np.inf)
    best = np.argmax(score, axis=0)
    ok = np.isfinite(score[best, np.arange(len(who))])
    return who[ok], picks[best, np.arange(len(who))][ok]


def accept(model, rng, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Resolve clashes: each target takes one proposer; nobody ends up in two pairs."""
    order = rng.permutation(len(i))
    i, j = i[order], j[order]
    _, first = np.unique(j, return_index=True)
    i, j = i[first], j[first]
    busy = np.zeros(model.state.n, dtype=bool)
    busy[j] = True
    keep = ~busy[i]
    i, j = i[keep], j[keep]
    _, first = np.unique(i, return_index=True)
    return i[first], j[first]


@variant("partnering", "complementary", default=True, fixed={"rule": "complementary"})
@variant("partnering", "similar", fixed={"rule": "similar"})
@variant("partnering", "random", fixed={"rule": "random"})
def partnering(
    model,
    rng,
    rule: str,
    *,
    search_rate=P.search_rate,
    candidates=P.candidates,
    full_search_ties=P.full_search_ties,
    gain_rate=P.gain_rate,
    coordination_idr=P.coordination_idr,
    review_months=P.review_months,
):
    """Search, match, gain and review; the variants differ only in whom they pick (``rule``:
    the most complementary, the most similar or a random candidate)."""
    s = model.state
    draws = rng.random(s.n)
    # Partnerships with a dead firm end; then search (rate by degree), proposals, matching.
    searching = partner_search_pass(
        s.alive, s.partner, model.net.ties_csr.indptr, draws, search_rate, full_search_ties
    )
    i, j = accept(model, rng, *propose(model, rng, searching, candidates, rule))
    s.partner[i], s.partner[j] = j, i
    quality = fit(s.skill_production, s.skill_marketing, i, j)
    s.partner_fit[i] = s.partner_fit[j] = quality
    s.partner_gain_total[i] = s.partner_gain_total[j] = 0.0
    s.partner_months[i] = s.partner_months[j] = 0
    model.shared.partnerships_new_total += len(i)
    # Process: monthly gain or loss, through the accounts; a saving on outside payments is at
    # most what the firm paid outside last month. Review, every review_months of a partnership's
    # life: drop it if it lost money overall. One compiled pass (sim.passes.partner_month_pass).
    factor = model.shared.coordination_factor
    losing = partner_month_pass(
        (s.alive, s.partner, s.partner_fit, s.customers, s.input_cost, s.fixed_cost)
        + (s.data_cost, s.village),
        (s.partner_gain, s.partner_gain_total, s.extra_cost, s.partner_months),
        np.zeros(0) if factor is None else np.asarray(factor, dtype=np.float64),
        coordination_idr,
        gain_rate,
        1 - wage_share(model),
        review_months,
    )
    model.shared.partnership_profit_total_idr += float(s.partner_gain.sum())
    _dissolve(s, losing)


def _dissolve(s, rows: np.ndarray) -> None:
    partners = s.partner[rows]
    s.partner[rows] = -1
    s.partner[partners[partners >= 0]] = -1


@M.on_close
def end_partnerships(model, rows: np.ndarray) -> None:
    """Partnerships end with the firm: both sides become free."""
    _dissolve(model.state, rows)


@M.outcome(
    "partnerships_active",
    label="Active partnerships",
    unit="partnerships",
    kind="count",
    better=HIGHER,
    aggregation="pairs of living partners",
)
def partnerships_active(m):
    """Partnerships between living firms."""
    s = m.state
    return float((s.alive & (s.partner >= 0)).sum() / 2)


@M.outcome(
    "partnerships_new_total",
    label="Partnerships formed (cumulative)",
    unit="partnerships",
    kind="count",
    better=HIGHER,
    aggregation="cumulative since the start",
)
def partnerships_new_total(m):
    """Partnerships formed since the start."""
    return float(m.shared.partnerships_new_total)


@M.outcome(
    "mean_partnership_profit_idr",
    label="Profit effect per partnered firm",
    unit="Rp/month",
    kind="idr",
    better=HIGHER,
    aggregation="mean over living partnered firms",
)
def mean_partnership_profit(m):
    """Mean monthly profit effect per partnered firm, Rp."""
    s = m.state
    return mean_where(s.partner_gain, s.alive & (s.partner >= 0))


@M.outcome(
    "partnership_profit_total_idr",
    label="Profit effect of partnerships (cumulative)",
    unit="Rp",
    kind="idr",
    better=HIGHER,
    aggregation="cumulative since the start",
)
def partnership_profit_total(m):
    """Profit effect of all partnerships since the start, Rp."""
    return float(m.shared.partnership_profit_total_idr)
