"""The gamma response of meglm at many linear predictors at once, and its fit without
random effects.

Stata: ``meglm ..., family(gamma) link(log)`` -- y > 0 with mean mu = exp(eta) and
variance s mu^2; the scale s is estimated on the log scale, reported as ``/logs``.
R: ``glm(family = Gamma(link = "log"))`` (its dispersion is s) with the shape 1 / s
by maximum likelihood (``MASS::gamma.shape``).

With a = 1 / s the shape, per row (prior weight w)::

    log f(y | eta) = w [a log a + a log y - a (eta + y exp(-eta)) - lgamma(a)] - w log y

``logf`` is the bracket (everything that depends on eta or s), ``constant`` the last
term, free of both.  d/deta = w a (y / mu - 1); the curvature -d2/deta2 = w a y / mu
is positive everywhere (log f is concave in eta), so it is the observed one.
d/d log s = -a d/da with d/da = w [log a + 1 + log y - eta - y / mu - digamma(a)].

Conventions: ``eta`` has shape (..., n), rows in the engine's order; the results have
``eta``'s shape (``aux_scores``: + (1,)).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, special

from rglm.errors import RError

__all__ = ["GammaLik", "GammaFixedFit", "fit_gamma"]


def check_gamma_response(y: np.ndarray) -> None:
    """Stata's and R's rule: a gamma response is positive."""
    y = np.asarray(y, dtype=np.float64)
    if not np.all(np.isfinite(y)) or np.any(y <= 0):
        raise RError("non-positive values not allowed for the 'Gamma' family")


class GammaLik:
    """w_i log f(y_i | eta_i) of a gamma response with log link and scale exp(lnscale).

    Attributes
    ----------
    y, w : numpy.ndarray (n,)
    lnscale : float
        log s (Stata's ``/logs``).
    constant : float
        -sum w log y: the part free of eta and s.
    """

    def __init__(self, y, w, lnscale: float):
        self.y = np.asarray(y, dtype=np.float64)
        self.w = np.asarray(w, dtype=np.float64)
        check_gamma_response(self.y)
        lnscale = float(lnscale)
        if not np.isfinite(lnscale):
            raise RError("the gamma family's log scale must be finite")
        self.lnscale = lnscale
        self.a = float(np.exp(-lnscale))
        self.logy = np.log(self.y)
        self.constant = float(-np.sum(self.w * self.logy))
        a = self.a
        self._free = a * np.log(a) + a * self.logy - special.gammaln(a)

    def logf(self, eta: np.ndarray) -> np.ndarray:
        """log f without the constant (shape of ``eta``)."""
        with np.errstate(over="ignore"):
            return self.w * (self._free - self.a * (eta + self.y * np.exp(-eta)))

    def score_weight(self, eta: np.ndarray) -> tuple:
        """(d log f / d eta, -d2 log f / d eta2) at ``eta``."""
        with np.errstate(over="ignore"):
            r = self.y * np.exp(-eta)
        return self.w * self.a * (r - 1.0), self.w * self.a * r

    def aux_scores(self, eta: np.ndarray) -> np.ndarray:
        """d log f_i / d log s per row: shape eta.shape + (1,)."""
        a = self.a
        with np.errstate(over="ignore"):
            d_a = (np.log(a) + 1.0 + self.logy - eta - self.y * np.exp(-eta)
                   - special.digamma(a))
        return (-a * self.w * d_a)[..., None]


@dataclass(frozen=True)
class GammaFixedFit:
    """The gamma GLM by maximum likelihood (``beta``, ``aux`` = [log s], ``loglik``
    with every constant, ``converged``), the attributes of
    :class:`.fixed_only.FixedOnlyFit` that meglm reads."""

    beta: np.ndarray = field(repr=False)
    aux: np.ndarray = field(repr=False)
    loglik: float
    converged: bool


def fit_gamma(X, y, *, weights=None, offset=None) -> GammaFixedFit:
    """The gamma GLM with log link by maximum likelihood: beta and log s jointly.

    R: ``glm(y ~ x, family = Gamma("log"))``'s coefficients (the ML beta for any
    shape) with ``MASS::gamma.shape``'s ML shape a = 1 / s; Stata: ``meglm``'s
    fixed-effects model for ``family(gamma)``.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, p = X.shape
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    off = np.zeros(n) if offset is None else np.broadcast_to(
        np.asarray(offset, dtype=np.float64), (n,))
    check_gamma_response(y)
    beta0 = np.linalg.lstsq(X * np.sqrt(w)[:, None], (np.log(y) - off) * np.sqrt(w),
                            rcond=None)[0]
    resid = np.log(y) - off - X @ beta0
    start = np.append(beta0, np.log(max(float(np.average(resid ** 2, weights=w)), 1e-8)))

    def negll(x):
        lik = GammaLik(y, w, x[p])
        val = -float(np.sum(lik.logf(off + X @ x[:p])) + lik.constant)
        return val if np.isfinite(val) else np.inf

    def grad(x):
        lik = GammaLik(y, w, x[p])
        eta = off + X @ x[:p]
        score, _ = lik.score_weight(eta)
        return -np.append(X.T @ score, lik.aux_scores(eta).sum())

    opt = optimize.minimize(negll, start, jac=grad, method="BFGS",
                            options={"gtol": 1e-10, "maxiter": 2000})
    # Newton polish on beta and log s with the exact Hessian of this smooth model
    x = opt.x
    for _ in range(50):
        g = grad(x)
        h = 1e-6 * np.maximum(np.abs(x), 1.0)
        H = np.column_stack([(grad(x + e) - grad(x - e)) / (2.0 * e[j])
                             for j, e in enumerate(np.diag(h))])
        step = np.linalg.solve(0.5 * (H + H.T), g)
        t = 1.0
        while negll(x - t * step) > negll(x) + 1e-13 * abs(negll(x)) and t > 1e-8:
            t *= 0.5
        x = x - t * step
        if float(g @ step) < 1e-20:
            break
    return GammaFixedFit(beta=x[:p], aux=x[p:], loglik=-negll(x),
                         converged=bool(np.max(np.abs(grad(x))) < 1e-6))
