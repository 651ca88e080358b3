"""The general Laplace approximation (rglm/engines/mixed/laplace_general.py).

* On problems the quadrature engine integrates (one level, scalar or vector effects;
  two nested levels) it equals the engine's own Laplace (``marginal_loglik(...,
  intmethod="laplace")``: one node at the joint mode, the same curvature) to 1e-8, for
  the ordinal, nbinomial (mean and constant) and gamma responses.
* For R's binomial (logit) and Poisson (log), whose canonical links make PIRLS's
  Fisher weight the observed curvature, it equals lme4's Laplace deviance
  (``GlmmDeviance.laplace``, PIRLS to convergence) at the same (theta, beta), crossed
  factors included, to 1e-8.
* Warm starts change nothing; bad input says so.

The crossed families against R (clmm) and against a dense Laplace written out with
numpy are in tests/models/meglm/test_crossed.py.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import rglm
from rglm.engines.mixed import mixed_problem
from rglm.engines.mixed.agq_response import MeglmFamily
from rglm.engines.mixed.agq_vector import marginal_loglik
from rglm.engines.mixed.glmm_deviance import GlmmDeviance
from rglm.engines.mixed.laplace_general import GeneralLaplace
from rglm.errors import RError
from rglm.formula import model_frame
from rglm.formula.bars import findbars, mk_reterms

TOL = 1e-8

FAMILIES = {
    "ordinal_logit": (MeglmFamily("ordinal", "logit"), [-0.8, 0.3, 1.4]),
    "ordinal_probit": (MeglmFamily("ordinal", "probit"), [-0.5, 0.2, 0.9]),
    "ordinal_cloglog": (MeglmFamily("ordinal", "cloglog"), [-0.9, 0.1, 0.8]),
    "nb_mean": (MeglmFamily("nbinomial", "log", "mean"), [np.log(0.6)]),
    "nb_constant": (MeglmFamily("nbinomial", "log", "constant"), [np.log(0.3)]),
    "gamma": (MeglmFamily("gamma", "log"), [np.log(0.4)]),
}


def simulate(seed: int, fam: MeglmFamily, g, c=None, x=None):
    """A response of the family from eta = 0.5 x + a_g (+ b_c)."""
    rng = np.random.default_rng(seed)
    n = len(g)
    x = rng.normal(size=n) if x is None else x
    eta = 0.5 * x + 0.8 * rng.normal(size=g.max() + 1)[g]
    if c is not None:
        eta = eta + 0.6 * rng.normal(size=c.max() + 1)[c]
    if fam.family == "ordinal":
        y = np.searchsorted([-0.8, 0.3, 1.4], eta + rng.logistic(size=n))
    elif fam.dispersion == "mean":
        mu = np.exp(0.3 + eta)
        y = rng.negative_binomial(1 / 0.6, 1 / (1 + 0.6 * mu))
    elif fam.family == "nbinomial":
        # NB1 counts whose observed curvature is positive at every row at the modes
        # below (checked by no_negative_curvature)
        y = rng.negative_binomial(np.exp(1.0 + eta) / 0.3, 1 / 1.3)
    else:
        y = rng.gamma(2.5, np.exp(eta) / 2.5)
    return x, y.astype(float)


def problem(fam, bars: str, d: pd.DataFrame, xcols=("x",)):
    frame = model_frame("y ~ " + " + ".join(list(xcols) + ["g", "c"]), d)
    rt = mk_reterms(findbars(f"y ~ {bars}"), frame)
    X = d[list(xcols)].to_numpy(float)
    base = mixed_problem(X, d["y"].to_numpy(), rt, None if isinstance(fam, MeglmFamily)
                         else fam)
    return dataclasses.replace(base, family=fam) if isinstance(fam, MeglmFamily) else base


def data(seed, fam, G=10, C=4, m=5, nested=False):
    n = G * C * m
    g = np.repeat(np.arange(G), C * m)
    c = np.tile(np.repeat(np.arange(C), m), G)
    if nested:
        c = g * C + c
    else:
        c = np.random.default_rng(seed + 100).integers(0, C, n)
    x, y = simulate(seed, fam, g, c)
    return pd.DataFrame({"x": x, "one": 1.0, "y": y, "g": pd.Categorical(g),
                         "c": pd.Categorical(c)})


def beta_for(fam, p=1):
    # ordinal: no intercept (the cutpoints); the others: x and an intercept column
    if fam.family == "ordinal":
        return [0.45]
    return [0.45, 1.0 if fam.dispersion == "constant" else 0.2][:p]


def no_negative_curvature(prob, theta, beta, aux):
    """The premise of comparing NB1 with the engine: its Newton steps and log
    determinant clip NB1's curvature at 0 (agq_negbin), the general Laplace takes the
    observed one as it is (Stata's Hessian); they agree where no row is negative."""
    from rglm.engines.mixed.agq_response import cond_lik

    val = GeneralLaplace(prob).value(theta, beta, aux)
    resp = cond_lik(prob, np.arange(prob.n), aux=aux)
    curv = getattr(resp, "observed_curvature", lambda eta: resp.score_weight(eta)[1])
    return bool(np.all(curv(val.eta) >= 0))


@pytest.mark.parametrize("name", list(FAMILIES))
def test_one_level_equals_engine_laplace(name):
    fam, aux = FAMILIES[name]
    d = data(9, fam)
    xcols = ("x",) if fam.family == "ordinal" else ("x", "one")
    prob = problem(fam, "(1 | g)", d, xcols)
    beta = beta_for(fam, 2)
    lap = GeneralLaplace(prob)
    for theta in ([0.7], [0.2], [1.5]):
        assert no_negative_curvature(prob, theta, beta, aux)
        expected = marginal_loglik(prob, theta, beta, intmethod="laplace", aux=aux).loglik
        assert lap.loglik(theta, beta, aux) == pytest.approx(expected, rel=TOL)


@pytest.mark.parametrize("name", ["ordinal_logit", "nb_mean", "nb_constant", "gamma"])
def test_vector_effects_equal_engine_laplace(name):
    fam, aux = FAMILIES[name]
    d = data(2, fam)
    xcols = ("x",) if fam.family == "ordinal" else ("x", "one")
    prob = problem(fam, "(x | g)", d, xcols)
    beta = beta_for(fam, 2)
    theta = [0.7, 0.2, 0.4]                       # Lambda's lower triangle
    assert no_negative_curvature(prob, theta, beta, aux)
    expected = marginal_loglik(prob, theta, beta, intmethod="laplace", aux=aux).loglik
    assert GeneralLaplace(prob).loglik(theta, beta, aux) == pytest.approx(expected, rel=TOL)


@pytest.mark.parametrize("name", list(FAMILIES))
def test_two_nested_levels_equal_engine_laplace(name):
    # the engine finds the joint mode level by level (the outer profile's mode) and
    # |H| = |Schur| prod |H_uu|: the joint Laplace approximation
    fam, aux = FAMILIES[name]
    d = data(3, fam, nested=True)
    xcols = ("x",) if fam.family == "ordinal" else ("x", "one")
    prob = problem(fam, "(1 | g) + (1 | c)", d, xcols)
    beta = beta_for(fam, 2)
    theta = [0.6, 0.9]
    assert no_negative_curvature(prob, theta, beta, aux)
    expected = marginal_loglik(prob, theta, beta, intmethod="laplace", aux=aux).loglik
    assert GeneralLaplace(prob).loglik(theta, beta, aux) == pytest.approx(expected, rel=TOL)


@pytest.mark.parametrize("family,bars", [("binomial", "(1 | g)"), ("poisson", "(1 | g)"),
                                         ("binomial", "(1 | g) + (1 | c)"),
                                         ("poisson", "(1 | g) + (1 | c)"),
                                         ("poisson", "(x | g) + (1 | c)")])
def test_canonical_links_equal_lme4_laplace(family, bars):
    rng = np.random.default_rng(4)
    G, n = 12, 240
    g = rng.integers(0, G, n)
    c = rng.integers(0, 7, n)
    x = rng.normal(size=n)
    eta = -0.3 + 0.5 * x + 0.7 * rng.normal(size=G)[g] + 0.5 * rng.normal(size=7)[c]
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))) if family == "binomial" \
        else rng.poisson(np.exp(eta))
    d = pd.DataFrame({"x": x, "one": 1.0, "y": y.astype(float), "g": pd.Categorical(g),
                      "c": pd.Categorical(c)})
    prob = problem(getattr(rglm, family)(), bars, d, ("one", "x"))
    dev = GlmmDeviance(prob, tol=1e-10, exact=True)
    dev.initialize(np.asarray(prob.reterms.theta))
    lap = GeneralLaplace(prob)
    beta = [-0.25, 0.55]
    thetas = [np.full(prob.structure.ntheta, 0.6), np.full(prob.structure.ntheta, 1.1)]
    for theta in thetas:
        expected = -0.5 * dev.laplace(theta, beta)
        assert lap.loglik(theta, beta) == pytest.approx(expected, rel=TOL)


def test_warm_start_gives_the_same_value():
    fam, aux = FAMILIES["ordinal_logit"]
    d = data(5, fam)
    prob = problem(fam, "(1 | g) + (1 | c)", d)
    cold = GeneralLaplace(prob).value([0.8, 0.5], [0.4], aux)
    warm = GeneralLaplace(prob)
    warm.value([0.3, 1.6], [-0.2], [-1.0, 0.0, 2.0])       # a different point first
    again = warm.value([0.8, 0.5], [0.4], aux)
    assert again.loglik == pytest.approx(cold.loglik, rel=1e-12)
    np.testing.assert_allclose(again.u, cold.u, atol=1e-9)
    assert again.iterations <= cold.iterations
    assert warm.evaluations == 2


def test_zero_variances_give_the_fit_without_random_effects():
    fam, aux = FAMILIES["gamma"]
    d = data(6, fam)
    prob = problem(fam, "(1 | g) + (1 | c)", d, ("x", "one"))
    from rglm.engines.mixed.agq_response import cond_lik
    resp = cond_lik(prob, np.arange(prob.n), aux=aux)
    beta = np.array([0.4, 0.1])
    expected = float(np.sum(resp.logf(prob.X @ beta))) + resp.constant
    assert GeneralLaplace(prob).loglik([0.0, 0.0], beta, aux) == pytest.approx(expected,
                                                                              rel=1e-12)


def test_bad_input():
    fam, aux = FAMILIES["ordinal_logit"]
    prob = problem(fam, "(1 | g) + (1 | c)", data(7, fam))
    lap = GeneralLaplace(prob)
    with pytest.raises(RError, match="need 2 theta and 1 beta values"):
        lap.loglik([0.5], [0.1], aux)
    with pytest.raises(RError, match="cutpoints must be increasing"):
        lap.loglik([0.5, 0.5], [0.1], [1.0, 0.0, 2.0])
    with pytest.raises(RError, match="needs its cutpoints"):
        lap.loglik([0.5, 0.5], [0.1])
