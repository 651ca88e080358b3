"""Finite mixtures of GLMs by maximum likelihood: the engine of Stata's ``fmm #: glm``.

Frozen records in, frozen records out::

    problem = mixture_problem(y, x, fmm_family("poisson"), z=..., weights=..., ...)
    fit = fit_mixture(problem, k=2, start=StartValues("randomid", draws=10, seed=1))

Pipeline (fmm-behaviour.md sections 1.5 and 3): starting values -> EM iterations
vectorised across classes -> direct maximisation of the observed-data log likelihood
with its analytic score and Hessian until the gradient norm is below 1e-6 -> canonical
class order -> OIM / OPG / robust / cluster variance. Modules, bottom up:

* :mod:`.problem` -- the data (:class:`MixtureProblem`), weights, constraints;
* :mod:`.layout` -- where each parameter sits; :mod:`.constraints` -- ``lcinvariant``
  and linear constraints as ``theta = theta0 + N phi``;
* :mod:`.loglik` -- log likelihood and posteriors; :mod:`.derivatives` -- score, row
  scores, Hessian (Louis' identity);
* :mod:`.newton` -- modified Newton (direct ML; M-step to convergence);
  :mod:`.glm_adapter` -- a class's M-step by rglm's IRLS; :mod:`.em` -- the EM phase;
  :mod:`.starts` -- Stata's starting-value methods;
* :mod:`.order` -- label switching; :mod:`.vce` -- variances; :mod:`.fit` -- the
  pipeline; :mod:`.records` -- what a fit returns.

R: (none; flexmix::flexmix/refit, Stata: fmm)
"""

from rglm.engines.em.constraints import FreeMap, free_map
from rglm.engines.em.em import EmControl, EmptyClass
from rglm.engines.em.fit import class_probabilities, fit_mixture, mixture_vcov
from rglm.engines.em.layout import Layout, layout_of, make_layout
from rglm.engines.em.loglik import MixtureState, evaluate
from rglm.engines.em.newton import MlControl
from rglm.engines.em.order import canonical_order, permute_classes
from rglm.engines.em.problem import Constraint, MixtureProblem, mixture_problem
from rglm.engines.em.records import MixtureFitRecord, StartRecord
from rglm.engines.em.starts import StartValues

__all__ = [
    "MixtureProblem", "mixture_problem", "Constraint", "fit_mixture", "MixtureFitRecord",
    "StartRecord", "StartValues", "EmControl", "MlControl", "EmptyClass", "Layout",
    "layout_of", "make_layout", "FreeMap", "free_map", "MixtureState", "evaluate",
    "canonical_order", "permute_classes", "class_probabilities", "mixture_vcov",
]
