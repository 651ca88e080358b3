"""meglm's starting values: ``startvalues()`` and ``startgrid()``, and the model
without random effects (the LR test's comparison model).

Stata: ``meglm ..., startvalues(zero | constantonly | fixedonly) startgrid[(numlist)]``
and ``from()``:

* ``fixedonly`` (the default) -- the fixed effects (and the family's own parameters:
  ordinal cutpoints, nbinomial's log dispersion, gamma's log scale, a gaussian residual
  SD) of the model without random effects (R: ``glm``, ``MASS::polr``, ``MASS::glm.nb``,
  the gamma GLM with ``MASS::gamma.shape``), every variance 1, every covariance 0;
* ``constantonly`` -- the same from the model with the constant alone (the other fixed
  effects 0); a model without a constant starts as ``zero``;
* ``zero`` -- every fixed effect 0, every variance 1 (log standard deviation 0), a
  nbinomial log dispersion and a gaussian log residual SD 0; ordinal cutpoints cannot
  all be 0 (they must increase), so they are the constant-only model's (the cumulative
  proportions' quantiles, R's ``polr`` start);
* a vector -- the likelihood's own parameters in :attr:`MeglmFit.x`'s layout (Stata's
  ``from()``).

``startgrid`` evaluates the likelihood with every combination of the given values
(default 0.1, 1 and 10, Stata's) for the variances of the random effects, covariances 0,
the other parameters at their start, and starts from the best point. As Stata does,
a grid is also searched when the starting values give no finite likelihood.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Optional

import numpy as np

from rglm.engines.irls import glm_fit
from rglm.engines.mixed.agq_gamma import fit_gamma
from rglm.engines.mixed.agq_response import MeglmFamily
from rglm.engines.mixed.fixed_only import fit_negbin, fit_ordinal
from rglm.errors import RError

__all__ = ["FixedOnly", "fixed_only", "start_values", "grid_search", "STARTVALUES",
           "DEFAULT_GRID"]

#: Stata's svmethods implemented (``iv`` is not).
STARTVALUES = ("fixedonly", "constantonly", "zero")

#: Stata's default grid of variances.
DEFAULT_GRID = (0.1, 1.0, 10.0)


@dataclass(frozen=True)
class FixedOnly:
    """A fit without random effects (Stata's "Fitting fixed-effects model").

    Attributes
    ----------
    beta : numpy.ndarray
    aux : numpy.ndarray
        The family's own parameters (cutpoints, log dispersion; empty otherwise).
    log_sigma : float or None
        A gaussian response's log residual SD (the ML one).
    loglik : float
        With every constant (R's ``logLik``): Stata's ``e(ll_c)``.
    """

    beta: np.ndarray
    aux: np.ndarray
    log_sigma: Optional[float]
    loglik: float


def fixed_only(problem, fam, columns=None) -> FixedOnly:
    """The model without random effects on the design's ``columns`` (all by default;
    the others' coefficients 0). R: ``glm``, ``MASS::polr``, ``MASS::glm.nb``; Stata:
    ``glm``/``ologit``/``oprobit``/``nbreg``."""
    X = problem.X if columns is None else problem.X[:, columns]
    cols = np.arange(problem.p) if columns is None else np.asarray(columns, dtype=np.int64)
    beta = np.zeros(problem.p)
    w, off = problem.weights, problem.offset
    if isinstance(fam, MeglmFamily):
        if fam.family == "ordinal":
            fit = fit_ordinal(X, problem.y, fam.link, ncat=int(np.max(problem.y)) + 1,
                              weights=w, offset=off)
        elif fam.family == "gamma":
            fit = fit_gamma(X, problem.y, weights=w, offset=off)
        else:
            fit = fit_negbin(X, problem.y, fam.dispersion, weights=w, offset=off)
        beta[cols] = fit.beta
        return FixedOnly(beta, np.asarray(fit.aux, dtype=np.float64), None,
                         float(fit.loglik))
    g0 = glm_fit(X, problem.y, weights=w, offset=off, family=fam)
    beta[cols] = np.asarray(g0.coefficients, dtype=np.float64)
    gauss = fam.family == "gaussian"
    log_sigma = 0.5 * np.log(g0.deviance / problem.n) if gauss else None
    # aic = -2 logLik + 2 (rank + 1 for sigma)
    return FixedOnly(beta, np.zeros(0), log_sigma, float(g0.rank + gauss - g0.aic / 2.0))


def _vector(lik, beta, aux, log_sigma) -> np.ndarray:
    parts = [np.asarray(beta, dtype=np.float64)] + [lv.start() for lv in lik.levels]
    parts.append(np.asarray(aux, dtype=np.float64))
    if lik.gaussian:
        parts.append(np.array([log_sigma]))
    return np.concatenate(parts)


def start_values(method, lik, problem, fam, fixed: FixedOnly) -> np.ndarray:
    """The starting vector (:attr:`MeglmFit.x`'s layout) for ``startvalues=method``.

    Raises
    ------
    RError
        An unknown method (Stata's ``iv`` included), or a vector of the wrong length
        or with values that are not finite.
    """
    if method is None or (isinstance(method, str) and method == "fixedonly"):
        return _vector(lik, fixed.beta, fixed.aux, fixed.log_sigma)
    if isinstance(method, str):
        if method not in STARTVALUES:
            raise RError(f"startvalues({method}) invalid: one of "
                         f"{', '.join(STARTVALUES)}, or a vector of {lik.npar} values")
        cons = [j for j, nm in enumerate(problem.xnames) if nm == "(Intercept)"]
        ordinal = isinstance(fam, MeglmFamily) and fam.family == "ordinal"
        if method == "constantonly" and (cons or ordinal):
            c = fixed_only(problem, fam, columns=cons)
            return _vector(lik, c.beta, c.aux, c.log_sigma)
        # zero (and constantonly without a constant)
        aux = (fixed_only(problem, fam, columns=[]).aux if ordinal
               else np.zeros(lik.naux))
        return _vector(lik, np.zeros(problem.p), aux, 0.0)
    x = np.asarray(getattr(method, "values", method), dtype=np.float64).ravel()
    if x.shape != (lik.npar,) or not np.all(np.isfinite(x)):
        raise RError(f"startvalues: a vector of {lik.npar} finite values is needed "
                     "(the layout of fit.x: fixed effects, each level's parameters, the "
                     "family's own parameters, log sigma)")
    return x


def _grid_values(grid) -> np.ndarray:
    values = DEFAULT_GRID if grid is True else np.atleast_1d(grid)
    try:
        values = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        values = np.array([np.nan])
    if values.size == 0 or not np.all(np.isfinite(values) & (values > 0)):
        raise RError("startgrid: the variances must be positive numbers")
    return values


def grid_search(lik, x0: np.ndarray, grid, report=None) -> tuple:
    """(x, log L, points): ``x0`` with the random effects' variances at the grid point
    of the highest likelihood (covariances 0). ``grid`` is True (Stata's 0.1, 1, 10) or
    the values; every variance takes each of them (``n^k`` points for k variances).
    ``report(node, loglik)`` is called per point (Stata's "Grid node k")."""
    values = _grid_values(grid)
    nvar = [int(lv.is_variance().sum()) for lv in lik.levels]
    sizes = lik.sizes
    offsets = np.cumsum(sizes)[:-1]
    best, best_ll, points = None, -np.inf, 0
    for node, combo in enumerate(itertools.product(values, repeat=sum(nvar))):
        x = np.array(x0, dtype=np.float64)
        k = 0
        for j, lv in enumerate(lik.levels):
            start = offsets[j]
            x[start:start + lv.nparam] = lv.start(np.array(combo[k:k + nvar[j]]))
            k += nvar[j]
        ll = lik.loglik(x)
        points += 1
        if report is not None:
            report(node, ll)
        if ll > best_ll:
            best, best_ll = x, ll
    if best is None:
        raise RError("initial values not feasible")
    return best, float(best_ll), points
