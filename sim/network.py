"""Multiplex firm networks in scipy.sparse CSR form.

- ``strong``: ties inside village×sector clusters: a ring lattice over firms ordered by cluster,
  so almost every lattice neighbour shares the firm's village and sector.
- ``weak``: lattice ties rewired to random firms anywhere (Watts & Strogatz 1998), i.e.
  Granovetter's weak ties across clusters.
- ``groups``: firm×group membership of community WhatsApp groups, mostly within the village,
  some regency-wide; crowding in a group is a matter of how many members sell in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from sim.kernels import jit


@dataclass
class Networks:
    strong: sp.csr_matrix
    weak: sp.csr_matrix
    groups: sp.csr_matrix
    group_village: np.ndarray  # village of each group, -1 for regency-wide groups
    ties_csr: sp.csr_matrix | None = field(default=None, repr=False)  # strong ∪ weak, 0/1
    cache: dict = field(default_factory=dict, repr=False)  # derived arrays, rebuilt with the net

    def __post_init__(self):
        if self.ties_csr is None:
            self.ties_csr = self.ties()

    def edge_list(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(source, target) rows of every stored entry of the ``name`` matrix, cached."""
        key = f"edges:{name}"
        if key not in self.cache:
            m = getattr(self, name)
            self.cache[key] = (np.repeat(np.arange(m.shape[0]), np.diff(m.indptr)), m.indices)
        return self.cache[key]

    @property
    def n_groups(self) -> int:
        return self.groups.shape[1]

    def ties(self) -> sp.csr_matrix:
        """All firm-firm ties (strong and weak), symmetric 0/1."""
        return _binary(self.strong + self.weak)


def _binary(m: sp.spmatrix) -> sp.csr_matrix:
    m = sp.csr_matrix(m)
    m.sum_duplicates()
    return _shared_ones(m)


_ONES: dict[np.dtype, np.ndarray] = {}


def _shared_ones(m: sp.csr_matrix) -> sp.csr_matrix:
    """``m`` (a 0/1 matrix) with its entries a read-only view of one buffer of ones: all layers
    (of every model in the process) share it instead of holding 4 bytes per tie entry each,
    about a tenth of a firm's memory. Set after construction: SciPy copies a view of a much
    larger array when it builds a matrix. Read-only, so nothing can change it in place."""
    m.data = _ones(m.data.dtype, m.nnz)
    return m


def _ones(dtype, size: int) -> np.ndarray:
    """A read-only view of ``size`` ones from the shared buffer of ``dtype`` (grown if short)."""
    ones = _ONES.get(np.dtype(dtype))
    if ones is None or len(ones) < size:
        ones = np.ones(size + size // 8, dtype=dtype)  # room for a few months of entrants' ties
        ones.flags.writeable = False
        _ONES[np.dtype(dtype)] = ones
    return ones[:size]


def _symmetric(rows: np.ndarray, cols: np.ndarray, n: int) -> sp.csr_matrix:
    keep = rows != cols
    r, c = rows[keep], cols[keep]
    data = np.ones(2 * len(r), dtype=np.float32)
    return _binary(sp.csr_matrix((data, (np.r_[r, c], np.r_[c, r])), shape=(n, n)))


def small_world(
    order: np.ndarray,
    k: int,
    p: float,
    rng: np.random.Generator,
    n: int,
    clusters: np.ndarray | None = None,
):
    """Watts–Strogatz edges over ``order``: each node tied to its ``k // 2`` successors, each tie
    rewired with probability ``p`` to a uniform random node. Returns (strong, weak) CSR.

    With ``clusters`` (the cluster of each position of ``order``, in contiguous runs) the ring
    closes inside each cluster, so unrewired ties never leave it."""
    m = len(order)
    half = k // 2
    if m < 2 or half == 0:
        empty = sp.csr_matrix((n, n), dtype=np.float32)
        return empty, empty.copy()
    pos = np.repeat(np.arange(m), half)
    offset = np.tile(np.arange(1, half + 1), m)
    if clusters is None:
        start, size = np.zeros(m, dtype=np.int64), np.full(m, m)
    else:
        edges = np.flatnonzero(np.r_[True, clusters[1:] != clusters[:-1], True])
        run = np.repeat(np.arange(len(edges) - 1), np.diff(edges))
        start, size = edges[:-1][run], np.diff(edges)[run]
    src = order[pos]
    dst = order[start[pos] + (pos - start[pos] + offset) % size[pos]]
    rewired = rng.random(len(src)) < p
    targets = order[rng.integers(0, m, size=len(src))]
    dst = np.where(rewired, targets, dst)
    return (_symmetric(src[~rewired], dst[~rewired], n), _symmetric(src[rewired], dst[rewired], n))


def cluster_order(village: np.ndarray, sector: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Firm rows sorted by village, then sector, then at random."""
    return np.lexsort((rng.random(len(village)), sector, village))


def group_layout(
    village_counts: np.ndarray,
    n_firms: int,
    group_size: int,
    groups_per_firm: float,
    regency_share: float,
) -> np.ndarray:
    """Village of each group (-1 for regency-wide groups), sized to hold the expected members."""
    village_groups = np.maximum(
        1, np.round(village_counts * groups_per_firm * (1 - regency_share) / group_size)
    ).astype(int)
    regency_groups = max(1, round(n_firms * groups_per_firm * regency_share / group_size))
    return np.r_[
        np.repeat(np.arange(len(village_counts)), village_groups), np.full(regency_groups, -1)
    ].astype(np.int32)


def memberships(
    rows: np.ndarray,
    village: np.ndarray,
    group_village: np.ndarray,
    groups_per_firm: float,
    regency_share: float,
    rng: np.random.Generator,
):
    """(row, group) pairs: Poisson(groups_per_firm) memberships per firm, village groups first."""
    counts = rng.poisson(groups_per_firm, size=len(rows))
    who = np.repeat(rows, counts)
    v = village[who]
    local_ids = np.flatnonzero(group_village >= 0)
    regency_ids = np.flatnonzero(group_village < 0)
    n_villages = int(group_village.max()) + 1 if len(local_ids) else 0
    start = np.searchsorted(group_village[local_ids], np.arange(n_villages))
    count = np.bincount(group_village[local_ids], minlength=n_villages)
    u = rng.random(len(who))
    to_regency = (rng.random(len(who)) < regency_share) | (count[v] == 0)
    local_pick = local_ids[np.minimum(start[v] + (u * count[v]).astype(int), len(local_ids) - 1)]
    regency_pick = regency_ids[(u * len(regency_ids)).astype(int)]
    return who, np.where(to_regency, regency_pick, local_pick)


def build(village: np.ndarray, sector: np.ndarray, n_villages: int, cfg, rng) -> Networks:
    """All three layers for the initial population (``cfg`` is the scenario's ``networks``)."""
    n = len(village)
    order = cluster_order(village, sector, rng)
    cells = village[order].astype(np.int64) * 8 + sector[order]
    strong, weak = small_world(order, cfg.cluster_degree, cfg.rewire_p, rng, n, cells)
    group_village = group_layout(
        np.bincount(village, minlength=n_villages),
        n,
        cfg.group_size,
        cfg.groups_per_firm,
        cfg.regency_group_share,
    )
    who, grp = memberships(
        np.arange(n), village, group_village, cfg.groups_per_firm, cfg.regency_group_share, rng
    )
    groups = _binary(
        sp.csr_matrix((np.ones(len(who), np.float32), (who, grp)), shape=(n, len(group_village)))
    )
    return Networks(strong, weak, groups, group_village)


def attach(
    net: Networks,
    rows: np.ndarray,
    village: np.ndarray,
    sector: np.ndarray,
    cfg,
    rng: np.random.Generator,
) -> Networks:
    """``net`` grown in place to ``len(village)`` firms, tying entrant ``rows`` into their
    cluster (returned for convenience)."""
    n = len(village)
    k = max(cfg.cluster_degree // 2, 0)
    cell = village.astype(np.int64) * 8 + sector
    order = net.cache.get("cell_order")
    if order is None or len(order) != rows[0]:
        order = np.argsort(cell[: rows[0]], kind="stable")
    sorted_cells = cell[order]
    src = np.repeat(rows, k)
    lo = np.searchsorted(sorted_cells, cell[src], side="left")
    hi = np.searchsorted(sorted_cells, cell[src], side="right")
    has_peer = hi > lo
    pick = (
        order[
            np.minimum(lo + (rng.random(len(src)) * (hi - lo)).astype(int), max(len(order) - 1, 0))
        ]
        if len(order)
        else src
    )
    weak_tie = (rng.random(len(src)) < cfg.rewire_p) | ~has_peer
    anywhere = rng.integers(0, max(rows[0], 1), size=len(src)) if len(rows) else src
    dst = np.where(weak_tie, anywhere, pick)
    who, grp = memberships(
        rows, village, net.group_village, cfg.groups_per_firm, cfg.regency_group_share, rng
    )
    # Every new tie has an entrant at one end and every old firm's new contacts are entrants,
    # whose rows come after all its old contacts: the grown layers are the old ones with the
    # new entries appended to each row (one pass, no sparse sum and re-sort of the whole net).
    # Each layer replaces its old self as soon as it is built, so at most one old layer is held
    # next to the grown ones (the peak memory of a month with entrants).
    merged = np.r_[order, rows]
    cell_order = merged[np.argsort(cell[merged], kind="stable")]  # nearly sorted
    del cell, merged, order
    net.cache.clear()
    net.strong = _with_ties(net.strong, n, src[~weak_tie], dst[~weak_tie])
    net.weak = _with_ties(net.weak, n, src[weak_tie], dst[weak_tie])
    net.groups = _with_ties(net.groups, n, who, grp, symmetric=False, n_cols=net.n_groups)
    net.ties_csr = _with_ties(net.ties_csr, n, src, dst)
    net.cache["cell_order"] = cell_order.astype(np.int32) if n < 2**31 else cell_order
    return net


def _with_ties(
    m: sp.csr_matrix,
    n: int,
    rows: np.ndarray,
    cols: np.ndarray,
    symmetric: bool = True,
    n_cols: int | None = None,
) -> sp.csr_matrix:
    """The 0/1 matrix ``m`` grown to ``n`` rows with entries (rows, cols) added (and (cols,
    rows) when ``symmetric``; self-ties and duplicates dropped), for new entries that sort after
    every old entry of their row: each row of a new firm, or a new firm's column in an old row.
    Equal to the sum of the two made binary, in canonical form."""
    cols_total = n if n_cols is None else n_cols
    rows, cols = rows.astype(np.int64), cols.astype(np.int64)
    if symmetric:
        keep = rows != cols
        rows, cols = np.r_[rows[keep], cols[keep]], np.r_[cols[keep], rows[keep]]
    key = np.unique(rows * cols_total + cols)  # sorted by row, then column
    new_rows, new_cols = key // cols_total, key % cols_total
    total = m.nnz + len(key)
    dtype = np.int32 if total < np.iinfo(np.int32).max and max(n, cols_total) < 2**31 else np.int64
    indptr = np.zeros(n + 1, dtype=dtype)  # row lengths, then their running sum
    indptr[1 : m.shape[0] + 1] = np.diff(m.indptr)
    indptr[1:] += np.bincount(new_rows, minlength=n).astype(dtype, copy=False)
    np.cumsum(indptr, out=indptr)
    indices = _merge_rows(m.indptr, m.indices, indptr, new_rows, new_cols, dtype(0))
    # The entries are the shared ones from the start (no array of ones per layer, even briefly).
    data = _ones(m.data.dtype, len(indices))
    grown = sp.csr_matrix((data, indices, indptr), shape=(n, cols_total))
    return _shared_ones(grown)


@jit
def _merge_rows(old_indptr, old_indices, indptr, new_rows, new_cols, kind):
    """Indices of the merged rows: each old row's entries, then its new ones (in order)."""
    out = np.empty(indptr[-1], dtype=type(kind))
    at = indptr[:-1].copy()
    for r in range(len(old_indptr) - 1):
        for k in range(old_indptr[r], old_indptr[r + 1]):
            out[at[r]] = old_indices[k]
            at[r] += 1
    for k in range(len(new_rows)):
        r = new_rows[k]
        out[at[r]] = new_cols[k]
        at[r] += 1
    return out
