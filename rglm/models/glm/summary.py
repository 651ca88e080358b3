"""Summarising a GLM fit. R: ``stats::summary.glm`` and ``vcov.glm``.

The summary computes; :mod:`rglm.render.summary` formats. Nothing is refitted: the
covariance comes from the QR of the last IRLS step stored in the fit, exactly as R.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import singledispatch
from typing import Any, Optional

import numpy as np
import pandas as pd
from scipy import stats

from rglm.errors import RError, rwarn
from rglm.linalg.qr import chol2inv
from rglm.models.glm.residuals import deviance_residuals, naresid

__all__ = ["summary", "summary_glm", "summary_from_qr", "GLMSummary", "vcov", "estimate_dispersion"]


def estimate_dispersion(fit, warn: bool = True) -> tuple[float, bool]:
    """The dispersion summary.glm uses, and whether it was estimated.

    R >= 4.3: the family's ``dispersion`` element if present and not NA (1 for binomial and
    poisson); else the Pearson statistic ``sum(w * r^2) / df.residual`` over positive working
    weights (NaN when ``df.residual == 0``).
    """
    family = fit.family
    fixed = getattr(family, "dispersion", None)
    if fixed is not None and not np.isnan(fixed):
        return float(fixed), False
    if family.family in ("poisson", "binomial"):
        return 1.0, False
    df_r = fit.df_residual
    if df_r <= 0:
        return float("nan"), True
    w = fit.fit.weights
    r = fit.fit.residuals
    pos = w > 0
    if warn and np.any(w == 0):
        rwarn("observations with zero weight not used for calculating dispersion")
    return float(np.sum(w[pos] * r[pos] ** 2) / df_r), True


@dataclass(frozen=True, eq=False)
class GLMSummary:
    """R's ``summary.glm`` object. ``print()`` gives ``print.summary.glm``'s text (R >= 4.3).

    Attributes follow R's names: ``coefficients`` (DataFrame with columns "Estimate",
    "Std. Error", "z value"/"t value", "Pr(>|z|)"/"Pr(>|t|)"; rows = non-aliased
    coefficients), ``aliased`` (Series of bool), ``dispersion``, ``df`` (rank, df.residual,
    number of coefficients), ``cov_unscaled``, ``cov_scaled``, ``deviance_resid``,
    ``correlation`` (when requested), and the fit's ``call``, ``family``, ``deviance``,
    ``aic``, ``df_residual``, ``null_deviance``, ``df_null``, ``iter``, ``na_action``.
    """

    fit: Any = field(repr=False)
    coefficients: pd.DataFrame
    aliased: pd.Series
    dispersion: float
    df: tuple[int, int, int]
    cov_unscaled: pd.DataFrame
    cov_scaled: pd.DataFrame
    deviance_resid: pd.Series
    correlation: Optional[pd.DataFrame] = None
    symbolic_cor: bool = False

    call = property(lambda self: self.fit.call)
    terms = property(lambda self: self.fit.terms)
    family = property(lambda self: self.fit.family)
    deviance = property(lambda self: self.fit.deviance)
    aic = property(lambda self: self.fit.aic)
    contrasts = property(lambda self: self.fit.contrasts)
    df_residual = property(lambda self: self.fit.df_residual)
    null_deviance = property(lambda self: self.fit.null_deviance)
    df_null = property(lambda self: self.fit.df_null)
    iter = property(lambda self: self.fit.iter)
    na_action = property(lambda self: self.fit.na_action)

    def __getitem__(self, name: str) -> Any:
        return getattr(self, name.replace(".", "_"))

    def format(self, show_residuals: bool = False, signif_stars: bool = True,
               digits: Optional[int] = None) -> str:
        """The text of R's ``print.summary.glm`` (R >= 4.3 layout)."""
        from rglm.render.objects import format_summary_object

        return format_summary_object(self, show_residuals=show_residuals,
                                     signif_stars=signif_stars, digits=digits)

    def __str__(self) -> str:
        return self.format()

    __repr__ = __str__

    def _repr_pretty_(self, p, cycle) -> None:  # IPython
        p.text(self.__str__())

    def to_markdown(self, floatfmt: Optional[str] = None) -> str:
        """The coefficient table and fit statistics as markdown (not R output).

        See :func:`rglm.render.tables.to_markdown`.
        """
        from rglm.render.tables import to_markdown

        return to_markdown(self, floatfmt=floatfmt)

    def _repr_html_(self) -> str:  # Jupyter
        from rglm.render.tables import to_html

        return to_html(self)


def summary_glm(fit, dispersion: Optional[float] = None, correlation: bool = False,
                symbolic_cor: bool = False) -> GLMSummary:
    """Summarise a glm fit. R: ``summary.glm(object, dispersion, correlation, symbolic.cor)``.

    A user-supplied ``dispersion`` gives z statistics and normal p-values, as in R.
    """
    if dispersion is None:
        disp, est_disp = estimate_dispersion(fit)
    else:
        disp, est_disp = float(dispersion), False
    if fit.rank > 0 and fit.fit.qr is None:
        raise RError("lm object does not have a proper 'qr' component.\n "
                     "Rank zero or should not have used lm(.., qr=FALSE).")
    qr = fit.fit.qr
    return summary_from_qr(fit, None if qr is None else qr.qr, None if qr is None else qr.pivot,
                           disp, est_disp, naresid(fit, deviance_residuals(fit)),
                           correlation, symbolic_cor)


#: ``rglm.summary(fit, ...)``: R's generic ``summary()``. Dispatches on the class of the
#: fit like R's S3 dispatch: :func:`summary_glm` for glm fits; other classes
#: (``BigGLM``, ``NegBinGLM``) register their method in their own module.
summary = singledispatch(summary_glm)


def summary_from_qr(fit, qr, pivot, disp: float, est_disp: bool, deviance_resid: pd.Series,
                    correlation: bool = False, symbolic_cor: bool = False) -> GLMSummary:
    """The part of summary.glm shared by every fitted class: the coefficient table.

    ``qr`` is the compact QR (or just its R factor) of the last weighted least-squares step
    and ``pivot`` R's 1-based pivot; ``cov.unscaled = chol2inv(R[1:p, 1:p])``.
    """
    coef = fit.coefficients
    names = list(coef.index)
    p = fit.rank
    piv = np.asarray(pivot[:p], dtype=int) - 1 if p > 0 else np.zeros(0, dtype=int)
    pnames = [names[j] for j in piv]
    cov_unscaled = chol2inv(np.asarray(qr)[:p, :p]) if p > 0 else np.zeros((0, 0))
    cov_scaled = disp * cov_unscaled
    table, cols = _coef_table(coef.to_numpy()[piv], cov_scaled, est_disp, fit.df_residual)
    corr = None
    if correlation and p > 0:
        sd = np.sqrt(np.diag(cov_unscaled))
        corr = pd.DataFrame(cov_unscaled / np.outer(sd, sd), index=pnames, columns=pnames)
    return GLMSummary(
        fit=fit, coefficients=pd.DataFrame(table, index=pnames, columns=cols),
        aliased=coef.isna(), dispersion=disp, df=(p, fit.df_residual, len(names)),
        cov_unscaled=pd.DataFrame(cov_unscaled, index=pnames, columns=pnames),
        cov_scaled=pd.DataFrame(cov_scaled, index=pnames, columns=pnames),
        deviance_resid=deviance_resid, correlation=corr, symbolic_cor=symbolic_cor)


def _coef_table(estimate: np.ndarray, cov_scaled: np.ndarray, est_disp: bool,
                df_r: int) -> tuple[np.ndarray, list]:
    """summary.glm's coefficient table: z tests for a known dispersion, t tests otherwise
    (NaN statistics when the dispersion is estimated on 0 residual df)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        s_err = np.sqrt(np.diag(cov_scaled))
        tvalue = estimate / s_err
    if not est_disp:
        # 2 * pnorm(-|z|) in the lower tail, as R, not 1 - cdf.
        return (np.column_stack([estimate, s_err, tvalue, 2.0 * stats.norm.cdf(-np.abs(tvalue))]),
                ["Estimate", "Std. Error", "z value", "Pr(>|z|)"])
    cols = ["Estimate", "Std. Error", "t value", "Pr(>|t|)"]
    if df_r > 0:
        return np.column_stack([estimate, s_err, tvalue,
                                2.0 * stats.t.cdf(-np.abs(tvalue), df_r)]), cols
    nan = np.full(estimate.shape[0], np.nan)
    return np.column_stack([estimate, nan, nan, nan]), cols


def vcov(fit, complete: bool = True, dispersion: Optional[float] = None) -> pd.DataFrame:
    """Covariance matrix of the coefficients. R: ``vcov.glm(object, complete = TRUE)``.

    With ``complete=True`` aliased coefficients get NaN rows and columns (R's NA), in the
    original coefficient order.
    """
    s = summary(fit, dispersion=dispersion)
    cs = s.cov_scaled
    if not complete:
        return cs.copy()
    names = list(fit.coefficients.index)
    return cs.reindex(index=names, columns=names)
