"""Stepwise selection against R: ``step()`` on gaussian, binomial and poisson fits.

Expected values: ``tests/reference/anova.json`` (``tests/reference/make_anova.R``). Each
case compares everything step() printed (``trace``), the path table (``$anova``), the
final formula, coefficients and printed fit, ``keep``, and the warnings; error cases
compare R's message.
"""

from __future__ import annotations

import numpy as np
import pytest

ok_cases = pytest.mark.r_cases("anova", "cases",
                               where=lambda c: c["kind"] == "step" and "error" not in c)
error_cases = pytest.mark.r_cases("anova", "cases",
                                  where=lambda c: c["kind"] == "step" and "error" in c)


@ok_cases
def test_trace(case, anova_case):
    _, _, printed = anova_case(case)
    assert printed == case["trace"]


@ok_cases
def test_path_table(case, anova_case, assert_table, anova_tol, r_values):
    fit, _, _ = anova_case(case)
    # Deviance is |diff(Resid. Dev)|: accurate relative to the deviances, not to itself
    # (R's 0 for dropping an aliased term is 2e-13 here).
    scale = float(np.nanmax(np.abs(r_values(case["table"]["columns"][4]))))
    assert_table(fit.anova, case["table"], case["id"], atol=anova_tol * scale)
    assert list(fit.anova.attrs["heading"]) == case["heading"]
    assert fit["anova"] is fit.anova


@ok_cases
def test_final_model(case, anova_case, assert_close, anova_tol):
    from rglm.formula.deparse import deparse

    fit, _, _ = anova_case(case)
    assert "\n".join(deparse(fit.terms.formula)) == case["formula"]
    assert list(fit.coefficients.index) == case["coef_names"]
    assert_close(fit.coefficients.to_numpy(), case["coefficients"], anova_tol, "coefficients")
    assert_close([fit.deviance], [case["deviance"]], anova_tol, "deviance")
    assert str(fit) == case["fit_print"]


@ok_cases
def test_warnings(case, anova_case):
    _, texts, _ = anova_case(case)
    assert texts == case["warnings"]


@pytest.mark.r_cases("anova", "cases", where=lambda c: c["kind"] == "step"
                     and "error" not in c and c["keep"])
def test_keep(case, anova_case, assert_close, anova_tol):
    fit, _, _ = anova_case(case)
    names = case["keep"]["rownames"]
    assert len(fit.keep) == len(case["keep"]["columns"])
    for got, want in zip(fit.keep, case["keep"]["columns"]):
        assert_close([got[name] for name in names], want, anova_tol, "keep")


@error_cases
def test_errors(case, anova_error):
    assert anova_error(case) == case["error"]


# ---- properties -----------------------------------------------------------------------


def test_trace_zero_prints_nothing(capsys, anova_model):
    import rglm

    fit = rglm.step(anova_model("mtcars6"), trace=0)
    assert capsys.readouterr().out == ""
    assert list(fit.anova["Step"]) == ["", "- drat", "- disp", "- hp"]


def test_step_returns_a_refit_not_the_input(anova_model):
    import rglm

    start = anova_model("mtcars6")
    fit = rglm.step(start, trace=0)
    assert fit.terms.term_labels == ("wt", "qsec", "am")
    assert start.terms.term_labels == ("wt", "hp", "qsec", "am", "drat", "disp")
    # the path's AIC decreases and ends at the final fit's extractAIC
    aic = fit.anova["AIC"].to_numpy()
    assert np.all(np.diff(aic) < 0)
    assert aic[-1] == pytest.approx(rglm.extractAIC(fit)[1], rel=1e-12)
    assert "anova" in fit.keys()


def test_bic_path_is_a_subset_of_aic_path(anova_model):
    import rglm

    start = anova_model("mtcars6")
    aic = rglm.step(start, trace=0).terms.term_labels
    bic = rglm.step(start, trace=0, k=np.log(32)).terms.term_labels
    assert set(bic) <= set(aic)
