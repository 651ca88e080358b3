"""The families' ``initialize`` step: checked response, weights, ``n`` and ``mustart``.

R evaluates ``family$initialize`` inside ``glm.fit``'s frame, where it may rewrite ``y``
and ``weights`` and must set ``n`` (used only by ``aic``) and ``mustart``. Here each
initializer is a pure function returning an :class:`Initialized` record of new arrays.

Conventions: ``y`` is a 1-D float array, or for the binomial families an ``(n, 2)`` array
of successes and failures (a factor response is converted to 0/1 by the caller);
``weights`` is 1-D (None means all ones).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from rglm.errors import RError, rwarn

__all__ = ["Initialized", "init_binomial", "init_poisson", "init_gaussian", "init_positive",
           "init_quasi", "init_negbin", "init_zero_shifted"]


@dataclass(frozen=True)
class Initialized:
    """What a family's ``initialize`` produces (all new float64 arrays).

    Attributes
    ----------
    y : numpy.ndarray
        The response as the fit uses it (proportions for a two-column binomial response).
    weights : numpy.ndarray
        Prior weights (multiplied by the trial totals for a two-column response).
    n : numpy.ndarray
        Trial totals for the binomial aic; ones otherwise.
    mustart : numpy.ndarray
        Starting values of the mean.
    """

    y: np.ndarray
    weights: np.ndarray
    n: np.ndarray
    mustart: np.ndarray


Initializer = Callable[..., Initialized]


def _prepare(y, weights):
    y = np.array(y, dtype=np.float64, copy=True)
    nobs = y.shape[0] if y.ndim else 1
    if weights is None:
        w = np.ones(nobs)
    else:
        w = np.array(np.broadcast_to(np.asarray(weights, dtype=np.float64), (nobs,)),
                     dtype=np.float64, copy=True)
    return y, w, nobs


def _flat(y: np.ndarray) -> np.ndarray:
    return y.reshape(-1) if y.ndim != 1 else y


def init_binomial(family: str) -> Initializer:
    """Initializer of ``binomial`` / ``quasibinomial``. R: stats:::binomInitialize.

    Parameters
    ----------
    family : str
        ``"binomial"`` or ``"quasibinomial"``: substituted into the messages; the
        non-integer warnings are given only for ``"binomial"``.
    """

    def initialize(y, weights, etastart=None, mustart=None, start=None) -> Initialized:
        y, w, nobs = _prepare(y, weights)
        ncol = 1 if y.ndim < 2 else y.shape[1]
        if ncol == 1:
            y = _flat(y)
            n = np.ones(nobs)
            y[w == 0] = 0  # anything, NA included, is allowed at zero weight
            if np.any((y < 0) | (y > 1)):
                raise RError("y values must be 0 <= y <= 1")
            mu0 = (w * y + 0.5) / (w + 1)
            m = w * y
            if family == "binomial" and np.any(np.abs(m - np.round(m)) > 1e-3):
                rwarn(f"non-integer #successes in a {family} glm!")
            return Initialized(y, w, n, mu0)
        if ncol == 2:
            if family == "binomial" and np.any(np.abs(y - np.round(y)) > 1e-3):
                rwarn(f"non-integer counts in a {family} glm!")
            n = y[:, 0] + y[:, 1]
            with np.errstate(divide="ignore", invalid="ignore"):
                prop = y[:, 0] / n
            prop[n == 0] = 0
            return Initialized(prop, w * n, n, (n * prop + 0.5) / (n + 1))
        raise RError(
            f"for the '{family}' family, y must be a vector of 0 and 1's\n"
            "or a 2 column matrix where col 1 is no. successes and col 2 is no. failures")

    return initialize


def init_poisson(label: str) -> Initializer:
    """Initializer of ``poisson`` / ``quasipoisson``: ``mustart = y + 0.1``.

    Parameters
    ----------
    label : str
        The name in the error, ``"'Poisson'"`` or ``"'quasiPoisson'"`` as R writes it.
    """

    def initialize(y, weights, etastart=None, mustart=None, start=None) -> Initialized:
        y, w, nobs = _prepare(y, weights)
        y = _flat(y)
        if np.any(y < 0):
            raise RError(f"negative values not allowed for the {label} family")
        return Initialized(y, w, np.ones(nobs), y + 0.1)

    return initialize


def init_gaussian(link: str) -> Initializer:
    """Initializer of ``gaussian``: ``mustart = y``.

    Without any starting values, the inverse link with a zero response or the log link
    with a non-positive one cannot start, as in R.
    """

    def initialize(y, weights, etastart=None, mustart=None, start=None) -> Initialized:
        y, w, nobs = _prepare(y, weights)
        y = _flat(y)
        if (etastart is None and start is None and mustart is None
                and ((link == "inverse" and np.any(y == 0))
                     or (link == "log" and np.any(y <= 0)))):
            raise RError("cannot find valid starting values: please specify some")
        return Initialized(y, w, np.ones(nobs), y.copy())

    return initialize


def init_positive(message: str) -> Initializer:
    """Initializer of ``Gamma`` / ``inverse.gaussian``: ``y > 0`` required, ``mustart = y``."""

    def initialize(y, weights, etastart=None, mustart=None, start=None) -> Initialized:
        y, w, nobs = _prepare(y, weights)
        y = _flat(y)
        if np.any(y <= 0):
            raise RError(message)
        return Initialized(y, w, np.ones(nobs), y.copy())

    return initialize


def init_quasi(variance: str) -> Initializer:
    """Initializer of ``quasi(variance = ...)``.

    ``"constant"``: ``mustart = y``; ``"mu(1-mu)"``: ``y`` clamped to [0.001, 0.999];
    ``"mu"``, ``"mu^2"``, ``"mu^3"``: ``y + 0.1 (y == 0)``.
    """

    def initialize(y, weights, etastart=None, mustart=None, start=None) -> Initialized:
        y, w, nobs = _prepare(y, weights)
        y = _flat(y)
        if variance == "constant":
            mu0 = y.copy()
        elif variance == "mu(1-mu)":
            mu0 = np.maximum(0.001, np.minimum(0.999, y))
        else:
            mu0 = _zero_shifted(y)
        return Initialized(y, w, np.ones(nobs), mu0)

    return initialize


def _zero_shifted(y: np.ndarray) -> np.ndarray:
    # R: "0.1 fudge here matches poisson: S has 1/6"
    return y + 0.1 * (y == 0)


def init_zero_shifted(y, weights, etastart=None, mustart=None, start=None) -> Initialized:
    """Initializer of statmod's ``tweedie``: ``mustart = y + 0.1 (y == 0)``, no checks
    on ``y`` (statmod makes none)."""
    y, w, nobs = _prepare(y, weights)
    y = _flat(y)
    return Initialized(y, w, np.ones(nobs), _zero_shifted(y))


def init_negbin(y, weights, etastart=None, mustart=None, start=None) -> Initialized:
    """Initializer of MASS ``negative.binomial``: ``mustart = y + (y == 0)/6``."""
    y, w, nobs = _prepare(y, weights)
    y = _flat(y)
    if np.any(y < 0):
        raise RError("negative values not allowed for the negative binomial family")
    return Initialized(y, w, np.ones(nobs), y + (y == 0) / 6)
