"""meglm's ordinal and nbinomial responses in the quadrature engine
(rglm/engines/mixed/agq_ordinal.py, agq_negbin.py, agq_response.cond_lik and
agq_vector.marginal_loglik's ``aux``).

* Densities against scipy.stats (logistic / normal / left-Gumbel CDFs, nbinom) and
  derivatives against central differences.
* Random-intercept ordinal models against ``ordinal::clmm`` (nAGQ = 10, adaptive at the
  mode: Stata's mcaghermite) at clmm's estimates -- tests/reference/make_ordinal.R ->
  ordinal.json -- to 1e-8 relative in the log likelihood.
* All families and methods against brute force computed here apart from the engine:
  each group's integral by scipy's adaptive ``quad`` (one effect) or a fine trapezoidal
  grid (two effects; exponentially accurate for these smooth, rapidly decaying
  integrands, checked against a coarser grid), 1e-8 relative once intpoints is large
  enough, and converging as intpoints grows.
"""

from __future__ import annotations

import dataclasses
import json
import pathlib

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, special, stats

import rglm
from rglm.engines.mixed import mixed_problem
from rglm.engines.mixed.agq_negbin import NegBinLik
from rglm.engines.mixed.agq_ordinal import OrdinalLik
from rglm.engines.mixed.agq_response import MeglmFamily, cond_lik, meglm_problem
from rglm.engines.mixed.agq_vector import marginal_loglik
from rglm.engines.mixed.fixed_only import fit_ordinal
from rglm.errors import RError
from rglm.formula import model_frame
from rglm.formula.bars import findbars, mk_reterms

REF = json.loads((pathlib.Path(__file__).parents[1] / "reference" / "ordinal.json")
                 .read_text())
TOL = 1e-8
#: gumbel_l: 1 - exp(-exp(x)), polr's cloglog
DIST = {"logit": stats.logistic, "probit": stats.norm, "cloglog": stats.gumbel_l}


def scipy_ordinal(link, y, eta, cut):
    """log(F(a) - F(b)) from scipy's logcdf/logsf: log S(b) + log(1 - S(a)/S(b)) where
    the interval lies above the median, log F(a) + log(1 - F(b)/F(a)) below it."""
    ext = np.concatenate([[-np.inf], cut, [np.inf]])
    a, b = ext[y + 1] - eta, ext[y] - eta
    dist = DIST[link]
    with np.errstate(invalid="ignore", divide="ignore"):
        upper = np.where(np.isinf(a), True, np.where(np.isinf(b), False, a + b > 0))
        hi = dist.logsf(b) + np.log1p(-np.exp(dist.logsf(a) - dist.logsf(b)))
        lo = dist.logcdf(a) + np.log1p(-np.exp(dist.logcdf(b) - dist.logcdf(a)))
    return np.where(upper, hi, lo)


def scipy_negbin(dispersion, y, eta, lndisp):
    mu, d = np.exp(eta), np.exp(lndisp)
    if dispersion == "mean":
        return stats.nbinom.logpmf(y, 1.0 / d, 1.0 / (1.0 + d * mu))
    return stats.nbinom.logpmf(y, mu / d, 1.0 / (1.0 + d))


# ---- densities and derivatives -------------------------------------------------------

@pytest.mark.parametrize("link", ["logit", "probit", "cloglog"])
def test_ordinal_density_and_derivatives(link):
    rng = np.random.default_rng(1)
    cut = np.array([-1.3, -0.2, 0.9, 2.4])
    y = np.tile(np.arange(5), 8)
    w = rng.uniform(0.5, 2.0, y.size)
    eta = rng.normal(scale=2.0, size=(3, y.size))        # a batch axis, as the engine's
    lik = OrdinalLik(y, w, link, cut)
    np.testing.assert_allclose(lik.logf(eta), w * scipy_ordinal(link, y, eta, cut),
                               rtol=1e-12)
    # probabilities over the categories sum to 1
    e = rng.normal(size=6)
    total = sum(np.exp(OrdinalLik(np.full(6, k), np.ones(6), link, cut).logf(e))
                for k in range(5))
    np.testing.assert_allclose(total, 1.0, rtol=1e-14)
    h = 1e-5
    score, weight = lik.score_weight(eta)
    fd1 = (lik.logf(eta + h) - lik.logf(eta - h)) / (2 * h)
    # the curvature by differences of the (checked) score: less rounding than second
    # differences of log f
    fd2 = (lik.score_weight(eta + h)[0] - lik.score_weight(eta - h)[0]) / (2 * h)
    np.testing.assert_allclose(score, fd1, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(weight, -fd2, rtol=1e-7, atol=1e-9)
    assert np.all(weight >= 0)
    e1 = eta[0]
    fdk = [(OrdinalLik(y, w, link, cut + dk).logf(e1).sum()
            - OrdinalLik(y, w, link, cut - dk).logf(e1).sum()) / (2 * h)
           for dk in np.eye(4) * h]
    np.testing.assert_allclose(lik.cut_score(e1), fdk, rtol=1e-7)


def test_ordinal_upper_tail_keeps_precision():
    # P(y = top) = 1 - F(kappa - eta) for eta far below: near 1e-20, not 0 or rounding.
    lik = OrdinalLik(np.array([2, 2]), np.ones(2), "logit", np.array([0.0, 45.0]))
    np.testing.assert_allclose(lik.logf(np.array([0.0, -1.0])), [-45.0, -46.0],
                               rtol=1e-13)


@pytest.mark.parametrize("dispersion", ["mean", "constant"])
def test_negbin_density_and_derivatives(dispersion):
    rng = np.random.default_rng(2)
    y = rng.poisson(3.0, 40).astype(float)
    y[:3] = [0, 25, 60]
    w = rng.uniform(0.5, 2.0, y.size)
    eta = rng.normal(1.0, 0.8, size=(2, y.size))
    ld = -0.4
    lik = NegBinLik(y, w, dispersion, ld)
    assert lik.constant == pytest.approx(-np.sum(w * special.gammaln(y + 1)), rel=1e-14)
    np.testing.assert_allclose(lik.logf(eta) - w * special.gammaln(y + 1),
                               w * scipy_negbin(dispersion, y, eta, ld), rtol=1e-11)
    h = 1e-5
    score, weight = lik.score_weight(eta)
    fd1 = (lik.logf(eta + h) - lik.logf(eta - h)) / (2 * h)
    fd2 = (lik.score_weight(eta + h)[0] - lik.score_weight(eta - h)[0]) / (2 * h)
    np.testing.assert_allclose(score, fd1, rtol=1e-7, atol=1e-8)
    # the observed curvature (NB1's clipped at 0 where the density is convex in eta)
    np.testing.assert_allclose(weight, np.maximum(-fd2, 0), rtol=1e-7, atol=1e-8)
    e1 = eta[0]
    fdd = (NegBinLik(y, w, dispersion, ld + h).logf(e1).sum()
           - NegBinLik(y, w, dispersion, ld - h).logf(e1).sum()) / (2 * h)
    assert lik.lndisp_score(e1) == pytest.approx(fdd, rel=1e-7)


# ---- problems ------------------------------------------------------------------------

def problem_of(data: pd.DataFrame, xcols, bars: str, family: MeglmFamily):
    frame = model_frame(f"y ~ {' + '.join(xcols)} + g", data)
    rt = mk_reterms(findbars(f"y ~ {bars}"), frame)
    return meglm_problem(data[list(xcols)].to_numpy(float), data["y"], rt, family)


def test_meglm_problem_codes_the_response():
    d = clmm_data()
    fam = MeglmFamily("ordinal", "logit")
    numeric = problem_of(d, ["x"], "(1 | g)", fam)
    # Stata's categories are the observed values in order: gaps and shifts don't matter
    shifted = problem_of(d.assign(y=10 * d["y"] + 3), ["x"], "(1 | g)", fam)
    labels = np.array(["lo", "mid", "high", "top"])
    factor = problem_of(d.assign(y=pd.Categorical(labels[d["y"].astype(int)],
                                                  categories=list(labels) + ["unused"],
                                                  ordered=True)), ["x"], "(1 | g)", fam)
    for prob in (shifted, factor):
        np.testing.assert_array_equal(prob.y, numeric.y)
    np.testing.assert_array_equal(numeric.y, d["y"])
    assert numeric.family is fam
    with pytest.raises(RError, match="at least 2 categories"):
        problem_of(d.assign(y=1.0), ["x"], "(1 | g)", fam)
    with pytest.raises(RError, match="NA/NaN/Inf in 'y'"):
        problem_of(d.assign(y=d["y"].where(d["x"] > -2)), ["x"], "(1 | g)", fam)
    with pytest.raises(RError, match="negative values not allowed"):
        problem_of(d.assign(y=d["y"] - 1), ["x"], "(1 | g)",
                   MeglmFamily("nbinomial", "log", "mean"))


def clmm_data() -> pd.DataFrame:
    g = REF["grp"]
    return pd.DataFrame({"x": g["x"], "y": np.array(g["y"], float) - 1,
                         "g": pd.Categorical([f"g{i:02d}" for i in g["g"]])})


@pytest.mark.parametrize("rec", REF["clmm"], ids=lambda r: r["id"])
def test_random_intercept_ordinal_equals_clmm(rec):
    prob = problem_of(clmm_data(), ["x"], "(1 | g)", MeglmFamily("ordinal", rec["link"]))
    lik = marginal_loglik(prob, [rec["sd"]], rec["beta"], intmethod="mcaghermite",
                          intpoints=rec["nAGQ"], aux=rec["alpha"])
    assert lik.loglik == pytest.approx(rec["logLik"], rel=TOL)
    # Stata's default (mean-variance adaptive) converges to the same integral
    mv = marginal_loglik(prob, [rec["sd"]], rec["beta"], intpoints=30, aux=rec["alpha"])
    assert mv.loglik == pytest.approx(rec["logLik"], rel=1e-9)


def test_zero_variance_equals_fit_without_random_effects():
    d = clmm_data()
    fit = fit_ordinal(d[["x"]].to_numpy(), d["y"].to_numpy(), "cloglog")
    prob = problem_of(d, ["x"], "(1 | g)", MeglmFamily("ordinal", "cloglog"))
    lik = marginal_loglik(prob, [0.0], fit.beta, intpoints=5, aux=fit.aux)
    assert lik.loglik == pytest.approx(fit.loglik, rel=1e-12)


def simulate(seed: int, family: MeglmFamily, ngroups: int = 12, per: int = 8, q: int = 1):
    rng = np.random.default_rng(seed)
    n = ngroups * per
    g = np.repeat(np.arange(ngroups), per)
    x = rng.normal(size=n)
    u = rng.normal(size=(ngroups, 2)) * [0.8, 0.5]
    eta = 0.6 * x + u[g, 0] + (x * u[g, 1] if q == 2 else 0)
    if family.family == "ordinal":
        lat = eta + {"logit": rng.logistic, "probit": rng.normal,
                     "cloglog": lambda size: np.log(rng.exponential(size=size))}[
                         family.link](size=n)
        y = np.searchsorted([-1.0, 0.2, 1.3], lat).astype(float)
    else:
        mu = np.exp(0.5 + eta)
        if family.dispersion == "mean":
            y = rng.negative_binomial(1 / 0.6, 1 / (1 + 0.6 * mu))
        else:
            y = rng.negative_binomial(mu / 0.6, 1 / 1.6)
    return pd.DataFrame({"x": x, "one": np.ones(n), "y": y.astype(float),
                         "g": pd.Categorical([f"g{i:02d}" for i in g])})


def brute_1d(logdens, d: pd.DataFrame, sd: float) -> float:
    """sum_g log int prod_i f(y_i | eta_i + sd u) phi(u) du by adaptive quadrature,
    centred at each group's mode (found on a grid) so that quad sees the peak."""
    total = 0.0
    grid = np.linspace(-8, 8, 1601)
    for _, grp in d.groupby("g", observed=True):
        def log_integrand(u, grp=grp):
            u = np.atleast_1d(u)
            return (logdens(grp, sd * u[:, None]).sum(1) + stats.norm.logpdf(u))
        lg = log_integrand(grid)
        top, peak = grid[np.argmax(lg)], lg.max()
        val = integrate.quad(lambda u: np.exp(log_integrand(u)[0] - peak), top - 12,
                             top + 12, points=[top], epsabs=0, epsrel=1e-13,
                             limit=400)[0]
        total += np.log(val) + peak
    return total


CASES = [
    (MeglmFamily("ordinal", "logit"), [0.55], [-1.0, 0.25, 1.2]),
    (MeglmFamily("ordinal", "cloglog"), [0.55], [-1.0, 0.25, 1.2]),
    (MeglmFamily("nbinomial", "log", "mean"), [0.5, 0.55], [np.log(0.6)]),
    (MeglmFamily("nbinomial", "log", "constant"), [0.5, 0.55], [np.log(0.6)]),
]


@pytest.mark.parametrize("family,beta,aux", CASES, ids=lambda c: getattr(
    c, "family", None) and f"{c.family}-{c.link}-{c.dispersion}")
def test_random_intercept_against_brute_force(family, beta, aux):
    d = simulate(7, family)
    sd = 0.85
    if family.family == "ordinal":
        xcols = ["x"]

        def logdens(grp, re):
            return scipy_ordinal(family.link, grp["y"].to_numpy(int),
                                 beta[0] * grp["x"].to_numpy() + re, np.array(aux))
    else:
        xcols = ["one", "x"]

        def logdens(grp, re):
            return scipy_negbin(family.dispersion, grp["y"].to_numpy(),
                                beta[0] + beta[1] * grp["x"].to_numpy() + re, aux[0])
    expected = brute_1d(logdens, d, sd)
    prob = problem_of(d, xcols, "(1 | g)", family)
    errors = {}
    for method in ("mvaghermite", "mcaghermite", "ghermite"):
        for K in (3, 40):
            lik = marginal_loglik(prob, [sd], beta, intmethod=method, intpoints=K, aux=aux)
            errors[method, K] = abs(lik.loglik - expected)
    for method in ("mvaghermite", "mcaghermite"):
        assert errors[method, 40] <= TOL * abs(expected)
        assert errors[method, 3] > errors[method, 40]
    # not adaptive: converging far more slowly (NB1 here: 7e-3 away at 40 points)
    assert errors["ghermite", 40] < errors["ghermite", 3]


def test_vector_random_effects_ordinal_against_grid():
    fam = MeglmFamily("ordinal", "probit")
    d = simulate(3, fam, ngroups=5, per=10, q=2)
    T = np.array([[0.8, 0.0], [0.3, 0.5]])
    beta, cut = [0.6], np.array([-1.0, 0.2, 1.3])

    def grid_value(npts: int) -> float:
        grid = np.linspace(-9, 9, npts)
        U = np.stack(np.meshgrid(grid, grid, indexing="ij"), -1).reshape(-1, 2)
        total = 0.0
        for _, grp in d.groupby("g", observed=True):
            x = grp["x"].to_numpy()
            b = U @ T.T
            eta = beta[0] * x + b[:, :1] + b[:, 1:] * x
            lg = (scipy_ordinal("probit", grp["y"].to_numpy(int), eta, cut).sum(1)
                  - 0.5 * np.sum(U * U, 1) - np.log(2 * np.pi))
            peak = lg.max()
            total += peak + np.log(np.exp(lg - peak).sum() * (grid[1] - grid[0]) ** 2)
        return total

    expected = grid_value(361)
    assert grid_value(241) == pytest.approx(expected, rel=1e-12)   # the grid is fine
    prob = problem_of(d, ["x"], "(1 + x | g)", fam)
    theta = np.array([T[0, 0], T[1, 0], T[1, 1]])   # lme4's: column by column
    lik = marginal_loglik(prob, theta, beta, intpoints=12, aux=cut)
    assert lik.loglik == pytest.approx(expected, rel=TOL)


# ---- bad input -----------------------------------------------------------------------

def test_bad_input():
    d = clmm_data()
    ordinal = problem_of(d, ["x"], "(1 | g)", MeglmFamily("ordinal", "logit"))
    with pytest.raises(RError, match="needs its cutpoints"):
        marginal_loglik(ordinal, [1.0], [0.5])
    with pytest.raises(RError, match="cutpoints must be increasing"):
        marginal_loglik(ordinal, [1.0], [0.5], aux=[0.0, 1.0, 0.5])
    with pytest.raises(RError, match="category codes 0, ..., 2"):
        marginal_loglik(ordinal, [1.0], [0.5], aux=[0.0, 1.0])   # 4 categories in y
    poisson = dataclasses.replace(ordinal, family=rglm.poisson())
    with pytest.raises(RError, match="'aux' is for the ordinal and nbinomial"):
        cond_lik(poisson, np.arange(ordinal.n), aux=[1.0])
    nb = problem_of(simulate(1, MeglmFamily("nbinomial", "log", "mean")), ["one", "x"],
                    "(1 | g)", MeglmFamily("nbinomial", "log", "mean"))
    with pytest.raises(RError, match="needs its lnalpha"):
        marginal_loglik(nb, [1.0], [0.5, 0.5])
    with pytest.raises(RError, match="lnalpha must be one number"):
        marginal_loglik(nb, [1.0], [0.5, 0.5], aux=[0.1, 0.2])
    with pytest.raises(RError, match="the ordinal family takes the links"):
        MeglmFamily("ordinal", "cauchit")
    with pytest.raises(RError, match="the nbinomial family takes the log link"):
        MeglmFamily("nbinomial", "log", "quadratic")
    with pytest.raises(RError, match="unknown meglm family"):
        MeglmFamily("zip", "log")


def test_nested_ordinal_against_grid():
    # (1 | g/c): 5 outer groups, 3 classes each; the inner integral of each class at
    # every outer grid point, then the outer one, both by the trapezoidal rule.
    fam = MeglmFamily("ordinal", "logit")
    rng = np.random.default_rng(5)
    G, C, m = 5, 3, 6
    g = np.repeat(np.arange(G), C * m)
    c = np.tile(np.repeat(np.arange(C), m), G)
    x = rng.normal(size=G * C * m)
    lat = 0.6 * x + 0.9 * rng.normal(size=G)[g] + 0.6 * rng.normal(size=G * C)[g * C + c]
    y = np.searchsorted([-1.0, 0.2, 1.3], lat + rng.logistic(size=x.size))
    d = pd.DataFrame({"x": x, "y": y.astype(float), "g": pd.Categorical(g),
                      "c": pd.Categorical(c)})
    s_out, s_in, beta, cut = 0.9, 0.6, 0.6, np.array([-1.0, 0.2, 1.3])

    def grid_value(npts: int) -> float:
        grid = np.linspace(-9, 9, npts)
        h = grid[1] - grid[0]
        logphi = stats.norm.logpdf(grid)
        total = 0.0
        for j in range(G):
            log_outer = logphi.copy()
            for k in range(C):
                rows = (g == j) & (c == k)
                eta = (beta * x[rows] + s_out * grid[:, None, None]
                       + s_in * grid[None, :, None])                 # (v, w, rows)
                lg = scipy_ordinal("logit", y[rows], eta, cut).sum(-1) + logphi[None, :]
                peak = lg.max(1, keepdims=True)
                log_outer += peak[:, 0] + np.log(np.exp(lg - peak).sum(1) * h)
            peak = log_outer.max()
            total += peak + np.log(np.exp(log_outer - peak).sum() * h)
        return total

    expected = grid_value(241)
    assert grid_value(181) == pytest.approx(expected, rel=1e-12)   # the grid is fine
    frame = model_frame("y ~ x + g + c", d)
    rt = mk_reterms(findbars("y ~ (1 | g/c)"), frame)
    base = mixed_problem(d[["x"]].to_numpy(), d["y"].to_numpy(), rt)
    prob = dataclasses.replace(base, family=fam)
    sds = {"c:g": s_in, "g": s_out}
    theta = [sds[t.group] for t in rt.terms]
    lik = marginal_loglik(prob, theta, [beta], intpoints=15, aux=cut)
    assert lik.loglik == pytest.approx(expected, rel=TOL)
    coarse = marginal_loglik(prob, theta, [beta], intpoints=2, aux=cut)
    assert abs(coarse.loglik - expected) > abs(lik.loglik - expected)


@pytest.mark.parametrize("rec", REF["clmm"], ids=lambda r: r["id"])
def test_maximised_likelihood_equals_clmm_fit(rec):
    """Maximising the engine's integrated likelihood (scipy here: the front end's
    optimiser is not under test) reaches clmm's optimum: its log likelihood to 1e-8,
    the estimates to 1e-4 (clmm's gradient tolerance 1e-8 and ours bound them only
    to that: the likelihood is flat to second order at the optimum)."""
    from scipy import optimize

    d = clmm_data()
    prob = problem_of(d, ["x"], "(1 | g)", MeglmFamily("ordinal", rec["link"]))
    start = fit_ordinal(d[["x"]].to_numpy(), d["y"].to_numpy(), rec["link"])

    def unpack(z):  # (beta, cut_1, log increments, log sd)
        return z[:1], np.cumsum(np.append(z[1], np.exp(z[2:4]))), np.exp(z[4])

    def negll(z):
        beta, cut, sd = unpack(z)
        return -marginal_loglik(prob, [sd], beta, intmethod="mcaghermite",
                                intpoints=rec["nAGQ"], aux=cut).loglik

    z0 = np.concatenate([start.beta, start.aux[:1], np.log(np.diff(start.aux)), [0.0]])
    opt = optimize.minimize(negll, z0, method="BFGS", options={"gtol": 1e-7})
    beta, cut, sd = unpack(opt.x)
    assert -opt.fun == pytest.approx(rec["logLik"], rel=TOL)
    np.testing.assert_allclose(np.concatenate([beta, cut, [sd]]),
                               rec["beta"] + rec["alpha"] + [rec["sd"]], atol=1e-4)
