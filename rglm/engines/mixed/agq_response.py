"""The response's conditional log density at many linear predictors at once.

R: the ``dev.resids``, ``linkinv``, ``mu.eta`` and ``variance`` of the family
(``rglm.families``), and its ``aic`` for the data constant; Stata: the conditional
densities of ``meglm``'s gaussian, bernoulli, binomial and poisson families.

Conventions: ``eta`` has shape (..., n) -- any leading batch axes (quadrature nodes,
outer-level nodes) -- and everything returned has the same shape.  The rows are in the
engine's order (sorted by group), a permutation of the problem's.

For these families ``log f(y_i | eta_i) = -d_i(y_i, mu_i) / (2 phi) + c_i(y_i, phi)``
with d_i R's unit deviance (prior weights included) and phi = 1 for the binomial and
Poisson, sigma^2 for the gaussian.  Only the first term depends on eta; the constant
``sum_i c_i`` is added once to the integrated log likelihood.
"""

from __future__ import annotations

import numpy as np

from rglm.errors import RError

from .glmm_deviance import _aic_shift
from .problem import MixedProblem

__all__ = ["CondLik"]

_FAMILIES = ("binomial", "poisson", "gaussian")


class CondLik:
    """log f(y | eta) of each observation, its first derivative and Fisher weight.

    Parameters
    ----------
    problem : MixedProblem
        Its family: binomial (Bernoulli or counts), poisson or gaussian, any link.
    order : numpy.ndarray (n,)
        The engine's row order (a permutation of the problem's rows).
    sigma : float, optional
        The gaussian family's residual standard deviation (required for it, which is
        a parameter of the likelihood here, Stata's ``var(e.y)``).

    Attributes
    ----------
    phi : float
        The dispersion (1, or sigma^2).
    constant : float
        sum_i c_i(y_i, phi): the part of the log likelihood free of eta.
    """

    def __init__(self, problem: MixedProblem, order: np.ndarray, sigma=None):
        family = problem.family
        if family is None or family.family not in _FAMILIES:
            name = None if family is None else family.family
            raise RError(f"quadrature is available for the binomial, poisson and "
                         f"gaussian families, not {name!r}")
        self.family = family
        self.y = problem.y[order]
        self.w = problem.weights[order]
        if family.family == "gaussian":
            if sigma is None or not np.isfinite(sigma) or sigma <= 0:
                raise RError("the gaussian family needs a positive 'sigma'")
            self.phi = float(sigma) ** 2
            pos = self.w > 0
            self.constant = float(-0.5 * np.sum(np.log(2.0 * np.pi * self.phi
                                                        / self.w[pos])))
        else:
            self.phi = 1.0
            # R's aic - sum of unit deviances, free of mu for integral counts (log C(n, k),
            # log y!); other data have no likelihood to integrate.
            shift = _aic_shift(problem)
            if shift is None:
                raise RError("quadrature needs integral counts: non-integer "
                             f"{family.family} responses have no likelihood")
            self.constant = -0.5 * shift

    def logf(self, eta: np.ndarray) -> np.ndarray:
        """-d_i / (2 phi): log f without its constant (shape of ``eta``)."""
        mu = self.family.linkinv(eta)
        return self.family.dev_resids(self.y, mu, self.w) * (-0.5 / self.phi)

    def score_weight(self, eta: np.ndarray) -> tuple:
        """(d log f / d eta, Fisher weight w mu_eta^2 / (phi V(mu))) at ``eta``.

        The Fisher weight is the observed one for canonical links (logit, log,
        identity); for others it is lme4's PIRLS weight, a valid curvature for the
        Newton steps and the adaptive scale.
        """
        fam = self.family
        mu = fam.linkinv(eta)
        mueta = fam.mu_eta(eta)
        var = fam.variance(mu) * self.phi
        score = self.w * (self.y - mu) * mueta / var
        return score, self.w * mueta * mueta / var
