"""fast_dqrls against the exact dqrdc2 port and R's ``C_Cdqrls``; and when it must decline.

Expected R values: tests/reference/fit.json (tests/reference/make_fit.R).
"""

from __future__ import annotations

import numpy as np
import pytest

import rglm.linalg.fastqr as fastqr
from rglm.linalg.fastqr import factor_unpivoted, fast_dqrls
from rglm.linalg.qr import dqrls

RTOL = 1e-12
GLM_TOL = 1e-11  # glm.fit's min(1e-7, epsilon / 1000)


def _assert_close(actual, expected) -> None:
    # Exact zeros in theory are rounding noise in both: relative to the array's scale.
    scale = np.abs(expected).max()
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=RTOL * scale)


def _assert_same_fit(fast, exact) -> None:
    assert fast is not None
    assert fast.qr.rank == exact.qr.rank
    np.testing.assert_array_equal(fast.qr.pivot, exact.qr.pivot)
    assert fast.pivoted == exact.pivoted
    assert fast.qr.tol == exact.qr.tol
    _assert_close(fast.qr.qraux, exact.qr.qraux)
    _assert_close(np.triu(fast.qr.qr), np.triu(exact.qr.qr))  # R, signs included
    _assert_close(fast.qr.qr, exact.qr.qr)  # and the Householder vectors below it
    _assert_close(fast.effects, exact.effects)
    _assert_close(fast.coefficients, exact.coefficients)
    _assert_close(fast.residuals, exact.residuals)


def _random_design(rng, n: int, p: int) -> np.ndarray:
    """Intercept plus normal columns of very different scales: well conditioned once scaled."""
    x = rng.standard_normal((n, p)) * np.logspace(-3, 3, p)
    x[:, 0] = 1.0
    return np.asfortranarray(x)


SHAPES = [(2, 1), (5, 1), (8, 7), (40, 3), (300, 12), (2000, 21), (1500, 60)]


@pytest.mark.parametrize("n, p", SHAPES)
def test_equals_exact_port_on_well_conditioned_matrices(n, p):
    rng = np.random.default_rng(n * 1000 + p)
    x = _random_design(rng, n, p)
    y = rng.standard_normal(n) * 10.0
    _assert_same_fit(fast_dqrls(x, y, GLM_TOL), dqrls(x, y, GLM_TOL))


def test_equals_exact_port_across_many_row_blocks(monkeypatch):
    monkeypatch.setattr(fastqr, "_BLOCK_BYTES", 8 * 9 * 97)  # 97-row blocks: ragged last one
    rng = np.random.default_rng(7)
    x = _random_design(rng, 5000, 9)
    y = rng.standard_normal(5000)
    _assert_same_fit(fast_dqrls(x, y, GLM_TOL), dqrls(x, y, GLM_TOL))


def test_weighted_glm_design_with_sorted_factor():
    """``x[good,] * w`` as glm.fit forms it: intercept, dummies of a sorted factor, covariates."""
    rng = np.random.default_rng(3)
    n = 3000
    level = np.sort(rng.integers(0, 6, n))
    dummies = (level[:, None] == np.arange(1, 6)).astype(float)
    x = np.column_stack([np.ones(n), dummies, rng.standard_normal((n, 15))])
    w = np.sqrt(rng.exponential(size=n))
    xw = np.asfortranarray(x * w[:, None])
    zw = rng.standard_normal(n) * w
    _assert_same_fit(fast_dqrls(xw, zw, GLM_TOL), dqrls(xw, zw, GLM_TOL))


def test_structural_zeros_of_a_cell_means_design():
    """``y ~ f - 1`` on data sorted by f: exact zeros where LINPACK takes s = -1."""
    rng = np.random.default_rng(4)
    level = np.sort(rng.integers(0, 4, 400))
    x = np.column_stack([(level == k).astype(float) for k in range(4)] + [rng.standard_normal(400)])
    y = rng.standard_normal(400)
    _assert_same_fit(fast_dqrls(x, y, GLM_TOL), dqrls(x, y, GLM_TOL))


def test_matrix_response_is_columnwise():
    rng = np.random.default_rng(5)
    x = _random_design(rng, 200, 4)
    ys = rng.standard_normal((200, 2))
    both = fast_dqrls(x, ys, GLM_TOL)
    assert both.coefficients.shape == (4, 2) and both.effects.shape == (200, 2)
    for j in range(2):
        one = fast_dqrls(x, ys[:, j], GLM_TOL)
        _assert_close(both.coefficients[:, j], one.coefficients)
        _assert_close(both.effects[:, j], one.effects)
        _assert_close(both.residuals[:, j], one.residuals)


@pytest.mark.parametrize("name", ["full_rank", "scaled_columns", "triangular"])
def test_matches_r_cdqrls(reference, name):
    case = reference("fit")["qr"][name]
    x = np.array(case["x"], dtype=float)
    y = np.atleast_1d(np.array(case["y"], dtype=float))
    fit = fast_dqrls(x, y, case["tol"])
    assert fit is not None and fit.qr.rank == case["rank"]
    scale = np.abs(x).max()
    np.testing.assert_allclose(fit.qr.qr, np.array(case["qr"]).reshape(x.shape), atol=1e-13 * scale)
    np.testing.assert_allclose(fit.qr.qraux, case["qraux"], rtol=1e-13)
    np.testing.assert_allclose(fit.coefficients, case["ls_coefficients"], rtol=1e-12)
    np.testing.assert_allclose(fit.effects, case["ls_effects"], atol=1e-13 * np.abs(y).max())
    np.testing.assert_allclose(fit.residuals, case["ls_residuals"], atol=1e-13 * np.abs(y).max())


@pytest.mark.parametrize(
    "name", ["collinear", "duplicate_first", "near_collinear_drop", "near_collinear_keep",
             "zero_column", "all_zero", "zero_first", "p_gt_n", "single_row"])
def test_declines_every_r_case_that_pivots_or_is_borderline(reference, name):
    case = reference("fit")["qr"][name]
    x = np.array(case["x"], dtype=float)
    y = np.atleast_1d(np.array(case["y"], dtype=float))
    assert fast_dqrls(x, y, case["tol"]) is None


def _nearly_dependent(rng, relative_size: float) -> np.ndarray:
    """A design whose last column is ``x1 - 2 x3`` plus noise of ``relative_size`` of its norm."""
    x = _random_design(rng, 500, 5)
    combination = x[:, 1] - 2.0 * x[:, 3]
    noise = rng.standard_normal(500)
    noise *= relative_size * np.linalg.norm(combination) / np.linalg.norm(noise)
    return np.asfortranarray(np.column_stack([x, combination + noise]))


@pytest.mark.parametrize("relative_size", [0.0, 1e-14, 1e-10, 1e-9])
def test_declines_collinear_and_near_collinear(relative_size):
    """A column within ``1e3 * tol`` of the span of the others: dqrdc2 may pivot it (or not)."""
    rng = np.random.default_rng(6)
    xx = _nearly_dependent(rng, relative_size)
    assert fast_dqrls(xx, rng.standard_normal(500), GLM_TOL) is None


def test_accepts_moderately_collinear_column():
    rng = np.random.default_rng(6)
    xx = _nearly_dependent(rng, 1e-4)
    y = rng.standard_normal(500)
    fast, exact = fast_dqrls(xx, y, GLM_TOL), dqrls(xx, y, GLM_TOL)
    assert fast is not None
    # cond ~ 1e4: two stable algorithms agree to about cond * eps.
    np.testing.assert_allclose(fast.coefficients, exact.coefficients, rtol=1e-10)
    np.testing.assert_allclose(fast.qr.qr, exact.qr.qr, atol=1e-10 * np.abs(exact.qr.qr).max())


@pytest.mark.parametrize("shape", [(3, 5), (4, 4), (6, 0), (0, 0)])
def test_declines_wide_square_and_empty(shape):
    x = np.ones(shape) + np.eye(*shape)
    assert fast_dqrls(x, np.ones(shape[0]), GLM_TOL) is None


@pytest.mark.parametrize("where", ["x", "y"])
@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_declines_non_finite(where, value):
    rng = np.random.default_rng(8)
    x, y = _random_design(rng, 30, 3), rng.standard_normal(30)
    (x if where == "x" else y)[4] = value
    assert fast_dqrls(x, y, GLM_TOL) is None


def test_declines_overflowing_gram_instead_of_failing():
    rng = np.random.default_rng(9)
    x = _random_design(rng, 30, 3) * 1e300
    assert fast_dqrls(x, rng.standard_normal(30), GLM_TOL) is None


def test_inputs_are_not_modified():
    rng = np.random.default_rng(10)
    x, y = _random_design(rng, 100, 4), rng.standard_normal(100)
    x0, y0 = x.copy(), y.copy()
    fit = fast_dqrls(x, y, GLM_TOL)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(y, y0)
    assert not np.shares_memory(fit.qr.qr, x)


def test_overwrite_x_reuses_memory_only_for_a_fit():
    rng = np.random.default_rng(11)
    x, y = _random_design(rng, 100, 4), rng.standard_normal(100)
    expected = dqrls(x, y, GLM_TOL)
    work = x.copy(order="F")
    fit = fast_dqrls(work, y, GLM_TOL, overwrite_x=True)
    assert np.shares_memory(fit.qr.qr, work)
    _assert_same_fit(fit, expected)
    # Declining leaves the matrix intact for the exact path that follows.
    collinear = np.asfortranarray(np.column_stack([x, x[:, 1]]))
    before = collinear.copy()
    assert fast_dqrls(collinear, y, GLM_TOL, overwrite_x=True) is None
    np.testing.assert_array_equal(collinear, before)


def test_c_ordered_and_integer_inputs():
    rng = np.random.default_rng(12)
    x = np.ascontiguousarray(_random_design(rng, 50, 3))
    y = rng.integers(0, 5, 50)
    _assert_same_fit(fast_dqrls(x, y, GLM_TOL), dqrls(x, y, GLM_TOL))


def test_factor_then_complete_is_fast_dqrls():
    """The two phases: coefficients and R after two passes, ``x`` untouched until completed."""
    rng = np.random.default_rng(13)
    x, y = _random_design(rng, 400, 6), rng.standard_normal(400)
    exact = dqrls(x, y, GLM_TOL)
    work = x.copy(order="F")
    factor = factor_unpivoted(work, y, GLM_TOL)
    np.testing.assert_array_equal(work, x)
    _assert_close(factor.coefficients, exact.coefficients)
    _assert_close(factor.r, np.triu(exact.qr.qr[:6]))
    _assert_close(factor.qraux, exact.qr.qraux)
    fit = factor.complete(work, y, overwrite_x=True)
    assert np.shares_memory(fit.qr.qr, work)
    _assert_same_fit(fit, exact)


def test_factor_declines_like_fast_dqrls():
    x = np.column_stack([np.ones(10), np.arange(10.0), 2.0 * np.arange(10.0)])
    assert factor_unpivoted(x, np.ones(10), GLM_TOL) is None
