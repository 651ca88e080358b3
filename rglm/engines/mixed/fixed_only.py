"""Maximum likelihood for ordinal and negative binomial responses without random
effects: the comparison model of ``meglm``'s LR test and its starting values.

R: ``MASS::polr(method = "logistic" | "probit" | "cloglog")`` and ``MASS::glm.nb``
(NB2); Stata: ``ologit``/``oprobit``, ``nbreg`` (``dispersion(mean)``) and ``nbreg,
dispersion(constant)`` (NB1, which MASS does not fit).

The log likelihood and its analytic gradient come from :class:`.agq_ordinal.OrdinalLik`
and :class:`.agq_negbin.NegBinLik`.  Quasi-Newton (BFGS) on an unconstrained
parameterisation -- ordinal cutpoints as kappa_1 and the logs of their increments, as
polr does, so they stay ordered -- then Newton steps with step halving on the natural
parameters, the Hessian by central differences of the analytic gradient, to converge
to the last digits; its inverse is the returned ``vcov``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np
from scipy import optimize, special

from rglm.errors import RError

from .agq_negbin import NB_DISPERSIONS, NegBinLik
from .agq_ordinal import CUMULATIVE_LINKS, OrdinalLik, ordinal_codes
from .problem import weights_offset

__all__ = ["FixedOnlyFit", "fit_ordinal", "fit_negbin"]


@dataclass(frozen=True)
class FixedOnlyFit:
    """A maximised likelihood without random effects.

    Attributes
    ----------
    beta : numpy.ndarray (p,)
    aux : numpy.ndarray
        The cutpoints (ordinal, Stata's ``/cut1``...) or the log dispersion (one value:
        ``/lnalpha`` or ``/lndelta``).
    loglik : float
        With all constants (R's ``logLik``).
    vcov : numpy.ndarray
        Inverse of the observed information of (beta, aux).
    converged : bool
    iterations : int
        Newton steps after the quasi-Newton start.
    """

    beta: np.ndarray = field(repr=False)
    aux: np.ndarray = field(repr=False)
    loglik: float
    vcov: np.ndarray = field(repr=False)
    converged: bool
    iterations: int


def _inputs(X, y, weights, offset):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise RError("'X' must be a matrix")
    n = X.shape[0]
    y = np.asarray(y, dtype=np.float64)
    if y.shape != (n,):
        raise RError("variable lengths differ")
    w, off = weights_offset(n, weights, offset)
    return X, y, w, off


def _newton(x: np.ndarray, negll: Callable, grad: Callable, maxit: int = 50) -> tuple:
    """Newton steps with step halving on -log L; Hessian by central differences of the
    analytic gradient.  Returns (x, Hessian at x, converged, steps)."""
    def hessian(x):
        h = 1e-5 * np.maximum(np.abs(x), 1.0)
        cols = [(grad(x + e) - grad(x - e)) / (2.0 * e[j])
                for j, e in enumerate(np.diag(h))]
        H = np.column_stack(cols)
        return 0.5 * (H + H.T)

    f = negll(x)
    for it in range(1, maxit + 1):
        g = grad(x)
        H = hessian(x)
        try:
            step = np.linalg.solve(H, g)
        except np.linalg.LinAlgError:
            return x, H, False, it
        decrement = float(g @ step)
        if not np.isfinite(decrement) or decrement < 0:
            return x, H, False, it
        if decrement < 1e-20:
            return x, H, True, it
        t = 1.0
        while True:
            xn = x - t * step
            fn = negll(xn)
            if np.isfinite(fn) and fn <= f + 1e-12 * abs(f):
                break
            t *= 0.5
            if t < 1e-10:
                return x, H, decrement < 1e-12, it
        x, f = xn, fn
    return x, hessian(x), False, maxit


def fit_ordinal(X, y, link: str = "logit", *, ncat: Optional[int] = None, weights=None,
                offset=None, start=None) -> FixedOnlyFit:
    """Cumulative-link ordinal regression by maximum likelihood.

    R: ``MASS::polr(y ~ x, method = c(logit = "logistic", probit = "probit",
    cloglog = "cloglog")[link])``; Stata: ``ologit``/``oprobit``.

    Parameters
    ----------
    X : array (n, p)
        Without an intercept (the cutpoints take its place).
    y : array (n,)
        Category codes 0..ncat-1.
    link : {"logit", "probit", "cloglog"}
    ncat : int, optional
        Number of categories (default: max(y) + 1).
    weights, offset : array (n,), optional
    start : array (p + ncat - 1,), optional
        (beta, cutpoints).
    """
    if link not in CUMULATIVE_LINKS:
        raise RError(f"link {link!r} not available for the ordinal family; "
                     f"available links are {', '.join(map(repr, CUMULATIVE_LINKS))}")
    X, y, w, off = _inputs(X, y, weights, offset)
    ncat = int(np.max(y)) + 1 if ncat is None else int(ncat)
    codes = ordinal_codes(y, ncat)
    p = X.shape[1]
    counts = np.bincount(codes, w, minlength=ncat)
    if np.any(counts <= 0):
        raise RError("response has empty categories: every category needs a positive "
                     "weight")
    if start is None:
        # polr's start without covariates: the cutpoints of the marginal proportions.
        cum = np.cumsum(counts)[:-1] / counts.sum()
        quant = {"logit": special.logit, "probit": special.ndtri,
                 "cloglog": lambda q: np.log(-np.log1p(-q))}[link]
        start = np.concatenate([np.zeros(p), quant(cum) + np.mean(off)])
    start = np.asarray(start, dtype=np.float64)

    def unpack(z):  # unconstrained -> cutpoints
        return np.cumsum(np.concatenate([z[p:p + 1], np.exp(z[p + 1:])]))

    def natural_negll(x):
        try:
            lik = OrdinalLik(codes, w, link, x[p:])
        except RError:
            return np.inf
        val = -float(np.sum(lik.logf(off + X @ x[:p])))
        return val if np.isfinite(val) else np.inf

    def natural_grad(x):
        lik = OrdinalLik(codes, w, link, x[p:])
        eta = off + X @ x[:p]
        score, _ = lik.score_weight(eta)
        with np.errstate(invalid="ignore"):  # trial points far out (see score_weight)
            return -np.concatenate([X.T @ score, lik.cut_score(eta)])

    def negll(z):
        return natural_negll(np.concatenate([z[:p], unpack(z)]))

    def grad(z):
        g = natural_grad(np.concatenate([z[:p], unpack(z)]))
        # d kappa_j / d z_i = 1 for i = 0 and exp(z_i) for 0 < i <= j.
        gk = g[p:]
        tail = np.cumsum(gk[::-1])[::-1]
        dz = np.concatenate([[tail[0]], tail[1:] * np.exp(z[p + 1:])])
        return np.concatenate([g[:p], dz])

    z0 = np.concatenate([start[:p], start[p:p + 1], np.log(np.diff(start[p:]))])
    opt = optimize.minimize(negll, z0, jac=grad, method="BFGS",
                            options={"gtol": 1e-7, "maxiter": 1000})
    x0 = np.concatenate([opt.x[:p], unpack(opt.x)])
    x, H, ok, it = _newton(x0, natural_negll, natural_grad)
    return FixedOnlyFit(beta=x[:p], aux=x[p:], loglik=-natural_negll(x),
                        vcov=_inverse(H), converged=ok, iterations=it)


def _inverse(H: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.inv(H)
    except np.linalg.LinAlgError:
        return np.full_like(H, np.nan)


def fit_negbin(X, y, dispersion: str = "mean", *, weights=None, offset=None,
               start=None) -> FixedOnlyFit:
    """Negative binomial regression (log link) by maximum likelihood.

    R: ``MASS::glm.nb(y ~ x)`` for ``dispersion="mean"`` (theta = exp(-lnalpha));
    Stata: ``nbreg`` (``dispersion(mean)`` / ``dispersion(constant)``).

    Parameters
    ----------
    X : array (n, p)
    y : array (n,)
        Non-negative integer counts.
    dispersion : {"mean", "constant"}
        NB2 (``lnalpha``) or NB1 (``lndelta``).
    weights, offset : array (n,), optional
    start : array (p + 1,), optional
        (beta, log dispersion).
    """
    if dispersion not in NB_DISPERSIONS:
        raise RError("dispersion must be \"mean\" or \"constant\"")
    X, y, w, off = _inputs(X, y, weights, offset)
    p = X.shape[1]
    NegBinLik(y, w, dispersion, 0.0)  # the response's checks
    if start is None:
        # Least squares on log(y + 1/2): a start within reach for the quasi-Newton.
        beta0 = np.linalg.lstsq(X * np.sqrt(w)[:, None],
                                (np.log(y + 0.5) - off) * np.sqrt(w), rcond=None)[0]
        start = np.append(beta0, 0.0)
    start = np.asarray(start, dtype=np.float64)

    def negll(x):
        with np.errstate(over="ignore", invalid="ignore"):
            lik = NegBinLik(y, w, dispersion, x[p]) if np.isfinite(x[p]) else None
            if lik is None:
                return np.inf
            val = -float(np.sum(lik.logf(off + X @ x[:p])) + lik.constant)
        return val if np.isfinite(val) else np.inf

    def grad(x):
        lik = NegBinLik(y, w, dispersion, x[p])
        eta = off + X @ x[:p]
        score, _ = lik.score_weight(eta)
        return -np.append(X.T @ score, lik.lndisp_score(eta))

    opt = optimize.minimize(negll, start, jac=grad, method="BFGS",
                            options={"gtol": 1e-7, "maxiter": 1000})
    x, H, ok, it = _newton(opt.x, negll, grad)
    return FixedOnlyFit(beta=x[:p], aux=x[p:], loglik=-negll(x), vcov=_inverse(H),
                        converged=ok, iterations=it)
