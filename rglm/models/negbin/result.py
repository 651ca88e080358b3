"""Negative binomial GLMs with estimated theta: the result side of MASS's ``glm.nb``.

R: MASS ``theta.ml``, the ``negbin`` class (``summary.negbin``, ``print.summary.negbin``,
``vcov.negbin``, ``logLik.negbin``, ``anova.negbin``) — MASS/R/negbin.R — and stats'
``extractAIC.negbin``.

A :class:`NegBinGLM` is a :class:`~rglm.models.glm.result.GLM` (its ``fit`` is the last
``glm.fit`` of the alternation, whose family carries the *previous* theta, as in R) plus
``theta``, ``SE_theta``, ``twologlik`` and ``th_warn``; its ``aic`` is
``-twologlik + 2 rank + 2``. Its summary uses dispersion 1 (z tests) and prints the
Theta / Std. Err. / 2 x log-likelihood footer.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Optional

import numpy as np
import pandas as pd
from scipy import special, stats

from rglm.errors import RError, rwarn
from rglm.inference.anova_table import exact_zero
from rglm.inference.loglik import LogLik
from rglm.inference.mass_anova import MassAnova
from rglm.models.glm.loglik import equivalent_df, residual_nobs
from rglm.models.glm.result import GLM
from rglm.models.glm.summary import GLMSummary, summary_glm
from rglm.render.negbin import format_negbin_footer, negbin_anova_heading, theta_ml_trace
from rglm.report import message

__all__ = ["ThetaML", "theta_ml", "negbin_loglik", "NegBinGLM", "NegBinSummary",
           "summary_negbin", "vcov_negbin", "logLik_negbin", "extractAIC_negbin",
           "AnovaNegBin", "anova_negbin"]

_EPS = np.finfo(float).eps


# ---- theta ------------------------------------------------------------------------------


def negbin_loglik(theta: float, mu, y, w) -> float:
    """The negative binomial log-likelihood at fixed ``theta``.

    R: the ``loglik`` function inside ``glm.nb``:
    ``sum(w * (lgamma(th + y) - lgamma(th) - lgamma(y + 1) + th * log(th) +
    y * log(mu + (y == 0)) - (th + y) * log(th + mu)))``.
    """
    th = float(theta)
    y = np.asarray(y, dtype=float)
    mu = np.asarray(mu, dtype=float)
    w = np.asarray(w, dtype=float)
    terms = (special.gammaln(th + y) - special.gammaln(th) - special.gammaln(y + 1)
             + th * np.log(th) + y * np.log(mu + (y == 0)) - (th + y) * np.log(th + mu))
    return float(np.sum(w * terms))


@dataclass(frozen=True)
class ThetaML:
    """R's ``theta.ml()`` value: the estimate with its ``SE`` and ``warn`` attributes.

    ``float(est)`` is the estimate.
    """

    theta: float
    SE: float
    warn: Optional[str] = None

    def __float__(self) -> float:
        return self.theta


def _score(th: float, mu, y, w) -> float:
    return float(np.sum(w * (special.digamma(th + y) - special.digamma(th) + np.log(th) + 1
                             - np.log(th + mu) - (y + th) / (mu + th))))


def _info(th: float, mu, y, w) -> float:
    return float(np.sum(w * (-special.polygamma(1, th + y) + special.polygamma(1, th)
                             - 1 / th + 2 / (mu + th) - (y + th) / (mu + th) ** 2)))


def theta_ml(y, mu, n: Optional[float] = None, weights=None, limit: int = 10,
             eps: float = _EPS ** 0.25, trace: bool = False) -> ThetaML:
    """Maximum-likelihood estimate of the negative binomial ``theta`` for given means.

    R: ``MASS::theta.ml(y, mu, n = sum(weights), weights, limit = 10,
    eps = .Machine$double.eps^0.25, trace = FALSE)``.

    Parameters
    ----------
    y, mu : array_like
        Counts and their fitted means.
    n : float, optional
        ``sum(weights)``.
    weights : array_like, optional
        Prior weights (default 1).
    limit : int
        Iteration limit (glm.nb passes ``control$maxit``).
    eps : float
        Convergence tolerance on the Newton step.
    trace : bool
        Report each iteration on stderr (R's ``message()``).

    Returns
    -------
    ThetaML
        The estimate, its standard error ``sqrt(1 / info)`` — the information evaluated
        at the estimate *before* the last Newton step, as in R — and the warning text, if
        any.

    Notes
    -----
    Starts from the moment estimate ``n / sum(w (y/mu - 1)^2)``; Newton steps
    ``theta += score / info`` while ``it < limit`` and ``|step| > eps``. Warnings (also
    issued): ``estimate truncated at zero``, ``iteration limit reached``.
    """
    y = np.asarray(y, dtype=float)
    mu = np.asarray(mu, dtype=float)
    w = np.ones(y.size) if weights is None else np.asarray(weights, dtype=float)
    if n is None:
        n = float(np.sum(w))
    t0 = n / np.sum(w * (y / mu - 1) ** 2)
    it = 0
    step = 1.0
    info = np.nan
    if trace:
        message(theta_ml_trace(it, t0))
    while True:
        it += 1
        if not (it < limit and abs(step) > eps):
            break
        t0 = abs(t0)
        info = _info(t0, mu, y, w)
        step = _score(t0, mu, y, w) / info
        t0 = t0 + step
        if trace:
            message(theta_ml_trace(it, t0))
    warn = None
    if t0 < 0:
        t0 = 0.0
        warn = "estimate truncated at zero"
        rwarn(warn)
    if it == limit:
        warn = "iteration limit reached"
        rwarn(warn)
    with np.errstate(divide="ignore", invalid="ignore"):
        se = float(np.sqrt(1 / info))
    return ThetaML(theta=float(t0), SE=se, warn=warn)


# ---- the fitted object -----------------------------------------------------------------

# names(glm.nb(...)) in R's order; optional ones are dropped by keys() when absent
NEGBIN_COMPONENTS = (
    "coefficients", "residuals", "fitted.values", "effects", "R", "rank", "qr", "family",
    "linear.predictors", "deviance", "aic", "null.deviance", "iter", "weights",
    "prior.weights", "df.residual", "df.null", "y", "converged", "boundary", "th.warn",
    "terms", "call", "model", "na.action", "x", "theta", "SE.theta", "twologlik",
    "contrasts", "xlevels", "method", "control", "offset",
)


@dataclass(frozen=True, eq=False, repr=False)
class NegBinGLM(GLM):
    """A negative binomial GLM with ML theta. R: class ``c("negbin", "glm", "lm")``.

    Created by :func:`rglm.glm_nb`. Everything of :class:`~rglm.models.glm.result.GLM`, with
    the last IRLS fit's components (its ``family`` is ``Negative Binomial(<previous
    theta>)``, as R's), plus:

    Attributes
    ----------
    theta : float
        The ML estimate of theta.
    SE_theta : float
        Its standard error.
    twologlik : float
        Twice the log-likelihood at ``theta`` and the final means.
    th_warn : str or None
        The warning from theta estimation or the alternation, if any.
    """

    R_CLASS = ("negbin", "glm", "lm")

    theta: float = float("nan")
    SE_theta: float = float("nan")
    twologlik: float = float("nan")
    th_warn: Optional[str] = None

    @property
    def aic(self) -> float:
        """R: ``-twologlik + 2 * rank + 2`` (theta counted as a parameter)."""
        return -self.twologlik + 2 * self.rank + 2

    @property
    def loglik_df(self) -> int:
        """Number of parameters for ``logLik``: ``rank + 1`` (R: ``logLik.negbin``)."""
        return self.rank + 1

    def keys(self) -> list[str]:
        """R's ``names(fit)`` for a glm.nb fit, in R's order."""
        absent = {
            "th.warn": self.th_warn is None, "na.action": self.na_action is None,
            "x": not self.keep_x, "y": not self.keep_y, "model": self.frame is None,
            "contrasts": not self.contrasts, "offset": self.offset_values is None,
            # .getXlevels() is NULL when the formula has no variables besides the response
            "xlevels": len(self.terms.variables) - (self.terms.response is not None) == 0,
        }
        return [name for name in NEGBIN_COMPONENTS if not absent.get(name, False)]

    def summary(self, dispersion: Optional[float] = 1, correlation: bool = False,
                symbolic_cor: bool = False) -> "NegBinSummary":
        """R: ``summary(fit)`` (``summary.negbin``); see :func:`summary_negbin`."""
        return summary_negbin(self, dispersion, correlation, symbolic_cor)

    def vcov(self, complete: bool = True, dispersion: Optional[float] = None) -> pd.DataFrame:
        """R: ``vcov(fit)`` (``vcov.negbin``: dispersion 1)."""
        return vcov_negbin(self, complete, dispersion)


@dataclass(frozen=True, eq=False, repr=False)
class NegBinSummary(GLMSummary):
    """R's ``summary.negbin`` object: a glm summary (dispersion 1) plus ``theta``,
    ``SE_theta``, ``twologlik`` and ``th_warn``. ``print()`` gives
    ``print.summary.negbin`` (R >= 4.3 layout)."""

    theta: float = float("nan")
    SE_theta: float = float("nan")
    twologlik: float = float("nan")
    th_warn: Optional[str] = None

    def keys(self) -> list[str]:
        """R's ``names(summary(fit))`` for glm.nb: summary.glm's, then the fit's
        ``theta``, ``SE.theta``, ``twologlik`` and ``th.warn`` (when set)."""
        extra = ["theta", "SE.theta", "twologlik"] + (["th.warn"] if self.th_warn else [])
        return super().keys() + extra

    def format(self, show_residuals: bool = False, signif_stars: bool = True,
               digits: Optional[int] = None) -> str:
        """The text of R's ``print.summary.negbin``."""
        return (GLMSummary.format(self, show_residuals=show_residuals,
                                  signif_stars=signif_stars, digits=digits)
                + format_negbin_footer(self.theta, self.SE_theta, self.twologlik,
                                       self.th_warn))


def summary_negbin(fit: NegBinGLM, dispersion: Optional[float] = 1,
                   correlation: bool = False, symbolic_cor: bool = False) -> NegBinSummary:
    """Summarise a glm.nb fit. R: ``MASS:::summary.negbin(object, dispersion = 1,
    correlation = FALSE)``: summary.glm with the dispersion fixed (1 unless given), so
    the coefficient table has z tests."""
    if dispersion is None:
        dispersion = 1
    base = summary_glm(fit, dispersion=dispersion, correlation=correlation,
                       symbolic_cor=symbolic_cor)
    values = {f.name: getattr(base, f.name) for f in fields(GLMSummary)}
    return NegBinSummary(**values, theta=fit.theta, SE_theta=fit.SE_theta,
                         twologlik=fit.twologlik, th_warn=fit.th_warn)


def vcov_negbin(fit: NegBinGLM, complete: bool = True,
                dispersion: Optional[float] = None) -> pd.DataFrame:
    """Covariance of the coefficients. R: ``vcov.negbin`` = dispersion (1) × cov.unscaled."""
    cs = summary_negbin(fit, dispersion).cov_scaled
    if not complete:
        return cs.copy()
    names = list(fit.coefficients.index)
    return cs.reindex(index=names, columns=names)


def logLik_negbin(fit: NegBinGLM) -> LogLik:
    """The log-likelihood of a glm.nb fit. R: ``MASS:::logLik.negbin``: ``twologlik / 2``
    with ``df = rank + 1`` (theta counts) and R's ``nobs``."""
    return LogLik(fit.twologlik / 2.0, fit.loglik_df, residual_nobs(fit))


def extractAIC_negbin(fit: NegBinGLM, scale: float = 0.0, k: float = 2.0) -> np.ndarray:
    """Equivalent degrees of freedom and AIC for ``step()``. R: ``extractAIC.negbin``:
    ``c(edf, -twologlik + k * edf)`` with ``edf = n - df.residual`` — theta is not counted,
    so this is ``AIC(fit) - k`` when no weight is zero; ``scale`` is ignored."""
    edf = equivalent_df(fit)
    return np.array([edf, -fit.twologlik + k * edf])


# ---- anova ------------------------------------------------------------------------------

ANOVA_COLUMNS = ("Model", "theta", "Resid. df", "   2 x log-lik.", "Test", "   df",
                 "LR stat.", "Pr(Chi)")


@dataclass(frozen=True, eq=False, repr=False)
class AnovaNegBin(MassAnova):
    """R's ``anova.negbin`` table for several models (class ``c("Anova", "data.frame")``,
    printed by MASS's ``print.Anova``).

    Attributes
    ----------
    table : pandas.DataFrame
        Columns as R's (``Model``, ``theta``, ``Resid. df``, ``"   2 x log-lik."``,
        ``Test``, ``"   df"``, ``"LR stat."``, ``"Pr(Chi)"``), rows "1", "2", ...;
        NaN (R's NA) in the first row's test columns.
    heading : tuple of str
        R's ``attr(, "heading")``.
    """


def _upper_chisq(x: float, df: float, magnitude: float = float("nan")) -> float:
    """R's ``1 - pchisq(x, df)`` — computed, like R, as one minus the lower tail (so tiny
    p-values carry the same rounding), with the lower tail taken as ``1 - sf``.

    ``x`` is a difference of two values of size ``magnitude``; when it is zero in exact
    arithmetic (:func:`rglm.inference.anova_table.exact_zero`) it is taken as 0, so that
    the point mass of ``df = 0`` does not turn on the sign of rounding noise."""
    if np.isnan(x) or np.isnan(df):
        return float("nan")
    if exact_zero(x, magnitude):
        x = 0.0
    if df == 0:
        lower = 1.0 if x >= 0 else 0.0
    elif x <= 0:
        lower = 0.0
    else:
        lower = 1.0 - float(stats.chi2.sf(x, df))
    return 1.0 - lower


def _side(fit, k: int) -> str:
    """``paste(formula(fit)[k])``: a side of the formula of the terms (``.`` expanded)."""
    from rglm.formula.deparse import deparse1

    args = fit.terms.formula.args
    node = args[k].value if len(args) > 1 else (None if k == 0 else args[0].value)
    return "" if node is None else deparse1(node)


def anova_negbin(*fits: NegBinGLM, test: str = "Chisq"):
    """Likelihood ratio tests between glm.nb fits. R: ``anova(m1, m2, ...)`` for negbin.

    R: ``MASS:::anova.negbin``. Models are sorted by decreasing residual df; each is
    compared with the one before it: ``df`` the difference in residual df, ``LR stat.``
    the increase of ``2 x log-lik.``, ``Pr(Chi) = 1 - pchisq(LR, df)``.

    With a single model R warns "tests made without re-estimating 'theta'" and runs the
    glm analysis of deviance with theta fixed and ``test = "Chisq"``; that case is passed
    to glm's method (:func:`rglm.models.glm.anova.anova_glm`).

    Raises
    ------
    RError
        ``not all objects are of class "negbin"``.
    """
    if len(fits) == 1:
        rwarn("tests made without re-estimating 'theta'")
        from rglm.models.glm.anova import anova_glm  # the glm method, R's NextMethod()

        # summary.negbin gives anova.glm the dispersion 1
        return anova_glm(fits[0], test=test, dispersion=1)
    if test != "Chisq":
        rwarn("only Chi-squared LR tests are implemented")
    dfs_all = [f.df_residual for f in fits]
    order = sorted(range(len(fits)), key=lambda i: -dfs_all[i])
    models = [fits[i] for i in order]
    if not all(isinstance(m, NegBinGLM) for m in models):
        raise RError('not all objects are of class "negbin"')
    responses = list(dict.fromkeys(_side(m, 0) for m in models))
    nt = len(models)
    dfs = np.array([m.df_residual for m in models], dtype=float)
    lls = np.array([m.twologlik for m in models], dtype=float)
    df = np.concatenate(([np.nan], -np.diff(dfs)))
    x2 = np.concatenate(([np.nan], np.diff(lls)))
    pr = np.array([np.nan] + [_upper_chisq(x2[k], df[k], max(abs(lls[k - 1]), abs(lls[k])))
                              for k in range(1, nt)])
    table = pd.DataFrame({
        "Model": [_side(m, 1) for m in models],
        "theta": [m.theta for m in models],
        "Resid. df": [int(m.df_residual) for m in models],
        "   2 x log-lik.": lls,
        "Test": [""] + ["%d vs %d" % (k, k + 1) for k in range(1, nt)],
        "   df": pd.array([None] + [int(v) for v in df[1:]], dtype="Int64"),
        "LR stat.": x2,
        "Pr(Chi)": pr,
    }, index=[str(k) for k in range(1, nt + 1)])
    heading = negbin_anova_heading(responses)
    return AnovaNegBin(table=table, heading=heading)


def anova_method(fit: NegBinGLM, *more: NegBinGLM, test=None, dispersion=None):
    """``rglm.anova()`` for glm.nb fits (R: MASS's anova.negbin; it has no dispersion)."""
    return anova_negbin(fit, *more, test="Chisq" if test is None else test)
