"""Analysis of deviance against R: ``anova()`` of one glm and of several.

Expected values: ``tests/reference/anova.json`` (``tests/reference/make_anova.R``; R >= 4.4
rules for the default test and the F test's df). Each case compares the table (every
column, NA and NaN cells), the heading, the printed text and the warnings; error cases
compare R's message.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest


def _helpers():
    """tests/results/anova_reference.py (shared by the anova, drop1 and step tests)."""
    name = "rglm_tests_anova_reference"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, Path(__file__).with_name("anova_reference.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


ref = _helpers()
CASES = ref.cases_of("anova")
OK_CASES = [c for c in CASES if "error" not in ref.CASES[c]]
ERROR_CASES = [c for c in CASES if "error" in ref.CASES[c]]


@pytest.mark.parametrize("case_id", OK_CASES)
def test_anova_table(case_id):
    case = ref.CASES[case_id]
    value, _, _ = ref.run_case(case)
    ref.assert_table(value.table, case["table"], case_id, value.nan_mask)
    assert list(value.heading) == case["heading"]


@pytest.mark.parametrize("case_id", OK_CASES)
def test_anova_print(case_id):
    case = ref.CASES[case_id]
    value, _, _ = ref.run_case(case)
    assert str(value) == case["print"]


@pytest.mark.parametrize("case_id", OK_CASES)
def test_anova_warnings(case_id):
    case = ref.CASES[case_id]
    _, texts, _ = ref.run_case(case)
    assert texts == case["warnings"]


@pytest.mark.parametrize("case_id", ERROR_CASES)
def test_anova_errors(case_id):
    case = ref.CASES[case_id]
    assert ref.run_error(case) == case["error"]


# ---- properties and API ---------------------------------------------------------------


def test_columns_and_rows_are_r_names():
    a = ref.public_rglm().anova(ref.fitted("D93"), test="Rao")
    assert list(a.table.columns) == ["Df", "Deviance", "Resid. Df", "Resid. Dev", "Rao",
                                     "Pr(>Chi)"]
    assert list(a.table.index) == ["NULL", "outcome", "treatment"]
    assert a["Df"].isna().iloc[0]  # R's NA in the NULL row
    assert a.table.loc["outcome", "Df"] == 2


def test_anova_object_is_frozen():
    a = ref.public_rglm().anova(ref.fitted("D93"))
    with pytest.raises(AttributeError):
        a.heading = ()


def test_sequential_deviances_add_up():
    """The sequential deviances sum to null deviance minus residual deviance."""
    fit = ref.fitted("mtcars4")
    a = ref.public_rglm().anova(fit)
    total = a.table["Deviance"].iloc[1:].sum()
    assert total == pytest.approx(fit.null_deviance - fit.deviance, rel=1e-12)


def test_model_list_order_reverses_signs():
    rglm = ref.public_rglm()
    small, big = ref.fitted("D93_null"), ref.fitted("D93_outcome")
    forward = rglm.anova(small, big, test="Rao").table
    backward = rglm.anova(big, small, test="Rao").table
    assert forward["Deviance"].iloc[1] == pytest.approx(-backward["Deviance"].iloc[1])
    assert forward["Rao"].iloc[1] == pytest.approx(-backward["Rao"].iloc[1])
    assert forward["Pr(>Chi)"].iloc[1] == pytest.approx(backward["Pr(>Chi)"].iloc[1])


def test_non_glm_arguments_are_ignored():
    rglm = ref.public_rglm()
    fit = ref.fitted("D93")
    a = rglm.anova(fit, "not a model", 3)
    b = rglm.anova(fit)
    pd.testing.assert_frame_equal(a.table, b.table)


def test_format_digits_and_stars():
    a = ref.public_rglm().anova(ref.fitted("D93"))
    text = a.format(digits=3, signif_stars=False)
    assert "Signif. codes" not in text
    assert "    0.065\n" in text  # p-values with dig.tst = digits - 1 = 2


def test_to_markdown_is_delegated():
    a = ref.public_rglm().anova(ref.fitted("D93"))
    try:
        import tabulate  # noqa: F401
    except ImportError:
        pytest.skip("tabulate not installed")
    md = a.to_markdown()
    assert "outcome" in md and "Pr(>Chi)" in md
    assert "outcome" in a._repr_html_()


def test_print_anova_column_roles():
    """print.anova: test statistics rounded, deviances zapped, Df plain."""
    roles = ref.load("rglm.printing.anova").anova_column_roles
    has_p, tst, zap = roles(["Df", "Deviance", "Resid. Df", "Resid. Dev", "F", "Pr(>F)"])
    assert has_p and tst == [4] and zap == [1, 3]
    has_p, tst, zap = roles(["Df", "Deviance", "AIC", "F value", "Pr(>F)"])
    assert has_p and tst == [3] and zap == [1, 2]
    has_p, tst, zap = roles(["Resid. Df", "Resid. Dev", "Df", "Deviance", "Cp"])
    assert not has_p and tst == [4] and zap == [1, 3]


def test_match_arg_partial_matching():
    match_arg = ref.load("rglm.results.anova_table").match_arg
    assert match_arg("Chi", ("Rao", "LRT", "Chisq", "F", "Cp")) == "Chisq"
    assert match_arg("L", ("Rao", "LRT", "Chisq", "F", "Cp")) == "LRT"
    rglm = ref.public_rglm()
    with pytest.raises(rglm.RError, match="should be one of"):
        match_arg("C", ("Rao", "LRT", "Chisq", "F", "Cp"))
    with pytest.raises(rglm.RError, match="should be one of"):
        match_arg("", ("Rao", "LRT"))


def test_f_test_upper_tail_with_infinite_df_is_chisq():
    safe_pf = ref.load("rglm.results.anova_table").safe_pf
    from scipy import stats

    p = safe_pf(np.array([2.5]), np.array([3.0]), np.inf)
    assert p[0] == pytest.approx(stats.chi2.sf(7.5, 3), rel=1e-14)
    assert np.isnan(safe_pf(np.array([2.5]), np.array([0.0]), 4.0)[0])
