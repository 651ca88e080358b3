"""The small generics (coef, fitted, weights, deviance, df.residual, nobs, formula,
family, model.matrix, model.frame, sigma) against R.

Expected values: ``tests/reference/predict.json`` (``generics`` of each model), written
by ``tests/reference/make_predict.R``. ``sigma`` is R >= 4.3's ``sqrt(dispersion)``.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

models = pytest.mark.r_cases("predict", "models")


@pytest.mark.parametrize("name,kw", [("coef", {}), ("fitted", {}),
                                     ("weights_prior", {"type": "prior"}),
                                     ("weights_working", {"type": "working"})])
@models
def test_vectors_match_r(case, name, kw, predict_model, assert_close, r_names):
    from rglm.models.glm import methods as generics

    fn = getattr(generics, name.split("_")[0])
    expected = case["generics"][name]
    out = fn(predict_model(case), **kw)
    names = list(out.index) if name == "coef" else r_names(out.index)
    assert names == expected["names"]
    assert_close(out.to_numpy(), expected["values"], case["tol"], name)


@models
def test_scalars_match_r(case, predict_model, assert_close):
    from rglm.models.glm import methods as generics

    g = case["generics"]
    fit = predict_model(case)
    tol = case["tol"]
    assert_close(generics.deviance(fit), g["deviance"], tol, "deviance")
    assert generics.df_residual(fit) == g["df_residual"]
    assert generics.nobs(fit) == g["nobs"]
    assert generics.formula(fit) == g["formula"]
    assert generics.family(fit).family == g["family"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # summary's zero-weight warning
        assert_close(generics.sigma(fit), g["sigma"], tol, "sigma")


@models
def test_model_matrix_matches_r(case, predict_model, assert_close, r_names):
    from rglm.models.glm.methods import model_matrix

    expected = case["generics"]["model_matrix"]
    mm = model_matrix(predict_model(case))
    assert list(mm.columns) == expected["colnames"]
    assert r_names(mm.index) == expected["rownames"]
    assert list(mm.attrs["assign"]) == expected["assign"]
    flat = [v for col in expected["columns"] for v in col]
    assert_close(mm.to_numpy().ravel(order="F"), flat, case["tol"], "X")


def test_coef_complete_false_drops_aliased(predict_model):
    from rglm.models.glm.methods import coef

    fit = predict_model("warpbreaks_aliased")
    assert coef(fit).isna().sum() == 1
    assert list(coef(fit, complete=False).index) == \
        [n for n in fit.coefficients.index if n != "woolB:tensionH"]


def test_weights_type_is_checked(predict_model):
    from rglm.errors import RError
    from rglm.models.glm.methods import weights

    with pytest.raises(RError, match="'arg' should be one of"):
        weights(predict_model("dobson_poisson"), type="both")


def test_model_frame_is_the_stored_frame(predict_model):
    from rglm.models.glm.methods import model_frame

    fit = predict_model("airquality_na_exclude_poly")
    frame = model_frame(fit)
    assert len(frame) == fit.df_residual + fit.rank
    pd.testing.assert_frame_equal(frame, fit.model)


def test_model_frame_reevaluates_with_new_subset():
    """R: model.frame(fit, subset = ...) evaluates the call again."""
    import rglm
    from rglm.models.glm.methods import model_frame

    dobson = rglm.datasets.load("dobson")  # noqa: F841 (looked up by name, as R does)
    fit = rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), data=dobson)
    frame = model_frame(fit, subset="counts > 12")
    assert list(frame.index) == [0, 1, 2, 3, 5, 6, 7]


def test_model_frame_without_stored_model():
    import rglm
    from rglm.models.glm.methods import model_frame, model_matrix

    dobson = rglm.datasets.load("dobson")
    fit = rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), data=dobson,
                   model=False)
    assert fit.model is None
    assert list(model_frame(fit).columns) == ["counts", "outcome", "treatment"]
    assert model_matrix(fit).shape == (9, 5)
