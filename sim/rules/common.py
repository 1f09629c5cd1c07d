"""Small helpers shared by several mechanisms, policies and outcomes (no mechanism of its own)."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager

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


#: While a month's outcomes are recorded: (address, length, float64 copy) of the living mask.
_living: tuple[int, int, np.ndarray] | None = None


@contextmanager
def recording_outcomes(alive: np.ndarray) -> Iterator[None]:
    """While a month's outcomes are recorded (they read the firm columns, never write them),
    ``mean_where(values, state.alive)`` reuses one float64 copy of the living mask instead of
    converting the mask for every outcome: the same dot product, so the same result."""
    global _living
    _living = (alive.__array_interface__["data"][0], len(alive), alive.astype(np.float64))
    try:
        yield
    finally:
        _living = None


def _as_numbers(mask: np.ndarray) -> np.ndarray:
    """The recorded float64 copy when ``mask`` is the living mask being recorded, else ``mask``
    (a temporary mask never shares the address of a column that is still in use)."""
    living = _living
    if (
        living is not None
        and mask.dtype == bool
        and len(mask) == living[1]
        and mask.__array_interface__["data"][0] == living[0]
    ):
        return living[2]
    return mask


def mean_where(values: np.ndarray, mask: np.ndarray) -> float:
    """Mean of ``values`` where ``mask`` holds (0 when it holds nowhere)."""
    count = np.count_nonzero(mask)
    if not count:
        return 0.0
    return (
        float(np.dot(values, _as_numbers(mask)) / count)
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


#: (weak reference to a groups matrix, its read-only first groups): the last one computed.
_first: tuple = (None, None)


def first_group(groups) -> np.ndarray:
    """Each firm's first group (-1 for none): the group it pools and promotes with. Read-only,
    computed once per groups matrix (several rules ask each month; the network replaces the
    matrix when it grows and never edits one in place)."""
    global _first
    ref, first = _first
    if ref is None or ref() is not groups:
        first = _first_entry(groups.indptr, groups.indices)
        first.flags.writeable = False
        _first = (weakref.ref(groups, _forget_first), first)
    return first


def _forget_first(ref) -> None:
    """The groups matrix is gone: drop its first groups with it (8 bytes per firm)."""
    global _first
    if _first[0] is ref:
        _first = (None, None)


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


def data_bill(state, villages, level: np.ndarray | int, connectivity) -> np.ndarray:
    """Monthly mobile-data bill (Rp) of using ``level`` (per firm, or one level for all),
    before any data subsidy."""
    gb_by_level = np.array([0.0, connectivity.gb_messaging, connectivity.gb_marketplace])
    gb = gb_by_level[np.clip(level, 0, 2)]  # level 2 and above use marketplaces
    return gb * villages.data_price[state.village]


def data_cost(state, villages, level: np.ndarray | int, connectivity) -> np.ndarray:
    """Monthly data cost (Rp) a firm pays for ``level``: the bill less any data subsidy."""
    return data_bill(state, villages, level, connectivity) * (1 - state.data_subsidy)


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
    total, count = _group_sums(values, mask, group, n_groups)
    return np.divide(total, count, out=np.zeros(n_groups), where=count > 0), count


@jit
def _group_sums(values, mask, group, n_groups):
    """Per group, in row order (as ``np.bincount`` over the selected rows): the sum of
    ``values`` and the count of rows where ``mask`` holds and the group is not -1."""
    total, count = np.zeros(n_groups), np.zeros(n_groups, dtype=np.int64)
    for i in range(len(group)):
        if mask[i] and group[i] >= 0:
            total[group[i]] += values[i]
            count[group[i]] += 1
    return total, count


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
    _decide(
        member,
        expected,
        losing,
        state.alive,
        group,
        peers,
        count,
        explore_draws,
        explore_rate,
        patience,
        memory,
    )
    return member


@jit
def _decide(
    member, expected, losing, alive, group, peers, count, draws, explore_rate, patience, memory
):
    """``choose_members``' decision firm by firm, in place, with its column formulas' operations:
    stay = member & (losing < patience); outside = alive & (group ≥ 0) & ~stay;
    heard = outside & (count[group] > 0) moves expected towards peers[group];
    join = (heard & (expected > 0)) | (outside & (draw < rate)) resets losing; member = stay | join.
    """
    for i in range(len(member)):
        g = group[i]
        stay = member[i] and losing[i] < patience
        outside = alive[i] and g >= 0 and not stay
        heard = outside and count[g] > 0
        if heard:
            expected[i] = (1 - memory) * expected[i] + memory * peers[g]
        join = (heard and expected[i] > 0) or (outside and draws[i] < explore_rate)
        if join:
            losing[i] = 0
        member[i] = stay or join


def learn_gain(state, prefix: str, rows: np.ndarray, gain: np.ndarray, memory: float) -> None:
    """Fold this month's net gain (Rp) of the firms ``rows`` that took part into their
    exponentially weighted expected gain; count months in a row with a negative expectation."""
    expected = state[f"{prefix}_expected_gain_idr"]
    losing = state[f"{prefix}_losing_months"]
    _learn(
        expected,
        losing,
        rows,
        np.broadcast_to(np.asarray(gain, dtype=np.float64), rows.shape),
        memory,
    )


@jit
def _learn(expected, losing, rows, gain, memory):
    """``learn_gain`` row by row, in place, with its formulas' operations."""
    for k in range(len(rows)):
        r = rows[k]
        expected[r] = (1 - memory) * expected[r] + memory * gain[k]
        losing[r] = losing[r] + 1 if expected[r] < 0 else 0


def wage_share(model) -> float:
    """Share of a firm's fixed cost paid as wages to local households (``rules.finance``); 0
    when finance is switched off."""
    spec = model.scenario.rules.get("finance", {})
    return float(spec.get("wage_share", 0.0)) if spec.get("enabled", True) else 0.0
