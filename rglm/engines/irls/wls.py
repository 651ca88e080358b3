"""The weighted least-squares step of the IRLS.

R: ``.Call(C_Cdqrls, x[good, , drop = FALSE] * w, z * w, min(1e-7, epsilon/1000))``.
Kept apart so that a faster solver can replace :func:`wls_step` without touching the
iteration logic; it must keep dqrdc2's rank and pivot decisions.

The IRLS needs only the coefficients of each step, while R returns the QR decomposition,
effects and residuals of the last one. :func:`wls_step` therefore stops after the
factorisation when the BLAS-3 kernel accepts the matrix (two passes over it instead of
three), and :attr:`WlsStep.lsfit` finishes that one step on demand.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Optional

import numpy as np

from rglm.linalg.fastqr import UnpivotedFactor, factor_unpivoted
from rglm.linalg.qr import LSFit, dqrls

__all__ = ["WlsStep", "weighted_design", "wls_step", "wls_tolerance"]


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


@dataclass(frozen=True)
class WlsStep:
    """A solved weighted least-squares step, its :class:`~rglm.linalg.qr.LSFit` possibly pending.

    Attributes
    ----------
    coefficients : ndarray, shape (p,)
        In pivoted order, 0 beyond the rank (``fit$coefficients``).
    pivot : ndarray of int, shape (p,)
        0-based column permutation.
    rank : int
    fit : LSFit or None
        The complete fit when the exact port computed it (it pivoted, or the kernel
        declined); None while it is pending.
    factor : UnpivotedFactor or None
        The kernel's factorisation when the fit is pending.
    xw : ndarray or None
        The weighted design, the IRLS's reusable work array: a pending fit is finished
        from it (:attr:`lsfit` must be read before the array is refilled, and writes the
        compact QR into it); a complete fit's decomposition already lies in it.
    zw : ndarray or None
        The weighted response a pending fit is finished from.
    """

    coefficients: np.ndarray
    pivot: np.ndarray
    rank: int
    fit: Optional[LSFit] = None
    factor: Optional[UnpivotedFactor] = None
    xw: Optional[np.ndarray] = None
    zw: Optional[np.ndarray] = None

    @cached_property
    def lsfit(self) -> LSFit:
        """R's ``C_Cdqrls`` value for this step: qr, qraux, effects (residuals maybe None).

        The kernel's third pass over ``xw`` (computed once, then cached: it consumes
        ``xw``). It skips the residuals, which ``glm.fit`` does not use.
        """
        if self.fit is not None:
            return self.fit
        return self.factor.complete(self.xw, self.zw, overwrite_x=True, residuals=False)


def wls_step(xw: np.ndarray, zw: np.ndarray, tol: float,
             previous: Optional[WlsStep] = None) -> WlsStep:
    """Least squares of the weighted working response on the weighted design.

    R: ``C_Cdqrls`` (LINPACK ``dqrls`` with limited pivoting). The BLAS-3
    :func:`~rglm.linalg.fastqr.factor_unpivoted` is tried first and, when it accepts
    ``xw``, only factors it (``xw`` untouched, the full fit pending). It declines
    whenever dqrdc2 could pivot, and the exact port then runs to completion.

    Parameters
    ----------
    xw : ndarray, shape (m, p)
        Weighted design, Fortran-ordered float64; consumed (the decomposition is, or
        will be, computed in its memory).
    zw : ndarray, shape (m,)
        Weighted working response ``z * w``.
    tol : float
        Rank tolerance.
    previous : WlsStep, optional
        The IRLS's previous step: its triangular factor preconditions this one (the
        weights change little between iterations), which saves a pass over ``xw``.

    Returns
    -------
    WlsStep
    """
    preconditioner = None if previous is None or previous.factor is None else previous.factor.rh
    factor = factor_unpivoted(xw, zw, tol, preconditioner=preconditioner)
    if factor is None:
        fit = dqrls(xw, zw, tol, overwrite_x=True)
        return WlsStep(coefficients=fit.coefficients, pivot=fit.qr.pivot, rank=fit.qr.rank,
                       fit=fit, xw=xw)
    p = xw.shape[1]
    return WlsStep(coefficients=factor.coefficients, pivot=np.arange(p), rank=p,
                   factor=factor, xw=xw, zw=zw)
