"""R's term algebra (terms.formula) against R (tests/reference/make_formula.R)."""

from __future__ import annotations

import numpy as np
import pytest

from rglm.errors import RError
from rglm.formula.deparse import deparse1
from rglm.formula.terms import delete_response, drop_terms, terms

def as_list(v):
    """jsonlite unboxes length-one vectors; R's NULL is None."""
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def check_terms(t, ref):
    assert deparse1(t.formula) == ref["formula"]
    assert list(t.variable_names) == as_list(ref["variables"])
    assert list(t.term_labels) == as_list(ref["term_labels"])
    assert list(t.order) == as_list(ref["order"])
    assert t.intercept == bool(ref["intercept"])
    assert (t.response is not None) == bool(ref["response"])
    assert [i + 1 for i in t.offsets] == as_list(ref["offset"])
    if ref["factors"] is None:
        assert t.factors.size == 0
    else:
        np.testing.assert_array_equal(t.factors, np.array(ref["factors"]).reshape(t.factors.shape))


@pytest.mark.r_cases("formula", "terms", ids=lambda c: c["text"])
def test_term_algebra_matches_r(case):
    if "error" in case:
        with pytest.raises(RError, match=case["error"]):
            terms(case["text"])
        return
    check_terms(terms(case["text"]), case["terms"])


@pytest.mark.r_cases("formula", "dot_terms", ids=lambda c: c["text"])
def test_dot_expansion_matches_r(case, reference):
    check_terms(terms(case["text"], data_names=reference("formula")["dot_data"]), case["terms"])


@pytest.mark.r_cases("formula", "cases", where=lambda c: "terms" in c)
def test_model_case_terms_match_r(case):
    names = case["data"] if case["data"] is not None else REF_DATA_NAMES
    check_terms(terms(case["formula"], data_names=as_list(names)), case["terms"])


REF_DATA_NAMES = ["y", "x", "z", "Solar.R", "w", "s", "fl", "cyl", "f", "g", "h", "o", "lg",
                  "ch"]


def test_dot_without_data_is_an_error():
    with pytest.raises(RError, match="'.' in formula and no 'data' argument"):
        terms("y ~ .")


def test_keep_order():
    t = terms("y ~ a:b + a", keep_order=True)
    assert t.term_labels == ("a:b", "a")


def test_empty_model_flags():
    assert terms("y ~ 0").is_empty_model
    assert terms("y ~ -1 + offset(o)").is_empty_model
    assert not terms("y ~ 1").is_empty_model


def test_delete_response():
    t = delete_response(terms("y ~ x + offset(o) + f:x"))
    assert t.response is None
    assert t.variable_names == ("x", "offset(o)", "f")
    assert t.offsets == (1,)
    assert t.term_labels == ("x", "x:f")
    assert t.factors.shape == (3, 2)
    assert deparse1(t.formula) == "~x + offset(o) + f:x"


def test_drop_terms_keeps_intercept_and_response():
    t = terms("y ~ a * b - 1")
    d = drop_terms(t, [0, 2], keep_response=True)
    assert deparse1(d.formula) == "y ~ a + a:b - 1"
    assert d.term_labels == ("a", "a:b")
    assert not d.intercept
    assert drop_terms(t, []).term_labels == ()


def test_factors_matrix_is_read_only():
    t = terms("y ~ a*b")
    with pytest.raises(ValueError):
        t.factors[0, 0] = 5


def test_thousands_of_call_variables_are_matched_by_key():
    # Each variable is found by a key, not compared with every earlier one (R's
    # MatchVar over its list): 1000 call variables, each met twice, took seconds so.
    calls = [f"log(x{c}, base = {c % 3})" for c in range(1, 1001)]
    t = terms("y ~ " + " + ".join(calls + calls[::-1]))
    assert t.term_labels == tuple(calls)
    assert t.variable_names == ("y", *calls)
