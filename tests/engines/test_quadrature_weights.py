"""Sampling weights in the quadrature engine (agq_response.PWeighted, agq_vector.PWeights,
agq_nested's inner-group weights).

Expected values are the engine's own on other data, built here: integer weights must
integrate exactly as replicated rows or groups do (Stata's pweights are then frequency
weights of the pseudo log likelihood), weights all 1 as no weights. The replicated
data run the same computations on more rows, so the values agree to rounding: 1e-8
relative (the house tolerance; nothing is iterated to a tolerance that the weights
could move, since replicated groups take the same modes and moments).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import rglm
from rglm.engines.mixed.agq_response import cond_lik, row_constants
from rglm.engines.mixed.agq_vector import PWeights, marginal_loglik
from rglm.errors import RError

from .test_quadrature import problem_of, simulate

TOL = 1e-8
METHODS = [("mvaghermite", 7), ("mcaghermite", 5), ("ghermite", 9), ("laplace", 1)]


def _single(seed=11, family="bernoulli"):
    T = np.array([[0.9, 0.0], [0.3, 0.5]])
    return simulate(seed, 12, 6, family, T, [0.2, 0.6])


def _nested(seed=5):
    return simulate(seed, 6, 4, "poisson", np.array([[0.6]]), [0.3, 0.4], nclass=3)


_FAM = {"bernoulli": rglm.binomial(), "poisson": rglm.poisson(),
        "gaussian": rglm.gaussian()}


def _ll(formula, data, family, theta, beta, method, K, sigma=None, **pw):
    pr = problem_of(formula, data, _FAM[family])
    weights = None if not pw else PWeights(**pw)
    return marginal_loglik(pr, theta, beta, intmethod=method, intpoints=K, sigma=sigma,
                           pweights=weights)


def _close(a, b):
    assert abs(a - b) <= TOL * max(1.0, abs(b)), (a, b)


@pytest.mark.parametrize("family", ["bernoulli", "poisson", "gaussian"])
def test_row_constants_sum_to_the_constant(family):
    d = _single(3, family)
    pr = problem_of("y ~ x + (1 | g)", d, _FAM[family])
    cl = cond_lik(pr, np.arange(pr.n), sigma=1.3 if family == "gaussian" else None)
    _close(float(np.sum(row_constants(cl))), cl.constant)


def test_binomial_counts_row_constants():
    rng = np.random.default_rng(2)
    n = 30
    d = pd.DataFrame({"s": rng.integers(0, 6, n).astype(float), "x": rng.normal(size=n),
                      "g": pd.Categorical(np.repeat(np.arange(6), 5))})
    d["f"] = 5.0 - d["s"]
    pr = problem_of("cbind(s, f) ~ x + (1 | g)", d, rglm.binomial())
    cl = cond_lik(pr, np.arange(pr.n))
    _close(float(np.sum(row_constants(cl))), cl.constant)


@pytest.mark.parametrize("method,K", METHODS)
def test_unit_weights_are_no_weights(method, K):
    d = _single()
    f = "y ~ x + (x | g)"
    theta, beta = np.array([0.8, 0.2, 0.4]), np.array([0.1, 0.5])
    ref = _ll(f, d, "bernoulli", theta, beta, method, K)
    got = _ll(f, d, "bernoulli", theta, beta, method, K, obs=np.ones(len(d)),
              levels={"g": np.ones(len(d))})
    _close(got.loglik, ref.loglik)
    np.testing.assert_allclose(got.group_contrib, ref.group_contrib, rtol=TOL, atol=TOL)


@pytest.mark.parametrize("family", ["bernoulli", "poisson", "gaussian"])
@pytest.mark.parametrize("method,K", METHODS[:2])
def test_integer_observation_weights_are_replicated_rows(family, method, K):
    d = _single(7, family)
    w = np.random.default_rng(1).integers(1, 4, len(d)).astype(float)
    rep = d.loc[np.repeat(np.arange(len(d)), w.astype(int))].reset_index(drop=True)
    f = "y ~ x + (x | g)"
    theta, beta = np.array([0.7, -0.1, 0.3]), np.array([0.2, 0.4])
    sigma = 1.1 if family == "gaussian" else None
    got = _ll(f, d, family, theta, beta, method, K, sigma, obs=w)
    ref = _ll(f, rep, family, theta, beta, method, K, sigma)
    _close(got.loglik, ref.loglik)
    np.testing.assert_allclose(got.group_contrib, ref.group_contrib, rtol=TOL, atol=TOL)


def _replicate_groups(d, col, wg, newcol):
    """Copies of each group of ``col`` (``wg[level]`` of them), each copy a new group."""
    parts = []
    for k in range(int(max(wg.values()))):
        keep = d[col].astype(str).map(lambda s: wg[s] > k).to_numpy()
        part = d.loc[keep].copy()
        part[newcol] = part[newcol].astype(str) + f"_{k}"
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out[newcol] = pd.Categorical(out[newcol])
    return out


@pytest.mark.parametrize("method,K", METHODS)
def test_integer_top_level_weights_are_replicated_groups(method, K):
    d = _single()
    levels = d["g"].astype(str)
    wg = {g: float(1 + i % 3) for i, g in enumerate(sorted(levels.unique()))}
    w = levels.map(wg).to_numpy()
    rep = _replicate_groups(d, "g", wg, "g")
    f = "y ~ x + (x | g)"
    theta, beta = np.array([0.8, 0.2, 0.4]), np.array([0.1, 0.5])
    got = _ll(f, d, "bernoulli", theta, beta, method, K, levels={"g": w})
    ref = _ll(f, rep, "bernoulli", theta, beta, method, K)
    _close(got.loglik, ref.loglik)


@pytest.mark.parametrize("method,K", METHODS)
def test_integer_inner_weights_are_replicated_inner_groups(method, K):
    d = _nested()
    key = d["g"].astype(str) + "/" + d["c"].astype(str)
    wc = {k: float(1 + i % 3) for i, k in enumerate(sorted(key.unique()))}
    d2 = d.assign(key=key)
    rep = _replicate_groups(d2, "key", wc, "c")
    f = "y ~ x + (1 | g/c)"
    theta, beta = np.array([0.7, 0.5]), np.array([0.3, 0.4])
    got = _ll(f, d, "poisson", theta, beta, method, K,
              levels={"c:g": key.map(wc).to_numpy()})
    ref = _ll(f, rep, "poisson", theta, beta, method, K)
    _close(got.loglik, ref.loglik)
    np.testing.assert_allclose(got.group_contrib, ref.group_contrib, rtol=TOL, atol=TOL)


@pytest.mark.parametrize("method,K", METHODS[:2])
def test_nested_weights_at_every_level_are_replicated_data(method, K):
    d = _nested(8)
    rng = np.random.default_rng(4)
    wobs = rng.integers(1, 3, len(d)).astype(float)
    wtop = {g: float(1 + i % 2) for i, g in enumerate(sorted(d["g"].astype(str).unique()))}
    key = d["g"].astype(str) + "/" + d["c"].astype(str)
    wc = {k: float(1 + i % 2) for i, k in enumerate(sorted(key.unique()))}
    rep = d.assign(key=key).loc[np.repeat(np.arange(len(d)), wobs.astype(int))]
    rep = _replicate_groups(rep.reset_index(drop=True), "key", wc, "c")
    rep = _replicate_groups(rep, "g", wtop, "g")
    f = "y ~ x + (1 | g/c)"
    theta, beta = np.array([0.6, 0.4]), np.array([0.2, 0.3])
    got = _ll(f, d, "poisson", theta, beta, method, K, obs=wobs,
              levels={"g": d["g"].astype(str).map(wtop).to_numpy(),
                      "c:g": key.map(wc).to_numpy()})
    ref = _ll(f, rep, "poisson", theta, beta, method, K)
    _close(got.loglik, ref.loglik)


def test_group_contributions_sum_to_the_loglik():
    d = _nested()
    w = np.linspace(0.5, 2.0, len(d))
    got = _ll("y ~ x + (1 | g/c)", d, "poisson", np.array([0.7, 0.5]),
              np.array([0.3, 0.4]), "mvaghermite", 7, obs=w,
              levels={"g": d["g"].cat.codes.to_numpy() + 1.0})
    _close(float(np.sum(got.group_contrib)), got.loglik)


def test_bad_weights():
    d = _single()
    f = "y ~ x + (1 | g)"
    with pytest.raises(RError, match="non-negative"):
        PWeights(obs=-np.ones(len(d)))
    with pytest.raises(RError, match="non-negative"):
        PWeights(levels={"g": np.full(len(d), np.nan)})
    with pytest.raises(RError, match="one value per observation"):
        _ll(f, d, "bernoulli", np.array([1.0]), np.zeros(2), "mvaghermite", 7,
            obs=np.ones(3))
    with pytest.raises(RError, match="not a grouping factor"):
        _ll(f, d, "bernoulli", np.array([1.0]), np.zeros(2), "mvaghermite", 7,
            levels={"h": np.ones(len(d))})
