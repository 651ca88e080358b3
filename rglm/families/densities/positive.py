"""Densities of positive outcomes: exponential, gamma, lognormal, loglogistic, weibull.

All have the log link only. In ``fmm: glm`` every observation is an exact event time
(no censoring), so the survival families are plain densities. Exponential and weibull
come in Stata's two metrics: proportional hazards (``ph``, gsem's default: the hazard is
``exp(eta)``) and accelerated failure time (``aft``: ``exp(eta)`` scales time).
"""

from __future__ import annotations

import numpy as np
from scipy import special

from rglm.families.densities.record import Derivatives, Response
from rglm.families.densities.special import trigamma

__all__ = ["exponential_derivatives", "gamma_derivatives", "lognormal_derivatives",
           "loglogistic_derivatives", "weibull_derivatives"]

_EXP_MAX = 709.0


def _exp(x):
    return np.exp(np.minimum(x, _EXP_MAX))


def exponential_derivatives(resp: Response, eta, anc, metric: str,
                            order: int) -> Derivatives:
    """Exponential with hazard ``lam = e^(s eta)``, ``s = 1`` (ph) or ``-1`` (aft):
    ``l = s eta - y lam``."""
    s = 1.0 if metric == "ph" else -1.0
    u = resp.y * _exp(s * eta)
    logf = s * eta - u
    if order == 0:
        return Derivatives(logf)
    if order == 1:
        return Derivatives(logf, d_eta=s * (1.0 - u))
    return Derivatives(logf, d_eta=s * (1.0 - u), d2_eta=-u)


def gamma_derivatives(resp: Response, eta, anc, metric: str, order: int) -> Derivatives:
    """Gamma with mean ``mu = e^eta``, shape ``k = 1/s``, scale ``s mu``; ``anc = log s``.

    Notes
    -----
    ``l = -lgamma(k) + k log k - k eta + (k - 1) log y - k y / mu``; with ``v = y / mu``:
    ``l_eta = k (v - 1)``, ``l_eta,eta = -k v``; ``l_k = log k + 1 - psi(k) - eta + log y
    - v``, ``l_kk = 1/k - psi'(k)``; on the scale ``anc = -log k``: ``l_anc = -k l_k``,
    ``l_anc,anc = k l_k + k^2 l_kk``, ``l_eta,anc = k (1 - v)``.
    """
    a = np.asarray(anc, dtype=np.float64)
    k = np.exp(-a)
    v = resp.y * _exp(-eta)
    logf = -special.gammaln(k) - k * a - k * eta + (k - 1.0) * resp.log_y - k * v
    if order == 0:
        return Derivatives(logf)
    d_eta = k * (v - 1.0)
    l_k = -a + 1.0 - special.digamma(k) - eta + resp.log_y - v
    if order == 1:
        return Derivatives(logf, d_eta=d_eta, d_anc=-k * l_k)
    l_kk = 1.0 / k - trigamma(k)
    return Derivatives(logf, d_eta=d_eta, d2_eta=-k * v, d_anc=-k * l_k,
                       d2_anc=k * l_k + k * k * l_kk, d2_eta_anc=-d_eta)


def lognormal_derivatives(resp: Response, eta, anc, metric: str, order: int) -> Derivatives:
    """``log y ~ N(eta, s^2)``, ``anc = log s``: ``l = -anc - e^2 / 2`` with ``e = (log y -
    eta) / s`` (plus ``-log y - log(2 pi)/2``)."""
    a = np.asarray(anc, dtype=np.float64)
    inv_s = np.exp(-a)
    e = (resp.log_y - eta) * inv_s
    e2 = e * e
    logf = resp.constant - a - 0.5 * e2
    if order == 0:
        return Derivatives(logf)
    d_eta = e * inv_s
    if order == 1:
        return Derivatives(logf, d_eta=d_eta, d_anc=e2 - 1.0)
    return Derivatives(logf, d_eta=d_eta, d2_eta=np.broadcast_to(-inv_s * inv_s, e.shape), d_anc=e2 - 1.0,
                       d2_anc=-2.0 * e2, d2_eta_anc=-2.0 * d_eta)


def loglogistic_derivatives(resp: Response, eta, anc, metric: str,
                            order: int) -> Derivatives:
    """Survivor ``1 / (1 + (y e^-eta)^(1/s))``, ``anc = log s``: ``log y`` is logistic
    with location ``eta`` and scale ``s``.

    Notes
    -----
    With ``z = (log y - eta) / s`` and ``p = logistic(z)``: ``l = -anc + z - 2 log(1 +
    e^z)`` (plus ``-log y``); ``l_z = 1 - 2p``, ``l_zz = -2 p (1 - p)``; ``dz/deta =
    -1/s``, ``dz/danc = -z``, hence ``l_eta = -(1 - 2p)/s``, ``l_eta,eta = l_zz / s^2``,
    ``l_anc = -1 - z (1 - 2p)``, ``l_anc,anc = z (1 - 2p) + z^2 l_zz``,
    ``l_eta,anc = (1 - 2p + z l_zz) / s``.
    """
    a = np.asarray(anc, dtype=np.float64)
    inv_s = np.exp(-a)
    z = (resp.log_y - eta) * inv_s
    logf = resp.constant - a + z - 2.0 * np.logaddexp(0.0, z)
    if order == 0:
        return Derivatives(logf)
    p = special.expit(z)
    l_z = 1.0 - 2.0 * p
    d_eta = -l_z * inv_s
    d_anc = -1.0 - z * l_z
    if order == 1:
        return Derivatives(logf, d_eta=d_eta, d_anc=d_anc)
    l_zz = -2.0 * p * special.expit(-z)
    return Derivatives(logf, d_eta=d_eta, d2_eta=l_zz * inv_s * inv_s, d_anc=d_anc,
                       d2_anc=z * l_z + z * z * l_zz, d2_eta_anc=(l_z + z * l_zz) * inv_s)


def weibull_derivatives(resp: Response, eta, anc, metric: str, order: int) -> Derivatives:
    """Weibull with shape ``p = e^anc`` (``anc = ln_p``).

    Notes
    -----
    ph: hazard ``p y^(p-1) e^eta``, ``l = anc + (p - 1) log y + eta - u`` with ``u = y^p
    e^eta``; ``l_eta = 1 - u``, ``l_eta,eta = -u``, and with ``L = p log y``:
    ``l_anc = 1 + L (1 - u)``, ``l_anc,anc = L (1 - u) - L^2 u``, ``l_eta,anc = -L u``.

    aft: ``u = (y e^-eta)^p``, ``l = anc + (p - 1) log y - p eta - u``; with ``L = p
    (log y - eta)``: ``l_eta = p (u - 1)``, ``l_eta,eta = -p^2 u``, ``l_anc = 1 + L (1 -
    u)``, ``l_anc,anc = L (1 - u) - L^2 u``, ``l_eta,anc = p (u - 1) + p L u``.
    """
    a = np.asarray(anc, dtype=np.float64)
    p = np.exp(a)
    if metric == "ph":
        big_l = p * resp.log_y
        log_u = big_l + eta
        u = _exp(log_u)
        logf = a - resp.log_y + log_u - u
    else:
        big_l = p * (resp.log_y - eta)
        u = _exp(big_l)
        logf = a - resp.log_y + big_l - u
    if order == 0:
        return Derivatives(logf)
    one_minus_u = 1.0 - u
    d_eta = one_minus_u if metric == "ph" else -p * one_minus_u
    d_anc = 1.0 + big_l * one_minus_u
    if order == 1:
        return Derivatives(logf, d_eta=d_eta, d_anc=d_anc)
    if metric == "ph":
        d2_eta, d2_eta_anc = -u, -big_l * u
    else:
        d2_eta, d2_eta_anc = -p * p * u, d_eta + p * big_l * u
    return Derivatives(logf, d_eta=d_eta, d2_eta=d2_eta, d_anc=d_anc,
                       d2_anc=big_l * one_minus_u - big_l * big_l * u, d2_eta_anc=d2_eta_anc)
