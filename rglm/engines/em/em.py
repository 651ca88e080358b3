"""The EM phase: from a start to the basin of an optimum (Stata's ``emopts()``).

E-step: the posteriors at the current parameters (:func:`~rglm.engines.em.loglik.evaluate`).
M-step, vectorised across classes, one of:

* ``"newton"`` (default): one Newton step on the complete-data log likelihood for all
  parameters at once (a generalised EM step, Lange 1995): its gradient at the current
  point is the log likelihood's (Fisher's identity) and its Hessian is block diagonal by
  class (:func:`~rglm.engines.em.derivatives.hessian` with ``complete=True``);
  constraints are respected by working on the free parameters.
* ``"irls"``: each class's coefficients by a weighted GLM fit run to convergence
  (rglm's IRLS, :mod:`~rglm.engines.em.glm_adapter`, prior weights ``w tau_k``), then the
  ancillaries and the class-probability model by Newton steps with the posteriors held
  fixed -- flexmix's M-step, with exact ML ancillaries. Only for families that are GLMs
  in their coefficients and fits without constraints; otherwise ``"newton"`` is used.

Either way the log likelihood never falls (steps are halved until it does not). The
iterations stop after ``iterate`` steps (Stata: 20), or when the relative change of the
log likelihood is below ``ltolerance`` or the largest relative parameter change below
``tolerance``. EM is only the start of the direct maximisation.

An empty class (posterior mass below ``1e-6`` of the total weight) is re-seeded with
the rows the mixture fits worst and refitted; after three re-seedings the run fails
with :class:`EmptyClass`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rglm.errors import RError
from rglm.engines.em.constraints import FreeMap
from rglm.engines.em.derivatives import gradient, hessian
from rglm.engines.em.glm_adapter import glm_class_fit, has_glm_mstep
from rglm.engines.em.layout import Layout
from rglm.engines.em.loglik import MixtureState, complete_loglik, evaluate, with_posterior
from rglm.engines.em.newton import fit_posterior, newton_direction
from rglm.engines.em.problem import MixtureProblem
from rglm.engines.em.starts import Start

__all__ = ["EmControl", "EmResult", "EmptyClass", "run_em", "initial_state",
           "class_moments"]

MSTEPS = ("newton", "irls")
_EMPTY = 1e-6
_MAX_RESEEDS = 3


class EmptyClass(RError):
    """A class lost all its members during the EM iterations and could not be revived."""


@dataclass(frozen=True)
class EmControl:
    """Stata's ``emopts()``: ``iterate`` (20), ``tolerance`` (1e-4, largest relative
    parameter change), ``ltolerance`` (1e-6, relative log-likelihood change); and the
    M-step, ``"newton"`` or ``"irls"`` (module notes)."""

    iterate: int = 20
    tolerance: float = 1e-4
    ltolerance: float = 1e-6
    mstep: str = "newton"


@dataclass(frozen=True)
class EmResult:
    """Where the EM stopped (``state`` holds second derivatives)."""

    state: MixtureState
    iterations: int
    reseeds: int


def class_moments(problem: MixtureProblem, layout: Layout, posterior: np.ndarray) -> np.ndarray:
    """A crude ``theta`` for given class memberships: each class's intercept and
    ancillary from its weighted moments (slopes 0), the class-probability intercepts
    from the class shares."""
    w = problem.weights
    fam = problem.family
    g = np.zeros((layout.q, layout.k))
    b = np.zeros((layout.p, layout.k))
    anc = np.zeros(layout.k) if layout.n_anc else None
    shares = w @ posterior
    intercept = problem.xnames.index("(Intercept)") if "(Intercept)" in problem.xnames else None
    zint = problem.znames.index("(Intercept)") if "(Intercept)" in problem.znames else None
    for k in range(layout.k):
        eta0, anc0 = fam.start(problem.response, w * posterior[:, k] + 1e-12)
        if intercept is not None:
            b[intercept, k] = eta0
        if anc is not None:
            anc[k] = anc0
        if zint is not None:
            g[zint, k] = np.log(max(shares[k], 1e-12) / max(shares[layout.base - 1], 1e-12))
    return layout.pack(g, b, anc)


def initial_state(problem: MixtureProblem, layout: Layout, fmap: FreeMap, start: Start
                  ) -> MixtureState:
    """The parameters a start stands for: a parameter vector as given (projected onto
    the constraints); class memberships through an M-step run to convergence."""
    if start.theta is not None:
        return evaluate(problem, layout, fmap.project(start.theta), order=2)
    theta = fmap.project(class_moments(problem, layout, start.posterior))
    return fit_posterior(problem, layout, fmap, theta, start.posterior)


def _accept(value: float) -> float:
    return 1e-12 * max(1.0, abs(value))


def _newton_step(problem, layout, fmap, state) -> MixtureState:
    basis = fmap.basis
    g = basis.T @ gradient(problem, layout, state)
    h = basis.T @ hessian(problem, layout, state, complete=True) @ basis
    if not (np.isfinite(g).all() and np.isfinite(h).all()):
        return state
    step = basis @ newton_direction(g, h)
    t = 1.0
    for _ in range(40):
        trial = evaluate(problem, layout, state.theta + t * step, order=2)
        if trial.usable and trial.loglik >= state.loglik - _accept(state.loglik):
            return trial
        t /= 2
    return state


def _masked_newton(problem, layout, state: MixtureState, mask: np.ndarray,
                   steps: int) -> MixtureState:
    """Newton steps on the complete-data log likelihood (posteriors fixed) in the
    parameters of ``mask`` only."""
    tau = state.posterior
    current = state
    value = complete_loglik(problem, current)
    for _ in range(steps):
        g = gradient(problem, layout, current)[mask]
        if not np.isfinite(g).all() or np.linalg.norm(g) == 0:
            break
        h = hessian(problem, layout, current, complete=True)[np.ix_(mask, mask)]
        if not np.isfinite(h).all():
            break
        step = np.zeros(layout.size)
        step[mask] = newton_direction(g, h)
        t = 1.0
        for _ in range(40):
            trial = with_posterior(evaluate(problem, layout, current.theta + t * step, 2), tau)
            new_value = complete_loglik(problem, trial)
            if trial.usable and new_value >= value - _accept(value):
                break
            t /= 2
        else:
            break
        current, value = trial, new_value
    return current


def _irls_step(problem, layout, state: MixtureState) -> MixtureState:
    """flexmix's M-step: the class GLMs by IRLS, then ancillaries and class model."""
    tau = state.posterior
    g, b, anc = layout.unpack(state.theta)
    for k in range(layout.k):
        coef = glm_class_fit(problem, problem.weights * tau[:, k], b[:, k],
                             None if anc is None else float(anc[k]))
        if coef is None:
            return state  # the caller falls back to a Newton step
        b[:, k] = coef
    theta = layout.pack(g, b, anc)
    fixed = with_posterior(evaluate(problem, layout, theta, order=2), tau)
    mask = np.zeros(layout.size, dtype=bool)
    mask[: layout.n_gamma] = True
    if layout.n_anc:
        mask[[layout.anc_index(k) for k in range(1, layout.k + 1)]] = True
    if mask.any():
        fixed = _masked_newton(problem, layout, fixed, mask, steps=3)
    return evaluate(problem, layout, fixed.theta, order=2)


def _reseed(problem, layout, fmap, state: MixtureState, empty: int) -> MixtureState:
    """Give the empty class (0-based) the rows fitted worst and refit."""
    n = problem.n
    size = max(layout.p + layout.n_anc, -(-n // (2 * layout.k)))
    worst = np.argsort(state.ll_rows, kind="stable")[:size]
    tau = state.posterior.copy()
    tau[:, empty] = 0.0
    tau[worst] = 0.0
    tau[worst, empty] = 1.0
    tau /= tau.sum(axis=1, keepdims=True)
    return fit_posterior(problem, layout, fmap, state.theta, tau)


def _empty_class(problem: MixtureProblem, state: MixtureState) -> int:
    mass = problem.weights @ state.posterior
    small = np.flatnonzero(mass < _EMPTY * problem.weights.sum())
    return int(small[0]) if small.size else -1


def run_em(problem: MixtureProblem, layout: Layout, fmap: FreeMap, state: MixtureState,
           control: EmControl = EmControl()) -> EmResult:
    """EM iterations from ``state`` (module notes).

    R: (none; flexmix's ``FLXfit``, Stata's ``emopts()``)

    Raises
    ------
    EmptyClass
        A class emptied more than three times.
    """
    if control.mstep not in MSTEPS:
        listed = ", ".join(f'"{m}"' for m in MSTEPS)
        raise RError(f"'mstep' should be one of {listed}")
    use_irls = (control.mstep == "irls" and has_glm_mstep(problem)
                and fmap.n_free == layout.size and not fmap.theta0.any())
    reseeds = 0
    iterations = 0
    while True:
        empty = _empty_class(problem, state)
        if empty >= 0:
            if reseeds >= _MAX_RESEEDS or layout.k == 1:
                raise EmptyClass(f"class {empty + 1} became empty during the EM iterations; "
                                 f"try other starting values")
            reseeds += 1
            state = _reseed(problem, layout, fmap, state, empty)
            continue
        if iterations >= control.iterate:
            break
        new = _irls_step(problem, layout, state) if use_irls else state
        if new is state or new.loglik < state.loglik - _accept(state.loglik):
            new = _newton_step(problem, layout, fmap, state)
        iterations += 1
        change = abs(new.loglik - state.loglik) / max(abs(state.loglik), 1e-300)
        params = float(np.max(np.abs(new.theta - state.theta) / (np.abs(state.theta) + 1.0)))
        state = new
        if change < control.ltolerance or params < control.tolerance:
            break
    return EmResult(state=state, iterations=iterations, reseeds=reseeds)
