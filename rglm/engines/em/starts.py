"""Stata's starting-value methods (``startvalues()``): where each EM run begins.

A start is either a set of class memberships -- a posterior matrix (n, K), turned into
parameters by an M-step run to convergence -- or a parameter vector:

* ``factor`` (Stata's default; deterministic): Stata assigns classes from a factor
  analysis of the model's variables, by an undocumented rule. rglm's reading
  (fmm-behaviour.md section 3.4): the first principal component of the standardised
  outcome and non-constant class-model columns, cut at its K-quantiles into K groups
  (low scores -> class 1). An approximation of Stata's rule, not a copy of it.
* ``classid``: classes from a vector of 1..K (every class must appear);
* ``classpr``: an (n, K) matrix of class probabilities, rows normalised;
* ``randomid``: random classes, ``draws`` times;
* ``randompr``: uniform random class probabilities, normalised, ``draws`` times;
* ``jitter``: the one-class fit perturbed, ``draws`` times: each class's coefficients
  get ``c * N(0, 1) * SE`` (``SE`` the one-class standard error times ``sqrt(n)``,
  the coefficient's spread across the population) and its ancillary
  ``v * N(0, 1) * 0.5`` on the log scale (``#_c`` and ``#_v`` of Stata's ``jitter``);
* ``from``: a given parameter vector (Stata's ``from()``).

The class assignments of ``factor``, ``classid`` and ``randomid`` become posteriors 0.9
(the assigned class) and 0.1 (shared by the others), see ``_ASSIGNED``. Draws use
``numpy.random.default_rng(seed)``: the same seed gives the same starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from rglm.errors import RError
from rglm.engines.em.layout import Layout
from rglm.engines.em.problem import MixtureProblem

__all__ = ["StartValues", "START_METHODS", "Start", "make_starts", "factor_classes",
           "jitter_thetas"]

START_METHODS = ("factor", "classid", "classpr", "randomid", "randompr", "jitter", "from")


@dataclass(frozen=True)
class StartValues:
    """Stata's ``startvalues(method [, draws(#) seed(#)])`` (see the module notes).

    Attributes
    ----------
    method : str
        One of :data:`START_METHODS`.
    draws : int
        Random starts for ``randomid``, ``randompr`` and ``jitter`` (each runs the EM;
        the best log likelihood after the EM goes on to the direct maximisation).
    seed : int or None
    classid : array_like (n,) or None
        For ``classid``: classes 1..K.
    classpr : array_like (n, K) or None
        For ``classpr``.
    theta : array_like (P,) or None
        For ``from``.
    jitter : (float, float)
        ``(#_c, #_v)`` of ``jitter``.
    """

    method: str = "factor"
    draws: int = 1
    seed: Optional[int] = None
    classid: Optional[np.ndarray] = None
    classpr: Optional[np.ndarray] = None
    theta: Optional[np.ndarray] = None
    jitter: tuple[float, float] = (1.0, 1.0)


@dataclass(frozen=True)
class Start:
    """One start: a posterior matrix or a parameter vector (exactly one is set)."""

    draw: int
    posterior: Optional[np.ndarray] = None
    theta: Optional[np.ndarray] = None


# A hard class assignment enters the first M-step as posteriors 0.9 for the assigned
# class and 0.1 shared by the others (flexmix's rule): with 0/1 posteriors a class whose
# members a covariate separates (a bernoulli or binomial class, a class of zero counts)
# would have no finite M-step, and the EM would start from infinite coefficients.
_ASSIGNED = 0.9


def _one_hot(classes: np.ndarray, k: int) -> np.ndarray:
    if k == 1:
        return np.ones((classes.size, 1))
    out = np.full((classes.size, k), (1.0 - _ASSIGNED) / (k - 1))
    out[np.arange(classes.size), classes] = _ASSIGNED
    return out


def factor_classes(problem: MixtureProblem, k: int) -> np.ndarray:
    """0-based classes of the ``factor`` method (see the module notes)."""
    y = problem.response.y[:, 0]
    if problem.family.name == "binomial":
        y = y / problem.response.trials[:, 0]
    cols = [y] + [problem.x[:, j] for j in range(problem.p)]
    w = problem.weights
    total = w.sum()
    standard = []
    for c in cols:
        mean = w @ c / total
        sd = np.sqrt(w @ (c - mean) ** 2 / total)
        if sd > 0:
            standard.append((c - mean) / sd)
    data = np.column_stack(standard)
    cov = (data * w[:, None]).T @ data / total
    vals, vecs = np.linalg.eigh(cov)
    load = vecs[:, -1]
    load = load * (1.0 if load[0] >= 0 else -1.0)  # the outcome loads positively
    score = data @ load
    # Ties in the score (identical rows) go to the same class; quantiles by rank.
    ranks = np.argsort(np.argsort(score, kind="stable"), kind="stable")
    return np.minimum((ranks * k) // problem.n, k - 1)


def make_starts(problem: MixtureProblem, layout: Layout, spec: StartValues) -> list[Start]:
    """The starts of ``spec`` (the ``jitter`` ones need the one-class fit and are made
    by the caller from :func:`jitter_thetas`)."""
    k, n = layout.k, problem.n
    method = spec.method
    if method not in START_METHODS:
        listed = ", ".join(f'"{m}"' for m in START_METHODS)
        raise RError(f"'startvalues' should be one of {listed}")
    if spec.draws < 1:
        raise RError("'draws' must be a positive integer")
    rng = np.random.default_rng(spec.seed)
    if method == "factor":
        return [Start(1, posterior=_one_hot(factor_classes(problem, k), k))]
    if method == "classid":
        ids = np.asarray([] if spec.classid is None else spec.classid).reshape(-1)
        if ids.shape != (n,) or not np.isin(ids, np.arange(1, k + 1)).all():
            raise RError(f"'classid' must give each observation a class 1..{k}")
        if np.unique(ids).size != k:
            raise RError(f"'classid' must use every class 1..{k}")
        return [Start(1, posterior=_one_hot(ids.astype(np.intp) - 1, k))]
    if method == "classpr":
        pr = np.array([] if spec.classpr is None else spec.classpr, dtype=np.float64)
        if pr.shape != (n, k) or not np.isfinite(pr).all() or (pr < 0).any() \
                or not (pr.sum(axis=1) > 0).all():
            raise RError(f"'classpr' must be a nonnegative {n} x {k} matrix with positive "
                         f"row sums")
        return [Start(1, posterior=pr / pr.sum(axis=1, keepdims=True))]
    if method == "randomid":
        return [Start(d + 1, posterior=_one_hot(rng.integers(0, k, n), k))
                for d in range(spec.draws)]
    if method == "randompr":
        out = []
        for d in range(spec.draws):
            pr = rng.uniform(size=(n, k))
            out.append(Start(d + 1, posterior=pr / pr.sum(axis=1, keepdims=True)))
        return out
    if method == "from":
        theta = np.array(spec.theta, dtype=np.float64).reshape(-1)
        if theta.size != layout.size or not np.isfinite(theta).all():
            raise RError(f"'from' must give {layout.size} finite values")
        return [Start(1, theta=theta)]
    return []  # jitter: see jitter_thetas


def jitter_thetas(layout: Layout, one_class: np.ndarray, one_class_se: np.ndarray,
                  spec: StartValues, n: int) -> list[Start]:
    """``jitter`` starts around the one-class fit ``one_class`` (its coefficients and
    ancillary, with their standard errors)."""
    rng = np.random.default_rng(spec.seed)
    c, v = spec.jitter
    spread = np.where(np.isfinite(one_class_se), one_class_se * np.sqrt(n), 0.0)
    out = []
    for d in range(spec.draws):
        g = np.zeros((layout.q, layout.k))
        b = np.empty((layout.p, layout.k))
        anc = np.empty(layout.k) if layout.n_anc else None
        for k in range(layout.k):
            b[:, k] = one_class[: layout.p] + c * rng.standard_normal(layout.p) * spread[: layout.p]
            if layout.n_anc:
                anc[k] = one_class[layout.p] + v * rng.standard_normal() * 0.5
        out.append(Start(d + 1, theta=layout.pack(g, b, anc)))
    return out
