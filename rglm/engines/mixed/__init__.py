"""The numerical core of glmer and lmer: PIRLS, Laplace, AGQ, profiled LMM deviance.

R: lme4's ``mkGlmerDevfun``/``mkLmerDevfun``, ``optimizeGlmer``/``optimizeLmer``,
``checkConv``, ``vcov.merMod``, ``ranef(condVar = TRUE)``.

Pipeline::

    rt = rglm.formula.bars.mk_reterms(findbars(formula), frame)   # random effects
    problem = mixed_problem(X, y, rt, family=rglm.binomial())      # frozen inputs
    fit = fit_glmer(problem, nAGQ=1, control=glmer_control())      # frozen MixedFit

Modules: ``control`` (settings), ``problem`` (inputs), ``structure`` (theta -> Z Lambda
pattern), ``gram`` (the coupling block C' diag(w) C of several scalar terms: dense or
by pairs), ``factor`` (diagonal / batched blocks / Schur / sparse LU), ``system`` (A and
R_X at given weights), ``kernels`` (the family functions PIRLS calls, exact fast
paths), ``pirls``, ``glmm_deviance`` (nAGQ = 0, Laplace, AGQ), ``lmm_deviance``
(ML/REML), ``quadrature``, ``optimize`` (bounded quasi-Newton, deriv12), ``checks``
(lme4's convergence checks), ``results`` (records), ``fit``, ``_threads`` (one BLAS
thread while fitting).
Imports: rglm.formula, rglm.families, rglm.linalg, rglm.errors, numpy, scipy and
threadpoolctl only.
"""

from .checks import SINGULAR_MESSAGE, ConvResult, check_conv, is_singular
from .control import ConvCheck, GlmerControl, LmerControl, glmer_control, lmer_control
from .fit import fit_glmer, fit_lmer
from .glmm_deviance import GlmmDeviance
from .lmm_deviance import LmmDeviance
from .problem import MixedProblem, mixed_problem
from .results import DevComp, MixedFit, OptInfo

__all__ = [
    "ConvCheck", "GlmerControl", "LmerControl", "glmer_control", "lmer_control",
    "MixedProblem", "mixed_problem", "GlmmDeviance", "LmmDeviance", "fit_glmer",
    "fit_lmer", "MixedFit", "DevComp", "OptInfo", "ConvResult", "check_conv",
    "is_singular", "SINGULAR_MESSAGE",
]
