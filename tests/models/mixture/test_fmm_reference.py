"""``rglm.fmm()`` against R: every reference model through the front end.

The engine's numbers are tested in tests/engines/test_em*.py; here the same models go
through ``fmm()`` -- R formulas (factors, ``I(x^2)``), ``lcprob`` formulas,
``lcinvariant`` strings, Stata's family options, weights by column name and type,
binomial trials by column, offset and exposure -- and the fitted object's views
(coefficient DataFrame, labelled variance, logLik/AIC/BIC/nobs) are compared with R's
(``make_fmm.R``, ``make_fmm_post.R``).

Tolerances, as in tests/engines/test_em.py: both sides stop at a gradient norm below
~1e-7, so log likelihoods agree to ~1e-10 (checked to 1e-6 absolute, the issue's bar)
and estimates to ~1e-7 relative (checked to 1e-5, with an absolute floor for estimates
near 0); R's Hessian is a Richardson Jacobian of its score (~1e-8 relative), hence 1e-5
for standard errors.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import rglm


def _list(value):
    return value if isinstance(value, list) else [value]


def _all_fits(ref):
    return ref["models"]


@pytest.mark.r_cases("fmm", _all_fits)
def test_fit_is_rs(case, fmm_fit, assert_close):
    fit = fmm_fit(case["id"])
    assert abs(fit.loglik - case["loglik"]) < 1e-6
    assert fit.converged
    assert list(fit.record.names) == _list(case["param_names"])
    assert_close(fit.theta.to_numpy(), case["theta"], 1e-5, "theta", atol=1e-7,
                 noise_ratio=0)
    assert fit.rank == case["rank"]
    assert fit.nobs == case["nobs"]


@pytest.mark.r_cases("fmm_post", "models")
def test_offset_and_exposure_fits_are_rs(case, fmm_fit, assert_close):
    fit = fmm_fit(case["id"])
    assert abs(fit.loglik - case["loglik"]) < 1e-6
    assert_close(fit.theta.to_numpy(), case["theta"], 1e-5, "theta", atol=1e-7,
                 noise_ratio=0)
    assert_close(np.sqrt(np.diag(rglm.vcov(fit))), case["se_oim"], 1e-5, "se",
                 noise_ratio=0)


@pytest.mark.r_cases("fmm", _all_fits, where=lambda c: c["se_check"])
def test_vcov_is_labelled_and_rs(case, fmm_fit, assert_close):
    fit = fmm_fit(case["id"])
    v = rglm.vcov(fit)
    assert list(v.index) == list(v.columns) == list(fit.labels)
    expected = case["se_robust"] if case["weight_type"] == "pweight" else case["se_oim"]
    assert_close(np.sqrt(np.diag(v)), expected, 1e-5, "se", noise_ratio=0)


@pytest.mark.r_cases("fmm", _all_fits,
                     where=lambda c: c["se_check"] and c["weight_type"] != "pweight")
def test_other_variances_from_the_same_fit(case, fmm_fit, assert_close):
    """``vcov(fit, vce=...)``: OPG and robust at the same optimum (Stata's weight
    semantics)."""
    fit = fmm_fit(case["id"])
    for vce, key in (("opg", "se_opg"), ("robust", "se_robust")):
        se = np.sqrt(np.diag(rglm.vcov(fit, vce=vce)))
        assert_close(se, case[key], 1e-5, vce, noise_ratio=0)


@pytest.mark.r_cases("fmm", _all_fits, where=lambda c: c["cluster"] and c["se_check"])
def test_cluster_variance_by_column_name(case, fmm_args, assert_close):
    data, kwargs = fmm_args(case)
    fit = rglm.fmm(data=data, vce=("cluster", case["cluster"]), **kwargs)
    assert fit.vce == "cluster"
    assert_close(np.sqrt(np.diag(rglm.vcov(fit))), case["se_cluster"], 1e-5, "cluster",
                 noise_ratio=0)
    assert f"clusters in {case['cluster']})" in str(fit)


@pytest.mark.r_cases("fmm", _all_fits)
def test_coefficient_views(case, fmm_fit):
    """coef(): rows R's term names, columns classes 1..k; lcprob_coefficients: the
    multinomial logit of the non-base classes; ancillary: log scale and natural."""
    fit = fmm_fit(case["id"])
    names = _list(case["param_names"])
    theta = dict(zip(names, _list(case["theta"])))
    coef = rglm.coef(fit)
    assert list(coef.columns) == list(range(1, case["k"] + 1))
    for term in coef.index:
        for k in coef.columns:
            assert coef.loc[term, k] == pytest.approx(theta[f"class:{k}:{term}"], rel=1e-5,
                                                      abs=1e-7)
    lc = fit.lcprob_coefficients
    assert list(lc.columns) == list(range(2, case["k"] + 1))
    for term in lc.index:
        for k in lc.columns:
            assert lc.loc[term, k] == pytest.approx(theta[f"lcprob:{k}:{term}"], rel=1e-5,
                                                    abs=1e-7)
    anc = fit.ancillary
    if anc is None:
        assert not any(n.endswith(("lnvar", "lnalpha", "lndelta", "logs", "ln_p", "lnphi"))
                       for n in names)
    else:
        log_name = anc.index[0]
        for k in anc.columns:
            value = theta[f"class:{k}:{log_name}"]
            assert anc.loc[log_name, k] == pytest.approx(value, rel=1e-5, abs=1e-7)
            assert anc.iloc[1][k] == pytest.approx(np.exp(value), rel=1e-5)


@pytest.mark.r_cases("fmm", _all_fits)
def test_loglik_aic_bic_nobs(case, fmm_fit):
    fit = fmm_fit(case["id"])
    ll = rglm.logLik(fit)
    assert float(ll) == pytest.approx(case["loglik"], abs=1e-6)
    assert ll.df == case["rank"] and ll.nobs == case["nobs"]
    assert rglm.nobs(fit) == case["nobs"]
    assert rglm.AIC(fit) == pytest.approx(-2 * case["loglik"] + 2 * case["rank"], abs=2e-6)
    assert rglm.BIC(fit) == pytest.approx(
        -2 * case["loglik"] + np.log(case["nobs"]) * case["rank"], abs=2e-6)


def test_labels_follow_statas_pattern(fmm_fit):
    fit = fmm_fit("patent_lcprob")
    assert fit.labels[:4] == ("2.Class:(Intercept)", "2.Class:RDS", "3.Class:(Intercept)",
                              "3.Class:RDS")
    assert "Patents:1.Class#lgRD" in fit.labels
    nb = fmm_fit("nmes_nb2")
    assert "visits:2.Class#healthpoor" in nb.labels
    assert "/visits:1.Class#lnalpha" in nb.labels


def test_confint_is_wald_on_the_labelled_parameters(fmm_fit):
    fit = fmm_fit("npreg_gaussian")
    ci = rglm.confint(fit, level=0.9)
    se = np.sqrt(np.diag(rglm.vcov(fit)))
    half = (ci.iloc[:, 1] - ci.iloc[:, 0]).to_numpy() / 2
    assert list(ci.columns) == ["5 %", "95 %"]
    np.testing.assert_allclose(half, stats.norm.ppf(0.95) * se, rtol=1e-12)
    one = rglm.confint(fit, parm="yn:1.Class#x")
    assert list(one.index) == ["yn:1.Class#x"]
