"""Profile-likelihood and Wald confidence intervals against R.

Expected values: ``tests/reference/confint.json`` (``tests/reference/make_confint.R``;
MASS's confint.glm / confint.profile.glm, which R >= 4.4 moved into stats unchanged for
``test = "LRT"``). Each case fits a model (``py``), calls confint on it and compares the
limits (relative 1e-6 is the brief; the profile refits converge like R's, so they agree
far better — see ``TOL``) and the printed matrix.
"""

from __future__ import annotations

import pandas as pd
import pytest

# Limits come from refits converged to R's criterion, spline and linear interpolation in
# R's operation order: they agree with R to ~1e-10 or better; 1e-8 leaves room for BLAS.
TOL = 1e-8


@pytest.fixture(scope="module")
def fitted(reference, r_fit):
    """``fitted(model_id)`` -> the fit of a confint.json model (cached)."""
    models = {m["id"]: m for m in reference("confint")["models"]}

    def fit(model_id: str):
        return r_fit(models[model_id]["py"], models[model_id]["data"]).value

    return fit


def _calls(ref):
    return [(m, k) for m in ref["models"] for k in range(len(m["calls"]))]


@pytest.mark.r_cases("confint", _calls, arg="model,k", ids=lambda mk: f"{mk[0]['id']}-{mk[1]}")
def test_confint_matches_r(model, k, fitted, r_eval, assert_close, capsys):
    from rglm.render.confint import format_confint

    call = model["calls"][k]
    # every warning, not only RWarnings: R's list is complete
    value, warns, _ = r_eval(call["py"], model["data"], {"fit": fitted(model["id"])},
                             every_warning=True)
    if call["kind"] == "matrix":
        assert isinstance(value, pd.DataFrame), call["py"]
        assert list(value.index) == call["rownames"]
        assert list(value.columns) == call["colnames"]
    else:
        assert isinstance(value, pd.Series), call["py"]
        assert list(value.index) == call["names"]
    # plain relative comparison (no floor for rounding noise)
    assert_close(value, call["values"], TOL, call["py"], noise_ratio=0)
    assert format_confint(value) == call["print"]
    assert warns == list(call["warnings"])


def test_profiling_announces_itself_on_stderr(fitted, capsys):
    import rglm

    fit = fitted("dobson_poisson")
    rglm.confint(fit, "outcome2")
    captured = capsys.readouterr()
    assert captured.err == "Waiting for profiling to be done...\n"
    assert captured.out == ""
    rglm.confint_default(fit)
    assert capsys.readouterr().err == ""


@pytest.mark.r_cases("confint", "errors")
def test_errors_match_r(case, r_error):
    assert r_error(case["py"], case["data"]) == case["error"]


def test_reference_covers_the_brief(reference):
    ref = reference("confint")
    families = " ".join(m["r"] for m in ref["models"])
    for needle in ("poisson", "binomial", "Gamma", "quasipoisson", "offset(", "probit",
                   "weights", "data = mtcars"):
        assert needle in families, needle
    calls = [c["r"] for m in ref["models"] for c in m["calls"]]
    assert any("level = 0.9" in c for c in calls)
    assert any("confint.default" in c for c in calls)
    assert any(c["kind"] == "vector" for m in ref["models"] for c in m["calls"])
    assert len(ref["models"]) >= 8


# ---- behaviour ------------------------------------------------------------------------


def test_parm_by_position_and_name_agree(fitted):
    import rglm

    fit = fitted("dobson_poisson")
    by_name = rglm.confint_default(fit, ["outcome3", "treatment2"])
    by_pos = rglm.confint_default(fit, [2, 3])
    pd.testing.assert_frame_equal(by_name, by_pos)


def test_unknown_parameter_as_r(fitted):
    # R: profile.glm stops on `if (!nonA[i])` with index 0 (no match) or NA (too large);
    # confint.default indexes by name and gives NA
    import rglm

    fit = fitted("dobson_poisson")
    with pytest.raises(rglm.RError, match="^argument is of length zero$"):
        rglm.confint(fit, "bogus")
    with pytest.raises(rglm.RError, match="^missing value where TRUE/FALSE needed$"):
        rglm.confint(fit, 7)
    ci = rglm.confint_default(fit, ["outcome2", "bogus"])
    assert list(ci.index) == ["outcome2", "bogus"]
    assert ci.loc["bogus"].isna().all() and ci.loc["outcome2"].notna().all()


@pytest.mark.r_cases("printing", "percent_labels", ids=lambda c: c["level"][:8])
def test_percent_labels(case):
    """Column names of R's confint.default() and (profile) confint() at a level
    (printing.json, section "percent_labels")."""
    from rglm.models.glm.confint import profile_percent_labels, wald_percent_labels

    level = float(case["level"])
    a = (1 - level) / 2  # as both confint functions compute it
    assert wald_percent_labels([a, 1 - a]) == case["wald"]
    if case["profile"] is not None:
        assert profile_percent_labels([a, 1 - a]) == case["profile"]


def test_result_is_not_tied_to_the_fit(fitted):
    import rglm

    fit = fitted("dobson_poisson")
    before = fit.coefficients.copy()
    rglm.confint(fit, "outcome2")
    pd.testing.assert_series_equal(fit.coefficients, before)
