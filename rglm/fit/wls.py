"""The weighted least-squares step of the IRLS.

R: ``.Call(C_Cdqrls, x[good, , drop = FALSE] * w, z * w, min(1e-7, epsilon/1000))``.
Kept apart so that a faster solver (Cholesky on X'WX, blocked BLAS-3 QR) can replace
:func:`wls_step` without touching the iteration logic; it must return an
:class:`~rglm.linalg.qr.LSFit` with dqrdc2's rank and pivot decisions.
"""

from __future__ import annotations

import numpy as np

from rglm.linalg.fastqr import fast_dqrls
from rglm.linalg.qr import LSFit, dqrls

__all__ = ["weighted_design", "wls_step", "wls_tolerance"]


def wls_tolerance(epsilon: float) -> float:
    """Rank tolerance of the WLS: ``min(1e-7, epsilon / 1000)`` (1e-11 by default)."""
    return min(1e-7, epsilon / 1000.0)


def weighted_design(x: np.ndarray, good: np.ndarray, w: np.ndarray, out=None) -> np.ndarray:
    """``x[good, ] * w`` in Fortran order (rows scaled by ``w``).

    Built column by column straight into Fortran order, so the QR can work in it
    without another copy of a large design.

    Parameters
    ----------
    x : ndarray, shape (nobs, p)
    good : ndarray of bool, shape (nobs,)
    w : ndarray, shape (sum(good),)
    out : ndarray, optional
        A Fortran-ordered work array to fill when its shape fits (saves allocating and
        page-faulting a fresh n × p array at every iteration); else a new one is made.
    """
    all_good = bool(good.all())
    shape = (w.shape[0], x.shape[1])
    if out is None or out.shape != shape or not out.flags.f_contiguous:
        out = np.empty(shape, dtype=np.float64, order="F")
    for j in range(x.shape[1]):
        column = x[:, j] if all_good else x[good, j]
        np.multiply(column, w, out=out[:, j])
    return out


def wls_step(xw: np.ndarray, zw: np.ndarray, tol: float) -> LSFit:
    """Least squares of the weighted working response on the weighted design.

    R: ``C_Cdqrls`` (LINPACK ``dqrls`` with limited pivoting). The BLAS-3
    :func:`~rglm.linalg.fastqr.fast_dqrls` is tried first; it declines (``None``,
    ``xw`` untouched) whenever dqrdc2 could pivot, and the exact port runs instead.

    Parameters
    ----------
    xw : ndarray, shape (m, p)
        Weighted design; consumed (the decomposition is computed in its memory).
    zw : ndarray, shape (m,)
        Weighted working response ``z * w``.
    tol : float
        Rank tolerance.

    Returns
    -------
    LSFit
    """
    fit = fast_dqrls(xw, zw, tol, overwrite_x=True)
    return fit if fit is not None else dqrls(xw, zw, tol, overwrite_x=True)
