"""The fmm densities (rglm/families/densities): scipy's distributions, numerical
derivatives, Stata's family-link table and the response checks.

The oracle for a density is scipy.stats (an independent implementation of each
distribution, mapped to Stata's parameterisation below); the oracle for a derivative
is a Richardson-extrapolated central difference of our own log density. The R
references of whole mixtures (fmm.json, tests/engines/test_em.py) use R's densities.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from rglm.errors import RError
from rglm.families.densities import FAMILY_LINKS, fmm_family

RNG = np.random.default_rng(20250917)

# (family, link, dispersion/metric options, ancillary values, eta values, y sampler)
ETA = np.array([-1.3, -0.2, 0.4, 1.1])


def _y(kind, n=12):
    rng = np.random.default_rng(7)
    if kind == "real":
        return rng.normal(1.0, 2.0, n)
    if kind == "binary":
        return rng.integers(0, 2, n).astype(float)
    if kind == "trials":
        return rng.integers(0, 9, n).astype(float)
    if kind == "unit":
        return rng.uniform(0.02, 0.98, n)
    if kind == "count":
        return rng.integers(0, 25, n).astype(float)
    return rng.gamma(2.0, 1.5, n) + 0.01


CASES = [
    ("gaussian", "identity", {}, [0.3, -0.8], "real"),
    ("gaussian", "log", {}, [0.3, 1.2], "real"),
    ("bernoulli", "logit", {}, None, "binary"),
    ("bernoulli", "probit", {}, None, "binary"),
    ("bernoulli", "cloglog", {}, None, "binary"),
    ("binomial", "logit", {}, None, "trials"),
    ("binomial", "probit", {}, None, "trials"),
    ("binomial", "cloglog", {}, None, "trials"),
    ("beta", "logit", {}, [1.5, 3.0], "unit"),
    ("beta", "probit", {}, [1.5, 3.0], "unit"),
    ("beta", "cloglog", {}, [0.7, 2.5], "unit"),
    ("poisson", "log", {}, None, "count"),
    ("nbinomial", "log", {"dispersion": "mean"}, [-0.6, 0.7], "count"),
    ("nbinomial", "log", {"dispersion": "constant"}, [-0.4, 1.1], "count"),
    ("exponential", "log", {"metric": "ph"}, None, "positive"),
    ("exponential", "log", {"metric": "aft"}, None, "positive"),
    ("gamma", "log", {}, [-0.9, 0.4], "positive"),
    ("lognormal", "log", {}, [-0.9, 0.4], "positive"),
    ("loglogistic", "log", {}, [-1.2, -0.3], "positive"),
    ("weibull", "log", {"metric": "ph"}, [-0.3, 0.5], "positive"),
    ("weibull", "log", {"metric": "aft"}, [-0.3, 0.5], "positive"),
]


def _ids(case):
    name, link, opts, _, _ = case
    return "-".join([name, link, *opts.values()])


def _scipy_distribution(fam, eta, anc, trials):
    """The scipy.stats distribution of a class, in Stata's parameterisation."""
    name = fam.name
    if name in ("gaussian", "bernoulli", "binomial", "beta"):
        mu = {"identity": lambda e: e, "log": np.exp, "logit": lambda e: 1 / (1 + np.exp(-e)),
              "probit": stats.norm.cdf, "cloglog": lambda e: 1 - np.exp(-np.exp(e))}[fam.link](eta)
    if name == "gaussian":
        return stats.norm(mu, np.sqrt(np.exp(anc)))
    if name == "bernoulli":
        return stats.bernoulli(mu)
    if name == "binomial":
        return stats.binom(trials, mu)
    if name == "beta":
        phi = np.exp(anc)
        return stats.beta(mu * phi, (1 - mu) * phi)
    if name == "poisson":
        return stats.poisson(np.exp(eta))
    if name == "nbinomial" and fam.dispersion == "mean":
        size = np.exp(-anc)
        return stats.nbinom(size, size / (size + np.exp(eta)))
    if name == "nbinomial":
        delta = np.exp(anc)
        return stats.nbinom(np.exp(eta) / delta, 1 / (1 + delta))
    sign = 1.0 if fam.metric in (None, "aft") else -1.0
    if name == "exponential":
        return stats.expon(scale=np.exp(sign * eta))
    if name == "gamma":
        s = np.exp(anc)
        return stats.gamma(1 / s, scale=s * np.exp(eta))
    if name == "lognormal":
        return stats.lognorm(np.exp(anc), scale=np.exp(eta))
    if name == "loglogistic":
        return stats.fisk(1 / np.exp(anc), scale=np.exp(eta))
    p = np.exp(anc)
    scale = np.exp(-eta / p) if fam.metric == "ph" else np.exp(eta)
    return stats.weibull_min(p, scale=scale)


def _scipy_logpdf(fam, y, eta, anc, trials):
    dist = _scipy_distribution(fam, eta, anc, trials)
    discrete = fam.name in ("bernoulli", "binomial", "poisson", "nbinomial")
    return dist.logpmf(y) if discrete else dist.logpdf(y)


def _grid(case):
    name, link, opts, ancs, kind = case
    fam = fmm_family(name, link, **opts)
    y = _y(kind)
    trials = np.full_like(y, 8.0) if kind == "trials" else None
    resp = fam.prepare(y, trials)
    eta = np.tile(ETA[:2] if ancs else ETA, (y.size, 1)) + RNG.uniform(-0.2, 0.2, (y.size, 1))
    if name == "gaussian" and link == "identity":
        eta = eta + 1.0
    anc = None if ancs is None else np.array(ancs)
    return fam, resp, y, trials, eta, anc


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_log_density_is_scipys(case):
    fam, resp, y, trials, eta, anc = _grid(case)
    ours = fam.derivatives(resp, eta, anc, order=0).logf
    ref = _scipy_logpdf(fam, y[:, None], eta, 0.0 if anc is None else anc[None, :],
                        None if trials is None else trials[:, None])
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-12)
    # the public helper agrees with the prepared form
    np.testing.assert_allclose(fam.logpdf(y[:, None], eta, anc, trials=None if trials is None
                                          else trials[:, None]), ours, rtol=1e-14, atol=0)


def _richardson(f, x, h):
    wide = (f(x + h) - f(x - h)) / (2 * h)
    narrow = (f(x + h / 2) - f(x - h / 2)) / h
    return (4 * narrow - wide) / 3


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_derivatives_are_numerical_derivatives(case):
    fam, resp, _, _, eta, anc = _grid(case)
    d = fam.derivatives(resp, eta, anc, order=2)
    h = 1e-3
    # Richardson differences are exact to ~1e-10 here; the tolerance leaves room for
    # the rounding of log densities of magnitude ~10 divided by h.
    tol = dict(rtol=1e-7, atol=1e-7)
    np.testing.assert_allclose(d.d_eta, _richardson(
        lambda e: fam.derivatives(resp, e, anc, 0).logf, eta, h), **tol)
    np.testing.assert_allclose(d.d2_eta, _richardson(
        lambda e: fam.derivatives(resp, e, anc, 1).d_eta, eta, h), **tol)
    first = fam.derivatives(resp, eta, anc, order=1)
    np.testing.assert_allclose(first.d_eta, d.d_eta, rtol=0, atol=0)
    if anc is None:
        assert d.d_anc is None and d.d2_anc is None and d.d2_eta_anc is None
        return
    np.testing.assert_allclose(first.d_anc, d.d_anc, rtol=0, atol=0)
    anc_grid = np.broadcast_to(anc, eta.shape)
    np.testing.assert_allclose(d.d_anc, _richardson(
        lambda a: fam.derivatives(resp, eta, a, 0).logf, anc_grid, h), **tol)
    np.testing.assert_allclose(d.d2_anc, _richardson(
        lambda a: fam.derivatives(resp, eta, a, 1).d_anc, anc_grid, h), **tol)
    np.testing.assert_allclose(d.d2_eta_anc, _richardson(
        lambda a: fam.derivatives(resp, eta, a, 1).d_eta, anc_grid, h), **tol)


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_mean_is_the_expectation(case):
    """The class mean (Stata's ``predict mu, class()``) is the distribution's mean."""
    fam, _, _, trials, eta, anc = _grid(case)
    e, t = eta[0], (None if trials is None else trials[0])
    ours = fam.mean(e, anc, trials=t)
    ref = _scipy_distribution(fam, e, 0.0 if anc is None else anc, t).mean()
    np.testing.assert_allclose(ours, ref, rtol=1e-12)


def test_loglogistic_mean_is_infinite_for_a_scale_of_one_or_more():
    fam = fmm_family("loglogistic")
    assert np.isinf(fam.mean(np.array([0.5, 0.5]), np.array([0.0, 0.2]))).all()


def test_family_link_table():
    """Stata's table: every allowed pair builds, the first link is the default, and a
    disallowed pair is R's error for a link a family does not have."""
    for name, links in FAMILY_LINKS.items():
        assert fmm_family(name).link == links[0]
        for link in links:
            assert fmm_family(name, link).link == link
    with pytest.raises(RError, match='link "identity" not available for poisson family; '
                                     "available links are 'log'"):
        fmm_family("poisson", "identity")
    with pytest.raises(RError, match="available links are 'logit', 'probit', 'cloglog'"):
        fmm_family("binomial", "log")
    with pytest.raises(RError, match="'family' should be one of"):
        fmm_family("tweedie")
    with pytest.raises(RError, match="'dispersion' should be one of"):
        fmm_family("nbinomial", dispersion="quadratic")
    with pytest.raises(RError, match="only for the nbinomial family"):
        fmm_family("poisson", dispersion="mean")
    assert fmm_family("weibull").metric == "ph"
    assert fmm_family("nbinomial").dispersion == "mean"
    assert fmm_family("nbinomial", dispersion="constant").ancillary == "lndelta"
    assert fmm_family("gaussian").ancillary_class == "errvar"
    assert fmm_family("gamma").ancillary_class == "scale"


@pytest.mark.parametrize("name,y,pattern", [
    ("poisson", [1.0, -1.0], "negative values not allowed for the 'poisson' family"),
    ("nbinomial", [-2.0], "negative values not allowed"),
    ("beta", [0.5, 1.0], r"y values must be 0 < y < 1 for the beta family"),
    ("beta", [0.0], r"0 < y < 1"),
    ("gamma", [1.0, 0.0], "non-positive values not allowed for the 'gamma' family"),
    ("lognormal", [-1.0], "non-positive values"),
    ("weibull", [0.0], "non-positive values"),
    ("exponential", [-3.0], "non-positive values"),
    ("loglogistic", [0.0], "non-positive values"),
    ("bernoulli", [0.0, 2.0], "must be 0 or 1"),
    ("gaussian", [1.0, np.nan], "NA/NaN/Inf in 'y'"),
])
def test_response_outside_the_support(name, y, pattern):
    with pytest.raises(RError, match=pattern):
        fmm_family(name).prepare(np.array(y))


def test_binomial_trials_checked():
    fam = fmm_family("binomial")
    with pytest.raises(RError, match="0 <= y <= trials"):
        fam.prepare(np.array([3.0, 5.0]), np.array([4.0, 4.0]))
    with pytest.raises(RError, match="positive integers"):
        fam.prepare(np.array([1.0]), np.array([2.5]))
    with pytest.raises(RError, match="needs the number of trials"):
        fam.prepare(np.array([1.0]))


def test_prepare_does_not_share_the_callers_array():
    y = np.array([1.0, 2.0, 3.0])
    resp = fmm_family("gamma").prepare(y)
    assert not np.shares_memory(resp.y, y)


def test_extreme_linear_predictors_stay_finite():
    """Probabilities of 1e-300 keep exact logarithms; large counts and tiny alpha do not
    lose the NB2 density to cancellation."""
    y = np.array([1.0, 0.0])
    for link in ("logit", "probit", "cloglog"):
        fam = fmm_family("bernoulli", link)
        d = fam.derivatives(fam.prepare(y), np.array([[-40.0], [40.0]]), None)
        assert np.isfinite(d.logf).all() and np.isfinite(d.d_eta).all()
        assert np.isfinite(d.d2_eta).all()
    nb = fmm_family("nbinomial")
    yy = np.array([3.0, 500.0])
    eta = np.log(yy)[:, None]
    d = nb.derivatives(nb.prepare(yy), eta, np.array([-30.0]))
    pois = fmm_family("poisson")
    dp = pois.derivatives(pois.prepare(yy), eta, None)
    # alpha = e^-30: the NB2 density is the Poisson density to ~alpha * y^2
    np.testing.assert_allclose(d.logf, dp.logf, rtol=1e-9)


def test_trigamma_is_scipys():
    """Our trigamma (recurrence + asymptotic series, for speed) is scipy's polygamma(1, x)
    to rounding, from 1e-8 to 1e8."""
    from scipy import special

    from rglm.families.densities.special import trigamma

    x = np.concatenate([np.logspace(-8, 8, 3001), RNG.gamma(1.0, 3.0, 500) + 1e-3])
    np.testing.assert_allclose(trigamma(x), special.polygamma(1, x), rtol=4e-15)
    assert trigamma(np.array([[2.0, 3.0]])).shape == (1, 2)


def test_gamma_function_differences_for_a_huge_size():
    """lgamma/digamma/trigamma(y + m) - (m): the series used for m > 1e5 against the
    exact sums for integer y (sum of log(m + j), 1/(m + j), -1/(m + j)^2)."""
    from rglm.families.densities.counts import _gamma_differences

    for m in (2e5, 1e9, 1e13):
        for y in (1.0, 7.0, 300.0):
            j = np.arange(int(y))
            exact = (np.sum(np.log1p(j / m)) + y * np.log(m), np.sum(1 / (m + j)),
                     -np.sum(1 / (m + j) ** 2))
            got = _gamma_differences(np.array([[y]]), np.array([m]), 2)
            np.testing.assert_allclose([float(v[0, 0]) for v in got], exact, rtol=1e-14)
