"""Single-term deletions and additions against R: ``drop1()`` and ``add1()`` on glm fits.

Expected values: ``tests/reference/anova.json`` (``tests/reference/make_anova.R``). Each
case compares the table (every column), the heading, the printed text and the
warnings; error cases compare R's message.
"""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

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
CASES = ref.cases_of("drop1") + ref.cases_of("add1")
OK_CASES = [c for c in CASES if "error" not in ref.CASES[c]]
ERROR_CASES = [c for c in CASES if "error" in ref.CASES[c]]

# Tables whose printed digits are rounding noise around an exact zero (deleting one of
# three collinear terms; adding Dobson's treatment, whose effect is exactly 0): R
# prints e.g. 3.4106e-13, which no other arithmetic reproduces. Their numbers are still
# compared (absolutely, near zero).
NOISE_TEXT = {"drop1_aliased", "add1_D93_noise_chisq"}


@pytest.mark.parametrize("case_id", OK_CASES)
def test_table(case_id):
    case = ref.CASES[case_id]
    value, _, _ = ref.run_case(case)
    ref.assert_table(value.table, case["table"], case_id, value.nan_mask,
                     atol=1e-8 if case_id in NOISE_TEXT else 0.0)
    assert list(value.heading) == case["heading"]


@pytest.mark.parametrize("case_id", [c for c in OK_CASES if c not in NOISE_TEXT])
def test_print(case_id):
    case = ref.CASES[case_id]
    value, _, _ = ref.run_case(case)
    assert str(value) == case["print"]


@pytest.mark.parametrize("case_id", OK_CASES)
def test_warnings(case_id):
    case = ref.CASES[case_id]
    _, texts, _ = ref.run_case(case)
    assert texts == case["warnings"]


@pytest.mark.parametrize("case_id", ERROR_CASES)
def test_errors(case_id):
    case = ref.CASES[case_id]
    assert ref.run_error(case) == case["error"]


# ---- properties -----------------------------------------------------------------------


def test_none_row_is_extract_aic():
    rglm = ref.public_rglm()
    fit = ref.fitted("birthwt_full")
    for k in (2, math.log(189)):
        table = rglm.drop1(fit, k=k).table
        assert table.loc["<none>", "AIC"] == pytest.approx(rglm.extractAIC(fit, k=k)[1],
                                                           rel=1e-12)


def test_drop1_aic_equals_refit_aic():
    """A non-gaussian row's AIC is the AIC of the model without the term."""
    rglm = ref.public_rglm()
    fit = ref.fitted("birthwt_full")
    table = rglm.drop1(fit).table
    smaller = rglm.glm("low ~ age + lwt + factor(race) + smoke + ptl + ht + ui",
                       family=rglm.binomial, data=rglm.datasets.load("birthwt"))
    assert table.loc["ftv", "AIC"] == pytest.approx(smaller.aic, rel=1e-9)


def test_drop_scope_respects_marginality():
    scope = ref.load("rglm.results.scope")
    assert scope.drop_scope(ref.fitted("budworm_inter")) == ("sex:ldose",)
    assert scope.drop_scope(ref.fitted("D93")) == ("outcome", "treatment")
    assert scope.drop_scope(ref.fitted("D93_null")) == ()


def test_add_scope_respects_marginality():
    scope = ref.load("rglm.results.scope")
    fit = ref.fitted("D93_null")
    assert scope.add_scope(fit, "~ outcome * treatment") == ("outcome", "treatment")
    assert scope.add_scope(ref.fitted("D93_outcome"), "~ outcome * treatment") == \
        ("treatment",)
    assert scope.add_scope(ref.fitted("D93"), "~ treatment:outcome + .") == \
        ("outcome:treatment",)


def test_scope_as_single_label():
    rglm = ref.public_rglm()
    fit = ref.fitted("D93")
    one = rglm.drop1(fit, "outcome").table
    assert list(one.index) == ["<none>", "outcome"]
