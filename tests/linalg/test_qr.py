"""dqrdc2 / dqrls / chol2inv against R's ``qr()``, ``qr.qty``, ``qr.coef`` and ``C_Cdqrls``.

Expected values: tests/reference/fit.json, made by tests/reference/make_fit.R.
"""

from __future__ import annotations

import numpy as np
import pytest

from rglm.errors import RError
from rglm.linalg import chol2inv, dqrdc2, dqrls, qr_coef, qr_qty, qr_qy, qr_r

# (name, case) pairs of fit.json's "qr" section, in name order.
qr_cases = pytest.mark.r_cases("fit", lambda ref: dict(sorted(ref["qr"].items())),
                               arg="name,case")


@pytest.fixture(scope="module")
def cases(reference):
    return reference("fit")["qr"]


def _matrix(rows) -> np.ndarray:
    return np.array(rows, dtype=float)


def _vector(v) -> np.ndarray:
    return np.atleast_1d(np.array(v, dtype=float))


# x1 + 1e-9 * x2 kept as a separate column: condition number ~1e9, so the last-bit
# differences between our BLAS sums and LINPACK's loops grow to ~1e-6 relative.
RTOL = {"near_collinear_keep": 1e-5}


def _close(actual, expected, scale, rtol=1e-10) -> None:
    # Entries that are exact zeros in theory come out as rounding noise (~1e-16 times
    # the matrix scale), different in every implementation: hence the absolute part.
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=1e-12 * scale)


@qr_cases
def test_dqrdc2_matches_r_qr(name, case):
    x = _matrix(case["x"])
    original = x.copy()
    qr = dqrdc2(x, case["tol"])
    np.testing.assert_array_equal(x, original)  # the caller's matrix is not touched
    assert qr.rank == case["rank"]
    np.testing.assert_array_equal(qr.pivot + 1, case["pivot"])
    scale = max(1.0, np.abs(x).max())
    rtol = RTOL.get(name, 1e-10)
    expected = _matrix(case["qr"]).reshape(x.shape)
    k = qr.rank
    # LINPACK still reflects the columns judged negligible (beyond the rank): their
    # sub-diagonal parts and qraux are a rounding residual scaled to unit norm, i.e.
    # noise that no other implementation reproduces. Only the determined parts are compared.
    _close(qr.qr[:, :k], expected[:, :k], scale, rtol)
    _close(qr.qr[:k, k:], expected[:k, k:], scale, rtol)
    _close(qr.qraux[:k], _vector(case["qraux"])[:k], scale, rtol)


@qr_cases
def test_qty_qy_and_coef_match_r(name, case):
    x, y = _matrix(case["x"]), _vector(case["y"])
    qr = dqrdc2(x, case["tol"])
    scale = max(1.0, np.abs(y).max())
    rtol = RTOL.get(name, 1e-10)
    _close(qr_qty(qr, y), _vector(case["qty"]), scale, rtol)
    _close(qr_qy(qr, y), _vector(case["qy"]), scale, rtol)
    coef = qr_coef(qr, qr_qty(qr, y))
    # R's qr.coef reports the unpermuted coefficients with NA for the aliased columns.
    expected = np.array([np.nan if v is None else v for v in case["coef"]], dtype=float)
    unpermuted = np.full(x.shape[1], np.nan)
    unpermuted[qr.pivot[: qr.rank]] = coef[: qr.rank]
    np.testing.assert_allclose(unpermuted, expected, rtol=RTOL.get(name, 1e-9), equal_nan=True)


@qr_cases
def test_dqrls_matches_cdqrls(name, case):
    x, y = _matrix(case["x"]), _vector(case["y"])
    fit = dqrls(x, y, case["tol"])
    scale = max(1.0, np.abs(y).max())
    rtol = RTOL.get(name, 1e-9)
    np.testing.assert_allclose(fit.coefficients, _vector(case["ls_coefficients"]), rtol=rtol)
    _close(fit.residuals, _vector(case["ls_residuals"]), scale, rtol)
    _close(fit.effects, _vector(case["ls_effects"]), scale, rtol)
    assert fit.pivoted == case["ls_pivoted"]


@pytest.mark.r_cases("fit", lambda ref: dict(sorted(ref["qr"].items())), arg="name,case",
                     where=lambda case: case["chol2inv"] is not None)
def test_chol2inv_matches_r(name, case):
    qr = dqrdc2(_matrix(case["x"]), case["tol"])
    k = qr.rank
    expected = np.atleast_2d(_matrix(case["chol2inv"]))
    np.testing.assert_allclose(chol2inv(qr.qr[:k, :k]), expected, rtol=RTOL.get(name, 1e-9))


def test_qr_r_is_upper_triangle(cases):
    x = _matrix(cases["full_rank"]["x"])
    r = qr_r(dqrdc2(x))
    assert r.shape == (3, 3)
    np.testing.assert_array_equal(np.tril(r, -1), 0.0)
    np.testing.assert_allclose(r.T @ r, x.T @ x, rtol=1e-12)


def test_qty_of_a_matrix_is_columnwise(cases):
    x = _matrix(cases["collinear"]["x"])
    qr = dqrdc2(x)
    ys = np.column_stack([np.arange(8.0), np.sin(np.arange(8.0))])
    both = qr_qty(qr, ys)
    for j in range(2):
        np.testing.assert_allclose(both[:, j], qr_qty(qr, ys[:, j]), rtol=1e-14)
    np.testing.assert_allclose(qr_qy(qr, both), ys, atol=1e-12)


def test_collinear_column_is_moved_to_the_end_keeping_order(cases):
    x = _matrix(cases["collinear"]["x"])
    qr = dqrdc2(x)
    np.testing.assert_array_equal(qr.pivot, [0, 1, 2, 4, 3])
    assert qr.rank == 4


@pytest.mark.parametrize("bad, message", [("x", "NA/NaN/Inf in 'x'"), ("y", "NA/NaN/Inf in 'y'")])
def test_dqrls_rejects_non_finite(bad, message):
    x = np.ones((3, 2))
    y = np.ones(3)
    if bad == "x":
        x[1, 1] = np.nan
    else:
        y[2] = np.inf
    with pytest.raises(RError, match=message.replace("(", r"\(")) as err:
        dqrls(x, y, 1e-7)
    assert str(err.value) == message


def test_chol2inv_zero_diagonal_is_an_error():
    with pytest.raises(RError) as err:
        chol2inv(np.array([[1.0, 2.0], [0.0, 0.0]]))
    assert str(err.value) == "element (2, 2) is zero, so the inverse cannot be computed"


def test_overwrite_x_reuses_memory(cases):
    x = np.asfortranarray(_matrix(cases["full_rank"]["x"]))
    qr = dqrdc2(x, overwrite_x=True)
    assert np.shares_memory(qr.qr, x)
