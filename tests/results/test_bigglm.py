"""The BigGLM object: R's printed text, summary, vcov, predict and anova.

Golden texts are R's own output (R >= 4.4 methods; docs: /work/shared/reference/
r-glm-behaviour.md §11.3), produced by::

    clotting <- data.frame(u = c(5,10,15,20,30,40,60,80,100),
                           lot1 = c(118,58,42,35,27,25,21,19,18),
                           lot2 = c(69,35,26,21,18,16,13,12,12))
    fS <- glm(lot2 ~ log(u) + log(u^2), data = clotting, family = Gamma); summary(fS)
    d <- clotting; d$lot1[3] <- NA; d$u[7] <- NA
    fn <- glm(lot1 ~ log(u), data = d, family = Gamma); fn; summary(fn, correlation = TRUE)
    fg  <- glm(lot1 ~ log(u), data = clotting, family = Gamma)
    fg2 <- glm(lot1 ~ log(u) + u, data = clotting, family = Gamma); anova(fg, fg2)
    counts <- c(18,17,15,20,10,20,25,13,12); outcome <- gl(3,1,9); treatment <- gl(3,3)
    m1 <- glm(counts ~ outcome, family = poisson())
    m2 <- glm(counts ~ outcome*treatment, family = poisson())
    anova(m1, m2); anova(m1, m2, test = "Cp")

A bigglm fit prints what glm prints apart from the call, so the call lines are
replaced before comparing.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest

import rglm
from rglm.api.bigglm import bigglm
from rglm.errors import RError, RWarning
from rglm.results.bigglm import BigGLM, anova_bigglm, predict_bigglm, summary_bigglm
from rglm.results.summary import GLMSummary

CLOTTING = pd.DataFrame({"u": [5.0, 10, 15, 20, 30, 40, 60, 80, 100],
                         "lot1": [118.0, 58, 42, 35, 27, 25, 21, 19, 18],
                         "lot2": [69.0, 35, 26, 21, 18, 16, 13, 12, 12]})
DOBSON = pd.DataFrame({"counts": [18.0, 17, 15, 20, 10, 20, 25, 13, 12],
                       "outcome": pd.Categorical(list("123123123")),
                       "treatment": pd.Categorical(list("111222333"))})


def _without_call(text: str) -> str:
    """The text after the call (print.glm and print.summary.glm put it first)."""
    return text[text.index("\nCoefficients"):]


R_SUMMARY_ALIASED = """
Coefficients: (1 not defined because of singularities)
              Estimate Std. Error t value Pr(>|t|)    
(Intercept) -0.0239085  0.0013265  -18.02 4.00e-07 ***
log(u)       0.0235992  0.0005768   40.91 1.36e-09 ***
log(u^2)            NA         NA      NA       NA    
---
Signif. codes:  0 ‘***’ 0.001 ‘**’ 0.01 ‘*’ 0.05 ‘.’ 0.1 ‘ ’ 1

(Dispersion parameter for Gamma family taken to be 0.001813354)

    Null deviance: 3.118557  on 8  degrees of freedom
Residual deviance: 0.012672  on 7  degrees of freedom
AIC: 27.032

Number of Fisher Scoring iterations: 3

"""

R_PRINT_NA = """
Coefficients:
(Intercept)       log(u)  
   -0.01651      0.01535  

Degrees of Freedom: 6 Total (i.e. Null);  5 Residual
  (2 observations deleted due to missingness)
Null Deviance:\t    3.138 
Residual Deviance: 0.01341 \tAIC: 31.54
"""

R_SUMMARY_NA_CORRELATION = """
Coefficients:
              Estimate Std. Error t value Pr(>|t|)    
(Intercept) -0.0165093  0.0010500  -15.72 1.89e-05 ***
log(u)       0.0153532  0.0004908   31.28 6.27e-07 ***
---
Signif. codes:  0 ‘***’ 0.001 ‘**’ 0.01 ‘*’ 0.05 ‘.’ 0.1 ‘ ’ 1

(Dispersion parameter for Gamma family taken to be 0.002767876)

    Null deviance: 3.138214  on 6  degrees of freedom
Residual deviance: 0.013413  on 5  degrees of freedom
  (2 observations deleted due to missingness)
AIC: 31.537

Number of Fisher Scoring iterations: 3

Correlation of Coefficients:
       (Intercept)
log(u) -0.94      

"""

R_ANOVA_F = """Analysis of Deviance Table

Model 1: lot1 ~ log(u)
Model 2: lot1 ~ log(u) + u
  Resid. Df Resid. Dev Df  Deviance      F  Pr(>F)  
1         7  0.0167297                              
2         6  0.0082709  1 0.0084588 6.1376 0.04797 *
---
Signif. codes:  0 ‘***’ 0.001 ‘**’ 0.01 ‘*’ 0.05 ‘.’ 0.1 ‘ ’ 1
"""

R_ANOVA_CHISQ = """Analysis of Deviance Table

Model 1: counts ~ outcome
Model 2: counts ~ outcome * treatment
  Resid. Df Resid. Dev Df Deviance Pr(>Chi)
1         6     5.1291                     
2         0     0.0000  6   5.1291   0.5274
"""

R_ANOVA_CP = """Analysis of Deviance Table

Model 1: counts ~ outcome
Model 2: counts ~ outcome * treatment
  Resid. Df Resid. Dev Df Deviance     Cp
1         6     5.1291             11.129
2         0     0.0000  6   5.1291 18.000
"""


@pytest.fixture(scope="module")
def clotting_na():
    d = CLOTTING.copy()
    d.loc[2, "lot1"] = np.nan
    d.loc[6, "u"] = np.nan
    return d


# -- R's text ----------------------------------------------------------------------------------
def test_summary_text_with_aliased_coefficient_is_r():
    fit = bigglm("lot2 ~ log(u) + log(u^2)", CLOTTING, family=rglm.Gamma, chunksize=4)
    assert _without_call(str(summary_bigglm(fit))) == R_SUMMARY_ALIASED


def test_print_text_with_na_rows_is_r(clotting_na):
    fit = bigglm("lot1 ~ log(u)", clotting_na, family=rglm.Gamma, chunksize=3)
    assert _without_call(str(fit)) == R_PRINT_NA
    assert str(fit).startswith("\nCall:  bigglm(formula = lot1 ~ log(u), data = clotting_na, "
                               "family = Gamma, \n    chunksize = 3)\n")


def test_summary_text_with_correlation_is_r(clotting_na):
    fit = bigglm("lot1 ~ log(u)", clotting_na, family=rglm.Gamma, chunksize=3)
    s = summary_bigglm(fit, correlation=True)
    assert _without_call(str(s)) == R_SUMMARY_NA_CORRELATION


def test_anova_f_test_text_is_r():
    fg = bigglm("lot1 ~ log(u)", CLOTTING, family=rglm.Gamma, chunksize=4)
    fg2 = bigglm("lot1 ~ log(u) + u", CLOTTING, family=rglm.Gamma, chunksize=4)
    assert str(anova_bigglm(fg, fg2)) == R_ANOVA_F


def test_anova_chisq_and_cp_text_is_r():
    m1 = bigglm("counts ~ outcome", DOBSON, family=rglm.poisson(), chunksize=2)
    m2 = bigglm("counts ~ outcome*treatment", DOBSON, family=rglm.poisson(), chunksize=2)
    assert str(anova_bigglm(m1, m2)) == R_ANOVA_CHISQ
    assert str(anova_bigglm(m1, m2, test="Cp")) == R_ANOVA_CP


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
    if not hasattr(rglm, "bigglm"):
        pytest.skip("rglm.summary() dispatch to summary_bigglm is wired in by the lead")
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
