"""glm's methods on fits with statmod's tweedie family and with a quasi variance list.

Expected values: the ``methods`` section of ``tests/reference/tweedie.json``
(``tests/reference/make_tweedie.R``): residuals of each type, rstandard, Cook's distances,
predict on new data with standard errors, profile confint, anova and drop1 with F tests,
numbers and printed text. The fits are models of ``glm_models.json``.
"""

from __future__ import annotations

import pytest

TOL = 1e-8

methods = pytest.mark.r_cases("tweedie", "methods", arg="name, case")


@pytest.fixture(scope="module")
def fit_of(reference, r_eval):
    """``fit_of(case)`` -> its glm_models.json model fitted (once per module)."""
    models = {m["id"]: m for m in reference("glm_models")["models"]}
    done = {}

    def fit(case):
        model = models[case["fit"]]
        if model["id"] not in done:
            done[model["id"]] = r_eval(model["py"], model["data"],
                                       setup=model.get("py_setup")).value
        return done[model["id"]]

    return fit


@methods
def test_residuals_and_influence(name, case, fit_of, assert_close):
    import rglm

    fit = fit_of(case)
    for kind, values in case["residuals"].items():
        assert_close(rglm.residuals(fit, kind), values, TOL, f"{name}: {kind} residuals")
    assert_close(rglm.rstandard(fit), case["rstandard"], TOL, f"{name}: rstandard")
    assert_close(rglm.cooks_distance(fit), case["cooks_distance"], TOL, f"{name}: cooks")


@methods
def test_predict_newdata(name, case, fit_of, assert_close, dataset):
    import rglm

    fit = fit_of(case)
    newdata = dataset("quine").iloc[[i - 1 for i in case["newdata_rows"]]]
    pred = rglm.predict(fit, newdata=newdata, type="response", se_fit=True)
    assert_close(pred.fit, case["predict_response"], TOL, f"{name}: fit")
    assert_close(pred.se_fit, case["predict_se"], TOL, f"{name}: se.fit")
    assert_close(pred.residual_scale, case["residual_scale"], TOL, f"{name}: residual.scale")


@methods
def test_profile_confint(name, case, fit_of, assert_close, same_printed):
    import rglm

    ci = rglm.confint(fit_of(case))
    assert [str(r) for r in ci.index] == case["confint"]["rownames"]
    # profile.glm's spline through the profiled points: deterministic, R's arithmetic
    assert_close(ci.iloc[:, 0], case["confint"]["lower"], TOL, f"{name}: lower")
    assert_close(ci.iloc[:, 1], case["confint"]["upper"], TOL, f"{name}: upper")
    same_printed(str(ci), case["confint"]["print"], what=name)


@methods
def test_anova_and_drop1_with_f_tests(name, case, fit_of, assert_table, same_printed):
    import rglm

    fit = fit_of(case)
    for what, value in (("anova", rglm.anova(fit, test="F")),
                        ("drop1", rglm.drop1(fit, test="F"))):
        assert_table(value.table, case[what], f"{name}: {what}", value.nan_mask)
        same_printed(str(value), case[what]["print"], what=f"{name}: {what}")
