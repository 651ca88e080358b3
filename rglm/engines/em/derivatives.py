"""Score and Hessian of the mixture log likelihood, analytically.

Notation: ``tau`` posteriors, ``pi`` prior class probabilities, ``w`` weights; for class
k, ``e_k = dlog f_k/deta``, ``a_k = dlog f_k/danc`` and their second derivatives
``e2_k``, ``a2_k``, ``ea_k`` (the family's :class:`Derivatives`).

Score (Fisher's identity: the complete-data score averaged over the posterior)::

    dl/db_k = sum_i w_i tau_ik e_ik x_i          dl/danc_k = sum_i w_i tau_ik a_ik
    dl/dg_j = sum_i w_i (tau_ij - pi_ij) z_i

Hessian (Louis 1982): the posterior mean of the complete-data Hessian plus the posterior
covariance of the complete-data scores. Writing ``u_ik = (e_ik x_i, a_ik)``::

    (k, k)   sum w [tau_k (e2_k x x', ea_k x; a2_k) + tau_k (1 - tau_k) u_k u_k']
    (k, l)   - sum w tau_k tau_l u_k u_l'                               (k != l)
    (g_j, l) sum w tau_l (delta_jl - tau_j) z u_l'
    (g_j, g_m) sum w [(delta_jm tau_j - tau_j tau_m) - (delta_jm pi_j - pi_j pi_m)] z z'

The EM's M-step maximises the complete-data log likelihood with the posteriors held
fixed (``complete=True``): its Hessian has the first terms only -- block diagonal by
class, and ``-sum w (delta_jm pi_j - pi_j pi_m) z z'`` for the multinomial logit.

Each block is one weighted cross-product ``X' diag(c) X`` (a BLAS call); the loops run
over classes only.
"""

from __future__ import annotations

import numpy as np

from rglm.engines.em.layout import Layout
from rglm.engines.em.loglik import MixtureState
from rglm.engines.em.problem import MixtureProblem

__all__ = ["gradient", "row_scores", "hessian"]


def _cross(a: np.ndarray, c: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a' diag(c) b`` (scaling ``b``'s columns, then one product: twice as fast as
    scaling ``a`` and transposing the product for column-major designs)."""
    return a.T @ (b * c[:, None])


def gradient(problem: MixtureProblem, layout: Layout, state: MixtureState) -> np.ndarray:
    """The score ``dl/dtheta`` (with the state's posteriors: held fixed, the M-step's)."""
    w = problem.weights
    tau = state.posterior
    d = state.dens
    out = np.empty(layout.size)
    wt = w[:, None] * tau
    gb = problem.x.T @ (wt * d.d_eta)
    for k in range(1, layout.k + 1):
        out[layout.beta_slice(k)] = gb[:, k - 1]
        if layout.n_anc:
            out[layout.anc_index(k)] = wt[:, k - 1] @ d.d_anc[:, k - 1]
    if layout.k > 1:
        gg = problem.z.T @ (w[:, None] * (tau - state.prior))
        for j in layout.others:
            out[layout.gamma_slice(j)] = gg[:, j - 1]
    return out


def row_scores(problem: MixtureProblem, layout: Layout, state: MixtureState) -> np.ndarray:
    """Each row's score ``d ll_i / dtheta`` (n, P), unweighted (OPG and sandwich)."""
    tau = state.posterior
    d = state.dens
    out = np.empty((problem.n, layout.size))
    for k in range(1, layout.k + 1):
        c = tau[:, k - 1] * d.d_eta[:, k - 1]
        out[:, layout.beta_slice(k)] = problem.x * c[:, None]
        if layout.n_anc:
            out[:, layout.anc_index(k)] = tau[:, k - 1] * d.d_anc[:, k - 1]
    if layout.k > 1:
        diff = tau - state.prior
        for j in layout.others:
            out[:, layout.gamma_slice(j)] = problem.z * diff[:, j - 1][:, None]
    return out


def hessian(problem: MixtureProblem, layout: Layout, state: MixtureState,
            complete: bool = False) -> np.ndarray:
    """The Hessian of the log likelihood (``complete``: of the M-step's objective).

    The state must hold second derivatives (``evaluate(..., order=2)``).
    """
    x, z, w = problem.x, problem.z, problem.weights
    tau = state.posterior
    d = state.dens
    anc = bool(layout.n_anc)
    h = np.zeros((layout.size, layout.size))
    for k in range(1, layout.k + 1):
        t = tau[:, k - 1]
        e = d.d_eta[:, k - 1]
        spread = 0.0 if complete else t * (1.0 - t)
        bk = layout.beta_slice(k)
        h[bk, bk] = _cross(x, w * (t * d.d2_eta[:, k - 1] + spread * e * e), x)
        if anc:
            a = d.d_anc[:, k - 1]
            ak = layout.anc_index(k)
            h[bk, ak] = x.T @ (w * (t * d.d2_eta_anc[:, k - 1] + spread * e * a))
            h[ak, ak] = w @ (t * d.d2_anc[:, k - 1] + spread * a * a)
        if complete:
            continue
        for m in range(k + 1, layout.k + 1):
            c = -w * t * tau[:, m - 1]
            em = d.d_eta[:, m - 1]
            bm = layout.beta_slice(m)
            h[bk, bm] = _cross(x, c * e * em, x)
            if anc:
                am = d.d_anc[:, m - 1]
                a = d.d_anc[:, k - 1]
                h[bk, layout.anc_index(m)] = x.T @ (c * e * am)
                h[layout.anc_index(k), bm] = x.T @ (c * a * em)
                h[layout.anc_index(k), layout.anc_index(m)] = c @ (a * am)
    if layout.k > 1:
        prior = state.prior
        for j in layout.others:
            gj = layout.gamma_slice(j)
            tj, pj = tau[:, j - 1], prior[:, j - 1]
            if not complete:
                for m in range(1, layout.k + 1):
                    tm = tau[:, m - 1]
                    coef = w * tm * ((1.0 if m == j else 0.0) - tj)
                    h[gj, layout.beta_slice(m)] = _cross(z, coef * d.d_eta[:, m - 1], x)
                    if anc:
                        h[gj, layout.anc_index(m)] = z.T @ (coef * d.d_anc[:, m - 1])
            for m in (m for m in layout.others if m >= j):
                same = 1.0 if m == j else 0.0
                pm = prior[:, m - 1]
                cov = -(same * pj - pj * pm)
                if not complete:
                    tm = tau[:, m - 1]
                    cov = cov + same * tj - tj * tm
                h[gj, layout.gamma_slice(m)] = _cross(z, w * cov, z)
    upper = np.triu(h)
    return upper + np.triu(h, 1).T
