"""R's poly() (orthogonal and raw), prediction from its coefficients, and scale().

Reference: tests/reference/make_eval.R → eval.json (``poly``; scale() cases are among the
expression cases checked in test_evaluate.py).
"""

from __future__ import annotations

import numpy as np
import pytest

from rglm.errors import RError
from rglm.formula.poly import (
    PolyCoefs, ScaleCoefs, poly_colnames, poly_fit, poly_predict, poly_raw, scale_fit,
    scale_predict,
)

# eval.json's poly cases, named by degree and position.
poly_cases = pytest.mark.r_cases(
    "eval", lambda ref: {f"degree{c['degree'][0]}-{i}": c for i, c in enumerate(ref["poly"])})


def _array(values):
    return np.array([[np.nan if e is None else e for e in row] for row in values], dtype=float)


def _vector(values):
    return np.array([np.nan if e is None else e for e in values], dtype=float)


@poly_cases
def test_poly_values_and_coefs_match_r(case):
    x, degree = _vector(case["x"]), case["degree"][0]
    values, coefs = poly_fit(x, degree)
    np.testing.assert_allclose(values, _array(case["values"]).reshape(len(x), degree),
                               rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(coefs.alpha, case["alpha"], rtol=1e-12)
    np.testing.assert_allclose(coefs.norm2, case["norm2"], rtol=1e-12)


@poly_cases
def test_poly_prediction_matches_r(case):
    x, degree = _vector(case["x"]), case["degree"][0]
    _, coefs = poly_fit(x, degree)
    predicted = poly_predict(_vector(case["new"]), coefs, degree)
    np.testing.assert_allclose(predicted, _array(case["predicted"]), rtol=1e-12, atol=1e-14,
                               equal_nan=True)


@poly_cases
def test_raw_poly_matches_r(case):
    x, degree = _vector(case["x"]), case["degree"][0]
    np.testing.assert_allclose(poly_raw(x, degree), _array(case["raw"]), rtol=1e-15)


def test_prediction_on_the_fitting_data_reproduces_the_fit():
    x = np.array([3.1, 0.2, 5.5, 2.2, 9.9, 4.0, 7.3])
    values, coefs = poly_fit(x, 4)
    np.testing.assert_allclose(poly_predict(x, coefs, 4), values, atol=1e-12)


def test_poly_columns_are_orthonormal():
    x = np.linspace(-2, 5, 40) ** 2
    values, _ = poly_fit(x, 3)
    np.testing.assert_allclose(values.T @ values, np.eye(3), atol=1e-12)
    np.testing.assert_allclose(values.sum(axis=0), 0, atol=1e-12)


def test_poly_errors():
    with pytest.raises(RError, match="^'degree' must be less than number of unique points$"):
        poly_fit(np.array([1.0, 2.0, 2.0]), 2)
    with pytest.raises(RError, match="^missing values are not allowed in 'poly'$"):
        poly_fit(np.array([1.0, np.nan, 2.0]), 1)
    with pytest.raises(RError, match="^'degree' must be at least 1$"):
        poly_raw(np.array([1.0]), 0)


def test_poly_does_not_modify_its_input():
    x = np.array([1.0, 4.0, 2.0, 8.0])
    copy = x.copy()
    poly_fit(x, 2)
    np.testing.assert_array_equal(x, copy)


def test_poly_colnames():
    assert poly_colnames(3) == ("1", "2", "3")
    assert isinstance(poly_fit(np.arange(4.0), 1)[1], PolyCoefs)


def test_scale_state_round_trip():
    x = np.array([[1.0, 10.0], [2.0, np.nan], [4.0, 30.0]])
    scaled, coefs = scale_fit(x)
    assert isinstance(coefs, ScaleCoefs)
    np.testing.assert_allclose(scale_predict(x, coefs), scaled)
    np.testing.assert_allclose(coefs.center, [7 / 3, 20.0])
    _, only_center = scale_fit(x, scale=False)
    assert only_center.scale is None
    with pytest.raises(RError, match="length of 'center' must equal the number of columns of 'x'"):
        scale_fit(x, center=[1.0])
