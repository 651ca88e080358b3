"""The pieces of the BLAS-3 QR kernel that the IRLS uses separately.

``triangular_solve`` must be scipy's ``solve_triangular`` bit for bit (it replaces it in
the kernel, only without the per-call validation); ``complete(residuals=False)`` must
give the same decomposition and effects as the full completion.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.linalg import solve_triangular

from rglm.linalg.fastqr import factor_unpivoted, fast_dqrls
from rglm.linalg.qr import triangular_solve

GLM_TOL = 1e-11


def _triangle(rng, p: int, lower: bool, order: str) -> np.ndarray:
    a = rng.standard_normal((p, p)) + 4 * np.eye(p)
    a = np.tril(a) if lower else np.triu(a)
    return np.asfortranarray(a) if order == "F" else np.ascontiguousarray(a)


@pytest.mark.parametrize("order", ["F", "C"])
@pytest.mark.parametrize("lower", [False, True])
@pytest.mark.parametrize("trans", [0, 1])
@pytest.mark.parametrize("unit_diagonal", [False, True])
@pytest.mark.parametrize("rhs_shape", [(7,), (7, 3)])
def test_triangular_solve_is_scipy_bit_for_bit(order, lower, trans, unit_diagonal, rhs_shape):
    rng = np.random.default_rng(len(rhs_shape) * 100 + 10 * trans + lower)
    a = _triangle(rng, 7, lower, order)
    b = rng.standard_normal(rhs_shape)
    expected = solve_triangular(a, b, trans=trans, lower=lower, unit_diagonal=unit_diagonal)
    got = triangular_solve(a, b, trans=trans, lower=lower, unit_diagonal=unit_diagonal)
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


def test_triangular_solve_of_a_slice_leaves_inputs_alone():
    rng = np.random.default_rng(3)
    big = np.asfortranarray(np.triu(rng.standard_normal((9, 9))) + 5 * np.eye(9))
    a, b = big[:5, :5], rng.standard_normal(5)  # neither C- nor F-contiguous
    before = (big.copy(), b.copy())
    np.testing.assert_array_equal(triangular_solve(a, b), solve_triangular(a, b))
    np.testing.assert_array_equal(big, before[0])
    np.testing.assert_array_equal(b, before[1])


def test_triangular_solve_refuses_a_zero_pivot():
    a = np.triu(np.ones((3, 3)))
    a[1, 1] = 0.0
    with pytest.raises(np.linalg.LinAlgError):
        triangular_solve(a, np.ones(3))


def test_completion_without_residuals_is_the_same_decomposition():
    rng = np.random.default_rng(5)
    x = np.asfortranarray(np.column_stack([np.ones(300), rng.standard_normal((300, 4))]))
    y = rng.standard_normal(300)
    factor = factor_unpivoted(x, y, GLM_TOL)
    full = factor.complete(x, y)
    work = x.copy(order="F")
    lean = factor.complete(work, y, overwrite_x=True, residuals=False)
    assert lean.residuals is None
    assert np.shares_memory(lean.qr.qr, work)
    np.testing.assert_array_equal(lean.qr.qr, full.qr.qr)
    np.testing.assert_array_equal(lean.qr.qraux, full.qr.qraux)
    np.testing.assert_array_equal(lean.effects, full.effects)
    np.testing.assert_array_equal(lean.coefficients, full.coefficients)
    np.testing.assert_array_equal(full.residuals, fast_dqrls(x, y, GLM_TOL).residuals)
