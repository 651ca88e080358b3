"""glm.nb's methods of R's generics (MASS's ``negbin`` class), and their registration.

A :class:`~rglm.models.negbin.result.NegBinGLM` is a glm (R: ``c("negbin", "glm",
"lm")``): it is dispatched to glm's methods except where MASS (or stats) has a
``negbin`` method — ``summary.negbin`` and ``vcov.negbin`` (dispersion 1),
``logLik.negbin`` (theta counted), ``extractAIC.negbin``, ``anova.negbin`` (likelihood
ratio tests between fits) — and for ``update``, whose refit is glm.nb's own (theta
estimated afresh from the call's ``init.theta``).
"""

from __future__ import annotations

from rglm import generics
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
}

for _generic, _method in _METHODS.items():
    _generic.register(NegBinGLM)(_method)
del _generic, _method
