"""The M-step of one class as a weighted GLM fit by rglm's IRLS (``glm.fit``).

The one module that imports rglm's IRLS: when the package moves it, this import is the
line that changes.

For a family whose class coefficients, with the ancillary held fixed, are those of a
GLM, the M-step for class k is that GLM fitted with prior weights ``w_i tau_ik`` -- what
flexmix does for its components, here for Stata's families:

===========================  ==================================================
fmm family                   GLM of the class coefficients (ancillary fixed)
===========================  ==================================================
gaussian (identity, log)     gaussian, same link
bernoulli, binomial          quasibinomial, same link, on ``y / trials`` with
                             weights ``w tau trials``
poisson                      quasipoisson
nbinomial mean (NB2)         negative binomial with ``theta = 1 / alpha``
gamma                        Gamma, log link
lognormal                    gaussian on ``log y``
exponential                  Gamma, log link, coefficients ``-b`` (ph) / ``b`` (aft)
weibull                      Gamma, log link on ``y^p``, coefficients ``-b`` (ph) /
                             ``p b`` (aft): ``y^p`` is exponential
===========================  ==================================================

The quasi families fit the same coefficients as binomial and poisson but neither warn
about non-integer weighted counts nor compute an aic that is not needed here. NB1,
beta and loglogistic are not GLMs in their coefficients: :func:`glm_class_fit` returns
None for them, and the caller takes a Newton step instead.
"""

from __future__ import annotations

import warnings
from typing import Optional

import numpy as np

from rglm.errors import RError, RWarning
from rglm.families import Gamma, gaussian, negative_binomial, quasibinomial, quasipoisson
from rglm.engines.irls.irls import glm_fit
from rglm.engines.em.problem import MixtureProblem

__all__ = ["glm_class_fit", "has_glm_mstep"]

_GLM_FAMILIES = ("gaussian", "bernoulli", "binomial", "poisson", "gamma", "lognormal",
                 "exponential", "weibull")


def has_glm_mstep(problem: MixtureProblem) -> bool:
    """Whether the family's class coefficients are a GLM's (see the module notes)."""
    fam = problem.family
    if fam.name == "nbinomial":
        return fam.dispersion == "mean"
    if fam.name == "gaussian" and fam.link == "log":
        return bool((problem.response.y > 0).all())  # R's gaussian(log) needs y > 0
    return fam.name in _GLM_FAMILIES


def _glm_problem(problem: MixtureProblem, anc: Optional[float]):
    """(family, response, weight multiplier, coefficient sign/scale) of the class GLM."""
    fam = problem.family
    resp = problem.response
    y = resp.y[:, 0]
    if fam.name == "gaussian":
        return gaussian(fam.link), y, None, 1.0
    if fam.name in ("bernoulli", "binomial"):
        trials = resp.trials[:, 0]
        return quasibinomial(fam.link), y / trials, trials, 1.0
    if fam.name == "poisson":
        return quasipoisson(), y, None, 1.0
    if fam.name == "nbinomial":
        return negative_binomial(float(np.exp(-anc))), y, None, 1.0
    if fam.name == "gamma":
        return Gamma("log"), y, None, 1.0
    if fam.name == "lognormal":
        return gaussian(), resp.log_y[:, 0], None, 1.0
    ph = fam.metric == "ph"
    if fam.name == "exponential":
        return Gamma("log"), y, None, -1.0 if ph else 1.0
    p = float(np.exp(anc))
    return Gamma("log"), np.exp(p * resp.log_y[:, 0]), None, -1.0 if ph else p


def glm_class_fit(problem: MixtureProblem, weights: np.ndarray, beta: np.ndarray,
                  anc: Optional[float]) -> Optional[np.ndarray]:
    """The class coefficients maximising the ``weights``-weighted log likelihood with the
    ancillary fixed at ``anc``, by IRLS from ``beta``; None if the family is not a GLM
    in them or the fit fails (the caller then takes a Newton step).

    R: ``stats::glm.fit(x, y, weights = w * tau[, k], start = beta, ...)``
    """
    if not has_glm_mstep(problem):
        return None
    family, y, multiplier, scale = _glm_problem(problem, anc)
    w = weights if multiplier is None else weights * multiplier
    try:
        # glm.fit's warnings (no convergence within its 25 steps, fitted values at the
        # boundary) concern an intermediate weighted fit; the EM and the direct
        # maximisation that follow decide convergence, and report it.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RWarning)
            fit = glm_fit(problem.x, y, weights=w, start=beta * scale,
                          offset=problem.offset * scale, family=family)
    except RError:
        return None
    coef = np.asarray(fit.coefficients, dtype=np.float64) / scale
    return coef if np.isfinite(coef).all() else None
