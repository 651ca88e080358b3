"""model_frame / model_response / model_offset behaviours beyond the R-reference cases
(inputs, errors, immutability); R's own numbers are checked in test_design.py."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rglm.errors import RError, RWarning
from rglm.formula import (
    model_frame, model_matrix, model_offset, model_response, model_weights, parse_formula,
)


@pytest.fixture
def data():
    return pd.DataFrame({
        "y": [1.0, 2.0, np.nan, 4.0, 5.0, 6.0],
        "x": [0.5, 1.5, 2.5, np.nan, 4.5, 5.5],
        "n": [10, 20, 30, 40, 50, 60],
        "s": [3, 5, 9, 12, 30, 33],
        "g": pd.Categorical(["a", "b", "a", "b", "c", "c"]),
        "lab": ["p", "q", "p", "q", "p", "q"],
    }, index=[f"r{i}" for i in range(1, 7)])


def test_formula_string_or_call(data):
    a = model_frame("y ~ x", data)
    b = model_frame(parse_formula("y ~ x"), data)
    assert a.names == b.names and list(a.row_names) == list(b.row_names)


def test_row_names_and_omitted_rows(data):
    mf = model_frame("y ~ x", data)
    assert list(mf.row_names) == ["r1", "r2", "r5", "r6"]
    assert list(mf.na_action.positions) == [2, 3]
    assert list(mf.na_action.labels) == ["r3", "r4"]
    assert mf.na_action.kind == "omit"
    assert model_frame("y ~ x", data, na_action="na.exclude").na_action.kind == "exclude"


def test_na_pass_keeps_rows_and_na_fail_errors(data):
    mf = model_frame("y ~ x", data, na_action="na.pass")
    assert mf.nrow == 6 and mf.na_action is None
    assert np.isnan(model_response(mf)[2])
    with pytest.raises(RError, match="^missing values in object$"):
        model_frame("y ~ x", data, na_action="na.fail")


def test_extras_by_name_expression_and_values(data):
    by_name = model_frame("y ~ g", data, weights="n")
    by_expr = model_frame("y ~ g", data, weights="n / 10", offset="log(n)")
    by_vals = model_frame("y ~ g", data, weights=data["n"].to_numpy() / 10.0)
    np.testing.assert_allclose(model_weights(by_name), [10, 20, 40, 50, 60])
    np.testing.assert_allclose(model_weights(by_expr), [1, 2, 4, 5, 6])
    np.testing.assert_allclose(model_weights(by_vals), [1, 2, 4, 5, 6])
    np.testing.assert_allclose(model_offset(by_expr), np.log([10, 20, 40, 50, 60]))
    assert by_expr.names == ("y", "g", "(weights)", "(offset)")


def test_na_in_weights_drops_the_row(data):
    w = np.array([1.0, np.nan, 1.0, 1.0, 1.0, 1.0])
    mf = model_frame("y ~ g", data, weights=w)
    assert list(mf.row_names) == ["r1", "r4", "r5", "r6"]


def test_offsets_are_summed(data):
    mf = model_frame("y ~ g + offset(log(n)) + offset(s)", data, offset="n")
    np.testing.assert_allclose(model_offset(mf), data["n"].drop("r3") + np.log(
        data["n"].drop("r3")) + data["s"].drop("r3"))
    assert model_offset(model_frame("y ~ g", data)) is None


def test_lhs_is_an_r_expression(data):
    np.testing.assert_allclose(model_response(model_frame("y + x ~ g", data)),
                               [1.5, 3.5, 9.5, 11.5])
    np.testing.assert_allclose(model_response(model_frame("log(y) ~ g", data)),
                               np.log([1, 2, 4, 5, 6]))
    resp = model_response(model_frame("cbind(s, n - s) ~ g", data))
    assert resp.shape == (6, 2)
    np.testing.assert_allclose(resp[:, 1], [7, 15, 21, 28, 20, 27])


def test_factor_and_character_responses(data):
    resp = model_response(model_frame("g ~ x", data))
    assert isinstance(resp, pd.Categorical)
    with pytest.raises(RError, match="character"):
        model_response(model_frame("lab ~ x", data))


def test_subset_forms(data):
    by_expr = model_frame("y ~ x", data, subset="n > 15")
    by_mask = model_frame("y ~ x", data, subset=(data["n"] > 15).to_numpy())
    by_index = model_frame("y ~ x", data, subset=[2, 5, 6])
    assert list(by_expr.row_names) == list(by_mask.row_names) == ["r2", "r5", "r6"]
    assert list(by_index.row_names) == ["r2", "r5", "r6"]
    assert list(model_frame("y ~ x", data, subset=[-1]).row_names) == ["r2", "r5", "r6"]


def test_unused_levels_dropped_after_subset(data):
    mf = model_frame("y ~ g", data, subset="g != 'a'")
    assert list(mf["g"].cat.categories) == ["b", "c"]
    mm = model_matrix(mf)
    assert mm.colnames == ("(Intercept)", "gc")
    kept = model_frame("y ~ g", data, subset="g != 'a'", drop_unused_levels=False)
    assert list(kept["g"].cat.categories) == ["a", "b", "c"]


def test_errors_use_r_texts(data):
    with pytest.raises(RError, match="^object 'nope' not found$"):
        model_frame("y ~ nope", data)
    with pytest.raises(RError, match=r"^variable lengths differ \(found for '\(weights\)'\)$"):
        model_frame("y ~ x", data, weights=[1.0, 2.0])
    with pytest.raises(RError, match=r"^variable lengths differ \(found for 'z'\)$"):
        model_frame("y ~ z", data, env={"z": np.arange(3.0)})


def test_no_data_uses_env():
    env = {"counts": np.array([18.0, 17, 15, 20]), "trt": pd.Categorical(list("abab"))}
    mf = model_frame("counts ~ trt", None, env=env)
    assert mf.nrow == 4
    assert model_matrix(mf).colnames == ("(Intercept)", "trtb")


def test_data_columns_shadow_env(data):
    mf = model_frame("y ~ x", data, env={"x": np.zeros(6)})
    assert mf["x"].iloc[0] == 0.5


def test_zero_rows_is_not_an_error(data):
    mf = model_frame("y ~ x", data, subset="n > 1000")
    assert mf.nrow == 0
    assert model_matrix(mf).x.shape == (0, 2)


def test_to_frame_expands_matrices(data):
    mf = model_frame("cbind(s, n) ~ poly(n, 2) + scale(n) + g", data)
    df = mf.to_frame()
    assert list(df.columns) == ["cbind(s, n).s", "cbind(s, n).n", "poly(n, 2).1",
                                "poly(n, 2).2", "scale(n)", "g"]
    assert list(df.index) == list(mf.row_names)


def test_frame_is_immutable_and_data_untouched(data):
    before = data.copy()
    mf = model_frame("y ~ g + lab", data, subset="x > 1", weights="n")
    with pytest.raises(TypeError):
        mf.variables["y"] = 1
    pd.testing.assert_frame_equal(data, before)


def test_new_level_message_singular_and_plural(data):
    mm = model_matrix(model_frame("y ~ g", data))
    new1 = pd.DataFrame({"g": pd.Categorical(["z", "z"])})
    new2 = pd.DataFrame({"g": pd.Categorical(["a", "z"])})
    with pytest.raises(RError, match="^factor g has new level z$"):
        mm.spec.model_frame(new1)
    with pytest.raises(RError, match="^factor g has new levels z$"):
        mm.spec.model_frame(new2)


def test_new_data_na_pass_gives_nan_rows(data):
    mm = model_matrix(model_frame("y ~ x + g", data))
    new = pd.DataFrame({"x": [1.0, np.nan, 3.0], "g": pd.Categorical(["c", "a", None])})
    nm = mm.spec.model_matrix(mm.spec.model_frame(new))
    assert nm.colnames == mm.colnames
    np.testing.assert_array_equal(nm.x[0], [1, 1, 0, 1])
    assert np.isnan(nm.x[1, 1]) and np.isnan(nm.x[2, 2:]).all()


def test_new_data_character_predictor(data):
    mm = model_matrix(model_frame("y ~ lab", data))
    assert mm.xlevels == {"lab": ("p", "q")}
    new = pd.DataFrame({"lab": ["q", "q"]})
    nm = mm.spec.model_matrix(mm.spec.model_frame(new))
    np.testing.assert_array_equal(nm.x, [[1, 1], [1, 1]])


def test_response_on_rhs_is_dropped_with_r_warnings(data, r_warnings):
    mf = model_frame("y ~ y + x", data)
    with r_warnings() as msgs:
        mm = model_matrix(mf)
    assert mm.colnames == ("(Intercept)", "x")
    assert "the response appeared on the right-hand side and was dropped" in msgs


def test_single_level_factor_is_an_error(data):
    mf = model_frame("y ~ g", data, subset="g == 'c'")
    with pytest.raises(RError, match="^contrasts can be applied only to factors with 2 or "
                                     "more levels$"):
        model_matrix(mf)


def test_empty_models(data):
    mm = model_matrix(model_frame("y ~ 0", data))
    assert mm.x.shape == (5, 0) and mm.colnames == () and mm.xlevels is None
    mf = model_frame("y ~ -1 + offset(log(n))", data)
    mm = model_matrix(mf)
    assert mm.x.shape == (5, 0) and mm.xlevels == {}
    assert model_offset(mf) is not None


def test_absent_contrast_variable_warns(data):
    with pytest.warns(RWarning, match="variable 'zz' is absent, its contrast will be "
                                      "ignored"):
        model_matrix(model_frame("y ~ g", data), contrasts={"zz": "contr.sum"})


def test_contrast_function_and_matrix(data):
    from rglm.formula.contrasts import contr_sum
    mf = model_frame("y ~ g", data)
    by_fn = model_matrix(mf, contrasts={"g": contr_sum})
    by_name = model_matrix(mf, contrasts={"g": "contr.sum"})
    np.testing.assert_array_equal(by_fn.x, by_name.x)
    assert by_fn.colnames == ("(Intercept)", "g1", "g2")
    assert isinstance(by_fn.contrasts["g"], pd.DataFrame)
    assert by_name.contrasts == {"g": "contr.sum"}


def test_C_contrasts_and_logical_expression(data):
    # R 4.2: colnames "(Intercept)" "C(g, sum)1" "C(g, sum)2" "I(x > 2)TRUE";
    # contrasts list(`C(g, sum)` = "contr.sum", `I(x > 2)` = "contr.treatment").
    mm = model_matrix(model_frame("y ~ C(g, sum) + I(x > 2)", data))
    assert mm.colnames == ("(Intercept)", "C(g, sum)1", "C(g, sum)2", "I(x > 2)TRUE")
    assert dict(mm.contrasts) == {"C(g, sum)": "contr.sum", "I(x > 2)": "contr.treatment"}


def test_na_in_subset_gives_an_na_row(data):
    # R: model.frame(y ~ g, d, subset = c(TRUE, NA, TRUE, ...), na.action = na.pass)
    # has 6 rows, the second all NA and named "NA".
    sub = pd.array([True, None, True, True, True, True], dtype="boolean")
    mf = model_frame("y ~ g", data, subset=sub, na_action="na.pass")
    assert [str(r) for r in mf.row_names] == ["r1", "NA", "r3", "r4", "r5", "r6"]
    assert mf["g"].isna().tolist() == [False, True, False, False, False, False]
    omitted = model_frame("y ~ g", data, subset=sub)
    assert list(omitted.na_action.labels) == ["NA", "r3"]
