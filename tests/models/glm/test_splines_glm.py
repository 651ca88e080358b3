"""glm() fits with ns()/bs() terms against R: estimates, printouts, predict() on new data.

Reference: tests/reference/make_splines.R → splines.json (``fits``; ``bigglm_errors``).
The knots come from the whole column before ``subset`` and the NA action (R evaluates
the model frame's variables first), and new data are coded with the fit's knots and
boundary knots (R's makepredictcall), extrapolating beyond them. Tolerance: each fit's
``tol`` (1e-8, glm.fit's convergence criterion bounds the agreement of the estimates).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rglm.errors import RError

fits = pytest.mark.r_cases("splines", "fits")
predicted = pytest.mark.r_cases("splines", "fits", where=lambda c: c["newdata_py"])
chunked = pytest.mark.r_cases("splines", "fits", where=lambda c: c["bigglm_py"])


@pytest.fixture(scope="module")
def fitted(r_fit):
    def fit(case):
        return r_fit(case["py"], case["data"])

    return fit


@fits
def test_coefficients_and_standard_errors(case, fitted, assert_close):
    fit = fitted(case).value
    assert [str(n) for n in fit.coefficients.index] == case["coef_names"]
    assert_close(fit.coefficients, case["coefficients"], case["tol"], "coefficients")
    se = np.sqrt(np.diag(fit.vcov(complete=True)))
    assert_close(se, case["se"], case["tol"], "standard errors")
    for name in ("deviance", "null_deviance", "aic"):
        assert_close(getattr(fit, name), case[name], case["tol"], name)
    assert (fit.df_residual, fit.rank, fit.iter) == (case["df_residual"], case["rank"],
                                                     case["iter"])
    assert fitted(case).warnings == []


@fits
def test_printed_fit_and_summary(case, fitted, same_printed, noise_among):
    fit = fitted(case).value
    noise = noise_among([c for c in case["coefficients"] if c is not None])
    same_printed(str(fit), case["print"], noise, case["id"])
    same_printed(str(fit.summary()), case["summary_print"], noise, case["id"])


@predicted
def test_predict_on_new_data_uses_the_fits_knots(case, fitted, r_eval, r_warnings,
                                                  assert_close, r_names):
    import rglm

    fit = fitted(case).value
    newdata = r_eval(case["newdata_py"], case["data"]).value
    with r_warnings() as warned:
        link = rglm.predict(fit, newdata=newdata)
    with r_warnings() as warned_response:
        response = rglm.predict(fit, newdata=newdata, type="response")
    assert r_names(link.index) == case["predict_names"]
    assert_close(link, case["predict_link"], case["tol"], "link")
    assert_close(response, case["predict_response"], case["tol"], "response")
    assert warned == warned_response == case["predict_warnings"]


def test_new_data_are_not_modified(fitted, reference, r_eval):
    import rglm

    case = next(c for c in reference("splines")["fits"] if c["id"] == "birthwt_bs_smoke")
    newdata = r_eval(case["newdata_py"], case["data"]).value
    copy = newdata.copy()
    with pytest.warns(UserWarning, match="beyond boundary knots"):
        rglm.predict(fitted(case).value, newdata=newdata)
    pd.testing.assert_frame_equal(newdata, copy)


@chunked
def test_bigglm_with_fixed_knots_is_glm(case, r_eval, assert_close):
    # glm() is bigglm's oracle (make_bigglm.R): the knots are in the call, so every
    # block is coded as the whole column is
    fit = r_eval(case["bigglm_py"], case["data"]).value
    assert [str(n) for n in fit.coefficients.index] == case["coef_names"]
    assert_close(fit.coefficients, case["coefficients"], case["tol"], "coefficients")
    assert_close(fit.deviance, case["deviance"], case["tol"], "deviance")


@pytest.mark.r_cases("splines", "bigglm_errors")
def test_bigglm_refuses_knots_from_the_data(case, r_eval):
    with pytest.raises(RError) as err:
        r_eval(case["py"], [case["data"]])
    message = str(err.value)
    assert message.startswith(case["term"] + " depends on all the data")
    assert message.endswith("or give knots = and Boundary.knots =")


def test_bigglm_accepts_splines_without_interior_knots_from_the_data(dataset, assert_close):
    import rglm

    birthwt = dataset("birthwt")
    formula = ("low ~ ns(age, Boundary.knots = c(14, 45))"
               " + bs(lwt, degree = 2, Boundary.knots = c(80, 250))")
    whole = rglm.glm(formula, data=birthwt, family=rglm.binomial())
    chunked = rglm.bigglm(formula, data=birthwt, family=rglm.binomial(), chunksize=40)
    assert list(chunked.coefficients.index) == list(whole.coefficients.index)
    # both are rglm's IRLS; rglm.glm is checked against R above and in glm_models.json
    assert_close(chunked.coefficients, whole.coefficients.to_numpy(), 1e-8, "coefficients")
