"""The frozen records ``glm_fit`` returns (R's ``glm.fit`` value and its ``qr`` component)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import numpy as np

from rglm.engines.irls.control import GlmControl
from rglm.engines.irls.history import IrlsHistory

__all__ = ["GlmQR", "GlmFitResult"]


@dataclass(frozen=True)
class GlmQR:
    """The QR decomposition of the last weighted least-squares step (R's class ``"qr"``).

    Attributes
    ----------
    qr : ndarray, shape (sum(good), p)
        Compact form of the weighted design ``sqrt(w) * X[good]`` in pivoted column order.
    qraux : ndarray, shape (p,)
        First elements of the Householder vectors.
    pivot : ndarray of int, shape (p,)
        **1-based** column permutation, as R reports it.
    rank : int
        Numerical rank.
    tol : float
        Rank tolerance, ``min(1e-7, epsilon / 1000)``.
    """

    qr: np.ndarray
    qraux: np.ndarray
    pivot: np.ndarray
    rank: int
    tol: float


@dataclass(frozen=True)
class GlmFitResult:
    """Everything R's ``glm.fit`` returns, plus what later computations need.

    Vectors over observations have length ``nobs`` (all rows, zero weights included)
    unless stated otherwise. Components named as R's, with ``.`` written ``_``.

    Attributes
    ----------
    coefficients : ndarray, shape (p,)
        Estimates in the original column order; NaN (R's NA) for aliased columns.
    residuals : ndarray
        Working residuals ``(y - mu) / mu_eta(eta)`` at the final estimate.
    fitted_values : ndarray
        ``mu`` at the final estimate.
    effects : ndarray or None
        ``Q'(z w)`` of the last WLS step, length ``sum(good)``; None for an empty model.
    R : ndarray or None, shape (p, p)
        Upper-triangular factor in pivoted order (identity rows filled in when fewer good
        rows than columns); None for an empty model.
    rank : int
        Numerical rank (0 for an empty model).
    qr : GlmQR or None
        The last WLS decomposition; None for an empty model.
    family : Family
        The family used.
    linear_predictors : ndarray
        ``eta``, offset included.
    deviance : float
        Deviance at the final estimate.
    aic : float
        ``family.aic(...) + 2 * rank``.
    null_deviance : float
        Deviance of the weighted mean (intercept) or of ``linkinv(offset)`` (none); glm()
        refits it when there is both an offset and an intercept.
    iter : int
        IRLS iterations used (0 for an empty model).
    weights : ndarray
        Working weights of the last WLS step; 0 outside ``good``.
    prior_weights : ndarray
        Prior weights as modified by the family's initialize.
    df_residual, df_null : int
        Residual and null degrees of freedom (zero prior weights excluded).
    y : ndarray
        The response as fitted (proportions for a two-column binomial response).
    converged, boundary : bool
        Convergence, and whether the last iteration's step was halved.
    xnames : tuple of str or None
        Column names of the design (None when the design had none, as R's NULL).
    ynames : tuple of str or None
        Row names of the observations.
    n : ndarray
        Binomial trial totals from initialize (ones otherwise), used by ``aic``.
    good : ndarray of bool
        Rows used in the last WLS step.
    offset : ndarray
        The offset (zeros when none was given).
    intercept : bool
        Whether the model has an intercept (for the null deviance and ``df_null``).
    pivot0 : ndarray of int
        The 0-based column permutation of the last WLS step.
    control : GlmControl
        The settings used.
    history : IrlsHistory or None
        The iterations, one by one (:mod:`rglm.engines.irls.history`): not part of R's
        value, which keeps none of them.
    """

    coefficients: np.ndarray
    residuals: np.ndarray
    fitted_values: np.ndarray
    effects: Optional[np.ndarray]
    R: Optional[np.ndarray]
    rank: int
    qr: Optional[GlmQR]
    family: Any
    linear_predictors: np.ndarray
    deviance: float
    aic: float
    null_deviance: float
    iter: int
    weights: np.ndarray
    prior_weights: np.ndarray
    df_residual: int
    df_null: int
    y: np.ndarray
    converged: bool
    boundary: bool
    xnames: Optional[tuple]
    ynames: Optional[tuple]
    n: np.ndarray
    good: np.ndarray
    offset: np.ndarray
    intercept: bool
    pivot0: np.ndarray
    control: GlmControl
    history: Optional[IrlsHistory] = None

    @property
    def pivoted_names(self) -> Optional[tuple]:
        """Column names in pivoted order (R's ``xxnames``: colnames of ``qr`` and ``R``)."""
        if self.xnames is None:
            return None
        return tuple(self.xnames[j] for j in self.pivot0)

    @property
    def effects_names(self) -> Optional[tuple]:
        """R's names of ``effects``: the first ``rank`` pivoted names, then empty strings."""
        if self.effects is None or self.xnames is None:
            return None
        names = self.pivoted_names[: self.rank]
        return names + ("",) * (len(self.effects) - self.rank)
