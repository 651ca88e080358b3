"""lme4's accessors of a fitted mixed model, computed from its record.

R: ``fixef.merMod``, ``sigma.merMod``, ``vcov.merMod``, ``logLik.merMod``,
``deviance.merMod``/``REMLcrit``/``devCrit``, ``df.residual.merMod``, ``nobs.merMod``,
``ngrps.merMod``, ``isSingular``, ``VarCorr.merMod``, ``ranef.merMod``, ``coef.merMod``,
``family.merMod``, ``weights.merMod``, ``confint.merMod(method = "Wald")``,
``extractAIC.merMod``.
"""

from __future__ import annotations

from typing import Optional

import numpy as np
import pandas as pd
from scipy import stats

from rglm.errors import RError, rwarn
from rglm.inference.loglik import LogLik
from rglm.models.mixed.ranef import CoefMer, Ranef, coef_of, ranef_of
from rglm.models.mixed.result import MerMod, pad_excluded
from rglm.models.mixed.varcorr import VarCorrMer, varcorr_of

__all__ = ["fixef_mer", "sigma_mer", "vcov_mer", "logLik_mer", "deviance_mer", "REMLcrit",
           "df_residual_mer", "nobs_mer", "ngrps_mer", "isSingular_mer", "VarCorr_mer",
           "ranef_mer", "coef_mer", "family_mer", "weights_mer", "confint_mer",
           "theta_names", "sig_names"]

_REML_DEVIANCE = ("deviance() is deprecated for REML fits; use REMLcrit for the REML "
                  "criterion or deviance(.,REML=FALSE) for deviance calculated at the REML "
                  "fit")
# lme4 pastes its threshold 1e-4 into the text, as R prints it: "1e-04".
_HESS_DIFFER = ("variance-covariance matrix computed from finite-difference Hessian\n"
                "and from RX differ by >1e-04: consider 'use.hessian=TRUE'")


def fixef_mer(fit: MerMod) -> pd.Series:
    """The fixed-effects estimates by coefficient name. R: ``fixef(fit)``."""
    return pd.Series(np.array(fit.engine.beta, dtype=float), index=list(fit.xnames))


def sigma_mer(fit: MerMod) -> float:
    """The residual standard deviation: ``sqrt(pwrss / n)`` (ML, GLMM) or
    ``sqrt(pwrss / (n - p))`` (REML); 1 for binomial and Poisson GLMMs. R:
    ``sigma(fit)``."""
    return float(fit.engine.sigma)


def vcov_mer(fit: MerMod, use_hessian: Optional[bool] = None) -> pd.DataFrame:
    """The covariance matrix of the fixed effects. R: ``vcov(fit, use.hessian)``.

    For glmer fits with derivatives (nAGQ >= 1; current lme4 computes them for fewer
    than 1e4 rows and 20 parameters, and not at a singular fit) it is twice the
    beta-block of the inverse finite-difference Hessian of the deviance over (theta,
    beta); otherwise, and with ``use_hessian=False``, ``sigma^2 (R_X' R_X)^-1``
    conditional on theta (always for lmer). lme4's warnings: the Hessian-based matrix
    not positive definite (falls back to RX), and with ``use_hessian=False`` the two
    differing by more than 1e-4 relative.
    """
    e = fit.engine
    hess = e.vcov_method == "Hessian" or bool(e.vcov_warnings)
    if use_hessian is None:
        use_hessian = hess
    if use_hessian and not hess:
        raise RError("'use.hessian'=TRUE specified, but Hessian is unavailable")
    names = list(fit.xnames)
    if not use_hessian:
        V = e.vcov_rx
        if e.vcov_method == "Hessian" and np.any(
                np.abs(e.vcov_rx - e.vcov) > 1e-4 * e.vcov):
            rwarn(_HESS_DIFFER)
    else:
        for text in e.vcov_warnings:
            rwarn(text)
        V = e.vcov
    return pd.DataFrame(np.array(V, dtype=float), index=names, columns=names)


def _devcrit(fit: MerMod, REML: bool) -> float:
    """lme4's ``devCrit``: the REML criterion or -2 log L of a linear mixed model,
    either stored or converted from the other (profiled) one."""
    e, c = fit.engine, fit.engine.devcomp
    if REML and not fit.is_lmm:
        raise RError("can't compute REML deviance for a non-LMM")
    if REML == fit.REML:
        return float(c.REML if REML else e.deviance)
    n, p = fit.n, fit.p
    ldW = float(np.sum(np.log(fit.problem.weights)))
    if REML:
        nmp = n - p
        return -ldW + c.ldL2 + c.ldRX2 + nmp * (1 + np.log(2 * np.pi * c.pwrss) - np.log(nmp))
    return -ldW + c.ldL2 + n * (1 + np.log(2 * np.pi * c.pwrss) - np.log(n))


def REMLcrit(fit: MerMod) -> float:
    """The REML criterion (of an ML fit: at its estimates). R: ``REMLcrit(fit)``."""
    return _devcrit(fit, True)


def logLik_mer(fit: MerMod, REML: Optional[bool] = None) -> LogLik:
    """The log-likelihood (the REML one for a REML fit). R: ``logLik(fit, REML)``:
    df = fixed effects + theta + the scale (lme4's ``npar``), nobs = rows."""
    if REML is None:
        REML = fit.REML
    value = -fit.engine.deviance / 2 if (fit.is_glmm) else -_devcrit(fit, bool(REML)) / 2
    return LogLik(float(value), df=fit.npar, nobs=fit.n)


def deviance_mer(fit: MerMod, REML: Optional[bool] = None) -> float:
    """lme4's ``deviance()``: the sum of the squared deviance residuals for a GLMM (not
    -2 log L; NA after ``na.exclude``, as lme4's sum over the padded residuals); -2 log L
    for an ML linear mixed model; for a REML fit the REML criterion
    with lme4's deprecation warning (``REML=False``: -2 log L at the REML estimates)."""
    if fit.is_glmm:
        # lme4 sums the squared residuals as residuals() returns them: padded with NA for
        # na.exclude, so that the sum is NA -- reproduced.
        padded = fit.na_action is not None and fit.na_action.kind == "exclude"
        return np.nan if padded else float(np.sum(_dev_resids(fit)))
    if fit.REML and REML is None:
        rwarn(_REML_DEVIANCE)
        return _devcrit(fit, True)
    return _devcrit(fit, bool(REML) if REML is not None else False)


def _dev_resids(fit: MerMod) -> np.ndarray:
    pr = fit.problem
    return np.maximum(0.0, fit.family.dev_resids(pr.y, fit.engine.mu, pr.weights))


def df_residual_mer(fit: MerMod) -> int:
    """``nobs - npar``. R: ``df.residual(fit)``."""
    return fit.n - fit.npar


def nobs_mer(fit: MerMod) -> int:
    """Rows of the model frame. R: ``nobs(fit)``."""
    return fit.n


def ngrps_mer(fit: MerMod) -> pd.Series:
    """Levels of each grouping factor. R: ``ngrps(fit)``."""
    fl = fit.reterms.flist
    return pd.Series([len(levels) for levels, _ in fl.values()], index=list(fl),
                     dtype="int64")


def isSingular_mer(fit: MerMod, tol: float = 1e-4) -> bool:
    """Whether a theta with lower bound 0 is below ``tol`` (a variance estimated as zero
    or a correlation of +-1). R: ``isSingular(fit, tol = 1e-4)``."""
    theta = np.asarray(fit.engine.theta)
    return bool(np.any(theta[np.asarray(fit.engine.lower) == 0] < tol))


def VarCorr_mer(fit: MerMod) -> VarCorrMer:
    """The estimated variances and correlations of the random effects. R:
    ``VarCorr(fit)``."""
    st = fit.problem.structure
    lmm = fit.is_lmm
    scale = fit.engine.sigma if lmm else 1.0
    terms = fit.reterms.terms
    return varcorr_of(st.tmats(fit.engine.theta), [t.group for t in terms],
                      [t.cnms for t in terms], scale, fit.engine.sigma if lmm else None)


def ranef_mer(fit: MerMod, condVar: bool = True) -> Ranef:
    """The conditional modes of the random effects, per grouping factor, with their
    conditional variances. R: ``ranef(fit, condVar = TRUE)``."""
    return ranef_of(fit.reterms, fit.engine.b, fit.engine.cond_var if condVar else None)


def coef_mer(fit: MerMod) -> CoefMer:
    """Per-level coefficients: fixed effects plus random effects. R: ``coef(fit)``."""
    return coef_of(fixef_mer(fit), ranef_mer(fit, condVar=False))


def family_mer(fit: MerMod):
    """R: ``family(fit)`` (``gaussian()`` for a linear mixed model)."""
    return fit.family


def weights_mer(fit: MerMod, type: str = "prior") -> pd.Series:
    """Prior weights (``"prior"``) or the working weights of the last PIRLS iteration
    (``"working"``). R: ``weights(fit, type)``."""
    pr = fit.problem
    if type == "prior":
        w = pr.weights
    elif type == "working":
        fam = fit.family
        eta = fit.engine.eta
        w = pr.weights * fam.mu_eta(eta) ** 2 / fam.variance(fit.engine.mu) \
            if fit.is_glmm else pr.weights
    else:
        raise RError("'arg' should be one of \u201cprior\u201d, \u201cworking\u201d")
    return pad_excluded(w, fit.frame)


def theta_names(fit: MerMod) -> list:
    """lme4's names of theta (``herd.(Intercept)``, ``Subject.Days.(Intercept)``)."""
    return list(fit.engine.theta_names)


def sig_names(fit: MerMod) -> list:
    """The row names confint gives the variance parameters: ``.sig01``, ... and
    ``.sigma`` when the model has a scale (lme4's ``tnames(old = FALSE)``)."""
    k = len(fit.engine.theta)
    width = max(2, len(str(k)))
    names = [f".sig{i:0{width}d}" for i in range(1, k + 1)]
    return names + ([".sigma"] if fit.use_sc else [])


def confint_mer(fit: MerMod, parm=None, level: float = 0.95,
                method: str = "Wald") -> pd.DataFrame:
    """Confidence intervals. R: ``confint(fit, parm, level, method = "Wald")``: Wald
    intervals ``beta +- z se`` for the fixed effects; NA for the variance parameters
    (Wald intervals are not given for them). ``"profile"`` and ``"boot"`` are not
    implemented.
    """
    if method != "Wald":
        raise RError(f"confint(method = \"{method}\") is not implemented for mixed models "
                     "in rglm: use method = \"Wald\"")
    a = (1 - level) / 2
    pct = [f"{_pct(100 * a)} %", f"{_pct(100 * (1 - a))} %"]
    beta = fixef_mer(fit)
    se = np.sqrt(np.diag(vcov_mer(fit).to_numpy()))
    z = stats.norm.ppf(1 - a)
    sig = sig_names(fit)
    values = np.vstack([np.full((len(sig), 2), np.nan),
                        np.column_stack([beta.to_numpy() - z * se, beta.to_numpy() + z * se])])
    out = pd.DataFrame(values, index=sig + list(beta.index), columns=pct)
    if parm is not None:
        parm = [parm] if isinstance(parm, str) else list(parm)
        out = out.loc[parm]
    return out


def _pct(x: float) -> str:
    """R's ``format(x, trim = TRUE, scientific = FALSE, digits = 3)`` of a percentage."""
    from rglm.render.rformat import format_real

    return format_real([x], 3)[0].strip()
