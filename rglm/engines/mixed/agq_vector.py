"""The marginal log likelihood of a GLMM by Gauss-Hermite quadrature over vector-valued
and nested random effects.

R: ``glmer(..., nAGQ = K, devFunOnly = TRUE)`` evaluated at (theta, beta), which lme4
allows for one scalar term only; Stata: the log likelihood ``meglm`` maximises with
``intmethod()`` and ``intpoints()`` (engine only: no fitting, no front end).

Supported random-effects structures (lme4's bars, via :class:`MixedProblem`):

* one grouping factor with q effects per group, from one term ``(x | g)`` or several
  terms on the same factor (``(1 | g) + (0 + x | g)``, ``(x || g)``): Lambda is block
  diagonal and the effects of a group are integrated jointly (product rule, K^q nodes);
* two grouping factors, one nested in the other (``(1 | school/class)``, or any terms
  whose inner groups each lie in one outer group): recursive integration
  (:mod:`.agq_nested`).

Crossed factors are refused (Stata integrates them by the Laplace approximation only).

The value is the log likelihood with all constants (R's ``logLik`` scale of ``glm`` and
of lme4's Laplace fits); lme4's nAGQ > 1 objective omits the data constant c(y):
``-2 * loglik - c(y)`` is lme4's value (glmm-behaviour.md section 1.6).

Sampling weights (:class:`PWeights`; Stata's ``[pweight=w]`` and ``|| g:, pweight(w)``)
give the pseudo log likelihood

    sum_s w_s log L_s,   L_s = int phi(v) prod_c [int phi(u) prod_i f_i^{w_i} du]^{w_c} dv,

each observation's log density times its weight, each inner group's log integral times
its weight inside the outer integral, each top-level group's log integral times its
weight (Rabe-Hesketh and Skrondal 2006, Multilevel modelling of complex survey data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping, Optional

import numpy as np

from rglm.errors import RError

from .agq_level import INTMETHODS, check_intpoints, gsum, integrate_level, level_of
from .agq_nested import nested_loglik
from .agq_response import cond_lik, row_constants
from .problem import MixedProblem

__all__ = ["QuadLik", "PWeights", "marginal_loglik"]


@dataclass(frozen=True)
class PWeights:
    """Sampling weights of the observations and of the groups of each level.

    Stata: ``meglm y x [pweight=w1] || psu:, pweight(w3) || ssu:, pweight(w2)``.

    Attributes
    ----------
    obs : numpy.ndarray (n,), optional
        The observations' weights (problem rows).
    levels : mapping {group: numpy.ndarray (n,)}
        Per grouping factor (its name in the problem's terms, ``class:school`` for a
        nested one), the weight of each row's group: constant within the factor's
        groups (the caller checks; the first row of each group is taken).
    """

    obs: Optional[np.ndarray] = field(default=None, repr=False)
    levels: Mapping[str, np.ndarray] = field(default_factory=dict, repr=False)

    def __post_init__(self):
        for name, w in [("obs", self.obs)] + list(self.levels.items()):
            if w is not None:
                w = np.asarray(w, dtype=np.float64)
                if w.ndim != 1 or not np.all(np.isfinite(w)) or np.any(w < 0):
                    raise RError(f"sampling weights ({name}) must be non-negative numbers")
        object.__setattr__(self, "levels", MappingProxyType(
            {g: np.asarray(w, dtype=np.float64) for g, w in self.levels.items()}))

    def rows(self, group: str) -> Optional[np.ndarray]:
        """The row weights of ``group`` (None when unweighted)."""
        return self.levels.get(group)


@dataclass(frozen=True)
class QuadLik:
    """The integrated log likelihood at (theta, beta[, sigma]).

    Attributes
    ----------
    loglik : float
        log L with all constants (Stata's ``e(ll)``; R's ``logLik``).
    constant : float
        Its data constant sum_i c_i (what lme4's nAGQ > 1 objective leaves out is
        ``-2 * constant``).
    group_loglik : numpy.ndarray
        log L of each top-level group without the constant (groups in level order).
    intmethod : str
    intpoints : int
    groups : tuple of str
        The grouping factors, outermost first.
    centre, scale : numpy.ndarray
        The top level's final node centres (G, q) and Cholesky scales (G, q, q), on the
        spherical scale u (b = Lambda u): conditional modes and curvatures, or
        posterior means and variances for ``mvaghermite``.
    group_constant : numpy.ndarray, optional
        The data constant of each top-level group (its rows' c_i times their
        observation and inner-group weights).
    group_weights : numpy.ndarray, optional
        Each top-level group's sampling weight (None: all 1).
    """

    loglik: float
    constant: float
    group_loglik: np.ndarray = field(repr=False)
    intmethod: str
    intpoints: int
    groups: tuple
    centre: np.ndarray = field(repr=False)
    scale: np.ndarray = field(repr=False)
    group_constant: Optional[np.ndarray] = field(default=None, repr=False)
    group_weights: Optional[np.ndarray] = field(default=None, repr=False)

    @property
    def group_contrib(self) -> np.ndarray:
        """Each top-level group's term of ``loglik``: w_s (log L_s + its constant);
        they sum to ``loglik`` (the per-cluster pieces of a robust variance)."""
        const = 0.0 if self.group_constant is None else self.group_constant
        w = 1.0 if self.group_weights is None else self.group_weights
        return w * (self.group_loglik + const)

    @property
    def lme4_objective(self) -> float:
        """lme4's nAGQ > 1 value: -2 log L without the data constant."""
        return -2.0 * (self.loglik - self.constant)


def _level_columns(problem: MixedProblem, theta: np.ndarray) -> list:
    """[(group name, codes (n,), V (n, q))] per grouping factor, in the terms' order:
    the terms of one factor side by side (Lambda block diagonal)."""
    st = problem.structure
    out: dict = {}
    for t, T in zip(st.terms, st.tmats(theta)):
        cols = t.X @ T
        if t.group in out:
            out[t.group][1].append(cols)
        else:
            out[t.group] = (np.asarray(t.codes, dtype=np.int64), [cols])
    return [(g, codes, np.concatenate(cols, axis=1)) for g, (codes, cols) in out.items()]


def _nested_in(inner: np.ndarray, outer: np.ndarray) -> bool:
    """Each level of ``inner`` lies in one level of ``outer``."""
    n_in = inner.max() + 1
    return np.unique(inner + n_in * outer).size == np.unique(inner).size


def marginal_loglik(problem: MixedProblem, theta, beta, *, intmethod: str = "mvaghermite",
                    intpoints: int = 7, sigma: Optional[float] = None,
                    aux=None, pweights: Optional[PWeights] = None) -> QuadLik:
    """The GLMM log likelihood integrated by (adaptive) Gauss-Hermite quadrature.

    R: ``glmer(..., nAGQ = intpoints, devFunOnly = TRUE)(c(theta, beta))`` (one scalar
    term, ``mcaghermite``; lme4 leaves out c(y)); Stata: ``meglm``'s log likelihood
    at given parameters (``intmethod()``, ``intpoints()``).

    Parameters
    ----------
    problem : MixedProblem
        binomial (Bernoulli or counts), poisson or gaussian family, or meglm's ordinal
        or nbinomial (:class:`~.agq_response.MeglmFamily`).
    theta : array
        lme4's covariance parameters (Lambda's lower-triangular entries, per term).
    beta : array (p,)
        Fixed effects.
    intmethod : {"mvaghermite", "mcaghermite", "ghermite", "laplace"}
        Stata's default is ``"mvaghermite"``; ``"laplace"`` uses one point.
    intpoints : int
        Points per random-effect dimension (and per level when nested).
    sigma : float, optional
        The residual standard deviation of a gaussian response (required for it).
    aux : array, optional
        The extra parameters of a :class:`~.agq_response.MeglmFamily` response
        (required for it): ordinal cutpoints, or nbinomial's log dispersion.
    pweights : PWeights, optional
        Sampling weights: the value is then the pseudo log likelihood (module doc).

    Raises
    ------
    RError
        Unknown method; intpoints below 1, above 100, or with q * intpoints^q above
        :data:`~.agq_level.MAX_NODE_COORDS` (q the effects integrated jointly: per group,
        or per inner and outer level together); crossed or more than two grouping
        factors; another family.
    """
    if intmethod not in INTMETHODS:
        raise RError(f"intmethod must be one of {', '.join(map(repr, INTMETHODS))}")
    theta = np.asarray(theta, dtype=np.float64)
    beta = np.asarray(beta, dtype=np.float64)
    if theta.shape != (problem.structure.ntheta,) or beta.shape != (problem.p,):
        raise RError(f"need {problem.structure.ntheta} theta and {problem.p} beta values")
    levels = _level_columns(problem, theta)
    pw = PWeights() if pweights is None else pweights
    unknown = set(pw.levels) - {g for g, _, _ in levels}
    sizes = [len(w) for w in [pw.obs, *pw.levels.values()] if w is not None]
    if any(k != problem.n for k in sizes):
        raise RError(f"sampling weights need one value per observation ({problem.n})")
    if unknown:
        raise RError(f"sampling weights for {', '.join(sorted(unknown))}: not a grouping "
                     "factor of the model")
    q_total = sum(V.shape[1] for _, _, V in levels)
    K = 1 if intmethod == "laplace" else check_intpoints(intpoints, q_total)
    eta_fix = problem.offset + problem.X @ beta
    if len(levels) == 1:
        name, codes, V = levels[0]
        order = np.argsort(codes, kind="stable")
        cl = cond_lik(problem, order, sigma, aux, pw.obs)
        level = level_of(V[order], codes[order])
        logl, a, S = integrate_level(cl, eta_fix[order][None, :], level, intmethod, K)
        groups = (name,)
        logl, a, S = logl[0], a[0], S[0]
        top, w_in = level.starts, None
    elif len(levels) == 2:
        (g1, c1, V1), (g2, c2, V2) = levels
        if _nested_in(c1, c2):
            (g1, c1, V1), (g2, c2, V2) = (g2, c2, V2), (g1, c1, V1)
        elif not _nested_in(c2, c1):
            raise RError(f"random effects grouped by {g1!r} and {g2!r} are crossed, not "
                         "nested: quadrature integrates nested levels only (use the "
                         "Laplace approximation of glmer)")
        # outer g1, inner g2: rows by (outer, inner)
        order = np.lexsort((c2, c1))
        cl = cond_lik(problem, order, sigma, aux, pw.obs)
        w_in = pw.rows(g2)
        w_in = None if w_in is None else w_in[order]
        logl, a, S = nested_loglik(cl, eta_fix[order], c1[order], V1[order], c2[order],
                                   V2[order], intmethod, K, w_in)
        groups = (g1, g2)
        c1s = c1[order]
        top = np.flatnonzero(np.r_[True, c1s[1:] != c1s[:-1]])
    else:
        raise RError("quadrature integrates at most two nested grouping factors")
    # each row's constant times its observation and inner-group weights, per top group
    rc = row_constants(getattr(cl, "resp", cl))
    if pw.obs is not None:
        rc = rc * pw.obs[order]
    if w_in is not None:
        rc = rc * w_in
    group_constant = gsum(rc, top, -1)
    w_top = pw.rows(groups[0])
    if w_top is None and w_in is None:
        constant = cl.constant
        loglik = float(np.sum(logl)) + constant
    else:
        w_top = None if w_top is None else w_top[order][top]
        wt = 1.0 if w_top is None else w_top
        constant = float(np.sum(wt * group_constant))
        loglik = float(np.sum(wt * logl)) + constant
    return QuadLik(loglik=loglik, constant=constant,
                   group_loglik=logl, intmethod=intmethod, intpoints=K, groups=groups,
                   centre=a, scale=S, group_constant=group_constant,
                   group_weights=w_top)
