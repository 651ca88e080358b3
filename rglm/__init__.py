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
    "summary": "rglm.generics",
    "vcov": "rglm.generics",
    "residuals": "rglm.generics",
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
    "tweedie": "rglm.families",
    "make_link": "rglm.families",
    "power": "rglm.families",
    "anova": "rglm.generics",
    "AnovaTable": "rglm.inference.anova_table",
    # car's Anova and linearHypothesis (issue #12)
    "Anova": "rglm.inference.car_anova",
    "linearHypothesis": "rglm.inference.linear_hypothesis",
    "LinearHypothesis": "rglm.inference.linear_hypothesis",
    "drop1": "rglm.generics",
    "add1": "rglm.generics",
    "step": "rglm.inference.step",
    "StepGLM": "rglm.models.glm.methods",
    "confint": "rglm.generics",
    "confint_default": "rglm.inference.confint",
    "profile": "rglm.generics",
    "format_confint": "rglm.render.confint",
    "glm_nb": "rglm.models.negbin.frontend",
    "theta_ml": "rglm.models.negbin.result",
    "anova_negbin": "rglm.models.negbin.result",
    "NegBinGLM": "rglm.models.negbin.result",
    "predict": "rglm.generics",
    "Prediction": "rglm.models.glm.predict",
    "coef": "rglm.generics",
    "fitted": "rglm.generics",
    "weights": "rglm.generics",
    "deviance": "rglm.generics",
    "df_residual": "rglm.generics",
    "nobs": "rglm.generics",
    "family": "rglm.generics",
    "model_matrix": "rglm.generics",
    "model_frame": "rglm.generics",
    "sigma": "rglm.generics",
    "logLik": "rglm.generics",
    "LogLik": "rglm.inference.loglik",
    "AIC": "rglm.inference.loglik",
    "lrtest": "rglm.inference.lrtest",
    "BIC": "rglm.inference.loglik",
    "extractAIC": "rglm.generics",
    "influence": "rglm.generics",
    "hatvalues": "rglm.generics",
    "rstandard": "rglm.generics",
    "rstudent": "rglm.generics",
    "cooks_distance": "rglm.generics",
    "dfbeta": "rglm.generics",
    "dfbetas": "rglm.generics",
    "covratio": "rglm.generics",
    "influence_measures": "rglm.generics",
    "update": "rglm.generics",
    "update_formula": "rglm.inference.update",
    "vcovHC": "rglm.inference.sandwich",
    "vcovCL": "rglm.inference.sandwich",
    "estfun": "rglm.generics",
    "bread": "rglm.generics",
    "meatHC": "rglm.inference.sandwich",
    "meatCL": "rglm.inference.sandwich",
    "coeftest": "rglm.inference.coeftest",
    "CoefTest": "rglm.inference.coeftest",
    "to_markdown": "rglm.inference.tables",
    "to_html": "rglm.inference.tables",
    "RError": "rglm.errors",
    "RWarning": "rglm.errors",
    "formula_of": "rglm.generics",
    "StepResult": "rglm.inference.step",
    "fmm": "rglm.models.mixture.frontend",
    "lcprob": "rglm.models.mixture.margins",
    "lcmean": "rglm.models.mixture.margins",
    "fmm_select": "rglm.models.mixture.select",
    "FMM": "rglm.models.mixture.result",
    # MASS's model-selection tools and dose.p (issue #12)
    "stepAIC": "rglm.inference.mass_step",
    "dropterm": "rglm.generics",
    "addterm": "rglm.generics",
    "dose_p": "rglm.inference.dose",
    "GlmDose": "rglm.inference.dose",
    "MassAnova": "rglm.inference.mass_anova",
    # mixed models (issue #9)
    "glmer": "rglm.models.mixed.frontend",
    "lmer": "rglm.models.mixed.frontend",
    # Stata's meglm (issue #11)
    "meglm": "rglm.models.meglm.frontend",
    "estat_icc": "rglm.models.meglm.methods",
    "estat_sd": "rglm.models.meglm.methods",
    "MeglmFit": "rglm.models.meglm.result",
    "glmer_control": "rglm.engines.mixed.control",
    "lmer_control": "rglm.engines.mixed.control",
    "GlmerMod": "rglm.models.mixed.result",
    "LmerMod": "rglm.models.mixed.result",
    "MerMod": "rglm.models.mixed.result",
    "fixef": "rglm.generics",
    "ranef": "rglm.generics",
    "VarCorr": "rglm.generics",
    "ngrps": "rglm.generics",
    "getME": "rglm.generics",
    "isSingular": "rglm.generics",
    "simulate": "rglm.generics",
    "REMLcrit": "rglm.models.mixed.accessors",
    "icc": "rglm.models.mixed.tables",
    "blup_table": "rglm.models.mixed.tables",
    "diagnostics": "rglm.models.mixed.tables",
    "fixef_table": "rglm.models.mixed.tables",
    # broom's tidiers and R's plots (issue #13)
    "tidy": "rglm.generics",
    "glance": "rglm.generics",
    "augment": "rglm.generics",
    "irls_history": "rglm.generics",  # IRLS you can watch (issue #13 part 3)
    "lowess": "rglm.engines.lowess",
    "plot": "rglm.plots.api",
    "plot_data": "rglm.plots.api",
    "termplot": "rglm.plots.api",
    "PlotData": "rglm.plots.records",
    # R's options() for printing (issue #12)
    "options": "rglm.roptions",
    "getOption": "rglm.roptions",
    "RVector": "rglm.render.rframes",
    "RMatrix": "rglm.render.rframes",
    "RFrame": "rglm.render.rframes",
    # saveRDS/readRDS without pickle (issue #13 part 5)
    "save": "rglm.io.api",
    "load": "rglm.io.api",
}
_SUBMODULES = ("datasets", "errors", "families", "formula", "linalg", "render", "engines",
               "inference", "models", "report", "generics", "plots")

__all__ = sorted(_EXPORTS) + ["datasets"]


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"rglm.{name}")
    raise AttributeError(f"module 'rglm' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
