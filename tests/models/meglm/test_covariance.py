"""Covariance structures per level: what lme4's bars imply, and Stata's four.

References: lme4's (pn || herd) fit (mixed_engine.json, cbpp_slope_indep) for the
independent structure; the others have no lme4 counterpart (lme4 1.1 has no
exchangeable/identity), so they are checked by their definitions and by nesting
(identity within exchangeable within unstructured; identity within independent):
a smaller model's maximum never exceeds a larger one's (to the optimisers' 1e-6).
"""

from __future__ import annotations

import numpy as np
import pytest

from rglm.models.meglm.covariance import level_cov

CBPP = "cbind(incidence, size - incidence) ~ pn + "


@pytest.fixture(scope="module")
def slope_case(engine_case):
    return engine_case("cbpp_slope")


def _fit(meglm_of, case, re: str, **kw):
    return meglm_of(case, formula=CBPP + re, family="binomial", intmethod="laplace", **kw)


def test_separate_terms_are_independent_as_lme4s_double_bar(slope_case, engine_case,
                                                           meglm_of, assert_close):
    """(1 | herd) + (0 + pn | herd) and (pn || herd): Stata's default for random
    coefficients (independent); equal to lme4's (pn || herd) fit to the optimisers'
    tolerance (see test_fits)."""
    ref = engine_case("cbpp_slope_indep")
    a = _fit(meglm_of, slope_case, "(1 | herd) + (0 + pn | herd)")
    b = _fit(meglm_of, slope_case, "(pn || herd)")
    c = _fit(meglm_of, slope_case, "(pn | herd)", covariance="independent")
    assert [lv.kind for lv in a.lik.levels] == ["independent"]
    assert list(a.varcomp["term"]) == ["var(pn)", "var(_cons)"]
    for fit in (a, b, c):
        assert_close(-2.0 * fit.loglik, ref["objective"], 1e-5, "-2 log L")
    assert_close(b.loglik, a.loglik, 1e-8, "same model, same maximum")


def test_unstructured_is_lme4s_single_bar(slope_case, meglm_of):
    a = _fit(meglm_of, slope_case, "(pn | herd)")
    b = _fit(meglm_of, slope_case, "(1 | herd) + (0 + pn | herd)", covariance="unstructured")
    assert [lv.kind for lv in a.lik.levels] == ["unstructured"]
    assert list(a.varcomp["term"]) == ["var(pn)", "var(_cons)", "cov(pn,_cons)"]
    assert abs(a.loglik - b.loglik) <= 1e-6 * abs(a.loglik)


def test_identity_and_exchangeable_share_the_variance(slope_case, meglm_of):
    ident = _fit(meglm_of, slope_case, "(pn | herd)", covariance="identity")
    exch = _fit(meglm_of, slope_case, "(pn | herd)", covariance={"herd": "exchangeable"})
    indep = _fit(meglm_of, slope_case, "(pn | herd)", covariance="independent")
    unstr = _fit(meglm_of, slope_case, "(pn | herd)")
    assert list(ident.varcomp["term"]) == ["var(pn _cons)"]
    assert list(exch.varcomp["term"]) == ["var(pn _cons)", "cov(pn _cons)"]
    for fit in (ident, exch):
        S = fit.lik.levels[0].sigma(fit.lik.parts(fit.x).psis[0])
        assert S[0, 0] == pytest.approx(S[1, 1], rel=1e-12)
    assert ident.lik.npar == ident.p + 1 and exch.lik.npar == exch.p + 2
    tol = 1e-6 * abs(unstr.loglik)
    assert ident.loglik <= exch.loglik + tol <= unstr.loglik + 2 * tol
    assert ident.loglik <= indep.loglik + tol


def test_structures_map_parameters_to_sigma():
    """Sigma of each structure from its parameters, and L L' = Sigma."""
    names = ("(Intercept)", "x", "z")
    psi_sd = np.log([0.5, 2.0, 3.0])
    ind = level_cov("g", names, [1, 1, 1], None)
    assert ind.kind == "independent"
    np.testing.assert_allclose(ind.sigma(psi_sd), np.diag([0.25, 4.0, 9.0]), rtol=1e-14)
    ide = level_cov("g", names, [3], "identity")
    np.testing.assert_allclose(ide.sigma(psi_sd[1:2]), 4.0 * np.eye(3), rtol=1e-14)
    exc = level_cov("g", names, [3], "exchangeable")
    S = exc.sigma(np.array([np.log(2.0), 0.3]))
    lo = -0.5  # -1 / (q - 1)
    rho = lo + (1 - lo) / (1 + np.exp(-0.3))
    np.testing.assert_allclose(S, 4.0 * ((1 - rho) * np.eye(3) + rho), rtol=1e-14)
    np.testing.assert_allclose(exc.sigma(exc.start()), np.eye(3), atol=1e-15)
    blk = level_cov("g", names, [2, 1], None)
    L = blk.chol(np.array([0.1, -0.4, 0.2, 0.3]))
    assert L[2, 0] == 0.0 and L[2, 1] == 0.0  # lme4's blocks stay uncoupled
    S = blk.sigma(np.array([0.1, -0.4, 0.2, 0.3]))
    np.testing.assert_allclose(S, L @ L.T, rtol=1e-14)
    assert blk.labels() == ("var(x)", "var(z)", "var(_cons)", "cov(x,_cons)")
