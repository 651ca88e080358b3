"""The gradient of meglm's log likelihood in Stata's parameters, with the adaptive
nodes held fixed.

Stata: ``meglm``'s analytic first derivatives (``ml``'s ``d1`` evaluator) on its own
scales -- log standard deviations, transformed correlations or Cholesky elements, the
family's cutpoints or log dispersion, ``log sd(e.y)``. The engine differentiates the
frozen rule in lme4's parameters (:class:`rglm.engines.mixed.agq_gradient.FrozenLevel`,
:class:`~rglm.engines.mixed.agq_gradient_nested.FrozenNesting`); this module maps
meglm's x to them and carries the gradient back by the chain rule.

Notes
-----
x = (beta, psi per level, aux[, log sigma]) goes to the engine's parameters
params = (theta, beta[, log sigma][, aux]): beta, aux and log sigma unchanged, and
theta_k = the lower triangle of level k's Cholesky factor L_k(psi_k) (lme4's column-wise
order). For a gaussian response :meth:`.likelihood.MeglmLik.theta` divides L by sigma
and :meth:`~.likelihood.MeglmLik.evaluate` multiplies it back, so the engine's theta is
L itself and does not depend on log sigma. Then grad_x = J' grad_params with J block
diagonal: identity blocks and d theta_k / d psi_k.

d L / d psi, exactly:

* independent, identity: L = diag(exp psi) (or exp(psi) I): d L_jj = L_jj;
* unstructured: the diagonal exp(psi_m), the others psi_m: d L = L_m or 1 at the
  element's place (masked elements stay 0);
* exchangeable: Sigma = s^2 R(rho), L = s chol(R): d L / d log s = L; for the
  correlation's z, d Sigma = s^2 rho'(z) (1 1' - I) with rho' = (1 - lo) e (1 - e),
  e = 1 / (1 + exp(-z)), and the Cholesky factor's derivative d L = L Phi(L^-1 d Sigma
  L^-T) (Phi: the lower triangle with half the diagonal; Murray 2016, "Differentiation
  of the Cholesky decomposition").
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from rglm.engines.mixed.agq_fit import FrozenOptimum, maximise_frozen
from rglm.engines.mixed.agq_gradient import (AUX_FAMILIES, GRADIENT_FAMILIES,
                                             FrozenLevel)
from rglm.engines.mixed.agq_gradient_nested import FrozenNesting
from rglm.engines.mixed.agq_vector import QuadLik

from .covariance import LevelCov
from .likelihood import MeglmLik

__all__ = ["chol_jacobian", "engine_params", "x_gradient", "analytic_applies",
           "FrozenMeglm", "maximise_analytic"]


def chol_jacobian(level: LevelCov, psi: np.ndarray) -> np.ndarray:
    """d L / d psi (q, q, nparam): the derivative of the level's Cholesky factor
    (:meth:`.covariance.LevelCov.chol`) in each of its parameters."""
    psi = np.asarray(psi, dtype=np.float64)
    q, m = level.q, level.nparam
    D = np.zeros((q, q, m))
    diag = np.arange(q)
    if level.kind == "independent":
        D[diag, diag, diag] = np.exp(psi)
    elif level.kind == "identity" or (level.kind == "exchangeable" and q == 1):
        D[diag, diag, 0] = np.exp(psi[0])
    elif level.kind == "exchangeable":
        L = level.chol(psi)
        D[:, :, 0] = L
        e = expit(psi[1])
        lo = -1.0 / (q - 1)
        dsigma = np.exp(2.0 * psi[0]) * (1.0 - lo) * e * (1.0 - e) * (
            np.ones((q, q)) - np.eye(q))
        A = np.linalg.solve(L, np.linalg.solve(L, dsigma).T)    # L^-1 dSigma L^-T
        phi = np.tril(A)
        phi[diag, diag] *= 0.5
        D[:, :, 1] = L @ phi
    else:
        ii, jj = level._free
        D[ii, jj, np.arange(len(ii))] = np.where(ii == jj, np.exp(psi), 1.0)
    return D


def engine_params(lik: MeglmLik, x: np.ndarray) -> np.ndarray:
    """The engine's (theta, beta[, log sigma][, aux]) at meglm's x."""
    beta, psis, aux, sigma = lik.parts(x)
    out = [lik.theta(psis, None), beta]
    if sigma is not None:
        out.append([np.log(sigma)])
    out.append(aux)
    return np.concatenate(out)


def x_gradient(lik: MeglmLik, x: np.ndarray, grad: np.ndarray) -> np.ndarray:
    """grad_x = J' grad, ``grad`` the gradient in the engine's parameters
    (:func:`engine_params`), in x's layout (beta, psi per level, aux[, log sigma])."""
    _, psis, _, sigma = lik.parts(x)
    st = lik.problem.structure
    nt, p = st.ntheta, lik.problem.p
    out = [grad[nt:nt + p]]
    for k, (lv, psi) in enumerate(zip(lik.levels, psis)):
        ii, jj = st.tril[k]
        off = st.reterms.theta_offsets[k]
        J = chol_jacobian(lv, psi)[ii, jj]                          # (ntheta_k, nparam)
        out.append(J.T @ grad[off:off + len(ii)])
    rest = grad[nt + p:]
    if sigma is not None:
        out += [rest[1:], rest[:1]]
    else:
        out.append(rest)
    return np.concatenate(out)


def analytic_applies(lik: MeglmLik) -> bool:
    """Adaptive or plain quadrature with more than one point over one level or two
    nested ones, a family the frozen rule differentiates, no sampling weights (their
    pseudo-likelihood goes through the finite-difference path)."""
    fam = lik.problem.family
    return (not lik.crossed and lik.intmethod != "laplace" and lik.intpoints > 1
            and len(lik.levels) <= 2 and getattr(lik, "pweights", None) is None
            and fam is not None and fam.family in GRADIENT_FAMILIES + AUX_FAMILIES)


class FrozenMeglm:
    """meglm's frozen rule on the optimiser's coordinates y = x * scale: the interface
    of :func:`rglm.engines.mixed.agq_fit.maximise_frozen`."""

    def __init__(self, lik: MeglmLik, scale: np.ndarray):
        self.lik, self.scale = lik, np.asarray(scale, dtype=np.float64)
        rule = FrozenLevel if len(lik.levels) == 1 else FrozenNesting
        self.frozen = rule(lik.problem, int(lik.intpoints))

    def params(self, y: np.ndarray) -> np.ndarray:
        return engine_params(self.lik, y / self.scale)

    def nodes_of(self, qlik: QuadLik, y: np.ndarray) -> tuple:
        """The nodes of :meth:`.likelihood.MeglmLik.evaluate`'s result at y."""
        return self.frozen.nodes_of(qlik, self.params(y), self.lik.intmethod)

    def value_grad(self, y: np.ndarray, *nodes) -> tuple:
        x = y / self.scale
        value, grad = self.frozen.value_grad(engine_params(self.lik, x), *nodes)
        return value, x_gradient(self.lik, x, grad) / self.scale

    def adapted_value(self, y: np.ndarray, intmethod: str, *nodes) -> float:
        return self.frozen.adapted_value(self.params(y), intmethod, *nodes)

    def refresh(self, y: np.ndarray, intmethod: str, *nodes) -> tuple:
        return self.frozen.refresh(self.params(y), intmethod, *nodes)

    def adapted_gradient(self, x: np.ndarray, nodes: tuple) -> np.ndarray:
        """The gradient in x of the rule adapted at x (the nodes re-adapted there, from
        ``nodes`` nearby, then frozen)."""
        params = engine_params(self.lik, x)
        fresh = self.frozen.refresh(params, self.lik.intmethod, *nodes)
        return x_gradient(self.lik, x, self.frozen.value_grad(params, *fresh)[1])

    def hessian(self, x: np.ndarray, nodes: tuple, rel: float = 1e-4) -> np.ndarray:
        """The Hessian of log L in x by central differences of
        :meth:`adapted_gradient` (2 adaptations per parameter), symmetrised.

        Stata's ``ml`` with a first-derivative evaluator (``d1``) takes its Hessian the
        same way, numerically from the analytic gradient. The rule's gradient at freshly
        adapted nodes misses the adaptive rule's own terms through the nodes (of the
        order of the rule's error, :mod:`rglm.engines.mixed.agq_gradient`), and so
        does this Hessian their derivative: about 1e-5 relative in the standard errors
        on groups of tens of rows, 2e-3 for grouseticks' broods of 1-3 Poisson counts
        at 7 points (where the 7-point rule's own Hessian is 3e-4 from the 15-point
        one). Used for two nested levels, whose re-adaptations are too costly for the
        value's second differences (:mod:`.fit`).
        """
        x = np.asarray(x, dtype=np.float64)
        h = rel * np.maximum(1.0, np.abs(x))
        H = np.empty((len(x), len(x)))
        for j in range(len(x)):       # one pass over the (few) parameters, not rows
            e = np.zeros(len(x))
            e[j] = h[j]
            H[j] = (self.adapted_gradient(x + e, nodes)
                    - self.adapted_gradient(x - e, nodes)) / (2.0 * h[j])
        return 0.5 * (H + H.T)


def maximise_analytic(lik: MeglmLik, first: QuadLik, y0: np.ndarray,
                      scale: np.ndarray) -> tuple:
    """(FrozenOptimum, FrozenMeglm): the engine's frozen-node maximisation
    (:func:`.agq_fit.maximise_frozen`) of meglm's likelihood from y0 = x0 * scale,
    ``first`` the likelihood evaluated at x0; and the rule on x's own scale (for the
    Hessian at the optimum)."""
    target = FrozenMeglm(lik, scale)
    opt = maximise_frozen(target, y0, target.nodes_of(first, y0), None, lik.intmethod)
    return opt, FrozenMeglm(lik, np.ones(len(y0)))
