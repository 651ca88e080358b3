"""Tall-skinny QR: the R factor of a weighted least-squares problem, accumulated by blocks.

R: none (biglm accumulates the same factor with Givens rotations, ``biglm:::bigqr``);
the solve at the end is ``.Call(C_Cdqrls, ...)`` as in ``glm.fit``.

For the augmented matrix ``A = [sqrt(w) X | sqrt(w) z]`` of the IRLS step, the upper
triangle ``T`` of any QR of ``A`` is all the least-squares problem needs:

    T = [[R, Q'(sqrt(w) z)[:p]],
         [0, ||residuals||    ]]

and because ``[T1; T2]`` has the same ``T`` (up to row signs) as ``[A1; A2]``, blocks of
rows are reduced one at a time (or in a tree, on a cluster) and combined by re-factoring
two stacked triangles. Householder QR (LAPACK ``dgeqrf``) is backward stable, so the
accumulated ``T`` is as accurate as a QR of the whole matrix.

Conventions: ``k = p + 1`` columns; a factor is a ``k × k`` upper-triangular float64 array
(zero rows where fewer than ``k`` rows have been seen).
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import lapack

from rglm.linalg.qr import LSFit, dqrls

__all__ = ["triangle_of", "combine_triangles", "solve_triangle"]


def triangle_of(a: np.ndarray) -> np.ndarray:
    """The ``k × k`` upper-triangular factor of an ``m × k`` block (consumed).

    Parameters
    ----------
    a : ndarray, shape (m, k)
        A block of rows of the augmented matrix. Its memory is reused by LAPACK when it
        is a Fortran-ordered float64 array; the caller must not use it afterwards.

    Returns
    -------
    ndarray, shape (k, k)
        Upper triangular; rows beyond ``m`` are zero.
    """
    m, k = a.shape
    out = np.zeros((k, k))
    if m == 0:
        return out
    qr, _tau, _work, info = lapack.dgeqrf(np.asfortranarray(a, dtype=np.float64),
                                          overwrite_a=1)
    if info != 0:  # pragma: no cover - only for invalid arguments
        raise RuntimeError(f"LAPACK dgeqrf failed (info = {info})")
    rows = min(m, k)
    out[:rows] = np.triu(qr[:rows])
    return out


def combine_triangles(t1: np.ndarray, t2: np.ndarray) -> np.ndarray:
    """The factor of two stacked blocks from their factors: ``triangle_of([t1; t2])``."""
    return triangle_of(np.vstack([t1, t2]))


def solve_triangle(t: np.ndarray, tol: float) -> LSFit:
    """Least squares from an accumulated factor, with R's limited pivoting.

    R: ``C_Cdqrls(x, y, tol)`` (LINPACK ``dqrls``), applied to ``R`` and
    ``Q'(sqrt(w) z)[:p]`` instead of the full weighted design and response.

    Parameters
    ----------
    t : ndarray, shape (p + 1, p + 1)
        The accumulated factor of ``[sqrt(w) X | sqrt(w) z]``.
    tol : float
        dqrdc2's rank tolerance, ``min(1e-7, epsilon / 1000)``.

    Returns
    -------
    LSFit
        ``qr`` is the ``p × p`` compact QR of ``R`` (its upper triangle is the R factor of
        the pivoted weighted design, up to row signs); ``coefficients`` in pivoted order.

    Notes
    -----
    dqrdc2 drops a column when its norm orthogonal to the accepted columns is below
    ``tol`` times its original norm. Both norms are invariant under the orthogonal
    transformation from ``sqrt(w) X`` to ``R``, so the rank and pivot are those of the
    in-memory fit (up to rounding for columns within ``tol`` of the threshold).
    """
    p = t.shape[0] - 1
    return dqrls(np.array(t[:p, :p], order="F"), t[:p, p].copy(), tol, overwrite_x=True)
