"""update() and update_formula() against R's update.default / update.formula.

Expected values: ``tests/reference/predict.json`` (``updates``, ``formula_updates``),
written by ``tests/reference/make_predict.R``. Each update case runs R code with the
model bound to ``fit`` (after ``setup_r``) and its rglm translation (after
``setup_py``); R's coefficients, deviance, deparsed call and formula are compared.
"""

from __future__ import annotations

import functools
import json
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REF = json.loads((Path(__file__).resolve().parents[1] / "reference" / "predict.json")
                 .read_text("utf-8"))
MODELS = {m["id"]: m for m in REF["models"]}
DATASETS = ("dobson", "budworm", "birthwt", "clotting", "mtcars", "InsectSprays",
            "Insurance", "ships", "anorexia", "warpbreaks", "airquality", "ToothGrowth")


def as_array(values) -> np.ndarray:
    conv = {"NaN": math.nan, "Inf": math.inf, "-Inf": -math.inf}
    return np.array([math.nan if v is None else conv.get(v, v) for v in values], dtype=float)


def assert_close(actual, expected, tol: float, what: str) -> None:
    """Relative comparison; values below 1e-10 x max are noise around 0 (Dobson's
    treatment effects), compared absolutely at tol x max."""
    act = np.asarray(actual, dtype=float).ravel()
    exp = as_array(expected)
    assert act.shape == exp.shape, what
    assert np.array_equal(np.isnan(act), np.isnan(exp)), f"{what}: NaN pattern differs"
    fin = np.isfinite(exp)
    big = np.max(np.abs(exp[fin]))
    scale = np.where(np.abs(exp[fin]) < 1e-10 * big, big, np.abs(exp[fin]))
    assert np.all(np.abs(act[fin] - exp[fin]) <= tol * scale), what


@functools.cache
def datasets() -> dict:
    from rglm.datasets import load

    return {name: load(name) for name in DATASETS}


def run(model_id: str, setup: str, code: str):
    """Fit the model and run ``code`` in one namespace, as the user's script would."""
    import rglm
    from rglm.results.update import update

    ns = {"rglm": type("rglm", (), {}), "pd": pd, "np": np, **datasets()}
    for name in dir(rglm):
        if not name.startswith("_"):
            setattr(ns["rglm"], name, getattr(rglm, name))
    ns["rglm"].update = staticmethod(update)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ns["fit"] = eval(MODELS[model_id]["py"], ns)
    if setup:
        exec(setup, ns)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        new = eval(code, ns)
    return new, record


@pytest.mark.parametrize("case", REF["updates"], ids=lambda c: c["id"])
def test_update_matches_r(case):
    from rglm.errors import RWarning
    from rglm.formula.deparse import deparse
    from rglm.results.generics import formula

    new, record = run(case["model"], case.get("setup_py"), case["py"])
    assert [str(w.message) for w in record if issubclass(w.category, RWarning)] == \
        case["warnings"]
    assert deparse(new.call) == case["call"]
    assert formula(new) == case["formula"]
    assert list(new.coefficients.index) == case["coef"]["names"]
    assert_close(new.coefficients.to_numpy(), case["coef"]["values"], 1e-8, "coef")
    # a saturated fit's deviance is rounding noise (~1e-15): compare it absolutely there
    assert math.isclose(new.deviance, case["deviance"], rel_tol=1e-8, abs_tol=1e-10)


@pytest.mark.parametrize("case", REF["formula_updates"],
                         ids=lambda c: f"{c['old']} | {c['new']}")
def test_update_formula_matches_r(case):
    from rglm.results.update import update_formula

    assert update_formula(case["old"], case["new"]) == case["result"]


def test_update_does_not_touch_the_original_fit():
    new, _ = run("dobson_poisson", None, 'rglm.update(fit, ". ~ . - treatment")')
    old, _ = run("dobson_poisson", None, "fit")
    assert len(old.coefficients) == 5 and len(new.coefficients) == 3


def test_update_without_changes_refits_the_same_model():
    new, _ = run("insurance_offset_argument", None, "rglm.update(fit)")
    old, _ = run("insurance_offset_argument", None, "fit")
    np.testing.assert_allclose(new.coefficients, old.coefficients, rtol=1e-12)
    assert new.call == old.call


def test_unknown_argument_is_an_error():
    from rglm.errors import RError

    with pytest.raises(RError, match="unused argument"):
        run("dobson_poisson", None, "rglm.update(fit, famly=rglm.poisson())")


def test_formula_without_tilde_is_an_error():
    from rglm.errors import RError
    from rglm.results.update import update_formula

    with pytest.raises(RError, match="formula expected"):
        update_formula("y ~ x", "x + z")


def test_dot_left_without_data_is_an_error():
    """R: update(y ~ ., ~ . + x) fails in terms.formula."""
    from rglm.errors import RError
    from rglm.results.update import update_formula

    with pytest.raises(RError, match="'.' in formula and no 'data' argument"):
        update_formula("y ~ .", "~ . + x")
