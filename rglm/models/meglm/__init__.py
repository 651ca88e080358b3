"""Stata's ``meglm``: multilevel GLMs by adaptive quadrature, with Stata's output.

Modules, in the order of the pipeline: ``covariance`` (each level's structure and its
parameters), ``likelihood`` (Stata's parameters -> lme4's theta -> the engine's
integrated likelihood), ``fit`` (maximum and observed information), ``frontend``
(``meglm()``), ``result`` (the fitted :class:`MeglmFit`), ``printing`` (Stata's
output, text from :mod:`rglm.render.meglm`), ``methods`` (R's generics and Stata's
``estat icc``/``estat sd``), ``posterior``/``ranef``/``predict`` (empirical Bayes
predictions: Stata's ``predict, reffects``, lme4's ``ranef``). The integral is
:mod:`rglm.engines.mixed.agq_vector`'s.
"""

from rglm.models.meglm import methods  # noqa: F401  (registers the generics)
from rglm.models.meglm.frontend import meglm
from rglm.models.meglm.methods import estat_icc, estat_sd
from rglm.models.meglm.result import MeglmFit

__all__ = ["meglm", "MeglmFit", "estat_icc", "estat_sd"]
