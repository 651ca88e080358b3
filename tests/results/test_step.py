"""Stepwise selection against R: ``step()`` on gaussian, binomial and poisson fits.

Expected values: ``tests/reference/anova.json`` (``tests/reference/make_anova.R``). Each
case compares everything step() printed (``trace``), the path table (``$anova``), the
final formula, coefficients and printed fit, ``keep``, and the warnings; error cases
compare R's message.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
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
CASES = ref.cases_of("step")
OK_CASES = [c for c in CASES if "error" not in ref.CASES[c]]
ERROR_CASES = [c for c in CASES if "error" in ref.CASES[c]]


@pytest.mark.parametrize("case_id", OK_CASES)
def test_trace(case_id):
    case = ref.CASES[case_id]
    _, _, printed = ref.run_case(case)
    assert printed == case["trace"]


@pytest.mark.parametrize("case_id", OK_CASES)
def test_path_table(case_id):
    case = ref.CASES[case_id]
    fit, _, _ = ref.run_case(case)
    # Deviance is |diff(Resid. Dev)|: accurate relative to the deviances, not to itself
    # (R's 0 for dropping an aliased term is 2e-13 here).
    scale = max(abs(ref.as_float(v)) for v in case["table"]["columns"][4])
    ref.assert_table(fit.anova, case["table"], case_id, atol=ref.TOL * scale)
    assert list(fit.anova.attrs["heading"]) == case["heading"]
    assert fit["anova"] is fit.anova


@pytest.mark.parametrize("case_id", OK_CASES)
def test_final_model(case_id):
    case = ref.CASES[case_id]
    fit, _, _ = ref.run_case(case)
    from rglm.formula.deparse import deparse

    assert "\n".join(deparse(fit.terms.formula)) == case["formula"]
    assert list(fit.coefficients.index) == case["coef_names"]
    ref.assert_close(fit.coefficients.to_numpy(), case["coefficients"], "coefficients")
    ref.assert_close([fit.deviance], [case["deviance"]], "deviance")
    assert str(fit) == case["fit_print"]


@pytest.mark.parametrize("case_id", OK_CASES)
def test_warnings(case_id):
    case = ref.CASES[case_id]
    _, texts, _ = ref.run_case(case)
    assert texts == case["warnings"]


@pytest.mark.parametrize("case_id", [c for c in OK_CASES if ref.CASES[c]["keep"]])
def test_keep(case_id):
    case = ref.CASES[case_id]
    fit, _, _ = ref.run_case(case)
    names = case["keep"]["rownames"]
    assert len(fit.keep) == len(case["keep"]["columns"])
    for got, want in zip(fit.keep, case["keep"]["columns"]):
        ref.assert_close([got[name] for name in names], want, "keep")


@pytest.mark.parametrize("case_id", ERROR_CASES)
def test_errors(case_id):
    case = ref.CASES[case_id]
    assert ref.run_error(case) == case["error"]


# ---- properties -----------------------------------------------------------------------


def test_trace_zero_prints_nothing(capsys):
    rglm = ref.public_rglm()
    fit = rglm.step(ref.fitted("mtcars6"), trace=0)
    assert capsys.readouterr().out == ""
    assert list(fit.anova["Step"]) == ["", "- drat", "- disp", "- hp"]


def test_step_returns_a_refit_not_the_input():
    rglm = ref.public_rglm()
    start = ref.fitted("mtcars6")
    fit = rglm.step(start, trace=0)
    assert fit.terms.term_labels == ("wt", "qsec", "am")
    assert start.terms.term_labels == ("wt", "hp", "qsec", "am", "drat", "disp")
    # the path's AIC decreases and ends at the final fit's extractAIC
    aic = fit.anova["AIC"].to_numpy()
    assert np.all(np.diff(aic) < 0)
    assert aic[-1] == pytest.approx(rglm.extractAIC(fit)[1], rel=1e-12)
    assert "anova" in fit.keys()


def test_bic_path_is_a_subset_of_aic_path():
    rglm = ref.public_rglm()
    start = ref.fitted("mtcars6")
    aic = rglm.step(start, trace=0).terms.term_labels
    bic = rglm.step(start, trace=0, k=np.log(32)).terms.term_labels
    assert set(bic) <= set(aic)
