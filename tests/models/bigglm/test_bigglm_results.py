"""The BigGLM object: R's printed text, summary, vcov, predict and anova.

rglm's bigglm claims glm()'s numbers and printouts under its own call, so the golden
texts are glm()'s (R >= 4.4 layout), printed for a fit carrying the bigglm() call:
``tests/reference/bigglm.json``, written by ``tests/reference/make_bigglm.R`` (which says
why glm(), not biglm, is the oracle, and how R 4.2's output is brought to R >= 4.4's).
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest

import rglm
from rglm.models.bigglm.frontend import bigglm
from rglm.datasets import load
from rglm.errors import RError, RWarning
from rglm.models.bigglm.result import BigGLM, anova_bigglm, predict_bigglm, summary_bigglm
from rglm.models.glm.summary import GLMSummary

CLOTTING = load("clotting")
DOBSON = load("dobson")


def _without_call(text: str) -> str:
    """The text after the call (print.glm and print.summary.glm put it first)."""
    return text[text.index("\nCoefficients"):]


# -- R's text ----------------------------------------------------------------------------------
@pytest.mark.r_cases("bigglm", "cases")
def test_printed_text_is_glms_under_the_bigglm_call(case, r_eval):
    got = r_eval(case["py"], case["data"], setup=case["setup_py"])
    assert got.warnings == []
    assert str(got.value) == case["print"]


# -- equal to glm's objects -------------------------------------------------------------------
@pytest.fixture(scope="module")
def pair():
    rng = np.random.default_rng(9)
    n = 300
    df = pd.DataFrame({"x": rng.normal(size=n), "f": rng.choice(list("abc"), n),
                       "expo": rng.uniform(1, 3, n)})
    df["y"] = rng.gamma(4.0, np.exp(0.5 + 0.3 * df.x) / 4.0)
    ref = rglm.glm("y ~ x + f", data=df, family=rglm.Gamma(link="log"), offset="log(expo)")
    got = bigglm("y ~ x + f", df, family=rglm.Gamma(link="log"), offset="log(expo)",
                 chunksize=70)
    return df, got, ref


def test_print_and_summary_text_equal_glm(pair):
    _, got, ref = pair
    assert _without_call(str(got)) == _without_call(str(ref))
    assert _without_call(str(summary_bigglm(got))) == _without_call(str(rglm.summary(ref)))


def test_summary_object_has_glm_components(pair):
    _, got, ref = pair
    s, r = summary_bigglm(got), rglm.summary(ref)
    assert isinstance(s, GLMSummary)
    pd.testing.assert_frame_equal(s.coefficients, r.coefficients, rtol=1e-8)
    pd.testing.assert_frame_equal(s.cov_unscaled, r.cov_unscaled, rtol=1e-8)
    assert s.df == r.df and s.aliased.equals(r.aliased)
    assert s.dispersion == pytest.approx(r.dispersion, rel=1e-10)
    assert s["null.deviance"] == pytest.approx(ref.null_deviance, rel=1e-10)


def test_given_dispersion_gives_z_tests(pair):
    _, got, _ = pair
    s = summary_bigglm(got, dispersion=1.0)
    assert list(s.coefficients.columns)[2:] == ["z value", "Pr(>|z|)"]


def test_vcov_equals_glm(pair):
    _, got, ref = pair
    pd.testing.assert_frame_equal(rglm.vcov(got), rglm.vcov(ref), rtol=1e-8)
    pd.testing.assert_frame_equal(got.vcov(), rglm.vcov(ref), rtol=1e-8)


def test_vcov_complete_has_na_rows_for_aliased():
    fit = bigglm("lot2 ~ log(u) + log(u^2)", CLOTTING, family=rglm.Gamma, chunksize=4)
    v = rglm.vcov(fit)
    assert list(v.index) == ["(Intercept)", "log(u)", "log(u^2)"]
    assert v.loc["log(u^2)"].isna().all() and v["log(u^2)"].isna().all()
    assert not v.loc[["(Intercept)", "log(u)"], ["(Intercept)", "log(u)"]].isna().any().any()
    assert rglm.vcov(fit, complete=False).shape == (2, 2)


def test_predict_matches_glm(pair):
    df, got, ref = pair
    new = df.iloc[:25]
    np.testing.assert_allclose(predict_bigglm(got, new), ref.linear_predictors.iloc[:25],
                               rtol=1e-9)
    np.testing.assert_allclose(got.predict(new, type="response"),
                               ref.fitted_values.iloc[:25], rtol=1e-9)


def test_predict_standard_errors(pair):
    df, got, ref = pair
    new = df.iloc[:10]
    x = pd.get_dummies(new.f, drop_first=True, dtype=float).reindex(columns=["b", "c"],
                                                                    fill_value=0.0)
    x = np.column_stack([np.ones(10), new.x, x])
    v = rglm.vcov(ref).to_numpy()
    se_link = np.sqrt(np.einsum("ij,jk,ik->i", x, v, x))
    link = predict_bigglm(got, new, se_fit=True)
    np.testing.assert_allclose(link.se_fit, se_link, rtol=1e-8)
    assert link["residual.scale"] == pytest.approx(np.sqrt(rglm.summary(ref).dispersion))
    resp = predict_bigglm(got, new, type="response", se_fit=True)
    np.testing.assert_allclose(resp.se_fit, se_link * resp.fit, rtol=1e-8)  # log link


def test_predict_new_level_is_an_error(pair):
    df, got, _ = pair
    with pytest.raises(RError, match="factor f has new level"):
        predict_bigglm(got, df.iloc[:3].assign(f="z"))


def test_predict_needs_newdata(pair):
    _, got, _ = pair
    with pytest.raises(RError, match="give 'newdata'"):
        predict_bigglm(got, None)


def test_r_component_names(pair):
    _, got, ref = pair
    assert got["null.deviance"] == pytest.approx(ref.null_deviance, rel=1e-10)
    assert got["df.residual"] == ref.df_residual
    assert "na.action" not in got.keys() and "coefficients" in got.keys()
    with pytest.raises(KeyError):
        got["residuals"]
    assert got.formula == "y ~ x + f"
    assert got.coef().equals(got.coefficients)
    assert list(got.R.index) == list(ref.R.index)


def test_fit_is_frozen(pair):
    _, got, _ = pair
    with pytest.raises(dataclasses.FrozenInstanceError):
        got.call = None


def test_rglm_summary_dispatches_to_bigglm(pair):
    _, got, ref = pair
    assert _without_call(str(rglm.summary(got))) == _without_call(str(rglm.summary(ref)))


# -- anova details ----------------------------------------------------------------------------
def test_anova_default_tests_and_no_test():
    m1 = bigglm("counts ~ outcome", DOBSON, family=rglm.poisson())
    m2 = bigglm("counts ~ outcome + treatment", DOBSON, family=rglm.poisson())
    assert list(anova_bigglm(m1, m2).table.columns)[-1] == "Pr(>Chi)"
    assert list(anova_bigglm(m1, m2, test=False).table.columns) == [
        "Resid. Df", "Resid. Dev", "Df", "Deviance"]
    with pytest.warns(RWarning, match="using F test with a 'poisson' family is inappropriate"):
        anova_bigglm(m1, m2, test="F")


@pytest.mark.parametrize("test", [None, "F", "Cp", "LRT"])
def test_anova_is_glms_table(test):
    """One analysis-of-deviance table: bigglm's is glm's record, with glm's numbers and
    text (glm's anova is checked against R in tests/models/glm/test_anova.py)."""
    from rglm.inference.anova_table import AnovaTable

    forms = ("lot1 ~ log(u)", "lot1 ~ log(u) + u")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a warning, if any, is the same for both
        got = anova_bigglm(*(bigglm(f, CLOTTING, family=rglm.Gamma, chunksize=4)
                             for f in forms), test=test)
        ref = rglm.anova(*(rglm.glm(f, data=CLOTTING, family=rglm.Gamma) for f in forms),
                         test=test)
    assert isinstance(got, AnovaTable) and type(got) is type(ref)
    assert list(got.table.columns) == list(ref.table.columns)
    np.testing.assert_allclose(got.table.to_numpy(dtype=float), ref.table.to_numpy(dtype=float),
                               rtol=1e-8, equal_nan=True)
    assert got.heading == ref.heading


def test_anova_rao_needs_what_a_bigglm_fit_does_not_keep():
    m1 = bigglm("counts ~ outcome", DOBSON, family=rglm.poisson())
    m2 = bigglm("counts ~ outcome + treatment", DOBSON, family=rglm.poisson())
    with pytest.raises(RError, match="keeps no working residuals"):
        anova_bigglm(m1, m2, test="Rao")


def test_anova_drops_models_of_another_response():
    m1 = bigglm("lot1 ~ log(u)", CLOTTING, family=rglm.Gamma)
    m2 = bigglm("lot1 ~ log(u) + u", CLOTTING, family=rglm.Gamma)
    m3 = bigglm("lot2 ~ log(u)", CLOTTING, family=rglm.Gamma)
    with pytest.warns(RWarning, match="models with response lot2 removed"):
        table = anova_bigglm(m1, m2, m3).table
    assert len(table) == 2


def test_anova_needs_same_rows():
    m1 = bigglm("lot1 ~ log(u)", CLOTTING, family=rglm.Gamma)
    m2 = bigglm("lot1 ~ log(u)", CLOTTING.iloc[:8], family=rglm.Gamma)
    with pytest.raises(RError, match="not all fitted to the same size of dataset"):
        anova_bigglm(m1, m2)


def test_zero_weights_dispersion_warning():
    d = CLOTTING.assign(w=[1.0, 1, 0, 1, 1, 1, 1, 1, 1])
    fit = bigglm("lot1 ~ log(u)", d, family=rglm.Gamma, weights="w")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = rglm.glm("lot1 ~ log(u)", data=d, family=rglm.Gamma, weights="w")
        expected = rglm.summary(ref).dispersion
    with pytest.warns(RWarning, match="observations with zero weight not used"):
        s = summary_bigglm(fit)
    assert s.dispersion == pytest.approx(expected, rel=1e-10)


def test_bigglm_type():
    fit = bigglm("lot1 ~ log(u)", CLOTTING, family=rglm.Gamma)
    assert isinstance(fit, BigGLM) and fit.engine == "serial" and fit.passes == fit.iter + 2
