"""The densities written as functions of the mean: gaussian and beta.

Each is differentiated in ``mu`` and the ancillary, then carried to ``eta`` through the
link (:func:`chain`): ``dl/deta = l_mu mu'``, ``d2l/deta2 = l_mumu mu'^2 + l_mu mu''``,
``d2l/(deta danc) = l_mu,anc mu'``.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from rglm.families.densities.links import MeanDerivatives, mean_derivatives
from rglm.families.densities.record import Derivatives, Response
from rglm.families.densities.special import trigamma

__all__ = ["gaussian_derivatives", "beta_derivatives", "chain"]

_HALF_LOG_2PI = 0.5 * np.log(2 * np.pi)


def chain(link: MeanDerivatives, logf, l_mu, l_mumu, d_anc, d2_anc, l_mu_anc,
          order: int) -> Derivatives:
    """Carry derivatives in ``mu`` to derivatives in ``eta``."""
    if order == 1:
        return Derivatives(logf, d_eta=l_mu * link.dmu, d_anc=d_anc)
    return Derivatives(logf, d_eta=l_mu * link.dmu,
                       d2_eta=l_mumu * link.dmu ** 2 + l_mu * link.d2mu,
                       d_anc=d_anc, d2_anc=d2_anc, d2_eta_anc=l_mu_anc * link.dmu)


def gaussian_derivatives(resp: Response, eta, anc, link: str, order: int) -> Derivatives:
    """N(mu, sigma^2), ``anc = log sigma^2`` (Stata's ``var(e)`` on its log scale).

    Notes
    -----
    ``l = -log(2 pi)/2 - anc/2 - r^2 / (2 s2)`` with ``r = y - mu``, ``s2 = e^anc``:
    ``l_mu = r / s2``, ``l_mumu = -1 / s2``, ``l_anc = r^2 / (2 s2) - 1/2``,
    ``l_anc,anc = -r^2 / (2 s2)``, ``l_mu,anc = -r / s2``.
    """
    lk = mean_derivatives(link, eta)
    inv_s2 = np.exp(-np.asarray(anc, dtype=np.float64))
    r = resp.y - lk.mu
    half_r2 = 0.5 * r * r * inv_s2
    logf = resp.constant - 0.5 * anc - half_r2
    if order == 0:
        return Derivatives(logf)
    l_mu = r * inv_s2
    return chain(lk, logf, l_mu, np.broadcast_to(-inv_s2, r.shape), half_r2 - 0.5, -half_r2,
                 -l_mu, order)


def beta_derivatives(resp: Response, eta, anc, link: str, order: int) -> Derivatives:
    """Beta with mean ``mu`` and precision ``phi = e^anc``: shapes ``mu phi``, ``(1-mu) phi``.

    Notes
    -----
    ``l = lgamma(phi) - lgamma(a) - lgamma(b) + (a-1) log y + (b-1) log(1-y)``, ``a = mu
    phi``, ``b = (1 - mu) phi``. With ``y* = log y - log(1-y)``, ``mu* = psi(a) -
    psi(b)``: ``l_mu = phi (y* - mu*)``, ``l_mumu = -phi^2 (psi'(a) + psi'(b))``;
    ``l_phi = psi(phi) - mu psi(a) - (1-mu) psi(b) + mu log y + (1-mu) log(1-y)``,
    ``l_phiphi = psi'(phi) - mu^2 psi'(a) - (1-mu)^2 psi'(b)``, ``l_mu,phi = y* - mu* -
    phi (mu psi'(a) - (1-mu) psi'(b))``; on the log scale ``l_anc = phi l_phi``,
    ``l_anc,anc = phi l_phi + phi^2 l_phiphi``, ``l_mu,anc = phi l_mu,phi``.
    """
    lk = mean_derivatives(link, eta)
    phi = np.exp(np.asarray(anc, dtype=np.float64))
    mu, cmu = lk.mu, lk.one_minus_mu
    a, b = mu * phi, cmu * phi
    logf = (special.gammaln(phi) - special.gammaln(a) - special.gammaln(b)
            + (a - 1.0) * resp.log_y + (b - 1.0) * resp.log_1my)
    if order == 0:
        return Derivatives(logf)
    psi_a, psi_b = special.digamma(a), special.digamma(b)
    contrast = (resp.log_y - resp.log_1my) - (psi_a - psi_b)
    l_mu = phi * contrast
    l_phi = (special.digamma(phi) - mu * psi_a - cmu * psi_b
             + mu * resp.log_y + cmu * resp.log_1my)
    if order == 1:
        return chain(lk, logf, l_mu, None, phi * l_phi, None, None, 1)
    tri_a, tri_b = trigamma(a), trigamma(b)
    l_mumu = -phi * phi * (tri_a + tri_b)
    l_phiphi = trigamma(phi) - mu * mu * tri_a - cmu * cmu * tri_b
    l_mu_phi = contrast - phi * (mu * tri_a - cmu * tri_b)
    return chain(lk, logf, l_mu, l_mumu, phi * l_phi, phi * l_phi + phi * phi * l_phiphi,
                 phi * l_mu_phi, order)
