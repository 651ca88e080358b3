"""The recursive quadrature log likelihood of two nested levels, and its gradient, with
the adaptive nodes of both levels held fixed.

R: none (lme4 has the Laplace approximation only for nested terms); Stata:
``meglm ... || school: || class:``'s analytic derivatives with the adaptive parameters
fixed between Newton steps (Rabe-Hesketh, Skrondal and Pickles 2005).

Conventions as :mod:`.agq_nested`: rows sorted by (outer, inner) group; So outer groups
with q1 effects v, Ci inner groups with q2 effects u; Ko = K^q1 outer nodes, Ki = K^q2
inner nodes; the inner rule is adapted at each outer node.

Notes
-----
With the outer nodes v_sk = a_s + S_s z_k and the inner ones u_ckl = a_ck + S_ck z_l
frozen (the inner centres and scales belong to an outer node k),

    log L_s = log|S_s| + log sum_k exp(log w_k + sum_{c in s} log L_ck
                                       - |v_sk|^2 / 2 + |z_k|^2 / 2),
    log L_ck = log|S_ck| + log sum_l exp(log w_l + T_ckl - |u_ckl|^2 / 2 + |z_l|^2 / 2),

T_ckl the sum over the rows of c of log f at eta = o + x' beta + Vo' v_sk + Vi' u_ckl.
The derivative in any parameter is the posterior average over both rules: with the
outer weights P_sk and the inner ones p_ckl, d log L_s = sum_k P_sk sum_{c in s} sum_l
p_ckl sum_{i in c} s_ikl d eta_ikl, and d eta is x_i (beta), Z_out,i[a] v_sk[c] (an
outer theta entry), Z_in,i[a] u_ckl[c] (an inner one), as in :mod:`.agq_gradient`;
the family's own parameters (aux) enter log f only, with the same posterior average of
the response's ``aux_scores``.
"""

from __future__ import annotations

import numpy as np

from .agq_gradient import TermColumns, _FrozenResponse, logf_score
from .agq_level import _CHUNK, _eta, gsum, integrate_level, level_of, product_rule
from .agq_nested import _Nesting, nested_loglik
from .agq_vector import _nested_in
from .problem import MixedProblem

__all__ = ["FrozenNesting"]


class FrozenNesting(_FrozenResponse):
    """Two nested grouping factors' recursive rule with all nodes held fixed.

    Parameters
    ----------
    problem : MixedProblem
        Terms on two grouping factors, one nested in the other (checked by
        :func:`.agq_vector.marginal_loglik`, which the fit calls first); binomial,
        poisson or gaussian, or meglm's ordinal, nbinomial or gamma.
    K : int
        Points per dimension at both levels.
    """

    def __init__(self, problem: MixedProblem, K: int):
        st = problem.structure
        by_group: dict = {}
        for k, t in enumerate(st.terms):
            by_group.setdefault(t.group, []).append(k)
        (g1, t1), (g2, t2) = by_group.items()
        c1 = np.asarray(st.terms[t1[0]].codes, dtype=np.int64)
        c2 = np.asarray(st.terms[t2[0]].codes, dtype=np.int64)
        if _nested_in(c1, c2):          # the same choice as marginal_loglik's
            (t1, c1), (t2, c2) = (t2, c2), (t1, c1)
        order = np.lexsort((c2, c1))
        self.K = int(K)
        self._init_response(problem, order)
        self.X = np.ascontiguousarray(problem.X[order], dtype=np.float64)
        self.offset = np.asarray(problem.offset, dtype=np.float64)[order]
        self.outer_cols = TermColumns(st, order, t1)
        self.inner_cols = TermColumns(st, order, t2)
        self.nest = _Nesting(np.zeros(len(order)), c1[order], self.outer_cols.Z,
                             c2[order], self.inner_cols.Z)
        self.q1, self.q2 = self.outer_cols.Z.shape[1], self.inner_cols.Z.shape[1]
        self.z1, self.logw1 = product_rule(self.K, self.q1)
        self.z2, self.logw2 = product_rule(self.K, self.q2)

    def _outer_nodes(self, a, S) -> np.ndarray:
        return a[:, None, :] + np.einsum("gij,kj->gki", S, self.z1)       # (So, Ko, q1)

    def nodes_of(self, lik, params, intmethod: str) -> tuple:
        """(a_out, S_out, a_in, S_in): the outer nodes of a QuadLik, and the inner
        rule adapted at each of them (as :func:`.agq_nested.nested_loglik` does)."""
        return self._with_inner(params, intmethod, lik.centre, lik.scale)

    def _with_inner(self, params, intmethod: str, a, S) -> tuple:
        theta, beta, cl = self._split(params)
        v = np.swapaxes(self._outer_nodes(a, S), 0, 1)                    # (Ko, So, q1)
        outer = level_of(self.outer_cols.V(theta), self.nest.outer.codes)
        inner = level_of(self.inner_cols.V(theta), self.nest.inner.codes)
        eta0 = _eta((self.offset + self.X @ beta)[None, :], outer, v)
        _, a_in, S_in = integrate_level(cl, eta0, inner,
                                        intmethod, self.K)
        return a, S, a_in, np.asarray(S_in)

    def _adaptive(self, params, intmethod: str) -> tuple:
        """(log L, a_out, S_out): :func:`.agq_nested.nested_loglik` on the rows in
        this order, with the fused log density (marginal_loglik's value)."""
        theta, beta, cl = self._split(params)
        logl, a, S = nested_loglik(
            cl, self.offset + self.X @ beta,
            self.nest.outer.codes, self.outer_cols.V(theta), self.nest.inner.codes,
            self.inner_cols.V(theta), intmethod, self.K)
        return float(np.sum(logl)) + self._constant(params), a, S

    def refresh(self, params, intmethod: str, *nodes) -> tuple:
        """The nodes adapted at ``params`` (from scratch: the outer adaptation of
        nested_loglik, then the inner rule at the outer nodes)."""
        _, a, S = self._adaptive(params, intmethod)
        return self._with_inner(params, intmethod, a, S)

    def adapted_value(self, params, intmethod: str, *nodes) -> float:
        """The adaptive log likelihood (marginal_loglik's value)."""
        return self._adaptive(params, intmethod)[0]

    def value_grad(self, params, a, S, a_in, S_in) -> tuple:
        """(log L, gradient) of the frozen rule at params = (theta, beta[, log sigma][,
        aux])."""
        theta, beta, cl = self._split(params)
        nest, oc, ic = self.nest, self.nest.outer.codes, self.nest.inner.codes
        Vo, Vi = self.outer_cols.V(theta), self.inner_cols.V(theta)
        v = self._outer_nodes(a, S)                                       # (So, Ko, q1)
        Ko, n = v.shape[1], len(oc)
        u = a_in[:, :, None, :] + np.einsum("kcij,lj->kcli", S_in, self.z2)  # (Ko,Ci,Ki,q2)
        Ki = u.shape[2]
        base = self.offset + self.X @ beta
        half_z2 = 0.5 * np.sum(self.z2 * self.z2, -1)
        logdet_in = np.sum(np.log(np.diagonal(S_in, axis1=-2, axis2=-1)), -1)  # (Ko, Ci)
        logl_s = np.empty((Ko, nest.outer.G))
        npar = len(params)
        G = np.empty((Ko, nest.outer.G, npar))
        step = max(1, _CHUNK // max(1, n * Ki))
        for k0 in range(0, Ko, step):        # chunks of outer nodes bound the memory
            ks = slice(k0, min(Ko, k0 + step))
            vrow = np.swapaxes(v[:, ks], 0, 1)[:, oc, :]                    # (kc, n, q1)
            urow = u[ks][:, ic]                                       # (kc, n, Ki, q2)
            eta = (base + np.einsum("ni,kni->kn", Vo, vrow))[:, None, :] \
                + np.einsum("ni,knli->kln", Vi, urow)                        # (kc, Ki, n)
            logf, score = logf_score(cl, eta)
            tot = (self.logw2[None, :, None] + gsum(logf, nest.inner.starts, -1)
                   - 0.5 * np.swapaxes(np.sum(u[ks] * u[ks], -1), 1, 2)
                   + half_z2[None, :, None])                                # (kc, Ki, Ci)
            top = tot.max(axis=1)
            e = np.exp(tot - top[:, None, :])
            s = e.sum(axis=1)
            logl_c = logdet_in[ks] + top + np.log(s)                        # (kc, Ci)
            logl_s[ks] = gsum(logl_c, nest.class_starts, -1)
            post = (e / s[:, None, :])[:, :, ic]                            # (kc, Ki, n)
            ps = post * score
            r = ps.sum(axis=1)                                              # (kc, n)
            g_theta = np.zeros((r.shape[0], n, self.ntheta))
            g_theta[..., self.outer_cols.theta_index] = (
                self.outer_cols.Z[:, self.outer_cols.zcol]
                * (r[..., None] * vrow)[..., self.outer_cols.ucol])
            M = np.einsum("kln,knli->kni", ps, urow)
            g_theta[..., self.inner_cols.theta_index] = (
                self.inner_cols.Z[:, self.inner_cols.zcol] * M[..., self.inner_cols.ucol])
            parts = [g_theta, r[..., None] * self.X]
            if self.gaussian:
                parts.append(-2.0 * np.sum(post * logf, axis=1)[..., None])
            if self.naux:
                parts.append(np.einsum("kln,klnj->knj", post, cl.aux_scores(eta)))
            G[ks] = gsum(np.concatenate(parts, axis=-1), nest.outer.starts, -2)
        tot = (self.logw1[:, None] + logl_s - 0.5 * np.sum(v * v, -1).T
               + 0.5 * np.sum(self.z1 * self.z1, -1)[:, None])              # (Ko, So)
        top = tot.max(axis=0)
        e = np.exp(tot - top)
        s = e.sum(axis=0)
        logdet = np.sum(np.log(np.diagonal(S, axis1=-2, axis2=-1)), -1)
        grad = np.einsum("ks,ksj->j", e / s, G)
        if self.gaussian:
            grad[self.ntheta + self.p] -= self.npos
        return float(np.sum(logdet + top + np.log(s))) + self._constant(params), grad
