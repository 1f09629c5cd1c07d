"""Small helpers shared by several mechanisms, policies and outcomes (no mechanism of its own)."""

from __future__ import annotations

import numpy as np

from sim.domain import SECTORS
from sim.kernels import jit

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
    return _first_entry(groups.indptr, groups.indices)


@jit
def _first_entry(indptr, indices):
    first = np.full(len(indptr) - 1, -1, dtype=np.int64)
    for row in range(len(first)):
        if indptr[row + 1] > indptr[row]:
            first[row] = indices[indptr[row]]
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


def outside_shares(spec) -> np.ndarray:
    """Outside buyers' spending per sector as a share of the sector's starting sales (the
    market rule's ``outside_share_<sector>`` settings)."""
    return np.array([spec[f"outside_share_{sector}"] for sector in SECTORS])


def starting_local_sales(model) -> np.ndarray:
    """Each village×sector cell's starting sales to the regency's own households (the firms'
    customer bases less the outside buyers' share of their sector), village rows × sectors."""
    s, spec = model.state, model.scenario.rules["market"]
    outside = outside_shares(spec)
    cells = model.villages.count * len(SECTORS)
    local = np.bincount(
        model.cells(), weights=s.customers * s.alive * (1 - outside[s.sector]), minlength=cells
    )
    return local.reshape(-1, len(SECTORS))


def group_mean(values: np.ndarray, mask: np.ndarray, group: np.ndarray, n_groups: int):
    """Per group: (mean of ``values`` where ``mask`` holds, count); group -1 is ignored."""
    rows = mask & (group >= 0)
    count = np.bincount(group[rows], minlength=n_groups)
    total = np.bincount(group[rows], weights=values[rows], minlength=n_groups)
    return np.divide(total, count, out=np.zeros(n_groups), where=count > 0), count


def choose_members(
    state,
    prefix: str,
    active: np.ndarray,
    group: np.ndarray,
    n_groups: int,
    explore_draws: np.ndarray,
    explore_rate: float,
    patience: int,
    memory: float,
) -> np.ndarray:
    """This month's members of a collaboration, from what each firm knows.

    A member leaves after ``patience`` months in a row of negative expected gain
    (``<prefix>_losing_months``). A living firm in a group that is not a member hears what the
    firms that took part last month in its group (``active``, its peers) expected on average:
    its own expectation moves towards theirs with weight ``memory``, and it joins when that
    expectation is positive (a firm that lost on its own needs several months of good news), or
    with chance ``explore_rate`` (``explore_draws`` < rate). A joiner starts with no losing
    months. Returns the ``<prefix>_member`` column, updated in place.
    """
    member = state[f"{prefix}_member"]
    expected = state[f"{prefix}_expected_gain_idr"]
    losing = state[f"{prefix}_losing_months"]
    peers, count = group_mean(expected, active, group, n_groups)
    safe = np.maximum(group, 0)
    stay = member & (losing < patience)
    outside = state.alive & (group >= 0) & ~stay
    heard = outside & (count[safe] > 0)
    expected[heard] = (1 - memory) * expected[heard] + memory * peers[safe[heard]]
    join = (heard & (expected > 0)) | (outside & (explore_draws < explore_rate))
    losing[join] = 0
    member[:] = stay | join
    return member


def learn_gain(state, prefix: str, rows: np.ndarray, gain: np.ndarray, memory: float) -> None:
    """Fold this month's net gain (Rp) of the firms ``rows`` that took part into their
    exponentially weighted expected gain; count months in a row with a negative expectation."""
    expected = state[f"{prefix}_expected_gain_idr"]
    losing = state[f"{prefix}_losing_months"]
    expected[rows] = (1 - memory) * expected[rows] + memory * gain
    losing[rows] = np.where(expected[rows] < 0, losing[rows] + 1, 0)


def wage_share(model) -> float:
    """Share of a firm's fixed cost paid as wages to local households (``rules.finance``); 0
    when finance is switched off."""
    spec = model.scenario.rules.get("finance", {})
    return float(spec.get("wage_share", 0.0)) if spec.get("enabled", True) else 0.0
