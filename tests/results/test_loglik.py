"""logLik, AIC, BIC, extractAIC and nobs against R (R >= 4.3 logLik degrees of freedom).

Expected values: ``tests/reference/predict.json`` (``generics`` of each model and
``multi_ic``), written by ``tests/reference/make_predict.R``, which computes the
R >= 4.3 logLik df (+1 when the family's dispersion is estimated) explicitly.
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


def as_float(v) -> float:
    return math.nan if v is None else {"NaN": math.nan, "Inf": math.inf,
                                       "-Inf": -math.inf}.get(v, v)


def assert_close(actual: float, expected, tol: float, what: str) -> None:
    e = as_float(expected)
    if math.isnan(e) or math.isinf(e):
        assert (math.isnan(actual) and math.isnan(e)) or actual == e, what
    else:
        assert abs(actual - e) <= tol * abs(e), f"{what}: {actual!r} vs R {e!r}"


@functools.cache
def datasets() -> dict:
    from rglm.datasets import load

    return {name: load(name) for name in (
        "dobson", "budworm", "birthwt", "clotting", "mtcars", "InsectSprays",
        "Insurance", "ships", "anorexia", "warpbreaks", "airquality", "ToothGrowth")}


@functools.cache
def fitted_model(model_id: str):
    import rglm

    ns = {"rglm": rglm, "pd": pd, "np": np, **datasets()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return eval(MODELS[model_id]["py"], ns)


@pytest.mark.parametrize("model_id", IDS)
def test_loglik_matches_r(model_id):
    from rglm.results.loglik import LogLik, logLik

    g = MODELS[model_id]["generics"]
    tol = MODELS[model_id]["tol"]
    ll = logLik(fitted_model(model_id))
    assert isinstance(ll, LogLik) and isinstance(ll, float)
    assert_close(float(ll), g["logLik"], tol, "logLik")
    assert ll.df == g["logLik_df"]
    assert ll.nobs == g["logLik_nobs"]
    assert str(ll) + "\n" == g["logLik_print"]


@pytest.mark.parametrize("model_id", IDS)
def test_information_criteria_match_r(model_id):
    from rglm.results.loglik import AIC, BIC, extractAIC

    g = MODELS[model_id]["generics"]
    tol = MODELS[model_id]["tol"]
    fit = fitted_model(model_id)
    assert_close(AIC(fit), g["AIC"], tol, "AIC")
    assert_close(AIC(fit, k=3), g["AIC_k3"], tol, "AIC k=3")
    assert_close(BIC(fit), g["BIC"], tol, "BIC")
    for got, exp in zip(extractAIC(fit), g["extractAIC"]):
        assert_close(float(got), exp, tol, "extractAIC")
    for got, exp in zip(extractAIC(fit, k=4), g["extractAIC_k4"]):
        assert_close(float(got), exp, tol, "extractAIC k=4")


@pytest.mark.parametrize("case", REF["multi_ic"], ids=lambda c: c["r"])
def test_several_fits_give_a_table_named_by_variables(case):
    import rglm
    from rglm.errors import RWarning
    from rglm.printing.loglik import format_ic_table
    from rglm.results.loglik import AIC, BIC

    m1 = fitted_model("dobson_poisson")
    m2 = fitted_model("dobson_poisson_zero_weight")
    m3 = fitted_model("mtcars_gaussian_zero_weight")
    ns = {"rglm": rglm, "m1": m1, "m2": m2, "m3": m3}
    ns["rglm"] = type("R", (), {"AIC": staticmethod(AIC), "BIC": staticmethod(BIC)})
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        table = eval(case["py"], ns)
    assert [str(w.message) for w in record if issubclass(w.category, RWarning)] == \
        case["warnings"]
    assert list(table.index) == case["names"]
    assert list(table.columns) == ["df", case["column"]]
    for got, exp in zip(table["df"], case["df"]):
        assert_close(float(got), exp, 1e-12, "df")
    for got, exp in zip(table[case["column"]], case["values"]):
        assert_close(float(got), exp, 1e-8, case["column"])
    text = format_ic_table(list(table.index), table["df"], table[case["column"]],
                           case["column"])
    assert text == case["print"]


def test_duplicated_fit_is_an_error_as_in_r():
    from rglm.errors import RError
    from rglm.results.loglik import AIC

    fit = fitted_model("dobson_poisson")
    with pytest.raises(RError, match="duplicate 'row.names'"):
        AIC(fit, fit)


def test_unnamed_fits_get_positional_names():
    from rglm.results.loglik import AIC

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # different numbers of observations
        table = AIC(fitted_model("dobson_poisson"), fitted_model("budworm_binomial_cbind"))
    assert list(table.index) == ["fit1", "fit2"]


def test_nobs_and_bic_count_zero_weights_differently():
    """R quirk: nobs() drops zero prior weights, BIC's log(n) does not."""
    from rglm.results.generics import nobs
    from rglm.results.loglik import logLik

    fit = fitted_model("dobson_poisson_zero_weight")
    assert nobs(fit) == 8
    assert logLik(fit).nobs == 9


def test_print_of_loglik_na_value():
    from rglm.printing.loglik import format_loglik

    assert format_loglik(float("nan"), 7) == "'log Lik.' NA (df=7)\n"
    assert format_loglik(-23.380659, 5.0) == "'log Lik.' -23.38066 (df=5)\n"
