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
