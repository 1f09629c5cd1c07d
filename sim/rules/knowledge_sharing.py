"""Knowledge sharing: firms learn from their ties, weighted by trust and absorptive capacity.

Assumption (COVID collaboration study, seeds/000: knowledge sharing as a pillar of collaboration;
Granovetter 1973; Tumang study, seeds/004: owners unwilling to disclose their sales): a firm
pays attention to all its living contacts at once, strong ties (inside its village×sector
cluster) with weight 1 and weak ties (bridges to other clusters, less frequent contact) with
weight ``weak_weight``. Each month it closes ``rate`` of the attention-weighted mean gap

    gap_i = Σ_j w_ij · openness_j · max(k_j − k_i, 0) / Σ_j w_ij,

scaled by its absorptive capacity trust × (0.5 + 0.5 literacy) × (0.5 + the village's
information sharing, when governance runs). Conservative owners (low openness) share less.
Knowledge fades by ``forgetting`` a month and lowers the unit input cost by up to
``cost_saving`` (better sourcing, less waste): unit cost × (1 − cost_saving × knowledge).

Know-how is local (Pyke 1992): each village×sector cluster starts with its own offset to its
firms' knowledge (sd ``cluster_spread``; entrants bring their cluster's). Weak ties get no higher
rate: that they carry more *novel* knowledge follows from their bridging clusters, and grows as
firms inside a cluster converge on what they know; by carrying knowledge between clusters they
pull the clusters together. ``model.shared.knowledge_flow`` records, each month, how much was
learned
over each kind of tie and the mean gap a living tie of each kind carries (for validation).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from sim.domain import SECTORS
from sim.kernels import jit
from sim.outcomes import HIGHER, NEITHER
from sim.params import ASSUMPTION
from sim.rules import SharedField, mechanism, rule_table, variant
from sim.rules.common import INFO, mean_where

M = mechanism(
    "knowledge_sharing",
    after="governance",
    shared=(
        SharedField("cluster_knowledge", None, "0-1", "knowledge offset per village×sector cell"),
        SharedField("knowledge_rows", 0, "rows", "firm rows whose cluster offset is applied"),
        SharedField(
            "knowledge_flow", None, "0-1", "knowledge learned this month over strong/weak ties"
        ),
    ),
)


P = rule_table(
    "knowledge_sharing",
    (
        "rate",
        0.1,
        "1/month",
        "COVID collaboration study (seeds/000); value assumption",
        "share of the attention-weighted knowledge gap closed a month",
        {"ge": 0.0, "le": 1.0},
    ),
    (
        "weak_weight",
        0.5,
        "× a strong tie",
        "Granovetter (1973): weak ties are less frequent contacts; value assumption",
        "attention paid to a weak tie relative to a strong tie",
        {"ge": 0.0},
    ),
    (
        "cluster_spread",
        0.15,
        "0-1 (sd)",
        "Pyke (1992): know-how is local to a cluster; value assumption",
        "spread of what clusters know: sd of a village×sector offset to knowledge",
        {"ge": 0.0, "le": 0.5},
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


def gaps_and_contacts(
    layer: sp.csr_matrix, knowledge: np.ndarray, share: np.ndarray, alive: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per firm, over a tie layer: the sum of the gaps shared, Σ_j max(k_j − k_i, 0) × share_j,
    and the living contacts, Σ_j alive_j. One compiled pass over the ties in CSR order."""
    return _gaps_and_contacts(layer.indptr, layer.indices, contact_table(knowledge, share, alive))


def contact_table(knowledge: np.ndarray, share: np.ndarray, alive: np.ndarray) -> np.ndarray:
    """(knowledge, share, alive) of each firm side by side in one row: a contact's three values
    then come in one memory access instead of three (the ties point anywhere)."""
    return np.column_stack((knowledge, share, alive))


@jit
def _gaps_and_contacts(indptr, indices, table):
    n = len(indptr) - 1
    gaps, contacts = np.zeros(n), np.zeros(n)
    for i in range(n):
        gap, count, own = 0.0, 0.0, table[i, 0]
        for k in range(indptr[i], indptr[i + 1]):
            j = indices[k]
            d = table[j, 0] - own
            # Branch-free (a gap's sign is a coin flip): adding 0.0 × share leaves the sum as is.
            gap += (d if d > 0.0 else 0.0) * table[j, 1]
            count += table[j, 2]
        gaps[i], contacts[i] = gap, count
    return gaps, contacts


@M.on_setup
def setup(model, rng):
    """Clusters differ in what they know: each village×sector cell gets a knowledge offset."""
    spread = model.scenario.rules["knowledge_sharing"].get("cluster_spread", P.cluster_spread)
    model.shared.cluster_knowledge = spread * rng.standard_normal(
        model.villages.count * len(SECTORS)
    )
    model.shared.knowledge_rows = 0
    _local_knowledge(model)


def _local_knowledge(model) -> None:
    """Add their cluster's offset to the knowledge of firms not seen before (founders, entrants)."""
    offset = model.shared.cluster_knowledge
    s = model.state
    if offset is None or model.shared.knowledge_rows >= s.n:
        return
    new = slice(model.shared.knowledge_rows, s.n)
    cell = model.cells()[new]
    s.knowledge[new] = np.clip(s.knowledge[new] + offset[cell], 0, 1)
    model.shared.knowledge_rows = s.n


@variant("knowledge_sharing", "trust_weighted", default=True)
def trust_weighted(
    model,
    rng,
    *,
    rate=P.rate,
    weak_weight=P.weak_weight,
    cluster_spread=P.cluster_spread,
    cost_saving=P.cost_saving,
    forgetting=P.forgetting,
):
    """Learn from strong and weak ties; knowledge lowers unit cost (see the module docstring).

    ``cluster_spread`` is used once, by :func:`setup`.
    """
    _local_knowledge(model)  # entrants bring their cluster's know-how (offsets drawn in setup)
    s, net = model.state, model.net
    alive = s.alive.astype(np.float64)
    table = contact_table(s.knowledge, s.openness * alive, alive)  # dead contacts share nothing
    from_strong, live_strong = _gaps_and_contacts(net.strong.indptr, net.strong.indices, table)
    from_weak, live_weak = _gaps_and_contacts(net.weak.indptr, net.weak.indices, table)
    del table
    # For validation: the mean gap a living tie of each kind carries.
    gap_strong = _per_tie(from_strong, live_strong, alive)
    gap_weak = _per_tie(from_weak, live_weak, alive)
    # The arithmetic below reuses its arrays in place (at a million firms each whole-column
    # temporary is 8 MB, and the month's peak memory is its phases' temporaries).
    attention = live_strong
    attention += weak_weight * live_weak
    del live_weak
    absorb = s.trust * (0.5 + 0.5 * s.literacy) * alive
    governance = model.shared.governance
    if governance is not None:
        absorb *= 0.5 + governance[s.village, INFO]
    absorb *= rate
    attended = attention > 0
    step = np.divide(absorb, attention, out=absorb, where=attended)
    step[~attended] = 0.0
    del attention, attended
    learned_strong = np.multiply(from_strong, step, out=from_strong)
    step *= weak_weight
    learned_weak = np.multiply(from_weak, step, out=from_weak)
    del step
    s.knowledge = np.clip(s.knowledge * (1 - forgetting) + learned_strong + learned_weak, 0, 1)
    s.unit_cost *= 1 - cost_saving * s.knowledge
    model.shared.knowledge_flow = {
        "strong": float(learned_strong.sum()),
        "weak": float(learned_weak.sum()),
        "gap_strong": gap_strong,
        "gap_weak": gap_weak,
    }


def _per_tie(shared: np.ndarray, live_contacts: np.ndarray, alive: np.ndarray) -> float:
    """Mean gap a tie between two living firms carries (dead contacts already share 0)."""
    ties = float((live_contacts * alive).sum())  # not `@`: no BLAS threads on the hot path
    return float((shared * alive).sum()) / ties if ties > 0 else 0.0


@M.outcome(
    "mean_knowledge",
    label="Mean business knowledge",
    unit="0-1",
    kind="index",
    better=HIGHER,
    aggregation="mean over living firms",
)
def mean_knowledge(m):
    """Mean business knowledge of living firms (0-1)."""
    return mean_where(m.state.knowledge, m.state.alive)


@M.outcome(
    "knowledge_from_weak_share",
    label="Knowledge learned over weak ties",
    unit="%",
    kind="share",
    better=NEITHER,
    aggregation="share of this month's learning",
)
def knowledge_from_weak_share(m):
    """Share of knowledge learned this month over weak ties."""
    flow = m.shared.knowledge_flow
    total = flow["weak"] + flow["strong"] if flow else 0.0
    return float(flow["weak"] / total) if total > 0 else 0.0


@M.outcome(
    "weak_tie_novelty",
    label="Novelty of weak ties",
    unit="×",
    kind="ratio",
    better=NEITHER,
    aggregation="mean gap per weak tie ÷ per strong tie",
)
def weak_tie_novelty(m):
    """Mean knowledge gap carried per weak tie ÷ per strong tie."""
    flow = m.shared.knowledge_flow
    strong = flow["gap_strong"] if flow else 0.0
    return float(flow["gap_weak"] / strong) if strong > 0 else 0.0
