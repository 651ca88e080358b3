"""glmer/lmer fits against lme4's: every model of ``tests/reference/mixed.json``
(``make_mixed.R``) and every quantity it records.

Tolerances. lme4's estimates are where its optimiser stopped (glmer: Nelder-Mead,
absolute change 1e-5 in -2 log L; lmer: BOBYQA, 1e-8 in theta), not its objective's
optimum; rglm's engine goes to the optimum (a projected gradient of 1e-6 and a Newton
polish). ``make_mixed.R`` refits each model with BOBYQA at rhoend = 1e-10 and stores,
per quantity class, ``tol`` = 10 x the largest difference between lme4's fit and that
tight refit (at least 1e-8): the distance of lme4's numbers from the optimum, with a
margin. rglm, at the optimum, is within it. ``tol`` is applied as assert_close's rule
(relative; values below 1e-10 of the largest absolutely); quantities centred on zero
(conditional modes, residuals, the random-effects part of a prediction) use
``tol_scaled`` relative to their largest magnitude. Quantities lme4 computes from the
estimates (AIC, vcov, predictions, ...) take the tolerance of what they come from.

The log-likelihood: ``tol["loglik"]`` where lme4 is at its optimum; where rglm's is
better (lme4 warns that it did not converge, or stopped early on a flat likelihood),
rglm's log-likelihood must be at least lme4's (see ``test_loglik``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

REF = "mixed"
MODELS = pytest.mark.r_cases(REF, "models")


def _tol(case, what: str, scaled: bool = False) -> float:
    return case["tol_scaled" if scaled else "tol"][what]


def _rows(case) -> np.ndarray:
    """0-based positions of the per-observation values the reference keeps."""
    rows = case.get("rows")
    return np.arange(case["n_rows"]) if rows is None else np.asarray(rows) - 1


@pytest.fixture
def fit(case, mixed_fit):
    return mixed_fit(case["id"]).value


@MODELS
def test_class_and_dims(case, fit):
    import rglm

    assert fit.r_class == case["class"]
    assert rglm.nobs(fit) == case["nobs"]
    assert rglm.df_residual(fit) == case["df_residual"]
    assert fit.REML == case["REML"]
    groups = rglm.ngrps(fit)
    assert [(k, int(v)) for k, v in groups.items()] == \
        [(g["grpvar"], g["n"]) for g in case["ngrps"]]
    assert rglm.isSingular(fit) == case["is_singular"]
    if fit.is_glmm:
        assert fit.family.family == case["family"] and fit.family.link == case["link"]
        assert fit.nAGQ == case["nAGQ"]


@MODELS
def test_fixef_theta_sigma(case, fit, assert_close):
    import rglm

    beta = rglm.fixef(fit)
    assert list(beta.index) == case["fixef"]["names"]
    assert_close(beta, case["fixef"]["values"], _tol(case, "beta"), "fixef")
    theta = rglm.getME(fit, "theta")
    assert list(theta.index) == case["theta"]["names"]
    # a theta at its bound (a singular fit) is 0 in both: compared absolutely
    assert_close(theta, case["theta"]["values"], _tol(case, "theta"), "theta",
                 atol=_tol(case, "theta") * 1e-3)
    assert_close(rglm.getME(fit, "lower"), case["lower"], 0, "lower")
    assert_close(rglm.sigma(fit), case["sigma"], _tol(case, "sigma"), "sigma")


@MODELS
# vcov(use_hessian=False)'s warning is lme4's; test_vcov.py checks it against R.
@pytest.mark.filterwarnings("ignore:variance-covariance matrix computed from finite")
def test_vcov_and_standard_errors(case, fit, assert_close):
    """Hessian-based for glmer where current lme4 computes derivatives (fewer than 1e4
    rows, 20 parameters, not singular), else RX-based; tolerance ``se`` (the estimates
    move them by that much)."""
    import rglm

    V = rglm.vcov(fit)
    assert list(V.index) == case["vcov"]["rownames"] == list(V.columns)
    tol = _tol(case, "se")
    assert_close(np.sqrt(np.diag(V.to_numpy())), case["se"], tol, "se")
    # covariances: relative to the product of the standard errors
    se = np.asarray(case["se"])
    want = np.asarray(case["vcov"]["values"], dtype=float)
    assert np.all(np.abs(V.to_numpy() - want) <= 4 * tol * np.outer(se, se)), "vcov"
    rx = rglm.vcov(fit, use_hessian=False) if fit.engine.vcov_method == "Hessian" else V
    want_rx = np.asarray(case["vcov_rx"]["values"], dtype=float)
    se_rx = np.sqrt(np.diag(want_rx))
    assert np.all(np.abs(rx.to_numpy() - want_rx) <= 4 * tol * np.outer(se_rx, se_rx))


@MODELS
def test_varcorr(case, fit, assert_close):
    import rglm

    vc = rglm.VarCorr(fit).as_data_frame()
    ref = case["varcorr"]
    for col in ("grp", "var1", "var2"):
        got = [None if pd.isna(v) else v for v in vc[col]]
        assert got == ref[col], col
    tol = _tol(case, "varcorr")
    assert_close(vc["sdcor"], ref["sdcor"], tol, "sdcor", atol=tol * 1e-3)
    # variances and covariances: twice the relative error of the standard deviations
    assert_close(vc["vcov"], ref["vcov"], 2 * tol, "vcov", atol=tol * 1e-3)


@MODELS
def test_ranef_with_conditional_sd(case, fit, assert_close):
    import rglm

    re = rglm.ranef(fit, condVar=True).as_data_frame()
    ref = case["ranef"]
    for col in ("grpvar", "term", "grp"):
        assert list(re[col]) == ref[col], col
    assert_close(re["condval"], ref["condval"], _tol(case, "condval", True), "condval",
                 noise_ratio=1.0)
    assert_close(re["condsd"], ref["condsd"], _tol(case, "condsd"), "condsd",
                 atol=_tol(case, "condsd") * 1e-3)


@MODELS
def test_coef(case, fit, assert_close):
    """coef.merMod: fixed effects plus modes (tolerance: the larger of beta's and the
    modes')."""
    import rglm

    cf = rglm.coef(fit)
    assert list(cf.keys()) == [c["grpvar"] for c in case["coef"]]
    tol = max(_tol(case, "beta"), _tol(case, "condval", True))
    for ref in case["coef"]:
        tab = cf[ref["grpvar"]]
        assert len(tab) == ref["n_levels"]
        head = tab.iloc[:len(ref["rownames"])]
        assert list(head.index) == ref["rownames"]
        assert list(head.columns) == ref["colnames"]
        assert_close(head.to_numpy(), ref["values"], tol, f"coef {ref['grpvar']}",
                     noise_ratio=1.0)


@MODELS
def test_loglik(case, fit, assert_close):
    """logLik, AIC, BIC and df; where lme4 stopped short of the optimum (a convergence
    warning, or a flat likelihood: tol above 1e-8), rglm's log-likelihood is higher,
    never lower."""
    import rglm

    ll = rglm.logLik(fit)
    assert ll.df == case["loglik"]["df"] and ll.nobs == case["loglik"]["nobs"]
    want = case["loglik"]["value"]
    tol = _tol(case, "loglik")
    assert_close(float(ll), want, tol, "logLik")
    assert float(ll) >= want - 1e-9 * abs(want), "rglm's optimum is below lme4's"
    assert_close(rglm.AIC(fit), case["aic"], tol, "AIC")
    assert_close(rglm.BIC(fit), case["bic"], tol, "BIC")


@MODELS
def test_deviance(case, fit, assert_close, r_warnings):
    """lme4's deviance(): the sum of the squared deviance residuals for a GLMM (its
    tolerance: the fitted values'), -2 log L for ML, the REML criterion with lme4's
    warning for REML fits."""
    import rglm

    with r_warnings() as texts:
        dev = rglm.deviance(fit)
    assert texts == [c["text"] for c in case["deviance_conditions"]]
    tol = _tol(case, "fitted" if fit.is_glmm else "loglik")
    assert_close(dev, case["deviance"], tol, "deviance")
    if case["remlcrit"] is not None:
        assert_close(rglm.REMLcrit(fit), case["remlcrit"], _tol(case, "loglik"), "REMLcrit")


@MODELS
def test_devcomp(case, fit, assert_close):
    """lme4's deviance components (penalised and weighted residual sums of squares, log
    determinants, sigma), at the tolerance of what they are made of."""
    cmp = case["devcomp"]["cmp"]
    dc = fit.engine.devcomp
    tol = max(_tol(case, "fitted"), _tol(case, "condval", True), _tol(case, "theta"))
    for name in ("ldL2", "ldRX2", "wrss", "ussq", "pwrss", "drsum", "sigmaML", "sigmaREML"):
        if cmp[name] is None:
            continue
        assert_close(getattr(dc, name), cmp[name], 10 * tol, name)
    for name in ("dev", "REML"):
        if cmp[name] is not None:
            assert_close(getattr(dc, name), cmp[name], _tol(case, "loglik"), name)


@MODELS
def test_fitted_and_residuals(case, fit, assert_close):
    import rglm

    rows = _rows(case)
    fitted = rglm.fitted(fit)
    assert len(fitted) == case["n_rows"]
    from rglm.models.glm.result import r_row_names

    assert [r_row_names(fitted.index)[i] for i in rows] == case["row_names"]
    assert_close(fitted.to_numpy()[rows], case["fitted"], _tol(case, "fitted"), "fitted")
    tol = _tol(case, "residuals", True)
    for kind, want in case["residuals"].items():
        got = rglm.residuals(fit, type=kind).to_numpy()[rows]
        assert_close(got, want, tol, f"residuals {kind}", noise_ratio=1.0)


@MODELS
def test_predict_on_the_fitted_rows(case, fit, assert_close):
    import rglm

    rows = _rows(case)
    pr = case["predict"]
    tol = _tol(case, "fitted")
    link_tol = max(tol, _tol(case, "beta"), _tol(case, "condval", True))
    assert_close(rglm.predict(fit).to_numpy()[rows], pr["link"], link_tol, "link",
                 noise_ratio=1.0)
    assert_close(rglm.predict(fit, type="response").to_numpy()[rows], pr["response"], tol,
                 "response")
    fixed = rglm.predict(fit, re_form=np.nan).to_numpy()[rows]
    assert_close(fixed, pr["link_fixed"], link_tol, "link, re.form = NA", noise_ratio=1.0)
    assert_close(rglm.predict(fit, re_form="NA", type="response").to_numpy()[rows],
                 pr["response_fixed"], link_tol, "response, re.form = NA")


def _newdata(columns) -> pd.DataFrame:
    """R's newdata with its column types."""
    data = {}
    for col in columns:
        kind, values = col["type"], col["values"]
        if kind == "factor":
            data[col["name"]] = pd.Categorical(values, categories=col["levels"],
                                               ordered=col["ordered"])
        elif kind == "integer":
            data[col["name"]] = np.asarray(values, dtype=np.int64)
        elif kind == "logical":
            data[col["name"]] = np.asarray(values, dtype=bool)
        elif kind == "character":
            data[col["name"]] = pd.array(values, dtype="str")
        else:
            data[col["name"]] = np.asarray([np.nan if v is None else v for v in values],
                                           dtype=float)
    return pd.DataFrame(data)


@MODELS
def test_predict_on_new_data(case, fit, assert_close):
    """Three rows of the data and one at a level the fit has not seen: population-level
    there with ``allow_new_levels``, lme4's error without it."""
    import rglm
    from rglm.errors import RError

    pr = case["predict"]
    if "newdata" not in pr:
        pytest.skip("the reference has no newdata for this model")
    nd = _newdata(pr["newdata"])
    before = nd.copy()
    tol = max(_tol(case, "fitted"), _tol(case, "beta"), _tol(case, "condval", True))
    for key, kwargs in (("newdata_link", dict(type="link", allow_new_levels=True)),
                        ("newdata_response", dict(type="response", allow_new_levels=True)),
                        ("newdata_link_fixed", dict(type="link", re_form=np.nan)),
                        ("newdata_response_fixed", dict(type="response", re_form=np.nan))):
        got = rglm.predict(fit, newdata=nd, **kwargs)
        assert_close(got, pr[key], tol, key, noise_ratio=1.0)
    with pytest.raises(RError) as err:
        rglm.predict(fit, newdata=nd)
    assert str(err.value) == pr["newdata_new_levels_error"]
    pd.testing.assert_frame_equal(nd, before)


@MODELS
def test_getme(case, fit, assert_close):
    import rglm

    me = case["getME"]
    # u = Lambda^-1 b moves with theta as well as with the modes
    tol_u = max(_tol(case, "condval", True), _tol(case, "theta"))
    assert_close(rglm.getME(fit, "u"), me["u"], tol_u, "u", noise_ratio=1.0)
    assert_close(rglm.getME(fit, "b"), me["b"], tol_u, "b", noise_ratio=1.0)
    Lam = rglm.getME(fit, "Lambda").tocoo()
    assert list(Lam.shape) == me["Lambda"]["dim"]
    got = sorted(zip(Lam.col + 1, Lam.row + 1, Lam.data))
    want = sorted(zip(me["Lambda"]["j"], me["Lambda"]["i"], me["Lambda"]["x"]))
    want = [w for w in want if w[2] != 0]
    assert [g[:2] for g in got] == [w[:2] for w in want]
    assert_close([g[2] for g in got], [w[2] for w in want], _tol(case, "theta"), "Lambda",
                 atol=_tol(case, "theta") * 1e-3)
    Z = rglm.getME(fit, "Z")
    assert list(Z.shape) == me["Z"]["dim"]
    if "nnz" in me["Z"]:
        assert Z.nnz == me["Z"]["nnz"]
    else:
        coo = Z.tocoo()
        got = sorted(zip(coo.row + 1, coo.col + 1, coo.data))
        want = sorted(zip(me["Z"]["i"], me["Z"]["j"], me["Z"]["x"]))
        assert [g[:2] for g in got] == [w[:2] for w in want]
        assert_close([g[2] for g in got], [w[2] for w in want], 1e-14, "Z")
    assert list(rglm.getME(fit, "X").shape) == me["X_dim"]
    assert list(rglm.getME(fit, "Gp")) == me["Gp"]
    assert [(g, list(n)) for g, n in rglm.getME(fit, "cnms")] == \
        [(c["grpvar"], c["names"]) for c in me["cnms"]]
    fl = rglm.getME(fit, "flist")
    assert [(g, list(f.categories)) for g, f in fl.items()] == \
        [(f["grpvar"], f["levels"]) for f in me["flist"]]


@MODELS
def test_confint_wald(case, fit, assert_close):
    import rglm

    ci = rglm.confint(fit, method="Wald")
    ref = case["confint_wald"]
    assert list(ci.index) == ref["rownames"] and list(ci.columns) == ref["colnames"]
    tol = max(_tol(case, "beta"), _tol(case, "se"))
    assert_close(ci.to_numpy(), ref["values"], tol, "confint")
