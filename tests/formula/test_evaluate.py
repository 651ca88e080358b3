"""R expressions evaluated by rglm.formula.evaluate against R's own results.

Reference: tests/reference/make_eval.R → eval.json (every entry of ``cases`` is one R
expression evaluated in the same data frame, with its value, warnings or error).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from rglm.errors import RError
from rglm.formula.ast import Arg, Call, Number, Symbol
from rglm.formula.evaluate import REnv, RMatrix, as_value, evaluate
from rglm.formula.parse import parse_expr
from rglm.formula.values import NA, is_factor

def reference_data(raw: dict) -> pd.DataFrame:
    """The data frame ``d`` of make_eval.R (eval.json's ``data``), with R's types mapped
    to pandas."""

    def factor(spec, ordered):
        codes = np.array([-1 if c is None else c - 1 for c in spec["codes"]])
        return pd.Categorical.from_codes(codes, categories=spec["levels"], ordered=ordered)

    return pd.DataFrame({
        "x": np.array([np.nan if v is None else v for v in raw["x"]], dtype=float),
        "k": np.array(raw["k"], dtype=np.int64),
        # pandas' own text dtype for strings with NA ("str" on pandas 3, object on 2.2)
        "s": pd.Series(raw["s"]).array,
        "lg": pd.array(raw["lg"], dtype="boolean"),
        "z": np.array(raw["z"], dtype=float),
        "f": factor(raw["f"], False),
        "o": factor(raw["o"], True),
    })


def _plain_values(v):
    """Our vector value as a list with None for NA (R's JSON convention)."""
    if isinstance(v, pd.Series):
        return [None if pd.isna(e) else e for e in v.tolist()]
    if v is NA or (isinstance(v, float) and math.isnan(v)):
        return [None]
    return [v]


def _kind(v) -> str:
    if isinstance(v, (bool, np.bool_)) or v is NA:
        return "logical"
    if isinstance(v, str):
        return "character"
    if isinstance(v, (int, np.integer)):
        return "integer"
    if isinstance(v, float):
        return "double"
    if v.dtype == bool or v.dtype == "boolean":
        return "logical"
    if pd.api.types.is_string_dtype(v.dtype):
        return "character"
    return "integer" if v.dtype.kind in "iu" else "double"


def _assert_numbers(ours, theirs, rtol=1e-13):
    a = np.array([np.nan if e is None else e for e in ours], dtype=float)
    b = np.array([np.nan if e is None else e for e in theirs], dtype=float)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-15, equal_nan=True)


def assert_same_value(ours, ref: dict) -> None:
    """Compare one of our values with R's description of its value."""
    rtype = ref["type"][0]
    if rtype == "factor":
        assert is_factor(ours), f"expected a factor, got {ours!r}"
        assert [str(c) for c in ours.cat.categories] == ref["levels"]
        codes = [None if c < 0 else c + 1 for c in ours.cat.codes.tolist()]
        assert codes == ref["codes"]
        assert bool(ours.cat.ordered) == ref["ordered"][0]
        contr = ref.get("contrasts")
        attr = ours.attrs.get("contrasts")
        if contr is None:
            assert attr is None
        elif "name" in contr:
            assert attr == contr["name"][0]
        else:
            assert isinstance(attr, pd.DataFrame)
            np.testing.assert_allclose(attr.to_numpy(), np.array(contr["matrix"], float))
            names = None if isinstance(attr.columns, pd.RangeIndex) else list(attr.columns)
            assert names == contr.get("colnames")
        return
    if rtype == "matrix":
        assert isinstance(ours, RMatrix), f"expected a matrix, got {ours!r}"
        theirs = np.array([[np.nan if e is None else e for e in row] for row in ref["values"]],
                          dtype=float)
        np.testing.assert_allclose(ours.values, theirs, rtol=1e-12, atol=1e-14,
                                   equal_nan=True)
        assert (None if ours.colnames is None else list(ours.colnames)) == \
            ref.get("colnames")
        return
    values = _plain_values(ours)
    if rtype == "logical" and values == [None]:
        assert ref["values"] == [None]
        return
    if rtype in ("logical", "character"):
        assert _kind(ours) == rtype
        assert values == ref["values"]
        return
    assert _kind(ours) in ("integer", "double")
    has_na = any(e is None for e in ref["values"])
    if rtype == "integer" and not has_na:
        assert _kind(ours) == "integer"
    if rtype == "double":
        assert _kind(ours) == "double"
    _assert_numbers(values, ref["values"])


@pytest.mark.r_cases("eval", "cases", ids=lambda c: c["expr"][0])
def test_expression_matches_r(case, reference, r_warnings):
    env = REnv.from_data(reference_data(reference("eval")["data"]))
    node = parse_expr(case["expr"][0])
    with r_warnings() as caught:
        if "error" in case:
            with pytest.raises(RError) as err:
                evaluate(node, env, {})
            assert str(err.value) == case["error"][0]
            return
        value = evaluate(node, env, {})
    assert_same_value(value, case["value"])
    assert caught == case["warnings"]


def test_results_are_aligned_to_the_data_index():
    data = pd.DataFrame({"x": [1.0, 2.0, 3.0]}, index=["r1", "r2", "r4"])
    value = evaluate(parse_expr("log(x) + 1"), REnv.from_data(data))
    assert list(value.index) == ["r1", "r2", "r4"]


def test_namespace_variables_and_functions():
    data = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    env = REnv.from_data(data, {"w": np.array([10.0, 20.0, 30.0]), "x": "shadowed",
                                "np": np, "double": lambda v: v * 2})
    assert evaluate(parse_expr("x + w"), env).tolist() == [11.0, 22.0, 33.0]
    assert evaluate(parse_expr("double(x)"), env).tolist() == [2.0, 4.0, 6.0]
    np.testing.assert_allclose(evaluate(parse_expr("np.log(x)"), env), np.log([1, 2, 3]))
    assert evaluate(parse_expr("pi"), env) == math.pi


def test_r_functions_take_precedence_over_namespace_names():
    env = REnv.from_data(pd.DataFrame({"x": [2.5, 3.5]}), {"round": lambda v: v})
    assert evaluate(parse_expr("round(x)"), env).tolist() == [2.0, 4.0]


def test_hand_built_ast_power_is_not_xor():
    env = REnv.from_data(pd.DataFrame({"s": np.array([1, 2, 3, 4])}))
    node = Call(Symbol("I"), (Arg(None, Call(Symbol("^"), (Arg(None, Symbol("s")),
                                                          Arg(None, Number(2.0))))),))
    assert evaluate(node, env).tolist() == [1.0, 4.0, 9.0, 16.0]


def test_caller_data_is_not_modified():
    data = pd.DataFrame({"x": [3.0, 1.0, 2.0], "s": ["b", "a", "b"]})
    before = data.copy()
    env = REnv.from_data(data)
    for text in ("scale(x)", "poly(x, 2)", "factor(s)", "C(factor(s), sum)", "-x",
                 "relevel(factor(s), 'b')", "cbind(x, 1)", "ifelse(x > 1, x, 0)"):
        evaluate(parse_expr(text), env, {})
    pd.testing.assert_frame_equal(data, before)


def test_as_value_conversions():
    env = REnv.from_data(pd.DataFrame({"a": [1, 2, 3]}, index=[5, 6, 7]))
    assert list(as_value([1, 2, 3], env).index) == [5, 6, 7]
    assert as_value(np.array([True, False]), env).dtype == bool
    mat = as_value(np.ones((3, 2)), env)
    assert isinstance(mat, RMatrix) and mat.colnames is None
    assert as_value(pd.DataFrame({"u": [1.0], "v": [2.0]})).colnames == ("u", "v")
    assert as_value(pd.Series([1, None], dtype="Int64")).dtype == np.float64
    assert as_value(np.float64(2.5)) == 2.5
