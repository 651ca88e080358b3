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
    "glm": "rglm.api.glm",
    "glm_fit": "rglm.fit.irls",
    "bigglm": "rglm.api.bigglm",
    "BigGLM": "rglm.results.bigglm",
    "anova_bigglm": "rglm.results.bigglm",
    "predict_bigglm": "rglm.results.bigglm",
    "glm_control": "rglm.fit.control",
    "summary": "rglm.results.summary",
    "vcov": "rglm.results.summary",
    "residuals": "rglm.results.residuals",
    "GLM": "rglm.results.glm",
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
    "anova": "rglm.results.anova",
    "Anova": "rglm.results.anova_table",
    "drop1": "rglm.results.drop1",
    "add1": "rglm.results.drop1",
    "step": "rglm.results.step",
    "StepGLM": "rglm.results.step",
    "confint": "rglm.results.confint",
    "confint_default": "rglm.results.confint",
    "profile": "rglm.results.profile",
    "format_confint": "rglm.printing.confint",
    "glm_nb": "rglm.api.glm_nb",
    "theta_ml": "rglm.results.negbin",
    "anova_negbin": "rglm.results.negbin",
    "NegBinGLM": "rglm.results.negbin",
    "predict": "rglm.results.predict",
    "Prediction": "rglm.results.predict",
    "coef": "rglm.results.generics",
    "fitted": "rglm.results.generics",
    "weights": "rglm.results.generics",
    "deviance": "rglm.results.generics",
    "df_residual": "rglm.results.generics",
    "nobs": "rglm.results.generics",
    "family": "rglm.results.generics",
    "model_matrix": "rglm.results.generics",
    "model_frame": "rglm.results.generics",
    "sigma": "rglm.results.generics",
    "logLik": "rglm.results.loglik",
    "LogLik": "rglm.results.loglik",
    "AIC": "rglm.results.loglik",
    "BIC": "rglm.results.loglik",
    "extractAIC": "rglm.results.loglik",
    "influence": "rglm.results.influence",
    "hatvalues": "rglm.results.influence",
    "rstandard": "rglm.results.influence",
    "rstudent": "rglm.results.influence",
    "cooks_distance": "rglm.results.influence",
    "dfbeta": "rglm.results.influence",
    "dfbetas": "rglm.results.influence",
    "covratio": "rglm.results.influence",
    "influence_measures": "rglm.results.influence",
    "update": "rglm.results.update",
    "update_formula": "rglm.results.update",
    "vcovHC": "rglm.results.sandwich",
    "vcovCL": "rglm.results.sandwich",
    "estfun": "rglm.results.sandwich",
    "bread": "rglm.results.sandwich",
    "meatHC": "rglm.results.sandwich",
    "meatCL": "rglm.results.sandwich",
    "coeftest": "rglm.results.coeftest",
    "CoefTest": "rglm.results.coeftest",
    "to_markdown": "rglm.printing.tables",
    "to_html": "rglm.printing.tables",
    "RError": "rglm.errors",
    "RWarning": "rglm.errors",
}
_SUBMODULES = ("datasets", "errors", "families", "formula", "fit", "linalg", "results",
               "printing", "api")

__all__ = sorted(_EXPORTS) + ["datasets", "formula_of"]


# R's formula(fit): ``rglm.formula`` is the formula subpackage, so the generic is formula_of.
_RENAMED = {"formula_of": ("rglm.results.generics", "formula")}


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
