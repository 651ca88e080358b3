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

import functools
import json
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REF = json.loads((Path(__file__).resolve().parents[1] / "reference" / "predict.json")
                 .read_text("utf-8"))
MODELS = {m["id"]: m for m in REF["models"]}
CASES = [(m["id"], i) for m in REF["models"] for i in range(len(m["predict"]))]
NOISE_RATIO = 1e-10


# ---- helpers --------------------------------------------------------------------------

def as_array(values) -> np.ndarray:
    conv = {"NaN": math.nan, "Inf": math.inf, "-Inf": -math.inf}
    return np.array([math.nan if v is None else conv.get(v, v) for v in values], dtype=float)


def assert_close(actual, expected, tol: float, what: str) -> None:
    """Relative comparison; values below NOISE_RATIO x max are rounding noise around 0
    and compared absolutely at tol x max."""
    act = np.asarray(actual, dtype=float).ravel()
    exp = as_array(expected)
    assert act.shape == exp.shape, f"{what}: {act.shape} vs R {exp.shape}"
    assert np.array_equal(np.isnan(act), np.isnan(exp)), f"{what}: NaN pattern differs"
    fin = np.isfinite(exp)
    assert np.array_equal(act[~fin & ~np.isnan(exp)], exp[~fin & ~np.isnan(exp)]), what
    if not fin.any():
        return
    big = np.max(np.abs(exp[fin]))
    scale = np.where(np.abs(exp[fin]) < NOISE_RATIO * big, big, np.abs(exp[fin]))
    err = np.abs(act[fin] - exp[fin])
    assert np.all(err <= tol * scale), \
        f"{what}: max rel err {np.max(err / np.where(scale > 0, scale, 1)):.3g}"


def r_names(index: pd.Index) -> list:
    """R's row names of a pandas index (integer label k is R's "k+1")."""
    if pd.api.types.is_integer_dtype(index.dtype):
        return [str(int(v) + 1) for v in index]
    return [str(v) for v in index]


def check_vector(actual: pd.Series, expected: dict, tol: float, what: str) -> None:
    assert r_names(actual.index) == expected["names"], f"{what}: names"
    assert_close(actual.to_numpy(dtype=float), expected["values"], tol, what)


def check_matrix(actual: pd.DataFrame, expected: dict, tol: float, what: str) -> None:
    """Columns compared as one vector: a column of pure rounding noise (a term whose
    contribution is 0) is judged against the scale of the whole matrix."""
    assert list(actual.columns) == expected["colnames"], f"{what}: colnames"
    if expected["rownames"]:
        assert r_names(actual.index) == expected["rownames"], f"{what}: rownames"
    assert len(expected["columns"]) == actual.shape[1]
    flat = [v for col in expected["columns"] for v in col]
    assert_close(actual.to_numpy(dtype=float).ravel(order="F"), flat, tol, what)


def r_warnings(record) -> list:
    from rglm.errors import RWarning

    return [str(w.message) for w in record if issubclass(w.category, RWarning)]


@functools.cache
def namespace(model_id: str) -> dict:
    """The namespace of a model: rglm, pd, np, the datasets, ``fit`` and ``newdata``."""
    import rglm
    from rglm.datasets import load

    m = MODELS[model_id]
    ns = {"rglm": rglm, "pd": pd, "np": np}
    for name in ("dobson", "budworm", "birthwt", "clotting", "mtcars",
                 "InsectSprays", "Insurance", "ships", "anorexia", "warpbreaks",
                 "airquality", "ToothGrowth"):
        ns[name] = load(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ns["fit"] = eval(m["py"], ns)
    if m.get("newdata_py"):
        ns["newdata"] = eval(m["newdata_py"], ns)
    return ns


# ---- R reference cases ------------------------------------------------------------------

@pytest.mark.parametrize("model_id,i", CASES, ids=[f"{m}-{i}" for m, i in CASES])
def test_predict_matches_r(model_id, i):
    from rglm.results.predict import Prediction, predict

    m = MODELS[model_id]
    case = m["predict"][i]
    ns = namespace(model_id)
    disp = case["dispersion"]
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        out = predict(ns["fit"], newdata=ns["newdata"] if case["newdata"] else None,
                      type=case["type"], se_fit=case["se_fit"], dispersion=disp)
    assert r_warnings(record) == case["warnings"]
    tol = m["tol"]
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


@pytest.mark.parametrize("case", REF["errors"], ids=lambda c: c["id"])
def test_predict_errors_match_r(case):
    from rglm.errors import RError
    from rglm.results.predict import predict

    ns = namespace(case["model"])
    newdata = eval(case["newdata_py"], ns)
    with pytest.raises(RError) as err:
        predict(ns["fit"], newdata=newdata)
    assert str(err.value) == case["error"]


# ---- behaviour beyond the reference -----------------------------------------------------

def test_prediction_has_r_component_names():
    from rglm.results.predict import predict

    out = predict(namespace("dobson_poisson")["fit"], se_fit=True)
    assert out.keys() == ["fit", "se.fit", "residual.scale"]
    assert out["se.fit"] is out.se_fit and out["residual.scale"] == 1.0


def test_invalid_type_is_an_error():
    from rglm.errors import RError
    from rglm.results.predict import predict

    with pytest.raises(RError, match="'arg' should be one of"):
        predict(namespace("dobson_poisson")["fit"], type="mean")


def test_terms_subset_keeps_the_constant():
    from rglm.results.predict import predict

    fit = namespace("toothgrowth_poly_factor")["fit"]
    full = predict(fit, type="terms")
    part = predict(fit, type="terms", terms=["supp"])
    assert list(part.columns) == ["supp"]
    assert np.allclose(part["supp"], full["supp"])
    assert part.attrs["constant"] == full.attrs["constant"]


def test_na_omit_on_newdata_drops_the_na_row():
    from rglm.results.predict import predict

    ns = namespace("clotting_gamma_na_newdata")
    kept = predict(ns["fit"], ns["newdata"], na_action="na.omit")
    passed = predict(ns["fit"], ns["newdata"])
    assert list(kept.index) == [0, 1, 3]
    assert np.allclose(kept, passed.dropna())


def test_offset_argument_is_evaluated_in_newdata():
    """R >= 4.3: the call's offset= is added to predictions for new data."""
    from rglm.results.predict import predict

    ns = namespace("insurance_offset_argument")
    fit = ns["fit"]
    rows = ns["Insurance"].iloc[[0, 19, 63]]
    eta = predict(fit, rows)
    assert np.allclose(eta.to_numpy(), fit.linear_predictors.loc[[0, 19, 63]].to_numpy())


def test_newdata_predictions_of_fitted_rows_equal_the_fit():
    from rglm.results.predict import predict

    ns = namespace("ships_offset_formula_subset")
    fit = ns["fit"]
    used = ns["ships"].loc[fit.row_names]
    assert np.allclose(predict(fit, used, type="response"), fit.fitted_values)


def test_predict_does_not_modify_newdata():
    from rglm.results.predict import predict

    ns = namespace("toothgrowth_poly_factor")
    before = ns["newdata"].copy()
    predict(ns["fit"], ns["newdata"], se_fit=True, type="terms")
    pd.testing.assert_frame_equal(ns["newdata"], before)
