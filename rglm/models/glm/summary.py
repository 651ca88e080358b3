"""Summarising a GLM fit. R: ``stats::summary.glm`` and ``vcov.glm``.

The summary computes; :mod:`rglm.render.summary` formats. Nothing is refitted: the
covariance comes from the QR of the last IRLS step stored in the fit, exactly as R.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from rglm.dollar import match_component
from rglm.errors import RError, rwarn
from rglm.formula.deparse import deparse, deparse1
from rglm.generics import summary
from rglm.linalg.qr import chol2inv
from rglm.models.glm.residuals import deviance_residuals, naresid
from rglm.models.glm.result import n_deleted, r_row_names
from rglm.render.display import Tabled
from rglm.render.rframes import as_r
from rglm.render.summary import format_summary_glm
from rglm.render.tables import TablePage, summary_glm_page

__all__ = ["summary", "summary_glm", "summary_from_qr", "GLMSummary", "vcov", "estimate_dispersion",
           "quantile7", "deviance_residual_summary"]

_QUANTILE_NAMES = ("Min", "1Q", "Median", "3Q", "Max")


def quantile7(x, probs: Sequence[float] = (0, 0.25, 0.5, 0.75, 1)) -> np.ndarray:
    """Sample quantiles, NaN removed.

    R: ``quantile(x, probs, na.rm = TRUE)`` (type 7): ``h = 1 + (n - 1) p``, the value
    ``(1 - f) x[lo] + f x[hi]`` of the sorted data, ``f = h - floor(h)``.
    """
    v = np.sort(np.asarray(x, dtype=float)[~np.isnan(np.asarray(x, dtype=float))])
    n = v.size
    index = 1 + max(n - 1, 0) * np.asarray(probs, dtype=float)
    lo = np.floor(index).astype(int)
    hi = np.ceil(index).astype(int)
    qs = v[lo - 1].copy()
    h = index - lo
    interp = (index > lo) & (v[hi - 1] != qs)
    qs[interp] = (1 - h[interp]) * qs[interp] + h[interp] * v[hi - 1][interp]
    return qs


def deviance_residual_summary(resid, names: Optional[Sequence[str]], df_residual
                              ) -> tuple[np.ndarray, Optional[list]]:
    """What the summary shows of its deviance residuals (``show.residuals = TRUE``).

    R: in ``print.summary.glm``: ``setNames(quantile(x$deviance.resid, na.rm = TRUE),
    c("Min", "1Q", "Median", "3Q", "Max"))`` when ``df.residual > 5``, else the residuals
    themselves (NaN = NA) with their names.

    Returns
    -------
    (values, names)
        ``names`` is None for unnamed residuals.
    """
    values = np.asarray(resid, dtype=float)
    if df_residual > 5:
        return quantile7(values), list(_QUANTILE_NAMES)
    return values, None if names is None else list(names)


def dispersion_from_pearson(family, df_residual: int, pearson, any_zero_weight: bool,
                            warn: bool = True) -> tuple[float, bool]:
    """The dispersion summary.glm uses, and whether it was estimated (R >= 4.3 rules).

    The family's ``dispersion`` element if present and not NA (1 for binomial and poisson);
    else the Pearson statistic over positive working weights divided by ``df.residual``
    (NaN when ``df.residual == 0``). ``pearson`` is a callable returning that statistic, so
    that a fit whose dispersion is fixed never computes it. Shared by the in-memory fit
    (statistic from the stored working residuals) and bigglm (summed over the chunks).
    """
    fixed = getattr(family, "dispersion", None)
    if fixed is not None and not np.isnan(fixed):
        return float(fixed), False
    if family.family in ("poisson", "binomial"):
        return 1.0, False
    if df_residual <= 0:
        return float("nan"), True
    if warn and any_zero_weight:
        rwarn("observations with zero weight not used for calculating dispersion")
    return float(pearson() / df_residual), True


def summary_dispersion(fit) -> float:
    """R's ``summary(object)$dispersion``, dispatched on the fit's class: what
    ``rstandard``, ``cooks.distance`` and ``predict(se.fit = TRUE)`` scale by (1 for a
    glm.nb fit, whose ``summary.negbin`` fixes it; Pearson's estimate for a Gamma glm)."""
    return float(summary(fit).dispersion)


def estimate_dispersion(fit, warn: bool = True) -> tuple[float, bool]:
    """The dispersion summary.glm uses for an in-memory glm fit, and whether it was
    estimated (see :func:`dispersion_from_pearson`)."""
    w = fit.fit.weights
    r = fit.fit.residuals

    def pearson() -> float:
        pos = w > 0
        return float(np.sum(w[pos] * r[pos] ** 2))

    return dispersion_from_pearson(fit.family, fit.df_residual, pearson,
                                   bool(np.any(w == 0)), warn)


@dataclass(frozen=True, eq=False, repr=False)
class GLMSummary(Tabled):
    """R's ``summary.glm`` object. ``print()`` gives ``print.summary.glm``'s text (R >= 4.3);
    ``to_markdown()`` / ``to_html()`` its coefficient table and fit statistics.

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

    def keys(self) -> list[str]:
        """R's ``names(summary(fit))``, in R's order (``correlation`` and ``symbolic.cor``
        only when the correlation was asked for)."""
        names = ["call", "terms", "family", "deviance", "aic", "contrasts", "df.residual",
                 "null.deviance", "df.null", "iter", "na.action", "deviance.resid",
                 "coefficients", "aliased", "dispersion", "df", "cov.unscaled",
                 "cov.scaled"]
        if self.na_action is None:
            names.remove("na.action")
        if self.correlation is not None:
            names += ["correlation", "symbolic.cor"]
        return names

    def __getitem__(self, name: str) -> Any:
        """R's ``summary(fit)$name``, with ``$``'s partial matching (``$coef``)."""
        attr = name.replace(".", "_")
        if not hasattr(self, attr):
            full = match_component(name, self.keys())
            attr = full.replace(".", "_")
        return getattr(self, attr)

    def format(self, show_residuals: bool = False, signif_stars: Optional[bool] = None,
               digits: Optional[int] = None) -> str:
        """The text of R's ``print.summary.glm`` (R >= 4.3 layout).

        R: ``print.summary.glm(x, digits = max(3, getOption("digits") - 3),
        signif.stars = getOption("show.signif.stars"), show.residuals = FALSE)`` (see
        :func:`rglm.options`); the numbers come from this object, the text from
        :func:`rglm.render.summary.format_summary_glm`.
        """
        names = list(self.aliased.index)
        resid_values = resid_names = None
        if show_residuals:
            resid = self.deviance_resid
            # Residual names are only printed with show_residuals, and only for few
            # residuals: building a million labels would cost seconds at scale.
            labels = r_row_names(resid.index) if self.df_residual <= 5 else None
            resid_values, resid_names = deviance_residual_summary(
                resid.to_numpy(dtype=float), labels, self.df_residual)
        corr = self.correlation
        return format_summary_glm(
            call_lines=deparse(self.call),
            coef_table=self.coefficients.reindex(names).to_numpy(dtype=float),
            coef_rownames=names, coef_colnames=list(self.coefficients.columns),
            family=self.family.family, dispersion=self.dispersion,
            null_deviance=self.null_deviance, df_null=self.df_null, deviance=self.deviance,
            df_residual=self.df_residual, aic=self.aic, iter=self.iter,
            n_aliased=self.df[2] - self.df[0], n_deleted=n_deleted(self.na_action),
            resid_values=resid_values, resid_names=resid_names,
            show_residuals=show_residuals,
            correlation=None if corr is None else corr.to_numpy(),
            correlation_names=None if corr is None else list(corr.index),
            symbolic_cor=self.symbolic_cor, signif_stars=signif_stars, digits=digits)

    def table_page(self, floatfmt: Optional[str] = None, digits: Optional[int] = None,
                   signif_stars: bool = True) -> TablePage:
        """The coefficient table (aliased rows blank) and the fit statistics, for
        :func:`rglm.to_markdown` / :func:`rglm.to_html` (not R output)."""
        return summary_glm_page(
            self.coefficients.reindex(list(self.aliased.index)),
            n_aliased=self.df[2] - self.df[0], family=self.family.family,
            dispersion=self.dispersion, null_deviance=self.null_deviance,
            df_null=self.df_null, deviance=self.deviance, df_residual=self.df_residual,
            aic=self.aic, call_text=deparse1(self.call) if self.call is not None else None,
            digits=4 if digits is None else digits, floatfmt=floatfmt,
            signif_stars=signif_stars)


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
        corr = as_r(pd.DataFrame(cov_unscaled / np.outer(sd, sd), index=pnames,
                                 columns=pnames))
    # the matrices and vectors print as R prints summary(fit)$coefficients & co.
    return GLMSummary(
        fit=fit, coefficients=as_r(pd.DataFrame(table, index=pnames, columns=cols)),
        aliased=as_r(coef.isna()), dispersion=disp, df=(p, fit.df_residual, len(names)),
        cov_unscaled=as_r(pd.DataFrame(cov_unscaled, index=pnames, columns=pnames)),
        cov_scaled=as_r(pd.DataFrame(cov_scaled, index=pnames, columns=pnames)),
        deviance_resid=as_r(deviance_resid), correlation=corr, symbolic_cor=symbolic_cor)


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

    The summary's ``cov.scaled``, through the generic :func:`rglm.generics.summary` (so
    a bigglm fit, whose summary method reads its QR, has the same method). With
    ``complete=True`` aliased coefficients get NaN rows and columns (R's NA), in the
    original coefficient order.
    """
    s = summary(fit, dispersion=dispersion)
    cs = s.cov_scaled
    if not complete:
        return cs.copy()
    names = list(fit.coefficients.index)
    return cs.reindex(index=names, columns=names)
