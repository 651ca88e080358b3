"""The IRLS iterations of a fit (``fit.history``, ``rglm.irls_history(fit)``) against R.

R keeps no record of its iterations; ``tests/reference/make_history.R`` reads them off two
things R does: ``glm.control(trace = TRUE)``'s lines (the deviance of each iteration,
written with 17 significant digits, and whether the step was halved) and
``glm.control(maxit = k)`` (the coefficients, deviance and working weights after k
iterations). Cases: Poisson and binomial (canonical links), a log-binomial that halves
its steps both ways, Gamma with log and identity links, an aliased column, complete
separation, glm.nb's last fit; and bigglm's chunked fits, whose iterations are glm's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import rglm
from rglm.engines.irls.loop import relative_change
from rglm.errors import RError

REF = "history"
TOL = 1e-8
#: The criterion at convergence is a difference of nearly equal deviances (1e-14 and
#: below): its absolute rounding error is that of a deviance, ~1e-15 of it. A wrong
#: formula or a wrong previous deviance is off by far more than this floor.
CRITERION_ATOL = 1e-12
WEIGHTS = ["weights.min", "weights.median", "weights.max"]
#: Iterates converging to an exact zero (Dobson's treatment coefficients are 8e-9 at the
#: third iteration, 4e-16 at the fourth) carry the rounding error of the whole least-
#: squares solution, ~1e-16 x the largest coefficient: entries below this fraction of the
#: largest are compared at TOL x the largest (conftest's noise floor, widened).
ITERATE_NOISE = 1e-6


def _case(reference, case_id):
    return next(c for c in reference(REF)["cases"] if c["id"] == case_id)


def _expected_criterion(case, r_values):
    dev = r_values(case["trace"]["deviance"])
    previous = np.concatenate([[r_values(case["start_deviance"])], dev[:-1]])
    return np.abs(dev - previous) / (np.abs(dev) + 0.1)


@pytest.mark.r_cases(REF, "cases")
def test_history_is_rs_iterations(case, r_fit, r_eval, r_values, assert_close):
    fit = r_fit(case["py"], case["data"]).value
    history = fit.history
    n = case["iter"]
    assert fit.iter == n and fit.converged == case["converged"]
    assert list(history.index) == list(range(1, n + 1)) and history.index.name == "iter"
    assert list(history.columns) == (["deviance", "criterion", "halvings"] + WEIGHTS
                                     + list(case["coef_names"]))
    # what R's trace printed, iteration by iteration
    assert_close(history["deviance"], case["trace"]["deviance"], TOL, "traced deviance")
    assert list(history["halvings"] > 0) == case["trace"]["halved"]
    assert_close(history["criterion"], _expected_criterion(case, r_values), TOL, "criterion",
                 atol=CRITERION_ATOL, noise_ratio=0)
    # what glm.fit returns when stopped after k iterations
    maxit = case["maxit"]
    rows = np.array([e is None for e in maxit["error"]])
    assert_close(history["deviance"][rows], r_values(maxit["deviance"])[rows], TOL, "deviance")
    coefs = history[list(case["coef_names"])].to_numpy()
    expected = r_values(maxit["coefficients"])
    for k in np.flatnonzero(rows):
        assert_close(coefs[k], expected[k], TOL, f"coefficients at iteration {k + 1}",
                     noise_ratio=ITERATE_NOISE)
    assert_close(history[WEIGHTS].to_numpy()[rows], r_values(maxit["weights"])[rows], TOL,
                 "working weights")
    # glm.fit halves a step at most maxit times, so R may refuse to stop after k
    # iterations where the full fit halved more often: rglm refuses alike
    for k in np.flatnonzero(~rows) + 1:
        code = case["py"][:-1] + f", control=rglm.glm_control(maxit={k}))"
        with pytest.raises(RError) as err:
            r_eval(code, case["data"])
        assert str(err.value) == maxit["error"][k - 1]


@pytest.mark.r_cases(REF, "maxit_errors")
def test_halvings_are_bounded_by_maxit(case, r_eval):
    with pytest.raises(RError) as err:
        r_eval(case["py"], case["data"])
    assert str(err.value) == case["error"]


@pytest.mark.r_cases(REF, "bigglm")
def test_bigglm_iterations_are_glms(case, reference, r_fit, r_values, assert_close):
    glm_case = _case(reference, case["same_as"])
    fit = r_fit(case["py"], glm_case["data"]).value
    history = rglm.irls_history(fit)
    assert list(history.columns) == (["deviance", "criterion", "halvings"]
                                     + list(glm_case["coef_names"]))
    assert len(history) == glm_case["iter"]
    assert_close(history["deviance"], glm_case["trace"]["deviance"], TOL, "deviance")
    assert_close(history["criterion"], _expected_criterion(glm_case, r_values), TOL,
                 "criterion", atol=CRITERION_ATOL, noise_ratio=0)
    coefs = history[list(glm_case["coef_names"])].to_numpy()
    expected = r_values(glm_case["maxit"]["coefficients"])
    for k in range(len(history)):
        assert_close(coefs[k], expected[k], TOL, f"coefficients at iteration {k + 1}",
                     noise_ratio=ITERATE_NOISE)


# ---- properties -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dobson_fit():
    data = rglm.datasets.load("dobson")
    return rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), data=data)


def test_last_row_is_the_fit(dobson_fit):
    history = dobson_fit.history
    last = history.iloc[-1]
    assert last["deviance"] == dobson_fit.deviance
    coef = dobson_fit.coefficients
    np.testing.assert_array_equal(last[list(coef.index)].to_numpy(dtype=float),
                                  coef.to_numpy())
    # the working weights reported are the last step's
    w = dobson_fit.weights.to_numpy()
    assert (last["weights.min"], last["weights.median"], last["weights.max"]) == \
        (w.min(), np.median(w), w.max())


def test_criterion_is_rs_rule_on_consecutive_deviances(dobson_fit):
    dev = dobson_fit.history["deviance"].to_numpy()
    crit = dobson_fit.history["criterion"].to_numpy()
    for k in range(1, len(dev)):
        assert crit[k] == relative_change(dev[k], dev[k - 1])
    assert crit[-1] < dobson_fit.control.epsilon <= crit[-2]


def test_generic_and_attribute_agree_and_are_fresh(dobson_fit):
    first = rglm.irls_history(dobson_fit)
    pd.testing.assert_frame_equal(first, dobson_fit.history)
    first.iloc[0, 0] = -1.0
    first["criterion"] = 0.0
    assert dobson_fit.history.iloc[0, 0] > 0  # the fit is not changed through its table
    record = dobson_fit.fit.history
    with pytest.raises(ValueError):
        record.deviance[0] = 0.0  # the record is read-only
    with pytest.raises(Exception):
        record.deviance = np.zeros(4)  # and frozen


def test_aliased_column_is_na_in_every_iteration():
    data = rglm.datasets.load("mtcars")
    fit = rglm.glm("mpg ~ wt + I(2 * wt) + hp", family=rglm.Gamma(link="log"), data=data)
    column = fit.history["I(2 * wt)"]
    assert column.isna().all() and fit.history["wt"].notna().all()


def test_glm_nb_history_is_its_last_glm_fit():
    data = rglm.datasets.load("quine")
    fit = rglm.glm_nb("Days ~ Eth + Sex + Age", data=data)
    assert len(fit.history) == fit.iter
    assert fit.history["deviance"].iloc[-1] == fit.deviance


def test_glm_fit_record_and_empty_model():
    x = np.column_stack([np.ones(6), np.arange(6.0)])
    y = np.array([1.0, 0.0, 2.0, 4.0, 3.0, 6.0])
    res = rglm.glm_fit(x, y, family=rglm.poisson(), xnames=("(Intercept)", "x"))
    assert res.history.coefficients.shape == (res.iter, 2)
    np.testing.assert_array_equal(res.history.coefficients[-1], res.coefficients)
    empty = rglm.glm_fit(np.zeros((6, 0)), y, family=rglm.poisson())
    assert empty.iter == 0 and empty.history.coefficients.shape == (0, 0)


def test_a_fit_without_a_history_is_rs_error():
    with pytest.raises(RError, match="no applicable method for 'irls_history' applied to an "
                                     "object of class \"character\""):
        rglm.irls_history("fit")
