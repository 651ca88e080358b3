"""glm.nb's methods of R's generics (MASS's ``negbin`` class), and their registration.

A :class:`~rglm.models.negbin.result.NegBinGLM` is a glm (R: ``c("negbin", "glm",
"lm")``): it is dispatched to glm's methods except where MASS (or stats) has a
``negbin`` method — ``summary.negbin`` and ``vcov.negbin`` (dispersion 1),
``logLik.negbin`` (theta counted), ``extractAIC.negbin``, ``anova.negbin`` (likelihood
ratio tests between fits), ``dropterm.negbin`` and ``addterm.negbin`` (MASS's default
methods: each candidate refitted by glm.nb) — and for ``update``, whose refit is
glm.nb's own (theta estimated afresh from the call's ``init.theta``).
"""

from __future__ import annotations

from rglm import generics
from rglm.inference.broom import tidy_glm
from rglm.inference.mass_terms import addterm_default, dropterm_default
from rglm.models.negbin.frontend import GLM_NB_FORMALS, glm_nb
from rglm.models.negbin.result import (NegBinGLM, anova_method, extractAIC_negbin,
                                       logLik_negbin, summary_negbin, vcov_negbin)

__all__ = ["GLM_NB_REFIT"]

#: update() (and so step()) evaluates a glm.nb fit's call again with glm_nb(): theta is
#: estimated afresh, starting from the call's init.theta (the previous fit's theta, to 10
#: significant digits), and the new call gets the new init.theta and the link, as R's.
GLM_NB_REFIT = generics.Refit(glm_nb, GLM_NB_FORMALS, set_by_fitter=("init.theta", "link"))

_METHODS = {
    generics.summary: summary_negbin, generics.vcov: vcov_negbin,
    generics.logLik: logLik_negbin, generics.extractAIC: extractAIC_negbin,
    generics.anova: anova_method, generics.refit: lambda fit: GLM_NB_REFIT,
    # MASS: dropterm.negbin and addterm.negbin call the default methods, which refit
    # each candidate with glm.nb (theta re-estimated) and compare extractAIC.negbin
    generics.dropterm: dropterm_default, generics.addterm: addterm_default,
    # broom's tidy.negbin: summary's rows only (tidy.glm adds aliased ones back)
    generics.tidy: lambda fit, conf_int=False, conf_level=0.95, exponentiate=False:
        tidy_glm(fit, conf_int, conf_level, exponentiate, add_aliased=False),
}

for _generic, _method in _METHODS.items():
    _generic.register(NegBinGLM)(_method)
del _generic, _method
