"""Single-term deletions and additions against R: ``drop1()`` and ``add1()`` on glm fits.

Expected values: ``tests/reference/anova.json`` (``tests/reference/make_anova.R``). Each
case compares the table (every column), the heading, the printed text and the
warnings; error cases compare R's message.
"""

from __future__ import annotations

import math

import pytest

KINDS = ("drop1", "add1")
ok_cases = pytest.mark.r_cases("anova", "cases",
                               where=lambda c: c["kind"] in KINDS and "error" not in c)
error_cases = pytest.mark.r_cases("anova", "cases",
                                  where=lambda c: c["kind"] in KINDS and "error" in c)

# Some tables hold numbers that are rounding noise around an exact zero (deleting one
# of three collinear terms, drop1_aliased; adding Dobson's treatment, whose effect is
# exactly 0, add1_D93_noise_chisq): R prints e.g. 3.4106e-13, which other arithmetic
# need not reproduce. assert_table compares them absolutely at the table's scale, and
# the text compares them as noise (table_noise, conftest's compare_printed).


@ok_cases
def test_table(case, anova_case, assert_table):
    value, _, _ = anova_case(case)
    assert_table(value.table, case["table"], case["id"], value.nan_mask)
    assert list(value.heading) == case["heading"]


@ok_cases
def test_print(case, anova_case, same_printed, table_noise):
    value, _, _ = anova_case(case)
    same_printed(str(value), case["print"], table_noise(case["table"]), case["id"])


@ok_cases
def test_warnings(case, anova_case):
    _, texts, _ = anova_case(case)
    assert texts == case["warnings"]


@error_cases
def test_errors(case, anova_error):
    assert anova_error(case) == case["error"]


# ---- properties -----------------------------------------------------------------------


def test_none_row_is_extract_aic(anova_model):
    import rglm

    fit = anova_model("birthwt_full")
    for k in (2, math.log(189)):
        table = rglm.drop1(fit, k=k).table
        assert table.loc["<none>", "AIC"] == pytest.approx(rglm.extractAIC(fit, k=k)[1],
                                                           rel=1e-12)


def test_drop1_aic_equals_refit_aic(anova_model):
    """A non-gaussian row's AIC is the AIC of the model without the term."""
    import rglm

    fit = anova_model("birthwt_full")
    table = rglm.drop1(fit).table
    smaller = rglm.glm("low ~ age + lwt + factor(race) + smoke + ptl + ht + ui",
                       family=rglm.binomial, data=rglm.datasets.load("birthwt"))
    assert table.loc["ftv", "AIC"] == pytest.approx(smaller.aic, rel=1e-9)


def test_drop_scope_respects_marginality(anova_model):
    from rglm.inference import scope

    assert scope.drop_scope(anova_model("budworm_inter")) == ("sex:ldose",)
    assert scope.drop_scope(anova_model("D93")) == ("outcome", "treatment")
    assert scope.drop_scope(anova_model("D93_null")) == ()


def test_add_scope_respects_marginality(anova_model):
    from rglm.inference import scope

    fit = anova_model("D93_null")
    assert scope.add_scope(fit, "~ outcome * treatment") == ("outcome", "treatment")
    assert scope.add_scope(anova_model("D93_outcome"), "~ outcome * treatment") == \
        ("treatment",)
    assert scope.add_scope(anova_model("D93"), "~ treatment:outcome + .") == \
        ("outcome:treatment",)


def test_scope_as_single_label(anova_model):
    import rglm

    fit = anova_model("D93")
    one = rglm.drop1(fit, "outcome").table
    assert list(one.index) == ["<none>", "outcome"]
