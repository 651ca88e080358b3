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
def test_anova_print(case, anova_case, same_printed, table_noise):
    value, _, _ = anova_case(case)
    same_printed(str(value), case["print"], table_noise(case["table"]), case["id"])


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
    md = a.to_markdown()  # tabulate is a dependency of rglm: no skip without it
    assert "outcome" in md and "Pr(>Chi)" in md
    assert "outcome" in a._repr_html_()


def test_print_anova_column_roles():
    """print.anova: test statistics rounded, deviances zapped, Df plain."""
    from rglm.render.anova import anova_column_roles as roles

    has_p, tst, zap = roles(["Df", "Deviance", "Resid. Df", "Resid. Dev", "F", "Pr(>F)"])
    assert has_p and tst == [4] and zap == [1, 3]
    has_p, tst, zap = roles(["Df", "Deviance", "AIC", "F value", "Pr(>F)"])
    assert has_p and tst == [3] and zap == [1, 2]
    has_p, tst, zap = roles(["Resid. Df", "Resid. Dev", "Df", "Deviance", "Cp"])
    assert not has_p and tst == [4] and zap == [1, 3]


def test_match_arg_partial_matching():
    from rglm.errors import RError
    from rglm.inference.anova_table import match_arg

    assert match_arg("Chi", ("Rao", "LRT", "Chisq", "F", "Cp")) == "Chisq"
    assert match_arg("L", ("Rao", "LRT", "Chisq", "F", "Cp")) == "LRT"
    with pytest.raises(RError, match="should be one of"):
        match_arg("C", ("Rao", "LRT", "Chisq", "F", "Cp"))
    with pytest.raises(RError, match="should be one of"):
        match_arg("", ("Rao", "LRT"))


def test_f_test_upper_tail_with_infinite_df_is_chisq():
    from scipy import stats

    from rglm.inference.anova_table import safe_pf

    p = safe_pf(np.array([2.5]), np.array([3.0]), np.inf)
    assert p[0] == pytest.approx(stats.chi2.sf(7.5, 3), rel=1e-14)
    assert np.isnan(safe_pf(np.array([2.5]), np.array([0.0]), 4.0)[0])


# ---- statistics that are zero in exact arithmetic ----------------------------------------
#
# Dobson's treatment adds nothing to outcome: its deviance difference and Rao statistic
# are rounding noise whose sign depends on the BLAS kernel (R here: +6.2e-15 and
# +8.9e-16, p = 1). R's stat.anova turns a negative statistic into NA; for noise rglm
# gives R's answer for the exact value, whatever the sign.


def _columns(case, negate: str | None = None):
    """The columns of R's table (p-values apart), the last cell of ``negate`` negated."""
    from rglm.inference.anova_table import column

    table = case["table"]
    cols = []
    for col_name, values in zip(table["colnames"], table["columns"]):
        if col_name.startswith("Pr("):
            continue
        v = [float("nan") if x is None else float(x) for x in values]
        if col_name == negate:
            v[-1] = -v[-1]
        cols.append(column(col_name, v))
    return cols


@pytest.mark.parametrize("case_id,stat,test", [
    ("anova_list_zero_chisq", "Deviance", "Chisq"),
    ("anova_list_zero_rao", "Rao", "Rao"),
    ("anova_list_zero_F", "Deviance", "F"),
    ("anova_D93_rao", "Rao", "Rao"),
])
def test_noise_of_either_sign_is_tested_as_zero(case_id, stat, test, reference,
                                                assert_close):
    from rglm.inference.anova_table import stat_anova

    case = next(c for c in reference("anova")["cases"] if c["id"] == case_id)
    table = case["table"]
    r_p = table["columns"][-1]
    scale = table["columns"][table["colnames"].index("Resid. Dev")]
    magnitude = [float("nan") if v is None else v for v in scale]  # the size of the terms
    for sign in (1, -1):
        cols = _columns(case, stat if sign < 0 else None)
        assert (cols[[c[0] for c in cols].index(stat)][1][-1] < 0) == (sign < 0)
        out = stat_anova(cols, test, 1.0, float("inf"), 9, magnitude=magnitude)
        name, p, na = out[-1]
        assert_close(p, r_p, 1e-8, f"{case_id} {name}, noise sign {sign}")
        assert not na[-1]


def test_a_negative_statistic_that_is_not_noise_has_no_p_value():
    """R's rule stands beyond noise: a negative deviance difference (models not nested
    in the order given) has an NA p-value (stat.anova: "rather than p = 0")."""
    from rglm.inference.anova_table import column, na_column, stat_anova

    cols = [column("Resid. Df", [6.0, 4.0]), column("Resid. Dev", [5.0, 6.0]),
            na_column("Df", [2.0]), na_column("Deviance", [-1.0])]
    _, p, na = stat_anova(cols, "Chisq", 1.0, float("inf"), 9)[-1]
    assert na[-1] and np.isnan(p[-1])


def test_bigglm_anova_noise_of_either_sign_gives_the_same_p_value():
    # bigglm's anova appends its tests with the one stat_anova (through apply_test)
    from rglm.inference.anova_table import column, na_column, stat_anova

    def p_value(noise):
        cols = [column("Resid. Df", [6.0, 4.0]), column("Resid. Dev", [5.129, 5.129]),
                na_column("Df", [2.0]), na_column("Deviance", [noise])]
        return stat_anova(cols, "Chisq", 1.0, np.inf, 9)[-1][1][-1]

    assert p_value(-6.2e-15) == p_value(0.0) == p_value(6.2e-15)
    assert np.isnan(p_value(-0.5))  # not noise: R's NA


def test_negbin_lr_test_of_equal_df_does_not_turn_on_the_noise_sign():
    """MASS's ``1 - pchisq(LR, 0)``: the point mass at 0 gives 0 for LR >= 0 and 1 for
    LR < 0; an LR that is zero in exact arithmetic gives 0 whatever its noise."""
    from rglm.models.negbin.result import _upper_chisq

    twologlik = 1234.5
    exact = _upper_chisq(0.0, 0.0, twologlik)
    assert _upper_chisq(-2.3e-13, 0.0, twologlik) == exact
    assert _upper_chisq(2.3e-13, 0.0, twologlik) == exact
    assert _upper_chisq(-1.0, 0.0, twologlik) != exact  # a real difference still counts
