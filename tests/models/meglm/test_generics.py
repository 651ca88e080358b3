"""R's generics on a meglm fit, Stata's estat icc / estat sd, the LR test, and the
families' plumbing (bernoulli counting nonzero as success, binomial trials, exposure).

The numbers checked here follow from the fit by definition (AIC = -2 log L + 2k, an
ICC = var / (var + pi^2/3), sd = sqrt(var)) or from another rglm fit of the same model
(rglm.glm for the model without random effects, tested against R's glm).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

CBPP = "cbind(incidence, size - incidence) ~ period + (1 | herd)"


@pytest.fixture(scope="module")
def fit(engine_case, meglm_of):
    return meglm_of(engine_case("cbpp_agq25"), family="binomial")


@pytest.fixture(scope="module")
def slope_fit(engine_case, meglm_of):
    return meglm_of(engine_case("cbpp_slope"), family="binomial", intmethod="laplace")


def test_generics(fit):
    import rglm

    assert rglm.fixef(fit).equals(fit.coefficients) and rglm.coef(fit).equals(fit.coefficients)
    assert list(rglm.fixef(fit).index) == ["(Intercept)", "period2", "period3", "period4"]
    assert rglm.vcov(fit).equals(fit.vcov)
    ll = rglm.logLik(fit)
    assert float(ll) == fit.loglik and ll.df == 5 and ll.nobs == 56
    assert float(rglm.AIC(fit)) == pytest.approx(-2 * fit.loglik + 10, rel=1e-14)
    assert float(rglm.BIC(fit)) == pytest.approx(-2 * fit.loglik + 5 * np.log(56), rel=1e-14)
    assert rglm.nobs(fit) == 56
    assert rglm.ngrps(fit).to_dict() == {"herd": 15}
    vc = rglm.VarCorr(fit).as_data_frame()
    assert list(vc["grp"]) == ["herd"] and list(vc["var1"]) == ["(Intercept)"]
    assert vc["vcov"].iloc[0] == pytest.approx(fit.varcomp["estimate"].iloc[0], rel=1e-14)


def test_varcorr_is_lme4s_at_the_same_optimum(slope_fit, data_of, engine_case):
    """VarCorr(meglm) is lme4's object: the same Laplace model by glmer gives the same
    table (the two optimisers' tolerance: 1e-4), printed as lme4 prints it."""
    import rglm

    g = rglm.glmer(slope_fit.formula, data_of(engine_case("cbpp_slope")),
                   family=rglm.binomial())
    ours, lme4 = rglm.VarCorr(slope_fit), rglm.VarCorr(g)
    a, b = ours.as_data_frame(), lme4.as_data_frame()
    assert list(a["grp"]) == list(b["grp"]) and list(a["var1"]) == list(b["var1"])
    np.testing.assert_allclose(a["sdcor"], b["sdcor"], rtol=1e-4, atol=1e-4)
    assert str(ours).split("\n")[0] == str(lme4).split("\n")[0]


def test_lr_test_against_rglm_glm(fit, data_of, engine_case, assert_close):
    """e(ll_c): the log likelihood of the model without random effects (rglm.glm,
    tested against R); one variance component: chibar2(01), p halved."""
    import rglm

    g = rglm.glm("cbind(incidence, size - incidence) ~ period",
                 data_of(engine_case("cbpp_agq25")), family=rglm.binomial())
    assert_close(fit.ll_c, float(rglm.logLik(g)), 1e-12, "ll_c")
    kind, chi2, df, p = fit.lr_test
    assert (kind, df) == ("chibar2", 1)
    assert chi2 == pytest.approx(2 * (fit.loglik - fit.ll_c), rel=1e-14)
    assert p == pytest.approx(0.5 * stats.chi2.sf(chi2, 1), rel=1e-14)


def test_estat_icc(fit):
    """Logit: var / (var + pi^2 / 3), its interval on the logit scale."""
    import rglm

    icc = rglm.estat_icc(fit)
    v = fit.varcomp["estimate"].iloc[0]
    row = icc.iloc[0]
    assert row["level"] == "herd"
    assert row["icc"] == pytest.approx(v / (v + np.pi ** 2 / 3), rel=1e-14)
    lg = np.log(row["icc"] / (1 - row["icc"]))
    half = stats.norm.ppf(0.975) * row["std_err"] / (row["icc"] * (1 - row["icc"]))
    assert row["conf_low"] == pytest.approx(1 / (1 + np.exp(-(lg - half))), rel=1e-12)
    assert row["conf_low"] < row["icc"] < row["conf_high"]


def test_estat_icc_needs_random_intercepts(slope_fit):
    import rglm
    from rglm.errors import RError

    with pytest.raises(RError, match="random-intercept models only"):
        rglm.estat_icc(slope_fit)


def test_estat_sd(slope_fit):
    """sd = sqrt(var), corr = cov / (sd sd), their SEs by the delta method."""
    import rglm

    sd = rglm.estat_sd(slope_fit)
    vc = slope_fit.varcomp
    assert list(sd["term"]) == ["sd(pn)", "sd(_cons)", "corr(pn,_cons)"]
    v1, v2, c = vc["estimate"]
    np.testing.assert_allclose(sd["estimate"], [np.sqrt(v1), np.sqrt(v2),
                                                c / np.sqrt(v1 * v2)], rtol=1e-12)
    # delta method for a square root: se(sd) = se(var) / (2 sd)
    np.testing.assert_allclose(sd["std_err"].iloc[:2],
                               vc["std_err"].iloc[:2] / (2 * sd["estimate"].iloc[:2]),
                               rtol=1e-5)


def test_bernoulli_counts_nonzero_as_success_and_equals_binomial(dataset, assert_close):
    """Stata's bernoulli: any nonzero response is a success; 0/1 data as a binomial
    with one trial each, as glmer fits them."""
    import rglm

    d = dataset("cbpp")
    d = d.assign(any3=3 * (d["incidence"] > 0), any1=(d["incidence"] > 0).astype(int))
    a = rglm.meglm("any3 ~ period + (1 | herd)", d, family="bernoulli", intmethod="laplace")
    b = rglm.meglm("any1 ~ period + (1 | herd)", d, family="bernoulli", intmethod="laplace")
    assert a.loglik == b.loglik
    g = rglm.glmer("any1 ~ period + (1 | herd)", d, family=rglm.binomial())
    assert_close(a.loglik, float(rglm.logLik(g)), 1e-5, "log L (glmer's tolerance)")


def test_binomial_trials_and_exposure(dataset):
    """family=("binomial", "size") is the cbind() response; exposure="size" is
    offset=log(size)."""
    import rglm

    d = dataset("cbpp")
    a = rglm.meglm(CBPP, d, family="binomial", intmethod="laplace")
    b = rglm.meglm("incidence ~ period + (1 | herd)", d, family=("binomial", "size"),
                   intmethod="laplace")
    assert b.loglik == pytest.approx(a.loglik, rel=1e-10)
    np.testing.assert_allclose(b.coefficients, a.coefficients, rtol=1e-8)
    e = rglm.meglm("incidence ~ period + (1 | herd)", d, family="poisson", exposure="size",
                   intmethod="laplace")
    o = rglm.meglm("incidence ~ period + (1 | herd)", d, family="poisson",
                   offset="log(size)", intmethod="laplace")
    assert e.loglik == pytest.approx(o.loglik, rel=1e-12)


def test_estat_sd_exchangeable(engine_case, meglm_of):
    """One shared variance and covariance: corr = cov / var."""
    import rglm

    fit = meglm_of(engine_case("cbpp_slope"), family="binomial", intmethod="laplace",
                   covariance="exchangeable")
    sd = rglm.estat_sd(fit)
    v, c = fit.varcomp["estimate"]
    assert list(sd["term"]) == ["sd(pn _cons)", "corr(pn _cons)"]
    np.testing.assert_allclose(sd["estimate"], [np.sqrt(v), c / v], rtol=1e-12)
