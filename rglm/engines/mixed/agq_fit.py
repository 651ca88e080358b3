"""Maximum likelihood over (theta, beta[, sigma]) with the quadrature log likelihood.

R: ``glmer(..., nAGQ = K)``'s stage 2 (lme4 optimises (theta, beta) jointly with
Nelder-Mead, here with L-BFGS-B on finite-difference gradients) without lme4's
restriction to one scalar term; Stata: ``meglm``'s maximisation (which uses Newton
steps with analytic derivatives; this is the engine's plain optimiser, not Stata's
iteration log).

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

from .agq_vector import QuadLik, marginal_loglik
from .glmm_deviance import GlmmDeviance
from .problem import MixedProblem

__all__ = ["QuadFit", "fit_quadrature"]

_INFEASIBLE = 1e100


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
    """

    theta: np.ndarray = field(repr=False)
    beta: np.ndarray = field(repr=False)
    sigma: Optional[float]
    lik: QuadLik = field(repr=False)
    converged: bool
    message: str
    evaluations: int

    @property
    def loglik(self) -> float:
        return self.lik.loglik


def fit_quadrature(problem: MixedProblem, *, intmethod: str = "mvaghermite",
                   intpoints: int = 7, start=None) -> QuadFit:
    """Maximise :func:`.agq_vector.marginal_loglik` over the parameters.

    R: ``glmer(formula, data, family, nAGQ = intpoints)`` (stage 2); Stata: ``meglm``.

    Parameters
    ----------
    problem : MixedProblem
    intmethod, intpoints : as :func:`.agq_vector.marginal_loglik`.
    start : array, optional
        (theta, beta[, log sigma]) to start from.
    """
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

    def objective(x) -> float:
        # A trial step far out (a coefficient of a wide-ranging covariate moved by 1)
        # can put eta in the hundreds, where the conditional modes are out of reach
        # (Newton on exp(eta) moves eta by ~1 per step): such a point counts as
        # infeasible, and the line search steps back from it.
        try:
            value = -2.0 * lik(x).loglik
        except RError:
            return _INFEASIBLE
        return value if np.isfinite(value) else _INFEASIBLE

    bounds = [(None if np.isinf(lo) else lo, None) for lo in st.lower]
    bounds += [(None, None)] * (len(start) - nt)
    opt = optimize.minimize(objective, start * scale, method="L-BFGS-B",
                            bounds=bounds,
                            options={"ftol": 1e-14, "gtol": 1e-8, "maxiter": 2000})
    x = opt.x / scale
    return QuadFit(theta=x[:nt], beta=x[nt:nt + p],
                   sigma=float(np.exp(x[nt + p])) if gaussian else None, lik=lik(opt.x),
                   converged=bool(opt.success), message=str(opt.message),
                   evaluations=int(opt.nfev))
