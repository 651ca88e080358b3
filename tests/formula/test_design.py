"""Model frames and model matrices against R (tests/reference/make_formula.R).

Each case of ``formula.json`` is a model.frame() + model.matrix() call in R on the data of
``formula_data.csv``; here the same call goes through model_frame() / model_matrix().
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rglm.errors import RError
from rglm.formula import model_frame, model_matrix, model_offset, model_response, model_weights

REF_DIR = Path(__file__).parents[1] / "reference"


def as_list(v):
    """jsonlite unboxes length-one vectors; R's NULL is None."""
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def load_frame(name: str, schema: dict) -> pd.DataFrame:
    """A CSV written by make_formula.R, with R's column types restored."""
    df = pd.read_csv(REF_DIR / name, index_col="rn")
    df.index.name = None
    for col, levels in schema["factor"].items():
        df[col] = pd.Categorical(df[col], categories=as_list(levels))
    for col, levels in schema["ordered"].items():
        df[col] = pd.Categorical(df[col], categories=as_list(levels), ordered=True)
    for col in as_list(schema["logical"]):
        vals = df[col]
        df[col] = vals.astype("boolean") if vals.isna().any() else vals.astype(bool)
    # The character columns stay as read_csv gives them: pandas' own text dtype ("str"
    # on pandas 3, object with NaN on pandas 2.2), what a user's data would have.
    for col in as_list(schema["character"]):
        assert pd.api.types.is_string_dtype(df[col].dtype), col
    return df


@pytest.fixture(scope="module")
def data(reference):
    return load_frame("formula_data.csv", reference("formula")["schema"])


@pytest.fixture(scope="module")
def newdata(reference):
    return load_frame("formula_newdata.csv", reference("formula")["schema"])


def py_contrasts(spec):
    if spec is None:
        return None
    out = {}
    for name, value in spec.items():
        if isinstance(value, dict):
            out[name] = pd.DataFrame(np.array(value["matrix"], dtype=float),
                                     columns=as_list(value["colnames"]))
        else:
            out[name] = value
    return out


def build_frame(case, data):
    if case["data"] is not None:
        data = data[as_list(case["data"])]
    kwargs = {k: case[k] for k in ("subset", "weights", "offset") if case[k] is not None}
    return model_frame(case["formula"], data, na_action=case["na_action"] or "na.omit",
                       **kwargs)


@pytest.fixture(scope="module")
def run_frame(data, r_warnings):
    """``run_frame(case)`` -> the case's model frame and the RWarning texts."""

    def run(case):
        with r_warnings() as warned:
            mf = build_frame(case, data)
        return mf, warned

    return run


def assert_values(actual, expected):
    exp = np.array([np.nan if v is None else v for v in as_list(expected)], dtype=float)
    np.testing.assert_allclose(np.asarray(actual, dtype=float).reshape(exp.shape), exp,
                               rtol=1e-12, atol=0, equal_nan=True)


def assert_matrix(actual, expected_rows, n, p):
    exp = np.array(expected_rows if p else np.zeros((n, 0)), dtype=float)
    exp = exp.reshape(n, p) if exp.size == n * p else exp
    exp = np.where(exp == None, np.nan, exp).astype(float)  # noqa: E711
    np.testing.assert_allclose(actual, exp, rtol=1e-10, atol=1e-13, equal_nan=True)


@pytest.mark.r_cases("formula", "cases")
def test_model_frame_matches_r(case, data, run_frame):
    if "error" in case:
        with pytest.raises(RError) as err:
            build_frame(case, data)
        assert str(err.value) == case["error"]
        return
    mf, warned = run_frame(case)
    ref = case["frame"]
    assert warned == as_list(case["frame_warnings"])
    assert list(mf.names) == as_list(ref["names"])
    assert mf.nrow == ref["nrow"]
    assert [str(r) for r in mf.row_names] == as_list(ref["row_names"])
    if ref["na_action"] is None:
        assert mf.na_action is None
    else:
        assert mf.na_action.kind == ref["na_action"]["kind"]
        assert list(mf.na_action.positions + 1) == as_list(ref["na_action"]["positions"])
        assert [str(v) for v in mf.na_action.labels] == as_list(ref["na_action"]["labels"])
    resp = model_response(mf)
    if isinstance(ref["response"], dict) and "matrix" in ref["response"]:
        np.testing.assert_allclose(resp, np.array(ref["response"]["matrix"], dtype=float))
    elif ref["response"] is not None:
        assert_values(resp, ref["response"])
    for got, exp in ((model_weights(mf), ref["weights"]), (model_offset(mf), ref["offset"])):
        if exp is None:
            assert got is None
        else:
            assert_values(got, exp)


@pytest.mark.r_cases("formula", "cases", where=lambda c: "matrix" in c)
def test_model_matrix_matches_r(case, run_frame, r_warnings):
    mf, _ = run_frame(case)
    ref = case["matrix"]
    with r_warnings(every=True) as caught:
        mm = model_matrix(mf, contrasts=py_contrasts(case["contrasts"]))
    assert caught == as_list(ref["warnings"])
    assert list(mm.colnames) == as_list(ref["colnames"])
    assert list(mm.assign) == as_list(ref["assign"])
    assert mm.x.flags.f_contiguous and mm.x.dtype == np.float64
    assert_matrix(mm.x, ref["x"], mf.nrow, len(mm.colnames))
    assert mm.term_labels == tuple(as_list(case["terms"]["term_labels"]))
    # contrasts attribute
    expected = ref["contrasts"] or {}
    assert list(mm.contrasts) == list(expected)
    for name, exp in expected.items():
        got = mm.contrasts[name]
        if exp["type"] == "name":
            assert got == exp["value"]
        else:
            np.testing.assert_allclose(np.asarray(got, dtype=float),
                                       np.array(exp["value"], dtype=float))
            cols = None if isinstance(got.columns, pd.RangeIndex) else list(got.columns)
            assert cols == (as_list(exp["colnames"]) or None)
    # xlevels
    if ref["xlevels_is_null"]:
        assert mm.xlevels is None
    else:
        exp_lev = {k: as_list(v) for k, v in (ref["xlevels"] or {}).items()}
        assert {k: list(v) for k, v in mm.xlevels.items()} == exp_lev


@pytest.mark.r_cases("formula", "cases", where=lambda c: "newdata" in c)
def test_new_data_is_coded_like_r(case, run_frame, newdata):
    mf, _ = run_frame(case)
    mm = model_matrix(mf, contrasts=py_contrasts(case["contrasts"]))
    ref = case["newdata"]
    nmf = mm.spec.model_frame(newdata)
    nmm = mm.spec.model_matrix(nmf)
    assert list(nmm.colnames) == as_list(ref["colnames"])
    assert [str(r) for r in nmf.row_names] == as_list(ref["row_names"])
    assert_matrix(nmm.x, ref["x"], nmf.nrow, len(nmm.colnames))


@pytest.mark.r_cases("formula", "cases",
                     where=lambda c: "newdata" in c and c.get("newdata_bad_error"))
def test_unseen_level_in_new_data_is_an_error(case, run_frame, newdata):
    mf, _ = run_frame(case)
    mm = model_matrix(mf, contrasts=py_contrasts(case["contrasts"]))
    bad = newdata.copy()
    bad["f"] = pd.Categorical(["b", "e", "e", "a", "c", "b"])
    bad["ch"] = pd.Series(["gamma", "delta", "alpha", "beta", "alpha", "gamma"],
                          index=bad.index, dtype="str")
    with pytest.raises(RError) as err:
        mm.spec.model_frame(bad)
    assert str(err.value) == case["newdata_bad_error"]


def test_data_is_not_modified(data):
    before = data.copy()
    mf = model_frame("y ~ f + ch + lg + poly(z, 2)", data, subset="z > 1", weights="w")
    model_matrix(mf, contrasts={"f": "contr.sum"})
    pd.testing.assert_frame_equal(data, before)
