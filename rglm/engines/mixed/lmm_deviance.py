"""lmer's profiled deviance of theta (ML and REML).

R: ``lmer_Deviance`` / ``lmerResp::Laplace`` in lme4 (glmm-behaviour.md section 2).

With prior weights W, ``U = Z Lambda``, ``A = U'WU + I = L L'`` and
``R_X'R_X = X'WX - X'WU A^-1 U'WX``, the penalised least-squares solution gives
``r^2`` (the penalised weighted residual sum of squares) and

    ML:    log|L|^2 - sum log w + n (1 + log(2 pi r^2 / n))
    REML:  log|L|^2 + log|R_X|^2 - sum log w + (n - p)(1 + log(2 pi r^2 / (n - p)))

The cross-products Z'WZ, Z'WX, Z'Wy, X'WX, X'Wy, y'Wy are formed once; an evaluation
costs O(q) sparse work plus the factorisation -- n does not appear (MixedModels.jl's
design).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from ._threads import single_blas_thread
from .factor import SCHUR_MAX, DiagFactor, SchurFactor, cho_solve, factorize
from .gram import CouplingGram
from .problem import MixedProblem
from .system import fixed_block, sizes_of

__all__ = ["LmmDeviance", "LmmState"]


@dataclass(frozen=True)
class LmmState:
    """The penalised least-squares solution at theta."""

    theta: np.ndarray
    beta: np.ndarray
    u: np.ndarray
    pwrss: float
    ldL2: float
    ldRX2: float
    RX: np.ndarray = field(repr=False)
    factor: object = field(repr=False)
    deviance: float


class LmmDeviance:
    """The profiled deviance of one linear mixed model.

    Parameters
    ----------
    problem : MixedProblem
        With ``family`` None.
    REML : bool
    """

    def __init__(self, problem: MixedProblem, REML: bool = True):
        self.problem = problem
        self.REML = REML
        st = problem.structure
        w = problem.weights
        X, y = problem.X, problem.y - problem.offset
        vals = np.concatenate([t.X for t in st.terms], axis=1)
        Z = sp.csr_matrix((vals.ravel(), st.indices, st.indptr), shape=(st.n, st.q))
        WZ = Z.multiply(w[:, None]).tocsr() if np.any(w != 1.0) else Z
        self.ZtWZ = (Z.T @ WZ).tocsc()
        self.ZtWX = np.asarray(WZ.T @ X)
        self.ZtWy = np.asarray(WZ.T @ y)
        self.XtWX = X.T @ (X * w[:, None])
        self.XtWy = X.T @ (w * y)
        self.ytWy = float(y @ (w * y))
        self.ldW = float(np.sum(np.log(w[w > 0])))
        self.n, self.p = X.shape
        self.evaluations = 0
        self._sizes = sizes_of(st)
        self._diag_terms = st.kind == "diag"
        self._scalar = None
        if st.kind == "general" and all(t.p == 1 for t in st.terms) and \
                st.q - st.terms[0].nl <= SCHUR_MAX:
            self._scalar = _ScalarTerms(self.ZtWZ, st.terms[0].nl)

    def _lambda(self, theta: np.ndarray) -> sp.csr_matrix:
        return self.problem.structure.lambdat(theta).T.tocsr()

    def solve(self, theta) -> LmmState:
        """The PLS solution and the profiled deviance at theta."""
        with single_blas_thread():  # small dense factorisations (see _threads)
            return self._solve(theta)

    def _solve(self, theta) -> LmmState:
        theta = np.asarray(theta, dtype=np.float64)
        st = self.problem.structure
        if self._scalar is not None:
            factor = self._scalar.factor(theta, self._sizes)
            lam = np.repeat(theta, [t.nl for t in st.terms])
            UtWX = lam[:, None] * self.ZtWX
            UtWy = lam * self.ZtWy
        elif self._diag_terms:
            lam = theta[0]
            d = lam * lam * self.ZtWZ.diagonal() + 1.0
            factor = DiagFactor(d, self._sizes)
            UtWX = lam * self.ZtWX
            UtWy = lam * self.ZtWy
        else:
            Lam = self._lambda(theta)
            LamT = Lam.T.tocsr()
            A = (LamT @ self.ZtWZ @ Lam).tocsc() + sp.identity(st.q, format="csc")
            factor = factorize(A, self._sizes)
            UtWX = np.asarray(LamT @ self.ZtWX)
            UtWy = np.asarray(LamT @ self.ZtWy)
        RX, AinvUtWX = fixed_block(factor, UtWX, self.XtWX)
        cu = factor.solve(UtWy)
        beta = cho_solve(RX, self.XtWy - UtWX.T @ cu)
        u = cu - AinvUtWX @ beta
        # At the PLS solution r^2 = y'Wy - beta'X'Wy - u'U'Wy (normal equations).
        pwrss = self.ytWy - float(beta @ self.XtWy) - float(u @ UtWy)
        ldRX2 = float(2.0 * np.sum(np.log(np.abs(np.diag(RX)))))
        n, p = self.n, self.p
        if self.REML:
            nmp = n - p
            dev = factor.ldL2 - self.ldW + ldRX2 + nmp * (1.0 + np.log(2.0 * np.pi * pwrss / nmp))
        else:
            dev = factor.ldL2 - self.ldW + n * (1.0 + np.log(2.0 * np.pi * pwrss / n))
        self.evaluations += 1
        return LmmState(theta=theta, beta=beta, u=u, pwrss=pwrss, ldL2=factor.ldL2,
                        ldRX2=ldRX2, RX=RX, factor=factor, deviance=float(dev))

    def __call__(self, theta) -> float:
        return self.solve(theta).deviance


class _ScalarTerms:
    """lmer with several scalar terms (crossed or nested intercepts): the Schur
    complement of the first term without sparse products per theta.

    With Z = [Z1 Z2], C = Z1'WZ2 (fixed pattern), c = diag(Z1'WZ1) and G = Z2'WZ2
    (dense, the later terms), for theta = (t1, lambda2):

        A11 = t1^2 c + 1 (diagonal),  B = A11^-1/2 t1 C diag(lambda2),
        S = lambda2 lambda2' o (G - C' diag(t1^2 / A11) C) + I.

    ``C' diag(v) C`` is formed by :class:`.gram.CouplingGram` (one BLAS product when C
    is dense enough, one weighted ``bincount`` over C's row-wise pairs otherwise); n
    does not appear (MixedModels.jl forms the same block update).
    """

    def __init__(self, ZtWZ: sp.spmatrix, q1: int):
        A = ZtWZ.tocsr()
        self.q1 = q1
        self.c = A.diagonal()[:q1]
        C = A[:q1, q1:].tocsr()
        C.sort_indices()
        self.q2 = A.shape[0] - q1
        self.G = A[q1:, q1:].toarray()
        rows = np.repeat(np.arange(q1), np.diff(C.indptr))
        self.coupling = CouplingGram(rows, C.indices, q1, self.q2, data=C.data.copy())
        self._lead = None  # the second term's size if its block of S is diagonal

    def factor(self, theta: np.ndarray, sizes: tuple) -> SchurFactor:
        t1 = theta[0]
        lam2 = np.repeat(theta[1:], [q for q, _ in sizes[1:]])
        d1 = t1 * t1 * self.c + 1.0
        l1 = np.sqrt(d1)
        B, M = self.coupling.scaled_gram(t1 / l1)
        S = (self.G - M) * np.outer(lam2, lam2)
        S[np.diag_indices_from(S)] += 1.0
        B = B * lam2 if isinstance(B, np.ndarray) else B.scale_columns(lam2)
        if self._lead is None:
            k2 = sizes[1][0]
            self._lead = k2 if self.coupling.at_most_one_below(k2) else 0
        return SchurFactor.from_parts(l1, B, S, sizes, self._lead)
