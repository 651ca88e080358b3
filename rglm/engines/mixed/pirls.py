"""Penalised iteratively reweighted least squares: the conditional modes of a GLMM.

R: ``pwrssUpdate`` and ``internal_glmerWrkIter`` in lme4's ``src/external.cpp``.

lme4's rules, followed literally in the default ``"lme4"`` mode (glmm-behaviour.md
section 1.3; they decide lme4's Laplace value in its last digits, section 1.3.2):

1. start from a *stored* linear predictor: eta = offset + lp0 (lp0 from the
   initialisation or from the end of stage 1), whatever the current theta and beta;
2. each iteration: weights and working response at the current eta, factor A, solve
   for u (or jointly for u and beta), update eta;
3. the penalised deviance is ``sum(dev.resids) + |u|^2``; stop as soon as its relative
   change is below ``tol`` (1e-7) -- the factor kept is the one of this last solve,
   i.e. at the weights *before* the final update;
4. otherwise, while it is NaN or larger than before, halve the step (average the new
   and previous u, and beta), at most 20 times; then R's errors.

``"exact"`` mode iterates to a relative change of 1e-12 and refactors at the final
weights (the Laplace approximation at the true conditional mode).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from rglm.errors import RError

from .factor import cho_solve
from .kernels import kernel_for
from .problem import MixedProblem
from .system import factor_at, fixed_block

__all__ = ["PirlsResult", "pirls", "start_state", "MAX_HALVINGS"]

MAX_HALVINGS = 20
"""lme4's ``maxstephalfit``."""


@dataclass(frozen=True)
class PirlsResult:
    """The state at the end of a PIRLS run.

    Attributes
    ----------
    u : numpy.ndarray
        Spherical conditional modes.
    beta : numpy.ndarray
        The fixed effects (solved for in joint mode, given otherwise).
    eta, mu : numpy.ndarray
        Linear predictor and mean at (u, beta).
    factor : object
        The factor of A used by the last solve (see the module doc).
    sqrtw : numpy.ndarray
        The square-root working weights of that factor.
    U : ZLambda
        Z Lambda at theta.
    dev_resid_sum : float
        Sum of the unit deviances at mu.
    iterations : int
    """

    u: np.ndarray = field(repr=False)
    beta: np.ndarray = field(repr=False)
    eta: np.ndarray = field(repr=False)
    mu: np.ndarray = field(repr=False)
    factor: object = field(repr=False)
    sqrtw: np.ndarray = field(repr=False)
    U: object = field(repr=False)
    dev_resid_sum: float
    iterations: int

    @property
    def ldL2(self) -> float:
        return self.factor.ldL2

    @property
    def ussq(self) -> float:
        return float(self.u @ self.u)


def _weights(problem: MixedProblem, kern, eta: np.ndarray, mu: np.ndarray):
    mueta = kern.mu_eta(eta)
    sqrtw = mueta * np.sqrt(problem.weights / kern.variance(mu))
    return mueta, sqrtw


def start_state(problem: MixedProblem, lp0: np.ndarray, kernel=None) -> tuple:
    """What PIRLS's first iteration computes from the stored linear predictor alone:
    (eta, mu, sqrtw, sqrtw^2, (y - mu) / mu_eta) at eta = offset + lp0.

    Every evaluation of a stage starts from the same lp0 (rule 1 of the module doc), so
    the deviance function computes this once per lp0 and passes it in (``start``): the
    same numbers, by the same operations, without 5 passes over n per evaluation.
    """
    fam = kernel_for(problem) if kernel is None else kernel
    eta = problem.offset + lp0
    mu = fam.linkinv(eta)
    mueta, sqrtw = _weights(problem, fam, eta, mu)
    return eta, mu, sqrtw, sqrtw * sqrtw, (problem.y - mu) / mueta


def pirls(problem: MixedProblem, theta: np.ndarray, lp0: np.ndarray,
          beta: Optional[np.ndarray] = None, *, tol: float = 1e-7, maxit: int = 100,
          exact: bool = False, u_prev: Optional[np.ndarray] = None,
          beta_prev: Optional[np.ndarray] = None, kernel=None,
          start: Optional[tuple] = None) -> PirlsResult:
    """Conditional modes at theta: u only (``beta`` given) or u and beta jointly.

    R: ``glmerLaplace(pp, resp, nAGQ, tol, maxit)`` with ``uOnly = nAGQ > 0``.

    Parameters
    ----------
    problem : MixedProblem
    theta : array
    lp0 : array (n,)
        The stored linear predictor (without offset) the iterations start from.
    beta : array (p,), optional
        Given fixed effects (u-only mode); None: solve for beta too (nAGQ = 0, the
        initialisation).
    tol, maxit : float, int
        lme4's ``tolPwrss`` and ``maxit``.
    exact : bool
        Iterate to 1e-12 and refactor at the final weights.
    u_prev, beta_prev : array, optional
        What step halving in the first iteration falls back to (lme4: the previous
        evaluation's values; zeros at the start).
    kernel : optional
        The family's functions for this response (:func:`.kernels.kernel_for`).
    start : tuple, optional
        :func:`start_state` at ``lp0`` (computed here when omitted).

    Raises
    ------
    RError
        lme4's texts: ``PIRLS loop resulted in NaN value``, ``(maxstephalfit) PIRLS
        step-halvings failed to reduce deviance in pwrssUpdate``, ``pwrssUpdate did not
        converge in (maxit) iterations``.
    """
    fam = kernel_for(problem) if kernel is None else kernel
    X, y = problem.X, problem.y
    structure = problem.structure
    joint = beta is None
    U = structure.zlambda(theta)
    off = problem.offset if joint else problem.offset + X @ beta
    if start is None:
        start = start_state(problem, lp0, fam)
    eta, mu = start[0], start[1]
    u_old = np.zeros(structure.q) if u_prev is None else u_prev
    b_old = np.zeros(problem.p) if beta_prev is None else beta_prev
    b_cur = b_old if joint else beta
    oldpdev = np.finfo(np.float64).max
    tol_used = 1e-12 if exact else tol
    converged = False
    factor = sqrtw = None
    devsum = np.nan
    it = 0
    for it in range(1, maxit + 1):
        if it == 1:
            sqrtw, sw2, resid = start[2], start[3], start[4]
        else:
            mueta, sqrtw = _weights(problem, fam, eta, mu)
            sw2, resid = sqrtw * sqrtw, (y - mu) / mueta
        wz = sw2 * ((eta - off) + resid)
        factor = factor_at(structure, U, sqrtw)
        Utr = U.rmatvec(wz)
        if joint:
            WX = X * sw2[:, None]
            UtWX = U.rmatmat(WX)
            RX, AinvUtWX = fixed_block(factor, UtWX, X.T @ WX)
            cu = factor.solve(Utr)
            b_new = cho_solve(RX, X.T @ wz - UtWX.T @ cu)
            u_new = cu - AinvUtWX @ b_new
        else:
            u_new = factor.solve(Utr)
            b_new = beta
        lin = U.matvec(u_new)
        eta = off + lin + (X @ b_new if joint else 0.0)
        mu = fam.linkinv(eta)
        devsum = float(np.sum(fam.dev_resids(mu)))
        pdev = devsum + float(u_new @ u_new)
        if abs((oldpdev - pdev) / pdev) < tol_used:
            converged = True
            u_old, b_cur = u_new, b_new
            break
        if np.isnan(pdev) or pdev > oldpdev:
            for _ in range(MAX_HALVINGS):
                if not (np.isnan(pdev) or pdev > oldpdev):
                    break
                u_new = (u_old + u_new) / 2.0
                if joint:
                    b_new = (b_old + b_new) / 2.0
                eta = off + U.matvec(u_new) + (X @ b_new if joint else 0.0)
                mu = fam.linkinv(eta)
                devsum = float(np.sum(fam.dev_resids(mu)))
                pdev = devsum + float(u_new @ u_new)
            if np.isnan(pdev):
                raise RError("PIRLS loop resulted in NaN value")
            if pdev - oldpdev > tol_used:
                raise RError("(maxstephalfit) PIRLS step-halvings failed to reduce "
                             "deviance in pwrssUpdate")
        oldpdev = pdev
        u_old, b_old = u_new, (b_new if joint else b_old)
        b_cur = b_new
    if not converged:
        raise RError("pwrssUpdate did not converge in (maxit) iterations")
    if exact:
        _, sqrtw = _weights(problem, fam, eta, mu)
        factor = factor_at(structure, U, sqrtw)
    return PirlsResult(u=u_old, beta=np.asarray(b_cur, dtype=np.float64), eta=eta, mu=mu,
                       factor=factor, sqrtw=sqrtw, U=U, dev_resid_sum=devsum,
                       iterations=it)
