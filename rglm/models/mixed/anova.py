"""Likelihood-ratio tables of mixed models. R: ``lme4:::anovaLmer`` (``anova.merMod``
of several models), ``drop1.merMod``, ``extractAIC.merMod`` and ``refitML``.

``anova(m1, m2, ...)`` orders the models by their number of parameters and tests each
against the one before it with a naive chi-squared statistic ``2 (logLik_i -
logLik_{i-1})`` on the difference in parameters (no boundary correction, as lme4). REML
fits are first refitted by ML (lme4's message). A ``glm()`` fit may be among them
(its log-likelihood is commensurate with a Laplace glmer's, not with nAGQ > 1).
"""

from __future__ import annotations

import sys
from typing import Optional, Sequence

import numpy as np

from rglm.callerenv import outside_rglm, variable_names
from rglm.engines.mixed import fit_lmer
from rglm.errors import RError, rwarn
from rglm.formula.deparse import deparse, deparse1
from rglm.generics import extractAIC, logLik, nobs, update
from rglm.inference.anova_table import AnovaTable, column, make_anova, match_arg, safe_pchisq
from rglm.inference.drop1 import drop_terms
from rglm.inference.loglik import LogLik
from rglm.inference.scope import drop_scope
from rglm.models.mixed.result import MerMod
from rglm.report import message

__all__ = ["anova_mer", "drop1_mer", "extractAIC_mer", "refit_ml_loglik"]


def refit_ml_loglik(fit: MerMod) -> LogLik:
    """The log-likelihood of a REML fit refitted by maximum likelihood (from its theta);
    of an ML fit, its own. R: ``logLik(refitML(fit))``."""
    if not fit.REML:
        return logLik(fit)
    ml = fit_lmer(fit.problem, REML=False, control=fit.control, start=fit.engine.theta)
    return LogLik(-ml.deviance / 2, df=fit.npar, nobs=fit.n)


def extractAIC_mer(fit: MerMod, scale: float = 0.0, k: float = 2.0) -> np.ndarray:
    """``[edf, -2 logLik + k edf]`` of the ML fit. R: ``extractAIC(fit)`` (a REML fit
    is refitted by ML first)."""
    ll = refit_ml_loglik(fit)
    return np.array([float(ll.df), -2.0 * float(ll) + k * ll.df])


def _names_of(objects: Sequence, depth: int = 2) -> list:
    """The caller's variable names of the models (R deparses the arguments)."""
    return variable_names(objects, outside_rglm(sys._getframe(depth)))


def _call_arg(fit, name: str):
    return next((a.value for a in fit.call.args if a.name == name), None)


def _arg_text(fit, name: str) -> str:
    """A call argument deparsed (``NULL`` when absent), as lme4 compares and prints
    them."""
    node = _call_arg(fit, name)
    return "NULL" if node is None else deparse1(node)


def anova_mer(fit: MerMod, *more, refit: bool = True,
              model_names: Optional[Sequence[str]] = None) -> AnovaTable:
    """Compare nested models by likelihood-ratio tests. R: ``anova(m1, m2, ...,
    refit = TRUE, model.names)``.

    Parameters
    ----------
    fit, *more : glmer/lmer fits (and glm fits)
    refit : bool
        Refit REML fits by ML first (lme4's default; message
        ``refitting model(s) with ML (instead of REML)``).
    model_names : sequence of str, optional
        Row names; by default the caller's variable names (``MODEL1``, ... with lme4's
        warning when they cannot be found).

    Returns
    -------
    AnovaTable
        Columns ``npar, AIC, BIC, logLik, -2*log(L), Chisq, Df, Pr(>Chisq)`` (current
        lme4's label), under the heading ``Data: ...``, ``Models:`` and each model's
        formula.
    """
    if not more:
        raise RError("anova() of a single mixed model (lme4's table of F statistics) is "
                     "not implemented: give two or more models")
    mods = [fit, *more]
    n_obs = [nobs(m) for m in mods]
    if len(set(n_obs)) > 1:
        raise RError("models were not all fitted to the same size of dataset")
    names = list(model_names) if model_names is not None else _names_of(mods, 1)
    if any(n is None for n in names) or len(set(names)) < len(names):
        rwarn("failed to find model names, assigning generic names")
        names = [f"MODEL{i + 1}" for i in range(len(mods))]
    if len(names) != len(mods):
        raise RError("model names vector and model list have different lengths")
    is_mer = [isinstance(m, MerMod) for m in mods]
    reml = [m.REML if isinstance(m, MerMod) else False for m in mods]
    ghq = [isinstance(m, MerMod) and m.is_glmm and m.nAGQ > 1 for m in mods]
    if any(ghq) and not all(is_mer):
        raise RError("GLMMs with nAGQ>1 have log-likelihoods incommensurate with glm() "
                     "objects")
    if refit:
        if any(reml):
            message("refitting model(s) with ML (instead of REML)")
        lls = [refit_ml_loglik(m) if r else logLik(m) for m, r in zip(mods, reml)]
    else:
        if any(reml) and not all(reml):
            rwarn("some models fit with REML = TRUE, some not")
        lls = [logLik(m) for m in mods]
    npar = np.array([float(ll.df) for ll in lls])
    order = np.argsort(npar, kind="stable")
    mods = [mods[i] for i in order]
    lls = [lls[i] for i in order]
    names = [names[i] for i in order]
    npar = npar[order]
    data = [_arg_text(m, "data") for m in mods]
    if len(set(data)) > 1:
        raise RError("all models must be fit to the same data object")
    header = [f"Data: {data[0]}"]
    subsets = [_arg_text(m, "subset") for m in mods]
    if len(set(subsets)) > 1:
        raise RError("all models must use the same subset")
    if subsets[0] != "NULL":
        header.append(f"Subset: {subsets[0]}")
    llk = np.array([float(ll) for ll in lls])
    chisq = np.concatenate([[np.nan], 2 * np.maximum(0.0, np.diff(llk))])
    dfs = np.concatenate([[np.nan], np.diff(npar)])
    p = np.full(len(mods), np.nan)
    ok = ~np.isnan(dfs) & (dfs != 0)
    with np.errstate(invalid="ignore"):
        p[ok] = safe_pchisq(chisq[ok], dfs[ok])
    aic = -2 * llk + 2 * npar
    bic = -2 * llk + np.log([ll.nobs for ll in lls]) * npar
    forms = [deparse1(_call_arg(m, "formula")) for m in mods]
    heading = header + ["Models:"] + [f"{nm}: {f}" for nm, f in zip(names, forms)]
    cols = [column("npar", npar), column("AIC", aic), column("BIC", bic),
            column("logLik", llk), column("-2*log(L)", -2 * llk), column("Chisq", chisq),
            column("Df", dfs), column("Pr(>Chisq)", p)]
    return make_anova(cols, names, heading)


def drop1_mer(fit: MerMod, scope=None, scale: float = 0, test: str = "none",
              k: float = 2, trace: int = 0) -> AnovaTable:
    """Drop each fixed-effect term in turn, refitting by ML. R: ``drop1(fit, scope,
    test = c("none", "Chisq"), k = 2)``.

    Rows ``<none>`` and the droppable fixed-effect terms (marginality respected);
    columns ``npar`` (parameters removed), ``AIC`` (of the ML fits), and for ``"Chisq"``
    the likelihood-ratio statistic ``LRT`` and ``Pr(Chi)``.
    """
    test = match_arg(test, ("none", "Chisq"))
    labels = list(drop_scope(fit)) if scope is None else drop_terms(fit, scope)
    ans = np.empty((len(labels) + 1, 2))
    ans[0] = extractAIC(fit, scale, k=k)
    n0 = nobs(fit)
    for i, term in enumerate(labels, start=1):
        nfit = update(fit, f"~ . - {term}")
        ans[i] = extractAIC(nfit, scale, k=k)
        if nobs(nfit) != n0:
            raise RError("number of rows in use has changed: remove missing values?")
    dfs = ans[0, 0] - ans[:, 0]
    dfs[0] = np.nan
    cols = [column("npar", dfs), column("AIC", ans[:, 1])]
    if test == "Chisq":
        dev = ans[:, 1] - k * ans[:, 0]
        dev = dev - dev[0]
        dev[0] = np.nan
        ok = ~np.isnan(dev)
        pv = dev.copy()
        pv[ok] = safe_pchisq(dev[ok], dfs[ok])
        cols += [column("LRT", dev), column("Pr(Chi)", pv)]
    heading = ["Single term deletions", "\nModel:", *deparse(fit.formula_node)]
    if scale > 0:
        heading.append(f"\nscale:  {scale} \n")
    return make_anova(cols, ["<none>", *labels], heading)
