"""The quadrature log likelihood of one level of random effects, and its gradient, with
the adaptive nodes held fixed.

R: none (lme4 optimises its nAGQ objective by Nelder-Mead, derivative-free); Stata:
``meglm``'s analytic first derivatives, taken with the adaptive quadrature parameters
fixed at their current values and re-adapted between Newton steps (Rabe-Hesketh,
Skrondal and Pickles 2005, section 3).

Conventions (shapes) as :mod:`.agq_level`: rows sorted by group, G groups, q effects
per group, K = intpoints^q nodes; nodes on the spherical scale u (b = Lambda u).

Notes
-----
With the centres a_g and Cholesky scales S_g fixed, the nodes u_gk = a_g + S_g z_k no
longer depend on the parameters, and each group's rule

    log L_g = log|S_g| + log sum_k exp(l_gk),
    l_gk = log w_k + T_gk - |u_gk|^2 / 2 + |z_k|^2 / 2,
    T_gk = sum_{i in g} log f(y_i | eta_ik),  eta_ik = o_i + x_i' beta + V_i(theta)' u_gk,

is a smooth function of (theta, beta[, log sigma]) only through T. With the posterior
node weights p_gk = softmax_k(l_gk) and the scores s_ik = d log f / d eta at eta_ik:

* d log L / d beta = sum_i x_i r_i,  r_i = sum_k p_g(i)k s_ik;
* V_i = Z_i Lambda-block(theta) is linear in theta: the entry theta_j sits at row a,
  column c of its term's T, so d eta_ik / d theta_j = Z_i[a] u_gk[c] and
  d log L / d theta_j = sum_i Z_i[a] M_i[c],  M_i = sum_k p_g(i)k s_ik u_g(i)k;
* gaussian: log f = -d / (2 sigma^2) + c(sigma), so d log f / d log sigma = -2 (log f
  - c) - 1 per observation of positive weight.

The gradient is exact for the frozen rule. At a point where the rule has just been
adapted its value is the adaptive log likelihood; the adaptive rule's own derivative
differs by the terms through a(theta, beta) and S(theta, beta), which vanish with the
rule's error (the exact integral does not depend on where the nodes are), so the
stationary point of the refreshed frozen rule is the adaptive optimum up to that error
(:mod:`.agq_fit` corrects for it). :meth:`FrozenLevel.adapt` re-adapts from the current
nodes (fewer iterations than :func:`.agq_vector.marginal_loglik`'s start from u = 0).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from .agq_level import (group_modes, gsum, level_of, level_terms, mean_variance,
                        product_rule, rule_value, scale_of)
from .agq_response import CondLik
from .kernels import kernel_for
from .problem import MixedProblem

__all__ = ["FrozenLevel", "GRADIENT_FAMILIES"]

#: Families whose CondLik score is d log f / d eta with phi = 1 or sigma^2.
GRADIENT_FAMILIES = ("binomial", "poisson", "gaussian")


class FrozenLevel:
    """One grouping factor's quadrature rule with the nodes held fixed.

    Parameters
    ----------
    problem : MixedProblem
        All random-effects terms on one grouping factor; binomial, poisson or gaussian.
    K : int
        Points per dimension.

    Attributes
    ----------
    G, q, ntheta, p : int
    gaussian : bool
        The parameters end with log sigma.
    """

    def __init__(self, problem: MixedProblem, K: int):
        st = problem.structure
        codes = np.asarray(st.terms[0].codes, dtype=np.int64)
        order = np.argsort(codes, kind="stable")
        self.codes = codes[order]
        self.starts = np.flatnonzero(np.r_[True, self.codes[1:] != self.codes[:-1]])
        self.G = len(self.starts)
        self.gaussian = problem.family.family == "gaussian"
        # phi = 1 here; a gaussian's 1 / sigma^2 multiplies log f and the score
        self.cl = _fast(CondLik(problem, order, 1.0 if self.gaussian else None))
        self.npos = int(np.sum(self.cl.w > 0))
        self.X = np.ascontiguousarray(problem.X[order], dtype=np.float64)
        self.offset = np.asarray(problem.offset, dtype=np.float64)[order]
        self.cols = TermColumns(st, order, range(len(st.terms)))
        self.Z = self.cols.Z
        self.q = self.Z.shape[1]
        self.ntheta, self.p = st.ntheta, problem.p
        self.z, self.logw = product_rule(K, self.q)

    def V(self, theta: np.ndarray) -> np.ndarray:
        """Z Lambda's rows (n, q) in the engine's order."""
        return self.cols.V(theta)

    def nodes_of(self, lik, params=None, intmethod=None) -> tuple:
        """The frozen nodes of a :class:`.agq_vector.QuadLik`: (a, S)."""
        return lik.centre, lik.scale

    def refresh(self, params: np.ndarray, intmethod: str, *nodes) -> tuple:
        """The nodes adapted at ``params``, from ``nodes``."""
        return self.adapt(params, intmethod, *nodes)[1:]

    def adapted_value(self, params: np.ndarray, intmethod: str, *nodes) -> float:
        """The adaptive log likelihood, adapted from ``nodes``."""
        return self.adapt(params, intmethod, *nodes)[0]

    def adapt(self, params: np.ndarray, intmethod: str, a0: np.ndarray,
              S0: np.ndarray) -> tuple:
        """(log L, a, S): the adaptive rule at ``params``, its adaptation started from
        the centres a0 (G, q) and scales S0 (G, q, q) of a nearby point.

        The value of :func:`.agq_vector.marginal_loglik` (which starts from u = 0) up
        to the adaptation's tolerance: the modes are the same, and the mean-variance
        iterations reach the same fixed point, in fewer steps from nearby.
        """
        nt, p = self.ntheta, self.p
        inv_phi = float(np.exp(-2.0 * params[nt + p])) if self.gaussian else 1.0
        cl = _Scaled(self.cl, inv_phi)
        eta0 = (self.offset + self.X @ params[nt:nt + p])[None, :]
        level = level_of(self.V(params[:nt]), self.codes)
        terms = level_terms(cl, eta0, level)
        if intmethod == "ghermite":
            a, S = a0[None], S0[None]
            value = rule_value(terms, a, S, self.z, self.logw)[0]
        elif intmethod == "mvaghermite":
            value, a, S = mean_variance(terms, a0[None], S0[None], self.z, self.logw)
        else:
            a, hess = group_modes(cl, eta0, level, a0[None])
            S = scale_of(hess)
            value = rule_value(terms, a, S, self.z, self.logw)[0]
        return float(np.sum(value)) + self._constant(params), a[0], S[0]

    def _constant(self, params: np.ndarray) -> float:
        """sum_i c_i: a gaussian's -log sigma per row of positive weight included."""
        if self.gaussian:
            return self.cl.constant - self.npos * float(params[self.ntheta + self.p])
        return self.cl.constant

    def value_grad(self, params: np.ndarray, a: np.ndarray, S: np.ndarray) -> tuple:
        """(log L, gradient) of the frozen rule at params = (theta, beta[, log sigma]).

        ``a`` (G, q) and ``S`` (G, q, q) are the fixed centres and scales (u scale).
        """
        nt, p = self.ntheta, self.p
        theta, beta = params[:nt], params[nt:nt + p]
        inv_phi = float(np.exp(-2.0 * params[nt + p])) if self.gaussian else 1.0
        u = a[:, None, :] + np.einsum("gij,kj->gki", S, self.z)            # (G, K, q)
        un = np.swapaxes(u, 0, 1)[:, self.codes, :]                        # (K, n, q)
        eta = (self.offset + self.X @ beta)[None, :] + np.einsum(
            "ni,kni->kn", self.V(theta), un)
        logf = self.cl.logf(eta) * inv_phi                                 # (K, n)
        score, _ = self.cl.score_weight(eta)
        score = score * inv_phi
        tot = (self.logw[:, None] + gsum(logf, self.starts, -1)
               - 0.5 * np.sum(u * u, -1).T + 0.5 * np.sum(self.z * self.z, -1)[:, None])
        top = tot.max(axis=0)
        e = np.exp(tot - top)
        s = e.sum(axis=0)
        logdet = np.sum(np.log(np.diagonal(S, axis1=-2, axis2=-1)), -1)
        loglik = float(np.sum(logdet + top + np.log(s)))
        post = (e / s)[:, self.codes]                                      # (K, n)
        ps = post * score
        r = ps.sum(axis=0)
        M = np.einsum("kn,kni->ni", ps, un)
        g_theta = np.zeros(nt)
        g_theta[self.cols.theta_index] = self.cols.theta_grad(M)
        grad = [g_theta, self.X.T @ r]
        if self.gaussian:
            grad.append([-2.0 * float(np.sum(post * logf)) - self.npos])
        return loglik + self._constant(params), np.concatenate(grad)


class TermColumns:
    """The random-effects terms of one level: their Z columns side by side, Z Lambda at
    theta, and where each theta entry acts.

    theta_j sits at (row a, column c) of its term's T: d (Z Lambda)_i / d theta_j puts
    Z_i[a] in column c, so the gradient of sum_i M_i . (Z Lambda)_i-weighted sums is
    sum_i Z_i[a] M_i[c] (``theta_grad``).
    """

    def __init__(self, st, order: np.ndarray, term_idx):
        self._st, self._terms = st, list(term_idx)
        zcol, ucol, tidx, cols = [], [], [], []
        col = 0
        for k in self._terms:
            t = st.terms[k]
            ii, jj = st.tril[k]
            off = st.reterms.theta_offsets[k]
            zcol.append(col + np.asarray(ii))
            ucol.append(col + np.asarray(jj))
            tidx.append(off + np.arange(len(ii)))
            cols.append(np.asarray(t.X, dtype=np.float64)[order])
            col += t.p
        self.Z = np.concatenate(cols, axis=1)                       # (n, q)
        self.zcol = np.concatenate(zcol).astype(np.int64)
        self.ucol = np.concatenate(ucol).astype(np.int64)
        #: positions in theta of this level's entries
        self.theta_index = np.concatenate(tidx).astype(np.int64)

    def V(self, theta: np.ndarray) -> np.ndarray:
        """Z Lambda's rows (n, q) of these terms."""
        tm = self._st.tmats(theta)
        out = np.empty_like(self.Z)
        col = 0
        for k in self._terms:
            T = tm[k]
            out[:, col:col + T.shape[0]] = self.Z[:, col:col + T.shape[0]] @ T
            col += T.shape[0]
        return out

    def theta_grad(self, M: np.ndarray) -> np.ndarray:
        """sum over rows (last but one axis) of Z[:, a_j] M[..., c_j], per entry j."""
        return np.einsum("nj,...nj->...j", self.Z[:, self.zcol], M[..., self.ucol])


class _BernoulliLogit:
    """CondLik's log f and score for 0/1 responses and the logit link through the
    PIRLS kernel (:mod:`.kernels`): the same floating-point numbers as the family's
    functions, without their block-wise general path, which dominates a fit's time.
    The kernel's functions are elementwise with (n,) data, so they broadcast over the
    node axis."""

    def __init__(self, cl: CondLik):
        self.cl, self.y, self.w, self.constant = cl, cl.y, cl.w, cl.constant
        self.kernel = kernel_for(SimpleNamespace(family=cl.family, y=cl.y, weights=cl.w))

    def logf(self, eta: np.ndarray) -> np.ndarray:
        return self.kernel.dev_resids(self.kernel.linkinv(eta)) * (-0.5 / self.cl.phi)

    def score_weight(self, eta: np.ndarray) -> tuple:
        k = self.kernel
        mu = k.linkinv(eta)
        mueta = k.mu_eta(eta)
        var = k.variance(mu) * self.cl.phi
        return self.w * (self.y - mu) * mueta / var, self.w * mueta * mueta / var


def _fast(cl: CondLik):
    """The fused path where it applies (Bernoulli, logit), else ``cl`` itself."""
    fam = cl.family
    if fam.family == "binomial" and fam.link == "logit" \
            and np.all((cl.y == 0) | (cl.y == 1)):
        return _BernoulliLogit(cl)
    return cl


class _Scaled:
    """A CondLik with log f and its derivatives times 1 / phi (a gaussian's sigma^-2:
    the FrozenLevel's CondLik has phi = 1 so that sigma can vary)."""

    def __init__(self, cl: CondLik, inv_phi: float):
        self.cl, self.inv_phi = cl, inv_phi

    def logf(self, eta: np.ndarray) -> np.ndarray:
        return self.cl.logf(eta) * self.inv_phi

    def score_weight(self, eta: np.ndarray) -> tuple:
        score, weight = self.cl.score_weight(eta)
        return score * self.inv_phi, weight * self.inv_phi
