"""Maximum likelihood over (theta, beta[, sigma]) with the quadrature log likelihood.

R: ``glmer(..., nAGQ = K)``'s stage 2 (lme4 optimises (theta, beta) jointly with
Nelder-Mead) without lme4's restriction to one scalar term; Stata: ``meglm``'s
maximisation (not its iteration log).

Two optimisers:

* analytic (one grouping factor or two nested ones, binomial/poisson/gaussian, more
  than one node): Stata's scheme -- adapt the nodes at the current parameters,
  maximise the rule with the nodes held fixed by L-BFGS-B on its exact gradient
  (:mod:`.agq_gradient`, :mod:`.agq_gradient_nested`), re-adapt there, and repeat
  until a refresh no longer moves the parameters -- then a few corrections from that
  fixed point to the adaptive rule's own optimum, the numeric optimiser's (finite
  differences of the adaptive value at the end only: 2 adaptations per parameter and
  correction; see :func:`maximise_frozen`);
* numeric (the Laplace approximation, one node, other families): L-BFGS-B on
  finite-difference gradients of the adaptive log likelihood itself.  The Laplace
  approximation's value depends on the parameters through its curvature, which a
  frozen one-node rule ignores, hence no analytic path for it.

Starting values are lme4's: theta from the structure (1 on Lambda's diagonal), beta
from the joint PIRLS at that theta (``GlmmDeviance.initialize``, lme4's nAGQ = 0
start); for a gaussian response log(sigma) is a third block of parameters, started at
the root mean unit deviance there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np
from scipy import optimize

from rglm.errors import RError

from .agq_gradient import GRADIENT_FAMILIES, FrozenLevel
from .agq_gradient_nested import FrozenNesting
from .agq_vector import QuadLik, marginal_loglik
from .glmm_deviance import GlmmDeviance
from .problem import MixedProblem

__all__ = ["QuadFit", "fit_quadrature", "FrozenOptimum", "maximise_frozen", "OnScale"]

_INFEASIBLE = 1e100

GRADIENTS = ("auto", "analytic", "numeric")

#: Refreshes of the adaptive nodes before the analytic optimiser gives up.
_OUTER_MAXIT = 50
#: A refresh that moves no (scaled) parameter by more than this ends the iterations.
_OUTER_XTOL = 1e-7
#: Corrections towards the adaptive rule's own optimum, and the move that ends them.
_CORRECTIONS = 10
_CORRECTION_XTOL = 1e-6
#: Central-difference step (optimiser's scale) of the adaptive log likelihood.
_FD_STEP = 1e-4


@dataclass(frozen=True)
class QuadFit:
    """A maximised quadrature likelihood.

    Attributes
    ----------
    theta, beta : numpy.ndarray
    sigma : float or None
        The gaussian residual SD (None for other families).
    lik : QuadLik
        The log likelihood at the optimum.
    converged : bool
    message : str
        The optimiser's.
    evaluations : int
        Log-likelihood evaluations (frozen-rule ones and adaptations for the analytic
        optimiser).
    gradient : str
        ``"analytic"`` or ``"numeric"``: the optimiser used.
    refreshes : int
        Adaptations of the nodes by the analytic optimiser (0 for the numeric one).
    """

    theta: np.ndarray = field(repr=False)
    beta: np.ndarray = field(repr=False)
    sigma: Optional[float]
    lik: QuadLik = field(repr=False)
    converged: bool
    message: str
    evaluations: int
    gradient: str = "numeric"
    refreshes: int = 0

    @property
    def loglik(self) -> float:
        return self.lik.loglik


def _analytic_applies(problem: MixedProblem, intmethod: str, intpoints) -> bool:
    """One grouping factor or two (nested: marginal_loglik checks), a family with a
    score, and a rule of more than one node."""
    st = problem.structure
    if len({t.group for t in st.terms}) > 2 or problem.family is None \
            or problem.family.family not in GRADIENT_FAMILIES:
        return False
    return intmethod == "ghermite" or (intmethod in ("mvaghermite", "mcaghermite")
                                       and isinstance(intpoints, (int, np.integer))
                                       and not isinstance(intpoints, bool)
                                       and intpoints > 1)


def fit_quadrature(problem: MixedProblem, *, intmethod: str = "mvaghermite",
                   intpoints: int = 7, start=None, gradient: str = "auto") -> QuadFit:
    """Maximise :func:`.agq_vector.marginal_loglik` over the parameters.

    R: ``glmer(formula, data, family, nAGQ = intpoints)`` (stage 2); Stata: ``meglm``.

    Parameters
    ----------
    problem : MixedProblem
    intmethod, intpoints : as :func:`.agq_vector.marginal_loglik`.
    start : array, optional
        (theta, beta[, log sigma]) to start from.
    gradient : {"auto", "analytic", "numeric"}
        ``"auto"``: analytic where it applies (see the module doc), else numeric.

    Raises
    ------
    RError
        ``gradient="analytic"`` where it does not apply; as ``marginal_loglik``.
    """
    if gradient not in GRADIENTS:
        raise RError(f"gradient must be one of {', '.join(map(repr, GRADIENTS))}")
    analytic = _analytic_applies(problem, intmethod, intpoints)
    if gradient == "analytic" and not analytic:
        raise RError("analytic gradients need one grouping factor or two nested ones, "
                     "a binomial, poisson or gaussian response, and more than one "
                     "integration point")
    analytic = analytic and gradient != "numeric"
    st = problem.structure
    nt, p = st.ntheta, problem.p
    gaussian = problem.family is not None and problem.family.family == "gaussian"
    if start is None:
        theta0 = np.asarray(problem.reterms.theta, dtype=np.float64)
        res = GlmmDeviance(problem).initialize(theta0)
        start = np.concatenate([theta0, res.beta])
        if gaussian:
            start = np.append(start, 0.5 * np.log(res.dev_resid_sum / problem.n))
    start = np.asarray(start, dtype=np.float64)

    # The optimiser works on beta times each column's SD (constant columns: 1), so
    # that a unit step means as much for every coefficient (a covariate ranging over
    # +-50, or its square, would otherwise make the first line search leap).
    sd = problem.X.std(axis=0)
    scale = np.ones(len(start))
    scale[nt:nt + p] = np.where(sd > 0, sd, 1.0)

    def lik(y) -> QuadLik:
        x = y / scale
        sigma = float(np.exp(x[nt + p])) if gaussian else None
        return marginal_loglik(problem, x[:nt], x[nt:nt + p], intmethod=intmethod,
                               intpoints=intpoints, sigma=sigma)

    bounds = [(None if np.isinf(lo) else lo, None) for lo in st.lower]
    bounds += [(None, None)] * (len(start) - nt)
    if analytic:
        return _fit_analytic(problem, lik, start * scale, scale, bounds, intpoints,
                             intmethod)
    return _fit_numeric(lik, start * scale, scale, bounds, nt, p, gaussian)


def _infeasible_safe(lik):
    """-2 log L, or :data:`_INFEASIBLE` where the modes are out of reach."""

    def objective(y) -> float:
        # A trial step far out (a coefficient of a wide-ranging covariate moved by 1)
        # can put eta in the hundreds, where the conditional modes are out of reach
        # (Newton on exp(eta) moves eta by ~1 per step): such a point counts as
        # infeasible, and the line search steps back from it.
        try:
            value = -2.0 * lik(y).loglik
        except RError:
            return _INFEASIBLE
        return value if np.isfinite(value) else _INFEASIBLE

    return objective


def _fit_numeric(lik, y0, scale, bounds, nt, p, gaussian) -> QuadFit:
    """L-BFGS-B on finite-difference gradients of the adaptive log likelihood."""
    opt = optimize.minimize(_infeasible_safe(lik), y0, method="L-BFGS-B", bounds=bounds,
                            options={"ftol": 1e-14, "gtol": 1e-8, "maxiter": 2000})
    x = opt.x / scale
    return QuadFit(theta=x[:nt], beta=x[nt:nt + p],
                   sigma=float(np.exp(x[nt + p])) if gaussian else None, lik=lik(opt.x),
                   converged=bool(opt.success), message=str(opt.message),
                   evaluations=int(opt.nfev), gradient="numeric")


def _fit_analytic(problem, lik, y, scale, bounds, K, intmethod) -> QuadFit:
    """:func:`maximise_frozen` from the nodes adapted at y; the reported log
    likelihood is :func:`.agq_vector.marginal_loglik`'s at the end."""
    first = lik(y)      # before the frozen rule: intpoints' guard speaks first
    one_level = len({t.group for t in problem.structure.terms}) == 1
    frozen = (FrozenLevel if one_level else FrozenNesting)(problem, int(K))
    nt, p = frozen.ntheta, frozen.p
    target = OnScale(frozen, scale)
    opt = maximise_frozen(target, y, target.nodes_of(first, y, intmethod), bounds,
                          intmethod)
    x = opt.y / scale
    return QuadFit(theta=x[:nt], beta=x[nt:nt + p],
                   sigma=float(np.exp(x[nt + p])) if frozen.gaussian else None,
                   lik=lik(opt.y), converged=opt.converged, message=opt.message,
                   evaluations=opt.evaluations + 2, gradient="analytic",
                   refreshes=opt.refreshes)


class OnScale:
    """A frozen rule (:class:`.agq_gradient.FrozenLevel`, :class:`.agq_gradient_nested.
    FrozenNesting`) on the optimiser's coordinates y = params * scale: the interface
    :func:`maximise_frozen` calls (``value_grad``, ``adapted_value``, ``refresh``)."""

    def __init__(self, frozen, scale: np.ndarray):
        self.frozen, self.scale = frozen, scale

    def nodes_of(self, lik: QuadLik, y, intmethod: str) -> tuple:
        return self.frozen.nodes_of(lik, y / self.scale, intmethod)

    def value_grad(self, y, *nodes) -> tuple:
        value, grad = self.frozen.value_grad(y / self.scale, *nodes)
        return value, grad / self.scale

    def adapted_value(self, y, intmethod: str, *nodes) -> float:
        return self.frozen.adapted_value(y / self.scale, intmethod, *nodes)

    def refresh(self, y, intmethod: str, *nodes) -> tuple:
        return self.frozen.refresh(y / self.scale, intmethod, *nodes)


@dataclass(frozen=True)
class FrozenOptimum:
    """What :func:`maximise_frozen` reached.

    Attributes
    ----------
    y : numpy.ndarray
        The optimum on the optimiser's coordinates.
    nodes : tuple
        The nodes adapted there.
    converged : bool
    message : str
    evaluations : int
        Frozen-rule evaluations and adaptations.
    refreshes : int
    """

    y: np.ndarray = field(repr=False)
    nodes: tuple = field(repr=False)
    converged: bool
    message: str
    evaluations: int
    refreshes: int


def maximise_frozen(target, y, nodes: tuple, bounds, intmethod: str) -> FrozenOptimum:
    """Stata's scheme, then corrections to the adaptive rule's own optimum.

    Stata: ``meglm``'s maximisation with the adaptive quadrature parameters held fixed
    between steps (Rabe-Hesketh, Skrondal and Pickles 2005). Shared by
    :func:`fit_quadrature` (lme4's theta) and meglm's optimiser (Stata's parameters,
    :mod:`rglm.models.meglm.gradient`).

    1. Adapt, maximise the rule with its nodes frozen (L-BFGS-B on the exact gradient),
       re-adapt there, until a refresh moves no parameter by more than
       :data:`_OUTER_XTOL` (on the optimiser's scale): Stata's fixed point.
    2. There the frozen rule's gradient misses the terms through the nodes'
       dependence on the parameters, small with the rule's error but not nothing
       (1e-5 in log L for 5 points on groups of 15 Bernoulli rows). Central
       differences of the adaptive log likelihood (2 adaptations per parameter, each
       started from the current nodes) give the difference c between the two
       gradients; maximising the frozen rule plus c'(y - y0) -- a quasi-Newton step
       on the frozen curvature -- lands on the adaptive optimum. Repeated until it
       moves the parameters by less than :data:`_CORRECTION_XTOL`.

    Parameters
    ----------
    target
        ``value_grad(y, *nodes)`` -> (log L of the frozen rule, its gradient in y),
        ``adapted_value(y, intmethod, *nodes)`` -> the adaptive log L, and
        ``refresh(y, intmethod, *nodes)`` -> the nodes adapted at y (:class:`OnScale`).
        A point where ``value_grad`` raises RError (ordinal cutpoints out of order) or
        is not finite counts as infeasible.
    y : numpy.ndarray
        The start (optimiser's coordinates).
    nodes : tuple
        The nodes adapted at y.
    bounds : list of (low, high) or None
        L-BFGS-B's bounds.
    intmethod : str
    """
    evaluations = 0

    def maximise(y0, nodes, shift):
        def objective(yy) -> tuple:
            try:
                value, grad = target.value_grad(yy, *nodes)
            except (RError, np.linalg.LinAlgError):
                value, grad = np.nan, None
            if not (np.isfinite(value) and np.all(np.isfinite(grad))):
                return _INFEASIBLE, np.zeros_like(yy)
            return (-2.0 * value + shift @ (yy - y0), -2.0 * grad + shift)

        return optimize.minimize(objective, y0, jac=True, method="L-BFGS-B",
                                 bounds=bounds,
                                 options={"ftol": 1e-15, "gtol": 1e-9, "maxiter": 2000})

    def correction(yy, nodes):
        """Gradient of -2 log L (adaptive) minus the frozen rule's, at yy."""
        h = _FD_STEP
        G = np.empty(len(yy))
        for j in range(len(yy)):      # one pass over the (few) parameters, not rows
            e = np.zeros(len(yy))
            e[j] = h
            G[j] = -(target.adapted_value(yy + e, intmethod, *nodes)
                     - target.adapted_value(yy - e, intmethod, *nodes)) / h
        return G + 2.0 * target.value_grad(yy, *nodes)[1]

    converged, message, refreshes = False, "", 0
    shift = np.zeros(len(y))
    stages = (("refresh", _OUTER_MAXIT, _OUTER_XTOL),
              ("correct", _CORRECTIONS, _CORRECTION_XTOL))
    if intmethod == "ghermite":
        # fixed nodes: the frozen rule is the rule, its optimum the optimum
        stages = (("refresh", 1, np.inf),)
    try:
        for stage, maxit, xtol in stages:
            for _ in range(maxit):
                if stage == "correct":
                    shift = correction(y, nodes)
                    evaluations += 2 * len(y)
                opt = maximise(y, nodes, shift)
                moved = float(np.max(np.abs(opt.x - y), initial=0.0))
                y, message = opt.x, str(opt.message)
                nodes = target.refresh(y, intmethod, *nodes)
                evaluations += int(opt.nfev) + 1
                refreshes += 1
                if moved < xtol * (1.0 + float(np.max(np.abs(y), initial=0.0))):
                    break
            else:
                message = f"the adaptive optimum was not reached ({stage})"
                break
        else:
            converged = bool(opt.success)
    except (RError, np.linalg.LinAlgError) as err:
        # a correction's difference step or a refresh out of reach (the modes, or an
        # exchangeable correlation at its bound): stop where the fit is
        message = f"the adaptive nodes could not be found: {err}"
    return FrozenOptimum(y=y, nodes=nodes, converged=converged, message=message,
                         evaluations=evaluations, refreshes=refreshes)
