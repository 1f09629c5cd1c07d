"""Entrants are tied into the networks by appending to the CSR rows: the same matrices as
adding the new ties with a sparse sum."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from sim.network import _binary, _symmetric, _with_ties


def reference(m, n, rows, cols, symmetric=True, n_cols=None):
    """The definition: ``m`` padded to the new size plus the new entries, made 0/1."""
    shape = (n, n if n_cols is None else n_cols)
    grown = sp.csr_matrix((m.data, m.indices, np.r_[m.indptr, [m.nnz] * (n - m.shape[0])]), shape)
    if symmetric:
        new = _symmetric(rows, cols, n)
    else:
        new = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=shape)
    return _binary(grown + new)


def test_appended_ties_equal_the_sparse_sum():
    rng = np.random.default_rng(4)
    old, n = 300, 340
    m = _symmetric(rng.integers(0, old, 900), rng.integers(0, old, 900), old)
    entrants = np.repeat(np.arange(old, n), 3)
    targets = rng.integers(0, old, len(entrants))
    targets[:5] = entrants[:5]  # self-ties are dropped
    targets[10] = targets[11]  # and a duplicate tie counted once
    got = _with_ties(m, n, entrants, targets)
    want = reference(m, n, entrants, targets)
    assert got.has_canonical_format and got.nnz > m.nnz
    assert (got != want).nnz == 0 and np.array_equal(got.indices, want.indices)


def test_new_group_memberships_are_appended_rows():
    rng = np.random.default_rng(5)
    old, n, groups = 200, 230, 12
    who = rng.integers(0, old, 400)
    m = _binary(sp.csr_matrix((np.ones(400, np.float32), (who, rng.integers(0, groups, 400))),
                              shape=(old, groups)))  # fmt: skip
    rows, cols = np.repeat(np.arange(old, n), 2), rng.integers(0, groups, 2 * (n - old))
    got = _with_ties(m, n, rows, cols, symmetric=False, n_cols=groups)
    want = reference(m, n, rows, cols, symmetric=False, n_cols=groups)
    assert got.shape == (n, groups) and (got != want).nnz == 0
    assert np.array_equal(got.indptr, want.indptr)


def test_the_layers_of_a_running_model_share_one_read_only_buffer_of_ones():
    from sim.config import scenario_from_dict
    from sim.model import MSMEModel

    model = MSMEModel(scenario_from_dict({"name": "n", "firms": {"count": 400}}), seed=2)
    before = model.net.strong
    model.run(6)
    net = model.net
    assert net.strong.shape[0] == model.state.n > 400  # entrants were tied in
    assert net.strong is not before  # each layer was replaced by its grown self
    layers = [net.strong, net.weak, net.groups, net.ties_csr]
    longest = max(layers, key=lambda m: m.nnz).data
    for m in layers:
        assert (m.data == 1).all() and not m.data.flags.writeable
        assert np.shares_memory(m.data, longest)
    product = net.ties_csr @ np.ones(model.state.n)  # products read the shared entries
    assert np.array_equal(product, np.diff(net.ties_csr.indptr))
