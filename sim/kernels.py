"""Compiled kernels and threads on the model's hot path.

``jit`` compiles a plain NumPy loop with numba (cached on disk next to the source, so a new
process loads it instead of compiling again). ``one_blas_thread`` keeps BLAS calls (``np.dot``,
``@``) of a month on one thread: on arrays of a few hundred thousand values the BLAS library's
own threads cost more than they bring, and on a machine whose cores are busy they spin and
wait (a 100k-value dot product took 7–20 ms instead of 0.02 ms under load).
"""

from __future__ import annotations

from contextlib import AbstractContextManager

import numba
import numpy as np

_controller = None


def jit(fn):
    """``fn`` compiled in nopython mode, cached on disk."""
    return numba.njit(cache=True, nogil=True)(fn)


def one_blas_thread() -> AbstractContextManager:
    """A context in which the loaded BLAS libraries use a single thread."""
    global _controller
    if _controller is None:
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController()
    return _controller.limit(limits=1, user_api="blas")


# --- Fused passes of the month's economy (market, adoption, finance, outcomes) -----------------
# Each kernel computes exactly what the NumPy expression named in its docstring computes, in the
# same order of operations and in the same precision, so that results stay bit-identical; the
# rule that calls it keeps the formula in its own words.


@jit
def contact_counts(t_indptr, t_indices, g_indptr, g_indices, n_groups, bits):
    """``(ties @ x, groups @ (groups.T @ x))`` in float32 for CSR matrices ``ties`` (n×n) and
    ``groups`` (n×G) whose entries are all 1, where column c of x (n×3) is bit c of ``bits``:
    integer counts (exact, as the float32 sums of ones are below 2²⁴)."""
    n = len(bits)
    by_ties = np.zeros((n, 3), dtype=np.float32)
    per_group = np.zeros((n_groups, 3), dtype=np.int64)
    by_groups = np.zeros((n, 3), dtype=np.float32)
    for i in range(n):
        c0 = c1 = c2 = 0
        for e in range(t_indptr[i], t_indptr[i + 1]):
            b = bits[t_indices[e]]
            c0, c1, c2 = c0 + (b & 1), c1 + ((b >> 1) & 1), c2 + ((b >> 2) & 1)
        by_ties[i, 0], by_ties[i, 1], by_ties[i, 2] = c0, c1, c2
        b = bits[i]
        for e in range(g_indptr[i], g_indptr[i + 1]):
            g = g_indices[e]
            per_group[g, 0] += b & 1
            per_group[g, 1] += (b >> 1) & 1
            per_group[g, 2] += (b >> 2) & 1
    for i in range(n):
        c0 = c1 = c2 = 0
        for e in range(g_indptr[i], g_indptr[i + 1]):
            g = g_indices[e]
            c0, c1, c2 = c0 + per_group[g, 0], c1 + per_group[g, 1], c2 + per_group[g, 2]
        by_groups[i, 0], by_groups[i, 1], by_groups[i, 2] = c0, c1, c2
    return by_ties, by_groups


@jit
def blended_shares(by_ties, by_groups, group_weight):
    """Per firm and adopter column c ≥ 1: (1 − w) × tie share + w × group share, each share
    = count[c] / max(count[0], 1) in float32, w = ``group_weight`` where the firm has living
    group co-members, else 0 (``digital_adoption.peer_shares``)."""
    n, k = by_ties.shape
    out = np.empty((n, k - 1))
    one = np.float32(1.0)
    for i in range(n):
        w = group_weight if by_groups[i, 0] > 0 else 0.0
        tie_living = max(by_ties[i, 0], one)
        group_living = max(by_groups[i, 0], one)
        for c in range(1, k):
            tie_share = np.float64(by_ties[i, c] / tie_living)
            group_share = np.float64(by_groups[i, c] / group_living)
            out[i, c - 1] = (1 - w) * tie_share + w * group_share
    return out


@jit
def shares_by_key(budget, weight, key, size):
    """``weight / bincount(key, weight)[key] × budget[key]`` (0 where a key has no weight)."""
    total = np.zeros(size)
    for i in range(len(key)):
        total[key[i]] += weight[i]
    out = np.empty(len(key))
    for i in range(len(key)):
        t = total[key[i]]
        out[i] = (weight[i] / t if t > 0 else 0.0) * budget[key[i]]
    return out


@jit
def pool_within_groups(demand, members, first, n_groups, share):
    """``market.share_within_groups`` with each member's first group ``first`` (−1: none):
    demand − moved + the member's equal part of its group's pool, moved = share × demand."""
    n = len(demand)
    pool, count = np.zeros(n_groups), np.zeros(n_groups)
    group, moved = np.empty(n, dtype=np.int64), np.empty(n)
    for i in range(n):
        ok = members[i] and first[i] >= 0
        group[i] = first[i] if ok else 0
        moved[i] = share * demand[i] if ok else 0.0
        pool[group[i]] += moved[i]  # in row order, as np.bincount
        count[group[i]] += np.float64(ok)
    out = np.empty(n)
    for i in range(n):
        g = group[i]
        per_member = pool[g] / count[g] if count[g] > 0 else 0.0
        ok = members[i] and first[i] >= 0
        out[i] = demand[i] - moved[i] + (per_member if ok else 0.0)
    return out
