"""car's ``Anova`` and ``linearHypothesis`` against R: type II and III tests (LR, Wald,
F) of glm and glm.nb fits, and Wald tests of linear hypotheses.

Expected values: ``tests/reference/car.json`` (``tests/reference/make_car.R``; current
car's text, converted from car 3.1-1's where the two differ). Each case compares the
table (every column, NA cells), the heading, the printed text, the warnings and the
messages; linearHypothesis cases also the ``value`` and ``vcov`` attributes; error cases
R's message and the warnings before it.
"""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pandas as pd
import pytest

REF = "car"

#: The project's tolerance: the likelihood-ratio and F statistics are deviance
#: differences of refits that follow R's IRLS path, the Wald statistics quadratic forms.
TOL = 1e-8

ok_cases = pytest.mark.r_cases(REF, "cases", where=lambda c: "error" not in c)
error_cases = pytest.mark.r_cases(REF, "cases", where=lambda c: "error" in c)
lh_cases = pytest.mark.r_cases(REF, "cases", where=lambda c: "error" not in c
                               and c["kind"] == "linearHypothesis")


class Ran:
    """What a case's ``py`` gave: its value, its RWarning texts, its stderr lines."""

    def __init__(self, value, warnings, messages):
        self.value, self.warnings, self.messages = value, warnings, messages


@pytest.fixture(scope="module")
def car_model(reference, r_fit):
    """``car_model(id)`` -> the (cached) fit of a car.json model."""
    models = {m["id"]: m for m in reference(REF)["models"]}

    def fitted(model_id):
        return r_fit(models[model_id]["py"], models[model_id]["data"]).value

    return fitted


@pytest.fixture(scope="module")
def _scope(reference, car_model):
    models = {m["id"]: m for m in reference(REF)["models"]}

    def scope(case):
        data = sorted({d for m in case["models"] for d in models[m]["data"]})
        return data, {m: car_model(m) for m in case["models"]}

    return scope


@pytest.fixture(scope="module")
def car_case(_scope, r_eval):
    """``car_case(case)`` -> :class:`Ran`, once per case."""
    done = {}

    def run(case):
        if case["id"] not in done:
            err = io.StringIO()
            with contextlib.redirect_stderr(err):
                got = r_eval(case["py"], *_scope(case))
            done[case["id"]] = Ran(got.value, got.warnings, err.getvalue().splitlines())
        return done[case["id"]]

    return run


@ok_cases
def test_table(case, car_case, assert_table):
    value = car_case(case).value
    assert_table(value.table, case["table"], case["id"], value.nan_mask)
    assert list(value.heading) == case["heading"]


@ok_cases
def test_print(case, car_case, same_printed, table_noise):
    same_printed(str(car_case(case).value), case["print"], table_noise(case["table"]),
                 case["id"])


@ok_cases
def test_warnings(case, car_case):
    assert car_case(case).warnings == case["warnings"]


@ok_cases
def test_messages(case, car_case):
    got, want = car_case(case).messages, case["messages"]
    if any("(" in text for text in want):
        # R names the expression given as vcov. (a function by its name, as here); Python
        # cannot see an expression, and names the argument
        assert len(want) == 1 and want[0].startswith("Coefficient covariances computed by ")
        assert got == ["Coefficient covariances computed by vcov_"]
    else:
        assert got == want


@lh_cases
def test_linear_hypothesis_value_and_vcov(case, car_case, assert_close):
    value = car_case(case).value
    want = case["value"]
    if want["names"] is not None:
        assert list(value.value.index) == want["names"]
    assert_close(value.value, want["values"], TOL, f"{case['id']}: value")
    assert_close(value.vcov.to_numpy(), case["vcov"]["values"], TOL, f"{case['id']}: vcov")


@error_cases
def test_errors(case, _scope, r_warnings):
    import rglm

    data, bindings = _scope(case)
    from rglm.errors import RError

    namespace = {"rglm": rglm, "np": np, "pd": pd}
    namespace.update({name: rglm.datasets.load(name) for name in data})
    namespace.update(bindings)
    with r_warnings() as texts, pytest.raises(RError) as err:
        eval(case["py"], namespace)  # noqa: S307 - the reference file's own code
    assert str(err.value) == case["error"]
    assert texts == case["warnings"]


# ---- properties ------------------------------------------------------------------------


def test_type_ii_lr_of_an_additive_model_is_drop1s_lrt(car_model):
    """Without interactions no term has relatives: type II = type III = drop1's LRT."""
    import rglm

    fit = car_model("ships_off")
    drop = rglm.drop1(fit, test="LRT")
    for kind in (2, 3):
        table = rglm.Anova(fit, type=kind).table
        np.testing.assert_allclose(table["LR Chisq"], drop.table["LRT"].iloc[1:], rtol=1e-12)
        np.testing.assert_array_equal(table["Df"], drop.table["Df"].iloc[1:])


def test_wald_type_iii_of_one_coefficient_is_the_squared_z(car_model):
    import rglm

    fit = car_model("clot_gamma")
    coef = rglm.summary(fit).coefficients
    z2 = (coef["Estimate"] / coef["Std. Error"]) ** 2
    table = rglm.Anova(fit, type=3, test_statistic="Wald").table
    np.testing.assert_allclose(table["Chisq"], z2.to_numpy(), rtol=1e-12)


def test_wald_tests_agree_with_linear_hypothesis(car_model):
    """A term's type III Wald test is linearHypothesis on its coefficients."""
    import rglm

    fit = car_model("wb_pois")
    table = rglm.Anova(fit, type=3, test_statistic="Wald").table
    lh = rglm.linearHypothesis(fit, ["tensionM", "tensionH"])
    assert lh.table["Chisq"].iloc[1] == pytest.approx(table.loc["tension", "Chisq"],
                                                      rel=1e-12)


def test_hypothesis_as_text_vector_or_matrix_is_the_same_test(car_model):
    import rglm

    fit = car_model("wb_pois")
    text = rglm.linearHypothesis(fit, "woolB - tensionH = 0.5")
    vector = rglm.linearHypothesis(fit, np.array([0, 1, 0, -1, 0, 0]), rhs=0.5)
    series = rglm.linearHypothesis(fit, pd.Series([0, 1, 0, -1, 0, 0]), rhs=0.5)
    for other in (vector, series):
        pd.testing.assert_frame_equal(text.table, other.table)


def test_glm_nb_tests_hold_theta_fixed(car_model):
    """A glm.nb fit is tested as the glm with its final theta (car has no negbin method),
    whose likelihood-ratio statistics are scaled by its Pearson dispersion where
    summary.negbin's is 1."""
    import rglm

    nb = car_model("wb_nb")
    fixed = rglm.glm("breaks ~ wool * tension", data=rglm.datasets.load("warpbreaks"),
                     family=nb.family)
    scale = rglm.summary(fixed).dispersion
    for kw in ({}, {"type": 3}):
        np.testing.assert_allclose(rglm.Anova(nb, **kw).table["LR Chisq"],
                                   rglm.Anova(fixed, **kw).table["LR Chisq"] * scale,
                                   rtol=1e-8)
    np.testing.assert_allclose(rglm.Anova(nb, test_statistic="F").table.to_numpy(dtype=float),
                               rglm.Anova(fixed, test_statistic="F").table.to_numpy(dtype=float),
                               rtol=1e-8)


def test_inputs_are_not_modified(car_model):
    import rglm

    fit = car_model("wb_pois")
    L = np.array([[0.0, 1, 0, 0, 0, 0]])
    rhs = [0.5]
    before = fit.coefficients.copy()
    rglm.linearHypothesis(fit, L, rhs=rhs)
    assert L.tolist() == [[0.0, 1, 0, 0, 0, 0]] and rhs == [0.5]
    pd.testing.assert_series_equal(fit.coefficients, before)


def test_linear_hypothesis_works_on_any_kind_with_coef_and_vcov(car_model):
    """bigglm carries glm's numbers: its linearHypothesis is glm's."""
    import rglm

    wb = rglm.datasets.load("warpbreaks")
    big = rglm.bigglm("breaks ~ wool * tension", data=wb, family=rglm.poisson())
    got = rglm.linearHypothesis(big, ["woolB = 0", "tensionM = tensionH"])
    want = rglm.linearHypothesis(car_model("wb_pois"), ["woolB = 0", "tensionM = tensionH"])
    np.testing.assert_allclose(got.table.to_numpy(dtype=float),
                               want.table.to_numpy(dtype=float), rtol=1e-8)
    assert got.heading == want.heading


def test_anova_default_on_bigglm_needs_a_model_matrix():
    """car's Anova.default reads the terms' columns from model.matrix(), which a bigglm
    fit does not have (as biglm's objects, whose data are not kept)."""
    import rglm
    from rglm.errors import RError

    wb = rglm.datasets.load("warpbreaks")
    big = rglm.bigglm("breaks ~ wool * tension", data=wb, family=rglm.poisson())
    with pytest.raises(RError, match="no applicable method for 'model.matrix'"):
        rglm.Anova(big)


def test_anova_table_is_the_record_anova_returns(car_model):
    import rglm

    value = rglm.Anova(car_model("wb_pois"))
    assert isinstance(value, rglm.AnovaTable)
    assert isinstance(rglm.anova(car_model("wb_pois")), rglm.AnovaTable)
    assert list(value["Df"]) == [1, 2, 2]


@pytest.mark.parametrize("kwargs", [
    {"hypothesis_matrix": [{"a": 1}]},
    {"hypothesis_matrix": np.array([[0, 1, 0, 0, 0, 0]]), "rhs": "x"},
    {"hypothesis_matrix": "woolB", "vcov_": "x"},
    {"hypothesis_matrix": "woolB", "vcov_": np.eye(3)},
], ids=["dict", "text_rhs_to_matrix", "text_vcov", "small_vcov"])
def test_bad_input_is_an_r_error(car_model, kwargs):
    """Inputs R would refuse are refused with an RError, not a numpy traceback."""
    import rglm
    from rglm.errors import RError

    with pytest.raises(RError):
        rglm.linearHypothesis(car_model("wb_pois"), **kwargs)
