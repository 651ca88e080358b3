"""The Laplace approximation for any response of the engine and any random-effects
structure, crossed factors included.

Stata: ``meglm ..., intmethod(laplace)``, the only method Stata offers for crossed
random effects, for every family (ordinal, nbinomial, gamma as well as R's); R:
``ordinal::clmm(..., nAGQ = 1)`` for an ordinal response (observed curvature), lme4's
``glmer(..., nAGQ = 1)`` for R's families with a canonical link (where the Fisher
weight of PIRLS is the observed curvature).

With lme4's spherical effects u ~ N(0, I_q), b = Lambda(theta) u and U = Z Lambda, the
log posterior of u is

    h(u) = sum_i log f(y_i | eta_i) - |u|^2 / 2,   eta = offset + X beta + U u,

(the response object's ``logf``; :mod:`.agq_response`).  Its mode u* is found by
Newton steps on the sparse system

    A(u) = U' W(u) U + I,   A(u) step = U' s(u) - u,

s and W the response's score and curvature in eta (``score_weight``: the observed
curvature for ordinal, NB2, gamma and the canonical links; NB1's clipped at 0,
:mod:`.agq_negbin`), each step halved until h does not decrease.  Then

    log L ~ sum_i log f(y_i | eta*_i) + constant - |u*|^2 / 2 - log|A(u*)| / 2,

the (2 pi)^(q/2) of the Gaussian integral cancelling that of the prior; A(u*) with the
observed curvature as it is (NB1's negative rows included: Stata's Hessian,
:func:`_log_det`).  A is factored
by the mixed engine's structure-aware factorisation (:func:`.system.factor_at`:
diagonal, block, Schur complement or sparse LU), so no loop runs over groups or rows.
For one level or two nested levels this is the engine's own ``intmethod = "laplace"``
(:func:`.agq_vector.marginal_loglik`), which finds the same joint mode level by level.

The mode of the previous evaluation is kept and starts the next one (as lme4's
deviance function keeps its state), so the evaluations of an optimiser, whose
parameters change little, take one or two Newton steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from rglm.errors import RError

from ._threads import single_blas_thread
from .agq_response import cond_lik
from .problem import MixedProblem
from .system import factor_at

__all__ = ["LaplaceValue", "GeneralLaplace"]

_MAXIT = 100
_TOL = 1e-10
_HALVINGS = 40


@dataclass(frozen=True)
class LaplaceValue:
    """The Laplace approximation at one (theta, beta, aux[, sigma]).

    Attributes
    ----------
    loglik : float
        log L with the response's constant.
    u : numpy.ndarray (q,)
        The spherical conditional modes u*.
    eta : numpy.ndarray (n,)
        The linear predictor at u*.
    ldL2 : float
        log|A(u*)|.
    iterations : int
        Newton steps taken.
    """

    loglik: float
    u: np.ndarray = field(repr=False)
    eta: np.ndarray = field(repr=False)
    ldL2: float
    iterations: int


class GeneralLaplace:
    """The Laplace approximation of one problem's likelihood, with the last mode kept.

    Parameters
    ----------
    problem : MixedProblem
        Any family of :func:`.agq_response.cond_lik` (R's binomial, Poisson, gaussian;
        meglm's ordinal, nbinomial, gamma) and any random-effects structure.

    Attributes
    ----------
    evaluations : int
    """

    def __init__(self, problem: MixedProblem):
        self.problem = problem
        self._order = np.arange(problem.n)
        self._u: Optional[np.ndarray] = None
        self.evaluations = 0

    def value(self, theta, beta, aux=None, sigma: Optional[float] = None) -> LaplaceValue:
        """The approximation at (theta, beta[, aux][, sigma]).

        Parameters
        ----------
        theta : array
            lme4's covariance parameters (Lambda's entries per term).
        beta : array (p,)
        aux : array, optional
            The family's own parameters (ordinal cutpoints, nbinomial's log
            dispersion, gamma's log scale).
        sigma : float, optional
            A gaussian response's residual SD.

        Raises
        ------
        RError
            The response's errors (bad aux), or when the modes do not converge.
        """
        p = self.problem
        st = p.structure
        theta = np.asarray(theta, dtype=np.float64)
        beta = np.asarray(beta, dtype=np.float64)
        if theta.shape != (st.ntheta,) or beta.shape != (p.p,):
            raise RError(f"need {st.ntheta} theta and {p.p} beta values")
        resp = cond_lik(p, self._order, sigma, aux)
        U = st.zlambda(theta)
        eta0 = p.offset + p.X @ beta
        self.evaluations += 1
        with single_blas_thread():
            res = None
            if self._u is not None:
                # a warm start far out (after a trial point of the line search) may
                # give no finite density or fail to converge: the prior mean is the
                # fallback
                try:
                    res = self._mode(resp, U, eta0, self._u)
                except RError:
                    res = None
            if res is None:
                res = self._mode(resp, U, eta0, np.zeros(st.q))
        if res is None:
            raise RError("conditional modes: no finite log posterior")
        u, eta, logf_sum, it = res
        ldA = _log_det(resp, U, st, eta)
        self._u = u
        loglik = logf_sum + resp.constant - 0.5 * float(u @ u) - 0.5 * ldA
        return LaplaceValue(loglik=float(loglik), u=u, eta=eta, ldL2=ldA, iterations=it)

    def loglik(self, theta, beta, aux=None, sigma: Optional[float] = None) -> float:
        """log L by the Laplace approximation (:meth:`value`'s ``loglik``)."""
        return self.value(theta, beta, aux, sigma).loglik

    def _mode(self, resp, U, eta0: np.ndarray, u: np.ndarray):
        """(u*, eta*, sum log f at u*, steps), or None when h(u) is not finite at the
        start."""
        st = self.problem.structure
        u = np.array(u, dtype=np.float64)
        eta = eta0 + U.matvec(u)
        lf = float(np.sum(resp.logf(eta)))
        obj = lf - 0.5 * float(u @ u)
        if not np.isfinite(obj):
            return None
        for it in range(1, _MAXIT + 1):
            score, weight = resp.score_weight(eta)
            grad = U.rmatvec(score) - u
            step = factor_at(st, U, np.sqrt(weight)).solve(grad)
            t = 1.0
            for _ in range(_HALVINGS):
                new = u + t * step
                eta_new = eta0 + U.matvec(new)
                lf_new = float(np.sum(resp.logf(eta_new)))
                obj_new = lf_new - 0.5 * float(new @ new)
                # rounding: at the mode h moves by ~1e-16 |h| either way
                if obj_new >= obj - 1e-12 * (1.0 + abs(obj)):
                    break
                t /= 2.0
            else:
                raise RError("conditional modes: step halving failed to increase the "
                             "log posterior")
            moved = t * float(np.max(np.abs(step), initial=0.0))
            u, eta, lf, obj = new, eta_new, lf_new, obj_new
            if moved < _TOL:
                return u, eta, lf, it
        raise RError(f"conditional modes did not converge in {_MAXIT} iterations")


def _log_det(resp, U, st, eta: np.ndarray) -> float:
    """log|A| at the mode with the observed curvature as it is.

    The Newton steps use the response's ``score_weight`` curvature, which NB1 clips at
    0 (its log density is not concave in eta everywhere); at the mode Stata's Hessian
    takes a row's negative curvature as it is.  With c = c+ + d (c+ the clipped one, d
    <= 0 on the m rows where c < 0, U_m their rows of U), the determinant lemma gives

        log|U' C U + I| = log|A+| + log|I_m + D U_m A+^-1 U_m'|,

    one m-column solve with A+'s factor; m is 0 for the other responses.
    """
    _, weight = resp.score_weight(eta)
    factor = factor_at(st, U, np.sqrt(weight))
    observed = getattr(resp, "observed_curvature", None)
    if observed is None:
        return float(factor.ldL2)
    d = observed(eta) - weight
    rows = np.flatnonzero(d != 0.0)
    if rows.size == 0:
        return float(factor.ldL2)
    Um = U.tocsr()[rows].T.toarray()                    # U_m' (q, m)
    M = np.eye(rows.size) + d[rows][:, None] * (Um.T @ factor.solve(Um))
    sign, logdet = np.linalg.slogdet(M)
    if sign <= 0:
        raise RError("the Laplace approximation's curvature is not positive definite at "
                     "the conditional modes")
    return float(factor.ldL2 + logdet)
