"""Householder QR with R's limited column pivoting (LINPACK ``dqrdc2``/``dqrsl``/``dqrls``).

R fits every linear and generalized linear model through a modified LINPACK QR,
``dqrdc2``: columns are taken in their given order, and a column whose norm,
orthogonal to the columns already accepted, falls below ``tol`` times its original
norm is moved to the right-hand edge. The rank, the pivot and hence which
coefficients come out as ``NA`` depend on that rule, so it is reproduced literally.

Conventions:
    ``n`` rows, ``p`` columns; pivots are 0-based here (R's are 1-based); the
    compact form stores R in the upper triangle and the Householder vectors below
    it, with the first element of the l-th vector in ``qraux[l]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np
from scipy.linalg import blas, lapack

from rglm.errors import RError

__all__ = ["QR", "LSFit", "dqrdc2", "dqrls", "qr_qty", "qr_qy", "qr_r", "qr_coef", "chol2inv",
           "triangular_solve"]

#: dqrdc2 re-computes a down-dated column norm when its squared ratio falls below this.
_RECOMPUTE_RATIO = 1e-6


@dataclass(frozen=True)
class QR:
    """A QR decomposition in LINPACK's compact form (R's class ``"qr"``).

    Attributes
    ----------
    qr : ndarray, shape (n, p)
        Upper triangle: R of the pivoted matrix; below the diagonal: Householder vectors.
    qraux : ndarray, shape (p,)
        First element of each Householder vector.
    pivot : ndarray of int, shape (p,)
        0-based column permutation: column ``j`` of ``qr`` is column ``pivot[j]`` of x.
    rank : int
        Number of columns judged linearly independent.
    tol : float
        The tolerance used for the rank decisions.
    """

    qr: np.ndarray
    qraux: np.ndarray
    pivot: np.ndarray
    rank: int
    tol: float


@dataclass(frozen=True)
class LSFit:
    """A least-squares fit by QR (R's ``.Call(C_Cdqrls, x, y, tol)``).

    Attributes
    ----------
    qr : QR
        The decomposition of x.
    coefficients : ndarray, shape (p,)
        In pivoted order (``coefficients[j]`` belongs to column ``qr.pivot[j]``);
        0 beyond the rank.
    residuals : ndarray, shape (n,), or None
        ``y - x b``; None when the caller asked not to compute them
        (:meth:`rglm.linalg.fastqr.UnpivotedFactor.complete`).
    effects : ndarray, shape (n,)
        ``Q'y``.
    pivoted : bool
        Whether any column was moved.
    """

    qr: QR
    coefficients: np.ndarray
    residuals: Optional[np.ndarray]
    effects: np.ndarray
    pivoted: bool


def dqrdc2(x, tol: float = 1e-7, *, overwrite_x: bool = False) -> QR:
    """Householder QR with limited column pivoting.

    R: ``qr(x, tol = tol, LAPACK = FALSE)`` (Fortran ``dqrdc2``).

    Parameters
    ----------
    x : array_like, shape (n, p)
        The matrix; not modified unless ``overwrite_x`` and it is a Fortran-ordered
        float64 array (then it is used as the work space).
    tol : float
        Relative tolerance for the rank decisions.
    overwrite_x : bool
        Allow the decomposition to be computed in ``x``'s own memory (saves a copy of
        a large design; the caller must not use ``x`` afterwards).

    Returns
    -------
    QR

    Notes
    -----
    Step ``l`` first cycles negligible columns to the right edge: column ``l`` is
    negligible when its current reduced norm ``qraux[l]`` is below ``tol`` times its
    original norm (an all-zero column's original norm counts as 1). The remaining
    columns keep their relative order, which is why R keeps the earlier of two
    collinear columns. The reduced norms are down-dated after each reflection,
    ``qraux[j] *= sqrt(1 - (x[l, j] / qraux[j])**2)``, and recomputed exactly when
    that factor squared falls below 1e-6. No reflection is made at ``l == n``
    (p >= n), so ``qraux[n-1]`` keeps that column's reduced norm.
    """
    a = _work_copy(x, overwrite_x)
    n, p = a.shape
    qraux = np.array([_nrm2(a[:, j]) for j in range(p)], dtype=np.float64) if n else np.zeros(p)
    work1 = qraux.copy()
    # The "original norm" of an all-zero column is 1, so it is always negligible.
    work2 = np.where(qraux == 0.0, 1.0, qraux)
    pivot = np.arange(p)
    k = p + 1  # 1-based, as in LINPACK: columns k..p (1-based) are the negligible ones
    u = np.empty(n)
    for l in range(min(n, p)):
        while l + 1 < k and qraux[l] < work2[l] * tol:
            _cycle_to_end(a, l, pivot, qraux, work1, work2)
            k -= 1
        if l + 1 != n:
            _householder_column(a, l, qraux, work1, u)
    rank = min(k - 1, n)
    return QR(qr=a, qraux=qraux, pivot=pivot, rank=int(rank), tol=float(tol))


def _work_copy(x, overwrite_x: bool) -> np.ndarray:
    """A Fortran-ordered float64 array to decompose in place."""
    if overwrite_x and isinstance(x, np.ndarray) and x.dtype == np.float64 and x.flags.f_contiguous:
        a = x
    else:
        a = np.array(x, dtype=np.float64, order="F", copy=True)
    if a.ndim != 2:
        raise RError("'x' is not a matrix")
    return a


def _nrm2(v: np.ndarray) -> float:
    """Euclidean norm with BLAS's scaling (no overflow), as LINPACK's ``dnrm2``."""
    if v.size == 0:
        return 0.0
    return float(blas.dnrm2(v))


def _cycle_to_end(a, l, pivot, qraux, work1, work2) -> None:
    """Move column ``l`` to the right edge, shifting columns ``l+1..p-1`` left by one."""
    order = np.r_[np.arange(l + 1, a.shape[1]), l]
    a[:, l:] = a[:, order]
    for vec in (pivot, qraux, work1, work2):
        vec[l:] = vec[order]


def _householder_column(a, l, qraux, work1, u) -> None:
    """Reflect column ``l`` onto ``-nrmxl e_l``, apply to the trailing columns, down-date norms.

    LINPACK scales the column so that the Householder vector is ``u = x / nrmxl``
    with ``u[0] = 1 + |x_ll| / nrmxl``; ``H = I - u u' / u[0]``. ``u`` is a work vector
    of length n: the reflection is applied to the full-height block ``a[:, l+1:]`` (which
    is contiguous in Fortran order, so one BLAS ``dgemv`` and one in-place ``dger`` do the
    work) with ``u`` zero above row ``l``, which leaves those rows exactly unchanged.
    """
    col = a[l:, l]
    nrmxl = _nrm2(col)
    if nrmxl == 0.0:
        return
    if col[0] != 0.0:
        nrmxl = np.copysign(nrmxl, col[0])
    col *= 1.0 / nrmxl
    col[0] += 1.0
    p = a.shape[1]
    if l + 1 < p:
        u[:l] = 0.0
        u[l:] = col
        trailing = a[:, l + 1:]
        t = -(u @ trailing) / col[0]
        updated = blas.dger(1.0, u, t, a=trailing, overwrite_a=1)
        if not np.may_share_memory(updated, trailing):  # f2py had to copy: write back
            trailing[...] = updated
        for j in range(l + 1, p):
            _downdate_norm(a, l, j, qraux, work1)
    qraux[l] = col[0]
    col[0] = -nrmxl


def _downdate_norm(a, l, j, qraux, work1) -> None:
    """Update the norm of column ``j`` below row ``l`` after step ``l`` (dqrdc2's rule)."""
    if qraux[j] == 0.0:
        return
    tt = max(1.0 - (abs(a[l, j]) / qraux[j]) ** 2, 0.0)
    if abs(tt) >= _RECOMPUTE_RATIO:
        qraux[j] *= np.sqrt(tt)
    else:
        # Large cancellation: the down-dated value is inaccurate, so recompute it.
        qraux[j] = _nrm2(a[l + 1:, j])
        work1[j] = qraux[j]


def _n_reflections(qr: QR) -> int:
    """dqrsl applies only the first ``min(rank, n - 1)`` Householder reflections."""
    return min(qr.rank, qr.qr.shape[0] - 1)


def _reflect(qr: QR, j: int, y: np.ndarray) -> None:
    """Apply reflection ``j`` to the rows ``j:`` of ``y`` (vector or matrix) in place."""
    u0 = qr.qraux[j]
    if u0 == 0.0:
        return
    below = qr.qr[j + 1:, j]
    tail = y[j + 1:]
    t = -(u0 * y[j] + below @ tail) / u0
    y[j] += t * u0
    if tail.ndim == 1 and tail.size:
        # in-place BLAS axpy: no temporary of length n (y is our own contiguous copy)
        updated = blas.daxpy(below, tail, a=t)
        if not np.may_share_memory(updated, tail):
            tail[:] = updated
    else:
        tail += np.multiply.outer(below, t)


def _as_rhs(qr: QR, y) -> np.ndarray:
    """A float64 copy of ``y`` with as many rows as ``qr``."""
    out = np.array(y, dtype=np.float64, copy=True)
    if out.shape[0] != qr.qr.shape[0]:
        raise RError("'qr' and 'y' must have the same number of rows")
    return out


def qr_qty(qr: QR, y) -> np.ndarray:
    """``Q'y``.

    R: ``qr.qty(qr, y)``.

    Parameters
    ----------
    qr : QR
    y : array_like, shape (n,) or (n, k)

    Returns
    -------
    ndarray, same shape as ``y`` (a new array).
    """
    out = _as_rhs(qr, y)
    for j in range(_n_reflections(qr)):
        _reflect(qr, j, out)
    return out


def qr_qy(qr: QR, y) -> np.ndarray:
    """``Q y``.

    R: ``qr.qy(qr, y)``.

    Parameters
    ----------
    qr : QR
    y : array_like, shape (n,) or (n, k)

    Returns
    -------
    ndarray, same shape as ``y`` (a new array).
    """
    out = _as_rhs(qr, y)
    for j in reversed(range(_n_reflections(qr))):
        _reflect(qr, j, out)
    return out


def qr_r(qr: QR) -> np.ndarray:
    """The upper-triangular factor, ``min(n, p)`` × ``p``, in pivoted column order.

    R: ``qr.R(qr)``.
    """
    n, p = qr.qr.shape
    return np.triu(qr.qr[: min(n, p), :])


def qr_coef(qr: QR, qty: np.ndarray) -> np.ndarray:
    """Coefficients in pivoted order from ``Q'y``: ``R11^{-1} (Q'y)[:rank]``, zeros beyond.

    R: the back-substitution of ``dqrsl`` (as ``qr.coef`` but unpermuted, 0 not NA).
    """
    k = qr.rank
    p = qr.qr.shape[1]
    shape = (p,) + qty.shape[1:]
    coef = np.zeros(shape, dtype=np.float64)
    if k > 0:
        coef[:k] = triangular_solve(qr.qr[:k, :k], qty[:k])
    return coef


def triangular_solve(a: np.ndarray, b: np.ndarray, *, trans: int = 0, lower: bool = False,
                     unit_diagonal: bool = False) -> np.ndarray:
    """``op(a)^-1 b`` for a triangular float64 ``a`` (``op`` transposes when ``trans=1``).

    What :func:`scipy.linalg.solve_triangular` computes -- the same LAPACK ``dtrtrs``
    call with the same arguments (a C-ordered ``a`` is passed transposed, as scipy
    does), so the same bits -- without its input validation and dispatch, which cost
    some 30 microseconds a call: more than the solve itself for a p x p factor, and
    step() refits thousands of small models.

    Parameters
    ----------
    a : ndarray, shape (k, k)
        Finite, with a non-zero diagonal (unless ``unit_diagonal``); ``k >= 1``.
    b : ndarray, shape (k,) or (k, m)
    trans : {0, 1}
    lower, unit_diagonal : bool

    Returns
    -------
    ndarray, shaped as ``b`` (a new array).
    """
    if a.flags.f_contiguous:
        x, info = lapack.dtrtrs(a, b, lower=lower, trans=trans, unitdiag=unit_diagonal)
    else:
        x, info = lapack.dtrtrs(a.T, b, lower=not lower, trans=1 - trans,
                                unitdiag=unit_diagonal)
    if info != 0:
        raise np.linalg.LinAlgError(f"singular triangular factor (dtrtrs info {info})")
    return x


def dqrls(x, y, tol: float = 1e-7, *, overwrite_x: bool = False) -> LSFit:
    """Least squares by QR with limited pivoting.

    R: ``.Call(C_Cdqrls, x, y, tol)`` (Fortran ``dqrls``), as used by ``lm.fit`` and
    ``glm.fit``.

    Parameters
    ----------
    x : array_like, shape (n, p)
    y : array_like, shape (n,) or (n, k)
    tol : float
        Rank tolerance for :func:`dqrdc2`.
    overwrite_x : bool
        Let the decomposition reuse ``x``'s memory (see :func:`dqrdc2`).

    Returns
    -------
    LSFit

    Raises
    ------
    RError
        ``NA/NaN/Inf in 'x'`` or ``'y'`` for non-finite input.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if not np.isfinite(x).all():
        raise RError("NA/NaN/Inf in 'x'")
    if not np.isfinite(y).all():
        raise RError("NA/NaN/Inf in 'y'")
    decomposition = dqrdc2(x, tol, overwrite_x=overwrite_x)
    if decomposition.rank > 0:
        effects = qr_qty(decomposition, y)
        coefficients = qr_coef(decomposition, effects)
        residuals = effects.copy()
        residuals[: decomposition.rank] = 0.0
        residuals = qr_qy(decomposition, residuals)
    else:
        # dqrls leaves y untouched in both residuals and effects when the rank is 0.
        effects = y.copy()
        residuals = y.copy()
        coefficients = np.zeros((x.shape[1],) + y.shape[1:])
    pivoted = bool(np.any(decomposition.pivot != np.arange(x.shape[1])))
    return LSFit(qr=decomposition, coefficients=coefficients, residuals=residuals,
                 effects=effects, pivoted=pivoted)


def chol2inv(r) -> np.ndarray:
    """``(R'R)^{-1}`` from an upper-triangular ``R`` (only its upper triangle is read).

    R: ``chol2inv(r)`` (LAPACK ``dpotri``).

    Parameters
    ----------
    r : array_like, shape (p, p)

    Returns
    -------
    ndarray, shape (p, p), symmetric.

    Raises
    ------
    RError
        ``element (i, i) is zero, so the inverse cannot be computed`` for a zero pivot.
    """
    r = np.array(r, dtype=np.float64, order="F", copy=True)
    p = r.shape[0]
    if p == 0:
        return np.zeros((0, 0))
    inv, info = lapack.dpotri(np.triu(r[:p, :p]), lower=0)
    if info > 0:
        raise RError(f"element ({info}, {info}) is zero, so the inverse cannot be computed")
    upper = np.triu(inv)
    return upper + np.triu(upper, 1).T
