"""The mixed models' API: the generics each fit dispatches, methods on the object,
``simulate`` (numpy's random streams cannot give R's draws: its distribution is checked),
``progress``, partial ``re_form``, ``getME``'s names, immutability.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

#: The generics of issue #9 every glmer/lmer fit has a method for.
GENERICS = ("coef", "vcov", "fitted", "residuals", "predict", "logLik", "nobs",
            "df_residual", "deviance", "sigma", "confint", "summary", "anova", "drop1",
            "update", "refit", "fixef", "ranef", "VarCorr", "ngrps", "getME", "isSingular",
            "simulate", "extractAIC", "family", "formula_of", "terms", "weights",
            "model_frame", "model_matrix")


@pytest.mark.parametrize("name", GENERICS)
def test_generics_dispatch_for_both_classes(name):
    from rglm import generics
    from rglm.models.mixed.result import GlmerMod, LmerMod

    generic = getattr(generics, name)
    default = generic.registry[object]
    for cls in (GlmerMod, LmerMod):
        assert generic.dispatch(cls) is not default, (name, cls)


def test_public_names():
    import rglm

    for name in ("glmer", "lmer", "glmer_control", "lmer_control", "fixef", "ranef",
                 "VarCorr", "ngrps", "getME", "isSingular", "icc", "blup_table",
                 "diagnostics", "fixef_table"):
        assert callable(getattr(rglm, name)), name


def test_methods_on_the_object_are_the_generics(mixed_fit):
    import rglm

    fit = mixed_fit("cbpp_laplace").value
    pd.testing.assert_series_equal(fit.fixef(), rglm.fixef(fit))
    assert float(fit.logLik()) == float(rglm.logLik(fit))
    assert fit.AIC() == rglm.AIC(fit)
    assert str(fit.VarCorr()) == str(rglm.VarCorr(fit))
    assert str(fit.summary()) == str(rglm.summary(fit))
    assert repr(fit) == str(fit) == fit.format()
    with pytest.raises(Exception):
        fit.engine = None  # frozen


def test_r_class_in_no_applicable_method_errors(mixed_fit):
    from rglm import generics
    from rglm.errors import RError

    fit = mixed_fit("cbpp_laplace").value
    assert generics.r_class(fit) == ("glmerMod", "merMod")
    with pytest.raises(RError, match="no applicable method for 'hatvalues' applied to an "
                                     "object of class \"c\\('glmerMod', 'merMod'\\)\""):
        generics.hatvalues(fit)


def test_getme_unknown_name(mixed_fit):
    import rglm
    from rglm.errors import RError

    fit = mixed_fit("sleepstudy_reml").value
    with pytest.raises(RError, match="Mixed-Effects extraction of 'foo' is not available "
                                     "for class \"lmerMod\""):
        rglm.getME(fit, "foo")
    parts = rglm.getME(fit, ["theta", "beta"])
    assert set(parts) == {"theta", "beta"}


def test_partial_re_form_adds_the_terms_it_names(mixed_fit):
    """``re_form = ~ (1 | batch)`` adds that term's modes only: the population-level
    prediction plus batch's modes, on the fitted rows and on new data alike."""
    import rglm

    fit = mixed_fit("pastes_explicit").value
    data = rglm.datasets.load("Pastes")
    fixed = rglm.predict(fit, re_form=np.nan).to_numpy()
    batch = rglm.ranef(fit)["batch"]["(Intercept)"]
    want = fixed + batch.loc[data["batch"].astype(str)].to_numpy()
    got = rglm.predict(fit, re_form="~ (1 | batch)").to_numpy()
    assert np.allclose(got, want, rtol=0, atol=1e-12 * np.abs(want).max())
    got_new = rglm.predict(fit, newdata=data, re_form="~ (1 | batch)").to_numpy()
    assert np.allclose(got_new, want, rtol=0, atol=1e-12 * np.abs(want).max())
    full = rglm.predict(fit, newdata=data).to_numpy()
    assert np.allclose(full, rglm.predict(fit).to_numpy(), rtol=0, atol=1e-12 * 100)


def test_simulate_shapes_seed_and_moments(mixed_fit):
    """simulate(): reproducible for a seed; with the fitted modes (use_u) the binomial
    draws average to n_i mu_i; for an LMM with new random effects the variance of a
    row's draws is sigma^2 + the random-intercept variance."""
    import rglm

    fit = mixed_fit("cbpp_laplace").value
    a = rglm.simulate(fit, nsim=3, seed=42)
    b = rglm.simulate(fit, nsim=3, seed=42)
    pd.testing.assert_frame_equal(a, b)
    assert list(a.columns) == ["sim_1", "sim_2", "sim_3"] and len(a) == 56
    n = fit.problem.weights
    sims = rglm.simulate(fit, nsim=4000, seed=1, use_u=True).to_numpy()
    assert np.all((sims >= 0) & (sims <= n[:, None])) and np.all(sims % 1 == 0)
    mu = rglm.fitted(fit).to_numpy()
    se = np.sqrt(n * mu * (1 - mu) / 4000)
    assert np.all(np.abs(sims.mean(axis=1) - n * mu) < 5 * se)
    lm = mixed_fit("dyestuff").value
    sims = rglm.simulate(lm, nsim=20000, seed=3).to_numpy()
    vc = rglm.VarCorr(lm).as_data_frame()
    total = float(vc["vcov"].sum())
    v = sims.var(axis=1)
    assert abs(v.mean() / total - 1) < 0.05


def test_progress_reports_the_stages(mixed_eval):
    out = mixed_eval('rglm.glmer("cbind(incidence, size - incidence) ~ period + (1 | herd)",'
                     ' data=cbpp, family=rglm.binomial(), progress=True)', ["cbpp"])
    lines = [text for kind, text in out.conditions if kind == "message"]
    stages = ["initial PIRLS", "stage 1 (theta, nAGQ = 0)", "stage 2 (theta, beta)",
              "finite-difference Hessian", "done"]
    assert len(lines) == len(stages)
    assert all(line.startswith(f"glmer: {s}") for line, s in zip(lines, stages))


def test_update_changes_arguments_and_keeps_the_call(mixed_fit, mixed_eval):
    import rglm

    fit = mixed_fit("sleepstudy_reml").value
    ml = rglm.update(fit, REML=False)
    ref = mixed_fit("sleepstudy_ml").value
    assert ml.REML is False
    assert np.allclose(ml.engine.theta, ref.engine.theta, rtol=1e-10)
    assert str(ml).splitlines()[1:3] == str(ref).splitlines()[1:3]
    g = mixed_fit("cbpp_laplace").value
    g9 = rglm.update(g, nAGQ=9)
    assert g9.nAGQ == 9
    assert np.isclose(float(rglm.logLik(g9)),
                      float(rglm.logLik(mixed_fit("cbpp_nagq9").value)), rtol=1e-10)


def test_predict_does_not_modify_newdata_and_handles_na_rows(mixed_fit):
    """NA in a fixed-effect covariate of newdata predicts NA (R's na.pass); NA in a
    grouping variable is lme4's error unless allow_new_levels."""
    import rglm
    from rglm.errors import RError

    fit = mixed_fit("sleepstudy_reml").value
    nd = rglm.datasets.load("sleepstudy").head(4).copy()
    nd.loc[1, "Days"] = np.nan
    nd["Subject"] = nd["Subject"].astype(object)
    nd.loc[2, "Subject"] = np.nan
    before = nd.copy()
    with pytest.raises(RError, match="NAs are not allowed in prediction data"):
        rglm.predict(fit, newdata=nd)
    p = rglm.predict(fit, newdata=nd, allow_new_levels=True)
    pd.testing.assert_frame_equal(nd, before)
    assert np.isnan(p.iloc[1]) and not np.isnan(p.iloc[2])
    fixed = rglm.predict(fit, newdata=nd, re_form=np.nan)
    assert p.iloc[2] == fixed.iloc[2]
