"""Analysis of deviance against R: ``anova()`` of one glm and of several.

Expected values: ``tests/reference/anova.json`` (``tests/reference/make_anova.R``; R >= 4.4
rules for the default test and the F test's df). Each case compares the table (every
column, NA and NaN cells), the heading, the printed text and the warnings; error cases
compare R's message.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

ok_cases = pytest.mark.r_cases("anova", "cases",
                               where=lambda c: c["kind"] == "anova" and "error" not in c)
error_cases = pytest.mark.r_cases("anova", "cases",
                                  where=lambda c: c["kind"] == "anova" and "error" in c)


@ok_cases
def test_anova_table(case, anova_case, assert_table):
    value, _, _ = anova_case(case)
    assert_table(value.table, case["table"], case["id"], value.nan_mask)
    assert list(value.heading) == case["heading"]


@ok_cases
def test_anova_print(case, anova_case):
    value, _, _ = anova_case(case)
    assert str(value) == case["print"]


@ok_cases
def test_anova_warnings(case, anova_case):
    _, texts, _ = anova_case(case)
    assert texts == case["warnings"]


@error_cases
def test_anova_errors(case, anova_error):
    assert anova_error(case) == case["error"]


# ---- properties and API ---------------------------------------------------------------


def test_columns_and_rows_are_r_names(anova_model):
    import rglm

    a = rglm.anova(anova_model("D93"), test="Rao")
    assert list(a.table.columns) == ["Df", "Deviance", "Resid. Df", "Resid. Dev", "Rao",
                                     "Pr(>Chi)"]
    assert list(a.table.index) == ["NULL", "outcome", "treatment"]
    assert a["Df"].isna().iloc[0]  # R's NA in the NULL row
    assert a.table.loc["outcome", "Df"] == 2


def test_anova_object_is_frozen(anova_model):
    import rglm

    a = rglm.anova(anova_model("D93"))
    with pytest.raises(AttributeError):
        a.heading = ()


def test_sequential_deviances_add_up(anova_model):
    """The sequential deviances sum to null deviance minus residual deviance."""
    import rglm

    fit = anova_model("mtcars4")
    a = rglm.anova(fit)
    total = a.table["Deviance"].iloc[1:].sum()
    assert total == pytest.approx(fit.null_deviance - fit.deviance, rel=1e-12)


def test_model_list_order_reverses_signs(anova_model):
    import rglm

    small, big = anova_model("D93_null"), anova_model("D93_outcome")
    forward = rglm.anova(small, big, test="Rao").table
    backward = rglm.anova(big, small, test="Rao").table
    assert forward["Deviance"].iloc[1] == pytest.approx(-backward["Deviance"].iloc[1])
    assert forward["Rao"].iloc[1] == pytest.approx(-backward["Rao"].iloc[1])
    assert forward["Pr(>Chi)"].iloc[1] == pytest.approx(backward["Pr(>Chi)"].iloc[1])


def test_non_glm_arguments_are_ignored(anova_model):
    import rglm

    fit = anova_model("D93")
    a = rglm.anova(fit, "not a model", 3)
    b = rglm.anova(fit)
    pd.testing.assert_frame_equal(a.table, b.table)


def test_format_digits_and_stars(anova_model):
    import rglm

    a = rglm.anova(anova_model("D93"))
    text = a.format(digits=3, signif_stars=False)
    assert "Signif. codes" not in text
    assert "    0.065\n" in text  # p-values with dig.tst = digits - 1 = 2


def test_to_markdown_is_delegated(anova_model):
    import rglm

    a = rglm.anova(anova_model("D93"))
    try:
        import tabulate  # noqa: F401
    except ImportError:
        pytest.skip("tabulate not installed")
    md = a.to_markdown()
    assert "outcome" in md and "Pr(>Chi)" in md
    assert "outcome" in a._repr_html_()


def test_print_anova_column_roles():
    """print.anova: test statistics rounded, deviances zapped, Df plain."""
    from rglm.printing.anova import anova_column_roles as roles

    has_p, tst, zap = roles(["Df", "Deviance", "Resid. Df", "Resid. Dev", "F", "Pr(>F)"])
    assert has_p and tst == [4] and zap == [1, 3]
    has_p, tst, zap = roles(["Df", "Deviance", "AIC", "F value", "Pr(>F)"])
    assert has_p and tst == [3] and zap == [1, 2]
    has_p, tst, zap = roles(["Resid. Df", "Resid. Dev", "Df", "Deviance", "Cp"])
    assert not has_p and tst == [4] and zap == [1, 3]


def test_match_arg_partial_matching():
    from rglm.errors import RError
    from rglm.results.anova_table import match_arg

    assert match_arg("Chi", ("Rao", "LRT", "Chisq", "F", "Cp")) == "Chisq"
    assert match_arg("L", ("Rao", "LRT", "Chisq", "F", "Cp")) == "LRT"
    with pytest.raises(RError, match="should be one of"):
        match_arg("C", ("Rao", "LRT", "Chisq", "F", "Cp"))
    with pytest.raises(RError, match="should be one of"):
        match_arg("", ("Rao", "LRT"))


def test_f_test_upper_tail_with_infinite_df_is_chisq():
    from scipy import stats

    from rglm.results.anova_table import safe_pf

    p = safe_pf(np.array([2.5]), np.array([3.0]), np.inf)
    assert p[0] == pytest.approx(stats.chi2.sf(7.5, 3), rel=1e-14)
    assert np.isnan(safe_pf(np.array([2.5]), np.array([0.0]), 4.0)[0])
