"""glm's methods of R's generics, and their registration (R: the ``*.glm``, ``*.lm`` and
``*.default`` methods a ``c("glm", "lm")`` object dispatches to).

The small ones are defined here (``coef``, ``fitted``, ``weights``, ``deviance``, ...):
each returns what R's method returns for a ``glm`` object. Vectors by observation go
through ``naresid``/``napredict``, so an ``na.exclude`` fit gives NaN at the omitted rows,
as in R; the stored components (``fit.fitted_values``, ...) are never padded. The others
live in their own modules (summary, anova, predict, residuals, influence, confint,
profile, drop1, loglik, sandwich) and are registered at the end of this module, which the
package imports: whoever holds a :class:`~rglm.models.glm.result.GLM` has its methods.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from rglm import generics
from rglm.errors import RError
from rglm.formula.deparse import deparse1
from rglm.formula.design import model_matrix as build_model_matrix
from rglm.inference import car_anova
from rglm.inference import broom
from rglm.inference.step import step_class
from rglm.inference.update import evaluate_call, update
from rglm.models.glm import (anova, confint, drop1, dropterm, influence, loglik, predict,
                             profile, residuals, sandwich, summary)
from rglm.models.glm.car_anova import Anova_glm
from rglm.models.glm.frontend import GLM_FORMALS, glm
from rglm.models.glm.history import irls_history_glm
from rglm.models.glm.residuals import naresid, napredict
from rglm.models.glm.result import GLM
from rglm.models.glm.summary import estimate_dispersion

__all__ = ["coef", "fitted", "weights", "deviance", "df_residual", "nobs", "formula",
           "family", "model_matrix", "model_frame", "sigma", "terms", "StepGLM",
           "GLM_REFIT"]

WEIGHT_TYPES = ("prior", "working")


def coef(fit, complete: bool = True) -> pd.Series:
    """The coefficients (NaN where aliased). R: ``coef(fit)`` (``coef.default``).

    ``complete=False`` drops the aliased ones, as R's ``coef(fit, complete = FALSE)``.
    """
    cf = fit.coefficients.copy()
    return cf if complete else cf[cf.notna()]


def fitted(fit) -> pd.Series:
    """Fitted means, NaN-padded for ``na.exclude``. R: ``fitted(fit)``."""
    return napredict(fit, fit.fit.fitted_values.copy())


def weights(fit, type: str = "prior") -> pd.Series:
    """Prior or working weights, NaN-padded for ``na.exclude``. R: ``weights.glm``.

    Parameters
    ----------
    type : {"prior", "working"}
        ``"prior"``: the prior weights as the family left them (binomial: times the number
        of trials); ``"working"``: the working weights of the last IRLS iteration.
    """
    if type not in WEIGHT_TYPES:
        raise RError("'arg' should be one of " + ", ".join(f"“{t}”" for t in WEIGHT_TYPES))
    values = fit.fit.prior_weights if type == "prior" else fit.fit.weights
    return naresid(fit, values.copy())


def deviance(fit) -> float:
    """The residual deviance. R: ``deviance(fit)``."""
    return fit.deviance


def df_residual(fit) -> int:
    """Residual degrees of freedom. R: ``df.residual(fit)``."""
    return fit.df_residual


def nobs(fit) -> int:
    """Observations with non-zero prior weight. R: ``nobs.glm``.

    Zero-weight rows are not counted here, while ``logLik(fit).nobs`` (which BIC uses)
    counts them — R's own inconsistency, kept.
    """
    return int(np.sum(fit.fit.prior_weights != 0))


def formula(fit) -> str:
    """The model formula with ``.`` expanded, as R prints ``formula(fit)``.

    R: ``formula.glm`` — the formula of the terms, e.g. ``y ~ a + b + c`` for a fit of
    ``y ~ .``; ``fit.formula`` keeps the formula as written.
    """
    return deparse1(fit.terms.formula)


def family(fit):
    """The family object. R: ``family(fit)``."""
    return fit.family


def model_matrix(fit) -> pd.DataFrame:
    """The model matrix of the fitted rows. R: ``model.matrix(fit)`` (``model.matrix.lm``).

    The stored matrix, else rebuilt from the model frame with the fit's contrasts. As in
    R it has one row per row of the model frame (no ``na.exclude`` padding).
    ``attrs["assign"]`` and ``attrs["contrasts"]`` hold R's attributes.
    """
    mm = fit.model_matrix
    if mm is None:
        mm = build_model_matrix(_frame_of(fit), contrasts=fit.contrasts)
    out = mm.to_frame(index=fit.row_names)
    out.attrs["assign"] = np.asarray(mm.assign).copy()
    out.attrs["contrasts"] = dict(mm.contrasts)
    return out


def _frame_of(fit):
    """The ModelFrame of a fit: the stored one, else re-evaluated from the call."""
    if fit.frame is not None:
        return fit.frame
    return evaluate_call(fit, {"method": "model.frame"}, frame_object=True)


def model_frame(fit, **changes: Any) -> pd.DataFrame:
    """The model frame. R: ``model.frame(fit)`` (``model.frame.glm``).

    The stored frame; with ``data=``, ``na_action=`` or ``subset=`` given, or when the fit
    was made with ``model=False``, the call is evaluated again with
    ``method="model.frame"`` (R's behaviour).
    """
    allowed = {"data", "na_action", "subset"}
    unknown = set(changes) - allowed
    if unknown:
        raise RError(f"unused argument ({', '.join(sorted(unknown))})")
    if fit.frame is not None and not changes:
        return fit.frame.to_frame()
    return evaluate_call(fit, dict(changes, method="model.frame"))


def sigma(fit) -> float:
    """The residual standard deviation. R >= 4.3 ``sigma.glm``: ``sqrt(dispersion)``.

    The dispersion is ``summary(fit)``'s (1 for binomial and Poisson families).
    """
    return float(np.sqrt(estimate_dispersion(fit)[0]))


def terms(fit):
    """The model's terms. R: ``terms(fit)`` (``terms.default``: ``fit$terms``)."""
    return fit.terms


# ---- registrations ----------------------------------------------------------------

#: update() evaluates a glm fit's call again with glm() (R: eval() of the glm(...) call).
GLM_REFIT = generics.Refit(glm, GLM_FORMALS)

#: What ``step()`` returns for a glm fit: a GLM with ``anova`` and ``keep``.
StepGLM = step_class(GLM)

_METHODS = {
    generics.coef: coef, generics.fitted: fitted, generics.weights: weights,
    generics.deviance: deviance, generics.df_residual: df_residual, generics.nobs: nobs,
    generics.formula_of: formula, generics.terms: terms, generics.family: family,
    generics.model_matrix: model_matrix, generics.model_frame: model_frame,
    generics.sigma: sigma,
    generics.summary: summary.summary_glm, generics.vcov: summary.vcov,
    generics.anova: anova.anova_glm,
    generics.predict: predict.predict, generics.residuals: residuals.residuals,
    generics.logLik: loglik.logLik_glm, generics.extractAIC: loglik.extractAIC_glm,
    generics.drop1: drop1.drop1, generics.add1: drop1.add1,
    generics.dropterm: dropterm.dropterm, generics.addterm: dropterm.addterm,
    generics.confint: confint.confint, generics.profile: profile.profile,
    generics.update: update, generics.refit: lambda fit: GLM_REFIT,
    generics.estfun: sandwich.estfun_glm, generics.bread: sandwich.bread_glm,
    generics.influence: influence.influence, generics.hatvalues: influence.hatvalues,
    generics.rstandard: influence.rstandard, generics.rstudent: influence.rstudent,
    generics.cooks_distance: influence.cooks_distance, generics.dfbeta: influence.dfbeta,
    generics.dfbetas: influence.dfbetas, generics.covratio: influence.covratio,
    generics.influence_measures: influence.influence_measures,
    generics.tidy: broom.tidy_glm, generics.glance: broom.glance_glm,
    generics.augment: broom.augment_glm,
    generics.irls_history: irls_history_glm,
}

for _generic, _method in _METHODS.items():
    _generic.register(GLM)(_method)
del _generic, _method

# car's Anova is a generic of car's, defined with its default method in rglm.inference
# (a NegBinGLM inherits this method: car has no negbin method either)
car_anova.Anova.register(GLM)(Anova_glm)
