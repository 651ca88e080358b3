"""theta -> Lambda, and Z Lambda as a sparse matrix with a fixed pattern.

R: lme4's ``Lambdat``/``Lind`` mechanics (``merPredD::setTheta``) and ``getME(, "Lambda")``.

Conventions: ``U = Z Lambda`` is n x q; its row i holds, for each term k, the ``p_k``
values ``X_k[i] @ T_k`` at columns ``Gp[k] + code_k[i] p_k + (0..p_k-1)``. The pattern is
computed once; a new theta only refills the values (one small dense product per term).
Z itself is never formed densely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Optional

import numpy as np
import scipy.sparse as sp

from rglm.formula.bars import ReTerms

from .gram import CouplingGram

__all__ = ["Structure", "ScalarPattern", "structure_of"]

#: Largest number of random effects outside the first term for which the scalar-terms
#: pattern (and its dense Schur complement) is built; factor.SCHUR_MAX's value.
_SCALAR_SCHUR_MAX = 6000


def _tril_colwise(p: int) -> tuple:
    """Row and column indices of a p x p lower triangle, column by column (theta's
    order)."""
    ii, jj = np.tril_indices(p)
    order = np.lexsort((ii, jj))
    return ii[order], jj[order]


@dataclass(frozen=True)
class ScalarPattern:
    """The fixed pattern of A = U'WU + I for several scalar terms (crossed or nested
    intercepts, ``||`` terms): what :func:`.system.factor_at` needs to form A's blocks
    with ``np.bincount`` and one coupling product, whatever the weights
    (MixedModels.jl's blocked update).

    With U = [u_1 | U_2] (the first term, the rest), A11 = diag(u_1'W u_1) + I,
    C = u_1'W U_2 (q1 x q2, its pattern fixed), G = U_2'W U_2 (dense q2 x q2) and the
    Schur complement ``S = G + I - C' A11^-1 C``.

    Attributes
    ----------
    q1, q2 : int
    code1 : numpy.ndarray
        The first term's level of each row.
    rest_cols : numpy.ndarray
        (n, K-1): each later term's column of U_2 in each row.
    c_pos : numpy.ndarray
        (n (K-1),): the position in C's stored entries of each row's entry for each
        later term.
    coupling : CouplingGram
        C's pattern and how C' diag(w) C is formed (dense or by pairs).
    pair_cols : tuple of numpy.ndarray
        (ia, ib): the pairs a <= b of later terms whose products make G.
    lead : int
        The size of the Schur complement's leading block when it is diagonal (the
        second term's levels each meeting at most one level of the first factor;
        nested and observation-level designs), else 0 (:func:`.factor._cholesky_lead`).
    g_inv, g_flat, g_mirror : numpy.ndarray
        G's stored entries: each row's entry for each pair (``g_inv``, row-major over
        (row, pair)) -> its position among them; their flat positions ``k q2 + l`` in
        the q2 x q2 matrix and those of their transposes. G = U_2'W U_2 is then one
        ``bincount`` over its few nonzeros and two scatters (instead of a q2 x q2
        bincount per pair and a symmetrisation: 90 -> 20 microseconds a factorisation
        for grouseticks' 181 x 181).
    """

    q1: int
    q2: int
    code1: np.ndarray = field(repr=False)
    rest_cols: np.ndarray = field(repr=False)
    c_pos: np.ndarray = field(repr=False)
    coupling: CouplingGram = field(repr=False)
    pair_cols: tuple = field(repr=False)
    g_inv: np.ndarray = field(repr=False)
    g_flat: np.ndarray = field(repr=False)
    g_mirror: np.ndarray = field(repr=False)
    lead: int = 0

    @property
    def nnz(self) -> int:
        return self.coupling.nnz


def _scalar_pattern(reterms: ReTerms) -> "ScalarPattern":
    terms = reterms.terms
    q1 = terms[0].nl
    q2 = int(reterms.Gp[-1]) - q1
    code1 = np.asarray(terms[0].codes, dtype=np.int64)
    rest = np.column_stack([reterms.Gp[k] - q1 + np.asarray(t.codes, dtype=np.int64)
                            for k, t in enumerate(terms) if k > 0])
    keys = (code1[:, None] * q2 + rest).ravel()
    uniq, c_pos = np.unique(keys, return_inverse=True)
    ia, ib = np.triu_indices(rest.shape[1])
    g_keys = (rest[:, ia] * q2 + rest[:, ib]).ravel()
    g_flat, g_inv = np.unique(g_keys, return_inverse=True)
    g_mirror = (g_flat % q2) * q2 + g_flat // q2
    coupling = CouplingGram(uniq // q2, uniq % q2, q1, q2)
    k2 = terms[1].nl
    return ScalarPattern(q1=q1, q2=q2, code1=code1, rest_cols=rest,
                         c_pos=c_pos.astype(np.int64).ravel(), coupling=coupling,
                         pair_cols=(ia, ib), g_inv=g_inv.astype(np.int64).ravel(),
                         g_flat=g_flat, g_mirror=g_mirror,
                         lead=k2 if coupling.at_most_one_below(k2) else 0)


@dataclass(frozen=True)
class Structure:
    """The random-effects structure as the engine uses it.

    Attributes
    ----------
    reterms : ReTerms
        From :func:`rglm.formula.bars.mk_reterms`.
    kind : str
        ``"diag"`` (one term, one column: Lambda' Z' W Z Lambda + I is diagonal),
        ``"block"`` (one term, p > 1 columns: block diagonal), ``"general"``.
    n, q, P : int
        Rows, random effects, and nonzeros of U per row (sum of p_k).
    """

    reterms: ReTerms = field(repr=False)
    kind: str
    n: int
    q: int
    P: int
    indices: np.ndarray = field(repr=False)
    indptr: np.ndarray = field(repr=False)
    tril: tuple = field(repr=False)
    indicator: sp.csr_matrix = field(repr=False, default=None)

    @cached_property
    def scalar(self) -> Optional[ScalarPattern]:
        """The pattern of several scalar terms with a small second block (None
        otherwise); built on first use -- glmer's PIRLS needs it, lmer (which forms its
        cross-products once) does not, and for 1e4 x 1e3 crossed levels it takes ~0.5 s.
        """
        terms = self.terms
        if len(terms) > 1 and all(t.p == 1 for t in terms) and \
                self.q - terms[0].nl <= _SCALAR_SCHUR_MAX:
            return _scalar_pattern(self.reterms)
        return None

    @property
    def terms(self) -> tuple:
        return self.reterms.terms

    @cached_property
    def columns(self) -> np.ndarray:
        """(n, P) int64: the column of U of each row's nonzeros (``indices`` by row)."""
        return self.indices.reshape(self.n, self.P).astype(np.int64)

    @property
    def lower(self) -> np.ndarray:
        return self.reterms.lower

    @property
    def ntheta(self) -> int:
        return len(self.reterms.lower)

    def tmats(self, theta: np.ndarray) -> list:
        """The lower-triangular T_k of each term (Lambda's diagonal blocks)."""
        out = []
        for k, t in enumerate(self.terms):
            off = self.reterms.theta_offsets[k]
            ii, jj = self.tril[k]
            T = np.zeros((t.p, t.p))
            T[ii, jj] = theta[off:off + len(ii)]
            out.append(T)
        return out

    def u_values(self, theta: np.ndarray) -> np.ndarray:
        """n x P: the nonzeros of U = Z Lambda, row by row."""
        parts = [t.X @ T for t, T in zip(self.terms, self.tmats(theta))]
        return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1)

    def zlambda(self, theta: np.ndarray) -> "ZLambda":
        """U = Z Lambda at theta, as an operator."""
        return ZLambda(self, self.u_values(theta))

    def csr(self, values: np.ndarray) -> sp.csr_matrix:
        """The n x q CSR matrix with U's pattern and the given (n x P) values."""
        return sp.csr_matrix((values.ravel(), self.indices, self.indptr),
                             shape=(self.n, self.q))

    def lambda_blocks(self, theta: np.ndarray) -> list:
        """Alias of :meth:`tmats` (the per-level block of Lambda)."""
        return self.tmats(theta)

    def lambdat(self, theta: np.ndarray) -> sp.csc_matrix:
        """Lambda' at ``theta`` with lme4's pattern (R: ``getME(, "Lambdat")``)."""
        m = self.reterms.Lambdat.copy()
        m.data = np.asarray(theta, dtype=np.float64)[self.reterms.Lind]
        return m

    def b_of_u(self, theta: np.ndarray, u: np.ndarray) -> np.ndarray:
        """b = Lambda u (R: ``getME(, "b")``)."""
        out = np.empty_like(u)
        Gp = self.reterms.Gp
        for k, (t, T) in enumerate(zip(self.terms, self.tmats(theta))):
            uk = u[Gp[k]:Gp[k + 1]].reshape(t.nl, t.p)
            out[Gp[k]:Gp[k + 1]] = (uk @ T.T).ravel()
        return out


class ZLambda:
    """U = Z Lambda as products: ``U @ u`` (:meth:`matvec`), ``U' r`` (:meth:`rmatvec`),
    ``U' M`` (:meth:`rmatmat`).

    One term: gathers by the grouping codes and sums with a fixed level-indicator matrix
    (no sparse matrix is built per theta); several scalar terms: gathers and bincounts
    over each row's columns (:attr:`Structure.columns`); otherwise a CSR matrix with the
    fixed pattern. (Building and transposing a CSR matrix per theta costs ~40 us, more
    than the products for grouseticks' 403 rows.)
    """

    def __init__(self, structure: Structure, values: np.ndarray):
        self.structure = structure
        self.values = values  # n x P
        self._csr = None
        self._cols = None
        if structure.kind == "general":
            if all(t.p == 1 for t in structure.terms):
                self._cols = structure.columns
            else:
                self._csr = structure.csr(values)
                self._csr_t = self._csr.T.tocsr()

    @property
    def shape(self) -> tuple:
        return (self.structure.n, self.structure.q)

    def matvec(self, u: np.ndarray) -> np.ndarray:
        st = self.structure
        if self._cols is not None:
            return np.einsum("ik,ik->i", self.values, u[self._cols])
        if self._csr is not None:
            return self._csr @ u
        t = st.terms[0]
        if t.p == 1:
            return self.values[:, 0] * u[t.codes]
        return np.einsum("ia,ia->i", self.values, u.reshape(t.nl, t.p)[t.codes])

    def rmatvec(self, r: np.ndarray) -> np.ndarray:
        st = self.structure
        if self._cols is not None:
            return np.bincount(self._cols.ravel(), weights=(self.values * r[:, None]).ravel(),
                               minlength=st.q)
        if self._csr is not None:
            return self._csr_t @ r
        t = st.terms[0]
        if t.p == 1:
            return np.bincount(t.codes, weights=self.values[:, 0] * r, minlength=t.nl)
        return (st.indicator @ (self.values * r[:, None])).ravel()

    def rmatmat(self, M: np.ndarray) -> np.ndarray:
        st = self.structure
        if self._cols is not None:
            cols = self._cols.ravel()
            out = np.empty((st.q, M.shape[1]))
            for j in range(M.shape[1]):  # the few columns of M
                out[:, j] = np.bincount(cols, weights=(self.values * M[:, j, None]).ravel(),
                                        minlength=st.q)
            return out
        if self._csr is not None:
            return np.asarray(self._csr_t @ M)
        t = st.terms[0]
        m = M.shape[1]
        out = np.empty((t.nl, t.p, m))
        # One bincount per (column of U's term, column of M): a loop over the few
        # columns, not the groups; 3x faster than the level indicator times an n x p m
        # product at 1e6 rows (measured), and M (W X) is column-major like X.
        for a in range(t.p):
            va = self.values[:, a]
            for j in range(m):
                out[:, a, j] = np.bincount(t.codes, weights=va * M[:, j], minlength=t.nl)
        return out.reshape(st.q, m)

    def tocsr(self) -> sp.csr_matrix:
        return self._csr if self._csr is not None else self.structure.csr(self.values)


def structure_of(reterms: ReTerms) -> Structure:
    """Precompute the pattern of U = Z Lambda and classify the structure."""
    terms = reterms.terms
    n = reterms.n
    P = int(sum(t.p for t in terms))
    Gp = reterms.Gp
    cols = [Gp[k] + t.codes[:, None] * t.p + np.arange(t.p)[None, :]
            for k, t in enumerate(terms)]
    indices = (cols[0] if len(cols) == 1 else np.concatenate(cols, axis=1)).ravel()
    indices = indices.astype(np.int32 if reterms.q < 2**31 - 1 else np.int64)
    indptr = np.arange(0, n * P + 1, P, dtype=np.int64)
    if len(terms) == 1:
        kind = "diag" if terms[0].p == 1 else "block"
    else:
        kind = "general"
    indicator = None
    if len(terms) == 1:  # l x n: sums rows by level
        t = terms[0]
        indicator = sp.csr_matrix((np.ones(n), (t.codes, np.arange(n))), shape=(t.nl, n))
    return Structure(reterms=reterms, kind=kind, n=n, q=reterms.q, P=P,
                     indices=indices, indptr=indptr,
                     tril=tuple(_tril_colwise(t.p) for t in terms), indicator=indicator)
