"""R's bs() and ns() bases, their knots, and the coding of new data with stored knots.

Reference: tests/reference/make_splines.R → splines.json (``bases``: one bs()/ns() call
each, evaluated here by rglm's formula evaluator from the same R text; ``design``:
splineDesign). The issue asks for R's numbers to 1e-10; the bases are exact up to a few
ulps (the same de Boor recursion and LINPACK QR as R), so that is the tolerance, with
conftest's noise floor for entries that are zero in exact arithmetic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rglm.errors import RError
from rglm.formula.evaluate import REnv, evaluate, freeze
from rglm.formula.parse import parse_expr
from rglm.formula.splines import SplineBasis, bs, ns, spline_design, spline_predict

TOL = 1e-10

bases = pytest.mark.r_cases("splines", "bases", where=lambda c: "error" not in c)
errors = pytest.mark.r_cases("splines", "bases", where=lambda c: "error" in c)
designs = pytest.mark.r_cases("splines", "design")


def _column(values) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _evaluate(call: str, x: np.ndarray, state, r_warnings):
    """The call evaluated on a frame holding ``x``; its value and warnings."""
    env = REnv.from_data(pd.DataFrame({"x": x}))
    with r_warnings() as warned:
        value = evaluate(parse_expr(call), env, state)
    return value, warned


def _fitted(case, r_warnings):
    state: dict = {}
    value, warned = _evaluate(case["call"], _column(case["x"]), state, r_warnings)
    return value, warned, state


@bases
def test_basis_values_match_r(case, r_warnings, assert_close):
    value, warned, _ = _fitted(case, r_warnings)
    want = [v for row in case["values"] for v in row]
    assert value.values.shape == (len(case["values"]), len(case["colnames"]))
    assert_close(value.values.ravel(), want, TOL, case["id"])
    assert list(value.colnames) == case["colnames"]
    assert warned == case["warnings"]


@bases
def test_recorded_knots_match_rs_attributes(case, r_warnings, assert_close):
    _, _, state = _fitted(case, r_warnings)
    (recorded,) = state.values()
    assert isinstance(recorded, SplineBasis)
    assert recorded.kind == case["fun"]
    assert recorded.degree == case["degree"]
    assert recorded.intercept is case["intercept"]
    assert_close(np.array(recorded.knots), case["knots"], TOL, "knots")
    assert_close(np.array(recorded.boundary_knots), case["boundary_knots"], TOL,
                 "Boundary.knots")


@bases
def test_new_data_coded_with_the_stored_knots(case, r_warnings, assert_close):
    # R: predict(<basis>, newx), the call makepredictcall.bs/ns writes for new data
    _, _, state = _fitted(case, r_warnings)
    value, warned = _evaluate(case["call"], _column(case["newx"]), freeze(state), r_warnings)
    want = [v for row in case["predict"] for v in row]
    assert_close(value.values.ravel(), want, TOL, case["id"])
    assert warned == case["predict_warnings"]


@errors
def test_basis_errors_match_r(case, r_warnings):
    with r_warnings() as warned, pytest.raises(RError) as err:
        _fitted(case, r_warnings)
    assert str(err.value) == case["error"]
    assert warned == case["warnings"]


@designs
def test_spline_design_matches_r(case, assert_close):
    got = spline_design(case["knots"], np.array(case["x"], dtype=float), case["ord"],
                        case["derivs"])
    assert_close(got.ravel(), [v for row in case["values"] for v in row], TOL, case["id"])


def test_reference_covers_the_brief(reference):
    ref = reference("splines")
    calls = {c["call"] for c in ref["bases"]}
    assert {c["fun"] for c in ref["bases"]} == {"bs", "ns"}
    cases = [c for c in ref["bases"] if "error" not in c]
    assert any("intercept = TRUE" in c for c in calls)
    assert {c["degree"] for c in cases if c["fun"] == "bs"} >= {1, 2, 3, 5}
    assert any(None in c["x"] for c in cases)  # NA in x
    assert any(len(set(c["x"])) < len(c["x"]) for c in cases)  # duplicated x
    assert any("knots = c(" in c for c in calls)
    # new data beyond the boundary knots on both sides, for bs and for ns
    assert all(min(_column(c["newx"])) < c["boundary_knots"][0]
               and max(_column(c["newx"])) > c["boundary_knots"][1] for c in cases)
    assert any(c["conversions"] for c in ref["bases"])


# ---- properties --------------------------------------------------------------------


def test_bs_with_intercept_is_a_partition_of_unity():
    x = np.linspace(-3.0, 7.5, 41)
    values, _ = bs(x, df=7, intercept=True)
    np.testing.assert_allclose(values.sum(axis=1), 1.0, rtol=0, atol=1e-14)


def test_ns_is_linear_beyond_the_boundary_knots():
    x = np.linspace(0.0, 10.0, 30)
    _, fitted = ns(x, df=4)
    far = np.array([-9.0, -6.0, -3.0, 13.0, 16.0, 19.0])
    values = spline_predict(far, fitted)
    # equally spaced points on a line: second differences vanish on each side
    np.testing.assert_allclose(np.diff(values[:3], 2, axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(np.diff(values[3:], 2, axis=0), 0.0, atol=1e-12)


def test_prediction_on_the_fitting_data_reproduces_the_basis():
    x = np.array([3.1, 0.2, 5.5, 2.2, 9.9, 4.0, 7.3, 2.2, 6.1])
    for make in (lambda v: bs(v, df=5, degree=2), lambda v: ns(v, df=3, intercept=True)):
        values, fitted = make(x)
        np.testing.assert_allclose(spline_predict(x, fitted), values, rtol=0, atol=1e-14)


def test_bases_do_not_modify_their_input():
    x = np.array([1.0, np.nan, 4.0, 2.0, 8.0, 2.0, 3.0, 5.0, 6.5])
    copy = x.copy()
    bs(x, df=4, boundary_knots=[2.0, 6.0], warn_outside=False)
    ns(x, df=3, boundary_knots=[2.0, 6.0])
    np.testing.assert_array_equal(x, copy)


def test_non_integer_df_is_refused_clearly():
    with pytest.raises(RError, match="'df' = 3.5 is not a whole number"):
        ns(np.arange(10.0), df=3.5)


def test_no_values_to_place_knots_at():
    with pytest.raises(RError, match="no non-missing values"):
        bs(np.array([np.nan, np.nan]), df=4)


def test_namespaced_call_is_the_same_function():
    env = REnv.from_data(pd.DataFrame({"x": np.linspace(1.0, 9.0, 17)}))
    plain = evaluate(parse_expr("ns(x, df = 3)"), env, {})
    qualified = evaluate(parse_expr("splines::ns(x, df = 3)"), env, {})
    np.testing.assert_array_equal(plain.values, qualified.values)
    with pytest.raises(RError, match='could not find function "splines::nope"'):
        evaluate(parse_expr("splines::nope(x)"), env, {})


def test_namespace_operator_binds_to_the_function_name():
    # R's grammar: SYMBOL NS_GET SYMBOL, so splines::ns(x, 3) calls `splines::ns`
    node = parse_expr("splines::ns(x, 3)")
    assert node.fname is None and node.fn.fname == "::"
    assert [a.value.name for a in node.fn.args] == ["splines", "ns"]
    with pytest.raises(RError, match="unexpected '\\('"):
        parse_expr("splines::(ns)")
