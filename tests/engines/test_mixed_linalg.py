"""The engine's structure-specific pieces against plain algebra: the family kernels PIRLS
uses (the same floating-point numbers as the families, which follow R), the coupling
block C' diag(w) C of crossed scalar terms (dense and by pairs), glmer's Schur factor
of several scalar terms against the sparse matrix it stands for, and the single-term
U' M products."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import rglm
from rglm.engines.mixed import gram, mixed_problem
from rglm.engines.mixed.kernels import kernel_for
from rglm.engines.mixed.system import factor_at
from rglm.formula import model_frame, model_matrix, model_response
from rglm.formula.bars import findbars, mk_reterms, nobars, sub_frame, subbars


def _etas(rng, n):
    # including |eta| > 30, where R's logit link clamps
    return np.concatenate([rng.normal(scale=3.0, size=n), [-40.0, -30.5, 30.5, 45.0, 0.0]])


@pytest.mark.parametrize("case", ["binary", "proportion", "poisson", "gamma"])
def test_kernels_give_the_familys_numbers_exactly(case):
    """kernels.py's fast paths are exact rewrites: compared with ==, not a tolerance."""
    rng = np.random.default_rng(7)
    eta = _etas(rng, 400)
    n = len(eta)
    w = rng.integers(1, 5, n).astype(float)
    if case == "binary":
        fam, y = rglm.binomial(), rng.integers(0, 2, n).astype(float)
    elif case == "proportion":
        fam, y = rglm.binomial(), rng.integers(0, 5, n) / 4.0
    elif case == "poisson":
        fam, y = rglm.poisson(), rng.poisson(2.0, n).astype(float)
        eta = eta / 10.0
    else:
        fam, y = rglm.Gamma(link="log"), rng.gamma(2.0, size=n)
        eta = eta / 10.0
    kern = kernel_for(SimpleNamespace(family=fam, y=y, weights=w))
    mu = fam.linkinv(eta)
    assert np.array_equal(kern.linkinv(eta), mu)
    assert np.array_equal(kern.mu_eta(eta), fam.mu_eta(eta))
    assert np.array_equal(kern.variance(mu), fam.variance(mu))
    assert np.array_equal(kern.dev_resids(mu), fam.dev_resids(y, mu, w))


def _crossed(q1, q2, n, rng):
    rows = rng.integers(0, q1, n)
    cols = rng.integers(0, q2, n)
    C = sp.csr_matrix((rng.uniform(0.5, 2.0, n), (rows, cols)), shape=(q1, q2))
    C.sum_duplicates()
    C.sort_indices()
    return C


@pytest.mark.parametrize("shape", [(30, 6, 400), (200, 40, 300)])
@pytest.mark.parametrize("dense", [True, False])
def test_coupling_gram_both_ways(shape, dense, monkeypatch):
    """B = diag(s) C, B'B and B's products, dense or by pairs (the choice forced both
    ways), equal the sparse algebra; with C's values given once (lmer) or per call
    (glmer)."""
    monkeypatch.setattr(gram, "FLOPS_PER_PAIR", 10**9 if dense else 0)
    rng = np.random.default_rng(3)
    q1, q2, n = shape
    C = _crossed(q1, q2, n, rng)
    rows = np.repeat(np.arange(q1), np.diff(C.indptr))
    s = rng.uniform(0.1, 3.0, q1)
    want_B = (sp.diags(s) @ C).toarray()
    want_M = want_B.T @ want_B
    for g, data in ((gram.CouplingGram(rows, C.indices, q1, q2, data=C.data.copy()), None),
                    (gram.CouplingGram(rows, C.indices, q1, q2), C.data)):
        assert g.dense is dense
        B, M = g.scaled_gram(s, data)
        np.testing.assert_allclose(M, want_M, rtol=1e-12, atol=1e-12)
        x, y = rng.normal(size=(q2, 2)), rng.normal(size=(q1, 2))
        for prod, want in ((B @ x, want_B @ x), (B @ x[:, 0], want_B @ x[:, 0]),
                           (B.T @ y, want_B.T @ y), (B.T @ y[:, 1], want_B.T @ y[:, 1])):
            np.testing.assert_allclose(prod, want, rtol=1e-12, atol=1e-12)
        B = B if isinstance(B, np.ndarray) else B.toarray()
        np.testing.assert_allclose(B, want_B, rtol=1e-15, atol=0)


def _problem(formula, data, family=rglm.binomial()):
    frame = model_frame(subbars(formula), data)
    rt = mk_reterms(findbars(formula), frame)
    fixed = sub_frame(frame, nobars(formula))
    mm = model_matrix(fixed)
    return mixed_problem(mm.x, model_response(fixed), rt, family, xnames=mm.colnames)


@pytest.mark.parametrize("design", ["full", "sparse", "three", "nested"])
def test_scalar_terms_factor_against_the_sparse_system(design):
    """glmer's factor of A = U'WU + I for crossed intercepts (bincounts and the coupling
    block, no sparse product) against A formed as a sparse matrix: log-determinant,
    solves and the diagonal blocks of A^-1. ``full``: every pair of levels seen (C
    full, the dense way); ``sparse``: a sparse crossing (by pairs); ``three``: three
    terms (G has blocks between the later terms); ``nested``: an observation-level
    factor, broods within locations (grouseticks' design: the Schur complement's
    second-term block is diagonal and is eliminated before the dense factorisation)."""
    rng = np.random.default_rng(11)
    if design == "nested":
        b = rng.integers(0, 120, 500)
        a = np.arange(500)
        d = {"y": rng.integers(0, 2, 500).astype(float), "a": [f"a{i:03d}" for i in a],
             "b": [f"b{i:03d}" for i in b], "c": [f"c{i:02d}" for i in b // 3]}
        formula = "y ~ 1 + (1 | a) + (1 | b) + (1 | c)"
    elif design == "full":
        a, b = np.meshgrid(np.arange(25), np.arange(6), indexing="ij")
        a, b = a.ravel(), b.ravel()
    else:
        a, b = rng.integers(0, 300, 900), rng.integers(0, 200, 900)
    if design != "nested":
        d = {"y": rng.integers(0, 2, len(a)).astype(float),
             "a": [f"a{i:03d}" for i in a], "b": [f"b{i:03d}" for i in b],
             "c": [f"c{i:02d}" for i in rng.integers(0, 40, len(a))]}
        formula = "y ~ 1 + (1 | a) + (1 | b)" + (" + (1 | c)" if design == "three" else "")
    problem = _problem(formula, pd.DataFrame(d))
    st = problem.structure
    assert st.scalar is not None and st.scalar.coupling.dense is (design == "full")
    assert (st.scalar.lead > 0) is (design == "nested")
    theta = np.array([0.7, 1.3, 0.4])[:st.ntheta]
    sqrtw = rng.uniform(0.2, 0.6, st.n)
    U = st.zlambda(theta)
    f = factor_at(st, U, sqrtw)
    Uw = U.tocsr().multiply(sqrtw[:, None]).tocsr()
    A = (Uw.T @ Uw).toarray() + np.eye(st.q)
    assert f.ldL2 == pytest.approx(np.linalg.slogdet(A)[1], rel=1e-12)
    rhs = rng.normal(size=(st.q, 2))
    np.testing.assert_allclose(f.solve(rhs), np.linalg.solve(A, rhs), rtol=1e-9, atol=1e-12)
    inv = np.linalg.inv(A)
    got = np.concatenate([blk.ravel() for blk in f.inverse_blocks()])
    np.testing.assert_allclose(got, np.diag(inv), rtol=1e-9)


@pytest.mark.parametrize("formula", ["y ~ 1 + (1 | g)", "y ~ 1 + (x | g)",
                                     "y ~ 1 + (1 | g) + (1 | h)",
                                     "y ~ 1 + (x | g) + (1 | h)"])
def test_products_against_the_sparse_matrix(formula):
    """U u, U' r and U' M -- one term, several scalar terms (gathers and bincounts over
    the grouping codes) or a general structure (CSR) -- equal the products with
    U = Z Lambda as a sparse matrix."""
    rng = np.random.default_rng(5)
    n = 300
    d = pd.DataFrame({"y": rng.integers(0, 2, n).astype(float), "x": rng.normal(size=n),
                      "g": [f"g{i}" for i in rng.integers(0, 17, n)],
                      "h": [f"h{i}" for i in rng.integers(0, 9, n)]})
    st = _problem(formula, d).structure
    theta = np.array([0.8, -0.3, 0.5, 1.2])[:st.ntheta]
    U = st.zlambda(theta)
    S = U.tocsr().toarray()
    u, r, M = rng.normal(size=st.q), rng.normal(size=n), rng.normal(size=(n, 3))
    np.testing.assert_allclose(U.matvec(u), S @ u, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(U.rmatvec(r), S.T @ r, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(U.rmatmat(M), S.T @ M, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(U.rmatmat(np.asfortranarray(M)), S.T @ M, rtol=1e-12,
                               atol=1e-12)
