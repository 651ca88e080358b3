"""Densities of counts: binomial (bernoulli = one trial), poisson, negative binomial.

The poisson and negative binomial families have the log link only (Stata's table), so
they are written in ``eta`` directly; the binomial works on ``log mu`` and
``log(1 - mu)`` from :func:`~rglm.families.densities.links.log_probabilities`.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from rglm.families.densities.links import log_probabilities
from rglm.families.densities.record import Derivatives, Response
from rglm.families.densities.special import trigamma

__all__ = ["binomial_derivatives", "poisson_derivatives", "nb_mean_derivatives",
           "nb_constant_derivatives"]

# exp() overflows above this.
_EXP_MAX = 709.0


# Above this size, f(y + m) - f(m) for lgamma, digamma and trigamma is taken from their
# asymptotic series, differenced term by term: scipy's values of f(y + m) and f(m) are
# each right to a relative 1e-16, but their difference, O(y/m), would keep only
# ~16 - log10(m) digits (NB2 with alpha -> 0, NB1 with delta -> 0).
_SERIES_FROM = 1e5


def _mu(eta):
    return np.exp(np.minimum(eta, _EXP_MAX))


def _gamma_differences(y, m, order: int):
    """``lgamma(y + m) - lgamma(m)`` and, by ``order``, the same differences of digamma
    and trigamma (None beyond ``order``). ``m`` may have fewer dimensions than ``y + m``
    (NB2's size is one value per class): the functions of ``m`` alone are computed on
    its own shape."""
    m = np.asarray(m, dtype=np.float64)
    ym = y + m
    big = m > _SERIES_FROM
    if not big.any():
        lg = special.gammaln(ym) - special.gammaln(m)
        dg = None if order < 1 else special.digamma(ym) - special.digamma(m)
        tg = None if order < 2 else trigamma(ym) - trigamma(m)
        return lg, dg, tg
    small_m = np.where(big, 1.0, m)
    big_m = np.where(big, m, _SERIES_FROM * 2)
    t = y + big_m
    inv_m, inv_t = 1.0 / big_m, 1.0 / t
    # 1/t^j - 1/m^j, exactly enough: differences of tiny numbers
    d1 = -y * inv_m * inv_t
    d2 = inv_t * inv_t - inv_m * inv_m
    d3 = inv_t ** 3 - inv_m ** 3
    series = ((big_m - 0.5) * np.log1p(y * inv_m) + y * np.log(t) - y + d1 / 12.0
              - d3 / 360.0)
    lg = np.where(big, series, special.gammaln(y + small_m) - special.gammaln(small_m))
    if order == 0:
        return lg, None, None
    series = np.log1p(y * inv_m) - 0.5 * d1 - d2 / 12.0 + (inv_t ** 4 - inv_m ** 4) / 120.0
    dg = np.where(big, series, special.digamma(y + small_m) - special.digamma(small_m))
    if order == 1:
        return lg, dg, None
    series = d1 + 0.5 * d2 + d3 / 6.0 - (inv_t ** 5 - inv_m ** 5) / 30.0
    tg = np.where(big, series, trigamma(y + small_m) - trigamma(small_m))
    return lg, dg, tg


def binomial_derivatives(resp: Response, eta, anc, link: str, order: int) -> Derivatives:
    """Binomial with ``trials`` and ``P(success) = mu``: ``y log mu + (n - y) log(1 - mu)``
    (plus ``log choose(n, y)``, in ``resp.constant``)."""
    lp = log_probabilities(link, eta)
    fail = resp.trials - resp.y
    # 0 * log(0) is 0: a row without successes (failures) does not see log mu (1 - mu).
    logf = (resp.constant + np.where(resp.y > 0, resp.y * lp.log_mu, 0.0)
            + np.where(fail > 0, fail * lp.log_1mmu, 0.0))
    if order == 0:
        return Derivatives(logf)
    d_eta = resp.y * lp.d_log_mu + fail * lp.d_log_1mmu
    if order == 1:
        return Derivatives(logf, d_eta=d_eta)
    return Derivatives(logf, d_eta=d_eta, d2_eta=resp.y * lp.d2_log_mu + fail * lp.d2_log_1mmu)


def poisson_derivatives(resp: Response, eta, anc, link: str, order: int) -> Derivatives:
    """Poisson with ``mu = e^eta``: ``y eta - mu`` (plus ``-lgamma(y + 1)``)."""
    mu = _mu(eta)
    logf = resp.constant + resp.y * eta - mu
    if order == 0:
        return Derivatives(logf)
    if order == 1:
        return Derivatives(logf, d_eta=resp.y - mu)
    return Derivatives(logf, d_eta=resp.y - mu, d2_eta=-mu)


def nb_mean_derivatives(resp: Response, eta, anc, link: str, order: int) -> Derivatives:
    """NB2 (Stata's ``nbinomial mean``): Var = mu (1 + alpha mu), ``anc = lnalpha``.

    Notes
    -----
    With ``m = 1/alpha`` (the size, R's ``theta``) and ``t = m + mu``:
    ``l = lgamma(y + m) - lgamma(m) + m log(m / t) + y log(mu / t)`` (plus
    ``-lgamma(y + 1)``); ``l_eta = m (y - mu) / t``, ``l_eta,eta = -m mu (m + y) / t^2``;
    ``l_m = psi(y + m) - psi(m) - log(1 + mu/m) + (mu - y) / t``, ``l_mm = psi'(y + m) -
    psi'(m) + mu / (m t) - (mu - y) / t^2``; on the scale ``anc = -log m``:
    ``l_anc = -m l_m``, ``l_anc,anc = m l_m + m^2 l_mm``, ``l_eta,anc = -m mu (y - mu) / t^2``.
    """
    mu = _mu(eta)
    m = np.exp(-np.asarray(anc, dtype=np.float64))
    y = resp.y
    t = m + mu
    log1p_ratio = np.log1p(mu / m)  # log(t / m), exact when alpha is tiny
    if resp.levels is not None and np.ndim(m) <= 1:
        # the gamma functions of y + m on the distinct counts only, then gathered
        diffs = _gamma_differences(resp.levels, m, order)
        lg, dg, tg = (None if v is None else v[resp.index] for v in diffs)
    else:
        lg, dg, tg = _gamma_differences(y, m, order)
    logf = resp.constant + lg - m * log1p_ratio + y * (eta - np.log(t))
    if order == 0:
        return Derivatives(logf)
    d_eta = m * (y - mu) / t
    l_m = dg - log1p_ratio + (mu - y) / t
    if order == 1:
        return Derivatives(logf, d_eta=d_eta, d_anc=-m * l_m)
    t2 = t * t
    l_mm = tg + mu / (m * t) - (mu - y) / t2
    return Derivatives(logf, d_eta=d_eta, d2_eta=-m * mu * (m + y) / t2, d_anc=-m * l_m,
                       d2_anc=m * l_m + m * m * l_mm, d2_eta_anc=-m * mu * (y - mu) / t2)


def nb_constant_derivatives(resp: Response, eta, anc, link: str, order: int) -> Derivatives:
    """NB1 (Stata's ``nbinomial constant``): Var = mu (1 + delta), ``anc = lndelta``.

    Notes
    -----
    Size ``r = mu / delta``, success probability ``1 / (1 + delta)``:
    ``l = lgamma(y + r) - lgamma(r) - r log(1 + delta) + y (log delta - log(1 + delta))``
    (plus ``-lgamma(y + 1)``). With ``D = psi(y + r) - psi(r) - log(1 + delta)``,
    ``T = psi'(y + r) - psi'(r)`` and ``c = delta / (1 + delta)``: ``l_eta = r D``,
    ``l_eta,eta = r D + r^2 T``; ``l_anc = y - r D - (r + y) c``, ``l_eta,anc = -r D -
    r^2 T - r c``, ``l_anc,anc = r D + r^2 T + 2 r c - (r + y) c (1 - c)``.
    """
    a = np.asarray(anc, dtype=np.float64)
    delta = np.exp(a)
    r = _mu(eta) / delta
    y = resp.y
    log1p_delta = np.log1p(delta)
    lg, dg, tg = _gamma_differences(y, r, order)
    logf = resp.constant + lg - r * log1p_delta + y * (a - log1p_delta)
    if order == 0:
        return Derivatives(logf)
    big_d = dg - log1p_delta
    c = delta / (1.0 + delta)
    d_eta = r * big_d
    d_anc = y - r * big_d - (r + y) * c
    if order == 1:
        return Derivatives(logf, d_eta=d_eta, d_anc=d_anc)
    r2t = r * r * tg
    return Derivatives(logf, d_eta=d_eta, d2_eta=d_eta + r2t, d_anc=d_anc,
                       d2_anc=d_eta + r2t + 2.0 * r * c - (r + y) * c * (1.0 - c),
                       d2_eta_anc=-d_eta - r2t - r * c)
