"""Fit a K-class mixture: starts -> EM -> direct maximisation -> order -> variance.

The pipeline of Stata's ``fmm`` (fmm-behaviour.md section 1.5):

1. starting values (:mod:`~rglm.engines.em.starts`), each draw run through the EM
   iterations (:mod:`~rglm.engines.em.em`), every draw's log likelihood recorded;
2. the best ``polish`` draws by their EM log likelihood (Stata: the best one) maximised
   directly (:func:`~rglm.engines.em.newton.maximize`) until the gradient norm is below
   ``ml.gtol``; the best result kept;
3. the classes put in the canonical order (:mod:`~rglm.engines.em.order`);
4. the variance (:mod:`~rglm.engines.em.vce`) and the marginal class probabilities with
   delta-method standard errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from rglm.errors import RError
from rglm.families.densities.links import mean_derivatives
from rglm.engines.em.constraints import free_map
from rglm.engines.em.derivatives import gradient, hessian, row_scores
from rglm.engines.em.em import EmControl, EmptyClass, initial_state, run_em
from rglm.engines.em.layout import Layout, layout_of
from rglm.engines.em.loglik import MixtureState, evaluate
from rglm.engines.em.newton import MlControl, maximize
from rglm.engines.em.order import canonical_order, permute_classes
from rglm.engines.em.problem import MixtureProblem
from rglm.engines.em.records import MixtureFitRecord, StartRecord
from rglm.engines.em.starts import Start, StartValues, jitter_thetas, make_starts
from rglm.engines.em.vce import resolve_vce, vcov_from

__all__ = ["fit_mixture", "class_probabilities", "mixture_vcov"]

ORDERS = ("canonical", "as_fitted")


def class_probabilities(problem: MixtureProblem, layout: Layout, state: MixtureState,
                        vcov: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Marginal class probabilities ``P_k = sum w pi_ik / sum w`` and their delta-method
    standard errors (Stata's ``estat lcprob``); ``dP_k/dg_j = sum w pi_k (delta_kj -
    pi_j) z / sum w``."""
    w = problem.weights
    total = w.sum()
    prior = state.prior
    prob = w @ prior / total
    jac = np.zeros((layout.k, layout.size))
    for k in range(layout.k):
        for j in layout.others:
            coef = w * prior[:, k] * ((1.0 if k == j - 1 else 0.0) - prior[:, j - 1])
            jac[k, layout.gamma_slice(j)] = problem.z.T @ coef / total
    var = np.einsum("kp,pq,kq->k", jac, np.nan_to_num(vcov), jac)
    involved = np.isnan(vcov[: layout.n_gamma, : layout.n_gamma]).any() if layout.n_gamma else False
    se = np.sqrt(np.maximum(var, 0.0))
    if involved:
        se[:] = np.nan
    return prob, se


@dataclass(frozen=True)
class _Run:
    """What is kept of one start's EM run."""

    draw: int
    em_loglik: float = np.nan
    em_iterations: int = 0
    theta: Optional[np.ndarray] = None
    status: str = "ok"


def _boundary_notes(problem: MixtureProblem, state: MixtureState) -> list[str]:
    """Signs of a maximum at the edge of the parameter space: a class collapsing onto a
    few observations (its ancillary at ``problem.ancillary_limit``), or a binomial class
    whose members a covariate separates (fitted probabilities numerically 0 or 1: the
    supremum is at infinite coefficients)."""
    notes = []
    fam = problem.family
    if problem.ancillary_limit is not None and state.anc is not None:
        near = fam.collapse * state.anc > problem.ancillary_limit - 1.0
        notes += [f"class {k + 1} collapses onto a few observations: its {fam.ancillary} is "
                  f"at its limit (a degenerate maximum)" for k in np.flatnonzero(near)]
    if fam.name in ("bernoulli", "binomial"):
        md = mean_derivatives(fam.link, state.eta)
        eps = 10 * np.finfo(float).eps
        edge = ((md.mu < eps) | (md.one_minus_mu < eps)) & (state.posterior > 0.5)
        notes += [f"class {k + 1}: fitted probabilities numerically 0 or 1 occurred (its "
                  f"members are separated; the maximum may be at infinity)"
                  for k in np.flatnonzero(edge.any(axis=0))]
    return notes


def _check_k(problem: MixtureProblem, k, n_free: int) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise RError("'k' must be a positive integer")
    informative = int((problem.weights > 0).sum())
    if n_free >= informative:
        raise RError(f"{k} classes need {n_free} parameters, more than the "
                     f"{informative} observations allow")
    return int(k)


def _one_class_start(problem: MixtureProblem, spec: StartValues, layout: Layout) -> list[Start]:
    """``jitter`` starts: around the one-class maximum likelihood fit."""
    one = layout_of(problem, 1)
    fmap = free_map(one)
    state = initial_state(problem, one, fmap, Start(0, posterior=np.ones((problem.n, 1))))
    result = maximize(problem, one, fmap, state.theta)
    h = hessian(problem, one, result.state)
    se = np.sqrt(np.diag(vcov_from(problem, fmap, h, None, "oim")))
    return jitter_thetas(layout, result.state.theta, se, spec, problem.n)


def fit_mixture(problem: MixtureProblem, k: int, *, start: StartValues = StartValues(),
                em: EmControl = EmControl(), ml: MlControl = MlControl(),
                vce: str = "oim", order: str = "canonical", lcbase: int = 1,
                polish: int = 1, trace: Optional[Callable[..., None]] = None
                ) -> MixtureFitRecord:
    """Maximum likelihood fit of a ``k``-class mixture of ``problem``'s family.

    R: (none; flexmix::flexmix + refit(); Stata: ``fmm k: glm``)

    Parameters
    ----------
    problem : MixtureProblem
    k : int
        Number of classes.
    start : StartValues
        Stata's ``startvalues()`` (default ``factor``).
    em : EmControl
        Stata's ``emopts()`` and the M-step.
    ml : MlControl
        The direct maximisation's controls.
    vce : {"oim", "opg", "robust", "cluster"}
    order : {"canonical", "as_fitted"}
        Relabel the classes into the canonical order (default), or keep the fitted
        labels. Constraints that the relabelling would break keep the fitted labels.
    lcbase : int
        The base class (1-based) of the class-probability model (Stata's ``lcbase()``).
    polish : int
        How many of the best starts (by their EM log likelihood) go on to the direct
        maximisation (Stata: 1).
    trace : callable, optional
        Called as each start ends its EM phase, ``trace("em", draw, loglik,
        iterations)``, and its direct maximisation, ``trace("ml", draw, loglik,
        iterations)`` (the front end's progress display; the engine writes nothing).

    Returns
    -------
    MixtureFitRecord

    Raises
    ------
    RError
        Bad arguments, every start failing (empty classes), or more parameters than
        observations.
    """
    # Trial points of the line searches may overflow (a density of exp(800)); the
    # optimisers check every point for finite values and step back, so numpy's
    # floating-point warnings would only repeat that to the user.
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        return _fit(problem, k, start, em, ml, vce, order, lcbase, polish, trace)


def _fit(problem, k, start, em, ml, vce, order, lcbase, polish, trace) -> MixtureFitRecord:
    if trace is None:
        def trace(*args):
            return None
    if order not in ORDERS:
        raise RError("'order' should be one of \"canonical\", \"as_fitted\"")
    k = _check_k(problem, k, 1)
    if isinstance(lcbase, bool) or not isinstance(lcbase, (int, np.integer)) \
            or not 1 <= lcbase <= k:
        raise RError(f"'lcbase' must be a class 1..{k}")
    vce_used = resolve_vce(problem, vce)
    layout = layout_of(problem, k, base=int(lcbase))
    fmap = free_map(layout, problem.lcinvariant, problem.constraints)
    _check_k(problem, k, fmap.n_free)
    if isinstance(polish, bool) or not isinstance(polish, (int, np.integer)) or polish < 1:
        raise RError("'polish' must be a positive integer")

    starts = (_one_class_start(problem, start, layout) if start.method == "jitter"
              else make_starts(problem, layout, start))
    # Only numbers and parameter vectors are kept from each run, not its (n, K) arrays:
    # with a million rows a state is tens of megabytes.
    runs: list[_Run] = []
    notes: list[str] = []
    for s in starts:
        try:
            first = initial_state(problem, layout, fmap, s)
            if not first.usable:
                runs.append(_Run(s.draw, status="the start has no finite log likelihood"))
                continue
            result = run_em(problem, layout, fmap, first, em)
            del first
        except (EmptyClass, np.linalg.LinAlgError) as err:
            runs.append(_Run(s.draw, status=str(err)))
            continue
        if result.reseeds:
            notes.append(f"draw {s.draw}: an empty class was reseeded {result.reseeds} time(s)")
        runs.append(_Run(s.draw, result.state.loglik, result.iterations, result.state.theta))
        trace("em", s.draw, result.state.loglik, result.iterations)
        del result
    good = [r for r in runs if r.theta is not None and np.isfinite(r.em_loglik)]
    if not good:
        raise RError(runs[0].status if runs and runs[0].status != "ok" else
                     "no start reached a finite log likelihood")
    finals: dict[int, tuple[float, np.ndarray, int]] = {}
    for run in sorted(good, key=lambda r: -r.em_loglik)[: int(polish)]:
        result = maximize(problem, layout, fmap, run.theta, ml)
        finals[run.draw] = (result.state.loglik, result.state.theta, result.iterations)
        trace("ml", run.draw, result.state.loglik, result.iterations)
        del result
    best_draw = max(finals, key=lambda d: finals[d][0])
    _, theta, iterations = finals[best_draw]
    best_em = next(r for r in runs if r.draw == best_draw)

    perm = np.arange(k)
    if order == "canonical" and k > 1:
        perm = canonical_order(problem, layout, evaluate(problem, layout, theta, order=0))
        relabelled = permute_classes(layout, theta, perm)
        # Constraints that treat the classes alike (lcinvariant, a symmetric user
        # constraint) hold after relabelling; others name classes, and the labels stay.
        if fmap.permutable or np.allclose(fmap.project(relabelled), relabelled,
                                          rtol=1e-10, atol=1e-12):
            theta = relabelled
        else:
            perm = np.arange(k)
            notes.append("classes left in the fitted order: the constraints name classes")
    state = evaluate(problem, layout, theta, order=2)
    g = fmap.basis.T @ gradient(problem, layout, state)
    grad_norm = float(np.linalg.norm(g))
    h = hessian(problem, layout, state)
    scores = None if vce_used == "oim" else row_scores(problem, layout, state)
    vcov = vcov_from(problem, fmap, h, scores, vce_used)
    if np.isnan(np.diag(vcov)).any():
        notes.append("the information matrix is singular: some standard errors are missing")
    notes += _boundary_notes(problem, state)
    prob, prob_se = class_probabilities(problem, layout, state, vcov)
    records = tuple(
        StartRecord(draw=r.draw, em_loglik=r.em_loglik, em_iterations=r.em_iterations,
                    loglik=finals[r.draw][0] if r.draw in finals else np.nan,
                    status=r.status)
        for r in runs)
    return MixtureFitRecord(
        problem=problem, layout=layout, free=fmap, theta=theta, loglik=state.loglik,
        converged=grad_norm < ml.gtol, gradient_norm=grad_norm, iterations=iterations,
        em_iterations=best_em.em_iterations, vce=vce_used, vcov=vcov, hessian=h,
        nobs=problem.nobs,
        n_clusters=None if problem.cluster is None else int(problem.cluster.max()) + 1,
        prior=state.prior, posterior=state.posterior, eta=state.eta, class_prob=prob,
        class_prob_se=prob_se, starts=records, order=tuple(int(i) for i in perm),
        notes=tuple(notes))


def mixture_vcov(fit: MixtureFitRecord, vce: str) -> np.ndarray:
    """The variance of ``fit.theta`` by another estimator (``oim``, ``opg``, ``robust``,
    ``cluster``; pweights make ``oim`` robust), from the fit's Hessian and its rows'
    scores.

    R: (none; Stata: ``fmm ..., vce()``)
    """
    problem, layout = fit.problem, fit.layout
    used = resolve_vce(problem, vce)
    scores = None
    if used != "oim":
        scores = row_scores(problem, layout, evaluate(problem, layout, fit.theta, order=1))
    return vcov_from(problem, fit.free, fit.hessian, scores, used)
