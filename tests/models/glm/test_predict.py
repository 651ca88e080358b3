"""predict() on glm fits against R's predict.glm (R >= 4.3 rules).

Expected values: ``tests/reference/predict.json``, written by
``tests/reference/make_predict.R``. Each model has ``r`` (the glm call), ``py`` (its rglm
translation, evaluated with ``rglm``, ``pd``, ``np`` and the datasets bound) and, where
new data are predicted, ``newdata_r`` / ``newdata_py``. Each predict case records the
type, ``se.fit``, whether new data were used, the dispersion given, R's values (names
first: R's automatic row name "k" is pandas label k-1), the warnings and
``attr(, "non-estim")``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


# ---- helpers --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def check_matrix(assert_close, r_names):
    """``check_matrix(actual, expected, tol, what)``: columns compared as one vector: a
    column of pure rounding noise (a term whose contribution is 0) is judged against the
    scale of the whole matrix."""

    def check(actual: pd.DataFrame, expected: dict, tol: float, what: str) -> None:
        assert list(actual.columns) == expected["colnames"], f"{what}: colnames"
        if expected["rownames"]:
            assert r_names(actual.index) == expected["rownames"], f"{what}: rownames"
        assert len(expected["columns"]) == actual.shape[1]
        flat = [v for col in expected["columns"] for v in col]
        assert_close(actual.to_numpy(dtype=float).ravel(order="F"), flat, tol, what)

    return check


@pytest.fixture(scope="module")
def newdata(predict_models, r_eval, all_datasets):
    """``newdata(model_id)`` -> a fresh copy of the model's new data (``newdata_py``)."""

    def make(model_id: str):
        return r_eval(predict_models[model_id]["newdata_py"], all_datasets).value

    return make


def _predict_cases(ref):
    return [(m, i) for m in ref["models"] for i in range(len(m["predict"]))]


# ---- R reference cases ------------------------------------------------------------------

@pytest.mark.r_cases("predict", _predict_cases, arg="model,i",
                     ids=lambda mi: f"{mi[0]['id']}-{mi[1]}")
def test_predict_matches_r(model, i, predict_model, newdata, r_warnings, assert_close,
                           check_vector, check_matrix, r_names):
    from rglm.models.glm.predict import Prediction, predict

    case = model["predict"][i]
    disp = case["dispersion"]
    with r_warnings() as warned:
        out = predict(predict_model(model), newdata=newdata(model["id"]) if case["newdata"]
                      else None, type=case["type"], se_fit=case["se_fit"], dispersion=disp)
    assert warned == case["warnings"]
    tol = model["tol"]
    if case["se_fit"]:
        assert isinstance(out, Prediction)
        fit, se = out.fit, out.se_fit
        assert_close([out.residual_scale], [case["residual_scale"]], tol, "residual.scale")
    else:
        fit, se = out, None
    if case["type"] == "terms":
        check_matrix(fit, case["fit"], tol, "fit")
        if case["constant"] is None:
            assert "constant" not in fit.attrs
        else:
            assert_close([fit.attrs["constant"]], [case["constant"]], tol, "constant")
        if se is not None:
            check_matrix(se, case["se"], tol, "se.fit")
    else:
        check_vector(fit, case["fit"], tol, "fit")
        if se is not None:
            check_vector(se, case["se"], tol, "se.fit")
        expected_ne = case.get("non_estim")
        actual_ne = fit.attrs.get("non-estim")
        if expected_ne is None:
            assert actual_ne is None
        else:
            assert r_names(pd.Index(actual_ne)) == expected_ne


@pytest.mark.r_cases("predict", "errors")
def test_predict_errors_match_r(case, predict_model, r_eval, all_datasets):
    from rglm.errors import RError
    from rglm.models.glm.predict import predict

    fit = predict_model(case["model"])
    new = r_eval(case["newdata_py"], all_datasets, {"fit": fit}).value
    with pytest.raises(RError) as err:
        predict(fit, newdata=new)
    assert str(err.value) == case["error"]


# ---- behaviour beyond the reference -----------------------------------------------------

def test_prediction_has_r_component_names(predict_model):
    from rglm.models.glm.predict import predict

    out = predict(predict_model("dobson_poisson"), se_fit=True)
    assert out.keys() == ["fit", "se.fit", "residual.scale"]
    assert out["se.fit"] is out.se_fit and out["residual.scale"] == 1.0


def test_invalid_type_is_an_error(predict_model):
    from rglm.errors import RError
    from rglm.models.glm.predict import predict

    with pytest.raises(RError, match="'arg' should be one of"):
        predict(predict_model("dobson_poisson"), type="mean")


def test_terms_subset_keeps_the_constant(predict_model):
    from rglm.models.glm.predict import predict

    fit = predict_model("toothgrowth_poly_factor")
    full = predict(fit, type="terms")
    part = predict(fit, type="terms", terms=["supp"])
    assert list(part.columns) == ["supp"]
    assert np.allclose(part["supp"], full["supp"])
    assert part.attrs["constant"] == full.attrs["constant"]


def test_na_omit_on_newdata_drops_the_na_row(predict_model, newdata):
    from rglm.models.glm.predict import predict

    fit, new = predict_model("clotting_gamma_na_newdata"), newdata("clotting_gamma_na_newdata")
    kept = predict(fit, new, na_action="na.omit")
    passed = predict(fit, new)
    assert list(kept.index) == [0, 1, 3]
    assert np.allclose(kept, passed.dropna())


def test_offset_argument_is_evaluated_in_newdata(predict_model, dataset):
    """R >= 4.3: the call's offset= is added to predictions for new data."""
    from rglm.models.glm.predict import predict

    fit = predict_model("insurance_offset_argument")
    rows = dataset("Insurance").iloc[[0, 19, 63]]
    eta = predict(fit, rows)
    assert np.allclose(eta.to_numpy(), fit.linear_predictors.loc[[0, 19, 63]].to_numpy())


def test_newdata_predictions_of_fitted_rows_equal_the_fit(predict_model, dataset):
    from rglm.models.glm.predict import predict

    fit = predict_model("ships_offset_formula_subset")
    used = dataset("ships").loc[fit.row_names]
    assert np.allclose(predict(fit, used, type="response"), fit.fitted_values)


def test_predict_does_not_modify_newdata(predict_model, newdata):
    from rglm.models.glm.predict import predict

    new = newdata("toothgrowth_poly_factor")
    before = new.copy()
    predict(predict_model("toothgrowth_poly_factor"), new, se_fit=True, type="terms")
    pd.testing.assert_frame_equal(new, before)
