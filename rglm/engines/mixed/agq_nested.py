"""Recursive Gauss-Hermite quadrature over two nested levels of random effects.

R: none in lme4 (Laplace only for nested terms such as ``(1 | school/class)``); Stata:
``meglm ... || school: || class:`` integrates "level by level", the lower-level
integrals inside the upper-level ones (Rabe-Hesketh, Skrondal and Pickles 2005).

For an outer group s (effects v ~ N(0, I_q1)) with inner groups c (effects
u_c ~ N(0, I_q2)):

    L_s = int phi(v) prod_c [ int phi(u) prod_{i in c} f(y_i | v, u) du ] dv.

The inner integrals are computed by :func:`.agq_level.integrate_level` at every outer
node at once (the outer nodes are its batch axis), each inner group adapted to the
outer node (its conditional mode and curvature, or posterior mean and variance, given
v); the outer rule is the same product rule over v.  The outer adaptation:

* ``mcaghermite``/``laplace``: the mode of the profile p(v) = max_u log posterior
  (Newton steps: its gradient is the partial derivative in v at u(v), its curvature
  the Schur complement H_vv - H_vu H_uu^-1 H_uv of the joint curvature).  The mode is
  the joint mode, and with one point per level the value is the joint Laplace
  approximation (|H| = |Schur| prod_c |H_uu,c|);
* ``mvaghermite``: from there, the outer rule's posterior mean and variance of v,
  iterated to a fixed point;
* ``ghermite``: no adaptation at either level.

Sampling weights of the inner groups (Stata's ``|| class:, pweight(w)``) raise each
inner integral to its weight, ``prod_c L_c(v)^{w_c}``: the outer rule sums
``w_c log L_c(v)``, and the outer adaptation uses the same weighted profile (its
gradient and Schur complement each inner group's times w_c), so that integer weights
integrate exactly as replicated inner groups do.  Observation weights are the
response's (:class:`~.agq_response.PWeighted`).
"""

from __future__ import annotations

import numpy as np

from rglm.errors import RError

from .agq_level import (_CHUNK, _NEWTON_MAXIT, _NEWTON_TOL, _eta, group_modes, gsum,
                        halved_step, integrate_level, level_of, mean_variance,
                        product_rule, rule_value, scale_of)
from .agq_response import CondLik

__all__ = ["nested_loglik"]


class _Nesting:
    """The two levels in the engine's row order (rows by outer group, then inner).

    Attributes: ``outer``, ``inner`` (:class:`~.agq_level.Level`), ``class_starts``
    (first inner group of each outer group), ``eta_fix`` (n,), ``wc`` (the inner
    groups' sampling weights, or None) and ``wrow`` (each row's inner-group weight, or
    None).
    """

    def __init__(self, eta_fix, c_out, V_out, c_in, V_in, w_in=None):
        new_out = np.r_[True, c_out[1:] != c_out[:-1]]
        new_in = new_out | np.r_[True, c_in[1:] != c_in[:-1]]
        self.outer = level_of(V_out, np.cumsum(new_out) - 1)
        self.inner = level_of(V_in, np.cumsum(new_in) - 1)
        school = self.outer.codes[self.inner.starts]
        self.class_starts = np.flatnonzero(np.r_[True, school[1:] != school[:-1]])
        self.eta_fix = eta_fix
        self.wrow = None if w_in is None else np.asarray(w_in, dtype=np.float64)
        self.wc = None if w_in is None else self.wrow[self.inner.starts]

    def weighted(self, x: np.ndarray, per_group: bool) -> np.ndarray:
        """x times the inner weights (per row, or per inner group along the last axis
        but ``per_group`` trailing axes)."""
        if self.wc is None:
            return x
        return x * (self.wc if per_group else self.wrow)

    def inner_eta0(self, v: np.ndarray) -> np.ndarray:
        """(B, n): the fixed part plus the outer effects v (B, So, q1)."""
        return _eta(self.eta_fix[None, :], self.outer, v)


def _profile(cl: CondLik, nest: _Nesting, v, u0) -> tuple:
    """p(v) per outer group, with the inner modes and curvatures and eta at them."""
    u, huu = group_modes(cl, nest.inner_eta0(v), nest.inner, u0)
    eta = _eta(nest.inner_eta0(v), nest.inner, u)
    p = (gsum(nest.weighted(cl.logf(eta), False), nest.outer.starts, -1)
         - 0.5 * gsum(nest.weighted(np.sum(u * u, -1), True), nest.class_starts, -1)
         - 0.5 * np.sum(v * v, -1))
    return p, u, huu, eta


def _profile_derivs(cl: CondLik, nest: _Nesting, v, huu, eta) -> tuple:
    """Gradient of p(v) (1, So, q1) and its curvature (Schur complement)."""
    Vo, Vi = nest.outer.V, nest.inner.V
    score, weight = cl.score_weight(eta)
    grad = gsum(nest.weighted(score, False)[..., None] * Vo, nest.outer.starts, -2) - v
    w = weight[..., None, None]
    hvv = gsum(nest.weighted(weight, False)[..., None, None]
               * (Vo[:, :, None] * Vo[:, None, :]), nest.outer.starts, -3)
    hvv = hvv + np.eye(Vo.shape[1])
    huv = gsum(w * (Vi[:, :, None] * Vo[:, None, :]), nest.inner.starts, -3)
    x = np.linalg.solve(huu, huv)
    cross = np.einsum("bcji,bcjk->bcik", huv, x)
    if nest.wc is not None:
        cross = cross * nest.wc[:, None, None]
    schur = hvv - gsum(cross, nest.class_starts, -3)
    return grad, schur


def _outer_mode(cl: CondLik, nest: _Nesting) -> tuple:
    """(v, curvature, inner modes at v) at the mode of the profile log posterior."""
    v = np.zeros((1, nest.outer.G, nest.outer.q))
    p, u, huu, eta = _profile(cl, nest, v, None)
    for _ in range(_NEWTON_MAXIT):
        grad, schur = _profile_derivs(cl, nest, v, huu, eta)
        step = np.linalg.solve(schur, grad[..., None])[..., 0]
        if np.max(np.abs(step), initial=0.0) < _NEWTON_TOL:
            return v, schur, u
        new, res = halved_step(v, step, p, lambda x: _profile(cl, nest, x, u))
        v = new
        p, u, huu, eta = res
    raise RError(f"conditional modes did not converge in {_NEWTON_MAXIT} iterations")


def _outer_terms(cl: CondLik, nest: _Nesting, intmethod: str, K: int, u_hat):
    """T(a, S, z) of the outer rule: sum over inner groups of their log integrals."""
    n = len(nest.eta_fix)
    kin = K ** nest.inner.q

    def terms(a: np.ndarray, S: np.ndarray, z: np.ndarray) -> np.ndarray:
        v = a[0][:, None, :] + np.einsum("gij,kj->gki", S[0], z)      # (So, Ko, q1)
        Ko = z.shape[0]
        out = np.empty((1, nest.outer.G, Ko))
        step = max(1, _CHUNK // (n * kin))
        for k0 in range(0, Ko, step):
            vb = np.swapaxes(v[:, k0:k0 + step], 0, 1)                 # (kc, So, q1)
            u0 = None if u_hat is None else np.broadcast_to(
                u_hat, (vb.shape[0],) + u_hat.shape[1:])
            logl, _, _ = integrate_level(cl, nest.inner_eta0(vb), nest.inner,
                                         intmethod, K, u0)
            out[0, :, k0:k0 + step] = gsum(nest.weighted(logl, True),
                                           nest.class_starts, -1).T
        return out

    return terms


def nested_loglik(cl: CondLik, eta_fix, c_out, V_out, c_in, V_in, intmethod: str,
                  K: int, w_in=None) -> tuple:
    """log L_s of each outer group (So,), and the outer centres and scales.

    Parameters
    ----------
    cl : CondLik
        In the rows' order.
    eta_fix : numpy.ndarray (n,)
        offset + X beta.
    c_out, V_out : the outer grouping codes (sorted) and Z Lambda rows (n, q1).
    c_in, V_in : the inner grouping codes (sorted within outer groups) and rows (n, q2).
    intmethod, K : as :func:`.agq_level.integrate_level` (both levels).
    w_in : numpy.ndarray (n,), optional
        Each row's inner-group sampling weight (constant within inner groups).
    """
    nest = _Nesting(eta_fix, c_out, V_out, c_in, V_in, w_in)
    q1 = nest.outer.q
    z, logw = product_rule(K, q1)
    if intmethod == "ghermite":
        a = np.zeros((1, nest.outer.G, q1))
        S = np.broadcast_to(np.eye(q1), (1, nest.outer.G, q1, q1))
        terms = _outer_terms(cl, nest, intmethod, K, None)
        logl = rule_value(terms, a, S, z, logw)[0]
    else:
        a, schur, u_hat = _outer_mode(cl, nest)
        S = scale_of(schur)
        terms = _outer_terms(cl, nest, intmethod, K, u_hat)
        if intmethod == "mvaghermite" and K > 1:
            logl, a, S = mean_variance(terms, a, S, z, logw)
        else:
            logl = rule_value(terms, a, S, z, logw)[0]
    return logl[0], a[0], S[0]
