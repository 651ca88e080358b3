"""The response's conditional log density at many linear predictors at once.

R: the ``dev.resids``, ``linkinv``, ``mu.eta`` and ``variance`` of the family
(``rglm.families``), and its ``aic`` for the data constant; Stata: the conditional
densities of ``meglm``'s gaussian, bernoulli, binomial and poisson families.

Conventions: ``eta`` has shape (..., n) -- any leading batch axes (quadrature nodes,
outer-level nodes) -- and everything returned has the same shape.  The rows are in the
engine's order (sorted by group), a permutation of the problem's.

meglm's ordinal and nbinomial responses, which R's glm families do not have, are
:class:`MeglmFamily` records in the problem's ``family``; :func:`cond_lik` builds the
response object of either kind (:mod:`.agq_ordinal`, :mod:`.agq_negbin`), their extra
parameters (cutpoints, log dispersion) given as ``aux``.

For R's families ``log f(y_i | eta_i) = -d_i(y_i, mu_i) / (2 phi) + c_i(y_i, phi)``
with d_i R's unit deviance (prior weights included) and phi = 1 for the binomial and
Poisson, sigma^2 for the gaussian.  Only the first term depends on eta; the constant
``sum_i c_i`` is added once to the integrated log likelihood.

Sampling weights (Stata's ``[pweight=w]``) are a separate multiplier: the pseudo
log likelihood takes ``w_i log f(y_i | eta_i)`` -- log density, score, curvature and
constant each times w_i (:class:`PWeighted`).  They are not R's prior weights, which
for the gaussian change the variance (phi / w_i) and for the binomial count trials.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

import numpy as np
import pandas as pd

from scipy import special

from rglm.errors import RError

from .agq_gamma import GammaLik, check_gamma_response
from .agq_negbin import NB_DISPERSIONS, NegBinLik
from .agq_ordinal import CUMULATIVE_LINKS, OrdinalLik
from .glmm_deviance import _aic_shift
from .problem import MixedProblem, mixed_problem

__all__ = ["CondLik", "MeglmFamily", "PWeighted", "cond_lik", "meglm_problem",
           "row_constants"]

_FAMILIES = ("binomial", "poisson", "gaussian")


class CondLik:
    """log f(y | eta) of each observation, its first derivative and Fisher weight.

    Parameters
    ----------
    problem : MixedProblem
        Its family: binomial (Bernoulli or counts), poisson or gaussian, any link.
    order : numpy.ndarray (n,)
        The engine's row order (a permutation of the problem's rows).
    sigma : float, optional
        The gaussian family's residual standard deviation (required for it, which is
        a parameter of the likelihood here, Stata's ``var(e.y)``).

    Attributes
    ----------
    phi : float
        The dispersion (1, or sigma^2).
    constant : float
        sum_i c_i(y_i, phi): the part of the log likelihood free of eta.
    """

    def __init__(self, problem: MixedProblem, order: np.ndarray, sigma=None):
        family = problem.family
        if family is None or family.family not in _FAMILIES:
            name = None if family is None else family.family
            raise RError(f"quadrature is available for the binomial, poisson and "
                         f"gaussian families, not {name!r}")
        self.family = family
        self.y = problem.y[order]
        self.w = problem.weights[order]
        self.n_trials = problem.n_trials[order]
        if family.family == "gaussian":
            if sigma is None or not np.isfinite(sigma) or sigma <= 0:
                raise RError("the gaussian family needs a positive 'sigma'")
            self.phi = float(sigma) ** 2
            pos = self.w > 0
            self.constant = float(-0.5 * np.sum(np.log(2.0 * np.pi * self.phi
                                                        / self.w[pos])))
        else:
            self.phi = 1.0
            # R's aic - sum of unit deviances, free of mu for integral counts (log C(n, k),
            # log y!); other data have no likelihood to integrate.
            shift = _aic_shift(problem)
            if shift is None:
                raise RError("quadrature needs integral counts: non-integer "
                             f"{family.family} responses have no likelihood")
            self.constant = -0.5 * shift

    def logf(self, eta: np.ndarray) -> np.ndarray:
        """-d_i / (2 phi): log f without its constant (shape of ``eta``)."""
        mu = self.family.linkinv(eta)
        return self.family.dev_resids(self.y, mu, self.w) * (-0.5 / self.phi)

    def score_weight(self, eta: np.ndarray) -> tuple:
        """(d log f / d eta, Fisher weight w mu_eta^2 / (phi V(mu))) at ``eta``.

        The Fisher weight is the observed one for canonical links (logit, log,
        identity); for others it is lme4's PIRLS weight, a valid curvature for the
        Newton steps and the adaptive scale.
        """
        fam = self.family
        mu = fam.linkinv(eta)
        mueta = fam.mu_eta(eta)
        var = fam.variance(mu) * self.phi
        score = self.w * (self.y - mu) * mueta / var
        return score, self.w * mueta * mueta / var


@dataclass(frozen=True)
class MeglmFamily:
    """A response family of Stata's ``meglm`` that R's glm families lack.

    Stata: ``family(ordinal) link(logit | probit | cloglog)`` and ``family(nbinomial
    mean | constant)`` (log link).  Put in :class:`MixedProblem`'s ``family`` (with the
    response as category codes 0..K-1 for ordinal, counts for nbinomial); its extra
    parameters are passed to :func:`cond_lik` as ``aux``.

    Attributes
    ----------
    family : {"ordinal", "nbinomial", "gamma"}
    link : str
        A cumulative link for ordinal; "log" for nbinomial.
    dispersion : {"mean", "constant"} or None
        nbinomial's: NB2 (``/lnalpha``) or NB1 (``/lndelta``).
    """

    family: str
    link: str
    dispersion: Optional[str] = None

    def __post_init__(self):
        if self.family == "ordinal":
            if self.link not in CUMULATIVE_LINKS or self.dispersion is not None:
                raise RError(f"the ordinal family takes the links "
                             f"{', '.join(map(repr, CUMULATIVE_LINKS))}, no dispersion")
        elif self.family == "nbinomial":
            if self.link != "log" or self.dispersion not in NB_DISPERSIONS:
                raise RError('the nbinomial family takes the log link and dispersion '
                             '"mean" or "constant"')
        elif self.family == "gamma":
            # Stata's family(gamma): log link, the scale /logs (:mod:`.agq_gamma`)
            if self.link != "log" or self.dispersion is not None:
                raise RError("the gamma family takes the log link, no dispersion")
        else:
            raise RError(f"unknown meglm family {self.family!r}")


def row_constants(resp) -> np.ndarray:
    """c_i of each row: the part of log f(y_i | eta_i) free of eta (sums to
    ``resp.constant`` up to rounding).

    R: the per-row terms of the family's ``aic`` minus the unit deviance (binomial:
    ``(w/m) log C(m, m y) + w [y log y + (1 - y) log(1 - y)]`` with R's m, the trials or
    the prior weights; Poisson: ``w (y log y - y - log y!)``), the gaussian's
    ``-log(2 pi phi / w_i) / 2``; ordinal 0; negative binomial ``-w log y!``.
    """
    if isinstance(resp, OrdinalLik):
        return np.zeros(resp.y.shape)
    if isinstance(resp, GammaLik):
        return -resp.w * resp.logy
    if isinstance(resp, NegBinLik):
        return -resp.w * special.gammaln(resp.y + 1.0)
    y, w = resp.y, resp.w
    name = resp.family.family
    if name == "gaussian":
        pos = w > 0
        out = np.zeros(y.shape)
        out[pos] = -0.5 * np.log(2.0 * np.pi * resp.phi / w[pos])
        return out
    if name == "poisson":
        return w * (special.xlogy(y, y) - y - special.gammaln(y + 1.0))
    # binomial: R's m is the trials when any exceed 1, else the prior weights
    m = resp.n_trials if np.any(resp.n_trials > 1) else w
    k = np.round(m * y)
    mm = np.round(m)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(m > 0, w / np.where(m > 0, m, 1.0), 0.0)
    lchoose = special.gammaln(mm + 1.0) - special.gammaln(k + 1.0) \
        - special.gammaln(mm - k + 1.0)
    return ratio * lchoose + w * (special.xlogy(y, y) + special.xlogy(1.0 - y, 1.0 - y))


class PWeighted:
    """A response with sampling weights: ``w_i log f(y_i | eta_i)``.

    Stata: ``meglm ... [pweight=w]`` (the pseudo log likelihood's observation level).
    Wraps :class:`CondLik`, :class:`~.agq_ordinal.OrdinalLik` or
    :class:`~.agq_negbin.NegBinLik`: ``logf``, ``score_weight`` and ``constant`` are
    the wrapped ones times the weights (rows in the engine's order).

    Attributes
    ----------
    resp : the wrapped response
    pweights : numpy.ndarray (n,)
    constant : float
        sum_i w_i c_i (:func:`row_constants`).
    """

    def __init__(self, resp, pweights: np.ndarray):
        self.resp = resp
        self.pweights = np.asarray(pweights, dtype=np.float64)
        self.constant = float(np.sum(self.pweights * row_constants(resp)))

    def logf(self, eta: np.ndarray) -> np.ndarray:
        """w_i log f_i without its constant (shape of ``eta``)."""
        return self.pweights * self.resp.logf(eta)

    def score_weight(self, eta: np.ndarray) -> tuple:
        """The wrapped score and curvature, each times w_i."""
        score, weight = self.resp.score_weight(eta)
        return self.pweights * score, self.pweights * weight


def cond_lik(problem: MixedProblem, order: np.ndarray, sigma=None, aux=None,
             pweights=None):
    """The response object of ``problem`` (rows in ``order``) for the engine.

    Parameters
    ----------
    problem : MixedProblem
        Family an R family (binomial, poisson, gaussian) or a :class:`MeglmFamily`.
    order : numpy.ndarray (n,)
    sigma : float, optional
        The gaussian residual SD.
    aux : array, optional
        The ordinal cutpoints kappa_1 < ... < kappa_{K-1} (Stata's ``/cut1``...), or
        nbinomial's log dispersion (``/lnalpha`` or ``/lndelta``, one value).
    pweights : array (n,), optional
        Sampling weights of the rows, in the problem's order (:class:`PWeighted`).

    Returns
    -------
    CondLik, OrdinalLik, NegBinLik or PWeighted
        Each with ``logf(eta)``, ``score_weight(eta)`` and ``constant``.
    """
    resp = _cond_lik(problem, order, sigma, aux)
    if pweights is None:
        return resp
    return PWeighted(resp, np.asarray(pweights, dtype=np.float64)[order])


def _cond_lik(problem: MixedProblem, order: np.ndarray, sigma, aux):
    family = problem.family
    if not isinstance(family, MeglmFamily):
        if aux is not None:
            raise RError("'aux' is for the ordinal and nbinomial families only")
        return CondLik(problem, order, sigma)
    if family.family == "gamma":
        aux = np.atleast_1d(np.asarray(np.nan if aux is None else aux, dtype=np.float64))
        if aux.shape != (1,) or not np.isfinite(aux[0]):
            raise RError("the gamma family needs its log scale ('aux', one number)")
        return GammaLik(problem.y[order], problem.weights[order], aux[0])
    if aux is None:
        raise RError(f"the {family.family} family needs its "
                     + ("cutpoints" if family.family == "ordinal"
                        else NB_DISPERSIONS[family.dispersion]) + " ('aux')")
    y, w = problem.y[order], problem.weights[order]
    if family.family == "ordinal":
        return OrdinalLik(y, w, family.link, aux)
    aux = np.atleast_1d(np.asarray(aux, dtype=np.float64))
    if aux.shape != (1,):
        raise RError(f"{NB_DISPERSIONS[family.dispersion]} must be one number")
    return NegBinLik(y, w, family.dispersion, aux[0])


def meglm_problem(X, y, reterms, family: MeglmFamily, weights=None, offset=None,
                  xnames=None) -> MixedProblem:
    """:func:`.problem.mixed_problem` for meglm's ordinal and nbinomial responses.

    Stata: ``meglm``'s response handling for ``family(ordinal)`` -- the categories are
    the distinct observed values, in order (an ordered factor's observed levels), coded
    0..K-1 -- and ``family(nbinomial)`` (non-negative integer counts).

    Parameters
    ----------
    X : array (n, p)
        For ordinal, without an intercept (the cutpoints take its place).
    y : array (n,) or pandas Categorical / categorical Series
    reterms : ReTerms
    family : MeglmFamily
    weights, offset, xnames : as :func:`.problem.mixed_problem`.

    Raises
    ------
    RError
        Missing values, fewer than 2 observed categories, negative or non-integer
        counts.
    """
    if family.family == "ordinal":
        if isinstance(y, pd.Series) and isinstance(y.dtype, pd.CategoricalDtype):
            y = y.array
        if isinstance(y, pd.Categorical):
            codes = np.asarray(y.codes)
            if np.any(codes < 0):
                raise RError("NA/NaN/Inf in 'y'")
            y = codes
        y = np.asarray(y, dtype=np.float64)
        if not np.all(np.isfinite(y)):
            raise RError("NA/NaN/Inf in 'y'")
        values, codes = np.unique(y, return_inverse=True)
        if values.size < 2:
            raise RError("an ordinal response needs at least 2 categories")
        y = codes.astype(np.float64)
    elif family.family == "gamma":
        y = np.asarray(y, dtype=np.float64)
        check_gamma_response(y[np.isfinite(y)])
    else:
        y = np.asarray(y, dtype=np.float64)
        NegBinLik(y[np.isfinite(y)], np.ones(int(np.isfinite(y).sum())),
                  family.dispersion, 0.0)  # its checks of the counts
    base = mixed_problem(X, y, reterms, None, weights=weights, offset=offset,
                         xnames=xnames)
    return replace(base, family=family)
