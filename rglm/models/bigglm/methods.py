"""bigglm's methods of R's generics, and their registration.

Which generics a bigglm fit has follows biglm's documentation (``?bigglm``, ``?biglm``:
class ``c("bigglm", "biglm")`` with methods ``coef``, ``vcov``, ``summary``, ``predict``,
``deviance``, ``family``, ``formula``, ``AIC`` and ``print``) and what R's default
methods make of such an object (``confint.default``: Wald intervals from ``coef`` and
``vcov``). rglm's bigglm carries glm()'s numbers, so where biglm and glm differ the
methods are glm's: ``AIC``/``logLik``/``extractAIC`` are ``logLik.glm``'s and
``extractAIC.glm``'s (biglm's ``AIC.bigglm`` is ``deviance + k * rank``), ``nobs`` and
``df.residual`` glm's, and ``anova`` is ``anova.glmlist``.

``update`` re-evaluates the call (R's ``update.default``; biglm's own ``update.biglm``
adds data to a linear ``biglm`` and is not provided): rglm's bigglm reads its data again
from the source the call names. ``drop1``, ``add1`` and hence ``step`` are R's default
methods, refitting through ``update`` (there is no design matrix in memory to refit
from). A bigglm fit keeps no value per observation: ``residuals`` and ``fitted`` refuse
with an error saying so, ``predict`` needs ``newdata``; ``model.frame``,
``model.matrix``, ``weights``, influence measures and sandwich estimators have no method
(R's "no applicable method").
"""

from __future__ import annotations

import numpy as np

from rglm import generics
from rglm.errors import RError
from rglm.inference.confint import confint_default
from rglm.inference.drop1 import add1_default, drop1_default
from rglm.inference.loglik import LogLik
from rglm.inference.mass_terms import addterm_default, dropterm_default
from rglm.inference.step import step_class
from rglm.inference.update import update
from rglm.models.bigglm.frontend import BIGGLM_FORMALS, bigglm
from rglm.models.bigglm.result import BigGLM, anova_bigglm, predict_bigglm, summary_bigglm
from rglm.models.glm.history import irls_history_glm
from rglm.models.glm.loglik import loglik_from_aic
from rglm.models.glm.methods import coef, formula, terms
from rglm.models.glm.result import bind_methods
from rglm.models.glm.summary import vcov

__all__ = ["nobs_bigglm", "logLik_bigglm", "extractAIC_bigglm", "BIGGLM_REFIT",
           "StepBigGLM"]

#: update() evaluates a bigglm fit's call again with bigglm(); weights and offset are R
#: code it evaluates in each chunk, passed back as text.
BIGGLM_REFIT = generics.Refit(bigglm, BIGGLM_FORMALS, expression_args=("weights", "offset"))

#: What ``step()`` returns for a bigglm fit: a BigGLM with ``anova`` and ``keep``.
StepBigGLM = step_class(BigGLM)


def nobs_bigglm(fit: BigGLM) -> int:
    """The observations with non-zero prior weight. R: ``nobs.glm`` — glm's ``n.ok``,
    which is ``df.null`` plus the intercept."""
    return int(fit.df_null) + int(bool(fit.fit.intercept))


def logLik_bigglm(fit: BigGLM) -> LogLik:
    """The log-likelihood glm() reports for the same data. R: ``logLik.glm``: ``nobs`` is
    the rows used, zero weights included."""
    return loglik_from_aic(fit.family, fit.rank, fit.aic, fit.nobs)


def extractAIC_bigglm(fit: BigGLM, scale: float = 0.0, k: float = 2.0) -> np.ndarray:
    """``[edf, AIC]`` as ``extractAIC.glm`` gives them for the same data: ``edf = n -
    df.residual`` with ``n`` the rows used; ``scale`` is ignored, as in R."""
    edf = float(fit.nobs - fit.df_residual)
    return np.array([edf, fit.aic + (k - 2.0) * edf])


def deviance_bigglm(fit: BigGLM) -> float:
    """The residual deviance. R: ``deviance.bigglm``."""
    return fit.deviance


def df_residual_bigglm(fit: BigGLM) -> int:
    """Residual degrees of freedom (glm's)."""
    return fit.df_residual


def family_bigglm(fit: BigGLM):
    """The family object. R: ``family.bigglm``."""
    return fit.family


def _no_values(what: str):
    def method(fit, *args, **kwargs):
        raise RError(f"a bigglm fit keeps no {what}: they are as long as the data "
                     "(use predict(fit, newdata))")

    method.__name__ = f"no_{what.replace(' ', '_')}"
    method.__doc__ = f"R's bigglm objects have no {what}; the error says so."
    return method


_METHODS = {
    generics.coef: coef, generics.vcov: vcov, generics.summary: summary_bigglm,
    generics.predict: predict_bigglm, generics.deviance: deviance_bigglm,
    generics.df_residual: df_residual_bigglm, generics.nobs: nobs_bigglm,
    generics.family: family_bigglm, generics.formula_of: formula, generics.terms: terms,
    generics.logLik: logLik_bigglm, generics.extractAIC: extractAIC_bigglm,
    generics.confint: confint_default, generics.anova: anova_bigglm,
    generics.update: update, generics.refit: lambda fit: BIGGLM_REFIT,
    generics.drop1: drop1_default, generics.add1: add1_default,
    # MASS's dropterm.default/addterm.default: R dispatches a bigglm fit to them
    generics.dropterm: dropterm_default, generics.addterm: addterm_default,
    generics.residuals: _no_values("residuals"), generics.fitted: _no_values("fitted values"),
    generics.irls_history: irls_history_glm,
}

for _generic, _method in _METHODS.items():
    _generic.register(BigGLM)(_method)
del _generic, _method

# fit.confint(), fit.update(...), fit.step(), ...: the generics as methods, as a glm fit
# has them (summary, vcov, predict and coef are BigGLM's own).
bind_methods(BigGLM, ("anova", "confint", "confint_default", "logLik", "AIC", "BIC",
                      "extractAIC", "drop1", "add1", "step", "update", "resid", "fitted"))
