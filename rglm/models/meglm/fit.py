"""Maximising meglm's likelihood, and its observed information.

Stata: ``meglm``'s ``ml`` maximisation (Newton steps with analytic derivatives) and
``vce(oim)`` (the inverse of minus the Hessian). Here: BFGS (L-BFGS-B) on central
finite-difference gradients of :class:`.likelihood.MeglmLik`, and the Hessian by
central differences of the log likelihood at the optimum -- numerical derivatives, so
the standard errors carry their error (about 1e-6 relative), not Stata's analytic ones.

Starting values are Stata's default ``startvalues(fixedonly)``: the fixed effects of
the GLM without random effects, every variance 1, every covariance 0, and for a
gaussian response the GLM's residual standard deviation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import optimize

from rglm.errors import RError

from .likelihood import MeglmLik

__all__ = ["MeglmOptimum", "maximise", "numerical_hessian"]


@dataclass(frozen=True)
class MeglmOptimum:
    """The maximum of the likelihood.

    Attributes
    ----------
    x : numpy.ndarray
        Stata's parameter vector at the maximum.
    loglik : float
    hessian : numpy.ndarray
        Of log L at x (numerical).
    converged : bool
    message : str
    evaluations : int
    """

    x: np.ndarray = field(repr=False)
    loglik: float
    hessian: np.ndarray = field(repr=False)
    converged: bool
    message: str
    evaluations: int


def _steps(x: np.ndarray, rel: float) -> np.ndarray:
    return rel * np.maximum(1.0, np.abs(x))


def _gradient(f, x: np.ndarray, rel: float = 1e-6) -> np.ndarray:
    """Central differences, one pair of evaluations per parameter."""
    h = _steps(x, rel)
    E = np.diag(h)
    return np.array([(f(x + e) - f(x - e)) / (2.0 * hi) for e, hi in zip(E, h)])


def numerical_hessian(f, x: np.ndarray, rel: float = 1e-4) -> np.ndarray:
    """The Hessian of ``f`` at ``x`` by central differences (4 evaluations per pair,
    2 per diagonal element, and f(x))."""
    x = np.asarray(x, dtype=np.float64)
    k = len(x)
    h = _steps(x, rel)
    f0 = f(x)
    H = np.empty((k, k))
    E = np.diag(h)
    fp = np.array([f(x + e) for e in E])
    fm = np.array([f(x - e) for e in E])
    np.fill_diagonal(H, (fp - 2.0 * f0 + fm) / h ** 2)
    for i, j in zip(*np.triu_indices(k, 1)):
        v = (f(x + E[i] + E[j]) - f(x + E[i] - E[j]) - f(x - E[i] + E[j])
             + f(x - E[i] - E[j])) / (4.0 * h[i] * h[j])
        H[i, j] = H[j, i] = v
    return H


def maximise(lik: MeglmLik, start: np.ndarray, scale: np.ndarray) -> MeglmOptimum:
    """Maximise ``lik.loglik`` from ``start``.

    ``scale`` multiplies each parameter in the optimiser's coordinates (the fixed
    effects by their column's SD, so that one unit means as much for each).
    """
    count = [0]

    def value(y) -> float:
        count[0] += 1
        v = lik.loglik(y / scale)
        return -v if np.isfinite(v) else 1e100

    y0 = np.asarray(start, dtype=np.float64) * scale
    if not np.isfinite(lik.loglik(start)):
        raise RError("initial values not feasible")
    opt = optimize.minimize(value, y0, jac=lambda y: _gradient(value, y),
                            method="L-BFGS-B",
                            options={"ftol": 1e-15, "gtol": 1e-7, "maxiter": 1000,
                                     "maxcor": 30})
    x = opt.x / scale
    H = numerical_hessian(lik.loglik, x)
    return MeglmOptimum(x=x, loglik=float(lik.loglik(x)), hessian=H,
                        converged=bool(opt.success) or "ABNORMAL" in str(opt.message)
                        and np.max(np.abs(opt.jac)) < 1e-3,
                        message=str(opt.message), evaluations=count[0])
