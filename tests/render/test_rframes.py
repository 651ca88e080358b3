"""R's print of what rglm returns as R vectors, matrices and data frames (RVector, RMatrix,
RFrame), under rglm.options(digits, width); R's ``$`` partial matching; a logical
factor's coefficient names. Expected text: tests/reference/make_rprint.R."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest

import rglm
from rglm.render.rframes import RFrame, RMatrix, RVector


@functools.lru_cache(maxsize=1)
def _namespace() -> dict:
    import json
    import pathlib

    ref = json.loads((pathlib.Path(__file__).parents[1] / "reference" / "rprint.json")
                     .read_text(encoding="utf-8"))
    ns = {"rglm": rglm, "np": np, "pd": pd}
    ns.update({name: rglm.datasets.load(name) for name in ref["datasets"]})
    exec(ref["setup_py"], ns)  # noqa: S102 - the fits the cases print
    return ns


@pytest.mark.r_cases("rprint", "cases")
def test_print_as_r(case):
    ns = _namespace()
    with rglm.options(digits=case["digits"], width=case["width"]):
        value = eval(case["py"], ns)  # noqa: S307
        assert str(value) == case["out"], case["r"]
    assert isinstance(value, (RVector, RMatrix, RFrame))


@pytest.mark.r_cases("rprint", "ambiguous", ids=lambda c: c["r"])
def test_ambiguous_dollar_is_a_clear_error(case):
    # R gives NULL for an ambiguous prefix; rglm says which components it abbreviates
    assert case["r_value"] is True
    with pytest.raises(KeyError, match="ambiguous"):
        eval(case["py"], _namespace())  # noqa: S307


def test_unknown_component_is_a_key_error():
    with pytest.raises(KeyError):
        _namespace()["clot"]["no.such.component"]


def test_options_statement_form_sets_and_restores():
    old = rglm.options(digits=4)
    try:
        assert rglm.getOption("digits") == 4
        assert old == {"digits": 7}
    finally:
        rglm.options(old)
    assert rglm.getOption("digits") == 7


def test_unnamed_vector_stays_unnamed_through_arithmetic():
    # R's 2 * x of an unnamed vector is unnamed: [1] labels, no names line
    v = rglm.RVector(np.array([1.5, 2.25]))
    doubled = str(v * 2)
    assert doubled == str(rglm.RVector(np.array([3.0, 4.5])))
    assert doubled.startswith("[1] ") and doubled.count("\n") == 1
    named = str(rglm.RVector(pd.Series([1.5, 2.25], index=["a", "b"])))
    assert named.splitlines()[0].split() == ["a", "b"]
