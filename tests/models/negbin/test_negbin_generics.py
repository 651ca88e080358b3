"""R's generics on glm.nb fits against R with MASS: update, step, drop1, add1, extractAIC,
logLik, AIC, BIC and anova.

Expected values: ``tests/reference/negbin_generics.json``
(``tests/reference/make_negbin_generics.R``): the statements of MASS's ``scripts/ch07.R``
on quine (step() for stepAIC()), a glm.nb fit with ``link = sqrt`` and a subset, and one
with ``link = identity`` and an offset (the simulated ``nbcounts``). They run in order in
one namespace, as R ran them in one session: a statement's ``assign`` binds its value
for the statements after it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

REF = "negbin_generics"

# Relative tolerance of every number, the project's default. theta comes from MASS's
# alternation, which stops loosely (theta.ml's Newton steps at eps^0.25 = 1.2e-4: a refit
# from another starting theta moves the estimates by ~1e-5), but R and rglm take the
# same steps from the same start (update passes the call's init.theta), so they agree to
# ~1e-12; the step path's Deviance column, a difference of nearly equal deviances, to
# ~2e-10 of itself.
TOL = 1e-8


def _kind(*kinds):
    return pytest.mark.r_cases(REF, "statements", where=lambda s: s["kind"] in kinds)


@pytest.fixture(scope="module")
def session(reference, r_eval):
    """``session(statement)`` -> ``Evaluated`` of its ``py``, the statements before it run
    first (once each), in one namespace holding the datasets and the names bound so
    far. An error statement gives None (its test evaluates it)."""
    statements = reference(REF)["statements"]
    position = {s["id"]: i for i, s in enumerate(statements)}
    data = sorted({d for s in statements for d in s["data"]})
    done: dict = {}
    bindings: dict = {}

    def run(statement):
        for st in statements[: position[statement["id"]] + 1]:
            if st["id"] in done:
                continue
            if st["kind"] == "error":
                done[st["id"]] = None
                continue
            done[st["id"]] = r_eval(st["py"], data, dict(bindings), every_warning=True)
            if st["assign"]:
                bindings[st["assign"]] = done[st["id"]].value
        return done[statement["id"]]

    run.data = data
    run.bindings = bindings
    return run


@pytest.fixture(scope="module")
def check_table(assert_close):
    """``check_table(frame, ref, what, nan_mask=None)``: a table against R's (names, each
    column; NA and R's NaN cells where R has them)."""

    def check(frame, ref: dict, what: str, nan_mask=None) -> None:
        assert list(frame.columns) == ref["colnames"], f"{what}: columns"
        assert [str(r) for r in frame.index] == ref["rownames"], f"{what}: rows"
        for j, (name, col) in enumerate(zip(ref["colnames"], ref["columns"])):
            values = frame[name]
            if not pd.api.types.is_numeric_dtype(values):
                assert list(values) == col, f"{what}: column {name}"
                continue
            assert_close(values, col, TOL, f"{what}: column {name}", noise_ratio=0)
            r_nan = np.array([v == "NaN" for v in col])
            got_nan = np.zeros(len(col), bool) if nan_mask is None else nan_mask[:, j]
            assert (r_nan == got_nan).all(), f"{what}: NaN (not NA) cells of {name}"

    return check


@pytest.fixture(scope="module")
def check_fit(assert_close):
    """``check_fit(fit, ref)``: a glm.nb fit against R's record: call, formula,
    names, coefficients, theta and the likelihood, deviances, print()."""
    from rglm.formula.deparse import deparse

    def check(fit, ref: dict) -> None:
        assert "\n".join(deparse(fit.call)) == ref["call"]
        assert "\n".join(deparse(fit.terms.formula)) == ref["formula"]
        assert fit.keys() == ref["names"]
        assert list(fit.coefficients.index) == ref["coef_names"]
        assert_close(fit.coefficients, ref["coefficients"], TOL, "coefficients",
                     noise_ratio=0)
        for name in ("theta", "SE_theta", "twologlik", "aic", "deviance", "null_deviance"):
            assert_close(getattr(fit, name), ref[name], TOL, name, noise_ratio=0)
        assert fit.df_residual == ref["df_residual"] and fit.rank == ref["rank"]
        assert fit.family.family == ref["family"] and fit.family.link == ref["link"]
        assert str(fit) == ref["print"]

    return check


def test_reference_covers_the_brief(reference):
    statements = reference(REF)["statements"]
    code = " ".join(s["r"] for s in statements)
    for needle in ("glm.nb(Days ~ .^4", "step(quine_nb)", 'drop1(quine_nb, test = "Chisq")',
                   "update(quine_nb, . ~ . - Eth:Sex:Age:Lrn)", "add1(", "anova(quine_nb3, quine_nb)",
                   "extractAIC(quine_nb)", "logLik(", "AIC(", "link = sqrt", "link = identity",
                   "offset(", "scope ="):
        assert needle in code, needle
    kinds = {s["kind"] for s in statements}
    assert kinds == {"fit", "step", "table", "anova_nb", "numbers", "loglik", "aic_table",
                     "error"}


@_kind("fit")
def test_fit(case, session, check_fit):
    ev = session(case)
    check_fit(ev.value, case)
    assert ev.warnings == case["warnings"]


@_kind("step")
def test_step(case, session, check_fit, check_table):
    ev = session(case)
    assert ev.output == case["trace"]
    check_table(ev.value.anova, case["table"], "path")
    assert list(ev.value.anova.attrs["heading"]) == case["heading"]
    check_fit(ev.value, case["fit"])
    assert ev.warnings == case["warnings"]


@_kind("table", "anova_nb")
def test_table(case, session, check_table):
    ev = session(case)
    check_table(ev.value.table, case["table"], case["id"], getattr(ev.value, "nan_mask", None))
    assert list(ev.value.heading) == case["heading"]
    assert str(ev.value) == case["print"]
    assert ev.warnings == case["warnings"]


@_kind("numbers")
def test_numbers(case, session, assert_close):
    ev = session(case)
    assert_close(np.asarray(ev.value, dtype=float), case["values"], TOL, case["id"],
                 noise_ratio=0)
    assert ev.warnings == case["warnings"]


@_kind("loglik")
def test_loglik(case, session, assert_close):
    ev = session(case)
    assert_close(float(ev.value), case["value"], TOL, "logLik", noise_ratio=0)
    assert ev.value.df == case["df"] and ev.value.nobs == case["nobs"]
    assert str(ev.value) + "\n" == case["print"]
    assert ev.warnings == case["warnings"]


@_kind("aic_table")
def test_aic_table(case, session, check_table):
    ev = session(case)
    check_table(ev.value, case["table"], case["id"])
    assert ev.warnings == case["warnings"]


@_kind("error")
def test_error(case, session, r_error):
    session(case)
    assert r_error(case["py"], session.data, dict(session.bindings)) == case["error"]


# ---- properties -----------------------------------------------------------------------


def test_extract_aic_leaves_theta_out(session, reference):
    """extractAIC.negbin counts the coefficients only: the fit's AIC minus 2 (k = 2)."""
    import rglm

    quine_nb = session(reference(REF)["statements"][0]).value
    edf, aic = rglm.extractAIC(quine_nb)
    assert edf == quine_nb.rank
    assert aic == pytest.approx(quine_nb.aic - 2, rel=1e-14)
    assert rglm.AIC(quine_nb) == pytest.approx(quine_nb.aic, rel=1e-14)


def test_step_keeps_the_model_class(session, reference):
    import rglm

    statements = {s["id"]: s for s in reference(REF)["statements"]}
    fit = session(statements["quine_nb2"]).value
    assert isinstance(fit, rglm.NegBinGLM) and isinstance(fit, rglm.StepGLM)
    assert fit.keys()[-1] == "anova"
    # a refit of the step result is a plain glm.nb fit again (R's update drops $anova);
    # it starts from the fitted theta, so it ends near it, within the tolerance of
    # theta.ml's Newton steps (eps^0.25 = 1.2e-4)
    again = rglm.update(fit)
    assert type(again) is rglm.NegBinGLM
    assert again.theta == pytest.approx(fit.theta, rel=1e-4)


def test_update_does_not_touch_the_fit(session, reference):
    import rglm

    statements = {s["id"]: s for s in reference(REF)["statements"]}
    fit = session(statements["quine_sqrt"]).value
    before = (fit.call, fit.theta, fit.coefficients.copy())
    rglm.update(fit, ". ~ . - Eth", link="log")
    assert fit.call == before[0] and fit.theta == before[1]
    assert fit.coefficients.equals(before[2])


def test_update_rejects_arguments_glm_nb_does_not_have(session, reference):
    import rglm
    from rglm.errors import RError

    fit = session(reference(REF)["statements"][0]).value
    with pytest.raises(RError, match=r"unused argument \(family = \.\.\.\)"):
        rglm.update(fit, family=rglm.poisson())


def test_model_frame_of_a_negbin_fit_reevaluates_its_call(session, reference):
    """R's model.frame.glm evaluates the glm.nb call with glm(method = "model.frame"):
    glm.nb's own arguments (init.theta, link) are ignored there."""
    import rglm

    statements = {s["id"]: s for s in reference(REF)["statements"]}
    fit = session(statements["quine_sqrt"]).value
    quine = rglm.datasets.load("quine")
    frame = rglm.model_frame(fit, data=quine)
    assert frame.shape == (int((quine["Lrn"] == "AL").sum()), 4)
    assert frame.equals(fit.model)
