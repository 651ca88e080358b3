"""Gauss-Hermite product rules for one level of q-dimensional random effects.

R: lme4's ``glmerAGQ`` generalised from one scalar term to a q-vector per group (lme4
has it for q = 1 only); Stata: ``meglm, intmethod(ghermite | mcaghermite |
mvaghermite | laplace) intpoints(#)`` at one level.

Conventions (shapes):

* a level's rows are sorted by group; ``V`` (n, q) holds the rows of Z Lambda of its
  effects, so the linear predictor is ``eta_i = eta0_i + V_i . u_g(i)`` with the
  spherical effects ``u_g ~ N(0, I_q)`` (b = Lambda u, lme4's parametrisation);
* ``eta0`` is (B, n): B batches of the rest of the linear predictor (B = 1 for a
  single level; the outer level's nodes when this is the inner level of a nesting);
* centres ``a`` are (B, G, q), scales ``S`` (B, G, q, q) lower triangular, node
  values (B, G, K) for the K = intpoints^q nodes of the product rule.

For one group the integral is, with u = a + S z and phi_q the N(0, I) density,

    L = int prod_i f(y_i | u) phi_q(u) du
      = |S| int [prod_i f(y_i | a + S z) phi_q(a + S z) / phi_q(z)] phi_q(z) dz
      ~ |S| sum_k w_k exp(T_k - |u_k|^2 / 2 + |z_k|^2 / 2),

T_k = sum_i log f(y_i | u_k), the (2 pi)^(q/2) of both densities cancelling. The
methods choose (a, S): ``ghermite`` a = 0, S = I; ``mcaghermite`` the conditional mode
and the Cholesky factor of the inverse of minus the Hessian of the log posterior there
(lme4's choice for q = 1); ``mvaghermite`` the posterior mean and the Cholesky factor of
the posterior variance, found by iterating the rule's own moments from the
mode-curvature start to a fixed point (Stata's default; Rabe-Hesketh, Skrondal and
Pickles 2002, 2005); ``laplace`` is ``mcaghermite`` with one node.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from rglm.errors import RError

from .agq_response import CondLik
from .quadrature import gh_rule

__all__ = ["Level", "level_of", "product_rule", "check_intpoints", "gsum",
           "group_modes", "halved_step", "rule_value", "mean_variance", "integrate_level",
           "scale_of", "level_terms", "MAX_NODE_COORDS", "INTMETHODS"]

INTMETHODS = ("mvaghermite", "mcaghermite", "ghermite", "laplace")

MAX_NODE_COORDS = 100_000
"""Largest q * intpoints^q (node coordinates per group) accepted: each node costs a
pass over the group's rows, so the work grows as intpoints^q."""

#: Elements per (batch, node, row) block: bounds the memory of one pass over the data.
_CHUNK = 1 << 21

_NEWTON_MAXIT = 100
_NEWTON_TOL = 1e-10
_HALVINGS = 40
_MV_MAXIT = 200
_MV_TOL = 1e-8


@dataclass(frozen=True)
class Level:
    """One level of random effects, rows sorted by group.

    Attributes
    ----------
    V : numpy.ndarray (n, q)
        Rows of Z Lambda for this level's effects.
    codes : numpy.ndarray (n,)
        Group of each row (non-decreasing, 0..G-1).
    starts : numpy.ndarray (G,)
        First row of each group.
    """

    V: np.ndarray = field(repr=False)
    codes: np.ndarray = field(repr=False)
    starts: np.ndarray = field(repr=False)

    @property
    def G(self) -> int:
        return len(self.starts)

    @property
    def q(self) -> int:
        return self.V.shape[1]


def level_of(V: np.ndarray, codes: np.ndarray) -> Level:
    """A :class:`Level` from sorted codes (each of 0..G-1 present)."""
    codes = np.asarray(codes, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    return Level(V=np.ascontiguousarray(V, dtype=np.float64), codes=codes, starts=starts)


def check_intpoints(intpoints, q: int) -> int:
    """intpoints as an int; RError when below 1, above 100 or q * intpoints^q too large.

    Stata: ``intpoints(#)``; R: ``lme4::GHrule`` (orders 1 to 100).
    """
    if isinstance(intpoints, bool) or not isinstance(intpoints, (int, np.integer)) \
            or intpoints < 1:
        raise RError("intpoints must be a positive integer")
    K = int(intpoints)
    if K > 100:
        raise RError(f"intpoints = {K}: Gauss-Hermite rules have at most 100 points")
    coords = q * K ** q
    if coords > MAX_NODE_COORDS:
        raise RError(f"intpoints = {K} is too large for {q} random effects per group: "
                     f"{q} * {K}^{q} = {coords} node coordinates (at most "
                     f"{MAX_NODE_COORDS}); use fewer points")
    return K


@functools.cache
def product_rule(K: int, q: int) -> tuple:
    """(z (K^q, q), log w (K^q,)) of the q-fold product of the K-point rule for N(0, 1).

    R: ``lme4::GHrule(K)`` per dimension (weights summing to 1).
    """
    z1, w1, _ = gh_rule(K)
    grids = np.meshgrid(*([np.arange(K)] * q), indexing="ij")
    idx = np.stack([g.ravel() for g in grids], axis=1)
    z = z1[idx]
    logw = np.log(w1)[idx].sum(axis=1)
    z.setflags(write=False)
    logw.setflags(write=False)
    return z, logw


def gsum(x: np.ndarray, starts: np.ndarray, axis: int) -> np.ndarray:
    """Sums over the rows of each group along ``axis`` (rows sorted by group)."""
    return np.add.reduceat(x, starts, axis=axis)


def _eta(eta0: np.ndarray, level: Level, u: np.ndarray) -> np.ndarray:
    """eta0 + V_i . u_g(i) for u (B, G, q) -> (B, n)."""
    return eta0 + np.einsum("ni,bni->bn", level.V, u[:, level.codes, :])


def _objective(cl: CondLik, eta0, level: Level, u) -> np.ndarray:
    """The log posterior (up to constants) of each group: sum log f - |u|^2 / 2."""
    return gsum(cl.logf(_eta(eta0, level, u)), level.starts, -1) - 0.5 * np.sum(u * u, -1)


def _grad_hess(cl: CondLik, eta0, level: Level, u) -> tuple:
    """Gradient (B, G, q) and minus the Hessian (B, G, q, q) of the log posterior."""
    V = level.V
    score, weight = cl.score_weight(_eta(eta0, level, u))
    grad = gsum(score[..., None] * V, level.starts, -2) - u
    VV = V[:, :, None] * V[:, None, :]
    hess = gsum(weight[..., None, None] * VV, level.starts, -3)
    hess = hess + np.eye(level.q)
    return grad, hess


def halved_step(x: np.ndarray, step: np.ndarray, obj: np.ndarray, evaluate) -> tuple:
    """x + t step, t halved group by group until ``evaluate(x + t step)[0]`` (the log
    posterior of each group) is not below ``obj`` beyond rounding.

    Returns the new point and ``evaluate``'s result there (R: lme4's step halving in
    ``pwrssUpdate``, per group here).
    """
    t = np.ones(obj.shape)
    for _ in range(_HALVINGS):
        new = x + t[..., None] * step
        res = evaluate(new)
        worse = ~(res[0] >= obj - 1e-12 * (1.0 + np.abs(obj)))  # NaN is worse too
        if not worse.any():
            return new, res
        t = np.where(worse, t / 2.0, t)
    raise RError("conditional modes: step halving failed to increase the log posterior")


def group_modes(cl: CondLik, eta0: np.ndarray, level: Level, u0=None) -> tuple:
    """Conditional modes of every group and batch: Newton steps with step halving.

    R: lme4's PIRLS (``pwrssUpdate``) specialised to independent groups -- each group's
    q x q system solved at once for all groups and batches (no sparse factor); Stata:
    the posterior modes of ``predict, ebmodes``.

    Returns
    -------
    u : numpy.ndarray (B, G, q)
        The modes.
    hess : numpy.ndarray (B, G, q, q)
        Minus the Hessian of the log posterior at the modes (the curvature).

    Raises
    ------
    RError
        When the iterations do not converge.
    """
    B = eta0.shape[0]
    u = np.zeros((B, level.G, level.q)) if u0 is None else np.array(u0, dtype=np.float64)
    obj = _objective(cl, eta0, level, u)
    for _ in range(_NEWTON_MAXIT):
        grad, hess = _grad_hess(cl, eta0, level, u)
        step = np.linalg.solve(hess, grad[..., None])[..., 0]
        new, (obj,) = halved_step(u, step, obj,
                                  lambda x: (_objective(cl, eta0, level, x),))
        moved = np.max(np.abs(new - u), initial=0.0)
        u = new
        if moved < _NEWTON_TOL:
            break
    else:
        raise RError(f"conditional modes did not converge in {_NEWTON_MAXIT} iterations")
    _, hess = _grad_hess(cl, eta0, level, u)
    return u, hess


def scale_of(hess: np.ndarray) -> np.ndarray:
    """The lower Cholesky factor of hess^-1 (the conditional variance)."""
    return np.linalg.cholesky(np.linalg.inv(hess))


def level_terms(cl: CondLik, eta0: np.ndarray, level: Level):
    """T(a, S, z) -> (B, G, K): sum over each group's rows of log f at u = a + S z_k."""

    def terms(a: np.ndarray, S: np.ndarray, z: np.ndarray) -> np.ndarray:
        V, codes = level.V, level.codes
        base = _eta(eta0, level, a)                                   # (B, n)
        P = np.einsum("ni,bnij->bnj", V, S[:, codes])                 # V_i' S_g(i)
        B, n = base.shape
        K = z.shape[0]
        out = np.empty((B, level.G, K))
        step = max(1, _CHUNK // max(1, B * n))
        for k0 in range(0, K, step):
            zc = z[k0:k0 + step]
            eta = base[:, None, :] + np.einsum("bnj,kj->bkn", P, zc)
            out[:, :, k0:k0 + step] = np.swapaxes(
                gsum(cl.logf(eta), level.starts, -1), 1, 2)
        return out

    return terms


def rule_value(terms, a: np.ndarray, S: np.ndarray, z: np.ndarray,
               logw: np.ndarray) -> tuple:
    """(log L (B, G), nodes u (B, G, K, q), posterior node weights (B, G, K)).

    ``terms(a, S, z)`` gives sum log f at the nodes (see the module doc).
    """
    u = a[:, :, None, :] + np.einsum("bgij,kj->bgki", S, z)
    T = terms(a, S, z)
    tot = logw + T - 0.5 * np.sum(u * u, -1) + 0.5 * np.sum(z * z, -1)
    top = np.max(tot, axis=-1, keepdims=True)
    e = np.exp(tot - top)
    s = e.sum(-1)
    logdet = np.sum(np.log(np.diagonal(S, axis1=-2, axis2=-1)), -1)
    return logdet + top[..., 0] + np.log(s), u, e / s[..., None]


def mean_variance(terms, a, S, z, logw) -> tuple:
    """Iterate the rule's posterior mean and variance to a fixed point.

    Returns (log L, a, S) at the final centres and scales (Stata's ``mvaghermite``),
    once neither moves by more than 1e-8 of the scale (the value moves far less: it is
    the integral whatever the centre, up to the rule's error).
    """
    for _ in range(_MV_MAXIT):
        _, u, p = rule_value(terms, a, S, z, logw)
        m = np.einsum("bgk,bgki->bgi", p, u)
        d = u - m[:, :, None, :]
        C = np.einsum("bgk,bgki,bgkj->bgij", p, d, d)
        try:
            S_new = np.linalg.cholesky(C)
        except np.linalg.LinAlgError:
            raise RError("mean-variance adaptive quadrature: the posterior variance is "
                         "not positive definite; use more integration points") from None
        # changes in units of the current scale: a far-out group's moments carry
        # rounding (and R's clamping of mu) at ~1e-9 of its spread, so an absolute
        # tolerance could cycle forever
        da = np.linalg.solve(S, (m - a)[..., None])
        dS = np.linalg.solve(S, S_new) - np.eye(S.shape[-1])
        delta = max(np.max(np.abs(da), initial=0.0), np.max(np.abs(dS), initial=0.0))
        a, S = m, S_new
        if delta < _MV_TOL:
            break
    else:
        raise RError("mean-variance adaptive quadrature did not converge in "
                     f"{_MV_MAXIT} iterations")
    return rule_value(terms, a, S, z, logw)[0], a, S


def integrate_level(cl: CondLik, eta0: np.ndarray, level: Level, intmethod: str,
                    K: int, u0=None) -> tuple:
    """log of each group's integral, (B, G), and the final centres and scales.

    Parameters
    ----------
    cl : CondLik
    eta0 : numpy.ndarray (B, n)
    level : Level
    intmethod : one of :data:`INTMETHODS`
    K : int
        Points per dimension (1 for ``laplace``; ``mvaghermite`` with one point is
        the Laplace approximation too: one node has no posterior variance).
    u0 : numpy.ndarray (B, G, q), optional
        Start of the mode iterations.
    """
    q = level.q
    z, logw = product_rule(K, q)
    terms = level_terms(cl, eta0, level)
    B = eta0.shape[0]
    if intmethod == "ghermite":
        a = np.zeros((B, level.G, q))
        S = np.broadcast_to(np.eye(q), (B, level.G, q, q))
        return rule_value(terms, a, S, z, logw)[0], a, S
    a, hess = group_modes(cl, eta0, level, u0)
    S = scale_of(hess)
    if intmethod == "mvaghermite" and K > 1:
        return mean_variance(terms, a, S, z, logw)
    return rule_value(terms, a, S, z, logw)[0], a, S
