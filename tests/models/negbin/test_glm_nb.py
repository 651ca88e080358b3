"""MASS::glm.nb and its methods against R.

Expected values: ``tests/reference/negbin.json`` (``tests/reference/make_negbin.R``):
each glm.nb fit's coefficients, standard errors, theta, SE.theta, 2 x log-likelihood,
AIC, deviances, iterations, warnings, ``print(fit)`` and ``print(summary(fit))`` (R >= 4.3
layout); LR-test tables of nested fits; confint of a fit; theta.ml on its own.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

models = pytest.mark.r_cases("negbin", "models")


@pytest.fixture(scope="module")
def fitted(reference, r_fit):
    """``fitted(model_id)`` -> (the glm.nb fit, the RWarning texts it issued), cached."""
    cases = {m["id"]: m for m in reference("negbin")["models"]}

    def fit(model_id: str):
        value, warned, _ = r_fit(cases[model_id]["py"], cases[model_id]["data"])
        return value, warned

    return fit


@pytest.fixture(scope="module")
def close(assert_close):
    """``close(actual, expected, tol, what)``: a plain relative comparison,
    ``|a - e| <= tol |e|`` (no floor for rounding noise), NA positions checked."""

    def check(actual, expected, tol: float, what: str) -> None:
        assert_close(actual, expected, tol, what, noise_ratio=0)

    return check


def test_reference_covers_the_brief(reference):
    ref = reference("negbin")
    models = ref["models"]
    rs = " ".join(m["r"] for m in models)
    for needle in ("Sex/(Age + Eth * Lrn)", "offset(", "init.theta", "weights =",
                   "link = sqrt", "subset ="):
        assert needle in rs, needle
    assert any(m["th_warn"] == "iteration limit reached" for m in models)
    assert any(m["th_warn"] == "alternation limit reached" for m in models)
    assert len(ref["anova"]) >= 2
    for m in models:
        assert m["tol"] == 1e-8 or m["tol_reason"], m["id"]


@models
def test_numbers_match_r(case, fitted, close):
    fit, _ = fitted(case["id"])
    tol = case["tol"]
    assert list(fit.coefficients.index) == case["coef_names"]
    close(fit.coefficients, case["coefficients"], tol, "coefficients")
    close(np.sqrt(np.diag(fit.vcov())), case["se"], tol, "se")
    for name, value in (("theta", fit.theta), ("SE_theta", fit.SE_theta),
                        ("twologlik", fit.twologlik), ("aic", fit.aic),
                        ("deviance", fit.deviance), ("null_deviance", fit.null_deviance)):
        close(value, case[name], tol, name)
    close(fit.fitted_values, case["fitted_values"], tol, "fitted values")
    close(fit.prior_weights, case["prior_weights"], 1e-15, "prior weights")
    assert fit.iter == case["iter"]
    assert fit.rank == case["rank"]
    assert fit.df_residual == case["df_residual"] and fit.df_null == case["df_null"]
    assert fit.converged == case["converged"]
    if tol == 1e-8:
        assert fit.family.family == case["family"]
    else:  # theta numerically undetermined: its digits are not R's (see tol_reason)
        assert fit.family.family.startswith("Negative Binomial(")
    assert fit.family.link == case["link"]
    assert fit.th_warn == case["th_warn"]
    assert fit.keys() == case["names"]
    close(fit.twologlik / 2, case["loglik"], tol, "logLik")
    assert fit.loglik_df == case["loglik_df"]


@models
def test_warnings_match_r(case, fitted):
    _, warns = fitted(case["id"])
    assert warns == case["warnings"]


THETA_DIGITS = re.compile(r"(init\.theta = |Negative Binomial\(|Theta:  |Std\. Err\.:  )"
                          r"[-0-9.e+]+")


def same_text(actual: str, ref: dict, key: str) -> None:
    """Printed text equal to R's; for a fit whose theta is numerically undetermined
    (``tol`` > 1e-8, see its ``tol_reason``) the theta digits are masked first."""
    expected = ref[key]
    if ref["tol"] > 1e-8:
        actual = THETA_DIGITS.sub(r"\1<theta>", actual)
        expected = THETA_DIGITS.sub(r"\1<theta>", expected)
    assert actual == expected


@models
def test_print_matches_r(case, fitted):
    fit, _ = fitted(case["id"])
    same_text(str(fit), case, "print")


@models
def test_summary_matches_r(case, fitted, close):
    import rglm

    fit, _ = fitted(case["id"])
    s = rglm.summary(fit)
    assert s.dispersion == case["summary_dispersion"]
    assert list(s.coefficients.columns) == case["summary_colnames"]
    close(s.coefficients.to_numpy().ravel(),
          [v for row in case["summary_coefficients"] for v in row], case["tol"] * 10,
          "summary coefficients")
    same_text(str(s), case, "summary_print")
    same_text(s.format(show_residuals=True), case, "summary_print_r42")


@pytest.mark.r_cases("negbin", "anova")
def test_anova_matches_r(case, fitted, r_eval, close):
    # every warning, not only RWarnings: R's list is complete
    res, warns, _ = r_eval(case["py"], bindings={m: fitted(m)[0] for m in case["models"]},
                           every_warning=True)
    assert warns == case["warnings"]
    tab = res.table
    assert list(tab.columns) == case["columns"]
    assert list(tab.index) == case["row_names"]
    assert list(res.heading) == case["heading"]
    assert list(tab["Model"]) == case["model"]
    assert list(tab["Test"]) == case["test"]
    close(tab["theta"], case["theta"], 1e-8, "theta")
    close(tab["Resid. df"], case["resid_df"], 0, "Resid. df")
    close(tab["   2 x log-lik."], case["twologlik"], 1e-8, "2 x log-lik.")
    close(tab["   df"].to_numpy(dtype=float, na_value=np.nan), case["df"], 0, "df")
    close(tab["LR stat."], case["lr_stat"], 1e-8, "LR stat.")
    close(tab["Pr(Chi)"], case["p_value"], 1e-6, "Pr(Chi)")
    assert str(res) == case["print"]


@pytest.mark.r_cases("negbin", "anova_single")
def test_single_model_anova_matches_r(case, fitted, r_eval, close):
    # anova.negbin with one model: a warning, then the glm analysis of deviance
    # (rglm.models.glm.anova) with theta fixed, test "Chisq" and dispersion 1
    res, warns, _ = r_eval(case["py"], bindings={m: fitted(m)[0] for m in case["models"]},
                           every_warning=True)
    assert warns == case["warnings"]
    tab = res.table
    assert list(tab.columns) == case["columns"]
    for name, values in zip(case["columns"], case["values"]):
        close(tab[name].to_numpy(dtype=float, na_value=np.nan), values, 1e-8, name)
    assert str(res) == case["print"]


@pytest.mark.r_cases("negbin", "confint", ids=lambda c: c["r"])
def test_confint_of_negbin_matches_r(case, fitted, r_eval, close):
    from rglm.render.confint import format_confint

    ci = r_eval(case["py"], bindings={case["id"]: fitted(case["id"])[0]}).value
    assert list(ci.index) == case["rownames"] and list(ci.columns) == case["colnames"]
    close(ci.to_numpy().ravel(), [v for row in case["values"] for v in row], 1e-8, "ci")
    assert format_confint(ci) == case["print"]


@pytest.mark.r_cases("negbin", lambda ref: {str(k): c for k, c in enumerate(ref["theta_ml"])})
def test_theta_ml_matches_r(case, r_warnings, r_values, close):
    import rglm

    y, mu, w = r_values(case["y"]), r_values(case["mu"]), r_values(case["weights"])
    with r_warnings(every=True) as warns:
        est = rglm.theta_ml(np.atleast_1d(y), np.atleast_1d(mu), float(np.sum(w)),
                            np.atleast_1d(w), limit=case["limit"])
    close(est.theta, case["theta"], 1e-10, "theta")
    close(est.SE, case["SE"], 1e-10, "SE")
    assert est.warn == case["warn"]
    assert warns == case["warnings"]
    assert float(est) == est.theta


@pytest.mark.r_cases("negbin", "errors")
def test_errors_match_r(case, r_error):
    assert r_error(case["py"], case["data"]) == case["error"]


# ---- behaviour ------------------------------------------------------------------------


def test_fit_is_immutable_and_r_names_work(fitted):
    fit, _ = fitted("quine_sex_eth")
    with pytest.raises(Exception):
        fit.theta = 2.0
    assert fit["SE.theta"] == fit.SE_theta
    assert fit["twologlik"] == fit.twologlik
    assert fit["aic"] == fit.aic


def test_anova_rejects_plain_glm(fitted):
    import rglm

    fit, _ = fitted("quine_sex_eth")
    plain = rglm.glm("Days ~ Sex", family=rglm.poisson(), data=rglm.datasets.load("quine"))
    with pytest.raises(rglm.RError, match='not all objects are of class "negbin"'):
        rglm.anova_negbin(fit, plain)


def test_bad_link_is_an_error():
    import rglm

    with pytest.raises(rglm.RError, match="link not available for negative binomial"):
        rglm.glm_nb("Days ~ Sex", data=rglm.datasets.load("quine"), link="logit")


def test_trace_reports_alternations(capsys):
    import rglm

    rglm.glm_nb("Days ~ Sex", data=rglm.datasets.load("quine"),
                control=rglm.glm_control(trace=True))
    err = capsys.readouterr().err
    assert err.startswith("Theta(1) = ")
    assert ", 2(Ls - Lm) = " in err
