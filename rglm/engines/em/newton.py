"""Modified Newton ascent on the free parameters, and its two uses.

:func:`newton_direction` is the step: ``(-H)^-1 g`` when ``-H`` is positive definite
(Cholesky), otherwise the eigenvalues of ``-H`` replaced by their absolute values,
floored at a small fraction of the largest -- the "not concave" steps Stata takes on
flat regions of a mixture's likelihood.

* :func:`maximize` -- direct maximisation of the observed-data log likelihood
  (Stata's ``ml`` after the EM): analytic score and Hessian
  (:mod:`~rglm.engines.em.derivatives`), step-halving until the log likelihood does not
  fall, stopping when the 2-norm of the free gradient is below ``gtol``;
* :func:`fit_posterior` -- the M-step run to convergence with the posteriors held
  fixed (the objective is the complete-data log likelihood): how a start that is a
  set of class memberships becomes parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np
from scipy import linalg

from rglm.engines.em.constraints import FreeMap
from rglm.engines.em.derivatives import gradient, hessian
from rglm.engines.em.layout import Layout
from rglm.engines.em.loglik import MixtureState, complete_loglik, evaluate, with_posterior
from rglm.engines.em.problem import MixtureProblem

__all__ = ["MlControl", "NewtonResult", "newton_direction", "maximize", "fit_posterior"]


@dataclass(frozen=True)
class MlControl:
    """Controls of the direct maximisation (Stata's ``maximize`` options).

    Attributes
    ----------
    iterate : int
        Most Newton iterations (Stata's default ``c(maxiter)``, 300).
    gtol : float
        Convergence: the 2-norm of the gradient of the free parameters below this.
    max_halvings : int
        Step-halvings before a step counts as failed (the iterations then stop).
    """

    iterate: int = 300
    gtol: float = 1e-6
    max_halvings: int = 40


@dataclass(frozen=True)
class NewtonResult:
    """Where the maximisation stopped (``state`` holds second derivatives)."""

    state: MixtureState
    iterations: int
    converged: bool
    gradient_norm: float


def newton_direction(g: np.ndarray, h: np.ndarray) -> np.ndarray:
    """The ascent direction for gradient ``g`` and Hessian ``h`` (modified if ``-h`` is
    not positive definite)."""
    a = -(h + h.T) / 2
    try:
        factor = linalg.cho_factor(a, check_finite=True)
        return linalg.cho_solve(factor, g)
    except (linalg.LinAlgError, ValueError):
        pass
    try:
        vals, vecs = np.linalg.eigh(np.nan_to_num(a))
    except np.linalg.LinAlgError:
        return g / max(float(np.abs(np.diag(a)).max()), 1.0)  # a scaled gradient step
    top = max(float(np.abs(vals).max()), 1e-300)
    vals = np.maximum(np.abs(vals), 1e-8 * top)
    return vecs @ ((vecs.T @ g) / vals)


def _accept_tolerance(value: float) -> float:
    # A Newton step near the optimum changes the log likelihood by ~|g|^2 / |H|, less
    # than the rounding of a sum of n terms: such steps are accepted.
    return 1e-12 * max(1.0, abs(value))


def maximize(problem: MixtureProblem, layout: Layout, fmap: FreeMap, theta: np.ndarray,
             control: MlControl = MlControl()) -> NewtonResult:
    """Maximise the log likelihood from ``theta`` (which must satisfy the constraints).

    R: (none; Stata: ``ml maximize``, ``technique(nr)``)
    """
    basis = fmap.basis
    state = evaluate(problem, layout, theta, order=2)
    iterations = 0
    stalled = 0
    g = basis.T @ gradient(problem, layout, state)
    # Steps that no longer raise the log likelihood (it is flat to rounding there) are
    # taken a few times, as they may still reduce the gradient; then the search stops.
    while stalled < 5:
        norm = float(np.linalg.norm(g))
        # Converged at gtol; Newton's quadratic convergence makes one more step nearly
        # free and brings the estimates of weakly identified parameters (small
        # eigenvalues of -H: error ~ |g| / eigenvalue) to full accuracy, so the
        # iterations go on to gtol * 1e-3 unless the log likelihood no longer moves.
        if norm < control.gtol * 1e-3 or iterations >= control.iterate:
            break
        if norm < control.gtol and stalled:
            break
        h = basis.T @ hessian(problem, layout, state) @ basis
        if not (np.isfinite(g).all() and np.isfinite(h).all()):
            break
        step = basis @ newton_direction(g, h)
        t = 1.0
        accepted: Optional[MixtureState] = None
        for _ in range(control.max_halvings):
            trial = evaluate(problem, layout, state.theta + t * step, order=2)
            if trial.usable and trial.loglik >= state.loglik - _accept_tolerance(state.loglik):
                accepted = trial
                break
            t /= 2
        if accepted is None:
            break
        iterations += 1
        stalled = stalled + 1 if accepted.loglik <= state.loglik else 0
        state = accepted
        g = basis.T @ gradient(problem, layout, state)
    norm = float(np.linalg.norm(g))
    return NewtonResult(state=state, iterations=iterations, converged=norm < control.gtol,
                        gradient_norm=norm)


def fit_posterior(problem: MixtureProblem, layout: Layout, fmap: FreeMap, theta: np.ndarray,
                  posterior: np.ndarray, iterate: int = 50, gtol: float = 1e-8
                  ) -> MixtureState:
    """Maximise the complete-data log likelihood with ``posterior`` held fixed, from
    ``theta``: the M-step to convergence. Returns the state at the result with its own
    (not the fixed) posteriors."""
    basis = fmap.basis
    state = with_posterior(evaluate(problem, layout, theta, order=2), posterior)
    value = complete_loglik(problem, state)
    scale = max(1.0, float(problem.weights.sum()))
    for _ in range(iterate):
        g = basis.T @ gradient(problem, layout, state)
        if np.linalg.norm(g) < gtol * scale:
            break
        h = basis.T @ hessian(problem, layout, state, complete=True) @ basis
        if not (np.isfinite(g).all() and np.isfinite(h).all()):
            break
        step = basis @ newton_direction(g, h)
        t = 1.0
        for _ in range(40):
            trial = with_posterior(evaluate(problem, layout, state.theta + t * step, order=2),
                                   posterior)
            new_value = complete_loglik(problem, trial)
            if trial.usable and new_value >= value - _accept_tolerance(value):
                break
            t /= 2
        else:
            break
        state, value = trial, new_value
    return evaluate(problem, layout, state.theta, order=2)
