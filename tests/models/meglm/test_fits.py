"""meglm's maxima against lme4's (tests/reference/make_mixed_engine.R ->
mixed_engine.json, section fits).

Tolerances are the optimisers': lme4 maximises its Laplace objective with PIRLS at
tolPwrss = 1e-7, which moves the value by up to ~3e-6 relative (glmm-behaviour.md
1.3.2), and stops Nelder-Mead/bobyqa at its own tolerances; meglm maximises the exact
(fully converged) Laplace value or the quadrature rule with L-BFGS-B. So: the
objectives to 1e-5, the parameters to 1e-3 (observed below 5e-4), and meglm's optimum
is at least as high as lme4's parameters under meglm's own likelihood. For a gaussian
response the integral is exact and flat at the optimum: -2 log L to 1e-8.
"""

from __future__ import annotations

import numpy as np
import pytest

from rglm.engines.mixed.agq_vector import marginal_loglik


def _theta(fit):
    """lme4's theta at meglm's optimum (relative to sigma for a gaussian response)."""
    _, psis, _, sigma = fit.lik.parts(fit.x)
    return fit.lik.theta(psis, sigma)


def _at(fit, theta, beta, sigma=None):
    """meglm's likelihood at lme4's parameters."""
    th = np.asarray(theta) * (1.0 if sigma is None else sigma)
    return marginal_loglik(fit.lik.problem, th, np.asarray(beta), intmethod=fit.intmethod,
                           intpoints=fit.intpoints, sigma=sigma)


@pytest.mark.parametrize("case_id", ["cbpp_laplace", "grouse_laplace", "cbpp_slope"])
def test_laplace_equals_lme4s_fit(case_id, engine_case, meglm_of, assert_close, as_list):
    """intmethod="laplace": a scalar (binomial counts, Poisson) and a 2-vector per group
    ((pn | herd): unstructured, as lme4's bar says)."""
    case = engine_case(case_id)
    family = {"binomial": "binomial", "poisson": "poisson"}[case["family"]]
    fit = meglm_of(case, family=family, intmethod="laplace")
    assert fit.converged
    at_lme4 = _at(fit, as_list(case["theta"]), as_list(case["beta"])).loglik
    assert fit.loglik >= at_lme4 - 1e-10 * abs(at_lme4)
    assert_close(-2.0 * fit.loglik, case["objective"], 1e-5, "-2 log L")
    assert_close(_theta(fit), as_list(case["theta"]), 1e-3, "theta", atol=1e-4)
    assert_close(fit.coefficients.to_numpy(), as_list(case["beta"]), 1e-3, "beta")


def test_laplace_equals_rglm_glmer(engine_case, meglm_of, data_of, assert_close):
    """The same Laplace fit as rglm.glmer's (itself tested against lme4), to glmer's
    optimiser tolerance."""
    import rglm

    case = engine_case("cbpp_slope")
    fit = meglm_of(case, family="binomial", intmethod="laplace")
    g = rglm.glmer(case["formula"], data_of(case), family=rglm.binomial())
    assert_close(fit.loglik, float(rglm.logLik(g)), 1e-5, "log L")
    assert_close(fit.coefficients.to_numpy(), rglm.fixef(g).to_numpy(), 1e-3, "beta")


@pytest.mark.parametrize("case_id", ["cbpp_agq25", "grouse_agq9"])
def test_scalar_mcaghermite_equals_lme4_nagq(case_id, engine_case, meglm_of, assert_close,
                                             as_list):
    """mcaghermite with one scalar random effect is lme4's nAGQ: its objective is
    -2 log L without the data constant c(y) (lme4_objective)."""
    case = engine_case(case_id)
    family = {"binomial": "binomial", "poisson": "poisson"}[case["family"]]
    fit = meglm_of(case, family=family, intmethod="mcaghermite", intpoints=case["nAGQ"])
    at_lme4 = _at(fit, as_list(case["theta"]), as_list(case["beta"]))
    assert fit.loglik >= at_lme4.loglik - 1e-10 * abs(at_lme4.loglik)
    got = -2.0 * (fit.loglik - at_lme4.constant)
    assert_close(got, case["objective"], 1e-5, "lme4's nAGQ objective")
    assert_close(_theta(fit), as_list(case["theta"]), 1e-3, "theta")
    assert_close(fit.coefficients.to_numpy(), as_list(case["beta"]), 1e-3, "beta")


def test_mvaghermite_default_reaches_the_25_point_integral(engine_case, meglm_of,
                                                           assert_close, as_list):
    """Stata's default (mvaghermite, 7 points) maximises nearly the same integral as
    lme4's 25-point rule (the rules differ by ~1e-6 in log L here)."""
    case = engine_case("cbpp_agq25")
    fit = meglm_of(case, family="binomial")
    assert (fit.intmethod, fit.intpoints) == ("mvaghermite", 7)
    at_lme4 = _at(fit, as_list(case["theta"]), as_list(case["beta"]))
    assert_close(-2.0 * (fit.loglik - at_lme4.constant), case["objective"], 1e-5,
                 "objective")
    assert_close(fit.coefficients.to_numpy(), as_list(case["beta"]), 1e-3, "beta")


@pytest.mark.parametrize("case_id", ["sleep_ml", "pastes_ml"])
def test_gaussian_equals_lmer_ml(case_id, engine_case, meglm_of, assert_close, as_list):
    """A 2-vector per group ((Days | Subject)) and nested intercepts ((1 | batch/cask),
    integrated level by level): with a gaussian response the quadrature is exact, so the
    maximum is lmer's ML fit (REML = FALSE). -2 log L to 1e-8 (flat at the optimum),
    the parameters to 1e-4 (the optimisers' tolerances)."""
    case = engine_case(case_id)
    fit = meglm_of(case)
    assert fit.converged
    assert_close(-2.0 * fit.loglik, case["objective"], 1e-8, "ML deviance")
    assert_close(fit.sigma, case["sigma"], 1e-4, "sigma")
    assert_close(_theta(fit), as_list(case["theta"]), 1e-4, "theta", atol=1e-5)
    assert_close(fit.coefficients.to_numpy(), as_list(case["beta"]), 1e-4, "beta")


@pytest.mark.parametrize("case_id", ["cbpp_agq25", "grouse_agq9"])
def test_vcov_is_lme4s_hessian_based_one(case_id, engine_case, meglm_of, assert_close):
    """vce(oim): the fixed-effects block of the inverse of minus the Hessian over all
    parameters (its beta block does not depend on how the variances are parametrised,
    at the optimum); lme4's vcov (use.hessian = TRUE) is the same block from its own
    finite-difference Hessian over (theta, beta). Compared where lme4's objective is the
    converged integral (nAGQ > 1; its Laplace value carries PIRLS's tolerance, which moves
    the curvature by ~1%): 2e-4, both numerical Hessians at optima ~1e-4 apart
    (observed 5e-5)."""
    case = engine_case(case_id)
    family = {"binomial": "binomial", "poisson": "poisson"}[case["family"]]
    fit = meglm_of(case, family=family, intmethod="mcaghermite", intpoints=case["nAGQ"])
    ref = np.array(case["vcov"], dtype=float)
    assert_close(fit.vcov.to_numpy().ravel(), ref.ravel(), 2e-4, "vcov")


def test_gaussian_crossed_is_lmers_ml_fit(engine_case, data_of, assert_close):
    """Crossed factors with a gaussian response (Stata: meglm's Laplace, exact here):
    the maximum of lmer's likelihood (REML = FALSE; rglm.lmer is tested against lme4).
    Log L to 1e-8 (flat at the optimum), variance components and beta to 1e-4 (the
    optimisers' tolerances)."""
    import rglm

    case = engine_case("penicillin_reml")
    data = data_of(case)
    fit = rglm.meglm(case["formula"], data, family="gaussian", intmethod="mvaghermite")
    assert fit.intmethod == "laplace" and fit.lik.crossed
    ml = rglm.lmer(case["formula"], data, REML=False)
    assert_close(fit.loglik, float(rglm.logLik(ml)), 1e-8, "log L")
    ours, theirs = rglm.VarCorr(fit).as_data_frame(), rglm.VarCorr(ml).as_data_frame()
    assert list(ours["grp"]) == list(theirs["grp"])
    assert_close(ours["sdcor"].to_numpy(), theirs["sdcor"].to_numpy(), 1e-4, "sdcor")
    assert_close(fit.coefficients.to_numpy(), rglm.fixef(ml).to_numpy(), 1e-4, "beta")
    # the posterior is normal: means = modes = lmer's conditional modes, with its condVar
    ours = rglm.ranef(fit).as_data_frame()
    theirs = rglm.ranef(ml, condVar=True).as_data_frame()
    assert list(ours["grp"]) == list(theirs["grp"])
    assert_close(ours["condval"].to_numpy(), theirs["condval"].to_numpy(), 1e-4, "modes",
                 atol=1e-6)
    assert_close(ours["condsd"].to_numpy(), theirs["condsd"].to_numpy(), 1e-4, "condsd")


def test_gaussian_exact_likelihood_equals_the_quadrature(engine_case, meglm_of):
    """The crossed path's closed form (lmer's penalised least squares, beta and sigma
    not profiled) and the nested quadrature (exact for a gaussian response) are the same
    function: Pastes' (1 | batch/cask) at the optimum and away from it, to 1e-10."""
    from rglm.models.meglm.likelihood import _gaussian_loglik, crossed_deviance

    fit = meglm_of(engine_case("pastes_ml"))
    lmm = crossed_deviance(fit.lik.problem)
    for shift in (0.0, 0.3, -0.2):
        x = fit.x + shift * np.arange(1, len(fit.x) + 1) / len(fit.x)
        beta, psis, _, sigma = fit.lik.parts(x)
        value = _gaussian_loglik(lmm, fit.lik.theta(psis, sigma), beta, sigma)
        assert value == pytest.approx(fit.lik.loglik(x), rel=1e-10)
