"""ranef() after a weighted meglm fit (rglm/models/meglm/posterior.py): the posterior
of the pseudo-likelihood, against brute-force integrals computed here.

The definition (Stata's ``predict, reffects`` after ``meglm ... [pw=w1] || s: ||
c:, pweight(wc)``): observation weights multiply log f; each inner group's
conditional likelihood enters the outer posterior raised to its weight,
p(v | y) ~ phi(v) prod_c L_c(v)^{w_c}; E[u_c | y] = int p(v | y) E[u_c | v, y] dv with
E[u_c | v, y] the group's own posterior given v; the top level's weights change
nothing. The integrals are on a fine trapezoid grid ([-10, 10], 801 points: smooth
integrands with Gaussian tails, exact to rounding), compared at 1e-8 with the fit's
rule at 20 points. No R reference: lme4 has no level weights. Data simulated with a
fixed seed (inputs, not expected values).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import integrate, optimize, special

import rglm
from rglm.engines.mixed.agq_vector import PWeights


def _data(seed=11, S=6, C=3, m=4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = S * C * m
    s = np.repeat(np.arange(S), C * m)
    c = np.repeat(np.arange(S * C), m)
    x = rng.normal(size=n)
    eta = 0.3 + 0.4 * x + 0.6 * rng.normal(size=S)[s] + 0.5 * rng.normal(size=S * C)[c]
    wc = rng.uniform(0.5, 3.0, size=S * C)[c]
    return pd.DataFrame({"y": rng.poisson(np.exp(eta)).astype(float), "x": x,
                         "s": pd.Categorical([f"s{i}" for i in s]),
                         "c": pd.Categorical([f"c{i % C}" for i in c]),
                         "w": rng.uniform(0.5, 2.0, size=n), "wc": wc,
                         "ws": rng.uniform(1.0, 4.0, size=S)[s]})


_FITS: dict = {}


def _fit(**kw):
    key = repr(sorted(kw.items()))
    if key not in _FITS:
        fit = rglm.meglm("y ~ x + (1 | s/c)", _data(), family="poisson", weights="w",
                         **kw)
        # the rule at 20 points, so that it matches the fine grid to 1e-8
        _FITS[key] = dataclasses.replace(fit, lik=dataclasses.replace(fit.lik,
                                                                      intpoints=20))
    return _FITS[key]


def _inner_positions(re) -> np.ndarray:
    """Rows of ranef's inner frame in the grid's class numbering k = 3 s + c."""
    index = list(re["c:s"].index)
    return np.array([index.index(f"c{k % 3}:s{k // 3}") for k in range(len(index))])


def _brute_force(fit):
    """(E v, Var v, E u, Var u) on the b scale by the fine grid."""
    d = _data()
    beta, psis, _, _ = fit.lik.parts(fit.x)
    s_out, s_in = np.exp(psis[0][0]), np.exp(psis[1][0])
    if fit.lik.levels[0].group != "s":     # the outer level's psi first
        s_out, s_in = s_in, s_out
    sidx = d["s"].cat.codes.to_numpy()
    cidx = sidx * 3 + d["c"].cat.codes.to_numpy()
    eta0 = beta[0] + beta[1] * d["x"].to_numpy()
    y, w = d["y"].to_numpy(), d["w"].to_numpy()
    grid = np.linspace(-10, 10, 801)
    eta = eta0[:, None, None] + s_out * grid[None, :, None] + s_in * grid[None, None, :]
    rows = w[:, None, None] * (y[:, None, None] * eta - np.exp(eta)
                               - special.gammaln(y + 1.0)[:, None, None])
    per_c = np.zeros((cidx.max() + 1,) + rows.shape[1:])
    np.add.at(per_c, cidx, rows)
    per_c -= 0.5 * grid[None, None, :] ** 2
    top = per_c.max(axis=2, keepdims=True)
    e = np.exp(per_c - top)
    L = integrate.trapezoid(e, grid, axis=2)                         # (C, v)
    N1 = integrate.trapezoid(e * grid, grid, axis=2) / L
    N2 = integrate.trapezoid(e * grid ** 2, grid, axis=2) / L
    wc = d.groupby(cidx)["wc"].first().to_numpy()
    c_s = np.arange(cidx.max() + 1) // 3
    outer = np.zeros((sidx.max() + 1, grid.size))
    np.add.at(outer, c_s, wc[:, None] * (np.log(L) + top[..., 0]))
    outer -= 0.5 * grid ** 2
    P = np.exp(outer - outer.max(axis=1, keepdims=True))
    P /= integrate.trapezoid(P, grid, axis=1)[:, None]
    ev = integrate.trapezoid(P * grid, grid, axis=1)
    vv = integrate.trapezoid(P * grid ** 2, grid, axis=1) - ev ** 2
    eu = integrate.trapezoid(P[c_s] * N1, grid, axis=1)
    vu = integrate.trapezoid(P[c_s] * N2, grid, axis=1) - eu ** 2
    return s_out * ev, s_out ** 2 * vv, s_in * eu, s_in ** 2 * vu


def test_weighted_ebmeans_equal_the_fine_grid():
    fit = _fit(level_weights={"c": "wc"})
    re = rglm.ranef(fit)
    ev, vv, eu, vu = _brute_force(fit)
    np.testing.assert_allclose(re["s"].iloc[:, 0].to_numpy(), ev, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(re.cond_var_of("s")[0][1][:, 0, 0], vv, rtol=1e-8)
    pos = _inner_positions(re)
    np.testing.assert_allclose(re["c:s"].iloc[pos, 0].to_numpy(), eu, rtol=1e-8,
                               atol=1e-12)
    np.testing.assert_allclose(re.cond_var_of("c:s")[0][1][pos, 0, 0], vu, rtol=1e-8)


def test_inner_weights_change_the_posterior():
    """The check can fail: the inner weights move the means (by far more than 1e-8)."""
    fit = _fit(level_weights={"c": "wc"})
    plain = dataclasses.replace(fit, lik=dataclasses.replace(
        fit.lik, pweights=PWeights(obs=fit.lik.pweights.obs)))   # no level weights
    a = rglm.ranef(fit)["s"].iloc[:, 0].to_numpy()
    b = rglm.ranef(plain)["s"].iloc[:, 0].to_numpy()
    assert np.max(np.abs(a - b)) > 1e-3


def test_top_level_weights_do_not_enter_the_posterior():
    fit = _fit(level_weights={"c": "wc", "s": "ws"})
    ref = _fit(level_weights={"c": "wc"})
    at = dataclasses.replace(ref, x=fit.x)     # the same parameters, no top weights
    for kind in ("ebmeans", "ebmodes"):
        a, b = rglm.ranef(fit, type=kind), rglm.ranef(at, type=kind)
        for g in ("s", "c:s"):
            np.testing.assert_allclose(a[g].to_numpy(), b[g].to_numpy(), rtol=1e-12,
                                       atol=1e-14)
            np.testing.assert_allclose(a.cond_var_of(g)[0][1], b.cond_var_of(g)[0][1],
                                       rtol=1e-12)


def test_weighted_ebmodes_are_the_joint_mode():
    """The modes maximise the weighted joint objective sum_s [-v_s^2 / 2 + sum_c w_c
    (-u_c^2 / 2 + sum_i w_i log f_i)] (found here by BFGS from zero)."""
    fit = _fit(level_weights={"c": "wc"})
    re = rglm.ranef(fit, type="ebmodes")
    d = _data()
    beta, psis, _, _ = fit.lik.parts(fit.x)
    s_out, s_in = np.exp(psis[0][0]), np.exp(psis[1][0])
    if fit.lik.levels[0].group != "s":
        s_out, s_in = s_in, s_out
    sidx = d["s"].cat.codes.to_numpy()
    cidx = sidx * 3 + d["c"].cat.codes.to_numpy()
    eta0 = beta[0] + beta[1] * d["x"].to_numpy()
    y, w = d["y"].to_numpy(), d["w"].to_numpy()
    wc_row = d["wc"].to_numpy()
    wc = d.groupby(cidx)["wc"].first().to_numpy()
    S = sidx.max() + 1

    def negj(z):
        v, u = z[:S], z[S:]
        eta = eta0 + s_out * v[sidx] + s_in * u[cidx]
        mu = np.exp(eta)
        val = np.sum(wc_row * w * (y * eta - mu)) - 0.5 * v @ v - 0.5 * np.sum(wc * u * u)
        r = wc_row * w * (y - mu)
        gv = s_out * np.bincount(sidx, r, S) - v
        gu = s_in * np.bincount(cidx, r) - wc * u
        return -val, -np.r_[gv, gu]

    opt = optimize.minimize(negj, np.zeros(S + len(wc)), jac=True, method="BFGS",
                            options={"gtol": 1e-11})
    np.testing.assert_allclose(re["s"].iloc[:, 0].to_numpy(), s_out * opt.x[:S],
                               rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(re["c:s"].iloc[_inner_positions(re), 0].to_numpy(),
                               s_in * opt.x[S:],
                               rtol=1e-6, atol=1e-8)
