"""meglm's methods of R's generics, and Stata's ``estat icc`` / ``estat sd``.

R: ``coef``/``fixef`` (the fixed effects), ``vcov``, ``logLik`` (df = all parameters),
``nobs``, ``ngrps``, ``VarCorr`` (lme4's object; Stata's table is ``fit.varcomp``);
``AIC``/``BIC`` follow from ``logLik``. Stata: ``estat icc`` (intraclass correlations
of random-intercept models, CIs on the logit scale) and ``estat sd`` (standard
deviations and correlations in place of variances and covariances).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from rglm import generics
from rglm.errors import RError
from rglm.inference.loglik import LogLik
from rglm.inference.lrtest import robust_vce, variance_components
from rglm.models.meglm.predict import predict_meglm
from rglm.models.meglm.ranef import ranef_meglm
from rglm.models.meglm.result import MeglmFit, _jacobian
from rglm.models.mixed.varcorr import VarCorrMer, varcorr_of

__all__ = ["estat_icc", "estat_sd"]


def _logLik(fit: MeglmFit) -> LogLik:
    """R: ``logLik(fit)``; Stata: ``e(ll)`` with ``e(k)`` parameters."""
    return LogLik(float(fit.loglik), df=fit.npar, nobs=fit.nobs)


def _ngrps(fit: MeglmFit) -> pd.Series:
    """Groups per grouping factor (R: ``ngrps``; Stata: ``e(N_g)``), outermost first."""
    return pd.Series([i.ngroups for i in fit.levels_info],
                     index=[i.group for i in fit.levels_info], dtype="int64")


def _varcorr(fit: MeglmFit) -> VarCorrMer:
    """R: ``VarCorr(fit)`` -- lme4's object (printed as lme4 prints it, with
    ``.as_data_frame()``), each level's covariance matrix on its own scale and the
    gaussian residual SD; Stata's own table (variances, covariances, their standard
    errors and log-scale intervals) is ``fit.varcomp``. A level that merges several of
    lme4's terms on one factor (``(1 | g) + (0 + x | g)``) is one block here, as Stata's
    level is."""
    params = fit.lik.parts(fit.x)
    levels = fit.lik.levels
    return varcorr_of([lv.chol(psi) for lv, psi in zip(levels, params.psis)],
                      [lv.group for lv in levels], [lv.names for lv in levels], 1.0,
                      params.sigma)


_METHODS = {
    generics.coef: lambda fit: fit.coefficients,
    generics.fixef: lambda fit: fit.coefficients,
    generics.vcov: lambda fit: fit.vcov,
    generics.logLik: _logLik,
    generics.nobs: lambda fit: fit.nobs,
    generics.ngrps: _ngrps,
    generics.VarCorr: _varcorr,
}

for _generic, _method in _METHODS.items():
    _generic.register(MeglmFit)(_method)
del _generic, _method

# Stata's lrtest (rglm.lrtest): the variance components e(k_r); ranef and predict
variance_components.register(MeglmFit)(lambda fit: fit.n_re_params)
robust_vce.register(MeglmFit)(lambda fit: getattr(fit, "robust", None) is not None)
generics.ranef.register(MeglmFit)(ranef_meglm)
generics.predict.register(MeglmFit)(predict_meglm)


# ---- estat ----------------------------------------------------------------------------

#: The latent residual variance of each link (Stata's estat icc: pi^2/3 for logit, 1
#: for probit).
_LATENT = {"logit": np.pi ** 2 / 3.0, "probit": 1.0}


def estat_icc(fit: MeglmFit, level: float = 95.0) -> pd.DataFrame:
    """Intraclass correlations. Stata: ``estat icc`` after ``meglm``.

    For a level, the share of the total variance (random intercepts' variances plus
    the residual's: sigma^2, or pi^2/3 for logit and 1 for probit on the latent scale of
    a binary or ordinal response)
    that lies at that level and the levels above it; the interval is computed on the
    logit scale (delta method), as Stata does.

    Raises
    ------
    RError
        Random coefficients (ICCs need random-intercept models), or a family without a
        residual variance (Poisson).
    """
    if fit.lik.crossed:
        raise RError("estat icc is not available for crossed random effects")
    if any(lv.names != ("(Intercept)",) for lv in fit.lik.levels):
        raise RError("estat icc: the intraclass correlation is available for "
                     "random-intercept models only")
    if fit.family == "gaussian":
        def residual(x):
            return np.exp(2.0 * x[-1])
    elif fit.link in _LATENT and fit.family in ("bernoulli", "binomial", "ordinal"):
        # Stata: estat icc after melogit/meprobit and meologit/meoprobit alike (the
        # latent-variable residual of the binary or cumulative model)
        def residual(x):
            return _LATENT[fit.link]
    else:
        raise RError(f"estat icc is not available for family({fit.family}) "
                     f"link({fit.link})")
    k = len(fit.levels_info)
    index = {lv.group: j for j, lv in enumerate(fit.lik.levels)}
    order = [index[i.group] for i in fit.levels_info]

    def iccs(x):
        psis = fit.lik.parts(x).psis
        v = np.array([np.exp(2.0 * psis[j][0]) for j in order])
        total = v.sum() + residual(x)
        return np.cumsum(v) / total

    est = iccs(fit.x)
    J = _jacobian(iccs, fit.x)
    se = np.sqrt(np.maximum(np.diag(J @ fit.vcov_x @ J.T), 0.0))
    z = stats.norm.ppf(0.5 + level / 200.0)
    logit = np.log(est / (1.0 - est))
    half = z * se / (est * (1.0 - est))
    names = [">".join(i.group.split(":")[0] for i in fit.levels_info[:j + 1])
             for j in range(k)]
    return pd.DataFrame({"level": names, "icc": est, "std_err": se,
                         "conf_low": 1.0 / (1.0 + np.exp(-(logit - half))),
                         "conf_high": 1.0 / (1.0 + np.exp(-(logit + half)))})


def estat_sd(fit: MeglmFit, level: float = 95.0) -> pd.DataFrame:
    """Standard deviations and correlations. Stata: ``estat sd`` after ``meglm``.

    Each ``var(x)`` becomes ``sd(x)`` (interval exp(log sd +- z se / sd)), each
    ``cov(x,y)`` ``corr(x,y)`` (interval tanh(atanh r +- z se / (1 - r^2))); standard
    errors by the delta method.
    """
    vc = fit.varcomp
    isvar = vc["term"].str.startswith("var(").to_numpy()
    # (covariance, variance, variance) positions in the components, level by level
    triples, offset = [], 0
    for j in fit.level_order:
        lv = fit.lik.levels[j]
        covs = np.flatnonzero(~lv.is_variance())
        triples += [(offset + c, offset + a, offset + b)
                    for c, (a, b) in zip(covs, lv.cov_rows())]
        offset += len(lv.labels())

    def transformed(x):
        comp = fit._components(x)
        out = comp.copy()
        out[isvar] = np.sqrt(comp[isvar])
        for c, a, b in triples:
            out[c] = comp[c] / np.sqrt(comp[a] * comp[b])
        return out

    est = transformed(fit.x)
    J = _jacobian(transformed, fit.x)
    se = np.sqrt(np.maximum(np.diag(J @ fit.vcov_x @ J.T), 0.0))
    z = stats.norm.ppf(0.5 + level / 200.0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        lo = np.where(isvar, est * np.exp(-z * se / est),
                      np.tanh(np.arctanh(est) - z * se / (1.0 - est ** 2)))
        hi = np.where(isvar, est * np.exp(z * se / est),
                      np.tanh(np.arctanh(est) + z * se / (1.0 - est ** 2)))
    terms = [("sd(" + t[4:]) if v else ("corr(" + t[4:]) for t, v in zip(vc["term"], isvar)]
    return pd.DataFrame({"group": vc["group"].to_numpy(), "term": terms, "estimate": est,
                         "std_err": se, "conf_low": lo, "conf_high": hi})

