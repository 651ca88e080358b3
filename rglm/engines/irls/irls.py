"""Iteratively reweighted least squares in memory, step for step as R's ``glm.fit``.

The steps: :func:`~rglm.engines.irls.setup.prepare` (coercion and the family's
initialize), :func:`initial_eta` (etastart > start > mustart), then R's loop
(:func:`rglm.engines.irls.loop.irls`, shared with the chunked fit) driven by
:class:`InMemory`: :func:`working_response` (z and w on the informative rows), the WLS step
(:mod:`rglm.engines.irls.wls`: factored at every iteration, its QR decomposition and effects
completed for the last step only) and :func:`evaluate` (eta, mu, deviance of new
coefficients); then R's warnings (:mod:`rglm.engines.irls.endwarnings`) and the result
record (:mod:`rglm.engines.irls.assemble`).

The loop deliberately reproduces R's bookkeeping: the returned working weights, QR, R and
effects belong to the last WLS step (computed at the previous iterate's mu), while the
fitted values and deviance belong to the final coefficients. Matching R to 1e-10 needs
exactly that, not a refit at the final estimate.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

import numpy as np

from rglm.errors import RError
from rglm.families import gaussian
from rglm.engines.irls.assemble import assemble, fit_empty
from rglm.engines.irls.control import as_control
from rglm.engines.irls.endwarnings import extreme_fits, warn_after_loop
from rglm.engines.irls.history import weights_summary
from rglm.engines.irls.loop import IrlsOutcome, Progress, irls
from rglm.engines.irls.records import GlmFitResult
from rglm.engines.irls.setup import FitData, deparse_names, deviance, means, mu_eta_at, prepare
from rglm.engines.irls.wls import WlsStep, weighted_design, wls_step, wls_tolerance

__all__ = ["glm_fit", "initial_eta", "working_response", "evaluate", "InMemory", "Iterate",
           "Working", "WlsProblem"]


@dataclass(frozen=True)
class Iterate:
    """Coefficients and what they imply (R's ``start``, ``eta``, ``mu``, ``dev``).

    ``dev`` is None until computed: for the starting values until they are found valid,
    and while R's inner loop 2 halves a step (it computes no deviance there).
    """

    coef: Optional[np.ndarray]
    eta: np.ndarray
    mu: np.ndarray
    dev: Optional[float]


@dataclass(frozen=True)
class Working:
    """Working response ``z`` and weights ``w`` on the informative rows ``good``."""

    good: np.ndarray
    z: np.ndarray
    w: np.ndarray


@dataclass(frozen=True)
class WlsProblem:
    """One step's weighted least-squares problem: R's ``good``, ``w`` and ``z * w``.

    ``z`` itself is not kept: the WLS needs only ``z * w``, and ``glm.fit`` returns
    ``good`` and ``w^2`` but not ``z``; ``zw`` is None once the step is solved and
    completed (:func:`_settled`).
    """

    good: np.ndarray
    w: np.ndarray
    zw: Optional[np.ndarray]


def _valid(family, eta, mu) -> bool:
    """``valideta(eta) && validmu(mu)``; a family without them accepts everything."""
    valideta = getattr(family, "valideta", None)
    validmu = getattr(family, "validmu", None)
    return bool((valideta is None or valideta(eta)) and (validmu is None or validmu(mu)))


def initial_eta(data: FitData, etastart, start) -> tuple[np.ndarray, Optional[np.ndarray]]:
    """Starting linear predictor and R's ``coefold``.

    R: ``eta <- etastart %||% {if (!is.null(start)) offset + x %*% start else
    linkfun(mustart)}``. Only ``start`` sets ``coefold``, so with ``etastart`` or
    ``mustart`` a first step that fails is an error rather than a halving.
    """
    if etastart is not None:
        return np.array(etastart, dtype=np.float64).reshape(-1), None
    if start is not None:
        start = np.array(start, dtype=np.float64).reshape(-1)
        if start.shape[0] != data.nvars:
            raise RError(
                f"length of 'start' should equal {data.nvars} and correspond to initial "
                f"coefs for {deparse_names(data.xnames)}")
        return data.offset + data.x @ start, start
    return np.asarray(data.family.linkfun(data.mustart), dtype=np.float64), None


def working_response(data: FitData, eta: np.ndarray, mu: np.ndarray) -> Optional[Working]:
    """Working response ``z`` and weights ``w`` on the informative rows.

    R: the top of the IRLS loop. Rows with zero prior weight or ``mu_eta == 0`` carry no
    information and are left out of the WLS. Returns None when no row is informative.
    ``mu`` must be ``linkinv(eta)``, as everywhere in the loop.
    """
    family = data.family
    positive = data.weights > 0
    every_row = bool(positive.all())
    variance = family.variance(mu)
    varmu = variance if every_row else variance[positive]
    if np.isnan(varmu).any():
        raise RError("NAs in V(mu)")
    if (varmu == 0).any():
        raise RError("0s in V(mu)")
    mu_eta = mu_eta_at(family, eta, mu)
    if np.isnan(mu_eta if every_row else mu_eta[positive]).any():
        raise RError("NAs in d(mu)/d(eta)")
    good = positive & (mu_eta != 0)
    if every_row and good.all():
        w = _working_w(data.weights, mu_eta, variance)
        del variance, varmu  # an n-vector fewer while z is made
        return Working(good=good, z=_working_z(data, eta, mu, mu_eta), w=w)
    if not good.any():
        return None
    eta, mu, d = eta[good], mu[good], mu_eta[good]
    z = (eta - data.offset[good]) + (data.y[good] - mu) / d
    return Working(good=good, z=z, w=_working_w(data.weights[good], d, variance[good]))


def _working_z(data: FitData, eta, mu, mu_eta) -> np.ndarray:
    """``(eta - offset) + (y - mu) / mu.eta``, every row informative (a new array)."""
    z = eta - data.offset
    step = data.y - mu
    step /= mu_eta
    z += step
    return z


def _working_w(weights, mu_eta, variance) -> np.ndarray:
    """``sqrt((weights * mu.eta^2) / variance)``, R's order of operations (a new array)."""
    w = np.square(mu_eta)
    np.multiply(weights, w, out=w)
    w /= variance
    return np.sqrt(w, out=w)


def evaluate(data: FitData, coef: np.ndarray, with_deviance: bool = True) -> Iterate:
    """Linear predictor (all rows, offset included), means and deviance of ``coef``.

    ``with_deviance=False`` leaves the deviance undone (None), as R's inner loop 2 does.
    """
    eta = data.x @ coef
    eta += data.offset
    mu = means(data, eta)
    return Iterate(coef=coef, eta=eta, mu=mu,
                   dev=deviance(data, mu) if with_deviance else None)


@dataclass(frozen=True, eq=False)
class InMemory:
    """The in-memory :class:`~rglm.engines.irls.loop.IrlsEngine`: all rows at once.

    Attributes
    ----------
    data : FitData
    tol : float
        The WLS rank tolerance (:func:`~rglm.engines.irls.wls.wls_tolerance`).
    """

    data: FitData
    tol: float

    def start(self, eta: np.ndarray, coef: Optional[np.ndarray]) -> Iterate:
        """The starting point: ``mu = linkinv(eta)``, its deviance not yet computed."""
        return Iterate(coef=coef, eta=eta, mu=means(self.data, eta), dev=None)

    def problem(self, at: Iterate) -> Optional[WlsProblem]:
        working = working_response(self.data, at.eta, at.mu)
        if working is None:
            return None
        zw = working.z * working.w
        return WlsProblem(good=working.good, w=working.w, zw=zw)

    def solve(self, problem: WlsProblem, previous: Optional[WlsStep]) -> WlsStep:
        # Refilling the previous step's work array supersedes that step, whose pending
        # LSFit (held in this memory) is never needed: R keeps only the last step's.
        xw = weighted_design(self.data.x, problem.good, problem.w,
                             out=None if previous is None else previous.xw)
        return wls_step(xw, problem.zw, self.tol, previous=previous)

    def evaluate(self, coef: np.ndarray, progress: Progress, deviance: bool = True) -> Iterate:
        return evaluate(self.data, coef, with_deviance=deviance)

    def with_deviance(self, trial: Iterate) -> Iterate:
        if trial.dev is not None:
            return trial
        return replace(trial, dev=deviance(self.data, trial.mu))

    def valid(self, trial: Iterate) -> bool:
        return _valid(self.data.family, trial.eta, trial.mu)

    def weights_summary(self, problem: WlsProblem) -> tuple[float, float, float]:
        return weights_summary(problem.w)


def glm_fit(x, y, weights=None, start=None, etastart=None, mustart=None, offset=None,
            family=None, control=None, intercept: bool = True, singular_ok: bool = True,
            xnames=None, ynames=None) -> GlmFitResult:
    """Fit a generalized linear model by IRLS, exactly as R does.

    R: ``stats::glm.fit(x, y, weights, start, etastart, mustart, offset, family,
    control, intercept, singular.ok)``.

    Parameters
    ----------
    x : array_like or DataFrame, shape (nobs, nvars)
        Design matrix (a DataFrame's columns give ``xnames``). Not modified.
    y : array_like, shape (nobs,) or (nobs, 2)
        Response; two columns (successes, failures) for binomial families.
    weights : array_like, optional
        Prior weights (default all 1).
    start : array_like, optional
        Starting coefficients (length nvars).
    etastart, mustart : array_like, optional
        Starting linear predictor / means. Precedence: etastart > start > mustart.
    offset : array_like, optional
        Offset (default all 0).
    family : Family, optional
        Default ``gaussian()``.
    control : GlmControl or dict, optional
        See :func:`rglm.engines.irls.control.glm_control`.
    intercept : bool
        Whether the model has an intercept (null deviance and ``df_null`` only).
    singular_ok : bool
        If False a rank-deficient design is an error.
    xnames, ynames : sequence of str, optional
        Column and row names.

    Returns
    -------
    GlmFitResult

    Raises
    ------
    RError
        With R's messages (invalid starting values, singular fit, failed step-halving...).
    """
    control = as_control(control)
    family = gaussian() if family is None else family
    data = prepare(x, y, weights, offset, family, etastart, mustart, start, xnames, ynames)
    if data.nvars == 0:
        return fit_empty(data, control, intercept)
    eta, coefold = initial_eta(data, etastart, start)
    # The starting means have served: an n-vector less for the rest of the fit.
    data = replace(data, mustart=None)
    engine = InMemory(data=data, tol=wls_tolerance(control.epsilon))
    outcome = irls(engine, engine.start(eta, coefold), coefold, nobs=data.nobs,
                   nvars=data.nvars, control=control, singular_ok=singular_ok)
    warn_after_loop(outcome.converged, outcome.boundary, family,
                    extreme_fits(family, outcome.current.mu))
    outcome = _settled(outcome)
    return assemble(data, outcome, control, intercept)


def _settled(outcome: IrlsOutcome) -> IrlsOutcome:
    """The loop's outcome with its last WLS step completed (R's ``fit``) and the step's
    weighted response let go: an n-vector less while the result is assembled."""
    step, problem = outcome.step, outcome.problem
    if step is not None:
        step = WlsStep(coefficients=step.coefficients, pivot=step.pivot, rank=step.rank,
                       fit=step.lsfit)
    if problem is not None:
        problem = replace(problem, zw=None)
    return replace(outcome, step=step, problem=problem)
