"""Branchwise and blockwise evaluation give the bits of the whole-array formulas.

The log-densities, deviance residuals and links compute each formula only on the rows
that take it (:func:`~rglm.families.elementwise.piecewise`) and on cache-sized blocks of
rows (:func:`~rglm.families.elementwise.blockwise`). The references below are the plain
``np.where`` transcriptions of R's C code (every branch on every row), which the fast
versions must reproduce bit for bit, edge cases included.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import special

import rglm.families.elementwise as elementwise
from rglm import families
from rglm.families import _loader, deviance, distributions, links

_DBL_MIN = np.finfo(float).tiny
_EPS = np.finfo(float).eps
_SPECIAL = np.array([0.0, -0.0, 0.5, 1.0, 1.5, 14.5, 15.0, 15.5, 16.0, 35.0, 36.0, 80.0, 81.0,
                     500.0, 501.0, 1e6, 1e300, np.inf, -np.inf, np.nan, -1.0, 1e-300, 5e-324, 3.3])


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    # Blocks of 97 rows: the block loop (and a ragged last block) on small inputs.
    monkeypatch.setattr(elementwise, "BLOCK_ROWS", 97)


def _same(a, b) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.all((np.isnan(a) & np.isnan(b)) |
                                              (a.view(np.int64) == b.view(np.int64))))


def _values(rng, n):
    return np.concatenate([rng.poisson(2.0, n).astype(float), rng.random(n) * 50,
                           np.round(rng.random(n) * 1000), rng.choice(_SPECIAL, n),
                           rng.standard_normal(n) * 40, np.exp(rng.uniform(-700, 700, n))])


# ---- references: every branch on every element, as np.where needs --------------------

def _stirlerr(n):
    nn = n * n
    s0, s1, s2, s3, s4 = 1 / 12, 1 / 360, 1 / 1260, 1 / 1680, 1 / 1188
    series = np.where(n > 500, (s0 - s1 / nn) / n,
                      np.where(n > 80, (s0 - (s1 - s2 / nn) / nn) / n,
                               np.where(n > 35, (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n,
                                        (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n)))
    direct = special.gammaln(n + 1.0) - (n + 0.5) * np.log(n) + n - _loader._LN_SQRT_2PI
    twice = n + n
    halves = (twice == np.floor(twice)) & (n <= 15) & (n >= 0)
    table = _loader._SFERR_HALVES[np.where(halves, twice, 0).astype(np.int64)]
    return np.where(n <= 15, np.where(halves, table, direct), series)


def _bd0(x, m):
    direct = x * np.log(x / m) + m - x
    close = np.abs(x - m) < 0.1 * (x + m)
    v = (x - m) / (x + m)
    s, ej, v2 = (x - m) * v, 2 * x * v, v * v
    done = ~close | (np.abs(s) < _DBL_MIN)
    j = 1
    while not np.all(done) and j < 1000:
        ej = ej * v2
        s1 = np.where(done, s, s + ej / (2 * j + 1))
        done, s, j = done | (s1 == s), s1, j + 1
    return np.where(close, s, direct)


def _dpois_raw(x, lam):
    main = -0.5 * np.log(2 * np.pi * x) - _stirlerr(x) - _bd0(x, lam)
    tiny = -lam + x * np.log(lam) - special.gammaln(x + 1)
    out = np.where(lam < x * _DBL_MIN, np.where(np.isfinite(x), tiny, -np.inf), main)
    out = np.where(x <= lam * _DBL_MIN, -lam, out)
    out = np.where(x < 0, -np.inf, out)
    out = np.where(~np.isfinite(lam), -np.inf, out)
    out = np.where(lam == 0, np.where(x == 0, 0.0, -np.inf), out)
    return np.where(np.isnan(x) | np.isnan(lam), np.nan, out)


def _dbinom_raw(x, n, p):
    q = 1 - p
    lc = _stirlerr(n) - _stirlerr(x) - _stirlerr(n - x) - _bd0(x, n * p) - _bd0(n - x, n * q)
    general = lc - 0.5 * (np.log(2 * np.pi) + np.log(x) + np.log1p(-x / n))
    at_zero = np.where(n == 0, 0.0, np.where(p < 0.1, -_bd0(n, n * q) - n * p, n * np.log(q)))
    at_n = np.where(q < 0.1, -_bd0(n, n * p) - n * q, n * np.log(p))
    out = np.where(x == 0, at_zero, np.where(x == n, at_n, general))
    out = np.where((x < 0) | (x > n), -np.inf, out)
    out = np.where(q == 0, np.where(x == n, 0.0, -np.inf), out)
    out = np.where(p == 0, np.where(x == 0, 0.0, -np.inf), out)
    return np.where(np.isnan(x) | np.isnan(n) | np.isnan(p), np.nan, out)


def _y_log_y(y, mu):
    return np.where(y != 0, y * np.log(y / mu), 0.0)


_DEVIANCES = {
    "dev_binomial": lambda y, mu, wt: 2 * wt * (_y_log_y(y, mu) + _y_log_y(1 - y, 1 - mu)),
    "dev_poisson": lambda y, mu, wt: 2 * np.where(y > 0, wt * (y * np.log(y / mu) - (y - mu)),
                                                  mu * wt),
    "dev_gamma": lambda y, mu, wt: -2 * wt * (np.log(np.where(y == 0, 1.0, y / mu))
                                              - (y - mu) / mu),
}


# ---- the helpers ------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(0,), (1,), (50,), (6, 7)])
def test_piecewise_is_where(shape):
    rng = np.random.default_rng(sum(shape))
    a, b = rng.standard_normal(shape), rng.standard_normal(shape)
    for cond in (a > 0, np.ones(shape, bool), np.zeros(shape, bool)):
        got = elementwise.piecewise(cond, np.exp, np.sin, a) if a.size else np.exp(a)
        np.testing.assert_array_equal(got, np.where(cond, np.exp(a), np.sin(a)))
    got = elementwise.piecewise(a > b, np.add, np.multiply, a, b)
    np.testing.assert_array_equal(got, np.where(a > b, a + b, a * b))


def test_blockwise_is_the_whole_evaluation():
    rng = np.random.default_rng(7)
    a, b = rng.standard_normal(1000), rng.standard_normal(1000)
    np.testing.assert_array_equal(elementwise.blockwise(np.add, a, b), a + b)
    np.testing.assert_array_equal(elementwise.blockwise(np.multiply, a, 2.5), a * 2.5)
    square = a[:900].reshape(30, 30)  # not 1-d: evaluated whole
    np.testing.assert_array_equal(elementwise.blockwise(np.exp, square), np.exp(square))


# ---- the family functions ---------------------------------------------------------------

def test_stirlerr_bd0_and_raw_densities_are_the_where_forms():
    rng = np.random.default_rng(11)
    x, lam = _values(rng, 300), rng.permutation(_values(rng, 300))
    near = np.abs(lam) * (1 + rng.standard_normal(lam.size) * 0.05)
    with np.errstate(all="ignore"):
        assert _same(_loader.stirlerr(x), _stirlerr(x))
        assert _same(_loader.bd0(x, lam), _bd0(x, lam))
        assert _same(_loader.bd0(np.abs(lam), near), _bd0(np.abs(lam), near))
        assert _same(_loader.log_dpois_raw(x, lam), _dpois_raw(x, lam))
        assert _same(_loader.log_dpois_raw(3.0, lam), _dpois_raw(3.0, lam))
        k = np.round(np.abs(x) % 30)
        size = k + np.round(np.abs(lam) % 30)
        p = rng.random(k.size)
        p[::7], p[::11], p[::13], p[::17] = 0.0, 1.0, 1e-20, np.nan
        assert _same(_loader.log_dbinom_raw(k, size, p), _dbinom_raw(k, size, p))
        assert _same(_loader.log_dbinom_raw(2.0, 5.0, 0.3), _dbinom_raw(2.0, 5.0, 0.3))


def test_aics_are_the_where_forms():
    rng = np.random.default_rng(12)
    n = 1500
    mu, wt = rng.gamma(2.0, 1.0, n) + 1e-3, rng.random(n)
    y = rng.poisson(mu).astype(float)
    p = rng.random(n)
    yb = (rng.random(n) < p).astype(float)
    yg = rng.gamma(2.0, mu / 2)
    dev = 0.4 * np.sum(wt)
    with np.errstate(all="ignore"):
        poisson = float(-2 * np.sum(_dpois_raw(y, mu) * wt))
        binomial = float(-2 * np.sum(_dbinom_raw(yb, np.ones(n), p)))
        shape, scale = 1 / (dev / np.sum(wt)), mu * (dev / np.sum(wt))
        gamma = float(-2 * np.sum((_dpois_raw(shape - 1, yg / scale) - np.log(scale)) * wt) + 2)
    assert distributions.aic_poisson(y, 1, mu, wt, 0.0) == poisson
    assert distributions.aic_binomial(yb, np.ones(n), p, np.ones(n), 0.0) == binomial
    assert distributions.aic_gamma(yg, 1, mu, wt, dev) == gamma


@pytest.mark.parametrize("name", sorted(_DEVIANCES))
def test_deviance_residuals_are_the_where_forms(name):
    rng = np.random.default_rng(len(name))
    n = 1000
    mu = rng.random(n) * 0.9 + 0.05
    ys = [(rng.random(n) < mu).astype(float), rng.random(n), rng.poisson(2.0, n).astype(float),
          np.r_[rng.choice(_SPECIAL, 200), rng.random(n - 200)]]
    wt = rng.random(n)
    for y in ys:
        for weights in (wt, 1.0):
            with np.errstate(all="ignore"):
                expected = _DEVIANCES[name](y, mu, weights)
                got = getattr(deviance, name)(y, mu, weights)
            assert _same(got, expected)
    with np.errstate(all="ignore"):
        assert _same(getattr(deviance, name)(0.0, 0.5, 2.0), _DEVIANCES[name](0.0, 0.5, 2.0))
        two = (ys[0][:20].reshape(4, 5), mu[:20].reshape(4, 5), 1.0)
        assert _same(getattr(deviance, name)(*two), _DEVIANCES[name](*two))


def test_logit_and_log_links_are_the_where_forms():
    eta = np.r_[np.linspace(-40, 40, 801), 30.0, -30.0, np.nextafter(30, 31), 710.0, np.nan]
    with np.errstate(all="ignore"):
        tmp = np.where(eta < -30, _EPS, np.where(eta > 30, 1 / _EPS, np.exp(eta)))
        ex = np.exp(eta)
        logit_mu_eta = np.where((eta > 30) | (eta < -30), _EPS, ex / ((1 + ex) * (1 + ex)))
        log_inv = np.maximum(np.exp(eta), _EPS)
    logit, log = links.make_link("logit"), links.make_link("log")
    assert _same(logit.linkinv(eta), tmp / (1 + tmp))
    assert _same(logit.mu_eta(eta), logit_mu_eta)
    assert _same(log.linkinv(eta), log_inv) and _same(log.mu_eta(eta), log_inv)
    # glm.fit's working weights reuse mu for mu.eta on that premise:
    assert log.mu_eta is log.linkinv


def test_functions_return_new_arrays_and_leave_inputs_alone():
    rng = np.random.default_rng(13)
    y, mu, wt = rng.poisson(2.0, 300).astype(float), rng.random(300) * 0.8 + 0.1, rng.random(300)
    copies = [a.copy() for a in (y, mu, wt)]
    for fam in (families.poisson(), families.binomial(), families.Gamma(),
                families.gaussian(), families.poisson("identity")):
        for out in (fam.linkinv(mu), fam.mu_eta(mu), fam.variance(mu), fam.linkfun(mu)):
            assert not np.shares_memory(out, mu)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fam.dev_resids(np.clip(y / 10, 0, 1), np.clip(mu, 0.01, 0.99), wt)
    for before, after in zip(copies, (y, mu, wt)):
        np.testing.assert_array_equal(before, after)
