"""Maximising meglm's likelihood, and its observed information.

Stata: ``meglm``'s ``ml`` maximisation (Newton steps with analytic derivatives) and
``vce(oim)`` (the inverse of minus the Hessian). Here two paths:

* analytic (adaptive or plain quadrature with more than one point over one level or two
  nested ones, no sampling weights): Stata's scheme -- the rule's exact gradient with
  its adaptive nodes frozen, maximised by L-BFGS-B, the nodes re-adapted between runs,
  then corrected to the adaptive rule's own optimum (the engine's
  :func:`rglm.engines.mixed.agq_fit.maximise_frozen`; the gradient in Stata's
  parameters by the chain rule, :mod:`.gradient`);
* numeric (the Laplace approximation, whose value depends on the parameters through
  its curvature, which a frozen one-point rule ignores; crossed factors; sampling
  weights): L-BFGS-B on central finite-difference gradients of
  :class:`.likelihood.MeglmLik`.

The Hessian is numerical: central differences of the log likelihood at the optimum
(on the analytic path each value re-adapted from the optimum's nodes, the same value
to the adaptation's tolerance, and 2 values per pair of parameters instead of 4,
:func:`hessian_by_pairs`); with two nested levels on the analytic path, whose
adaptations are costlier, central differences of the analytic gradient at freshly
adapted nodes instead (:meth:`.gradient.FrozenMeglm.hessian`: 2 adaptations per
parameter instead of 2 per pair of parameters; it misses the second-order terms
through the nodes, of the order of the rule's error: 2e-3 relative in the standard
error of a variance for grouseticks' broods of 1-3 Poisson counts at 7 points, where
the rule itself moves that standard error by 3e-4 against 15 points). The standard
errors carry these errors, not Stata's digits.

Starting values are Stata's default ``startvalues(fixedonly)``: the fixed effects of
the GLM without random effects, every variance 1, every covariance 0, and for a
gaussian response the GLM's residual standard deviation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import optimize

from rglm.errors import RError

from .gradient import analytic_applies, maximise_analytic
from .likelihood import MeglmLik

__all__ = ["MeglmOptimum", "maximise", "numerical_hessian", "hessian_by_pairs"]


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
    gradient : str
        ``"analytic"`` or ``"numeric"``: the path taken (module doc).
    """

    x: np.ndarray = field(repr=False)
    loglik: float
    hessian: np.ndarray = field(repr=False)
    converged: bool
    message: str
    evaluations: int
    gradient: str = "numeric"


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


def hessian_by_pairs(f, x: np.ndarray, rel: float = 1e-4) -> np.ndarray:
    """The Hessian of ``f`` at ``x`` by central differences with 2 evaluations per pair
    (besides 2 per diagonal element and f(x)): H_ij = (f(x + e_i + e_j) + f(x - e_i -
    e_j) - f(x + e_i) - f(x - e_i) - f(x + e_j) - f(x - e_j) + 2 f(x)) / (2 h_i h_j),
    second order as :func:`numerical_hessian`'s four-point rule, with half its
    evaluations off the diagonal."""
    x = np.asarray(x, dtype=np.float64)
    k = len(x)
    h = _steps(x, rel)
    f0 = f(x)
    E = np.diag(h)
    fp = np.array([f(x + e) for e in E])
    fm = np.array([f(x - e) for e in E])
    H = np.empty((k, k))
    np.fill_diagonal(H, (fp - 2.0 * f0 + fm) / h ** 2)
    for i, j in zip(*np.triu_indices(k, 1)):
        v = (f(x + E[i] + E[j]) + f(x - E[i] - E[j]) - fp[i] - fm[i] - fp[j] - fm[j]
             + 2.0 * f0) / (2.0 * h[i] * h[j])
        H[i, j] = H[j, i] = v
    return H


GRADIENTS = ("auto", "analytic", "numeric")

#: The relative step of the Hessian's second differences of the adaptive value. The
#: value carries noise of about 1e-12 relative (the adaptation's stopping point and the
#: BLAS kernel's summation order move with the machine): at a step of 1e-4 that noise
#: reached 1e-7 in the standard errors -- the last digit Stata's table prints -- while
#: at 1e-3 two OpenBLAS kernels agree to 1e-10 and the truncation error (second order
#: in the step) is about 1e-7 of the standard errors, below the rule's own error.
HESSIAN_STEP = 1e-3


def maximise(lik: MeglmLik, start: np.ndarray, scale: np.ndarray,
             gradient: str = "auto") -> MeglmOptimum:
    """Maximise ``lik.loglik`` from ``start``.

    ``scale`` multiplies each parameter in the optimiser's coordinates (the fixed
    effects by their column's SD, so that one unit means as much for each).
    ``gradient``: ``"auto"`` the analytic path where it applies (module doc), else the
    numeric one; ``"numeric"`` forces finite differences (the analytic path is never
    forced: where it does not apply ``"analytic"`` raises).
    """
    if gradient not in GRADIENTS:
        raise RError(f"gradient must be one of {', '.join(map(repr, GRADIENTS))}")
    applies = analytic_applies(lik)
    if gradient == "analytic" and not applies:
        raise RError("analytic gradients need quadrature with more than one point over "
                     "one level or two nested ones, and no sampling weights")
    if applies and gradient != "numeric":
        return _maximise_analytic(lik, start, scale)
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
    H = numerical_hessian(lik.loglik, x, rel=HESSIAN_STEP)
    return MeglmOptimum(x=x, loglik=float(lik.loglik(x)), hessian=H,
                        converged=bool(opt.success) or "ABNORMAL" in str(opt.message)
                        and np.max(np.abs(opt.jac)) < 1e-3,
                        message=str(opt.message), evaluations=count[0])


def _maximise_analytic(lik: MeglmLik, start: np.ndarray, scale: np.ndarray) -> MeglmOptimum:
    start = np.asarray(start, dtype=np.float64)
    try:
        first = lik.evaluate(start)
    except (RError, np.linalg.LinAlgError):
        first = None
    if first is None or not np.isfinite(first.loglik):
        raise RError("initial values not feasible")
    opt, rule = maximise_analytic(lik, first, start * scale, scale)
    x = opt.y / scale
    k = len(x)
    # adaptations for the Hessian: second differences of the value (2 per pair, 2 per
    # parameter, 1), or first differences of the gradient (2 per parameter)
    count = k * k + k + 1 if len(lik.levels) == 1 else 2 * k
    try:
        if len(lik.levels) == 1:
            # the adaptive value's own second differences, each re-adapted from the
            # optimum's nodes (a few Newton steps: cheaper than from u = 0)
            H = hessian_by_pairs(
                lambda xx: rule.adapted_value(xx, lik.intmethod, *opt.nodes), x,
                rel=HESSIAN_STEP)
        else:
            H = rule.hessian(x, opt.nodes)
    except (RError, np.linalg.LinAlgError):
        # a difference step out of reach (cutpoints crossing): the values' differences
        H = numerical_hessian(lik.loglik, x, rel=HESSIAN_STEP)
    return MeglmOptimum(x=x, loglik=float(lik.loglik(x)), hessian=H,
                        converged=opt.converged, message=opt.message,
                        evaluations=opt.evaluations + 2 + count,
                        gradient="analytic")
