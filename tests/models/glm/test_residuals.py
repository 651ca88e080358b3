"""residuals() of glm fits against R's residuals.glm, every type.

Expected values: ``tests/reference/predict.json`` (``residuals`` of each model), written
by ``tests/reference/make_predict.R``; the models' ``py`` translations are evaluated with
``rglm``, ``pd``, ``np`` and the datasets bound. R's automatic row name "k" is pandas
label k-1; ``na.exclude`` fits are NaN-padded as R pads them with NA.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

TYPES = ("deviance", "pearson", "working", "response")


@pytest.mark.parametrize("rtype", TYPES)
@pytest.mark.r_cases("predict", "models")
def test_residuals_match_r(case, rtype, predict_model, assert_close, r_names):
    from rglm.models.glm.residuals import residuals

    expected = case["residuals"][rtype]
    res = residuals(predict_model(case), rtype)
    assert r_names(res.index) == expected["names"]
    assert_close(res.to_numpy(), expected["values"], case["tol"], rtype)


@pytest.mark.r_cases("predict", "models")
def test_partial_residuals_match_r(case, predict_model, assert_close, r_names):
    from rglm.models.glm.residuals import residuals

    expected = case["residuals"]["partial"]
    res = residuals(predict_model(case), "partial")
    assert isinstance(res, pd.DataFrame)
    assert list(res.columns) == expected["colnames"]
    assert r_names(res.index) == expected["rownames"]
    flat = [v for col in expected["columns"] for v in col]
    assert_close(res.to_numpy().ravel(order="F"), flat, case["tol"], "partial")
    if expected["constant"] is None:
        assert "constant" not in res.attrs
    else:
        assert_close([res.attrs["constant"]], [expected["constant"]], case["tol"],
                     "constant")


def test_default_type_is_deviance(predict_model):
    from rglm.models.glm.residuals import residuals

    fit = predict_model("dobson_poisson")
    pd.testing.assert_series_equal(residuals(fit), residuals(fit, "deviance"))


def test_unknown_type_is_an_error(predict_model):
    from rglm.errors import RError
    from rglm.models.glm.residuals import residuals

    with pytest.raises(RError, match="'arg' should be one of"):
        residuals(predict_model("dobson_poisson"), "studentized")


def test_y_false_fit_rebuilds_the_response():
    """R: without ``y`` the response is ``mu + r * mu.eta(eta)``."""
    import rglm
    from rglm.models.glm.residuals import residuals

    dobson = rglm.datasets.load("dobson")
    with_y = rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), data=dobson)
    without = rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), data=dobson,
                       y=False)
    for rtype in ("deviance", "pearson", "response"):
        np.testing.assert_allclose(residuals(without, rtype), residuals(with_y, rtype),
                                   rtol=1e-12, atol=1e-14)
