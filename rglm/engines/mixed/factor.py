"""Factorisations of A = Lambda' Z' W Z Lambda + I, one per kind of structure.

R: lme4 factors A with CHOLMOD (``merPredD::updateL``) whatever its structure; here the
structure picks the algorithm (glmm-behaviour.md section 5 and 7):

* ``DiagFactor`` -- one scalar term: A is diagonal, its "Cholesky factor" a vector;
* ``BlockFactor`` -- one vector-valued term: l independent p x p blocks, factored as
  one batched LAPACK call;
* ``SchurFactor`` -- several terms: the first (largest) term's block is block diagonal
  (it is one grouping factor), the rest is small: eliminate the first block and factor
  the dense Schur complement S = A22 - A21 A11^-1 A12 (MixedModels.jl's blocked
  Cholesky with a dense second block);
* ``SparseLUFactor`` -- several terms with a large second block: SuperLU with a
  fill-reducing ordering and no pivoting off the diagonal (A is symmetric positive
  definite), log-determinant from U's diagonal.

Each has ``ldL2`` (log |L|^2 = log det A), ``solve(rhs)`` (A^-1 rhs for a vector or the
columns of a matrix), ``inverse_blocks()`` (the diagonal blocks of A^-1 per term, for the
conditional variances) and, for ``DiagFactor``, ``L_diag`` (AGQ's scale).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.linalg import lapack

from rglm.errors import RError

__all__ = ["DiagFactor", "BlockFactor", "SchurFactor", "SparseLUFactor", "factorize",
           "SCHUR_MAX", "cholesky", "tri_solve", "cho_solve"]

SCHUR_MAX = 6000
"""Largest dense Schur complement (random effects outside the first term)."""


# LAPACK directly: a PIRLS iteration makes a few small dense calls (the p x p R_X, the
# Schur complement), and scipy.linalg's wrappers (argument checks, batching) cost
# 10-20 microseconds each, more than dpotrf on a 4 x 4 matrix (measured: 10 vs 0.8).


def cholesky(a: np.ndarray, lower: bool) -> "np.ndarray | None":
    """The Cholesky factor of a symmetric matrix (only its ``lower`` or upper triangle
    read), or None when it is not positive definite or not finite."""
    c, info = lapack.dpotrf(a, lower=int(lower), clean=1)
    if info != 0 or not np.all(np.isfinite(np.diagonal(c))):
        return None
    return c


def tri_solve(L: np.ndarray, b: np.ndarray, *, lower: bool = True,
              trans: bool = False) -> np.ndarray:
    """L^-1 b (L'^-1 b with ``trans``) for a triangular L; b a vector or a matrix."""
    x = lapack.dtrtrs(L, b.reshape(len(b), -1), lower=int(lower), trans=int(trans))[0]
    return x.reshape(b.shape)


def cho_solve(R: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(R'R)^-1 b for an upper Cholesky factor R."""
    return lapack.dpotrs(R, b.reshape(len(b), -1), lower=0)[0].reshape(b.shape)


def _not_pd() -> RError:
    # lme4's CHOLMOD reports "Cholmod error 'not positive definite'"; A = ... + I is
    # positive definite in exact arithmetic, so this means non-finite weights or theta.
    return RError("Cholmod error 'not positive definite' -- non-finite values in the "
                  "penalised weighted system")


class DiagFactor:
    """A = diag(d)."""

    def __init__(self, d: np.ndarray, sizes: tuple = ()):
        if not np.all(np.isfinite(d)) or np.any(d <= 0):
            raise _not_pd()
        self.d = d
        self.L_diag = np.sqrt(d)
        self.ldL2 = float(np.sum(np.log(d)))
        self._sizes = sizes or ((len(d), 1),)

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        return rhs / (self.d if rhs.ndim == 1 else self.d[:, None])

    def inverse_blocks(self) -> list:
        inv = 1.0 / self.d
        out, start = [], 0
        for size, _ in self._sizes:
            out.append(inv[start:start + size, None, None])
            start += size
        return out


class BlockFactor:
    """A = blockdiag(A_1 ... A_l), each p x p."""

    def __init__(self, blocks: np.ndarray):
        try:
            L = np.linalg.cholesky(blocks)
        except np.linalg.LinAlgError:
            raise _not_pd() from None
        self.nl, self.p = blocks.shape[0], blocks.shape[1]
        self.ldL2 = float(2.0 * np.sum(np.log(np.diagonal(L, axis1=1, axis2=2))))
        eye = np.broadcast_to(np.eye(self.p), blocks.shape)
        Linv = np.linalg.solve(L, eye)
        self.Linv = Linv
        self.Ainv = np.einsum("kji,kjl->kil", Linv, Linv)

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        r = rhs.reshape(self.nl, self.p, -1)
        return np.einsum("kij,kjm->kim", self.Ainv, r).reshape(rhs.shape)

    def half_solve(self, rhs: np.ndarray, transpose: bool = False) -> np.ndarray:
        """L^-1 rhs (or L'^-1 rhs)."""
        r = rhs.reshape(self.nl, self.p, -1)
        spec = "kji,kjm->kim" if transpose else "kij,kjm->kim"
        return np.einsum(spec, self.Linv, r).reshape(rhs.shape)

    def inverse_blocks(self) -> list:
        return [self.Ainv]


def _first_blocks(A11: sp.spmatrix, nl: int, p: int) -> np.ndarray:
    """The diagonal p x p blocks of a block-diagonal sparse matrix."""
    coo = A11.tocoo()
    blocks = np.zeros((nl, p, p))
    blocks[coo.row // p, coo.row % p, coo.col % p] = coo.data
    return blocks


class SchurFactor:
    """A = [[A11, A12], [A21, A22]] with A11 block diagonal (the first term) and A22
    dense: A11 = L1 L1', S = A22 - B'B with B = L1^-1 A12, S = L2 L2'."""

    def __init__(self, A: sp.spmatrix, q1: int, p1: int, sizes: tuple):
        A = A.tocsr()
        nl = q1 // p1
        self.q1, self.p1, self.nl = q1, p1, nl
        self._sizes = sizes
        if p1 == 1:
            d = A.diagonal()[:q1]
            if not np.all(np.isfinite(d)) or np.any(d <= 0):
                raise _not_pd()
            self._l1 = np.sqrt(d)
            ld1 = float(np.sum(np.log(d)))
            self._first = None
        else:
            self._first = BlockFactor(_first_blocks(A[:q1, :q1], nl, p1))
            ld1 = self._first.ldL2
        A12 = A[:q1, q1:]
        B = self._l1_solve(A12)  # sparse, A12's pattern
        S = A[q1:, q1:].toarray()
        S -= (B.T @ B).toarray() if sp.issparse(B) else B.T @ B
        self._L2 = cholesky(S, lower=True)
        if self._L2 is None:
            raise _not_pd()
        self._B = B.tocsr() if sp.issparse(B) else B
        self.ldL2 = ld1 + float(2.0 * np.sum(np.log(np.diag(self._L2))))

    @classmethod
    def from_parts(cls, l1: np.ndarray, B, S: np.ndarray, sizes: tuple, lead: int = 0):
        """The factor of a first term with a diagonal block ``l1^2``, ``B = L1^-1 A12``
        (dense, or anything with ``@``, ``.T`` and ``toarray()``) and the Schur
        complement ``S`` already formed (the scalar-terms paths); ``lead`` > 0: S's
        leading ``lead`` x ``lead`` block is diagonal (see :func:`_cholesky_lead`)."""
        self = cls.__new__(cls)
        self.q1, self.p1, self.nl = len(l1), 1, len(l1)
        self._sizes = sizes
        self._first = None
        if not np.all(np.isfinite(l1)) or np.any(l1 <= 0):
            raise _not_pd()
        self._l1 = l1
        self._L2 = _cholesky_lead(S, lead) if lead else cholesky(S, lower=True)
        if self._L2 is None:
            raise _not_pd()
        self._B = B
        self.ldL2 = float(2.0 * np.sum(np.log(l1)) + 2.0 * np.sum(np.log(np.diag(self._L2))))
        return self

    def _l1_solve(self, M, transpose: bool = False):
        """L1^-1 M (L1'^-1 M); M sparse or dense, rows of the first term."""
        if self._first is None:
            inv = 1.0 / self._l1
            if sp.issparse(M):
                return sp.diags(inv) @ M
            return M * (inv if M.ndim == 1 else inv[:, None])
        if sp.issparse(M):
            Linv = self._first.Linv
            if transpose:
                Linv = np.transpose(Linv, (0, 2, 1))
            return sp.block_diag(list(Linv), format="csr") @ M
        return self._first.half_solve(M, transpose)

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        r1, r2 = rhs[:self.q1], rhs[self.q1:]
        y1 = self._l1_solve(r1)
        y2 = tri_solve(self._L2, r2 - self._B.T @ y1)
        x2 = tri_solve(self._L2, y2, trans=True)
        x1 = self._l1_solve(y1 - self._B @ x2, transpose=True)
        return np.concatenate([x1, x2])

    def inverse_blocks(self) -> list:
        # (A^-1)_11 = L1'^-1 (I + C'C) L1^-1 with C = L2^-1 B';  (A^-1)_22 = S^-1.
        Bt = self._B.T
        C = tri_solve(self._L2, Bt if isinstance(Bt, np.ndarray) else Bt.toarray())
        p1, nl = self.p1, self.nl
        Cb = C.reshape(C.shape[0], nl, p1)
        M = np.einsum("rki,rkj->kij", Cb, Cb) + np.eye(p1)
        if self._first is None:
            inv = 1.0 / self._l1
            first = M * inv[:, None, None] ** 2
        else:
            Li = self._first.Linv
            first = np.einsum("kji,kjl,klm->kim", Li, M, Li)
        L2inv = tri_solve(self._L2, np.eye(self._L2.shape[0]))
        Sinv = L2inv.T @ L2inv
        out = [first]
        start = 0
        for size, p in self._sizes[1:]:
            idx = start + np.arange(size).reshape(-1, p)
            out.append(Sinv[idx[:, :, None], idx[:, None, :]])
            start += size
        return out


def _cholesky_lead(S: np.ndarray, k: int) -> "np.ndarray | None":
    """The lower Cholesky factor of S whose leading k x k block D is diagonal:

        S = [[D, E], [E', F]] = L L',  L = [[D^1/2, 0], [W', L_F]],
        W = D^-1/2 E,  L_F L_F' = F - W'W,

    so only F - W'W is factored densely. For nested or observation-level terms the
    second term's block of the Schur complement is diagonal (no level of the first
    factor meets two of its levels): grouseticks' 181 x 181 becomes a 63 x 63
    factorisation and a product. The same L as a dense factorisation (the Cholesky
    factor is unique), up to rounding."""
    d = S.diagonal()[:k]
    if not np.all(np.isfinite(d)) or np.any(d <= 0):
        return None
    ld = np.sqrt(d)
    W = S[:k, k:] / ld[:, None]
    L = np.zeros(S.shape, order="F")
    L[np.arange(k), np.arange(k)] = ld
    if S.shape[0] > k:
        Lf = cholesky(S[k:, k:] - W.T @ W, lower=True)
        if Lf is None:
            return None
        L[k:, :k] = W.T
        L[k:, k:] = Lf
    return L


class SparseLUFactor:
    """A sparse, symmetric positive definite: SuperLU with a symmetric fill-reducing
    ordering and diagonal pivots (so that L U = P A P' with U = D L')."""

    def __init__(self, A: sp.spmatrix, sizes: tuple):
        try:
            self._lu = spla.splu(sp.csc_matrix(A), permc_spec="MMD_AT_PLUS_A",
                                 diag_pivot_thresh=0.0,
                                 options={"SymmetricMode": True})
        except RuntimeError:
            raise _not_pd() from None
        d = self._lu.U.diagonal()
        if not np.all(np.isfinite(d)) or np.any(d <= 0):
            raise _not_pd()
        self.ldL2 = float(np.sum(np.log(d)))
        self._sizes = sizes
        self.q = A.shape[0]

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        return self._lu.solve(np.asarray(rhs, dtype=np.float64))

    def inverse_blocks(self) -> list:
        out, start = [], 0
        for size, p in self._sizes:
            nl = size // p
            blocks = np.empty((nl, p, p))
            step = max(1, 4096 // p)
            for j0 in range(0, nl, step):  # bounded memory: a few thousand columns at once
                j1 = min(nl, j0 + step)
                cols = start + np.arange(j0 * p, j1 * p)
                E = np.zeros((self.q, len(cols)))
                E[cols, np.arange(len(cols))] = 1.0
                X = self.solve(E)[cols].reshape(j1 - j0, p, j1 - j0, p)
                k = np.arange(j1 - j0)
                blocks[j0:j1] = X[k, :, k, :]
            out.append(blocks)
            start += size
        return out


def factorize(A: sp.spmatrix, sizes: tuple) -> object:
    """Factor A (sparse, symmetric positive definite) by its structure.

    ``sizes`` is ((q_k, p_k), ...) per term, the first term the largest.
    """
    if len(sizes) == 1:
        q1, p1 = sizes[0]
        if p1 == 1:
            return DiagFactor(A.diagonal(), sizes)
        return BlockFactor(_first_blocks(A, q1 // p1, p1))
    q1, p1 = sizes[0]
    if A.shape[0] - q1 <= SCHUR_MAX:
        return SchurFactor(A, q1, p1, sizes)
    return SparseLUFactor(A, sizes)
