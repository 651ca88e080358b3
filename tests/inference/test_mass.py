"""MASS's model-selection tools and dose.p against R: ``dropterm``, ``addterm``,
``stepAIC`` and ``dose.p`` on glm and glm.nb fits.

Expected values: ``tests/reference/mass.json`` (``tests/reference/make_mass.R``). Each
case compares every number R returns (tables column by column, the path, the final fit,
the doses and their standard errors), the printed text, the warnings and the messages
(the ``trying - x`` lines); error cases compare R's message.
"""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pandas as pd
import pytest

REF = "mass"

#: The project's tolerance. glm.nb refits (dropterm/addterm/stepAIC on glm.nb fits) run
#: MASS's alternation from the same init.theta as R, so they agree as glm fits do.
TOL = 1e-8


def _cases(kind, error):
    return pytest.mark.r_cases(REF, "cases",
                               where=lambda c: c["kind"] == kind and ("error" in c) == error)


TABLE_KINDS = ("dropterm", "addterm")
table_cases = pytest.mark.r_cases(REF, "cases", where=lambda c: c["kind"] in TABLE_KINDS
                                  and "error" not in c)
step_cases = _cases("stepAIC", False)
dose_cases = _cases("dose.p", False)
error_cases = pytest.mark.r_cases(REF, "cases", where=lambda c: "error" in c)
ok_cases = pytest.mark.r_cases(REF, "cases", where=lambda c: "error" not in c)


class Ran:
    """What a case's ``py`` gave: its value, RWarning texts, stdout and stderr lines."""

    def __init__(self, value, warnings, output, messages):
        self.value, self.warnings, self.output, self.messages = value, warnings, output, messages


@pytest.fixture(scope="module")
def mass_model(reference, r_fit):
    models = {m["id"]: m for m in reference(REF)["models"]}

    def fitted(model_id):
        return r_fit(models[model_id]["py"], models[model_id]["data"]).value

    return fitted


@pytest.fixture(scope="module")
def _scope(reference, mass_model):
    models = {m["id"]: m for m in reference(REF)["models"]}

    def scope(case):
        data = sorted({d for m in case["models"] for d in models[m]["data"]} | set(case["data"]))
        return data, {m: mass_model(m) for m in case["models"]}

    return scope


@pytest.fixture(scope="module")
def mass_case(_scope, r_eval):
    """``mass_case(case)`` -> :class:`Ran`, evaluated once per module."""
    done = {}

    def run(case):
        if case["id"] not in done:
            err = io.StringIO()
            with contextlib.redirect_stderr(err):
                got = r_eval(case["py"], *_scope(case))
            done[case["id"]] = Ran(got.value, got.warnings, got.output,
                                   err.getvalue().splitlines())
        return done[case["id"]]

    return run


# ---- dropterm / addterm -----------------------------------------------------------------


@table_cases
def test_table(case, mass_case, assert_table):
    value = mass_case(case).value
    assert_table(value.table, case["table"], case["id"], value.nan_mask)
    assert list(value.heading) == case["heading"]


@table_cases
def test_table_print(case, mass_case, same_printed, table_noise):
    value = mass_case(case).value
    same_printed(str(value), case["print"], table_noise(case["table"]), case["id"])


# ---- stepAIC ----------------------------------------------------------------------------


@step_cases
def test_step_trace(case, mass_case):
    assert mass_case(case).output == case["trace"]


@step_cases
def test_step_path(case, mass_case, assert_table, r_values, same_printed, table_noise):
    fit = mass_case(case).value
    # Deviance is |diff(Resid. Dev)|: accurate relative to the deviances, not to itself
    # (dropping an aliased term changes R's deviance by exactly 0, rglm's by 1e-13)
    scale = float(np.nanmax(np.abs(r_values(case["table"]["columns"][4]))))
    assert_table(fit.anova.table, case["table"], case["id"], atol=TOL * scale)
    assert list(fit.anova.heading) == case["heading"]
    same_printed(str(fit.anova), case["anova_print"], table_noise(case["table"]), case["id"])
    assert fit["anova"] is fit.anova


@step_cases
def test_step_final_model(case, mass_case, assert_close):
    from rglm.formula.deparse import deparse

    fit = mass_case(case).value
    assert "\n".join(deparse(fit.terms.formula)) == case["formula"]
    assert list(fit.coefficients.index) == case["coef_names"]
    assert_close(fit.coefficients.to_numpy(), case["coefficients"], TOL, "coefficients")
    assert_close([fit.deviance], [case["deviance"]], TOL, "deviance")
    if case.get("theta") is not None:
        assert_close([fit.theta], [case["theta"]], TOL, "theta")
    assert str(fit) == case["fit_print"]


@pytest.mark.r_cases(REF, "cases", where=lambda c: c["kind"] == "stepAIC" and "error" not in c
                     and c["keep"])
def test_step_keep(case, mass_case, assert_close):
    fit = mass_case(case).value
    names = case["keep"]["rownames"]
    assert len(fit.keep) == len(case["keep"]["columns"])
    for got, want in zip(fit.keep, case["keep"]["columns"]):
        assert_close([got[name] for name in names], want, TOL, "keep")


# ---- dose.p -----------------------------------------------------------------------------


@dose_cases
def test_dose(case, mass_case, assert_close, r_values):
    dose = mass_case(case).value
    assert list(dose.dose.index) == case["names"]
    assert list(dose.SE.index) == case["names"]
    assert_close(dose.dose, case["dose"], TOL, "dose")
    assert_close(dose.SE, case["se"], TOL, "SE")
    assert_close(dose.p, case["p"], 0, "p")


@dose_cases
def test_dose_print(case, mass_case):
    assert str(mass_case(case).value) == case["print"]


# ---- every case -------------------------------------------------------------------------


@ok_cases
def test_warnings_and_messages(case, mass_case):
    ran = mass_case(case)
    assert ran.warnings == case["warnings"]
    assert ran.messages == case["messages"]


@error_cases
def test_errors(case, _scope, r_error):
    assert r_error(case["py"], *_scope(case)) == case["error"]


# ---- properties -------------------------------------------------------------------------


def test_dropterm_glm_is_drop1_with_mass_headings(mass_model):
    """dropterm.glm computes what drop1.glm does; only the p-value headings differ."""
    import rglm

    fit = mass_model("birthwt_full")
    for test, p_mass, p_stats in (("Chisq", "Pr(Chi)", "Pr(>Chi)"), ("F", "Pr(F)", "Pr(>F)")):
        def warns():
            return pytest.warns(rglm.RWarning) if test == "F" else contextlib.nullcontext()

        with warns():
            ours = rglm.dropterm(fit, test=test).table
        with warns():
            theirs = rglm.drop1(fit, test=test).table
        assert list(ours.columns) == [p_mass if c == p_stats else c for c in theirs.columns]
        np.testing.assert_array_equal(ours.to_numpy(), theirs.to_numpy())


def test_dropterm_negbin_reestimates_theta(mass_model):
    """A glm.nb fit's dropterm row is the AIC of glm.nb refitted without the term (theta
    estimated afresh), not drop1's fit at the fixed theta."""
    import rglm

    fit = mass_model("quine_nb_main")
    table = rglm.dropterm(fit).table
    smaller = rglm.glm_nb("Days ~ Eth + Sex + Age", data=rglm.datasets.load("quine"))
    assert table.loc["Lrn", "AIC"] == pytest.approx(rglm.extractAIC(smaller)[1], rel=1e-9)
    assert table.loc["Lrn", "AIC"] != pytest.approx(rglm.drop1(fit).table.loc["Lrn", "AIC"],
                                                    rel=1e-6)


def test_sorted_is_a_reordering(mass_model):
    import rglm

    fit = mass_model("mtcars6")
    plain = rglm.dropterm(fit, test="F").table
    ordered = rglm.dropterm(fit, test="F", sorted=True).table
    assert ordered["AIC"].is_monotonic_increasing
    pd.testing.assert_frame_equal(plain.loc[ordered.index], ordered)


def test_stepAIC_path_df_is_unsigned_where_step_is_signed(mass_model):
    import rglm

    fit = mass_model("mtcars_wt")
    scope = {"lower": "~ wt", "upper": "~ wt + hp + qsec + am + drat + disp"}
    mass = rglm.stepAIC(fit, scope=scope, trace=0)
    stats = rglm.step(fit, scope=scope, trace=0)
    np.testing.assert_array_equal(mass.anova["Df"].to_numpy()[1:],
                                  np.abs(stats.anova["Df"].to_numpy()[1:]))
    # stats: a term added is -1 (residual df down), a term dropped +1
    assert (stats.anova["Df"].to_numpy()[1:] < 0).any()
    assert (mass.anova["Df"].to_numpy()[1:] > 0).all()
    assert list(mass.anova["Step"]) == list(stats.anova["Step"])


def test_stepAIC_keeps_the_fit_kind_and_leaves_the_input(mass_model):
    import rglm

    start = mass_model("quine_nb_main")
    fit = rglm.stepAIC(start, trace=0)
    assert isinstance(fit, rglm.NegBinGLM) and isinstance(fit, rglm.StepResult)
    assert start.terms.term_labels == ("Eth", "Sex", "Age", "Lrn")
    assert isinstance(fit.anova, rglm.MassAnova)


def test_dose_p_matches_the_definition(mass_model):
    """x_p solves linkfun(p) = b0 + b1 x_p, and the names follow format(p)."""
    import rglm

    fit = mass_model("menarche_logit")
    p = np.array([0.1, 0.5, 0.9])
    dose = rglm.dose_p(fit, p=p)
    b = fit.coefficients.to_numpy()
    np.testing.assert_allclose(b[0] + b[1] * dose.dose.to_numpy(), np.log(p / (1 - p)),
                               rtol=1e-12, atol=1e-12)
    assert list(dose.to_frame().columns) == ["Dose", "SE"]
    assert np.asarray(dose).shape == (3,)


def test_dose_p_bad_cf(mass_model):
    import rglm

    fit = mass_model("budworm_lg0")
    with pytest.raises(rglm.RError, match="subscript out of bounds"):
        rglm.dose_p(fit, cf=(1, 4))
    with pytest.raises(rglm.RError, match="non-conformable"):
        rglm.dose_p(fit, cf=(1, 2, 3))


def test_bigglm_gets_the_default_methods(mass_model):
    """A bigglm fit is dispatched to MASS's default methods (refits through update); for
    a Poisson model their AIC and LRT are dropterm.glm's for the same glm() fit."""
    import rglm

    glm_fit = mass_model("insurance")
    Insurance = rglm.datasets.load("Insurance")  # noqa: N806 - the call names it; update() finds it
    big = rglm.bigglm("Claims ~ District + Group + Age + offset(log(Holders))",
                      family=rglm.poisson(), data=Insurance)
    ours = rglm.dropterm(big, test="Chisq").table
    theirs = rglm.dropterm(glm_fit, test="Chisq").table
    assert list(ours.columns) == ["Df", "AIC", "LRT", "Pr(Chi)"]
    for name in ours.columns:
        np.testing.assert_allclose(ours[name], theirs[name], rtol=1e-9)
    path = rglm.stepAIC(big, trace=0).anova
    assert list(path["Step"]) == [""]
