"""save() / load() of glm.nb, bigglm and stepped fits, and the generics that combine,
refit or profile loaded fits: anova between loaded fits, drop1/add1 (refits through
update() from the stored call and data), profile confint, predict on new data through
stored spline knots.

Expected values: R's, from ``anova.json`` (``make_anova.R``), ``negbin.json``
(``make_negbin.R``) and ``splines.json`` (``make_splines.R``): the loaded fits must give
R's numbers and text, and exactly what the fits they were saved from give.
"""

from __future__ import annotations

import pytest

multi_model_anova = pytest.mark.r_cases(
    "anova", "cases", where=lambda c: c["kind"] == "anova" and "error" not in c
    and len(c["models"]) > 1)
refitting_cases = pytest.mark.r_cases(
    "anova", "cases", where=lambda c: c["kind"] in ("drop1", "add1") and "error" not in c)
negbin_models = pytest.mark.r_cases("negbin", "models", arg="ref")
spline_fits = pytest.mark.r_cases("splines", "fits", where=lambda c: c.get("newdata_py"))


@multi_model_anova
def test_anova_between_loaded_fits(case, reference, anova_model, anova_case, r_eval,
                                   round_trip, assert_table, same_printed, table_noise):
    models = {m["id"]: m for m in reference("anova")["models"]}
    data = sorted({d for m in case["models"] for d in models[m]["data"]})
    loaded = {m: round_trip(anova_model(m)) for m in case["models"]}
    value = r_eval(case["py"], data, loaded).value
    assert_table(value.table, case["table"], case["id"], value.nan_mask)
    same_printed(str(value), case["print"], table_noise(case["table"]), case["id"])
    assert str(value) == str(anova_case(case).value)


@refitting_cases
def test_drop1_and_add1_refit_a_loaded_fit(case, anova_model, anova_case, r_eval,
                                           round_trip, assert_table, same_printed,
                                           table_noise):
    """drop1/add1 refit the loaded fit through update(): its call, stored data and
    control are all there is to refit from (no data set is bound here)."""
    loaded = {m: round_trip(anova_model(m)) for m in case["models"]}
    value = r_eval(case["py"], (), loaded).value
    assert_table(value.table, case["table"], case["id"], value.nan_mask)
    same_printed(str(value), case["print"], table_noise(case["table"]), case["id"])
    assert str(value) == str(anova_case(case).value)


@pytest.fixture(scope="module")
def negbin_fit(r_fit):
    def fit(ref):
        return r_fit(ref["py"], ref["data"]).value

    return fit


@negbin_models
def test_glm_nb_round_trip(ref, negbin_fit, round_trip, same, assert_close, r_warnings):
    import rglm

    fit = negbin_fit(ref)
    loaded = round_trip(fit)
    same(fit, loaded)
    assert type(loaded) is type(fit) and loaded.keys() == fit.keys()
    tol = ref["tol"]
    assert_close(loaded.coefficients, ref["coefficients"], tol, "coefficients")
    for name in ("theta", "SE_theta", "twologlik", "aic", "deviance"):
        assert_close(getattr(loaded, name), ref[name], tol, name)
    with r_warnings():
        assert str(rglm.summary(loaded)) == str(rglm.summary(fit))
    assert str(loaded) == str(fit)


@pytest.mark.r_cases("negbin", "anova")
def test_negbin_anova_of_loaded_fits(case, reference, negbin_fit, round_trip, r_eval,
                                     same_printed, noise_among):
    models = {m["id"]: m for m in reference("negbin")["models"]}
    loaded = {m: round_trip(negbin_fit(models[m])) for m in case["models"]}
    original = {m: negbin_fit(models[m]) for m in case["models"]}
    value = r_eval(case["py"], (), loaded).value
    same_printed(str(value), case["print"], noise_among([]), case["id"])
    assert str(value) == str(r_eval(case["py"], (), original).value)


@pytest.mark.r_cases("negbin", "confint")
def test_profile_confint_of_a_loaded_glm_nb(case, reference, negbin_fit, round_trip,
                                            r_eval, assert_close):
    models = {m["id"]: m for m in reference("negbin")["models"]}
    name = case["py"].split("(")[-1].rstrip(")")
    loaded = round_trip(negbin_fit(models[name]))
    value = r_eval(case["py"], (), {name: loaded}).value
    # profile.glm's spline through the profiled points: R's arithmetic, deterministic
    assert_close(value.to_numpy().ravel(), [v for row in case["values"] for v in row],
                 1e-8, "confint")
    assert str(value) == str(r_eval(case["py"], (), {name: negbin_fit(models[name])}).value)


@spline_fits
def test_predict_through_stored_spline_knots(case, r_fit, r_eval, round_trip, same,
                                             assert_close, r_warnings):
    """ns()/bs()'s knots, poly()'s and scale()'s coefficients and the factor levels are
    stored: new data are coded as at fit time (R's predvars), for glm and bigglm."""
    import rglm

    calls = [case["py"]] + ([case["bigglm_py"]] if case.get("bigglm_py") else [])
    for code in calls:
        fit = r_fit(code, case["data"]).value
        loaded = round_trip(fit)
        same(fit, loaded)
        newdata = r_eval(case["newdata_py"], case["data"]).value
        with r_warnings():
            link = rglm.predict(loaded, newdata=newdata)
            response = rglm.predict(loaded, newdata=newdata, type="response")
            same(link, rglm.predict(fit, newdata=newdata), f"{code}: link")
        assert_close(link, case["predict_link"], case["tol"], f"{code}: link")
        assert_close(response, case["predict_response"], case["tol"], f"{code}: response")
        assert str(rglm.summary(loaded)) == str(rglm.summary(fit))


def test_bigglm_with_factors_and_its_anova(dataset, round_trip, same):
    import rglm

    quine = dataset("quine")
    small = rglm.bigglm("Days ~ Eth + Sex", data=quine, family=rglm.poisson(), chunksize=50)
    large = rglm.bigglm("Days ~ Eth + Sex + Age", data=quine, family=rglm.poisson(),
                        chunksize=50)
    a, b = round_trip(small), round_trip(large)
    same(small, a)
    same(large, b)
    assert str(a) == str(small) and str(rglm.summary(b)) == str(rglm.summary(large))
    assert str(rglm.anova(a, b)) == str(rglm.anova(small, large))
    new = quine.iloc[[0, 50, 100]]
    same(rglm.predict(b, newdata=new, type="response"),
         rglm.predict(large, newdata=new, type="response"), "predict")


def test_a_stepped_fit_keeps_its_class_and_path(dataset, round_trip, same):
    import rglm

    fit = rglm.glm("Days ~ Sex + Lrn", data=dataset("quine"), family=rglm.poisson())
    stepped = rglm.step(fit, trace=0)
    loaded = round_trip(stepped)
    assert type(loaded) is type(stepped) and loaded.keys() == stepped.keys()
    same(stepped, loaded)
    assert str(loaded.anova) == str(stepped.anova)
    assert str(rglm.summary(loaded)) == str(rglm.summary(stepped))


def test_a_formula_deeper_than_pythons_recursion_limit(round_trip):
    """``y ~ x0 + ... + x1099`` is a chain of calls 1100 deep: it is stored as a flat
    token list, so saving and loading never recurse per level."""
    import sys

    import numpy as np
    import pandas as pd

    import rglm

    p = 1100
    assert p > sys.getrecursionlimit()
    rng = np.random.default_rng(13)
    data = pd.DataFrame(rng.normal(size=(30, p)), columns=[f"x{i}" for i in range(p)])
    data["y"] = rng.normal(size=30)
    fit = rglm.glm("y ~ " + " + ".join(data.columns[:p]), data=data)
    loaded = round_trip(fit)
    assert loaded.terms.formula == fit.terms.formula and loaded.call == fit.call
    assert str(loaded) == str(fit)


def test_every_column_type_of_the_data_survives(dataset, round_trip, same):
    """fit$data as given: numbers, nullable integers and logicals with NA, pandas' and
    Python's text with NA, factors (ordered too), dates; used by the formula or not."""
    import numpy as np
    import pandas as pd

    import rglm

    quine = dataset("quine")
    n = len(quine)
    rng = np.random.default_rng(5)
    data = quine.assign(
        ages=pd.array(np.where(np.arange(n) % 17 == 0, None, np.arange(n) % 9),
                      dtype="Int64"),
        flag=pd.array(np.where(np.arange(n) % 23 == 0, None, np.arange(n) % 2 == 0),
                      dtype="boolean"),
        school=pd.array([["north", "south", None][i % 3] for i in range(n)], dtype="str"),
        note=pd.Series([["a", None, "c"][i % 3] for i in range(n)], dtype=object),
        grade=pd.Categorical(np.array(["lo", "mid", "hi"])[np.arange(n) % 3],
                             categories=["lo", "mid", "hi"], ordered=True),
        when=pd.Timestamp("2020-01-01") + pd.to_timedelta(np.arange(n), unit="D"),
        noise=rng.normal(size=n))
    fit = rglm.glm("Days ~ Eth + ages + flag + school + noise", data=data,
                   family=rglm.poisson(), na_action="na.exclude")
    loaded = round_trip(fit)
    same(fit, loaded)
    for column in data.columns:
        assert loaded.data[column].dtype == data[column].dtype, column
    assert str(rglm.summary(loaded)) == str(rglm.summary(fit))
    new = data.iloc[[1, 2, 3, 17]]
    same(rglm.predict(loaded, newdata=new), rglm.predict(fit, newdata=new), "predict")
