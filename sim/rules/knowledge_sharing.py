"""Knowledge sharing: firms learn from their ties, weighted by trust and absorptive capacity.

Assumption (COVID collaboration study, seeds/000: knowledge sharing as a pillar; Granovetter
1973; Tumang study, seeds/004: owners unwilling to disclose): each month a firm closes a share of
the gap to what its contacts know. A contact j shares in proportion to its openness (conservative
owners share less); the learner absorbs in proportion to its trust and its absorptive capacity
(0.5 + 0.5 × literacy), faster where its cluster shares information (governance). Strong ties
(inside the village×sector cluster) carry ``strong_rate`` of the gap, weak ties — bridges to
other clusters, where knowledge is more novel — ``weak_rate``. Knowledge lowers the unit input
cost by up to ``cost_saving`` (better sourcing, less waste).
"""

from __future__ import annotations

import numpy as np

from sim.params import ASSUMPTION
from sim.rules import rule_table, variant

P = rule_table(
    "knowledge_sharing",
    (
        "strong_rate",
        0.05,
        "1/month",
        "COVID collaboration study (seeds/000)",
        "share of the knowledge gap closed over strong ties",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "weak_rate",
        0.1,
        "1/month",
        "Granovetter (1973): weak ties carry novel information",
        "share of the knowledge gap closed over weak ties",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "cost_saving",
        0.1,
        "share of unit cost",
        ASSUMPTION,
        "input cost saved at full knowledge",
        {"ge": 0.0, "le": 0.9},
    ),
    (
        "forgetting",
        0.002,
        "1/month",
        ASSUMPTION,
        "knowledge lost without use",
        {"ge": 0.0, "le": 1.0},
    ),
)


def inflow(
    rows: np.ndarray,
    cols: np.ndarray,
    crossing: np.ndarray,
    knowledge: np.ndarray,
    openness: np.ndarray,
    alive: np.ndarray,
) -> tuple[np.ndarray, float]:
    """Per-firm mean shared gap over the edges (rows ← cols), and the part that crossed clusters.

    Computed edge by edge (O(edges)): the gap j → i is max(k_j − k_i, 0) × openness_j.
    """
    n = len(knowledge)
    source = np.where(alive, knowledge, -1.0)[cols]  # dead contacts share nothing
    weight = (openness * alive)[cols]
    gap = np.maximum(source - knowledge[rows], 0.0) * weight
    total = np.bincount(rows, weights=gap, minlength=n).astype(float) * alive
    degree = np.bincount(rows, weights=alive[cols], minlength=n).astype(float)
    cross = float(gap[crossing].sum())
    return np.divide(total, degree, out=np.zeros_like(total), where=degree > 0), cross


def edges(model, name: str):
    """Edge list of a tie layer and which edges cross village×sector clusters (cached)."""
    net = model.net
    key = f"crossing:{name}"
    rows, cols = net.edge_list(name)
    if key not in net.cache:
        cells = model.cells()
        net.cache[key] = cells[rows] != cells[cols]
    return rows, cols, net.cache[key]


@variant("knowledge_sharing", "trust_weighted", default=True)
def trust_weighted(
    model,
    rng,
    *,
    strong_rate=P.strong_rate,
    weak_rate=P.weak_rate,
    cost_saving=P.cost_saving,
    forgetting=P.forgetting,
):
    """Learn from strong and weak ties; knowledge lowers unit cost (see the module docstring)."""
    s = model.state
    from_strong, cross_strong = inflow(*edges(model, "strong"), s.knowledge, s.openness, s.alive)
    from_weak, cross_weak = inflow(*edges(model, "weak"), s.knowledge, s.openness, s.alive)
    absorb = s.trust * (0.5 + 0.5 * s.literacy) * s.alive
    governance = getattr(model, "governance", None)
    if governance is not None:
        from sim.rules.governance import INFO

        absorb = absorb * (0.5 + governance[s.village, INFO])
    learned_strong = strong_rate * absorb * from_strong
    learned_weak = weak_rate * absorb * from_weak
    s.knowledge = np.clip(s.knowledge * (1 - forgetting) + learned_strong + learned_weak, 0, 1)
    s.unit_cost *= 1 - cost_saving * s.knowledge
    # Flows for validation: how much arrived over each kind of tie, and across clusters.
    model.knowledge_flow = {
        "strong": float(learned_strong.sum()),
        "weak": float(learned_weak.sum()),
        "cross_strong": cross_strong * strong_rate,
        "cross_weak": cross_weak * weak_rate,
    }
