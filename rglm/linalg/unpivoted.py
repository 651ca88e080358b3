"""A blocked (BLAS-3) route to dqrdc2's result when no column needs pivoting.

When every column keeps a reduced norm far above ``tol`` times its original norm,
dqrdc2 moves no column, and its result is, in exact arithmetic, the unpivoted
Householder QR that LAPACK's ``dgeqrf`` computes with the same sign convention
(R[l, l] = -sign(x_ll) * norm). Only the storage differs: LINPACK keeps the Householder
vector ``u`` with ``u[0] = tau`` in ``qraux`` and ``u[1:] = tau * v[1:]`` below the
diagonal, where LAPACK keeps ``v`` (``v[0] = 1`` implied) and ``tau``.

Whether pivoting can be ruled out is decided beforehand from the Cholesky factor of the
Gram matrix ``X'X``: its diagonal gives each column's reduced norm. That estimate loses
accuracy as the reduced norms shrink, so it is trusted only for ratios of at least
:data:`MIN_RATIO` (and :data:`MARGIN` times ``tol``); anything closer to the tolerance
goes through the column-by-column LINPACK algorithm, which makes the borderline rank
decisions exactly as R does.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import LinAlgError, blas, cholesky, lapack

__all__ = ["pivoting_ruled_out", "householder_unpivoted", "MIN_RATIO", "MARGIN"]

#: Reduced-norm ratios below this are left to the exact LINPACK loop (Gram-matrix
#: estimates of a ratio r carry a relative error of about eps / r**2).
MIN_RATIO = 1e-5
#: Safety factor between the smallest ratio and dqrdc2's tolerance.
MARGIN = 1e3


def pivoting_ruled_out(a: np.ndarray, tol: float) -> bool:
    """Whether dqrdc2 certainly keeps every column of ``a`` in place (needs n > p).

    Parameters
    ----------
    a : ndarray, shape (n, p)
    tol : float
        dqrdc2's tolerance.
    """
    n, p = a.shape
    if p == 0 or n <= p:
        return False
    gram = blas.dsyrk(1.0, a, trans=1)  # upper triangle of X'X, all cholesky reads
    norms2 = np.diag(gram).copy()
    if not np.all(np.isfinite(gram)) or not np.all(norms2 > 0):
        return False
    try:
        chol = cholesky(gram, lower=False, check_finite=False)
    except LinAlgError:
        return False
    ratio = np.abs(np.diag(chol)) / np.sqrt(norms2)
    return bool(np.all(ratio >= max(MIN_RATIO, MARGIN * tol)))


def householder_unpivoted(a: np.ndarray) -> np.ndarray:
    """Householder QR of ``a`` in place, left in LINPACK's compact form; returns ``qraux``.

    R: what ``dqrdc2`` computes when it pivots nothing (via LAPACK ``dgeqrf``).

    Parameters
    ----------
    a : ndarray, shape (n, p), Fortran-ordered float64, n > p
        Overwritten with R (upper triangle) and LINPACK's Householder vectors.
    """
    qr, tau, _, info = lapack.dgeqrf(a, overwrite_a=1)
    if info != 0:  # pragma: no cover - only for invalid arguments
        raise RuntimeError(f"dgeqrf failed with info = {info}")
    if not np.may_share_memory(qr, a):  # f2py had to copy: write back
        a[...] = qr
    p = a.shape[1]
    for l in range(p):
        if tau[l] == 0.0:
            # LAPACK leaves a column with nothing below the diagonal alone; LINPACK still
            # reflects it (u = 2 e_l), which flips the sign of row l of R.
            tau[l] = 2.0
            a[l, l:] *= -1.0
        else:
            a[l + 1:, l] *= tau[l]
    return np.array(tau, dtype=np.float64)
