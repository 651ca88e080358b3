"""Deviance residuals: the weighted unit deviance of each observation.

R: the ``dev.resids(y, mu, wt)`` element of each family; ``sum(dev.resids(...))`` is the
deviance. Each formula keeps R's arrangement of operations (``log(y/mu)`` rather than
``log(y) - log(mu)``, where ``y == 0`` is replaced) so results agree to the last bits.

Conventions: ``y``, ``mu`` and ``wt`` broadcast against each other (R recycles a length-one
``mu`` or ``wt``); the result is a new float64 array.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "dev_gaussian", "dev_binomial", "dev_poisson", "dev_gamma", "dev_inverse_gaussian",
    "dev_quasi_mu", "dev_quasi_mu2", "dev_negbin",
]


def _args(y, mu, wt):
    y, mu, wt = (np.asarray(a, dtype=np.float64) for a in (y, mu, wt))
    return np.broadcast_arrays(y, mu, wt)


def dev_gaussian(y, mu, wt) -> np.ndarray:
    """``wt * (y - mu)^2`` (gaussian, quasi "constant")."""
    y, mu, wt = _args(y, mu, wt)
    r = y - mu
    return wt * (r * r)


def _y_log_y(y, mu):
    # R's C helper: y * log(y/mu), defined as 0 when y == 0 (NaN y stays NaN).
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(y != 0, y * np.log(y / mu), 0.0)


def dev_binomial(y, mu, wt) -> np.ndarray:
    """``2 wt (y log(y/mu) + (1-y) log((1-y)/(1-mu)))`` with ``0 log 0 = 0``.

    R: C_binomial_dev_resids (binomial, quasibinomial, quasi "mu(1-mu)").
    """
    y, mu, wt = _args(y, mu, wt)
    return 2 * wt * (_y_log_y(y, mu) + _y_log_y(1 - y, 1 - mu))


def dev_poisson(y, mu, wt) -> np.ndarray:
    """``2 wt (y log(y/mu) - (y - mu))`` for ``y > 0`` and ``2 wt mu`` for ``y == 0``."""
    y, mu, wt = _args(y, mu, wt)
    with np.errstate(divide="ignore", invalid="ignore"):
        pos = wt * (y * np.log(y / mu) - (y - mu))
    return 2 * np.where(y > 0, pos, mu * wt)


def dev_gamma(y, mu, wt) -> np.ndarray:
    """``-2 wt (log(y/mu) - (y - mu)/mu)``, the log term 0 when ``y == 0``."""
    y, mu, wt = _args(y, mu, wt)
    with np.errstate(divide="ignore", invalid="ignore"):
        return -2 * wt * (np.log(np.where(y == 0, 1.0, y / mu)) - (y - mu) / mu)


def dev_inverse_gaussian(y, mu, wt) -> np.ndarray:
    """``wt (y - mu)^2 / (y mu^2)`` (inverse.gaussian, quasi "mu^3")."""
    y, mu, wt = _args(y, mu, wt)
    r = y - mu
    with np.errstate(divide="ignore", invalid="ignore"):
        return wt * (r * r) / (y * (mu * mu))


def dev_quasi_mu(y, mu, wt) -> np.ndarray:
    """``2 wt (y log(y/mu) - (y - mu))``, the log term 0 when ``y == 0`` (quasi "mu")."""
    y, mu, wt = _args(y, mu, wt)
    with np.errstate(divide="ignore", invalid="ignore"):
        return 2 * wt * (y * np.log(np.where(y == 0, 1.0, y / mu)) - (y - mu))


def dev_quasi_mu2(y, mu, wt) -> np.ndarray:
    """``max(-2 wt (log(y'/mu) - (y - mu)/mu), 0)`` with ``y' = 1`` where ``y == 0``.

    R's quasi(variance = "mu^2") uses ``log(1/mu)`` at ``y == 0`` (unlike Gamma) and clips
    the result at zero.
    """
    y, mu, wt = _args(y, mu, wt)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = -2 * wt * (np.log(np.where(y == 0, 1.0, y) / mu) - (y - mu) / mu)
    return np.maximum(d, 0.0)


def dev_negbin(theta: float):
    """Deviance residuals of the negative binomial with fixed ``theta``.

    R: MASS::negative.binomial — ``2 wt (y log(max(1, y)/mu) -
    (y + theta) log((y + theta)/(mu + theta)))``.
    """

    def dev_resids(y, mu, wt) -> np.ndarray:
        y, mu, wt = _args(y, mu, wt)
        with np.errstate(divide="ignore", invalid="ignore"):
            return 2 * wt * (y * np.log(np.maximum(1.0, y) / mu)
                             - (y + theta) * np.log((y + theta) / (mu + theta)))

    return dev_resids
