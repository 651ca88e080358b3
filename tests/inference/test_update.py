"""update() and update_formula() against R's update.default / update.formula.

Expected values: ``tests/reference/predict.json`` (``updates``, ``formula_updates``),
written by ``tests/reference/make_predict.R``. Each update case runs R code with the
model bound to ``fit`` (after ``setup_r``) and its rglm translation (after
``setup_py``); R's coefficients, deviance, deparsed call and formula are compared.
"""

from __future__ import annotations

import math

import numpy as np
import pytest


@pytest.fixture(scope="module")
def run(predict_model, r_eval, all_datasets):
    """``run(model_id, setup, code)``: ``code`` evaluated with the model bound to ``fit``,
    after ``setup``, in one namespace with the datasets, as the user's script would;
    its value and the RWarning texts."""

    def evaluate(model_id: str, setup: str | None, code: str):
        value, warned, _ = r_eval(code, all_datasets, {"fit": predict_model(model_id)},
                                  setup=setup)
        return value, warned

    return evaluate


@pytest.mark.r_cases("predict", "updates")
def test_update_matches_r(case, run, assert_close):
    from rglm.formula.deparse import deparse
    from rglm.models.glm.methods import formula

    new, warned = run(case["model"], case.get("setup_py"), case["py"])
    assert warned == case["warnings"]
    assert deparse(new.call) == case["call"]
    assert formula(new) == case["formula"]
    assert list(new.coefficients.index) == case["coef"]["names"]
    assert_close(new.coefficients.to_numpy(), case["coef"]["values"], 1e-8, "coef")
    # a saturated fit's deviance is rounding noise (~1e-15): compare it absolutely there
    assert math.isclose(new.deviance, case["deviance"], rel_tol=1e-8, abs_tol=1e-10)


@pytest.mark.r_cases("predict", "formula_updates", ids=lambda c: f"{c['old']} | {c['new']}")
def test_update_formula_matches_r(case):
    from rglm.inference.update import update_formula

    assert update_formula(case["old"], case["new"]) == case["result"]


def test_update_does_not_touch_the_original_fit(run):
    new, _ = run("dobson_poisson", None, 'rglm.update(fit, ". ~ . - treatment")')
    old, _ = run("dobson_poisson", None, "fit")
    assert len(old.coefficients) == 5 and len(new.coefficients) == 3


def test_update_without_changes_refits_the_same_model(run):
    new, _ = run("insurance_offset_argument", None, "rglm.update(fit)")
    old, _ = run("insurance_offset_argument", None, "fit")
    np.testing.assert_allclose(new.coefficients, old.coefficients, rtol=1e-12)
    assert new.call == old.call


def test_unknown_argument_is_an_error(run):
    from rglm.errors import RError

    with pytest.raises(RError, match="unused argument"):
        run("dobson_poisson", None, "rglm.update(fit, famly=rglm.poisson())")


def test_formula_without_tilde_is_an_error():
    from rglm.errors import RError
    from rglm.inference.update import update_formula

    with pytest.raises(RError, match="formula expected"):
        update_formula("y ~ x", "x + z")


def test_dot_left_without_data_is_an_error():
    """R: update(y ~ ., ~ . + x) fails in terms.formula."""
    from rglm.errors import RError
    from rglm.inference.update import update_formula

    with pytest.raises(RError, match="'.' in formula and no 'data' argument"):
        update_formula("y ~ .", "~ . + x")
