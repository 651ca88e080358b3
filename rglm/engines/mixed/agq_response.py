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
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

import numpy as np
import pandas as pd

from rglm.errors import RError

from .agq_negbin import NB_DISPERSIONS, NegBinLik
from .agq_ordinal import CUMULATIVE_LINKS, OrdinalLik
from .glmm_deviance import _aic_shift
from .problem import MixedProblem, mixed_problem

__all__ = ["CondLik", "MeglmFamily", "cond_lik", "meglm_problem"]

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
    family : {"ordinal", "nbinomial"}
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
        else:
            raise RError(f"unknown meglm family {self.family!r}")


def cond_lik(problem: MixedProblem, order: np.ndarray, sigma=None, aux=None):
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

    Returns
    -------
    CondLik, OrdinalLik or NegBinLik
        Each with ``logf(eta)``, ``score_weight(eta)`` and ``constant``.
    """
    family = problem.family
    if not isinstance(family, MeglmFamily):
        if aux is not None:
            raise RError("'aux' is for the ordinal and nbinomial families only")
        return CondLik(problem, order, sigma)
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
    else:
        y = np.asarray(y, dtype=np.float64)
        NegBinLik(y[np.isfinite(y)], np.ones(int(np.isfinite(y).sum())),
                  family.dispersion, 0.0)  # its checks of the counts
    base = mixed_problem(X, y, reterms, None, weights=weights, offset=offset,
                         xnames=xnames)
    return replace(base, family=family)
