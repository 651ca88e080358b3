"""rglm — R's ``glm()`` for Python: R's numbers and R's printed text.

>>> import rglm
>>> dobson = rglm.datasets.load("dobson")
>>> fit = rglm.glm("counts ~ outcome + treatment", data=dobson, family=rglm.poisson())
>>> print(rglm.summary(fit))                                  # doctest: +SKIP

The public names are resolved on first use (PEP 562), so ``import rglm`` stays cheap and
importing one layer (``rglm.families``) does not pull in the others.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "glm": "rglm.models.glm.frontend",
    "glm_fit": "rglm.engines.irls.irls",
    "bigglm": "rglm.models.bigglm.frontend",
    "BigGLM": "rglm.models.bigglm.result",
    "anova_bigglm": "rglm.models.bigglm.result",
    "predict_bigglm": "rglm.models.bigglm.result",
    "glm_control": "rglm.engines.irls.control",
    "summary": "rglm.models.glm.summary",
    "vcov": "rglm.models.glm.summary",
    "residuals": "rglm.models.glm.residuals",
    "GLM": "rglm.models.glm.result",
    "gaussian": "rglm.families",
    "binomial": "rglm.families",
    "poisson": "rglm.families",
    "Gamma": "rglm.families",
    "inverse_gaussian": "rglm.families",
    "quasi": "rglm.families",
    "quasibinomial": "rglm.families",
    "quasipoisson": "rglm.families",
    "negative_binomial": "rglm.families",
    "make_link": "rglm.families",
    "power": "rglm.families",
    "anova": "rglm.models.glm.anova",
    "Anova": "rglm.inference.anova_table",
    "drop1": "rglm.models.glm.drop1",
    "add1": "rglm.models.glm.drop1",
    "step": "rglm.inference.step",
    "StepGLM": "rglm.inference.step",
    "confint": "rglm.models.glm.confint",
    "confint_default": "rglm.models.glm.confint",
    "profile": "rglm.models.glm.profile",
    "format_confint": "rglm.render.confint",
    "glm_nb": "rglm.models.negbin.frontend",
    "theta_ml": "rglm.models.negbin.result",
    "anova_negbin": "rglm.models.negbin.result",
    "NegBinGLM": "rglm.models.negbin.result",
    "predict": "rglm.models.glm.predict",
    "Prediction": "rglm.models.glm.predict",
    "coef": "rglm.models.glm.methods",
    "fitted": "rglm.models.glm.methods",
    "weights": "rglm.models.glm.methods",
    "deviance": "rglm.models.glm.methods",
    "df_residual": "rglm.models.glm.methods",
    "nobs": "rglm.models.glm.methods",
    "family": "rglm.models.glm.methods",
    "model_matrix": "rglm.models.glm.methods",
    "model_frame": "rglm.models.glm.methods",
    "sigma": "rglm.models.glm.methods",
    "logLik": "rglm.inference.loglik",
    "LogLik": "rglm.inference.loglik",
    "AIC": "rglm.inference.loglik",
    "BIC": "rglm.inference.loglik",
    "extractAIC": "rglm.inference.loglik",
    "influence": "rglm.models.glm.influence",
    "hatvalues": "rglm.models.glm.influence",
    "rstandard": "rglm.models.glm.influence",
    "rstudent": "rglm.models.glm.influence",
    "cooks_distance": "rglm.models.glm.influence",
    "dfbeta": "rglm.models.glm.influence",
    "dfbetas": "rglm.models.glm.influence",
    "covratio": "rglm.models.glm.influence",
    "influence_measures": "rglm.models.glm.influence",
    "update": "rglm.inference.update",
    "update_formula": "rglm.inference.update",
    "vcovHC": "rglm.inference.sandwich",
    "vcovCL": "rglm.inference.sandwich",
    "estfun": "rglm.inference.sandwich",
    "bread": "rglm.inference.sandwich",
    "meatHC": "rglm.inference.sandwich",
    "meatCL": "rglm.inference.sandwich",
    "coeftest": "rglm.inference.coeftest",
    "CoefTest": "rglm.inference.coeftest",
    "to_markdown": "rglm.render.tables",
    "to_html": "rglm.render.tables",
    "RError": "rglm.errors",
    "RWarning": "rglm.errors",
}
_SUBMODULES = ("datasets", "errors", "families", "formula", "linalg", "render", "engines",
               "inference", "models", "report")

__all__ = sorted(_EXPORTS) + ["datasets", "formula_of"]


# R's formula(fit): ``rglm.formula`` is the formula subpackage, so the generic is formula_of.
_RENAMED = {"formula_of": ("rglm.models.glm.methods", "formula")}


def __getattr__(name: str):
    if name in _RENAMED:
        module, attr = _RENAMED[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"rglm.{name}")
    raise AttributeError(f"module 'rglm' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
