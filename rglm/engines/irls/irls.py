"""Iteratively reweighted least squares, step for step as R's ``glm.fit``.

The steps, each a function below: :func:`~rglm.engines.irls.setup.prepare` (coercion and the
family's initialize), :func:`initial_eta` (etastart > start > mustart),
:func:`working_response` (z and w on the informative rows), the WLS step
(:mod:`rglm.engines.irls.wls`: factored at every iteration, its QR decomposition and effects
completed for the last step only), :func:`evaluate` (eta, mu, deviance of new
coefficients), the two step-halvings, :func:`has_converged`, and :mod:`rglm.engines.irls.assemble`
(the result record).

The loop deliberately reproduces R's bookkeeping: the returned working weights, QR, R and
effects belong to the last WLS step (computed at the previous iterate's mu), while the
fitted values and deviance belong to the final coefficients. Matching R to 1e-10 needs
exactly that, not a refit at the final estimate.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from typing import Optional

import numpy as np

from rglm.errors import RError, rwarn
from rglm.families import gaussian
from rglm.engines.irls.assemble import assemble, fit_empty
from rglm.engines.irls.control import GlmControl, as_control
from rglm.engines.irls.records import GlmFitResult
from rglm.engines.irls.setup import FitData, deparse_names, deviance, means, mu_eta_at, prepare
from rglm.engines.irls.wls import WlsStep, weighted_design, wls_step, wls_tolerance
from rglm.linalg.qr import LSFit

__all__ = ["glm_fit", "initial_eta", "working_response", "evaluate", "has_converged",
           "Iterate", "Working", "IrlsOutcome"]


@dataclass(frozen=True)
class Iterate:
    """Coefficients and what they imply (R's ``start``, ``eta``, ``mu``, ``dev``)."""

    coef: np.ndarray
    eta: np.ndarray
    mu: np.ndarray
    dev: float


@dataclass(frozen=True)
class Working:
    """Working response and weights on the informative rows ``good``.

    ``z`` is None in the record the IRLS keeps after its WLS step, which needs only
    ``z * w``: ``glm.fit`` returns ``good`` and ``w^2`` but not ``z``.
    """

    good: np.ndarray
    z: Optional[np.ndarray]
    w: np.ndarray


@dataclass(frozen=True)
class IrlsOutcome:
    """State when the loop ends.

    ``coef`` is R's ``coef`` (None if no iteration completed); ``eta``/``mu``/``dev``
    those of the last accepted coefficients; ``fit``/``working`` those of the last WLS
    (``working`` without ``z``, and None once the loop has stopped for want of informative
    rows: ``informative`` is then False, and glm.fit fails before using either).
    """

    coef: Optional[np.ndarray]
    eta: np.ndarray
    mu: np.ndarray
    dev: float
    fit: Optional[LSFit]
    working: Optional[Working]
    iter: int
    converged: bool
    boundary: bool
    informative: bool = True


def _valid(family, eta, mu) -> bool:
    """``valideta(eta) && validmu(mu)``; a family without them accepts everything."""
    valideta = getattr(family, "valideta", None)
    validmu = getattr(family, "validmu", None)
    return bool((valideta is None or valideta(eta)) and (validmu is None or validmu(mu)))


def _trace(text: str, value: float, suffix: str = "") -> None:
    """Print a trace line as R's ``cat()`` would (7 significant digits)."""
    from rglm.render.rformat import format_number  # printing is a later layer: lazy

    sys.stdout.write(f"{text}{format_number(value, digits=7)}{suffix}\n")


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


def _weighted_response(working: Working) -> tuple[Working, np.ndarray]:
    """``z * w`` for the WLS step, and the working record without ``z``."""
    return replace(working, z=None), working.z * working.w


def evaluate(data: FitData, coef: np.ndarray) -> Iterate:
    """Linear predictor (all rows, offset included), means and deviance of ``coef``."""
    eta = data.x @ coef
    eta += data.offset
    mu = means(data, eta)
    return Iterate(coef=coef, eta=eta, mu=mu, dev=deviance(data, mu))


def _unpivot(step: WlsStep, nvars: int) -> np.ndarray:
    """``start[fit$pivot] <- fit$coefficients``: aliased columns get coefficient 0."""
    coef = np.empty(nvars)
    coef[step.pivot] = step.coefficients
    return coef


def _check_rank(step: WlsStep, nobs: int, nvars: int, singular_ok: bool) -> None:
    rank = step.rank
    if nobs < rank:
        noun = "observation" if nobs == 1 else "observations"
        raise RError(f"X matrix has rank {rank}, but only {nobs} {noun}")
    if not singular_ok and rank < nvars:
        raise RError("singular fit encountered")


def _halve_divergence(data: FitData, current: Iterate, coefold, control: GlmControl) -> Iterate:
    """Halve the step towards ``coefold`` until the deviance is finite (R's inner loop 1)."""
    if coefold is None:
        raise RError("no valid set of coefficients has been found: please supply starting values")
    rwarn("step size truncated due to divergence")
    halvings = 1
    while not np.isfinite(current.dev):
        if halvings > control.maxit:
            raise RError("inner loop 1; cannot correct step size")
        halvings += 1
        current = evaluate(data, (current.coef + coefold) / 2)
    if control.trace:
        _trace("Step halved: new deviance = ", current.dev)
    return current


def _halve_out_of_bounds(data: FitData, current: Iterate, coefold, control: GlmControl) -> Iterate:
    """Halve the step towards ``coefold`` until eta and mu are valid (R's inner loop 2)."""
    if coefold is None:
        raise RError("no valid set of coefficients has been found: please supply starting values")
    rwarn("step size truncated: out of bounds")
    halvings = 1
    while not _valid(data.family, current.eta, current.mu):
        if halvings > control.maxit:
            raise RError("inner loop 2; cannot correct step size")
        halvings += 1
        # R does not recompute the deviance inside this loop, only once it is left.
        coef = (current.coef + coefold) / 2
        eta = data.x @ coef + data.offset
        current = Iterate(coef=coef, eta=eta, mu=means(data, eta), dev=np.nan)
    current = Iterate(coef=current.coef, eta=current.eta, mu=current.mu,
                      dev=deviance(data, current.mu))
    if control.trace:
        _trace("Step halved: new deviance = ", current.dev)
    return current


def has_converged(dev: float, devold: float, epsilon: float) -> bool:
    """R's rule: ``|dev - devold| / (|dev| + 0.1) < epsilon``."""
    return abs(dev - devold) / (abs(dev) + 0.1) < epsilon


def irls(data: FitData, eta: np.ndarray, coefold, control: GlmControl,
         singular_ok: bool) -> IrlsOutcome:
    """The IRLS loop, ``for (iter in 1:maxit)``, with R's breaks and step-halvings."""
    mu = means(data, eta)
    if not _valid(data.family, eta, mu):
        raise RError("cannot find valid starting values: please specify some")
    devold = deviance(data, mu)
    current = Iterate(coef=coefold, eta=eta, mu=mu, dev=devold)
    tol = wls_tolerance(control.epsilon)
    coef, step, working, buffer = None, None, None, None
    boundary = converged = False
    informative = True
    iteration = 0
    for iteration in range(1, control.maxit + 1):
        # The previous step's weights are superseded now (and, should no row be
        # informative, glm.fit fails before using them).
        working = None
        step_working = working_response(data, current.eta, current.mu)
        if step_working is None:
            converged, informative = False, False
            rwarn(f"no observations informative at iteration {iteration}")
            break
        working, zw = _weighted_response(step_working)
        del step_working
        # Refilling the work array supersedes the previous step, whose pending LSFit
        # (held in this memory) is never needed: R keeps only the last step's.
        xw = weighted_design(data.x, working.good, working.w, out=buffer)
        step = wls_step(xw, zw, tol, previous=step)
        buffer = xw
        if not np.isfinite(step.coefficients).all():
            converged = False
            rwarn(f"non-finite coefficients at iteration {iteration}")
            break
        _check_rank(step, data.nobs, data.nvars, singular_ok)
        # The previous eta and mu are not needed past this point: free them first.
        del current
        current = evaluate(data, _unpivot(step, data.nvars))
        if control.trace:
            _trace("Deviance = ", current.dev, f" Iterations - {iteration}")
        boundary = False
        if not np.isfinite(current.dev):
            current = _halve_divergence(data, current, coefold, control)
            boundary = True
        if not _valid(data.family, current.eta, current.mu):
            current = _halve_out_of_bounds(data, current, coefold, control)
            boundary = True
        if has_converged(current.dev, devold, control.epsilon):
            converged = True
            coef = current.coef
            break
        devold = current.dev
        coef = coefold = current.coef
    # Nothing has written to the work array since the last step: finish that one only.
    fit = None if step is None else step.lsfit
    return IrlsOutcome(coef=coef, eta=current.eta, mu=current.mu, dev=current.dev, fit=fit,
                       working=working, iter=iteration, converged=converged, boundary=boundary,
                       informative=informative)


def _warn_after_loop(outcome: IrlsOutcome, family) -> None:
    """R's post-fit warnings, in R's order."""
    if not outcome.converged:
        rwarn("glm.fit: algorithm did not converge")
    if outcome.boundary:
        rwarn("glm.fit: algorithm stopped at boundary value")
    eps = 10 * np.finfo(float).eps
    if family.family == "binomial" and ((outcome.mu > 1 - eps).any() or (outcome.mu < eps).any()):
        rwarn("glm.fit: fitted probabilities numerically 0 or 1 occurred")
    if family.family == "poisson" and (outcome.mu < eps).any():
        rwarn("glm.fit: fitted rates numerically 0 occurred")


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
    outcome = irls(data, eta, coefold, control, singular_ok)
    _warn_after_loop(outcome, family)
    return assemble(data, outcome, control, intercept)
