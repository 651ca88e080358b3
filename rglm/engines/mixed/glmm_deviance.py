"""lme4's GLMM objective functions: nAGQ = 0, Laplace and adaptive Gauss-Hermite.

R: the closures ``mkdevfun`` makes for a ``glmResp`` (``glmerLaplace``, ``glmerAGQ`` in
lme4's ``src/external.cpp``); glmm-behaviour.md sections 1.4-1.6.

All three are -2 log-likelihood approximations at (theta[, beta]) after a PIRLS run from
the stored linear predictor ``lp0``:

* nAGQ = 0: PIRLS over (u, beta) jointly; value ``aic(y, mu) + |u|^2 + log|L|^2``;
* Laplace (nAGQ = 1): PIRLS over u with beta given; the same formula;
* AGQ (nAGQ > 1, one scalar term): PIRLS over u, then per group
  ``D_j(u) = u^2 + sum of unit deviances`` at K nodes ``u_j + z_k / L_jj``; value
  ``sum D_j(u_j) + log|L|^2 - 2 sum log M_j`` with
  ``M_j = sum_k w_k exp(-(D_j(node) - D_j(u_j))/2 - log phi(z_k))/sqrt(2 pi)``.
  As in lme4 the data constant of ``aic`` is *not* included (its logLik is not
  comparable with nAGQ = 1 or glm; ``agq_constant()`` gives the difference).

``aic`` is the family's R ``aic`` (full normalising constants: log C(n, k), log y!, and
for gaussian/Gamma/inverse.gaussian the plug-in dispersion and R's "+2").
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from rglm.errors import RError

from ._threads import single_blas_thread
from .kernels import kernel_for
from .pirls import PirlsResult, pirls, start_state
from .problem import MixedProblem
from .quadrature import gh_rule

__all__ = ["GlmmDeviance"]

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)


def _aic_shift(problem: MixedProblem) -> Optional[float]:
    """aic - sum of unit deviances when it does not depend on mu, else None.

    For binomial data with integral counts and Poisson data with integral y, R's aic is
    -2 sum log p(y | mu) = sum d_i(y, mu) + c(y) exactly (the mu terms of the density
    are those of the deviance); c(y) is then computed once, at the starting means,
    instead of evaluating R's dbinom/dpois at every PIRLS evaluation.
    """
    fam = problem.family
    y, w, n = problem.y, problem.weights, problem.n_trials
    if fam.family == "binomial":
        m = n if np.any(n > 1) else w
        if not (np.all(m == np.round(m)) and np.all(m * y == np.round(m * y))):
            return None
    elif fam.family == "poisson":
        if not np.all(y == np.round(y)):
            return None
    else:
        return None
    mu = np.asarray(problem.mustart)
    dev = float(np.sum(fam.dev_resids(y, mu, w)))
    return float(fam.aic(y, n, mu, w, dev)) - dev


class GlmmDeviance:
    """The objective functions of one GLMM, with lme4's stored-eta state.

    R: the environment of ``glmer(..., devFunOnly = TRUE)``'s function: ``lp0`` is the
    only state that changes results (each evaluation restarts PIRLS from it); the
    previous evaluation's modes are kept only as step halving's fallback in a first
    iteration that gives NaN, as lme4 keeps them.

    Parameters
    ----------
    problem : MixedProblem
    tol, maxit : lme4's ``tolPwrss`` (1e-7) and PIRLS ``maxit`` (100).
    exact : bool
        PIRLS to convergence and the factor at the final weights (see
        :mod:`.pirls`).
    """

    def __init__(self, problem: MixedProblem, tol: float = 1e-7, maxit: int = 100,
                 exact: bool = False):
        if problem.family is None:
            raise RError("a GLMM needs a family")
        self.problem = problem
        self.tol, self.maxit, self.exact = tol, maxit, exact
        self.lp0: Optional[np.ndarray] = None
        self.last: Optional[PirlsResult] = None
        self.evaluations = 0
        self._u_prev: Optional[np.ndarray] = None
        self._beta_prev: Optional[np.ndarray] = None
        self._start: Optional[tuple] = None  # (lp0, pirls.start_state at it)
        self._aic_shift = _aic_shift(problem)
        self.kernel = kernel_for(problem)

    # ---- state ------------------------------------------------------------------------

    def initialize(self, theta: np.ndarray) -> PirlsResult:
        """The initial joint PIRLS at the starting theta, from eta = g(mustart).

        R: ``mkGlmerDevfun`` (``glmerLaplace`` with nAGQ = 0; then ``lp0 <-
        pp$linPred(1)``).
        """
        fam = self.problem.family
        self.lp0 = fam.linkfun(np.asarray(self.problem.mustart))
        res = self._run(np.asarray(theta, dtype=np.float64), None)
        self.set_lp0_from(res)
        return res

    def set_lp0_from(self, res: PirlsResult) -> None:
        """Store the linear predictor (without offset) of a PIRLS result as ``lp0``.

        R: ``rho$lp0 <- pp$linPred(1)`` (after the initialisation, and in
        ``updateGlmerDevfun`` after stage 1).
        """
        self.lp0 = res.eta - self.problem.offset

    def _run(self, theta: np.ndarray, beta: Optional[np.ndarray]) -> PirlsResult:
        if self.lp0 is None:
            raise RError("the deviance function has not been initialised")
        if self._start is None or self._start[0] is not self.lp0:
            self._start = (self.lp0, start_state(self.problem, self.lp0, self.kernel))
        with single_blas_thread():  # small dense factorisations (see _threads)
            res = pirls(self.problem, theta, self.lp0, beta, tol=self.tol,
                        maxit=self.maxit, exact=self.exact, u_prev=self._u_prev,
                        beta_prev=self._beta_prev, kernel=self.kernel,
                        start=self._start[1])
        self._u_prev = res.u
        if beta is None:
            self._beta_prev = res.beta
        self.last = res
        self.evaluations += 1
        return res

    # ---- values -----------------------------------------------------------------------

    def aic(self, res: PirlsResult) -> float:
        """R's ``family$aic(y, n, mu, wt, dev)`` at a PIRLS result."""
        if self._aic_shift is not None:
            return res.dev_resid_sum + self._aic_shift
        p = self.problem
        return float(p.family.aic(p.y, p.n_trials, res.mu, p.weights, res.dev_resid_sum))

    def laplace_value(self, res: PirlsResult) -> float:
        """``aic + |u|^2 + log|L|^2`` (R: ``glmResp::Laplace``)."""
        return self.aic(res) + res.ussq + res.ldL2

    def nagq0(self, theta) -> float:
        """The nAGQ = 0 objective, a function of theta (beta from PIRLS)."""
        return self.laplace_value(self._run(np.asarray(theta, dtype=np.float64), None))

    def laplace(self, theta, beta) -> float:
        """The Laplace (nAGQ = 1) objective at (theta, beta)."""
        return self.laplace_value(self._run(np.asarray(theta, dtype=np.float64),
                                            np.asarray(beta, dtype=np.float64)))

    def agq(self, theta, beta, nAGQ: int) -> float:
        """The adaptive Gauss-Hermite objective with ``nAGQ`` nodes (one scalar term)."""
        p = self.problem
        st = p.structure
        if st.kind != "diag":
            raise RError("nAGQ > 1 is only available for models with a single, scalar "
                         "random-effects term")
        res = self._run(np.asarray(theta, dtype=np.float64), np.asarray(beta, dtype=np.float64))
        codes = st.terms[0].codes
        nl = st.terms[0].nl
        kern = self.kernel
        devc0 = np.bincount(codes, weights=kern.dev_resids(res.mu),
                            minlength=nl) + res.u * res.u
        sd = 1.0 / res.factor.L_diag
        shift = res.U.matvec(sd)  # eta moves by z * (Z Lambda sd) at node z
        z, wts, ldnorm = gh_rule(int(nAGQ))
        mult = np.zeros(nl)
        for zk, wk, lk in zip(z, wts, ldnorm):
            if zk == 0.0:
                mult += wk
                continue
            mu_k = kern.linkinv(res.eta + zk * shift)
            uk = res.u + zk * sd
            devc = np.bincount(codes, weights=kern.dev_resids(mu_k),
                               minlength=nl) + uk * uk
            mult += np.exp(-0.5 * (devc - devc0) - lk) * wk / np.sqrt(2.0 * np.pi)
        return float(devc0.sum() + res.ldL2 - 2.0 * np.sum(np.log(mult)))

    def objective(self, nAGQ: int, ntheta: int):
        """f(pars) for the optimiser: nAGQ = 0 -> f(theta); else f((theta, beta))."""
        if nAGQ == 0:
            return self.nagq0
        if nAGQ == 1:
            return lambda pars: self.laplace(pars[:ntheta], pars[ntheta:])
        return lambda pars: self.agq(pars[:ntheta], pars[ntheta:], nAGQ)

    def agq_constant(self, res: Optional[PirlsResult] = None) -> float:
        """c(y) = aic - sum of unit deviances: what AGQ's value omits (a data constant;
        0 for 0/1 data)."""
        res = self.last if res is None else res
        return self.aic(res) - res.dev_resid_sum
