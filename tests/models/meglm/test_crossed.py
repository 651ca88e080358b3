"""meglm's ordinal, nbinomial and gamma families with crossed random effects: Stata's
Laplace approximation (observed curvature at the joint conditional mode),
rglm/engines/mixed/laplace_general.py wired through MeglmLik.

* Ordinal against ``ordinal::clmm(y ~ x + (1 | a) + (1 | b), nAGQ = 1)``, whose Laplace
  uses the observed curvature too (tests/reference/make_meglm_crossed.R ->
  meglm_crossed.json): log L at clmm's estimates to 1e-8 relative (both values at
  converged modes: clmm run with gradTol 1e-10), clmm's conditional modes and variances
  at its estimates (1e-6: clmm's inner Newton stops at max|gradient| < 1e-10 on u, and
  its condVar comes from the factor at its last iterate); the fitted log L to 1e-8
  (both optimisers' own optimum of the same function; ours may only be higher) and
  the estimates to 1e-4 (the optimisers' gradient tolerances on a flat optimum).
* nbinomial (mean, constant) and gamma: the Laplace formula written out densely here
  with numpy and scipy (dense Z, scipy.stats densities, curvature by 5-point
  differences, the mode by scipy's trust-region Newton), at fixed parameters and at
  the fit's optimum, 1e-8; the fit converges, is a maximum, and prints.
"""

from __future__ import annotations

import dataclasses
import json
import pathlib

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

import rglm
from rglm.models.meglm.ranef import ranef_meglm

REF = json.loads((pathlib.Path(__file__).parents[2] / "reference" / "meglm_crossed.json")
                 .read_text())
TOL = 1e-8
_FITS: dict = {}


def clmm_data() -> pd.DataFrame:
    d = REF["data"]
    return pd.DataFrame({"x": d["x"], "y": d["y"],
                         "a": pd.Categorical([f"a{i:02d}" for i in d["a"]]),
                         "b": pd.Categorical([f"b{i:02d}" for i in d["b"]])})


def ordinal_fit(link):
    key = ("ordinal", link)
    if key not in _FITS:
        _FITS[key] = rglm.meglm("y ~ x + (1 | a) + (1 | b)", clmm_data(),
                                family="ordinal", link=link)
    return _FITS[key]


def x_of(fit, beta, log_sds: dict, aux) -> np.ndarray:
    """Stata's x = (beta, log sd per level in the fit's level order, aux)."""
    return np.concatenate([beta, [log_sds[lv.group] for lv in fit.lik.levels], aux])


@pytest.mark.parametrize("rec", REF["clmm"], ids=lambda r: r["link"])
def test_ordinal_loglik_at_clmm_estimates(rec):
    fit = ordinal_fit(rec["link"])
    x = x_of(fit, rec["beta"], {"a": np.log(rec["sd_a"]), "b": np.log(rec["sd_b"])},
             rec["alpha"])
    assert fit.lik.loglik(x) == pytest.approx(rec["logLik"], rel=TOL)


@pytest.mark.parametrize("rec", REF["clmm"], ids=lambda r: r["link"])
def test_ordinal_fit_equals_clmm(rec):
    fit = ordinal_fit(rec["link"])
    assert fit.converged
    assert fit.lik.crossed and fit.lik.intmethod == "laplace"
    assert fit.loglik == pytest.approx(rec["logLik"], rel=TOL)
    assert fit.loglik >= rec["logLik"] - 1e-9 * abs(rec["logLik"])
    beta, psis, aux, _ = fit.lik.parts(fit.x)
    np.testing.assert_allclose(beta, rec["beta"], rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(aux, rec["alpha"], rtol=1e-4, atol=1e-4)
    sds = {lv.group: float(np.exp(p[0])) for lv, p in zip(fit.lik.levels, psis)}
    assert sds["a"] == pytest.approx(rec["sd_a"], rel=1e-4)
    assert sds["b"] == pytest.approx(rec["sd_b"], rel=1e-4)


def test_ordinal_ranef_equals_clmm_at_its_estimates():
    rec = REF["clmm"][0]
    fit = ordinal_fit(rec["link"])
    x = x_of(fit, rec["beta"], {"a": np.log(rec["sd_a"]), "b": np.log(rec["sd_b"])},
             rec["alpha"])
    at = dataclasses.replace(fit, x=x)
    r = ranef_meglm(at)
    for g in ("a", "b"):
        np.testing.assert_allclose(r[g].iloc[:, 0].to_numpy(), rec[f"ranef_{g}"],
                                   rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(r.cond_var_of(g)[0][1][:, 0, 0], rec[f"condvar_{g}"],
                                   rtol=1e-6)


def test_ordinal_crossed_prints():
    text = str(ordinal_fit("logit"))
    assert "Integration method:     laplace" in text
    assert "/cut3" in text and "var(_cons)" in text
    assert "LR test vs. ologit model" in text


# ---- nbinomial and gamma against a dense Laplace -------------------------------------

def simulate(family: str, seed: int = 11, A: int = 9, B: int = 6, n: int = 150):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, A, n)
    b = rng.integers(0, B, n)
    x = rng.normal(size=n)
    eta = 0.4 + 0.6 * x + 0.7 * rng.normal(size=A)[a] + 0.5 * rng.normal(size=B)[b]
    mu = np.exp(eta)
    if family == "nb_mean":
        y = rng.negative_binomial(1 / 0.5, 1 / (1 + 0.5 * mu))
    elif family == "nb_constant":
        y = rng.negative_binomial(mu / 0.8, 1 / 1.8)
    else:
        y = rng.gamma(3.0, mu / 3.0)
    return pd.DataFrame({"x": x, "y": y.astype(float), "a": pd.Categorical(a),
                         "b": pd.Categorical(b)})


FAMILY_ARG = {"nb_mean": ("nbinomial", "mean"), "nb_constant": ("nbinomial", "constant"),
              "gamma": "gamma"}


def scipy_logdens(family: str, y: np.ndarray, aux: float):
    """eta -> log f(y | eta) per row with every constant, from scipy.stats."""
    d = np.exp(aux)
    if family == "nb_mean":
        return lambda eta: stats.nbinom.logpmf(y, 1 / d, 1 / (1 + d * np.exp(eta)))
    if family == "nb_constant":
        return lambda eta: stats.nbinom.logpmf(y, np.exp(eta) / d, 1 / (1 + d))
    return lambda eta: stats.gamma.logpdf(y, 1 / d, scale=np.exp(eta) * d)


def dense_laplace(logdens, eta_fix: np.ndarray, V: np.ndarray) -> float:
    """log L ~ max_u [sum log f(eta_fix + V u) - |u|^2 / 2] - log|H| / 2, H = V' D V + I,
    D minus the second derivative of log f in eta (5-point differences)."""
    h = 2e-3

    def derivs(eta):
        f = [logdens(eta + k * h) for k in (-2, -1, 0, 1, 2)]
        d1 = (f[0] - 8 * f[1] + 8 * f[3] - f[4]) / (12 * h)
        d2 = (-f[0] + 16 * f[1] - 30 * f[2] + 16 * f[3] - f[4]) / (12 * h * h)
        return d1, -d2

    def neg(u):
        return -(np.sum(logdens(eta_fix + V @ u)) - 0.5 * u @ u)

    def grad(u):
        return -(V.T @ derivs(eta_fix + V @ u)[0] - u)

    def hess(u):
        curv = derivs(eta_fix + V @ u)[1]
        return V.T @ (curv[:, None] * V) + np.eye(V.shape[1])

    opt = optimize.minimize(neg, np.zeros(V.shape[1]), jac=grad, hess=hess,
                            method="trust-exact", options={"gtol": 1e-11})
    sign, logdet = np.linalg.slogdet(hess(opt.x))
    assert sign > 0
    return -opt.fun - 0.5 * logdet


def crossed_fit(family: str):
    key = ("aux", family)
    if key not in _FITS:
        _FITS[key] = rglm.meglm("y ~ x + (1 | a) + (1 | b)", simulate(family),
                                family=FAMILY_ARG[family])
    return _FITS[key]


def dense_at(fit, d: pd.DataFrame, family: str, x) -> float:
    beta, psis, aux, _ = fit.lik.parts(x)
    names = list(fit.coefficients.index)
    cols = {"(Intercept)": np.ones(len(d)), "x": d["x"].to_numpy()}
    eta_fix = np.column_stack([cols[c] for c in names]) @ beta
    sds = {lv.group: float(np.exp(p[0])) for lv, p in zip(fit.lik.levels, psis)}
    V = np.concatenate([pd.get_dummies(d[g]).to_numpy(float) * sds[g] for g in ("a", "b")],
                       axis=1)
    return dense_laplace(scipy_logdens(family, d["y"].to_numpy(), aux[0]), eta_fix, V)


@pytest.mark.parametrize("family", list(FAMILY_ARG))
def test_crossed_value_equals_dense_laplace(family):
    fit = crossed_fit(family)
    d = simulate(family)
    assert fit.loglik == pytest.approx(dense_at(fit, d, family, fit.x), rel=TOL)
    if family == "nb_constant":
        # rows of negative observed curvature at the mode (NB1 is not log-concave):
        # taken as they are, as Stata's Hessian does (the engine's Newton steps clip)
        from rglm.engines.mixed.agq_response import cond_lik
        val = fit.lik.deviance.value(fit.lik.theta(fit.lik.parts(fit.x).psis, None),
                                     fit.lik.parts(fit.x).beta, fit.lik.parts(fit.x).aux)
        resp = cond_lik(fit.lik.problem, np.arange(len(d)), aux=fit.lik.parts(fit.x).aux)
        assert np.any(resp.observed_curvature(val.eta) < 0)
    # away from the optimum too: other variances, fixed effects and dispersion
    x = fit.x + np.linspace(-0.3, 0.25, len(fit.x))
    assert fit.lik.loglik(x) == pytest.approx(dense_at(fit, d, family, x), rel=TOL)


@pytest.mark.parametrize("family", list(FAMILY_ARG))
def test_crossed_fit_converges_to_a_maximum_and_prints(family):
    fit = crossed_fit(family)
    assert fit.converged
    for j in range(len(fit.x)):
        for step in (-1e-3, 1e-3):
            x = fit.x.copy()
            x[j] += step
            assert fit.lik.loglik(x) < fit.loglik
    text = str(fit)
    assert "Integration method:     laplace" in text
    assert {"nb_mean": "/lnalpha", "nb_constant": "/lndelta", "gamma": "/logs"}[family] \
        in text
    assert text.count("var(_cons)") == 2
