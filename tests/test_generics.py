"""R's generics (rglm.generics): the dispatch table, R's error for a class without a
method, and each generic on each model kind (glm, glm.nb, bigglm) against R.

Expected values and texts: ``tests/reference/generics.json``, written by
``tests/reference/make_generics.R`` (whose header says how bigglm's methods were chosen
from biglm's documentation and what the R oracle of a bigglm fit is).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

REF = "generics"

#: The project's tolerance. bigglm's numbers are glm()'s to the IRLS's convergence, which
#: glm() itself stops at (the same iterations); glm.nb's, MASS's alternation from the
#: same start (see tests/models/negbin/test_negbin_generics.py).
TOL = 1e-8

#: Generics the issue requires to have a method for every model kind.
REQUIRED = ("coef", "vcov", "predict", "residuals", "logLik", "nobs", "confint", "update")

#: The methods each model class registers itself (a subclass inherits the others): the
#: design of rglm/models/<kind>/methods.py. glm.nb's are MASS's (and stats')
#: ``negbin`` methods; bigglm's follow biglm's documentation (make_generics.R).
OWN_METHODS = {
    "GLM": {
        "coef", "fitted", "weights", "deviance", "df_residual", "nobs", "formula_of",
        "terms", "family", "model_matrix", "model_frame", "sigma", "summary", "vcov",
        "anova", "predict", "residuals", "logLik", "extractAIC", "drop1", "add1",
        "confint", "profile", "update", "refit", "estfun", "bread", "influence",
        "hatvalues", "rstandard", "rstudent", "cooks_distance", "dfbeta", "dfbetas",
        "covratio", "influence_measures", "dropterm", "addterm", "tidy", "glance",
        "augment", "irls_history"},
    "NegBinGLM": {"summary", "vcov", "logLik", "extractAIC", "anova", "refit", "dropterm",
                  "addterm", "tidy"},
    "BigGLM": {
        "coef", "vcov", "summary", "predict", "deviance", "df_residual", "nobs", "family",
        "formula_of", "terms", "logLik", "extractAIC", "confint", "anova", "update",
        "refit", "drop1", "add1", "residuals", "fitted", "dropterm", "addterm",
        "irls_history"},
}


def _classes():
    from rglm.models.bigglm.result import BigGLM
    from rglm.models.glm.result import GLM
    from rglm.models.negbin.result import NegBinGLM

    return {"GLM": GLM, "NegBinGLM": NegBinGLM, "BigGLM": BigGLM}


# ---- the dispatch table -----------------------------------------------------------------


def test_each_class_registers_its_own_methods():
    from rglm import generics

    classes = _classes()
    table = generics.registrations()
    for name, cls in classes.items():
        own = {g for g, registered in table.items() if cls in registered}
        assert own == OWN_METHODS[name], name


@pytest.mark.parametrize("generic", REQUIRED)
@pytest.mark.parametrize("cls", ["GLM", "NegBinGLM", "BigGLM"])
def test_required_generics_dispatch_for_every_kind(generic, cls):
    import rglm
    from rglm import generics

    function = getattr(rglm, generic)
    assert function is getattr(generics, generic)  # the public name is the generic
    default = function.registry[object]
    assert function.dispatch(_classes()[cls]) is not default


def test_glm_nb_inherits_glm_methods_r_has_no_negbin_method_for():
    from rglm import generics

    classes = _classes()
    for name in ("coef", "predict", "residuals", "confint", "drop1", "update", "estfun"):
        generic = getattr(generics, name)
        assert generic.dispatch(classes["NegBinGLM"]) is generic.dispatch(classes["GLM"])


# ---- R's error for a class without a method -----------------------------------------


class foo:  # noqa: N801 - R's class name, as the R script's structure(list(), class = "foo")
    pass


def _object(name: str, bigglm_fit):
    return {
        "character": "a", "double": 1.5, "integer": 1, "logical": True, "null": None,
        "list": [], "function": lambda x: x, "data_frame": pd.DataFrame({"a": [1]}),
        "matrix": np.array([[1.5]]), "foo": foo(), "bigglm": bigglm_fit,
    }[name]


@pytest.fixture(scope="module")
def bigglm_fit(r_fit, reference):
    kind = reference(REF)["kinds"]["bigglm"]
    return r_fit(kind["py"], kind["data"]).value


@pytest.mark.r_cases(REF, "no_method", ids=lambda c: f"{c['generic']}-{c['object']}")
def test_no_applicable_method(case, bigglm_fit):
    from rglm import generics
    from rglm.errors import RError

    generic = getattr(generics, case["generic"].replace(".", "_"))
    with pytest.raises(RError) as err:
        generic(_object(case["object"], bigglm_fit))
    assert str(err.value) == case["message"]


@pytest.mark.parametrize("name", sorted({"coef", "fitted", "residuals", "nobs", "df_residual",
                                         "deviance", "sigma", "model_frame", "model_matrix",
                                         "formula_of", "terms", "weights", "confint",
                                         "summary", "drop1", "add1", "update", "bread",
                                         "covratio"}))
def test_generics_r_gives_a_default_have_the_same_error(name, reference):
    """R's default methods of these read list components (``coef.default``:
    ``object$coefficients``); rglm's objects are not R lists, so a class without a
    method gets UseMethod's text, R's for a generic without a default."""
    from rglm import generics
    from rglm.errors import RError

    template = next(c["message"] for c in reference(REF)["no_method"]
                    if c["generic"] == "vcov" and c["object"] == "character")
    generic = getattr(generics, name)
    with pytest.raises(RError) as err:
        generic("a")
    assert str(err.value) == template.replace("'vcov'", f"'{generic.r_name}'")


def test_refit_of_an_object_without_a_call_is_update_defaults_error():
    from rglm import generics
    from rglm.errors import RError

    with pytest.raises(RError, match="^need an object with call component$"):
        generics.refit(foo())


# ---- each generic on each kind --------------------------------------------------------


kinds = pytest.mark.r_cases(REF, "kinds")


@pytest.fixture(scope="module")
def kind_fit(r_fit):
    def fit(case):
        return r_fit(case["py"], case["data"]).value

    return fit


@kinds
def test_class(case, kind_fit):
    from rglm.generics import r_class

    assert list(r_class(kind_fit(case))) == case["class"]


@kinds
def test_coef_vcov_and_predict(case, kind_fit, r_eval, check_vector, assert_close):
    import rglm

    fit = kind_fit(case)
    check_vector(rglm.coef(fit), case["coef"], TOL, "coef")
    v = rglm.vcov(fit)
    assert list(v.index) == case["vcov"]["rownames"] == list(v.columns)
    assert_close(v.to_numpy(), case["vcov"]["rows"], TOL, "vcov")
    new = r_eval(case["newdata_py"], case["data"]).value
    check_vector(rglm.predict(fit, new), case["predict"], TOL, "predict")


@kinds
def test_residuals(case, kind_fit, check_vector):
    import rglm
    from rglm.errors import RError

    fit = kind_fit(case)
    if case["residuals"] is None:  # bigglm keeps no values per observation
        with pytest.raises(RError, match="keeps no residuals"):
            rglm.residuals(fit)
        with pytest.raises(RError, match="keeps no fitted values"):
            rglm.fitted(fit)
        return
    check_vector(rglm.residuals(fit), case["residuals"], TOL, "residuals")


@kinds
def test_loglik_nobs_deviance_df_formula(case, kind_fit, assert_close):
    import rglm

    fit = kind_fit(case)
    ll = rglm.logLik(fit)
    assert_close([float(ll)], [case["logLik"]["value"]], TOL, "logLik")
    assert ll.df == case["logLik"]["df"] and ll.nobs == case["logLik"]["nobs"]
    assert math.isclose(rglm.AIC(fit), -2 * case["logLik"]["value"] + 2 * ll.df,
                        rel_tol=TOL)
    assert rglm.nobs(fit) == case["nobs"]
    assert_close([rglm.deviance(fit)], [case["deviance"]], TOL, "deviance")
    assert rglm.df_residual(fit) == case["df_residual"]
    assert rglm.formula_of(fit) == case["formula"]


@kinds
def test_confint(case, kind_fit, assert_close):
    """glm and glm.nb: profile likelihood (confint.glm); bigglm: Wald (confint.default)."""
    import rglm

    ci = rglm.confint(kind_fit(case))
    assert list(ci.index) == case["confint"]["rownames"]
    assert list(ci.columns) == case["confint"]["colnames"]
    assert_close(ci.to_numpy(), case["confint"]["rows"], TOL, "confint", noise_ratio=0)


@kinds
def test_update(case, kind_fit, r_eval, check_vector):
    from rglm.formula.deparse import deparse
    from rglm.generics import r_class

    got = r_eval(case["update_py"], case["data"], {"fit": kind_fit(case)})
    new = got.value
    assert "\n".join(deparse(new.call)) == case["update"]["call"]
    assert list(r_class(new)) == case["update"]["class"]
    check_vector(new.coefficients, case["update"]["coef"], TOL, "coef")


# ---- drop1, add1, update and step on bigglm fits (R's default methods) ----------------

big = pytest.mark.r_cases(REF, "bigglm_cases")


@pytest.fixture(scope="module")
def big_case(r_eval):
    done = {}

    def run(case):
        if case["id"] not in done:
            done[case["id"]] = r_eval(case["py"], case["data"], setup=case["setup_py"])
        return done[case["id"]]

    return run


@pytest.mark.r_cases(REF, "bigglm_cases", where=lambda c: c["kind"] == "table")
def test_bigglm_tables(case, big_case, assert_table, same_printed):
    got = big_case(case)
    assert got.warnings == case["warnings"]
    assert_table(got.value.table, case["table"], case["id"])
    assert list(got.value.heading) == case["table"]["heading"]
    same_printed(str(got.value), case["print"])


@pytest.mark.r_cases(REF, "bigglm_cases", where=lambda c: c["kind"] in ("fit", "step"))
def test_bigglm_refits(case, big_case, check_vector, assert_close):
    from rglm.formula.deparse import deparse
    from rglm.models.bigglm.result import BigGLM

    got = big_case(case)
    fit = got.value
    assert got.warnings == case["warnings"]
    assert isinstance(fit, BigGLM)
    assert "\n".join(deparse(fit.call)) == case["fit"]["call"]
    assert "\n".join(deparse(fit.terms.formula)) == case["fit"]["formula"]
    check_vector(fit.coefficients, case["fit"]["coef"], TOL, "coef")
    assert_close([fit.deviance, fit.aic], [case["fit"]["deviance"], case["fit"]["aic"]],
                 TOL, "deviance, AIC")


@pytest.mark.r_cases(REF, "bigglm_cases", where=lambda c: c["kind"] == "step")
def test_bigglm_step(case, big_case, assert_table, anova_tol, r_values):
    from rglm.inference.step import StepResult

    got = big_case(case)
    assert got.output == case["trace"]
    fit = got.value
    assert isinstance(fit, StepResult) and type(fit).__name__ == "StepBigGLM"
    assert fit.keys()[-1] == case["last_name"]
    # Deviance is |diff(Resid. Dev)|: accurate relative to the deviances, not to itself
    scale = float(np.nanmax(np.abs(r_values(case["path"]["columns"][4]))))
    assert_table(fit.anova, case["path"], case["id"], atol=anova_tol * scale)
    assert list(fit.anova.attrs["heading"]) == case["path"]["heading"]


def test_bigglm_drop1_trace_2_announces_each_refit(bigglm_fit, r_eval, reference):
    """R's drop1.default at trace > 1: ``cat("trying -", tt, "\\n", sep = "")``."""
    data = reference(REF)["kinds"]["bigglm"]["data"]
    out = r_eval("rglm.drop1(fit, trace=2)", data, {"fit": bigglm_fit}).output
    assert out.splitlines() == ["trying -outcome", "trying -treatment"]


def test_bigglm_refit_needs_its_data_where_the_call_is_evaluated(bigglm_fit):
    """A bigglm fit does not keep its data: update() finds it by the call's name in the
    caller's namespace, as R evaluates the call in the caller's frame."""
    import rglm
    from rglm.errors import RError

    with pytest.raises(RError, match="^object 'dobson' not found$"):
        rglm.update(bigglm_fit, ". ~ . - treatment")


def test_bigglm_methods_on_the_object(bigglm_fit):
    """The fitted object's methods are the generics (fit.confint() is rglm.confint(fit))."""
    import rglm

    pd.testing.assert_frame_equal(bigglm_fit.confint(), rglm.confint(bigglm_fit))
    assert bigglm_fit.nobs == 9  # the component (rows used), as before
    assert bigglm_fit.AIC() == rglm.AIC(bigglm_fit)
