"""Empirical Bayes predictions of meglm's random effects: posterior means or modes and
their standard errors, by the fit's own quadrature rule.

Stata: ``predict, reffects`` after ``meglm`` -- ``ebmeans`` (the default: posterior
means) or ``ebmodes`` (posterior modes), with ``reses()`` (posterior standard
deviations; for modes, the curvature's); R: ``lme4::ranef(fit, condVar = TRUE)`` (the
modes, and the conditional variances).

Conventions: effects are computed on the spherical scale u (b = T u per group, T the
level's Cholesky factor, ``u ~ N(0, I)``), in the engine's group order (the grouping
codes sorted; inner groups by (outer, inner)), and returned on the b scale in the codes'
order.

One level, group g with rule nodes u_k = a_g + S_g z_k (the engine's final adaptive
centre and scale) and normalised weights p_gk proportional to
w_k f(y_g | u_k) phi(u_k) / phi(z_k): E[u | y] = sum_k p_gk u_k and Var[u | y] =
sum_k p_gk (u_k - m)(u_k - m)'.

Two nested levels (outer v, inner u_c): at each outer node v_k the inner rule gives
m_c(v_k) = E[u_c | v_k, y] and C_c(v_k), and the outer rule's weights P_sk those of
v; then E[u_c | y] = sum_k P_sk m_c(v_k) and Var[u_c | y] = sum_k P_sk (C_c(v_k) +
m_c m_c') - E E' (the inner means integrate over the outer effects), all outer nodes
at once (the inner rule's batch axis).

Modes: the joint posterior mode (the engine's Laplace centres, then the inner modes
given it); their standard errors the diagonal blocks of the inverse of minus the joint
Hessian (for the inner level H_uu^-1 + H_uu^-1 H_uv Schur^-1 H_vu H_uu^-1).

Sampling weights (a weighted fit's pseudo-likelihood): the observations' weights
multiply their log f in every conditional likelihood; the inner groups' weights w_c
raise each inner integral to its power in the outer posterior, p(v | y) proportional to
phi(v) prod_c L_c(v)^{w_c} (the pseudo-likelihood's own outer integrand, the weighted
conditional likelihood of the lower units, as Stata's ``predict, reffects`` after a
weighted ``meglm``), while E[u_c | v, y] is the unweighted-by-w_c posterior of the
group given v. The top level's weights do not enter any posterior (they multiply a
group's whole log integral). Modes: the joint mode of the same weighted objective
(the engine's Laplace centre), the curvature's v-blocks weighted as the engine's
Schur complement.

Crossed factors are integrated by the Laplace approximation (Stata's rule): their
predictions are the joint modes (lme4's PIRLS, to convergence) with lme4's conditional
variances, means and modes alike.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

import numpy as np

from rglm.engines.mixed.agq_level import (check_intpoints, group_modes, gsum,
                                          integrate_level, level_of, level_terms,
                                          product_rule, rule_value)
from rglm.engines.mixed.agq_response import cond_lik
# lme4's condVar at a GLMM's PIRLS state (the glmer wing's conditional variances)
from rglm.engines.mixed.fit import _glmm_cond_var, _lmm_cond_var
from rglm.engines.mixed.laplace_general import GeneralLaplace
from rglm.engines.mixed.lmm_deviance import LmmDeviance
from rglm.errors import RError
from rglm.models.meglm.likelihood import crossed_deviance

__all__ = ["Posterior", "posterior"]


@dataclass(frozen=True)
class Posterior:
    """Per grouping factor (the problem's term order): the effects b (levels, q) and
    their posterior covariance (levels, q, q), each in the factor's code order."""

    groups: tuple
    b: tuple
    cov: tuple


def _columns(problem, theta):
    """[(group, codes, V (n, q), T (q, q))] per term (one term per grouping factor)."""
    st = problem.structure
    return [(t.group, np.asarray(t.codes, dtype=np.int64), t.X @ T, T)
            for t, T in zip(st.terms, st.tmats(theta))]


def _moments(u: np.ndarray, p: np.ndarray) -> tuple:
    """Mean (..., q) and covariance (..., q, q) of nodes u (..., K, q), weights p."""
    m = np.einsum("...k,...ki->...i", p, u)
    d = u - m[..., None, :]
    return m, np.einsum("...k,...ki,...kj->...ij", p, d, d)


def _rule_moments(cl, eta0, level, a, S, K, intmethod) -> tuple:
    """The rule's posterior mean and variance of each group's u (B, G, q); with one
    node (Laplace) the centre and the curvature's variance S S'."""
    if K == 1 or intmethod == "laplace":
        return a, S @ np.swapaxes(S, -1, -2)
    z, logw = product_rule(K, level.q)
    _, u, p = rule_value(level_terms(cl, eta0, level), a, S, z, logw)
    return _moments(u, p)


def _setup(fit):
    lik = fit.lik
    beta, psis, aux, sigma = lik.parts(fit.x)
    theta = lik.theta(psis, sigma)
    if sigma is not None:
        theta = theta * sigma  # b's own scale (the engine's gaussian convention)
    problem = lik.problem
    eta_fix = problem.offset + problem.X @ beta
    pw = getattr(lik, "pweights", None)
    obs_w = None if pw is None else pw.obs
    aux = aux if lik.naux else None
    return lik, problem, theta, eta_fix, sigma, aux, obs_w


def _inner_weights(fit, group: str, order: np.ndarray, inner) -> Optional[np.ndarray]:
    """(each row's inner-group sampling weight, each inner group's), in the engine's
    order, or None when the inner level is unweighted."""
    pw = getattr(fit.lik, "pweights", None)
    rows = None if pw is None else pw.rows(group)
    if rows is None:
        return None
    wrow = np.asarray(rows, dtype=np.float64)[order]
    return wrow, wrow[inner.starts]


def posterior(fit, kind: str = "ebmeans", intpoints: Optional[int] = None) -> Posterior:
    """The random effects' posterior means (``"ebmeans"``) or modes (``"ebmodes"``) and
    covariances at the fit's parameters. Stata: ``predict, reffects [ebmodes]
    reses() intpoints()``.
    """
    lik, problem, theta, eta_fix, sigma, aux, obs_w = _setup(fit)
    if lik.crossed:
        return _crossed(fit, theta)
    cols = _columns(problem, theta)
    K = lik.intpoints if intpoints is None else intpoints
    method = lik.intmethod
    if method == "laplace":
        K = 1
    else:
        K = check_intpoints(K, sum(V.shape[1] for _, _, V, _ in cols))
    if len(cols) == 1:
        u, C = _one_level(fit, cols[0], eta_fix, sigma, aux, obs_w, kind, K)
        us, Cs, order = [u], [C], [0]
    elif len(cols) == 2:
        us, Cs, order = _two_levels(fit, cols, eta_fix, sigma, aux, obs_w, kind, K)
    else:
        raise RError("empirical Bayes predictions integrate at most two nested levels")
    b, cov = [None] * len(cols), [None] * len(cols)
    for j, u, C in zip(order, us, Cs):
        T = cols[j][3]
        b[j] = u @ T.T
        cov[j] = T @ C @ T.T
    return Posterior(groups=tuple(c[0] for c in cols), b=tuple(b), cov=tuple(cov))


def _one_level(fit, col, eta_fix, sigma, aux, obs_w, kind, K):
    _, codes, V, _ = col
    order = np.argsort(codes, kind="stable")
    cl = cond_lik(fit.lik.problem, order, sigma, aux, obs_w)
    level = level_of(V[order], codes[order])
    eta0 = eta_fix[order][None, :]
    if kind == "ebmodes":
        u, hess = group_modes(cl, eta0, level)
        return u[0], np.linalg.inv(hess[0])
    # the engine's final centres and scales: the rule the fit integrated with
    q = fit.lik.evaluate(fit.x)
    a, S = q.centre[None], q.scale[None]
    m, C = _rule_moments(cl, eta0, level, a, S, K, fit.lik.intmethod)
    return m[0], C[0]


def _two_levels(fit, cols, eta_fix, sigma, aux, obs_w, kind, K):
    (g1, c1, V1, _), (g2, c2, V2, _) = cols
    outer_j, inner_j = 0, 1
    if np.unique(c1 + (c1.max() + 1) * c2).size == np.unique(c1).size:
        # c1 is nested in c2: the second factor is the outer one
        (g1, c1, V1), (g2, c2, V2) = (g2, c2, V2), (g1, c1, V1)
        outer_j, inner_j = 1, 0
    order = np.lexsort((c2, c1))
    cl = cond_lik(fit.lik.problem, order, sigma, aux, obs_w)
    c1o, c2o = c1[order], c2[order]
    new_out = np.r_[True, c1o[1:] != c1o[:-1]]
    new_in = new_out | np.r_[True, c2o[1:] != c2o[:-1]]
    outer = level_of(V1[order], np.cumsum(new_out) - 1)
    inner = level_of(V2[order], np.cumsum(new_in) - 1)
    # each inner group's outer group, and the inner groups' codes (engine order -> codes)
    parent = outer.codes[inner.starts]
    inner_codes = c2o[inner.starts]
    eta_f = eta_fix[order]
    weights = _inner_weights(fit, g2, order, inner)

    def inner_eta0(v):  # v (B, So, q1) -> (B, n)
        return eta_f[None, :] + np.einsum("ni,bni->bn", outer.V, v[:, outer.codes, :])

    if kind == "ebmodes":
        v, Cv, u, Cu = _joint_modes(fit, cl, outer, inner, parent, inner_eta0, weights)
    else:
        q = fit.lik.evaluate(fit.x)
        v, Cv, u, Cu = _nested_means(fit, cl, outer, inner, parent, inner_eta0,
                                     q.centre, q.scale, K, weights)
    # inner groups back to the inner factor's code order
    back = np.empty(len(inner_codes), dtype=np.int64)
    back[inner_codes] = np.arange(len(inner_codes))
    return [v, u[back]], [Cv, Cu[back]], [outer_j, inner_j]


def _nested_means(fit, cl, outer, inner, parent, inner_eta0, a, S, K, weights=None):
    method = fit.lik.intmethod
    q1 = outer.q
    if K == 1 or method == "laplace":
        Ko = 1
        v = a[:, None, :]
        logp = np.zeros((outer.G, 1))
    else:
        z, logw = product_rule(K, q1)
        Ko = len(logw)
        v = a[:, None, :] + np.einsum("gij,kj->gki", S, z)        # (So, Ko, q1)
    vb = np.swapaxes(v, 0, 1)                                      # (Ko, So, q1)
    eta0 = inner_eta0(vb)
    Ki = 1 if method == "laplace" else K
    logl, ai, Si = integrate_level(cl, eta0, inner, method, Ki)    # (Ko, Gi)
    m_in, C_in = _rule_moments(cl, eta0, inner, ai, Si, Ki, method)
    if Ko > 1:
        if weights is not None:     # prod_c L_c(v)^{w_c}
            logl = logl * weights[1]
        T = gsum(logl, np.flatnonzero(np.r_[True, parent[1:] != parent[:-1]]), -1).T
        tot = logw + T - 0.5 * np.sum(v * v, -1) + 0.5 * np.sum(z * z, -1)
        logp = tot - tot.max(axis=1, keepdims=True)
    P = np.exp(logp)
    P /= P.sum(axis=1, keepdims=True)                              # (So, Ko)
    mv, Cv = _moments(v, P)
    if Ko == 1:
        Cv = S @ np.swapaxes(S, -1, -2)
    Pc = P[parent]                                                 # (Gi, Ko)
    m = np.swapaxes(m_in, 0, 1)                                    # (Gi, Ko, q2)
    C = np.swapaxes(C_in, 0, 1)
    mu = np.einsum("ck,cki->ci", Pc, m)
    second = np.einsum("ck,ckij->cij", Pc, C + m[..., :, None] * m[..., None, :])
    Cu = second - mu[:, :, None] * mu[:, None, :]
    return mv, Cv, mu, Cu


def _joint_modes(fit, cl, outer, inner, parent, inner_eta0, weights=None):
    """The joint posterior mode and the inverse joint curvature's diagonal blocks
    (inner weights: each inner group's terms times w_c, as the engine's profile)."""
    lap = fit.lik if fit.lik.intmethod == "laplace" else replace(fit.lik,
                                                                 intmethod="laplace")
    v = lap.evaluate(fit.x).centre                                 # (So, q1)
    eta0 = inner_eta0(v[None])
    u, huu = group_modes(cl, eta0, inner)
    u, huu = u[0], huu[0]
    eta = eta0[0] + np.einsum("ni,ni->n", inner.V, u[inner.codes])
    _, w = cl.score_weight(eta)
    Vo, Vi = outer.V, inner.V
    wv = w if weights is None else w * weights[0]
    hvv = gsum(wv[:, None, None] * (Vo[:, :, None] * Vo[:, None, :]), outer.starts, 0) \
        + np.eye(outer.q)
    huv = gsum(w[:, None, None] * (Vi[:, :, None] * Vo[:, None, :]), inner.starts, 0)
    x = np.linalg.solve(huu, huv)                                  # H_uu^-1 H_uv
    starts = np.flatnonzero(np.r_[True, parent[1:] != parent[:-1]])
    cross = np.einsum("cji,cjk->cik", huv, x)
    if weights is not None:
        cross = cross * weights[1][:, None, None]
    schur = hvv - gsum(cross, starts, 0)
    Cv = np.linalg.inv(schur)
    Cu = np.linalg.inv(huu) + np.einsum("cij,ckj->cik", x @ Cv[parent], x)
    return v, Cv, u, Cu


def _crossed(fit, theta) -> Posterior:
    """Crossed factors, integrated by the Laplace approximation (Stata's rule): the
    joint posterior modes by lme4's PIRLS (to convergence) and their conditional
    variances (lme4's ``condVar``), the means and modes of the Laplace approximation."""
    problem = fit.lik.problem
    # the fit's own evaluator (its cross-products formed once, its PIRLS state warm at
    # the optimum); a fit built without one (by hand) gets a fresh one
    dev = fit.lik.deviance if fit.lik.deviance is not None else crossed_deviance(problem)
    if isinstance(dev, GeneralLaplace):
        # meglm's own families: the mode and the observed curvature there
        beta, _, aux, _ = fit.lik.parts(fit.x)
        val = dev.value(theta, beta, aux)
        u = val.u
        _, weight = cond_lik(problem, np.arange(problem.n), aux=aux).score_weight(val.eta)
        sqrtw = np.sqrt(weight)
    elif isinstance(dev, LmmDeviance):
        # a gaussian response: the posterior is normal, its mean the penalised least
        # squares solution at meglm's beta, u = A^-1 Lambda'Z'W (y - o - X beta), and
        # its covariance sigma^2 Lambda A^-1 Lambda' (lme4's condVar of an lmer fit)
        sigma = fit.lik.parts(fit.x).sigma
        rel = theta / sigma  # lmer's theta, relative to sigma (b = Lambda(rel) u)
        state = dev.solve(rel)
        lamt = problem.structure.lambdat(rel)
        u = state.factor.solve(np.asarray(
            lamt @ (dev.ZtWy - dev.ZtWX @ fit.coefficients.to_numpy())).ravel())
        b = problem.structure.b_of_u(rel, u)
        cv = _lmm_cond_var(dev.problem, False, rel, sigma)
    else:
        dev.laplace(theta, fit.coefficients.to_numpy())
        u, sqrtw = dev.last.u, dev.last.sqrtw
    if not isinstance(dev, LmmDeviance):
        b = problem.structure.b_of_u(theta, u)
        cv = _glmm_cond_var(problem, theta, sqrtw, 1.0)
    rt = problem.reterms
    blocks = [np.asarray(b[rt.Gp[k]:rt.Gp[k + 1]]).reshape(t.nl, t.p)
              for k, t in enumerate(rt.terms)]
    return Posterior(groups=tuple(t.group for t in rt.terms), b=tuple(blocks),
                     cov=tuple(np.asarray(c) for c in cv))
