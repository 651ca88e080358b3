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
from rglm.families.elementwise import blockwise, piecewise

__all__ = [
    "log_dbinom", "log_dpois", "log_dgamma",
    "aic_gaussian", "aic_binomial", "aic_poisson", "aic_gamma",
    "aic_inverse_gaussian", "aic_negbin", "aic_quasi",
]


def _f(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def _flat_broadcast(*args) -> tuple[tuple, list[np.ndarray]]:
    """The broadcast shape of ``args``, and the float64 arguments broadcast to it and
    flattened (a length-one ``args`` stays a view; a broadcast one becomes a copy)."""
    arrays = np.broadcast_arrays(*(_f(a) for a in args))
    return arrays[0].shape, [a.reshape(-1) for a in arrays]


def _nonint(x: np.ndarray, rounded: np.ndarray) -> np.ndarray:
    """R_nonint: more than 1e-7 (relative) away from the integer ``rounded = round(x)``."""
    gap = np.abs(x - rounded)
    scale = np.abs(x)
    np.maximum(scale, 1.0, out=scale)
    scale *= 1e-7
    return gap > scale


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
    shape, (x, lam) = _flat_broadcast(x, lam)
    rounded = np.round(x)
    nonint = _nonint(x, rounded)
    for value in x[nonint]:
        rwarn("non-integer x = %f" % value)
    out = log_dpois_raw(rounded, lam)
    out[nonint | (x < 0) | ~np.isfinite(x)] = -np.inf
    out[np.isnan(x) | np.isnan(lam)] = np.nan
    return out.reshape(shape)


def log_dgamma(x, shape, scale) -> np.ndarray:
    """Log-density of the gamma distribution with ``shape`` and ``scale``.

    R: stats::dgamma(x, shape, scale = scale, log = TRUE), through Loader's Poisson
    form (accurate for the huge shapes of near-perfect fits), including its cases
    ``x < 0`` (``-Inf``), ``x == 0`` (``+Inf``, ``-log(scale)`` or ``-Inf`` for shape
    below, equal to or above 1) and invalid parameters (NaN).
    """
    out_shape, (x, a, s) = _flat_broadcast(x, shape, scale)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = piecewise(a < 1, _dgamma_small_shape, _dgamma_large_shape, x, a, s)
        zero = x == 0
        at_zero = np.where(a[zero] < 1, np.inf, np.where(a[zero] > 1, -np.inf, -np.log(s[zero])))
    out[zero] = at_zero
    out[x < 0] = -np.inf
    shape_zero = (a == 0) & (x >= 0)
    out[shape_zero] = np.where(zero[shape_zero], np.inf, -np.inf)
    out[(a < 0) | (s <= 0) | np.isnan(a) | np.isnan(s) | np.isnan(x)] = np.nan
    return out.reshape(out_shape)


def _dgamma_large_shape(x: np.ndarray, a: np.ndarray, s: np.ndarray) -> np.ndarray:
    """dgamma for ``shape >= 1``: ``dpois_raw(shape - 1, x/scale) / scale``, on the log scale."""
    return log_dpois_raw(a - 1, x / s) - np.log(s)


def _dgamma_small_shape(x: np.ndarray, a: np.ndarray, s: np.ndarray) -> np.ndarray:
    """dgamma for ``shape < 1``: ``dpois_raw(shape, x/scale) * shape/x``, on the log scale."""
    log_ratio = piecewise(np.isfinite(a / x), _log_ratio, _log_difference, a, x)
    return log_dpois_raw(a, x / s) + log_ratio


def _log_ratio(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    return np.log(a / x)


def _log_difference(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    return np.log(a) - np.log(x)


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

    def terms(y, m, mu, wt):
        factor = np.where(m > 0, wt / m, 0.0)
        return factor * log_dbinom(np.round(m * y), np.round(m), mu)

    with np.errstate(divide="ignore", invalid="ignore"):
        return float(-2 * np.sum(blockwise(terms, y, m, mu, wt)))


def aic_poisson(y, n, mu, wt, dev) -> float:
    """``-2 sum(dpois(y, mu, log = TRUE) * wt)``."""

    def terms(y, mu, wt):
        return log_dpois(y, mu) * wt

    with np.errstate(invalid="ignore"):
        return float(-2 * np.sum(blockwise(terms, *np.broadcast_arrays(_f(y), _f(mu), _f(wt)))))


def aic_gamma(y, n, mu, wt, dev) -> float:
    """``-2 sum(dgamma(y, 1/disp, scale = mu disp, log = TRUE) wt) + 2``.

    ``disp = dev/sum(wt)``: the deviance-based dispersion, not the Pearson estimate.
    """
    wt = _f(wt)
    disp = dev / np.sum(wt)

    def terms(y, mu, wt):
        return log_dgamma(y, 1 / disp, mu * disp) * wt

    with np.errstate(divide="ignore", invalid="ignore"):
        return float(-2 * np.sum(blockwise(terms, *np.broadcast_arrays(_f(y), _f(mu), wt))) + 2)


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
