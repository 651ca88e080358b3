"""meglm's robust and cluster standard errors and sampling weights (models/meglm/
robust.py, sampling.py; the engine's weights are tests/engines/test_quadrature_weights.py).

R has no meglm. Observation weights are checked against lme4, whose prior weights give
the same pseudo log likelihood for 0/1 and count responses (make_meglm_weights.R ->
meglm_weights.json). The other expected values are computed here, apart from the
engine:

* the sandwich is rebuilt from per-cluster log likelihoods integrated on a fine grid
  (trapezoidal rule over the spherical effect u on [-12, 12], 6001 points:
  exponentially accurate for these smooth, rapidly decaying integrands) or, for a
  gaussian response, in closed form (each group's multivariate normal); scores by
  central differences, the Hessian by second differences, then H^-1 M H^-1 G/(G-1).
  Both sides difference numerically (steps 1e-5 for the scores, 1e-4 for the Hessian),
  so they agree to their truncation and rounding error, about 1e-7 relative: the
  tolerance is 1e-6 (the fit integrates with 20 points, whose own error is far below);
* pweights all 1 give the unweighted likelihood (1e-8 at the same parameters) and the
  same optimum (to the optimiser's tolerance, 1e-5);
* integer weights give the likelihood of replicated rows or groups (1e-8 at the same
  parameters), and the same optimum as the replicated data's fit (1e-5: two optimiser
  runs from different starts).

The data are simulated here with fixed seeds (inputs, not expected values).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.special import expit, logsumexp

import rglm
from rglm.errors import RError

TOL = 1e-8
OPT_TOL = 1e-5
SANDWICH_TOL = 1e-6


def _logit_data(seed=1, G=14, m=7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    g = np.repeat(np.arange(G), m)
    x = rng.normal(size=G * m)
    y = rng.binomial(1, expit(-0.3 + 0.8 * x + 1.1 * rng.normal(size=G)[g]))
    return pd.DataFrame({"y": y.astype(float), "x": x,
                         "g": pd.Categorical([f"g{i:02d}" for i in g]),
                         "cl": (np.arange(G) // 3)[g]})


def _gauss_data(seed=3, G=12, m=5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    g = np.repeat(np.arange(G), m)
    x = rng.normal(size=G * m)
    y = 1.0 + 0.5 * x + 0.9 * rng.normal(size=G)[g] + rng.standard_t(4, size=G * m)
    return pd.DataFrame({"y": y, "x": x, "g": pd.Categorical([f"g{i:02d}" for i in g])})


def _nested_data(seed=8, S=8, C=3, m=4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = S * C * m
    s = np.repeat(np.arange(S), C * m)
    c = np.tile(np.repeat(np.arange(C), m), S)
    x = rng.normal(size=n)
    eta = (0.3 + 0.4 * x + 0.6 * rng.normal(size=S)[s]
           + 0.5 * rng.normal(size=S * C)[s * C + c])
    return pd.DataFrame({"y": rng.poisson(np.exp(eta)).astype(float), "x": x,
                         "s": pd.Categorical([f"s{i}" for i in s]),
                         "c": pd.Categorical([f"c{i}" for i in c])})


_FITS: dict = {}


def _fit(key, formula, data, **kw):
    if key not in _FITS:
        _FITS[key] = rglm.meglm(formula, data, **kw)
    return _FITS[key]


def _robust_logit():
    return _fit("logit-robust", "y ~ x + (1 | g)", _logit_data(), family="bernoulli",
                intpoints=20, vce="robust")


# ---- the sandwich, rebuilt apart from the engine --------------------------------------

_U = np.linspace(-12.0, 12.0, 6001)
_LOGW = np.log(np.gradient(_U)) + stats.norm.logpdf(_U)


def grid_group_loglik(d: pd.DataFrame, x: np.ndarray) -> np.ndarray:
    """log L_s of a random-intercept logistic model, x = (b0, b1, log sd)."""
    eta = (x[0] + x[1] * d["x"].to_numpy())[:, None] + np.exp(x[2]) * _U[None, :]
    y = d["y"].to_numpy()[:, None]
    logf = y * eta - np.logaddexp(0.0, eta)
    codes = d["g"].cat.codes.to_numpy()
    sums = np.zeros((codes.max() + 1, _U.size))
    np.add.at(sums, codes, logf)
    return logsumexp(sums + _LOGW, axis=1)


def mvn_group_loglik(d: pd.DataFrame, x: np.ndarray) -> np.ndarray:
    """log L_s of a gaussian random-intercept model in closed form, x = (b0, b1,
    log sd(_cons), log sd(e))."""
    tau2, s2 = np.exp(2 * x[2]), np.exp(2 * x[3])
    out = []
    for _, part in d.groupby("g", observed=True):
        m = len(part)
        cov = s2 * np.eye(m) + tau2 * np.ones((m, m))
        mean = x[0] + x[1] * part["x"].to_numpy()
        out.append(stats.multivariate_normal(mean, cov).logpdf(part["y"].to_numpy()))
    return np.array(out)


def fd_scores(f, x, rel=1e-5) -> np.ndarray:
    h = rel * np.maximum(1.0, np.abs(x))
    return np.column_stack([(f(x + e) - f(x - e)) / (2 * hi)
                            for e, hi in zip(np.diag(h), h)])


def fd_hessian(f, x, rel=1e-4) -> np.ndarray:
    k = len(x)
    h = rel * np.maximum(1.0, np.abs(x))
    E = np.diag(h)
    H = np.empty((k, k))
    for i in range(k):
        for j in range(k):
            H[i, j] = (f(x + E[i] + E[j]) - f(x + E[i] - E[j]) - f(x - E[i] + E[j])
                       + f(x - E[i] - E[j])) / (4 * h[i] * h[j])
    return (H + H.T) / 2


def brute_sandwich(f, x, clusters=None) -> np.ndarray:
    S = fd_scores(f, x)
    if clusters is not None:
        S = pd.DataFrame(S).groupby(clusters).sum().to_numpy()
    G = S.shape[0]
    bread = np.linalg.inv(-fd_hessian(lambda z: float(np.sum(f(z))), x))
    return bread @ (S.T @ S) @ bread * G / (G - 1)


def test_scores_equal_brute_force():
    fit = _robust_logit()
    d = _logit_data()
    ref = fd_scores(lambda z: grid_group_loglik(d, z), fit.x)
    np.testing.assert_allclose(fit.group_scores, ref, rtol=0,
                               atol=SANDWICH_TOL * np.abs(ref).max())
    # the scores of a maximum sum to zero (to the optimiser's tolerance)
    assert np.abs(ref.sum(0)).max() < 1e-3


def test_robust_sandwich_equals_brute_force():
    fit = _robust_logit()
    d = _logit_data()
    ref = brute_sandwich(lambda z: grid_group_loglik(d, z), fit.x)
    np.testing.assert_allclose(fit.vcov_x, ref, rtol=SANDWICH_TOL,
                               atol=SANDWICH_TOL * np.abs(ref).max())
    assert fit.vce == "robust" and fit.robust.n_clusters == 14


def test_cluster_sandwich_equals_brute_force():
    d = _logit_data()
    fit = _fit("logit-cluster", "y ~ x + (1 | g)", d, family="bernoulli", intpoints=20,
               vce=("cluster", "cl"))
    clusters = d.groupby("g", observed=True)["cl"].first().to_numpy()
    ref = brute_sandwich(lambda z: grid_group_loglik(d, z), fit.x, clusters)
    np.testing.assert_allclose(fit.vcov_x, ref, rtol=SANDWICH_TOL,
                               atol=SANDWICH_TOL * np.abs(ref).max())
    assert fit.vce == "cluster" and fit.robust.n_clusters == 5


def test_gaussian_sandwich_equals_closed_form():
    # the residual SD's score needs each group's data constant (the engine's
    # group_constant): the closed form checks it
    d = _gauss_data()
    fit = _fit("gauss-robust", "y ~ x + (1 | g)", d, vce="robust")
    assert abs(fit.loglik - mvn_group_loglik(d, fit.x).sum()) < TOL * abs(fit.loglik)
    ref = brute_sandwich(lambda z: mvn_group_loglik(d, z), fit.x)
    np.testing.assert_allclose(fit.vcov_x, ref, rtol=SANDWICH_TOL,
                               atol=SANDWICH_TOL * np.abs(ref).max())


def test_robust_keeps_the_estimates_and_feeds_the_wald_test():
    d = _logit_data()
    oim = _fit("logit-oim", "y ~ x + (1 | g)", d, family="bernoulli", intpoints=20)
    fit = _robust_logit()
    np.testing.assert_allclose(fit.x, oim.x, rtol=0, atol=OPT_TOL)
    assert not np.allclose(np.diag(fit.vcov_x), np.diag(oim.vcov_x), rtol=1e-3)
    b, V = fit.x[1:2], fit.vcov_x[1:2, 1:2]
    assert fit.wald[0] == pytest.approx(float(b @ np.linalg.solve(V, b)), rel=1e-12)
    np.testing.assert_allclose(fit.vcov.to_numpy(), fit.vcov_x[:2, :2])


# ---- sampling weights -----------------------------------------------------------------

def test_unit_weights_reproduce_the_unweighted_fit():
    d = _logit_data()
    ones = np.ones(len(d))
    fit = _fit("logit-ones", "y ~ x + (1 | g)", d, family="bernoulli", intpoints=20,
               weights=ones, level_weights={"g": ones})
    ref = _fit("logit-oim", "y ~ x + (1 | g)", d, family="bernoulli", intpoints=20)
    for z in (fit.x, ref.x, np.array([0.1, 0.7, -0.2])):
        assert abs(fit.lik.loglik(z) - ref.lik.loglik(z)) <= TOL * abs(ref.lik.loglik(z))
    np.testing.assert_allclose(fit.x, ref.x, rtol=0, atol=OPT_TOL)
    assert abs(fit.loglik - ref.loglik) <= TOL * abs(ref.loglik)
    # pweights imply vce(robust): the same sandwich as the unweighted robust fit's
    assert fit.vce == "robust" and fit.weighted
    np.testing.assert_allclose(fit.vcov_x, _robust_logit().vcov_x, rtol=1e-4)


def _replicated_groups(d, col, w_of):
    parts = []
    for k in range(int(max(w_of.values()))):
        keep = d[col].astype(str).map(lambda s: w_of[s] > k).to_numpy()
        part = d.loc[keep].copy()
        part[col] = part[col].astype(str) + f"_{k}"
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out[col] = pd.Categorical(out[col])
    return out


def test_integer_top_level_weights_are_replicated_clusters():
    d = _logit_data()
    w_of = {g: float(1 + i % 3) for i, g in enumerate(sorted(d["g"].astype(str).unique()))}
    fit = _fit("logit-topw", "y ~ x + (1 | g)", d, family="bernoulli",
               level_weights={"g": d["g"].astype(str).map(w_of).to_numpy()})
    rep = _replicated_groups(d, "g", w_of)
    ref = rglm.meglm("y ~ x + (1 | g)", rep, family="bernoulli")
    for z in (fit.x, ref.x):
        assert abs(fit.lik.loglik(z) - ref.lik.loglik(z)) <= TOL * abs(ref.lik.loglik(z))
    np.testing.assert_allclose(fit.x, ref.x, rtol=0, atol=OPT_TOL)
    assert abs(fit.loglik - ref.loglik) <= TOL * abs(ref.loglik)


def test_integer_observation_weights_are_replicated_rows():
    d = _logit_data()
    w = np.random.default_rng(2).integers(1, 4, len(d)).astype(float)
    d = d.assign(w=w)
    fit = _fit("logit-obsw", "y ~ x + (1 | g)", d, family="bernoulli", weights="w")
    rep = d.loc[np.repeat(np.arange(len(d)), w.astype(int))].reset_index(drop=True)
    ref = rglm.meglm("y ~ x + (1 | g)", rep, family="bernoulli")
    for z in (fit.x, ref.x, np.array([0.2, 0.5, 0.1])):
        assert abs(fit.lik.loglik(z) - ref.lik.loglik(z)) <= TOL * abs(ref.lik.loglik(z))
    np.testing.assert_allclose(fit.x, ref.x, rtol=0, atol=OPT_TOL)


def test_inner_level_weights_are_replicated_inner_groups():
    d = _nested_data()
    key = d["s"].astype(str) + "/" + d["c"].astype(str)
    w_of = {k: float(1 + i % 3) for i, k in enumerate(sorted(key.unique()))}
    d = d.assign(wc=key.map(w_of).to_numpy(), key=key)
    fit = _fit("nested-innerw", "y ~ x + (1 | s/c)", d, family="poisson",
               level_weights={"c": "wc"})
    rep = _replicated_groups(d, "key", w_of)
    rep["c"] = rep["key"]
    ref = rglm.meglm("y ~ x + (1 | s/c)", rep, family="poisson")
    for z in (fit.x, ref.x):
        assert abs(fit.lik.loglik(z) - ref.lik.loglik(z)) <= TOL * abs(ref.lik.loglik(z))
    np.testing.assert_allclose(fit.x, ref.x, rtol=0, atol=OPT_TOL)


@pytest.mark.r_cases("meglm_weights", "models")
def test_observation_weights_equal_lme4s_prior_weights(case):
    """lme4's objective with prior weights is the pseudo log likelihood for 0/1 and
    count responses (make_meglm_weights.R): equal at lme4's points to 1e-8 (nAGQ 9 and
    25, lme4's nAGQ = mcaghermite), and our optimum is lme4's (the values at the two
    optima agree to 1e-8, lme4's estimates being good to its optimiser's tolerance)."""
    from dataclasses import replace

    data = pd.DataFrame({k: case["data"][k] for k in ("y", "x", "w")})
    data["g"] = pd.Categorical(case["data"]["g"])
    fam = "bernoulli" if case["family"] == "binomial" else "poisson"
    fit = rglm.meglm(case["formula"], data, family=fam, weights="w",
                     intmethod="mcaghermite", intpoints=25)
    for obj in case["objectives"]:
        lik = replace(fit.lik, intpoints=obj["nAGQ"])
        for point, value in zip(case["points"], obj["values"]):
            theta, beta = point[0], np.array(point[1:])
            q = lik.evaluate(np.r_[beta, np.log(theta)])
            # R's c(y) = aic - deviance is -2 times the data constant
            assert abs(-2.0 * q.constant - case["cy"]) <= TOL * max(1.0, abs(case["cy"]))
            assert abs(-2.0 * (q.loglik - q.constant) - value) <= TOL * value
    at_lme4 = fit.lik.loglik(np.r_[case["beta"], np.log(case["theta"])])
    assert at_lme4 <= fit.loglik + TOL * abs(fit.loglik)
    assert fit.loglik - at_lme4 <= TOL * abs(fit.loglik)


@pytest.mark.parametrize("family,formula", [("ordinal", "y ~ x + (1 | g)"),
                                            ("nbinomial", "cnt ~ x + (1 | g)")])
def test_observation_weights_with_meglms_own_families(family, formula):
    rng = np.random.default_rng(0)
    G, m = 10, 6
    n = G * m
    g = np.repeat(np.arange(G), m)
    x = rng.normal(size=n)
    eta = 0.7 * x + rng.normal(size=G)[g]
    d = pd.DataFrame({
        "y": np.digitize(eta + rng.logistic(size=n), [-1.0, 0.5, 1.5]).astype(float),
        "cnt": rng.poisson(np.exp(0.3 + 0.5 * x + 0.5 * rng.normal(size=G)[g]
                                  + 0.5 * rng.normal(size=n))).astype(float),
        "x": x, "g": pd.Categorical(g), "w": rng.integers(1, 3, n).astype(float)})
    rep = d.loc[np.repeat(np.arange(n), d["w"].astype(int))].reset_index(drop=True)
    fit = rglm.meglm(formula, d, family=family, weights="w", intpoints=5)
    ref = rglm.meglm(formula, rep, family=family, intpoints=5)
    for z in (fit.x, ref.x):
        assert abs(fit.lik.loglik(z) - ref.lik.loglik(z)) <= TOL * abs(ref.lik.loglik(z))
    np.testing.assert_allclose(fit.x, ref.x, rtol=0, atol=OPT_TOL)


# ---- printing -------------------------------------------------------------------------

def test_robust_printing():
    fit = _robust_logit()
    text = str(fit)
    lines = text.split("\n")
    assert any(line.startswith("Log pseudolikelihood = ") for line in lines)
    i = lines.index("(Std. err. adjusted for 14 clusters in g)".rjust(78))
    assert lines[i - 1] == "" and set(lines[i + 1]) == {"-"}
    assert lines[i + 2].split() == ["|", "Robust"]
    assert "std. err." in lines[i + 3]
    assert "LR test" not in text
    page = fit.table_page()
    assert "LR test" not in str(page)


def test_cluster_printing():
    d = _logit_data()
    fit = _fit("logit-cluster", "y ~ x + (1 | g)", d, family="bernoulli", intpoints=20,
               vce=("cluster", "cl"))
    assert "(Std. err. adjusted for 5 clusters in cl)" in str(fit)


def test_oim_printing_unchanged():
    d = _logit_data()
    text = str(_fit("logit-oim", "y ~ x + (1 | g)", d, family="bernoulli", intpoints=20))
    assert "Log likelihood = " in text and "Robust" not in text and "LR test" in text


# ---- bad input ------------------------------------------------------------------------

@pytest.mark.parametrize("kw,match", [
    ({"weights": "wneg"}, "negative weights"),
    ({"weights": "wna"}, "missing values"),
    ({"level_weights": {"g": "wvary"}}, "weights not constant within groups defined by g"),
    ({"level_weights": {"h": "wone"}}, "not a level of the model"),
    ({"level_weights": "wone"}, "level_weights must be a dict"),
    ({"weights": "wone", "weight_type": "fweight"}, "fweights are not supported"),
    ({"weights": "wone", "weight_type": "aweight"}, "weight_type must be one of"),
    ({"weights": "wone", "intmethod": "laplace"}, r"not allowed with intmethod\(laplace\)"),
    ({"weights": "nosuch"}, "variable nosuch not found"),
    ({"vce": "opg"}, r"vce\(opg\) invalid"),
    ({"vce": "cluster"}, "needs a cluster variable"),
    ({"vce": ("cluster", "x")}, "highest-level groups are not nested within x"),
    ({"vce": ("cluster", "cna")}, "missing values in the cluster variable"),
])
def test_bad_input(kw, match):
    d = _logit_data().assign(wneg=-1.0, wone=1.0, wna=np.nan, cna=np.nan)
    d["wvary"] = np.arange(len(d)) + 1.0
    with pytest.raises(RError, match=match):
        rglm.meglm("y ~ x + (1 | g)", d, family="bernoulli", **kw)


def test_weights_and_robust_refused_for_crossed_factors():
    rng = np.random.default_rng(0)
    n = 60
    d = pd.DataFrame({"y": rng.binomial(1, 0.5, n).astype(float), "x": rng.normal(size=n),
                      "a": pd.Categorical(rng.integers(0, 6, n)),
                      "b": pd.Categorical(rng.integers(0, 5, n)), "w": 1.0})
    with pytest.raises(RError, match="crossed random effects"):
        rglm.meglm("y ~ x + (1 | a) + (1 | b)", d, family="bernoulli", weights="w")
    with pytest.raises(RError, match="crossed random effects"):
        rglm.meglm("y ~ x + (1 | a) + (1 | b)", d, family="bernoulli", vce="robust")


def test_caller_data_unchanged():
    d = _logit_data().assign(w=2.0)
    before = d.copy()
    rglm.meglm("y ~ x + (1 | g)", d, family="bernoulli", weights="w",
               level_weights={"g": "w"}, intpoints=3)
    pd.testing.assert_frame_equal(d, before)
