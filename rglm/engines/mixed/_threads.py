"""One BLAS thread while fitting.

The engine's dense work is many small factorisations (p x p, the Schur complement)
between vector passes; a multithreaded OpenBLAS spends more on waking its threads than
on such a call -- on a loaded 2-core machine a 181 x 181 Cholesky took 20-70 ms instead
of 0.2-1 ms (measured). With ``threadpoolctl`` installed, fits run with one BLAS thread;
without it, BLAS keeps its own setting.
"""

from __future__ import annotations

import contextlib

__all__ = ["single_blas_thread"]


@contextlib.contextmanager
def single_blas_thread():
    """Limit BLAS to one thread inside the block (a no-op without threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield
