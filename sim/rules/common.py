"""Small helpers shared by several mechanisms, policies and outcomes (no mechanism of its own)."""

from __future__ import annotations

import numpy as np

from sim.domain import SECTORS

#: Collaborative-governance indicators of each village cluster (DeSeve 2007; Tumang study,
#: seeds/004), the columns of ``model.shared.governance``.
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


def mean_where(values: np.ndarray, mask: np.ndarray) -> float:
    """Mean of ``values`` where ``mask`` holds (0 when it holds nowhere)."""
    count = np.count_nonzero(mask)
    if not count:
        return 0.0
    return (
        float(np.dot(values, mask) / count)
        if values.dtype.kind == "f"
        else float(
            np.count_nonzero(values & mask) / count if values.dtype == bool else values[mask].mean()
        )
    )


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = equal, 1 = one holds all)."""
    x = np.sort(np.clip(values, 0, None))
    n, total = len(x), x.sum()
    if n == 0 or total <= 0:
        return 0.0
    return float((2 * np.arange(1, n + 1) - n - 1) @ x / (n * total))


def first_group(groups) -> np.ndarray:
    """Each firm's first group (-1 for none): the group it pools and promotes with."""
    has = np.diff(groups.indptr) > 0
    first = np.full(groups.shape[0], -1, dtype=np.int64)
    first[has] = groups.indices[groups.indptr[:-1][has]]
    return first


def subsidised_share(model, cost: float, firms: int) -> float:
    """Share of ``cost`` paid by a collaboration subsidy this month (0 without one)."""
    subsidy = model.shared.collaboration_subsidy
    if subsidy is None or cost <= 0:
        return 0.0
    return subsidy.grant(model, cost, firms) / cost


def data_cost(state, villages, level: np.ndarray, connectivity) -> np.ndarray:
    """Monthly data cost (Rp) of using ``level``, after any data subsidy."""
    gb = np.select(
        [level >= 2, level == 1], [connectivity.gb_marketplace, connectivity.gb_messaging], 0.0
    )
    return gb * villages.data_price[state.village] * (1 - state.data_subsidy)


def starting_local_sales(model) -> np.ndarray:
    """Each village×sector cell's starting sales to the regency's own households (the firms'
    customer bases less the outside buyers' share of their sector), village rows × sectors."""
    s, spec = model.state, model.scenario.rules["market"]
    outside = np.array([spec[f"outside_share_{sector}"] for sector in SECTORS])
    cells = model.villages.count * len(SECTORS)
    local = np.bincount(
        model.cells(), weights=s.customers * s.alive * (1 - outside[s.sector]), minlength=cells
    )
    return local.reshape(-1, len(SECTORS))
