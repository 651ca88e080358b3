"""logLik, AIC, BIC, extractAIC and nobs against R (R >= 4.3 logLik degrees of freedom).

Expected values: ``tests/reference/predict.json`` (``generics`` of each model and
``multi_ic``), written by ``tests/reference/make_predict.R``, which computes the
R >= 4.3 logLik df (+1 when the family's dispersion is estimated) explicitly.
"""

from __future__ import annotations

import warnings

import pytest

models = pytest.mark.r_cases("predict", "models")


@models
def test_loglik_matches_r(case, predict_model, assert_close):
    from rglm.inference.loglik import LogLik, logLik

    g = case["generics"]
    tol = case["tol"]
    ll = logLik(predict_model(case))
    assert isinstance(ll, LogLik) and isinstance(ll, float)
    assert_close(float(ll), g["logLik"], tol, "logLik")
    assert ll.df == g["logLik_df"]
    assert ll.nobs == g["logLik_nobs"]
    assert str(ll) + "\n" == g["logLik_print"]


@models
def test_information_criteria_match_r(case, predict_model, assert_close):
    from rglm.inference.loglik import AIC, BIC, extractAIC

    g = case["generics"]
    tol = case["tol"]
    fit = predict_model(case)
    assert_close(AIC(fit), g["AIC"], tol, "AIC")
    assert_close(AIC(fit, k=3), g["AIC_k3"], tol, "AIC k=3")
    assert_close(BIC(fit), g["BIC"], tol, "BIC")
    # value by value: each relative to itself (no floor for a noise-sized value)
    for got, exp in zip(extractAIC(fit), g["extractAIC"]):
        assert_close(float(got), exp, tol, "extractAIC")
    for got, exp in zip(extractAIC(fit, k=4), g["extractAIC_k4"]):
        assert_close(float(got), exp, tol, "extractAIC k=4")


@pytest.mark.r_cases("predict", "multi_ic", ids=lambda c: c["r"])
def test_several_fits_give_a_table_named_by_variables(case, predict_model, r_eval,
                                                      assert_close):
    from rglm.render.loglik import format_ic_table

    fits = {"m1": predict_model("dobson_poisson"),
            "m2": predict_model("dobson_poisson_zero_weight"),
            "m3": predict_model("mtcars_gaussian_zero_weight")}
    table, warned, _ = r_eval(case["py"], bindings=fits)
    assert warned == case["warnings"]
    assert list(table.index) == case["names"]
    assert list(table.columns) == ["df", case["column"]]
    for got, exp in zip(table["df"], case["df"]):
        assert_close(float(got), exp, 1e-12, "df")
    for got, exp in zip(table[case["column"]], case["values"]):
        assert_close(float(got), exp, 1e-8, case["column"])
    text = format_ic_table(list(table.index), table["df"], table[case["column"]],
                           case["column"])
    assert text == case["print"]


def test_duplicated_fit_is_an_error_as_in_r(predict_model):
    from rglm.errors import RError
    from rglm.inference.loglik import AIC

    fit = predict_model("dobson_poisson")
    with pytest.raises(RError, match="duplicate 'row.names'"):
        AIC(fit, fit)


def test_unnamed_fits_get_positional_names(predict_model):
    from rglm.inference.loglik import AIC

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # different numbers of observations
        table = AIC(predict_model("dobson_poisson"), predict_model("budworm_binomial_cbind"))
    assert list(table.index) == ["fit1", "fit2"]


def test_nobs_and_bic_count_zero_weights_differently(predict_models, predict_model):
    """R quirk: nobs() drops zero prior weights, BIC's log(n) does not."""
    from rglm.models.glm.methods import nobs
    from rglm.inference.loglik import logLik

    g = predict_models["dobson_poisson_zero_weight"]["generics"]
    assert g["nobs"] < g["logLik_nobs"]  # the quirk is there in R's numbers
    fit = predict_model("dobson_poisson_zero_weight")
    assert nobs(fit) == g["nobs"]
    assert logLik(fit).nobs == g["logLik_nobs"]


@pytest.mark.r_cases("printing", "loglik", ids=lambda c: c["out"].strip())
def test_print_of_loglik_values(case):
    """print.logLik of a value and df (NA: the aic of a quasi family) as R prints it."""
    from rglm.render.loglik import format_loglik

    value = float("nan") if case["x"] == "NA" else float(case["x"])
    assert format_loglik(value, float(case["df"])) == case["out"]
