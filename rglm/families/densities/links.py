"""The links of Stata's fmm with two derivatives, unclamped, for exact log densities.

R's links (:mod:`rglm.families.links`) carry R's clamps, which keep IRLS weights finite
and would bend a log likelihood near its edges; a mixture's Newton steps need the true
function and its first two derivatives instead. Two forms:

* :func:`mean_derivatives` -- ``mu``, ``dmu/deta``, ``d2mu/deta2`` and ``1 - mu``
  computed without cancellation (the gaussian and beta densities are functions of
  ``mu``);
* :func:`log_probabilities` -- ``log mu``, ``log(1 - mu)`` and their first two
  derivatives in ``eta`` (the binomial density is ``y log mu + (n - y) log(1 - mu)``:
  its logarithms are computed from ``eta`` directly, so that a probability of 1e-300
  still has an exact logarithm).

Conventions: ``eta`` is a float64 array of any shape; outputs have its shape.

R: stats::make.link (identity, log, logit, probit, cloglog), without its clamps.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy import special

__all__ = ["LINKS", "MeanDerivatives", "LogProbabilities", "mean_derivatives",
           "log_probabilities", "linkfun"]

LINKS = ("identity", "log", "logit", "probit", "cloglog")

# exp() overflows above this: a linear predictor beyond it is clipped before exp.
_EXP_MAX = 709.0
_LOG_SQRT_2PI = 0.5 * np.log(2 * np.pi)


class MeanDerivatives(NamedTuple):
    """``mu = g^-1(eta)``, its derivatives and ``1 - mu`` (accurate near 1)."""

    mu: np.ndarray
    dmu: np.ndarray
    d2mu: np.ndarray
    one_minus_mu: np.ndarray


class LogProbabilities(NamedTuple):
    """``log mu``, ``log(1 - mu)`` and their first and second derivatives in ``eta``."""

    log_mu: np.ndarray
    log_1mmu: np.ndarray
    d_log_mu: np.ndarray
    d_log_1mmu: np.ndarray
    d2_log_mu: np.ndarray
    d2_log_1mmu: np.ndarray


def _exp(eta):
    return np.exp(np.minimum(eta, _EXP_MAX))


def mean_derivatives(link: str, eta) -> MeanDerivatives:
    """``mu``, ``dmu/deta``, ``d2mu/deta2`` and ``1 - mu`` of ``link`` at ``eta``."""
    eta = np.asarray(eta, dtype=np.float64)
    if link == "identity":
        one = np.ones_like(eta)
        return MeanDerivatives(eta, one, np.zeros_like(eta), 1.0 - eta)
    if link == "log":
        mu = _exp(eta)
        return MeanDerivatives(mu, mu, mu, 1.0 - mu)
    if link == "logit":
        mu = special.expit(eta)
        comp = special.expit(-eta)
        dmu = mu * comp
        return MeanDerivatives(mu, dmu, dmu * (comp - mu), comp)
    if link == "probit":
        dens = np.exp(-0.5 * eta * eta - _LOG_SQRT_2PI)
        return MeanDerivatives(special.ndtr(eta), dens, -eta * dens, special.ndtr(-eta))
    if link == "cloglog":
        u = _exp(eta)
        comp = np.exp(-u)
        dmu = u * comp
        return MeanDerivatives(-np.expm1(-u), dmu, dmu * (1.0 - u), comp)
    raise ValueError(f"unknown link {link!r}")


def log_probabilities(link: str, eta) -> LogProbabilities:
    """``log mu`` and ``log(1 - mu)`` with two derivatives, for the binomial links.

    Notes
    -----
    logit: ``log mu = -log(1 + e^-eta)``, derivatives ``1 - mu`` and ``-mu(1 - mu)``.
    probit: with the inverse Mills ratio ``lam(t) = phi(t) / Phi(t)``,
    ``d log Phi(eta) = lam(eta)``, ``d2 = -lam(eta) (eta + lam(eta))``, and the mirror
    image for ``log Phi(-eta)``. cloglog: ``log(1 - mu) = -e^eta`` (both derivatives
    ``-e^eta``); with ``u = e^eta`` and ``r = u / (1 - e^-u)``, ``d log mu = r e^-u``
    and ``d2 log mu = r e^-u (1 - r)``.
    """
    eta = np.asarray(eta, dtype=np.float64)
    if link == "logit":
        mu = special.expit(eta)
        comp = special.expit(-eta)
        d2 = -mu * comp
        return LogProbabilities(-np.logaddexp(0.0, -eta), -np.logaddexp(0.0, eta),
                                comp, -mu, d2, d2)
    if link == "probit":
        log_mu = special.log_ndtr(eta)
        log_1mmu = special.log_ndtr(-eta)
        log_dens = -0.5 * eta * eta - _LOG_SQRT_2PI
        lam = np.exp(log_dens - log_mu)
        lam_minus = np.exp(log_dens - log_1mmu)
        return LogProbabilities(log_mu, log_1mmu, lam, -lam_minus, -lam * (eta + lam),
                                -lam_minus * (lam_minus - eta))
    if link == "cloglog":
        u = _exp(eta)
        tail = -np.expm1(-u)
        r = np.where(tail > 0, u / np.where(tail > 0, tail, 1.0), 1.0)
        d1 = r * np.exp(-u)
        # log(1 - e^-u) = eta + log((1 - e^-u) / u) = eta - u/2 + O(u^2) for small u
        # (where u underflows, log(tail) would be -inf while mu is e^eta > 0).
        small = u < 1e-8
        log_mu = np.where(small, eta - 0.5 * u, np.log(np.where(small, 1.0, tail)))
        return LogProbabilities(log_mu, -u, d1, -u, d1 * (1.0 - r), -u)
    raise ValueError(f"link {link!r} is not a binomial link")


def linkfun(link: str, mu) -> np.ndarray:
    """``eta = g(mu)``: the linear predictor of a mean (for starting values)."""
    mu = np.asarray(mu, dtype=np.float64)
    if link == "identity":
        return mu.copy()
    if link == "log":
        return np.log(mu)
    if link == "logit":
        return special.logit(mu)
    if link == "probit":
        return special.ndtri(mu)
    if link == "cloglog":
        return np.log(-np.log1p(-mu))
    raise ValueError(f"unknown link {link!r}")
