"""One BLAS thread while fitting.

The engine's dense work is many small factorisations (the p x p R_X, the Schur
complement of crossed or nested terms) between vector passes; a multithreaded OpenBLAS
spends more on waking its threads than on such a call. Measured on a loaded 2-core
machine: a 181 x 181 Cholesky (grouseticks' three crossed intercepts) took 1.5-28 ms
with OpenBLAS's threads and 0.12 ms with one, and the whole glmer fit 38 s against
1.7 s. So fits run with one BLAS thread (threadpoolctl, a declared dependency: numpy
and scipy each load their own OpenBLAS, and only threadpoolctl reaches both); the
setting is restored on leaving the block.

The controller (which finds the loaded BLAS libraries, ~6 ms) is made once, on first
use; entering a limit then costs ~16 microseconds, so the deviance functions take it per
evaluation too -- they are also called outside a fit (tests, profiles, ``devFunOnly``).
"""

from __future__ import annotations

from threadpoolctl import ThreadpoolController

__all__ = ["single_blas_thread"]

_CONTROLLER: list = []


def single_blas_thread():
    """A context manager limiting BLAS to one thread inside the block (threadpoolctl's
    ``ThreadpoolController.limit``; the controller is made on the first call)."""
    if not _CONTROLLER:
        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=1, user_api="blas")
