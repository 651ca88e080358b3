"""residuals() of glm fits against R's residuals.glm, every type.

Expected values: ``tests/reference/predict.json`` (``residuals`` of each model), written
by ``tests/reference/make_predict.R``; the models' ``py`` translations are evaluated with
``rglm``, ``pd``, ``np`` and the datasets bound. R's automatic row name "k" is pandas
label k-1; ``na.exclude`` fits are NaN-padded as R pads them with NA.
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
TYPES = ("deviance", "pearson", "working", "response")
NOISE_RATIO = 1e-10


def as_array(values) -> np.ndarray:
    conv = {"NaN": math.nan, "Inf": math.inf, "-Inf": -math.inf}
    return np.array([math.nan if v is None else conv.get(v, v) for v in values], dtype=float)


def assert_close(actual, expected, tol: float, what: str) -> None:
    """Relative comparison; values below NOISE_RATIO x max are noise around 0, compared
    absolutely at tol x max."""
    act = np.asarray(actual, dtype=float).ravel()
    exp = as_array(expected)
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
def fitted(model_id: str):
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


@pytest.mark.parametrize("rtype", TYPES)
@pytest.mark.parametrize("model_id", list(MODELS))
def test_residuals_match_r(model_id, rtype):
    from rglm.results.residuals import residuals

    m = MODELS[model_id]
    expected = m["residuals"][rtype]
    res = residuals(fitted(model_id), rtype)
    assert r_names(res.index) == expected["names"]
    assert_close(res.to_numpy(), expected["values"], m["tol"], rtype)


@pytest.mark.parametrize("model_id", list(MODELS))
def test_partial_residuals_match_r(model_id):
    from rglm.results.residuals import residuals

    m = MODELS[model_id]
    expected = m["residuals"]["partial"]
    res = residuals(fitted(model_id), "partial")
    assert isinstance(res, pd.DataFrame)
    assert list(res.columns) == expected["colnames"]
    assert r_names(res.index) == expected["rownames"]
    flat = [v for col in expected["columns"] for v in col]
    assert_close(res.to_numpy().ravel(order="F"), flat, m["tol"], "partial")
    if expected["constant"] is None:
        assert "constant" not in res.attrs
    else:
        assert_close([res.attrs["constant"]], [expected["constant"]], m["tol"], "constant")


def test_default_type_is_deviance():
    from rglm.results.residuals import residuals

    fit = fitted("dobson_poisson")
    pd.testing.assert_series_equal(residuals(fit), residuals(fit, "deviance"))


def test_unknown_type_is_an_error():
    from rglm.errors import RError
    from rglm.results.residuals import residuals

    with pytest.raises(RError, match="'arg' should be one of"):
        residuals(fitted("dobson_poisson"), "studentized")


def test_y_false_fit_rebuilds_the_response():
    """R: without ``y`` the response is ``mu + r * mu.eta(eta)``."""
    import rglm
    from rglm.results.residuals import residuals

    dobson = rglm.datasets.load("dobson")
    with_y = rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), data=dobson)
    without = rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), data=dobson,
                       y=False)
    for rtype in ("deviance", "pearson", "response"):
        np.testing.assert_allclose(residuals(without, rtype), residuals(with_y, rtype),
                                   rtol=1e-12, atol=1e-14)
