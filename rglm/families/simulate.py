"""Simulating responses from fitted means.

R: the ``simulate`` element of stats::binomial, poisson, Gamma, inverse.gaussian and
MASS::negative.binomial (used by ``simulate.lm``). The random streams are numpy's, so
draws do not reproduce R's numbers; the distributions, weight handling and messages do.

Conventions: every simulator takes ``(mu, nsim, weights, rng, dispersion)`` and returns an
``(n, nsim)`` float array whose column ``j`` is simulation ``j`` (R returns the same values
as one vector of length ``n * nsim`` in that column-major order).
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from rglm.errors import RError, rwarn

__all__ = ["sim_gaussian", "sim_binomial", "sim_poisson", "sim_gamma", "sim_inverse_gaussian", "sim_negbin"]


def _setup(mu, nsim, weights):
    mu = np.asarray(mu, dtype=np.float64).reshape(-1)
    w = np.ones_like(mu) if weights is None else np.broadcast_to(
        np.asarray(weights, dtype=np.float64), mu.shape)
    shape = (mu.size, int(nsim))
    return np.broadcast_to(mu[:, None], shape), np.broadcast_to(w[:, None], shape)


def _need_dispersion(dispersion: Optional[float]) -> float:
    if dispersion is None or not np.isfinite(dispersion):
        raise RError("a finite 'dispersion' is needed to simulate from this family")
    return float(dispersion)


def sim_gaussian(mu, nsim, weights, rng, dispersion=None) -> np.ndarray:
    """``mu + rnorm(sd = sqrt(dispersion/weights))``.

    R's gaussian family has no ``simulate``; stats::simulate.lm does this itself with
    ``dispersion = deviance/df.residual``.
    """
    mu, w = _setup(mu, nsim, weights)
    return mu + rng.normal(size=mu.shape) * np.sqrt(_need_dispersion(dispersion) / w)


def sim_binomial(mu, nsim, weights, rng, dispersion=None) -> np.ndarray:
    """Proportions ``rbinom(size = weights, prob = mu)/weights``.

    Raises ``cannot simulate from non-integer prior.weights`` as R does. (The caller
    turns proportions into a factor or a two-column matrix when the response was one.)
    """
    mu, w = _setup(mu, nsim, weights)
    if np.any(w % 1 != 0):
        raise RError("cannot simulate from non-integer prior.weights")
    size = w.astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return rng.binomial(size, mu) / w


def sim_poisson(mu, nsim, weights, rng, dispersion=None) -> np.ndarray:
    """``rpois(mu)``; prior weights are ignored with R's warning."""
    mu, w = _setup(mu, nsim, weights)
    if np.any(w != 1):
        rwarn("ignoring prior weights")
    return rng.poisson(mu).astype(np.float64)


def sim_gamma(mu, nsim, weights, rng, dispersion=None) -> np.ndarray:
    """``rgamma(shape = weights/dispersion, rate = shape/mu)``.

    R takes the shape from ``MASS::gamma.shape(fit)$alpha`` (a maximum-likelihood
    estimate); pass ``dispersion = 1/alpha`` to simulate as R does.
    """
    mu, w = _setup(mu, nsim, weights)
    shape = w / _need_dispersion(dispersion)
    return rng.gamma(shape, mu / shape)


def sim_inverse_gaussian(mu, nsim, weights, rng, dispersion=None) -> np.ndarray:
    """Inverse Gaussian with mean ``mu`` and shape ``weights/dispersion``.

    R: ``SuppDists::rinvGauss(nu = mu, lambda = wts/summary(fit)$dispersion)``.
    """
    mu, w = _setup(mu, nsim, weights)
    return rng.wald(mu, w / _need_dispersion(dispersion))


def sim_negbin(theta: float):
    """``MASS::rnegbin(mu, theta)``: Poisson with gamma(theta, 1)/theta-mixed mean."""

    def simulate(mu, nsim, weights, rng, dispersion=None) -> np.ndarray:
        mu, _ = _setup(mu, nsim, weights)
        return rng.poisson(mu * rng.gamma(theta, 1.0, size=mu.shape) / theta).astype(
            np.float64)

    return simulate
