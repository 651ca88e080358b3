"""Mixed models' methods of R's generics, and their registration.

R: lme4's ``merMod`` methods. A :class:`~rglm.models.mixed.result.MerMod` (glmerMod,
lmerMod) registers ``coef`` (``coef.merMod``: per grouping factor), ``fixef``,
``ranef``, ``VarCorr``, ``vcov``, ``sigma``, ``logLik``, ``deviance`` (lme4's meaning),
``df_residual``, ``nobs``, ``ngrps``, ``fitted``, ``residuals``, ``predict``,
``simulate``, ``isSingular``, ``getME``, ``confint`` (Wald), ``summary``, ``anova``
(likelihood-ratio tables), ``drop1``, ``extractAIC``, ``family``, ``formula``,
``terms`` (the fixed-effects terms), ``weights``, ``model_frame``, ``model_matrix``,
and ``update``/``refit`` (R's ``update.default``: the call evaluated again by
:func:`rglm.glmer` or :func:`rglm.lmer`); ``AIC``/``BIC`` follow from ``logLik``.
"""

from __future__ import annotations

import pandas as pd

from rglm import generics
from rglm.inference.broom_mixed import augment_mer, glance_mer, tidy_mer
from rglm.inference.loglik import AIC, BIC
from rglm.inference.update import update
from rglm.models.glm.result import generic_method
from rglm.models.mixed.accessors import (REMLcrit, VarCorr_mer, coef_mer, confint_mer,
                                         deviance_mer, df_residual_mer, family_mer,
                                         fixef_mer, isSingular_mer, logLik_mer, ngrps_mer,
                                         nobs_mer, ranef_mer, sigma_mer, vcov_mer,
                                         weights_mer)
from rglm.models.mixed.anova import anova_mer, drop1_mer, extractAIC_mer
from rglm.models.mixed.frontend import GLMER_FORMALS, LMER_FORMALS, glmer, lmer
from rglm.models.mixed.getme import getME_mer
from rglm.models.mixed.predict import fitted_mer, predict_mer, residuals_mer, simulate_mer
from rglm.models.mixed.printing import fit_page, format_fit
from rglm.models.mixed.result import GlmerMod, LmerMod, MerMod
from rglm.models.mixed.summary import summary_mer

__all__ = ["GLMER_REFIT", "LMER_REFIT", "REMLcrit"]

#: update() evaluates a glmer fit's call again with glmer(), an lmer fit's with lmer().
GLMER_REFIT = generics.Refit(glmer, GLMER_FORMALS)
LMER_REFIT = generics.Refit(lmer, LMER_FORMALS)


def _refit(fit: MerMod) -> generics.Refit:
    return LMER_REFIT if isinstance(fit, LmerMod) else GLMER_REFIT


def _formula(fit: MerMod) -> str:
    """R: ``formula(fit)``: the full formula (random-effects terms included)."""
    return fit.formula


def _terms(fit: MerMod):
    """The terms of the fixed-effects part (what drop1's scope reads, as lme4's
    ``terms(fit)``)."""
    return fit.spec.terms


def _model_frame(fit: MerMod) -> pd.DataFrame:
    """R: ``model.frame(fit)``."""
    return fit.frame.to_frame()


def _model_matrix(fit: MerMod) -> pd.DataFrame:
    """The fixed-effects model matrix (R: ``model.matrix(fit)``)."""
    return getME_mer(fit, "X")


_METHODS = {
    generics.coef: coef_mer, generics.fixef: fixef_mer, generics.ranef: ranef_mer,
    generics.VarCorr: VarCorr_mer, generics.vcov: vcov_mer, generics.sigma: sigma_mer,
    generics.logLik: logLik_mer, generics.deviance: deviance_mer,
    generics.df_residual: df_residual_mer, generics.nobs: nobs_mer,
    generics.ngrps: ngrps_mer, generics.fitted: fitted_mer,
    generics.residuals: residuals_mer, generics.predict: predict_mer,
    generics.simulate: simulate_mer, generics.isSingular: isSingular_mer,
    generics.getME: getME_mer, generics.confint: confint_mer,
    generics.summary: summary_mer, generics.anova: anova_mer, generics.drop1: drop1_mer,
    generics.extractAIC: extractAIC_mer, generics.family: family_mer,
    generics.formula_of: _formula, generics.terms: _terms, generics.weights: weights_mer,
    generics.model_frame: _model_frame, generics.model_matrix: _model_matrix,
    generics.update: update, generics.refit: _refit,
    # broom.mixed's tidiers (issue #13)
    generics.tidy: tidy_mer, generics.glance: glance_mer, generics.augment: augment_mer,
}

for _generic, _method in _METHODS.items():
    _generic.register(MerMod)(_method)
del _generic, _method

MerMod.format = format_fit
MerMod.table_page = fit_page

for _name, (_function, _r_name) in {
        "summary": (generics.summary, "summary"), "anova": (generics.anova, "anova"),
        "predict": (generics.predict, "predict"), "confint": (generics.confint, "confint"),
        "vcov": (generics.vcov, "vcov"), "logLik": (generics.logLik, "logLik"),
        "AIC": (AIC, "AIC"), "BIC": (BIC, "BIC"),
        "extractAIC": (generics.extractAIC, "extractAIC"), "drop1": (generics.drop1, "drop1"),
        "update": (generics.update, "update"), "coef": (generics.coef, "coef"),
        "fitted": (generics.fitted, "fitted"), "nobs": (generics.nobs, "nobs"),
        "sigma": (generics.sigma, "sigma"), "resid": (generics.residuals, "residuals"),
        "residuals": (generics.residuals, "residuals"),
        "deviance": (generics.deviance, "deviance"), "fixef": (generics.fixef, "fixef"),
        "ranef": (generics.ranef, "ranef"), "VarCorr": (generics.VarCorr, "VarCorr"),
        "ngrps": (generics.ngrps, "ngrps"), "getME": (generics.getME, "getME"),
        "isSingular": (generics.isSingular, "isSingular"),
        "simulate": (generics.simulate, "simulate"), "REMLcrit": (REMLcrit, "REMLcrit"),
        }.items():
    setattr(MerMod, _name, generic_method(MerMod, _name, _function, _r_name))
del _name, _function, _r_name

# the classes are used by isinstance checks above; name them for readers of the module
_CLASSES = (GlmerMod, LmerMod)
