"""The small generics (coef, fitted, weights, deviance, df.residual, nobs, formula,
family, model.matrix, model.frame, sigma) against R.

Expected values: ``tests/reference/predict.json`` (``generics`` of each model), written
by ``tests/reference/make_predict.R``. ``sigma`` is R >= 4.3's ``sqrt(dispersion)``.
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
IDS = list(MODELS)
NOISE_RATIO = 1e-10


def as_array(values) -> np.ndarray:
    conv = {"NaN": math.nan, "Inf": math.inf, "-Inf": -math.inf}
    return np.array([math.nan if v is None else conv.get(v, v) for v in values], dtype=float)


def assert_close(actual, expected, tol: float, what: str) -> None:
    """Relative comparison; values below NOISE_RATIO x max are noise around 0, compared
    absolutely at tol x max."""
    act = np.asarray(actual, dtype=float).ravel()
    exp = as_array(expected if isinstance(expected, list) else [expected])
    assert act.shape == exp.shape, f"{what}: {act.shape} vs R {exp.shape}"
    assert np.array_equal(np.isnan(act), np.isnan(exp)), f"{what}: NaN pattern differs"
    fin = np.isfinite(exp)
    if fin.any():
        big = np.max(np.abs(exp[fin]))
        scale = np.where(np.abs(exp[fin]) < NOISE_RATIO * big, big, np.abs(exp[fin]))
        assert np.all(np.abs(act[fin] - exp[fin]) <= tol * scale), what


def r_names(index: pd.Index) -> list:
    if pd.api.types.is_integer_dtype(index.dtype):
        return [str(int(v) + 1) for v in index]
    return [str(v) for v in index]


@functools.cache
def fitted_model(model_id: str):
    import rglm
    from rglm.datasets import load

    ns = {"rglm": rglm, "pd": pd, "np": np}
    for name in ("dobson", "budworm", "birthwt", "clotting", "mtcars",
                 "InsectSprays", "Insurance", "ships", "anorexia", "warpbreaks",
                 "airquality", "ToothGrowth"):
        ns[name] = load(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return eval(MODELS[model_id]["py"], ns)


@pytest.mark.parametrize("name,kw", [("coef", {}), ("fitted", {}),
                                     ("weights_prior", {"type": "prior"}),
                                     ("weights_working", {"type": "working"})])
@pytest.mark.parametrize("model_id", IDS)
def test_vectors_match_r(model_id, name, kw):
    from rglm.results import generics

    fn = getattr(generics, name.split("_")[0])
    expected = MODELS[model_id]["generics"][name]
    out = fn(fitted_model(model_id), **kw)
    names = list(out.index) if name == "coef" else r_names(out.index)
    assert names == expected["names"]
    assert_close(out.to_numpy(), expected["values"], MODELS[model_id]["tol"], name)


@pytest.mark.parametrize("model_id", IDS)
def test_scalars_match_r(model_id):
    from rglm.results import generics

    g = MODELS[model_id]["generics"]
    fit = fitted_model(model_id)
    tol = MODELS[model_id]["tol"]
    assert_close(generics.deviance(fit), g["deviance"], tol, "deviance")
    assert generics.df_residual(fit) == g["df_residual"]
    assert generics.nobs(fit) == g["nobs"]
    assert generics.formula(fit) == g["formula"]
    assert generics.family(fit).family == g["family"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # summary's zero-weight warning
        assert_close(generics.sigma(fit), g["sigma"], tol, "sigma")


@pytest.mark.parametrize("model_id", IDS)
def test_model_matrix_matches_r(model_id):
    from rglm.results.generics import model_matrix

    expected = MODELS[model_id]["generics"]["model_matrix"]
    mm = model_matrix(fitted_model(model_id))
    assert list(mm.columns) == expected["colnames"]
    assert r_names(mm.index) == expected["rownames"]
    assert list(mm.attrs["assign"]) == expected["assign"]
    flat = [v for col in expected["columns"] for v in col]
    assert_close(mm.to_numpy().ravel(order="F"), flat, MODELS[model_id]["tol"], "X")


def test_coef_complete_false_drops_aliased():
    from rglm.results.generics import coef

    fit = fitted_model("warpbreaks_aliased")
    assert coef(fit).isna().sum() == 1
    assert list(coef(fit, complete=False).index) == \
        [n for n in fit.coefficients.index if n != "woolB:tensionH"]


def test_weights_type_is_checked():
    from rglm.errors import RError
    from rglm.results.generics import weights

    with pytest.raises(RError, match="'arg' should be one of"):
        weights(fitted_model("dobson_poisson"), type="both")


def test_model_frame_is_the_stored_frame():
    from rglm.results.generics import model_frame

    fit = fitted_model("airquality_na_exclude_poly")
    frame = model_frame(fit)
    assert len(frame) == fit.df_residual + fit.rank
    pd.testing.assert_frame_equal(frame, fit.model)


def test_model_frame_reevaluates_with_new_subset():
    """R: model.frame(fit, subset = ...) evaluates the call again."""
    import rglm
    from rglm.results.generics import model_frame

    dobson = rglm.datasets.load("dobson")  # noqa: F841 (looked up by name, as R does)
    fit = rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), data=dobson)
    frame = model_frame(fit, subset="counts > 12")
    assert list(frame.index) == [0, 1, 2, 3, 5, 6, 7]


def test_model_frame_without_stored_model():
    import rglm
    from rglm.results.generics import model_frame, model_matrix

    dobson = rglm.datasets.load("dobson")
    fit = rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), data=dobson,
                   model=False)
    assert fit.model is None
    assert list(model_frame(fit).columns) == ["counts", "outcome", "treatment"]
    assert model_matrix(fit).shape == (9, 5)
