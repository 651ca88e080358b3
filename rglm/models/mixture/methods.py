"""R's generics for a finite-mixture fit, and their registration.

R has no ``fmm`` class; the methods follow what R's generics mean and what Stata's
``fmm`` postestimation gives:

* ``coef`` -- the class models' coefficients, a DataFrame (rows R's term names, columns
  the classes: the issue's layout, not a vector);
* ``vcov`` -- the variance of every parameter, labelled (Stata's ``e(V)``);
  ``vcov(fit, vce="robust")`` another estimator from the same fit;
* ``logLik`` (df ``e(rank)``, nobs ``e(N)``), hence ``AIC``/``BIC`` (Stata's
  ``estat ic``); ``nobs``;
* ``confint`` -- Wald intervals of every parameter (R's ``confint.default``);
* ``summary`` -- Stata's table (``eform``, ``level``);
* ``predict`` -- :func:`~rglm.models.mixture.predict.predict_fmm`; ``fitted`` the
  marginal mean ``sum_k pi_ik mu_ik``, ``residuals`` the outcome minus it;
* ``formula`` -- the class model's formula.

``fit.summary()``, ``fit.predict()``, ``fit.vcov()``, ``fit.lcprob()``,
``fit.lcmean()`` are the same functions as methods.
"""

from __future__ import annotations

from typing import Optional

import numpy as np
import pandas as pd
from scipy import stats

from rglm import generics
from rglm.engines.em import mixture_vcov
from rglm.errors import RError
from rglm.inference.loglik import LogLik
from rglm.models.mixture.margins import lcmean, lcprob
from rglm.models.mixture.predict import predict_fmm
from rglm.models.mixture.result import FMM
from rglm.models.mixture.summary import FMMSummary, summary_fmm
from rglm.models.mixture.tidy import glance_fmm, tidy_fmm

__all__ = ["coef_fmm", "vcov_fmm", "logLik_fmm", "nobs_fmm", "confint_fmm", "fitted_fmm",
           "residuals_fmm", "formula_fmm", "summary_fmm"]


def coef_fmm(fit: FMM, complete: bool = True) -> pd.DataFrame:
    """The class models' coefficients (rows: terms; columns: classes 1..k). R: ``coef``."""
    return fit.coefficients


def vcov_fmm(fit: FMM, complete: bool = True, vce: Optional[str] = None) -> pd.DataFrame:
    """The parameters' covariance, labelled (Stata's ``e(V)``). R: ``vcov``.

    ``vce`` (``"oim"``, ``"opg"``, ``"robust"``, ``"cluster"``) computes another
    estimator at the same optimum (``cluster`` needs a fit with a cluster variable).
    """
    v = fit.record.vcov if vce is None or vce == fit.vce else mixture_vcov(fit.record, vce)
    labels = pd.Index(fit.labels)
    return pd.DataFrame(np.array(v), index=labels, columns=labels)


def logLik_fmm(fit: FMM) -> LogLik:
    """The log likelihood, ``df = e(rank)``, ``nobs = e(N)``. R: ``logLik``."""
    return LogLik(fit.loglik, df=fit.rank, nobs=int(round(fit.nobs)))


def nobs_fmm(fit: FMM) -> int:
    """Stata's ``e(N)`` (the sum of fweights; else the rows). R: ``nobs``."""
    return int(round(fit.nobs))


def confint_fmm(fit: FMM, parm=None, level: float = 0.95) -> pd.DataFrame:
    """Wald intervals of the parameters (by label). R: ``confint.default``."""
    if not 0 < level < 1:
        raise RError("'level' must be a number between 0 and 1")
    est = fit.theta
    se = pd.Series(np.sqrt(np.maximum(np.diag(fit.record.vcov), 0.0)), index=est.index)
    se[np.isnan(np.diag(fit.record.vcov))] = np.nan
    if parm is not None:
        names = [parm] if isinstance(parm, (str, int)) else list(parm)
        try:
            names = [est.index[p] if isinstance(p, int) else p for p in names]
            est, se = est[names], se[names]
        except (KeyError, IndexError):
            raise RError("'parm' names no parameter of the fit") from None
    a = (1.0 - level) / 2.0
    crit = stats.norm.ppf(1.0 - a)
    pct = [f"{100 * a:.3g} %", f"{100 * (1 - a):.3g} %"]
    return pd.DataFrame({pct[0]: est - crit * se, pct[1]: est + crit * se})


def fitted_fmm(fit: FMM) -> pd.Series:
    """The marginal mean ``sum_k pi_ik mu_ik`` of each fitted row. R: ``fitted``."""
    return predict_fmm(fit, type="mu", marginal=True).rename(None)


def residuals_fmm(fit: FMM, type: str = "response") -> pd.Series:
    """The outcome minus its marginal mean. R: ``residuals(, type = "response")``."""
    if type != "response":
        raise RError("'type' should be \"response\" for an fmm fit")
    y = fit.record.problem.response.y[:, 0]
    return pd.Series(y, index=fit.row_names) - fitted_fmm(fit)


def formula_fmm(fit: FMM) -> str:
    """The class model's formula. R: ``formula``."""
    return fit.formula


def summary_method(fit: FMM, eform: bool = False, level: float = 95.0) -> FMMSummary:
    """Stata's ``fmm`` table (``eform``: exponentiated class coefficients; ``level`` in
    percent). R: ``summary``."""
    return summary_fmm(fit, eform=eform, level=level)


_METHODS = {
    generics.coef: coef_fmm, generics.vcov: vcov_fmm, generics.logLik: logLik_fmm,
    generics.nobs: nobs_fmm, generics.confint: confint_fmm,
    generics.summary: summary_method, generics.predict: predict_fmm,
    generics.fitted: fitted_fmm, generics.residuals: residuals_fmm,
    generics.formula_of: formula_fmm, generics.tidy: tidy_fmm, generics.glance: glance_fmm,
}

for _generic, _method in _METHODS.items():
    _generic.register(FMM)(_method)
del _generic, _method

for _name, _function in (("summary", summary_method), ("predict", predict_fmm),
                         ("vcov", vcov_fmm), ("confint", confint_fmm),
                         ("lcprob", lcprob), ("lcmean", lcmean)):
    setattr(FMM, _name, _function)
del _name, _function
