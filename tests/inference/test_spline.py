"""R's spline(method = "fmm"), approx() and seq.int(length.out=) against R.

Expected values: the ``spline`` and ``seq`` sections of ``tests/reference/confint.json``
(``tests/reference/make_confint.R``). These are exact arithmetic in the same operation
order as R's C code, so they agree to a few ulps.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from rglm.errors import RError, RWarning
from rglm.inference.spline import (approx, fmm_spline_coef, r_mean, regularize_values,
                                 seq_length_out, spline, spline_eval)


@pytest.mark.r_cases("confint", "spline")
def test_spline_matches_r(case, r_warnings, r_values):
    with r_warnings() as caught:
        sp = spline(r_values(case["x"]), r_values(case["y"]))
    assert caught == case["spline_warnings"]
    np.testing.assert_array_equal(sp.x, r_values(case["spline_x"]))
    np.testing.assert_allclose(sp.y, r_values(case["spline_y"]), rtol=1e-13, atol=1e-14)


@pytest.mark.r_cases("confint", "spline")
def test_approx_matches_r(case, r_warnings, r_values):
    with r_warnings() as caught:
        y = approx(r_values(case["y"]), r_values(case["x"]), r_values(case["approx_xout"]))
    assert caught == case["approx_warnings"]
    np.testing.assert_allclose(y, r_values(case["approx_y"]), rtol=1e-15, atol=0)


def test_seq_length_out_is_bitwise_r(reference, r_values):
    for case in reference("confint")["seq"]:
        got = seq_length_out(float(case["from"]), float(case["to"]), int(case["n"]))
        np.testing.assert_array_equal(got, r_values(case["values"]))


# ---- properties ---------------------------------------------------------------------


def test_spline_interpolates_and_reproduces_cubics():
    x = np.array([-2.0, -0.5, 0.3, 1.0, 2.5, 4.0])
    y = 0.5 * x**3 - x**2 + 2 * x - 1
    coef = fmm_spline_coef(x, y)
    # FMM end conditions make the spline exact for a cubic
    u = np.linspace(-2, 4, 41)
    np.testing.assert_allclose(spline_eval(u, coef), 0.5 * u**3 - u**2 + 2 * u - 1,
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(spline_eval(x, coef), y, rtol=1e-14, atol=1e-14)


def test_two_points_is_a_line_and_three_points_quadratic_free_ends():
    sp = spline([0.0, 2.0], [1.0, 5.0], n=5)
    np.testing.assert_allclose(sp.y, [1, 2, 3, 4, 5])
    coef = fmm_spline_coef(np.array([0.0, 1.0, 3.0]), np.array([1.0, -1.0, 2.0]))
    assert np.all(np.isfinite(coef.b))


def test_regularize_values_sorts_drops_na_and_averages_ties():
    with pytest.warns(RWarning, match="collapsing to unique 'x' values"):
        x, y = regularize_values([3, 1, np.nan, 1, 2], [30, 10, 5, 20, 15])
    np.testing.assert_array_equal(x, [1, 2, 3])
    np.testing.assert_array_equal(y, [15, 15, 30])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        regularize_values([1, 1], [1, 2], warn_collapsing=False)


def test_approx_is_exact_at_knots_and_na_outside():
    out = approx([0.0, 1.0, 2.0], [5.0, 7.0, 11.0], [-0.1, 0.0, 0.5, 1.0, 1.5, 2.0, 2.1, np.nan])
    assert np.isnan(out[0]) and np.isnan(out[6]) and np.isnan(out[7])
    np.testing.assert_array_equal(out[1:6], [5.0, 6.0, 7.0, 9.0, 11.0])


def test_approx_needs_two_points():
    with pytest.raises(RError, match="need at least two non-NA values to interpolate"):
        approx([1.0, np.nan], [1.0, 2.0], [1.0])


def test_r_mean_of_ties():
    assert r_mean(np.array([0.1, 0.2, 0.3])) == pytest.approx(0.2, rel=1e-16)
