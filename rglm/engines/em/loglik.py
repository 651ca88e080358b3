"""The mixture log likelihood at a parameter vector: :func:`evaluate`.

For row i and class k, with ``eta_ik = x_i' b_k + offset_i`` and the class-probability
logits ``l_ik = z_i' g_k`` (``g_base = 0``)::

    log pi_ik = l_ik - logsumexp_j l_ij
    ll_i      = logsumexp_k (log pi_ik + log f_k(y_i | eta_ik, anc_k))
    tau_ik    = exp(log pi_ik + log f_ik - ll_i)          (posterior class probability)
    loglik    = sum_i w_i ll_i

Everything is on the log scale: a density of 1e-400 in every class still gives a finite
``ll_i`` and posteriors that sum to one. One matrix product gives every class's linear
predictor; the family evaluates all classes in one call. The (n, K) arrays are
column-major (Fortran order).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

import numpy as np

from rglm.families.densities import Derivatives
from rglm.engines.em.layout import Layout
from rglm.engines.em.problem import MixtureProblem

__all__ = ["MixtureState", "evaluate", "with_posterior", "log_sum_exp_rows",
           "complete_loglik"]


@dataclass(frozen=True)
class MixtureState:
    """The mixture at ``theta``.

    Attributes
    ----------
    theta : ndarray (P,)
    eta : ndarray (n, K)
        Linear predictors (offset included).
    anc : ndarray (K,) or None
        Ancillaries (log scale).
    log_prior : ndarray (n, K)
        ``log pi_ik``.
    dens : Derivatives
        ``log f_ik`` and its derivatives to the order evaluated.
    ll_rows : ndarray (n,)
        Each row's log likelihood (unweighted).
    loglik : float
        ``sum w_i ll_i``.
    posterior : ndarray (n, K)
        ``tau_ik`` (or posteriors held fixed: :func:`with_posterior`).
    """

    theta: np.ndarray
    eta: np.ndarray
    anc: Optional[np.ndarray]
    log_prior: np.ndarray
    dens: Derivatives
    ll_rows: np.ndarray
    loglik: float
    posterior: np.ndarray

    @property
    def usable(self) -> bool:
        """A finite log likelihood and finite derivatives: a point an optimiser may
        move to (a line search rejects the others)."""
        if not np.isfinite(self.loglik):
            return False
        d = self.dens
        # a sum is one pass without a temporary, and NaN or inf in it shows in the sum
        return all(v is None or np.isfinite(np.sum(v))
                   for v in (d.d_eta, d.d2_eta, d.d_anc, d.d2_anc, d.d2_eta_anc))

    @property
    def prior(self) -> np.ndarray:
        """``pi_ik`` (a read-only broadcast of one row when they do not vary by row)."""
        if self.log_prior.strides[0] == 0:
            return np.broadcast_to(np.exp(self.log_prior[0]), self.log_prior.shape)
        return np.exp(self.log_prior)


def log_sum_exp_rows(a: np.ndarray) -> np.ndarray:
    """``log(sum_k exp(a_ik))`` for each row, without overflow (-inf for a row of -inf).

    Column by column: numpy's reductions along a short last axis (``axis=1`` of an
    (n, 2) array) run an order of magnitude slower than elementwise operations on its
    columns."""
    cols = [a[:, k] for k in range(a.shape[1])]
    top = cols[0].copy()
    for c in cols[1:]:
        np.maximum(top, c, out=top)
    safe = np.where(np.isfinite(top), top, 0.0)
    total = np.exp(cols[0] - safe)
    for c in cols[1:]:
        total += np.exp(c - safe)
    with np.errstate(divide="ignore"):
        return safe + np.log(total)


def _log_prior(problem: MixtureProblem, g: np.ndarray) -> np.ndarray:
    if problem.z_intercept_only:
        logits = g[0]
        return np.broadcast_to(logits - np.logaddexp.reduce(logits), (problem.n, g.shape[1]))
    logits = problem.z @ g
    return logits - log_sum_exp_rows(logits)[:, None]


def evaluate(problem: MixtureProblem, layout: Layout, theta, order: int = 1) -> MixtureState:
    """The mixture at ``theta`` with the log densities' derivatives up to ``order``."""
    theta = np.asarray(theta, dtype=np.float64)
    g, b, anc = layout.unpack(theta)
    # (n, K) arrays are column-major: one class is one contiguous column, and the
    # reductions across classes of every row (log-sum-exp) run ten times faster than on
    # row-major arrays when K is small.
    eta = (b.T @ problem.x.T).T
    if problem.has_offset:
        eta += problem.offset[:, None]
    # A trial step of a line search may overflow a density (a huge dispersion, a mean
    # of 1e300): the non-finite log likelihood that results makes the step rejected,
    # so numpy's floating-point warnings about it say nothing to the user.
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        log_prior = _log_prior(problem, g)
        dens = problem.family.derivatives(problem.response, eta, anc, order)
        joint = log_prior + dens.logf
        ll_rows = log_sum_exp_rows(joint)
    w = problem.weights
    finite = np.isfinite(ll_rows)
    collapsed = (problem.ancillary_limit is not None and anc is not None
                 and bool((problem.family.collapse * anc > problem.ancillary_limit).any()))
    if finite.all() and not collapsed:
        loglik = float(w @ ll_rows)
        with np.errstate(under="ignore"):
            posterior = np.exp(joint - ll_rows[:, None])
    else:
        # a row impossible under every class (or a NaN from an overflowing step, or a
        # class collapsing onto a point): the point is infeasible; the optimisers step
        # back from it.
        # a collapsed class (problem.ancillary_limit) is infeasible like an impossible row
        loglik = -np.inf if collapsed or not np.isnan(ll_rows).any() else np.nan
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            posterior = np.exp(joint - np.where(finite, ll_rows, 0.0)[:, None])
        posterior[~finite] = 1.0 / layout.k
    return MixtureState(theta=theta, eta=eta, anc=anc, log_prior=log_prior, dens=dens,
                        ll_rows=ll_rows, loglik=loglik, posterior=posterior)


def with_posterior(state: MixtureState, posterior: np.ndarray) -> MixtureState:
    """The state with ``posterior`` held fixed in place of its own (an M-step's view)."""
    return replace(state, posterior=posterior)


def complete_loglik(problem: MixtureProblem, state: MixtureState) -> float:
    """``sum_i w_i sum_k tau_ik (log pi_ik + log f_ik)`` with the state's posteriors: the
    EM's Q function (terms with ``tau_ik = 0`` contribute nothing)."""
    joint = state.log_prior + state.dens.logf
    tau = state.posterior
    with np.errstate(invalid="ignore"):
        terms = np.where(tau > 0, tau * joint, 0.0)
    return float(problem.weights @ terms.sum(axis=1))
