"""Deviance residuals: the weighted unit deviance of each observation.

R: the ``dev.resids(y, mu, wt)`` element of each family; ``sum(dev.resids(...))`` is the
deviance. Each formula keeps R's arrangement of operations (``log(y/mu)`` rather than
``log(y) - log(mu)``, where ``y == 0`` is replaced) so results agree to the last bits.

Conventions: ``y``, ``mu`` and ``wt`` broadcast against each other (R recycles a length-one
``mu`` or ``wt``); the result is a new float64 array (a numpy scalar for 0-d arguments).
The hot families (binomial, poisson, Gamma) compute the same operations in R's order,
in place in their result and on cache-sized blocks of rows: a fit evaluates them at every
iteration on all n rows.
"""

from __future__ import annotations

import numpy as np

from rglm.families.elementwise import blockwise, piecewise, rpow

__all__ = [
    "dev_gaussian", "dev_binomial", "dev_poisson", "dev_gamma", "dev_inverse_gaussian",
    "dev_quasi_mu", "dev_quasi_mu2", "dev_negbin", "dev_tweedie",
]


def _args(y, mu, wt):
    y, mu, wt = (np.asarray(a, dtype=np.float64) for a in (y, mu, wt))
    return np.broadcast_arrays(y, mu, wt)


def _by_blocks(rows_function, y, mu, wt):
    """An in-place kernel applied to broadcast ``y, mu, wt`` on blocks of rows.

    Over many rows the kernels' temporaries would each be a fresh n-length array;
    on blocks they stay in cache (elementwise: the same values).
    """
    y, mu, wt = _args(y, mu, wt)
    out = blockwise(rows_function, *(a.reshape(-1) for a in (y, mu, wt)))
    return out[0] if y.ndim == 0 else out.reshape(y.shape)  # 0-d: a numpy scalar, as before


def dev_gaussian(y, mu, wt) -> np.ndarray:
    """``wt * (y - mu)^2`` (gaussian, quasi "constant")."""
    y, mu, wt = _args(y, mu, wt)
    r = y - mu
    return wt * (r * r)


def _y_log_y(y, mu):
    """R's C helper: ``y log(y/mu)``, 0 when ``y == 0`` (a NaN ``y`` stays NaN); a new array.

    The logarithm is taken only where ``y != 0``: about half the rows of a 0/1 response.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return piecewise(y != 0, _y_log_y_nonzero, _zeros, y, mu)


def _y_log_y_nonzero(y, mu):
    out = np.divide(y, mu)
    np.log(out, out=out)
    out *= y
    return out


def _zeros(y, mu):
    return np.zeros(y.shape)


def _assign_at(out: np.ndarray, cond: np.ndarray, values) -> None:
    """``out[cond] = values``, ``values`` a number or a function of the positions.

    Writing through a boolean mask that is true on a random part of the rows (the zeros
    of a count response) costs several times more than gathering the positions first.
    """
    rows = np.flatnonzero(cond)
    if rows.size:
        out[rows] = values(rows) if callable(values) else values


def dev_binomial(y, mu, wt) -> np.ndarray:
    """``2 wt (y log(y/mu) + (1-y) log((1-y)/(1-mu)))`` with ``0 log 0 = 0``.

    R: C_binomial_dev_resids (binomial, quasibinomial, quasi "mu(1-mu)").
    """
    return _by_blocks(_binomial_rows, y, mu, wt)


def _binomial_rows(y, mu, wt):
    out = _y_log_y(y, mu)
    out += _y_log_y(1 - y, 1 - mu)
    out *= 2 * wt
    return out


def dev_poisson(y, mu, wt) -> np.ndarray:
    """``2 wt (y log(y/mu) - (y - mu))`` for ``y > 0`` and ``2 wt mu`` for ``y == 0``."""
    return _by_blocks(_poisson_rows, y, mu, wt)


def _poisson_rows(y, mu, wt):
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.divide(y, mu)
        np.log(out, out=out)
        out *= y
        out -= y - mu
        out *= wt
    _assign_at(out, ~(y > 0), lambda rows: mu[rows] * wt[rows])
    out *= 2
    return out


def dev_gamma(y, mu, wt) -> np.ndarray:
    """``-2 wt (log(y/mu) - (y - mu)/mu)``, the log term 0 when ``y == 0``."""
    return _by_blocks(_gamma_rows, y, mu, wt)


def _gamma_rows(y, mu, wt):
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.divide(y, mu)
        _assign_at(out, y == 0, 1.0)
        np.log(out, out=out)
        relative = y - mu
        relative /= mu
        out -= relative
        out *= -2 * wt
    return out


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


def dev_tweedie(p: float):
    """Deviance residuals of the Tweedie family with variance power ``p``.

    R: statmod::tweedie's ``dev.resids``: ``2 wt (y theta - kappa)`` with
    ``y1 = y + 0.1 (y == 0)``, ``theta = (y1^(1-p) - mu^(1-p))/(1-p)`` (``log(y1/mu)``
    for ``p = 1``) and ``kappa = (y^(2-p) - mu^(2-p))/(2-p)`` (``log(y1/mu)`` for
    ``p = 2``). ``y1`` keeps the negative powers and logarithms finite at ``y = 0``
    (where ``y theta`` vanishes anyway); for ``p = 2`` it makes ``kappa`` finite, an
    arbitrary but finite residual where the gamma deviance would be infinite.
    """

    def dev_resids(y, mu, wt) -> np.ndarray:
        y, mu, wt = _args(y, mu, wt)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            y1 = y + 0.1 * (y == 0)
            if p == 1:
                theta = np.log(y1 / mu)
            else:
                theta = (rpow(y1, 1 - p) - rpow(mu, 1 - p)) / (1 - p)
            if p == 2:
                kappa = np.log(y1 / mu)
            else:
                kappa = (rpow(y, 2 - p) - rpow(mu, 2 - p)) / (2 - p)
            return 2 * wt * (y * theta - kappa)

    return dev_resids
