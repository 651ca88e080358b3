"""The summary of a fitted mixed model. R: ``lme4::summary.merMod`` and
``print.summary.merMod``.

The summary computes what lme4's summary object holds -- the coefficient table (Wald z,
or t for models with a scale, with normal p-values for GLMMs), the covariance and
correlation of the fixed effects, the five-number summary of the scaled Pearson
residuals, the variance components -- and prints through
:func:`rglm.render.mixed.format_summary_mermod`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np
import pandas as pd
from scipy import stats

from rglm.models.glm.influence import abbreviate
from rglm.models.mixed.accessors import VarCorr_mer, fixef_mer, ngrps_mer, vcov_mer
from rglm.models.mixed.predict import residual_values
from rglm.models.mixed.printing import aic_table, call_text, family_link, warn_info
from rglm.models.mixed.result import MerMod
from rglm.render.display import Tabled
from rglm.render.mixed import AicTable, CallText, VarCorrData, WarnInfo, \
    format_summary_mermod, summary_mermod_page
from rglm.report import message

__all__ = ["MerModSummary", "summary_mer", "COR_MAX"]

#: lme4's ``getOption("lme4.summary.cor.max")``: larger models show no correlation.
COR_MAX = 20


@dataclass(frozen=True, repr=False, eq=False)
class MerModSummary(Tabled):
    """R: a ``summary.merMod`` object. ``print()`` gives ``print.summary.merMod``.

    Attributes
    ----------
    coefficients : pandas.DataFrame
        Estimate, Std. Error, z value (t value with a scale parameter) and, for GLMMs,
        Pr(>|z|) from the normal distribution.
    vcov : pandas.DataFrame
        The covariance of the fixed effects (Hessian-based where lme4's is).
    correlation : pandas.DataFrame or None
        Its correlation matrix, when shown (p <= 20, or asked for).
    residuals : pandas.Series
        The scaled Pearson residuals (R: ``residuals(fit, "pearson", scaled = TRUE)``).
    residual_quantiles : numpy.ndarray
        Their minimum, quartiles and maximum (R's ``quantile``, type 7).
    sigma : float
    ngrps : pandas.Series
    varcor : VarCorrData
    aictab : AicTable
    """

    title: str
    r_class: str
    family: Optional[str]
    link: Optional[str]
    call: CallText
    aictab: AicTable
    residuals: pd.Series = field(repr=False)
    residual_quantiles: np.ndarray = field(repr=False)
    varcor: VarCorrData = field(repr=False)
    ngrps: pd.Series = field(repr=False)
    nobs: int
    coefficients: pd.DataFrame = field(repr=False)
    vcov: pd.DataFrame = field(repr=False)
    correlation: Optional[pd.DataFrame] = field(repr=False)
    correlation_set: Optional[bool]
    sigma: float
    use_scale: bool
    fit_messages: tuple
    warn: WarnInfo

    def format(self, digits: int = 4, correlation: Optional[bool] = None,
               signif_stars: bool = True) -> str:
        """R: ``print(summary(fit), digits = 4, correlation, signif.stars)``; when the
        correlation is left out because there are more than 20 fixed effects, lme4's
        message says so."""
        p = len(self.coefficients)
        show = correlation
        if show is None:
            show = bool(self.correlation_set) or p <= COR_MAX
            if not show and p > COR_MAX and self.correlation_set is None:
                message(f"\nCorrelation matrix not shown by default, as p = {p} > "
                        f"{COR_MAX}.\nUse print(x, correlation=TRUE)  or\n"
                        f"    vcov(x)        if you need it\n")
        cor = None
        if show:
            cor = self.correlation if self.correlation is not None else _cov2cor(self.vcov)
        rn = list(self.coefficients.index)
        return format_summary_mermod(
            self.title, self.r_class, self.family, self.link, self.call, self.aictab,
            self.residual_quantiles, self.varcor, list(self.ngrps.index),
            list(self.ngrps.to_numpy()), self.nobs, self.coefficients.to_numpy(), rn,
            list(self.coefficients.columns), None if cor is None else cor.to_numpy(),
            abbreviate(rn, 11), abbreviate(rn, 6), self.fit_messages, self.warn,
            digits=digits, signif_stars=signif_stars)

    def table_page(self, floatfmt=None, digits=None, signif_stars: bool = True) -> list:
        """The printout's tables for markdown/HTML
        (:func:`rglm.render.mixed.summary_mermod_page`; no correlation block)."""
        return summary_mermod_page(
            self.title, self.r_class, self.family, self.link, self.call, self.aictab,
            self.residual_quantiles, self.varcor, list(self.ngrps.index),
            list(self.ngrps.to_numpy()), self.nobs, self.coefficients, self.fit_messages,
            self.warn, 4 if digits is None else digits, floatfmt, signif_stars)


def _cov2cor(V: pd.DataFrame) -> pd.DataFrame:
    v = V.to_numpy()
    d = np.sqrt(np.diag(v))
    return pd.DataFrame(v / d[:, None] / d[None, :], index=V.index, columns=V.columns)


def _quantiles(r: np.ndarray) -> np.ndarray:
    r = r[~np.isnan(r)]
    return np.quantile(r, [0, 0.25, 0.5, 0.75, 1.0], method="linear")


def summary_mer(fit: MerMod, correlation: Optional[bool] = None,
                use_hessian: Optional[bool] = None) -> MerModSummary:
    """Summarise a fitted mixed model. R: ``summary(fit, correlation, use.hessian)``."""
    beta = fixef_mer(fit)
    V = vcov_mer(fit, use_hessian=use_hessian)
    se = np.sqrt(np.diag(V.to_numpy()))
    est = beta.to_numpy()
    cols = {"Estimate": est, "Std. Error": se}
    if len(est):
        z = est / se
        cols["t value" if fit.use_sc else "z value"] = z
        if fit.is_glmm:
            cols["Pr(>|z|)"] = 2 * stats.norm.sf(np.abs(z))
    coefficients = pd.DataFrame(cols, index=beta.index)
    resid = residual_values(fit, "pearson") / fit.engine.sigma
    p = len(est)
    show = (p <= COR_MAX) if correlation is None else bool(correlation)
    family, link = family_link(fit)
    return MerModSummary(
        title=fit.title, r_class=fit.r_class, family=family, link=link,
        call=call_text(fit), aictab=aic_table(fit),
        residuals=pd.Series(resid, index=fit.row_names),
        residual_quantiles=_quantiles(resid), varcor=VarCorr_mer(fit).data,
        ngrps=ngrps_mer(fit), nobs=fit.n, coefficients=coefficients, vcov=V,
        correlation=_cov2cor(V) if show and p else None, correlation_set=correlation,
        sigma=float(fit.engine.sigma), use_scale=fit.use_sc,
        fit_messages=fit.fit_messages, warn=warn_info(fit))
