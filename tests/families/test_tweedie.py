"""statmod's tweedie family against R: every element, the names, messages and errors.

Expected values: ``tests/reference/tweedie.json`` (``tests/reference/make_tweedie.R``,
statmod 1.5.0). Whole ``glm()`` fits with the family -- coefficients, every component,
``print`` and ``summary`` -- are in ``glm_models.json`` (``make_reference.R``), checked by
``tests/models/glm/test_r_reference.py``.
"""

from __future__ import annotations

import contextlib
import io
import re

import numpy as np
import pytest

from rglm.families import Gamma, gaussian, inverse_gaussian, poisson, quasi, tweedie
from rglm.formula.deparse import deparse

# The family's functions are elementwise formulas in R's order of operations; what is
# left is the last bits of C's pow (numpy may use a SIMD pow), amplified a little by the
# difference y theta - kappa of the unit deviance.
TOL = 1e-12

families = pytest.mark.r_cases("tweedie", "families", ids="label")


def _made(case, r_eval):
    """The family a case's ``py`` makes, and the messages its construction wrote."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        fam = r_eval(case["py"]).value
    return fam, [line for line in err.getvalue().split("\n") if line]


@families
def test_names_print_and_messages(case, r_eval):
    fam, messages = _made(case, r_eval)
    assert fam.family == case["family"]
    assert fam.link == case["link"]
    assert str(fam) == case["print"]
    assert messages == case["messages"]
    # statmod's family has no dispersion element: summary() estimates it
    assert (fam.dispersion is not None) is case["has_dispersion"]
    assert "\n".join(deparse(fam.call)) == case["deparse"]


@families
def test_variance_and_deviance(case, r_eval, r_values, assert_close):
    fam, _ = _made(case, r_eval)
    y, mu, wt = (r_values(case[k]) for k in ("y", "mu", "wt"))
    assert_close(fam.variance(mu), case["variance"], TOL, "variance")
    dr = fam.dev_resids(y, mu, wt)
    assert_close(dr, case["dev_resids"], TOL, "dev.resids")
    assert_close(fam.aic(y, np.ones_like(y), mu, wt, float(np.sum(dr))), case["aic"], TOL, "aic")


@families
def test_link_functions(case, r_eval, r_values, assert_close):
    fam, _ = _made(case, r_eval)
    mu, eta = r_values(case["mu"]), r_values(case["eta"])
    assert_close(fam.linkfun(mu), case["linkfun"], TOL, "linkfun")
    assert_close(fam.linkinv(eta), case["linkinv"], TOL, "linkinv")
    assert_close(fam.mu_eta(eta), case["mu_eta"], TOL, "mu.eta")


@families
def test_validity_checks(case, r_eval, r_values, reference):
    fam, _ = _made(case, r_eval)
    ref = reference("tweedie")
    assert [fam.validmu(r_values(m)) for m in ref["mu_cases"]] == case["validmu"]
    assert [fam.valideta(r_values(e)) for e in ref["eta_cases"]] == case["valideta"]


@families
def test_initialize(case, r_eval, r_values, assert_close):
    fam, _ = _made(case, r_eval)
    y, wt = r_values(case["y"]), r_values(case["wt"])
    y_before, wt_before = y.copy(), wt.copy()
    init = fam.initialize(y, wt)
    for name in ("y", "weights", "n", "mustart"):
        assert_close(getattr(init, name), case["initialize"][name], TOL, name)
    # pure: the caller's arrays are left alone
    assert np.array_equal(y, y_before, equal_nan=True) and np.array_equal(wt, wt_before)


def test_link_names(reference):
    names = reference("tweedie")["link_names"]
    for q, name in zip(names["link_power"], names["name"]):
        assert tweedie(var_power=1.5, link_power=q).link == name


@pytest.mark.r_cases("tweedie", "errors")
def test_errors(case, r_error):
    bindings = {"np": np}
    if case.get("py_setup"):
        import pandas as pd

        bindings["pd"] = pd
        exec(case["py_setup"], bindings)  # noqa: S102 - our own reference code
    assert r_error(case["py"], (), bindings) == case["error"]


def test_whole_fits_cover_the_powers(reference):
    """glm_models.json fits tweedie at the powers issue #12 names, and in between."""
    powers = set()
    for model in reference("glm_models")["models"]:
        if model["family"] != "Tweedie":
            continue
        found = re.search(r"var\.power = (-?[0-9.]+)", model["r"])
        powers.add(float(found.group(1)) if found else 0.0)
    assert {0.0, 1.0, 1.2, 1.5, 2.0, 2.5, 3.0} <= powers


# ---- properties -------------------------------------------------------------------------


@pytest.mark.parametrize("var_power, link_power, same", [
    (0, 1, lambda: gaussian()),
    (1, 0, lambda: poisson()),
    (2, -1, lambda: Gamma()),
    (3, -2, lambda: inverse_gaussian()),
    (1.5, 0, lambda: quasi(link="log", variance="mu")),
])
def test_special_powers_are_the_stats_families(var_power, link_power, same, dataset):
    """p = 0, 1, 2, 3 with their canonical links fit the same model as gaussian, poisson,
    Gamma and inverse.gaussian (the same weights at every step; the deviances differ only
    where a zero response meets statmod's 0.1)."""
    import rglm

    data = dataset("clotting")
    formula = "lot1 ~ log(u)"
    if var_power == 1.5:  # a different variance: the fits must differ
        tw = rglm.glm(formula, family=tweedie(1.5, 0), data=data)
        other = rglm.glm(formula, family=same(), data=data)
        assert not np.allclose(tw.coefficients, other.coefficients, rtol=1e-6)
        return
    tw = rglm.glm(formula, family=tweedie(var_power, link_power), data=data)
    other = rglm.glm(formula, family=same(), data=data)
    np.testing.assert_allclose(tw.coefficients, other.coefficients, rtol=1e-10)
    np.testing.assert_allclose(tw.deviance, other.deviance, rtol=1e-10)


def test_weights_are_replicated_rows(dataset):
    """A prior weight of 2 is the row counted twice (quasi-likelihood: the same
    estimating equations), zeros of the response included."""
    import pandas as pd

    import rglm

    quine = dataset("quine")
    doubled = pd.concat([quine, quine], ignore_index=True)
    family = tweedie(var_power=1.5, link_power=0)
    weighted = rglm.glm("Days ~ Eth + Age", family=family, data=quine.assign(w=2.0),
                        weights="w")
    replicated = rglm.glm("Days ~ Eth + Age", family=family, data=doubled)
    np.testing.assert_allclose(weighted.coefficients, replicated.coefficients, rtol=1e-10)
    np.testing.assert_allclose(weighted.deviance, replicated.deviance, rtol=1e-10)


def test_a_fit_leaves_the_data_alone(dataset):
    import rglm

    quine = dataset("quine")
    before = quine.copy()
    rglm.glm("Days ~ Eth + Sex", family=tweedie(var_power=1.2), data=quine)
    assert quine.equals(before)
