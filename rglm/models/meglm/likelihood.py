"""meglm's log likelihood as a function of Stata's parameter vector.

Stata: the function ``meglm`` maximises, on its scales (fixed effects, then each
level's log standard deviations / Cholesky elements, then ``log sd(e.y)`` for a gaussian
response). The integral itself is the engine's
(:func:`rglm.engines.mixed.agq_vector.marginal_loglik`, lme4's parametrisation theta
of Lambda); this module maps the parameters to theta.

lme4's terms on one grouping factor (``(1 | g) + (0 + x | g)``) are merged into one
term per factor here, so that a covariance structure may couple them (Stata's
``covariance()`` is a property of the level, not of a term).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import NamedTuple, Optional

import numpy as np
import scipy.sparse as sp

from rglm.engines.mixed.agq_response import MeglmFamily
from rglm.engines.mixed.agq_vector import PWeights, QuadLik, marginal_loglik
from rglm.engines.mixed.glmm_deviance import GlmmDeviance
from rglm.engines.mixed.laplace_general import GeneralLaplace
from rglm.engines.mixed.lmm_deviance import LmmDeviance
from rglm.engines.mixed.problem import MixedProblem
from rglm.engines.mixed.structure import structure_of
from rglm.errors import RError
# mk_reterms' own pieces: lme4's term order, Lambdat's pattern, theta's names
from rglm.formula.bars import ReTerm, ReTerms, _lambdat, _sort_order, _theta_names


__all__ = ["merged_reterms", "merged_problem", "MeglmLik", "MeglmParams", "level_nesting",
           "crossed_deviance"]


class MeglmParams(NamedTuple):
    """Stata's parameter vector x cut into its blocks (:meth:`MeglmLik.parts`).

    ``beta`` the fixed effects; ``psis`` one array per level (its covariance
    structure's parameters, :mod:`.covariance`); ``aux`` the family's own parameters
    (ordinal cutpoints ``/cut1``..., nbinomial's ``/lnalpha`` or ``/lndelta``; an empty
    array for the other families); ``sigma`` the gaussian residual SD (None otherwise;
    x holds its log).
    """

    beta: np.ndarray
    psis: list
    aux: np.ndarray
    sigma: Optional[float]


def merged_reterms(reterms: ReTerms) -> tuple:
    """One term per grouping factor (its terms' columns side by side), and per factor
    the number of columns of each original term (its lme4 blocks).

    R: ``mkReTrms`` of a single bar per factor (``(1 + x | g)`` for ``(1 | g) +
    (0 + x | g)``), terms in lme4's order (decreasing number of levels).
    """
    by_group: dict = {}
    for t in reterms.terms:
        by_group.setdefault(t.group, []).append(t)
    built, blocks = [], {}
    for g, ts in by_group.items():
        blocks[g] = [t.p for t in ts]
        if len(ts) == 1:
            built.append(ts[0])
            continue
        X = np.concatenate([t.X for t in ts], axis=1)
        X.setflags(write=False)
        cnms = tuple(c for t in ts for c in t.cnms)
        built.append(ReTerm(bar=ts[0].bar, name=" + ".join(t.name for t in ts),
                            group=g, levels=ts[0].levels, codes=ts[0].codes, X=X,
                            cnms=cnms))
    terms_ = tuple(built[i] for i in _sort_order([t.nl for t in built]))
    n = reterms.n
    Gp = np.concatenate([[0], np.cumsum([t.nl * t.p for t in terms_])]).astype(np.int64)
    thoff = np.concatenate([[0], np.cumsum([t.ntheta for t in terms_])]).astype(np.int64)
    cols = np.concatenate([Gp[k] + t.codes[:, None] * t.p + np.arange(t.p)[None, :]
                           for k, t in enumerate(terms_)], axis=1)
    vals = np.concatenate([t.X for t in terms_], axis=1)
    P = vals.shape[1]
    Zt = sp.csr_matrix((vals.ravel(), cols.ravel(), np.arange(0, n * P + 1, P)),
                       shape=(n, int(Gp[-1]))).T.tocsc()
    Lambdat, Lind = _lambdat(terms_, Gp, thoff)
    # theta's diagonal elements (bounded below by 0) are those on Lambda's diagonal
    cols_of = np.repeat(np.arange(Lambdat.shape[1]), np.diff(Lambdat.indptr))
    lower = np.full(int(thoff[-1]), -np.inf)
    lower[Lind[Lambdat.indices == cols_of]] = 0.0
    theta = np.where(np.isfinite(lower), 1.0, 0.0)
    Lambdat.data = theta[Lind]
    flist = {t.group: (t.levels, t.codes) for t in terms_}
    merged = ReTerms(terms=terms_, Zt=Zt, Lambdat=Lambdat, Lind=Lind, theta=theta,
                     lower=lower, Gp=Gp, theta_offsets=thoff,
                     flist=MappingProxyType(flist), flist_assign=tuple(range(len(terms_))),
                     cnms=tuple((t.group, t.cnms) for t in terms_),
                     theta_names=tuple(nm for t in terms_ for nm in
                                       _theta_names(t.group, t.cnms)), n=n)
    return merged, blocks


def _nested_in(inner: np.ndarray, outer: np.ndarray) -> bool:
    n_in = inner.max() + 1
    return np.unique(inner + n_in * outer).size == np.unique(inner).size


def level_nesting(reterms: ReTerms) -> Optional[tuple]:
    """The grouping factors outermost first when each is nested in the one before it;
    None when two of them are crossed."""
    terms = sorted(reterms.terms, key=lambda t: t.nl)
    for outer, inner in zip(terms, terms[1:]):
        if not _nested_in(inner.codes, outer.codes):
            return None
    return tuple(t.group for t in terms)


@dataclass(frozen=True)
class MeglmLik:
    """The log likelihood at Stata's parameters x = (beta, psi per level, aux[, log
    sigma]); ``aux`` the family's own parameters (``naux`` of them: ordinal cutpoints,
    nbinomial's log dispersion).

    Attributes
    ----------
    problem : MixedProblem
        With one random-effects term per grouping factor.
    levels : tuple of LevelCov
        In the problem's term order.
    intmethod : str
    intpoints : int
    crossed : bool
        Crossed factors: the Laplace approximation (Stata's rule).
    deviance : GlmmDeviance, LmmDeviance or GeneralLaplace, optional
        For crossed factors: lme4's Laplace deviance (R's families), lmer's least
        squares (a gaussian response), the general Laplace with the observed curvature
        (ordinal, nbinomial, gamma) (:func:`crossed_deviance`).
    naux : int
        The number of the family's own parameters (0 for R's families).
    pweights : PWeights, optional
        Stata's sampling weights (observations and levels): the value is then the
        pseudo log likelihood. None when unweighted.
    """

    problem: MixedProblem = field(repr=False)
    levels: tuple
    intmethod: str
    intpoints: int
    crossed: bool
    deviance: Optional[object] = field(default=None, repr=False, compare=False)
    naux: int = 0
    pweights: Optional[PWeights] = field(default=None, repr=False, compare=False)

    @property
    def gaussian(self) -> bool:
        return self.problem.family.family == "gaussian"

    @property
    def sizes(self) -> tuple:
        """(p, parameters per level..., naux, 1 or 0 for sigma)."""
        return (self.problem.p,) + tuple(lv.nparam for lv in self.levels) + (
            self.naux, int(self.gaussian))

    @property
    def npar(self) -> int:
        return int(sum(self.sizes))

    def parts(self, x: np.ndarray) -> MeglmParams:
        """x cut into (beta, [psi per level], aux, sigma or None)."""
        cuts = np.cumsum(self.sizes)[:-1]
        blocks = np.split(np.asarray(x, dtype=np.float64), cuts)
        sigma = float(np.exp(blocks[-1][0])) if self.gaussian else None
        return MeglmParams(blocks[0], blocks[1:-2], blocks[-2], sigma)

    def theta(self, psis, sigma) -> np.ndarray:
        """lme4's theta: each level's Cholesky factor, relative to sigma (gaussian)."""
        st = self.problem.structure
        scale = 1.0 if sigma is None else sigma
        out = np.zeros(st.ntheta)
        for k, (lv, psi) in enumerate(zip(self.levels, psis)):
            ii, jj = st.tril[k]
            off = st.reterms.theta_offsets[k]
            out[off:off + len(ii)] = lv.chol(psi)[ii, jj] / scale
        return out

    def evaluate(self, x) -> QuadLik:
        """The integrated likelihood at x (quadrature over nested levels)."""
        beta, psis, aux, sigma = self.parts(x)
        theta = self.theta(psis, sigma)
        if sigma is not None:
            # the engine's gaussian theta is b's own scale (sigma a separate parameter)
            theta = theta * sigma
        return marginal_loglik(self.problem, theta, beta, intmethod=self.intmethod,
                               intpoints=self.intpoints, sigma=sigma,
                               aux=aux if self.naux else None, pweights=self.pweights)

    def loglik(self, x) -> float:
        """log L at x (-inf where the integral fails)."""
        if self.crossed:
            return self._laplace_crossed(x)
        try:
            value = self.evaluate(x).loglik
        except (RError, np.linalg.LinAlgError):
            # out of reach (eta in the hundreds) or an exchangeable correlation at
            # its bound: infeasible, the line search steps back
            return -np.inf
        return value if np.isfinite(value) else -np.inf

    def _laplace_crossed(self, x) -> float:
        beta, psis, aux, sigma = self.parts(x)
        try:
            if isinstance(self.deviance, GeneralLaplace):
                value = self.deviance.loglik(self.theta(psis, None), beta, aux)
            elif sigma is not None:
                value = _gaussian_loglik(self.deviance, self.theta(psis, sigma), beta,
                                         sigma)
            else:
                value = -0.5 * self.deviance.laplace(self.theta(psis, None), beta)
        except (RError, np.linalg.LinAlgError):
            return -np.inf
        return float(value) if np.isfinite(value) else -np.inf


def _gaussian_loglik(lmm: LmmDeviance, theta, beta, sigma: float) -> float:
    """The exact log likelihood of a linear mixed model at (theta, beta, sigma), theta
    relative to sigma (lme4's), for any random-effects structure, crossed included.

    Stata: ``meglm`` gaussian with crossed effects (its Laplace approximation, exact for
    a gaussian response); R: lmer's ML deviance before profiling beta and sigma out:
    with lmer's penalised least squares at theta (beta-hat, r^2, log|L|^2, R_X),

        -2 log L = n log(2 pi sigma^2) - sum log w + log|L|^2
                   + (r^2 + |R_X (beta - beta-hat)|^2) / sigma^2.
    """
    state = lmm.solve(theta)
    d = state.RX @ (np.asarray(beta, dtype=np.float64) - state.beta)
    rss = state.pwrss + float(d @ d)
    return -0.5 * (lmm.n * np.log(2.0 * np.pi * sigma * sigma) - lmm.ldW + state.ldL2
                   + rss / (sigma * sigma))


def crossed_deviance(problem: MixedProblem):
    """lme4's Laplace deviance with PIRLS run to convergence at each point (its state,
    the stored linear predictor, set once by the initial PIRLS); for a gaussian
    response (identity link) lmer's penalised least squares, whose likelihood is exact
    (:func:`_gaussian_loglik`); for meglm's ordinal, nbinomial and gamma responses the
    general Laplace approximation with the observed curvature (Stata's;
    :class:`~rglm.engines.mixed.laplace_general.GeneralLaplace`)."""
    fam = problem.family
    if isinstance(fam, MeglmFamily):
        return GeneralLaplace(problem)
    if fam.family == "gaussian" and fam.link == "identity":
        return LmmDeviance(replace(problem, family=None), REML=False)
    dev = GlmmDeviance(problem, tol=1e-10, exact=True)
    dev.initialize(np.asarray(problem.reterms.theta))
    return dev


def merged_problem(problem: MixedProblem) -> tuple:
    """The problem with one term per grouping factor, and each factor's lme4 blocks."""
    merged, blocks = merged_reterms(problem.reterms)
    return replace(problem, reterms=merged, structure=structure_of(merged)), blocks
