"""A negative binomial response's conditional log density, log link, at many linear
predictors at once.

R: ``MASS::glm.nb``'s likelihood (NB2, theta = 1 / alpha) and
``MASS::negative.binomial``; Stata: ``meglm``'s ``family(nbinomial mean)`` (NB2,
Var = mu (1 + alpha mu), parameter ``/lnalpha``) and ``family(nbinomial constant)``
(NB1, Var = mu (1 + delta), parameter ``/lndelta``).

With mu = exp(eta):

* NB2, m = 1 / alpha:  log f = lgamma(y + m) - lgamma(m) - lgamma(y + 1)
  - m log(1 + alpha mu) + y (eta - log(m + mu));
* NB1, r = mu / delta: log f = lgamma(y + r) - lgamma(r) - lgamma(y + 1)
  - r log(1 + delta) + y (log delta - log(1 + delta)).

Conventions: as :mod:`.agq_response` -- ``eta`` of shape (..., n); prior weights
multiply each row's log density; ``constant`` is -sum w lgamma(y + 1), the part free of
all parameters.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from rglm.errors import RError

__all__ = ["NB_DISPERSIONS", "NegBinLik"]

#: Stata's ``nbinomial`` dispersion options -> the name of the log parameter
NB_DISPERSIONS = {"mean": "lnalpha", "constant": "lndelta"}


class NegBinLik:
    """log f(y_i | eta_i) of each row for a given log dispersion, its derivatives.

    Parameters
    ----------
    y : array (n,)
        Non-negative integer counts.
    weights : array (n,)
    dispersion : {"mean", "constant"}
        NB2 (``lnalpha``) or NB1 (``lndelta``).
    lndisp : float
        log alpha or log delta.
    """

    def __init__(self, y, weights, dispersion: str, lndisp: float):
        if dispersion not in NB_DISPERSIONS:
            raise RError("dispersion must be \"mean\" or \"constant\"")
        y = np.asarray(y, dtype=np.float64)
        if np.any(~np.isfinite(y)) or np.any(y < 0) or np.any(y != np.round(y)):
            raise RError("negative values not allowed for the negative binomial family"
                         if np.any(y < 0) else
                         "non-integer counts have no negative binomial likelihood")
        lndisp = float(lndisp)
        if not np.isfinite(lndisp):
            raise RError(f"{NB_DISPERSIONS[dispersion]} must be finite")
        self.dispersion = dispersion
        self.lndisp = lndisp
        self.y = y
        self.w = np.asarray(weights, dtype=np.float64)
        self.constant = float(-np.sum(self.w * special.gammaln(y + 1.0)))

    def _nb2_parts(self, eta):
        """(alpha mu, m + mu on the log scale)."""
        am = np.exp(self.lndisp + eta)
        return am, np.logaddexp(-self.lndisp, eta)

    def logf(self, eta: np.ndarray) -> np.ndarray:
        """w_i (log f_i + lgamma(y_i + 1)) (shape of ``eta``)."""
        y, ld = self.y, self.lndisp
        if self.dispersion == "mean":
            m = np.exp(-ld)
            am, log_mmu = self._nb2_parts(eta)
            val = (special.gammaln(y + m) - special.gammaln(m) - m * np.log1p(am)
                   + y * (eta - log_mmu))
        else:
            r = np.exp(eta - ld)
            l1d = np.log1p(np.exp(ld))
            val = (special.gammaln(y + r) - special.gammaln(r) - r * l1d
                   + y * (ld - l1d))
        return self.w * val

    def score_weight(self, eta: np.ndarray) -> tuple:
        """(d log f / d eta, curvature), weights included.

        NB2: the observed curvature (1 + alpha y) mu / (1 + alpha mu)^2, positive.
        NB1's log density is not concave in eta everywhere (for y large and r small),
        so its observed curvature is clipped at 0: the engine's Newton steps then keep a
        positive definite curvature (the prior adds I), and at the usual modes the value
        is the observed one, as Stata's adaptive quadrature uses.
        """
        score, curv = self._score_curv(eta)
        return score, np.maximum(curv, 0.0) if self.dispersion == "constant" else curv

    def observed_curvature(self, eta: np.ndarray) -> np.ndarray:
        """-d2 log f / d eta2 as it is (weights included): NB1's may be negative for a
        row; the Laplace approximation's log determinant takes it so (Stata's observed
        Hessian; :mod:`.laplace_general`)."""
        return self._score_curv(eta)[1]

    def _score_curv(self, eta: np.ndarray) -> tuple:
        y = self.y
        if self.dispersion == "mean":
            am = np.exp(self.lndisp + eta)
            mu = np.exp(eta)
            score = (y - mu) / (1.0 + am)
            curv = (1.0 + np.exp(self.lndisp) * y) * mu / (1.0 + am) ** 2
        else:
            r = np.exp(eta - self.lndisp)
            l1d = np.log1p(np.exp(self.lndisp))
            g = special.digamma(y + r) - special.digamma(r) - l1d
            score = r * g
            curv = -(score + r * r * (special.polygamma(1, y + r)
                                      - special.polygamma(1, r)))
        return self.w * score, self.w * curv

    def aux_scores(self, eta: np.ndarray) -> np.ndarray:
        """d log f_i / d lndisp per row (weights included): shape eta.shape + (1,) (the
        frozen quadrature rule's gradient, :mod:`.agq_gradient`, averages it over its
        nodes)."""
        return self._lndisp_rows(eta)[..., None]

    def lndisp_score(self, eta: np.ndarray) -> float:
        """d log L / d lndisp summed over rows (eta of shape (n,))."""
        return float(np.sum(self._lndisp_rows(eta)))

    def _lndisp_rows(self, eta: np.ndarray) -> np.ndarray:
        y, ld = self.y, self.lndisp
        if self.dispersion == "mean":
            m = np.exp(-ld)
            am = np.exp(ld + eta)
            mu = np.exp(eta)
            dm = (special.digamma(y + m) - special.digamma(m) - np.log1p(am)
                  + (mu - y) / (m + mu))
            val = -m * dm
        else:
            r = np.exp(eta - ld)
            d = np.exp(ld)
            l1d = np.log1p(d)
            g = special.digamma(y + r) - special.digamma(r) - l1d
            val = -r * g - r * d / (1.0 + d) + y / (1.0 + d)
        return self.w * val
