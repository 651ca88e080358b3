"""rglm.lrtest against R's lmtest::lrtest, and Stata's lrtest after meglm.

Expected values: ``tests/reference/lrtest.json`` (written by
``tests/reference/make_lrtest.R``): glm, glm.nb and glmer fits compared as fits, as a
formula, as term labels and as term numbers; R's table, heading, printout, warnings or
error.  Stata's test (no Stata here) is checked from its definition: the statistic
2 (log L1 - log L0) of two rglm fits, chi2(k) or, for one variance component on the
boundary, half of chi2(1)'s tail (chibar2(01)).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy import stats


def _run(case, r_eval):
    data = case["data"] if isinstance(case["data"], list) else [case["data"]]
    return r_eval(case["py"], data, setup=case["setup_py"])


@pytest.mark.r_cases("lrtest", "cases", where=lambda c: "error" not in c)
def test_lrtest_matches_lmtest(case, r_eval, r_values, same_printed):
    from rglm.inference.lrtest import LRTest

    res = _run(case, r_eval)
    lr = res.value
    assert isinstance(lr, LRTest)
    assert list(lr.table.columns) == case["colnames"]
    assert list(lr.table.index) == case["rownames"]
    assert list(lr.heading) == case["heading"]
    expected = r_values(case["values"])
    actual = lr.table.to_numpy(dtype=float)
    assert np.array_equal(np.isnan(actual), np.isnan(expected))
    ok = ~np.isnan(expected)
    # the fits' own tolerances (glm's epsilon 1e-8 on the deviance, glmer's optimiser)
    # bound the agreement of log L; the statistics are differences of them
    tol = 1e-6 if "glmer" in case["id"] else 1e-8
    np.testing.assert_allclose(actual[ok], expected[ok], rtol=tol, atol=0)
    same_printed(str(lr), case["print"], what=case["id"])
    assert res.warnings == case["warnings"]
    # the attributes: the comparisons' statistics, df and p-values
    chisq, df, p = expected[1:, 3], np.abs(expected[1:, 2]), expected[1:, 4]
    if len(chisq) == 1:
        assert isinstance(lr.statistic, float)
    np.testing.assert_allclose(np.atleast_1d(lr.statistic), chisq, rtol=tol)
    np.testing.assert_array_equal(np.atleast_1d(lr.df), df)
    np.testing.assert_allclose(np.atleast_1d(lr.p_value), p, rtol=max(tol, 1e-8) * 100)


@pytest.mark.r_cases("lrtest", "cases", where=lambda c: "error" in c)
def test_lrtest_errors_as_lmtest(case, r_eval):
    from rglm.errors import RError

    with pytest.raises(RError) as err:
        _run(case, r_eval)
    assert str(err.value) == case["error"]


def test_reference_covers_the_ways_of_naming_models(reference):
    ids = {c["id"] for c in reference("lrtest")["cases"]}
    assert {"glm_alone", "glm_formula", "glm_terms", "glm_numbers", "glmer_vs_glm",
            "negbin_two", "glm_nobs_differ"} <= ids


def test_first_argument_must_be_a_fit():
    import rglm
    from rglm.errors import RError

    with pytest.raises(RError, match="fitted model"):
        rglm.lrtest(". ~ 1")


# ---- Stata's lrtest after meglm -------------------------------------------------------

CBPP = "cbind(incidence, size - incidence) ~ period"


@pytest.fixture(scope="module")
def cbpp_fits(dataset):
    import rglm

    cbpp = dataset("cbpp")
    me = rglm.meglm(CBPP + " + (1 | herd)", cbpp, family="binomial")
    gl = rglm.glm(CBPP, data=cbpp, family=rglm.binomial())
    me0 = rglm.meglm("cbind(incidence, size - incidence) ~ 1 + (1 | herd)", cbpp,
                     family="binomial")
    return me, gl, me0


def test_stata_chibar2_for_one_variance_component(cbpp_fits):
    """meglm against the model without its random intercept: chibar2(01), p halved;
    the restricted model first whichever order the fits come in."""
    import rglm

    me, gl, _ = cbpp_fits
    lr = rglm.lrtest(me, gl)
    chi2 = 2.0 * (me.loglik - float(rglm.logLik(gl)))
    assert lr.stata_kind == "chibar2" and not lr.stata_note
    assert lr.statistic == pytest.approx(chi2, rel=1e-12)
    assert lr.df == 1
    assert lr.p_value == pytest.approx(0.5 * stats.chi2.sf(chi2, 1), rel=1e-12)
    assert lr.names == ("gl", "me")
    assert list(lr.table["#Df"]) == [4.0, 5.0]
    text = str(lr)
    lines = text.split("\n")
    assert lines[:3] == ["Likelihood-ratio test", "Assumption: gl nested within me", ""]
    assert lines[3].startswith(" LR chibar2(01) =") and lines[3].endswith(f"{chi2:.2f}")
    assert lines[4] == f"Prob >= chibar2 = {0.5 * stats.chi2.sf(chi2, 1):.4f}"
    assert lines[3].index(" = ") == lines[4].index(" = ")
    assert len(lines[3]) == len(lines[4])
    assert "Note:" not in text
    # the same test, given the other way round
    again = rglm.lrtest(gl, me)
    assert again.statistic == lr.statistic and again.names == lr.names
    # Stata's statistic is the meglm header's LR test against the GLM
    kind, chi2_c, df_c, p_c = me.lr_test
    assert (kind, df_c) == ("chibar2", 1)
    assert lr.statistic == pytest.approx(chi2_c, rel=1e-12)
    assert lr.p_value == pytest.approx(p_c, rel=1e-12)


def test_stata_chi2_for_fixed_effects(cbpp_fits):
    """Two meglm fits with the same random effects: a plain chi2(k), no note."""
    import rglm

    me, _, me0 = cbpp_fits
    lr = rglm.lrtest(me0, me)
    chi2 = 2.0 * (me.loglik - me0.loglik)
    assert lr.stata_kind == "chi2" and not lr.stata_note and lr.df == 3
    assert lr.p_value == pytest.approx(stats.chi2.sf(chi2, 3), rel=1e-12)
    lines = str(lr).split("\n")
    # the values right-aligned in one column (the p-value's 6 characters)
    assert lines[3] == f" LR chi2(3) = {chi2:6.2f}"
    assert lines[4] == f"Prob > chi2 = {stats.chi2.sf(chi2, 3):.4f}"


def test_stata_note_for_several_variance_components(dataset):
    """A random slope and intercept (two variances) against the GLM: chi2(2) and
    Stata's note that the test is conservative."""
    import rglm

    cbpp = dataset("cbpp")
    cbpp["t"] = cbpp["period"].astype(int) - 1.0
    slope = rglm.meglm("cbind(incidence, size - incidence) ~ t + (1 | herd) + (0 + t | herd)",
                       cbpp, family="binomial", intmethod="laplace")
    glm_t = rglm.glm("cbind(incidence, size - incidence) ~ t", data=cbpp,
                     family=rglm.binomial())
    lr = rglm.lrtest(glm_t, slope)
    chi2 = max(2.0 * (slope.loglik - float(rglm.logLik(glm_t))), 0.0)
    assert lr.stata_kind == "chi2" and lr.stata_note and lr.df == 2
    assert lr.p_value == pytest.approx(stats.chi2.sf(chi2, 2), rel=1e-10, abs=1e-300)
    text = str(lr)
    assert text.split("\n")[3].startswith(" LR chi2(2) =")
    # Stata's note (its wording from Stata's manual, rglm.render.stata_lrtest), wrapped
    # at 79 columns under "Note:"
    from rglm.render.stata_lrtest import BOUNDARY_NOTE

    head, note = text.rstrip("\n").split("\n\n")[1:]
    assert head.startswith(" LR chi2(2) =")
    lines = note.split("\n")
    assert lines[0].startswith("Note: The reported degrees of freedom")
    assert all(len(line) <= 79 for line in lines) and len(lines) > 1
    assert all(line.startswith(" " * 6) and line[6] != " " for line in lines[1:])
    assert " ".join(line.strip() for line in lines) == BOUNDARY_NOTE


def test_stata_errors(cbpp_fits):
    import rglm
    from rglm.errors import RError

    me, gl, me0 = cbpp_fits
    with pytest.raises(RError, match="two models"):
        rglm.lrtest(gl, me0, me)
    with pytest.raises(RError, match="df\\(unrestricted\\) = df\\(restricted\\) = 5"):
        rglm.lrtest(me, me)
    # Stata refuses a model with a sandwich variance (pweights, vce(robust/cluster))
    robust = dataclasses.replace(me, robust=object())
    with pytest.raises(RError, match="LR test likely invalid for models with robust vce"):
        rglm.lrtest(gl, robust)
