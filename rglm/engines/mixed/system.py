"""The penalised weighted system at (theta, weights): U = Z Lambda and A's factor.

R: ``merPredD::updateXwts`` + ``updateL`` (A = Lambda' Z' W Z Lambda + I) and
``updateDecomp`` (R_ZX, R_X).

For one term the factor is formed with ``np.bincount`` over the grouping codes (O(n p^2)
vector passes, no sparse products); otherwise ``U' W U + I`` is one sparse product.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from rglm.errors import RError

from .factor import BlockFactor, DiagFactor, SchurFactor, cholesky, factorize
from .structure import Structure

__all__ = ["factor_at", "fixed_block", "sizes_of"]


def sizes_of(structure: Structure) -> tuple:
    """((q_k, p_k), ...) per term."""
    return tuple((t.nl * t.p, t.p) for t in structure.terms)


def factor_at(structure: Structure, U, sqrtw: np.ndarray):
    """Factor A = U' W U + I with W = diag(sqrtw^2); ``U`` a :class:`ZLambda`."""
    kind = structure.kind
    if kind == "diag":
        t = structure.terms[0]
        v = U.values[:, 0] * sqrtw
        d = np.bincount(t.codes, weights=v * v, minlength=t.nl) + 1.0
        return DiagFactor(d, ((t.nl, 1),))
    if kind == "block":
        t = structure.terms[0]
        p = t.p
        v = U.values * sqrtw[:, None]
        blocks = np.empty((t.nl, p, p))
        for a in range(p):
            for b in range(a + 1):
                s = np.bincount(t.codes, weights=v[:, a] * v[:, b], minlength=t.nl)
                blocks[:, a, b] = s
                blocks[:, b, a] = s
        blocks[:, np.arange(p), np.arange(p)] += 1.0
        return BlockFactor(blocks)
    if structure.scalar is not None:
        return _scalar_factor(structure.scalar, U.values * sqrtw[:, None],
                              sizes_of(structure))
    Uw = structure.csr(U.values * sqrtw[:, None])
    A = (Uw.T @ Uw).tocsc() + sp.identity(structure.q, format="csc")
    return factorize(A, sizes_of(structure))


def _scalar_factor(pt, v: np.ndarray, sizes: tuple) -> SchurFactor:
    """The Schur factor of A = V'V + I for scalar terms (V = W^1/2 Z Lambda, n x K):
    A11 and G by ``bincount`` over the fixed pattern, C and C' A11^-1 C by the
    coupling block's own rule (:mod:`.gram`) -- no sparse products, whose set-up costs
    more than the arithmetic on these sizes."""
    q1, q2 = pt.q1, pt.q2
    v1, rest = v[:, 0], v[:, 1:]
    d1 = np.bincount(pt.code1, weights=v1 * v1, minlength=q1) + 1.0
    cdata = np.bincount(pt.c_pos, weights=(v1[:, None] * rest).ravel(), minlength=pt.nnz)
    ia, ib = pt.pair_cols
    g = np.bincount(pt.g_inv, weights=(rest[:, ia] * rest[:, ib]).ravel(),
                    minlength=len(pt.g_flat))
    S = np.zeros(q2 * q2)
    S[pt.g_flat] = g
    S[pt.g_mirror] = g  # G is symmetric; pairs a <= b list each entry once
    S = S.reshape(q2, q2)
    l1 = np.sqrt(d1)
    B, M = pt.coupling.scaled_gram(1.0 / l1, cdata)
    S -= M
    S.flat[::q2 + 1] += 1.0  # the diagonal
    return SchurFactor.from_parts(l1, B, S, sizes, pt.lead)


def fixed_block(factor, UtWX: np.ndarray, XtWX: np.ndarray):
    """R_X' R_X = X'WX - (U'WX)' A^-1 (U'WX) and A^-1 U'WX.

    Returns (upper Cholesky factor R_X, A^-1 U'WX); RError when the downdated matrix is
    not positive definite (lme4's "Downdated VtV is not positive definite").
    """
    AinvUtWX = factor.solve(UtWX)
    M = XtWX - UtWX.T @ AinvUtWX
    M = (M + M.T) / 2.0
    RX = cholesky(M, lower=False)
    if RX is None or not np.all(np.isfinite(RX)):
        raise RError("Downdated VtV is not positive definite")
    return RX, AinvUtWX
