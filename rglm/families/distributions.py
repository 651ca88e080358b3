"""Log-densities and the families' ``aic`` functions.

R: the ``aic(y, n, mu, wt, dev)`` element of each family (``-2 loglik`` plus 2 for an
estimated scale; ``glm.fit`` adds ``2 * rank``), with R's ``dbinom``, ``dpois`` and
``dgamma`` (``log = TRUE``) including their edge cases at zero probabilities, non-integer
counts and boundary shapes.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from rglm.errors import rwarn
from rglm.families._loader import log_dbinom_raw, log_dpois_raw

__all__ = [
    "log_dbinom", "log_dpois", "log_dgamma",
    "aic_gaussian", "aic_binomial", "aic_poisson", "aic_gamma",
    "aic_inverse_gaussian", "aic_negbin", "aic_quasi",
]


def _f(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def _nonint(x: np.ndarray) -> np.ndarray:
    # R_nonint: more than 1e-7 (relative) away from an integer.
    return np.abs(x - np.round(x)) > 1e-7 * np.maximum(1.0, np.abs(x))


def log_dbinom(x, size, prob) -> np.ndarray:
    """``log(choose(size, x) prob^x (1-prob)^(size-x))``.

    R: stats::dbinom(x, size, prob, log = TRUE) for integer ``x`` and ``size`` (the
    binomial aic passes rounded values). ``x`` outside ``0..size`` gives ``-Inf``.
    """
    return log_dbinom_raw(x, size, prob)


def log_dpois(x, lam) -> np.ndarray:
    """``x log(lam) - lam - log(x!)``.

    R: stats::dpois(x, lambda, log = TRUE): a non-integer ``x`` gives ``-Inf`` and the
    warning ``non-integer x = %f`` (one per value, as R's C code warns per element).
    """
    x, lam = np.broadcast_arrays(_f(x), _f(lam))
    nonint = _nonint(x)
    for value in x[nonint]:
        rwarn("non-integer x = %f" % value)
    out = log_dpois_raw(np.round(x), lam)
    out = np.where(nonint | (x < 0) | ~np.isfinite(x), -np.inf, out)
    return np.where(np.isnan(x) | np.isnan(lam), np.nan, out)


def log_dgamma(x, shape, scale) -> np.ndarray:
    """Log-density of the gamma distribution with ``shape`` and ``scale``.

    R: stats::dgamma(x, shape, scale = scale, log = TRUE), through Loader's Poisson
    form (accurate for the huge shapes of near-perfect fits), including its cases
    ``x < 0`` (``-Inf``), ``x == 0`` (``+Inf``, ``-log(scale)`` or ``-Inf`` for shape
    below, equal to or above 1) and invalid parameters (NaN).
    """
    x, a, s = np.broadcast_arrays(_f(x), _f(shape), _f(scale))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = x / s
        big = log_dpois_raw(a - 1, z) - np.log(s)
        small = log_dpois_raw(a, z) + np.where(np.isfinite(a / x), np.log(a / x),
                                                np.log(a) - np.log(x))
        out = np.where(a < 1, small, big)
        at_zero = np.where(a < 1, np.inf, np.where(a > 1, -np.inf, -np.log(s)))
    out = np.where(x == 0, at_zero, out)
    out = np.where(x < 0, -np.inf, out)
    out = np.where((a == 0) & (x >= 0), np.where(x == 0, np.inf, -np.inf), out)
    return np.where((a < 0) | (s <= 0) | np.isnan(a) | np.isnan(s) | np.isnan(x),
                    np.nan, out)


def aic_gaussian(y, n, mu, wt, dev) -> float:
    """``N (log(2 pi dev/N) + 1) + 2 - sum(log(wt))`` with ``N = length(y)``.

    R counts every row, zero weights included, so a zero weight makes the AIC ``Inf``.
    """
    y, wt = _f(y), _f(wt)
    nobs = y.size
    with np.errstate(divide="ignore"):
        return float(nobs * (np.log(dev / nobs * 2 * np.pi) + 1) + 2 - np.sum(np.log(wt)))


def aic_binomial(y, n, mu, wt, dev) -> float:
    """``-2 sum(wt/m * dbinom(round(m y), round(m), mu, log = TRUE))``.

    ``m`` is ``n`` (the trial totals) when any exceeds 1, else the prior weights.
    """
    y, n, mu, wt = np.broadcast_arrays(_f(y), _f(n), _f(mu), _f(wt))
    m = n if np.any(n > 1) else wt
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(m > 0, wt / m, 0.0)
        return float(-2 * np.sum(factor * log_dbinom(np.round(m * y), np.round(m), mu)))


def aic_poisson(y, n, mu, wt, dev) -> float:
    """``-2 sum(dpois(y, mu, log = TRUE) * wt)``."""
    with np.errstate(invalid="ignore"):
        return float(-2 * np.sum(log_dpois(y, mu) * _f(wt)))


def aic_gamma(y, n, mu, wt, dev) -> float:
    """``-2 sum(dgamma(y, 1/disp, scale = mu disp, log = TRUE) wt) + 2``.

    ``disp = dev/sum(wt)``: the deviance-based dispersion, not the Pearson estimate.
    """
    wt = _f(wt)
    disp = dev / np.sum(wt)
    with np.errstate(divide="ignore", invalid="ignore"):
        ld = log_dgamma(y, 1 / disp, _f(mu) * disp)
        return float(-2 * np.sum(ld * wt) + 2)


def aic_inverse_gaussian(y, n, mu, wt, dev) -> float:
    """``sum(wt) (1 + log(2 pi dev/sum(wt))) + 3 sum(log(y) wt) + 2``."""
    y, wt = _f(y), _f(wt)
    swt = np.sum(wt)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(swt * (1 + np.log(dev / swt * 2 * np.pi)) + 3 * np.sum(np.log(y) * wt) + 2)


def aic_negbin(theta: float):
    """The negative binomial aic for a fixed ``theta`` (no +2: theta counts as known).

    R: MASS::negative.binomial ``aic``.
    """

    def aic(y, n, mu, wt, dev) -> float:
        y, mu, wt = _f(y), _f(mu), _f(wt)
        with np.errstate(divide="ignore", invalid="ignore"):
            term = ((y + theta) * np.log(mu + theta) - y * np.log(mu)
                    + special.gammaln(y + 1) - theta * np.log(theta)
                    + special.gammaln(theta) - special.gammaln(theta + y))
            return float(2 * np.sum(term * wt))

    return aic


def aic_quasi(y, n, mu, wt, dev) -> float:
    """Quasi families have no likelihood: R returns ``NA``."""
    return float("nan")
