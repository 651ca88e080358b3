"""R's ``glm.fit`` on data read in blocks: one pass over the data per IRLS iteration.

R: ``stats::glm.fit`` (the iteration, step for step) in the manner of ``biglm::bigglm``
(the data are never all in memory). The caller supplies ``run_pass(kernel, label)``,
which applies a :class:`~rglm.engines.chunked.passes.PassKernel` to every block of the data and
returns the combined :class:`~rglm.engines.chunked.passes.PassTotals` (serially, or on a Dask
cluster); this module decides which passes to make.

Passes, as R's loop needs them:

1. the starting pass: the family's initialize per block, ``eta = linkfun(mustart)`` (or
   ``offset + X start``), ``devold``, and the first least-squares problem;
2. per iteration: solve the accumulated problem (dqrdc2's limited pivoting on the
   ``p × p`` factor, so aliased columns drop out as in glm), then one pass at the new
   coefficients: deviance (the convergence test), validity, and the next problem;
3. a step halving costs one pass per halving;
4. afterwards, only if needed: a pass for Gamma's aic (it needs the dispersion first) and
   the intercept-only refit glm() makes for the null deviance when there is an offset.

The reported QR, rank and working weights are those of the last least-squares step
(computed at the previous iterate), as in R, so standard errors match ``glm()``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from typing import Callable, Optional

import numpy as np

from rglm.errors import RError, WarningsOnce, rwarn
from rglm.engines.chunked.aic import aic_finish, aic_kind, gamma_aic_finish
from rglm.engines.chunked.passes import PassKernel, PassTotals
from rglm.engines.chunked.tsqr import solve_triangle
from rglm.engines.irls.control import GlmControl, as_control
from rglm.engines.irls.irls import has_converged
from rglm.engines.irls.records import GlmQR
from rglm.engines.irls.setup import deparse_names
from rglm.engines.irls.wls import wls_tolerance
from rglm.linalg.qr import LSFit

__all__ = ["chunked_glm_fit", "ChunkedFitResult", "RunPass"]

RunPass = Callable[[PassKernel, str], PassTotals]
"""``run_pass(kernel, label)``: apply ``kernel`` to every block, return the combined totals."""


@dataclass(frozen=True)
class ChunkedFitResult:
    """What a chunked fit knows at the end: glm.fit's scalar and p-sized components.

    Per-observation vectors (residuals, fitted values, weights) are not kept: they are as
    long as the data. Attribute names are R's, ``.`` written ``_``.

    Attributes
    ----------
    coefficients : ndarray, shape (p,)
        Original column order; NaN (R's NA) for aliased columns.
    qr : GlmQR or None
        The last least-squares step's decomposition of the ``p × p`` factor: its upper
        triangle is R's ``qr$qr[1:p, 1:p]`` up to row signs; 1-based ``pivot``.
    R : ndarray or None, shape (p, p)
        Upper-triangular factor in pivoted order.
    rank : int
    family : Family
    deviance, aic, null_deviance : float
    iter : int
    converged, boundary : bool
    df_residual, df_null : int
    nobs : int
        Rows used (after NA removal), zero weights included.
    n_dropped : int
        Rows removed by the NA action.
    xnames : tuple of str or None
    intercept : bool
    control : GlmControl
    pearson : float
        ``sum(weights * residuals^2)`` over positive working weights (R's summary.glm
        numerator of the dispersion).
    n_zero_working : int
        Observations with zero working weight.
    sum_prior_weights : float
        ``sum(prior.weights)`` (after the family's initialize).
    passes : int
        Passes over the data the fit took.
    """

    coefficients: np.ndarray
    qr: Optional[GlmQR]
    R: Optional[np.ndarray]
    rank: int
    family: object
    deviance: float
    aic: float
    null_deviance: float
    iter: int
    converged: bool
    boundary: bool
    df_residual: int
    df_null: int
    nobs: int
    n_dropped: int
    xnames: Optional[tuple]
    intercept: bool
    control: GlmControl
    pearson: float
    n_zero_working: int
    sum_prior_weights: float
    passes: int


@dataclass(frozen=True)
class _Outcome:
    """The loop's final state.

    ``coef`` and ``fit`` are R's; ``totals`` were collected at ``coef``; ``solved_at`` is
    where the last least-squares problem was set up (None: the starting point), whose
    working weights summary.glm's dispersion uses.
    """

    coef: Optional[np.ndarray]
    fit: Optional[LSFit]
    totals: PassTotals
    start_totals: PassTotals
    solved_at: Optional[np.ndarray]
    iter: int
    converged: bool
    boundary: bool


class _Counter:
    """Counts the passes made through ``run_pass`` and issues the blocks' warnings.

    The family's initialize and aic run on every block in every pass, where glm.fit runs
    them once: each distinct warning they give is issued once, after the first pass that
    gives it (the initialize's, then, before the loop's own, as in R).
    """

    def __init__(self, run_pass: RunPass):
        self._run = run_pass
        self._once = WarningsOnce()
        self.passes = 0

    def __call__(self, kernel: PassKernel, label: str) -> PassTotals:
        self.passes += 1
        totals = self._run(kernel, label)
        self._once.issue(totals.warnings)
        return totals


def chunked_glm_fit(run_pass: RunPass, nvars: int, family, control=None, start=None,
                    intercept: bool = True, offset_given: bool = False, xnames=None,
                    singular_ok: bool = True) -> ChunkedFitResult:
    """Fit a GLM by R's IRLS, one pass over blocks of rows per iteration.

    R: ``stats::glm.fit`` (and glm()'s null-deviance refit), in the manner of
    ``biglm::bigglm``.

    Parameters
    ----------
    run_pass : callable
        ``run_pass(kernel, label) -> PassTotals``: apply the kernel to every block of the
        data (each time the same blocks, in any order) and combine the results.
    nvars : int
        Number of model-matrix columns ``p``.
    family : Family
    control : GlmControl or dict, optional
    start : array_like, optional
        Starting coefficients (length ``p``).
    intercept : bool
        Whether the model has an intercept (null deviance, ``df_null``).
    offset_given : bool
        Whether there is an offset (then, with an intercept, the null deviance comes from
        an intercept-only refit, as glm() does).
    xnames : sequence of str, optional
        Column names; ``"(Intercept)"`` marks the intercept column for that refit.
    singular_ok : bool
        If False a rank-deficient design is an error.

    Returns
    -------
    ChunkedFitResult

    Notes
    -----
    The warnings the blocks give (``PassTotals.warnings``: the family's, once per block
    and pass) are issued once each, after the first pass that gives them; the loop's own
    (step halving, convergence) as they happen, as glm.fit issues them.
    """
    control = as_control(control)
    xnames = None if xnames is None else tuple(xnames)
    if start is not None:
        start = np.array(start, dtype=np.float64).reshape(-1)
        if start.shape[0] != nvars:
            raise RError(f"length of 'start' should equal {nvars} and correspond to initial "
                         f"coefs for {deparse_names(xnames)}")
    counter = _Counter(run_pass)
    base = PassKernel(family=family, start=start)
    if nvars == 0:
        outcome = _empty(counter, base, intercept)
    else:
        outcome = _irls(counter, base, nvars, control, singular_ok, intercept)
        _warn_after_loop(outcome, family)
    final = _finish(counter, base, outcome, intercept)
    null_dev = final.null_dev
    if offset_given and intercept and nvars > 0:
        null_dev = _null_refit(counter, family, outcome, control, xnames)
    return _assemble(outcome, final, null_dev, nvars, family, control, intercept, xnames,
                     counter.passes)


# -- the loop --------------------------------------------------------------------------
#: Collect the end-of-fit sums (aic, Pearson, null deviance) in a pass once the previous
#: relative change of the deviance is below this: IRLS converges quadratically, so that
#: pass is very likely the last one. Guessing wrong costs CPU time, or one more pass.
_SUMMARY_HINT = 1e-3


def _irls(run: _Counter, base: PassKernel, nvars: int, control: GlmControl,
          singular_ok: bool, intercept: bool = True) -> _Outcome:
    """R's ``for (iter in 1:maxit)`` with its breaks and step halvings, a pass per step."""
    first = run(base, "initial pass")
    if not first.valid:
        raise RError("cannot find valid starting values: please specify some")
    # The null model's mean is known now; its deviance is one of the end-of-fit sums.
    summary = dict(summaries=True, wtdmu=_null_mean(first) if intercept else None,
                   null_at_offset=not intercept)
    devold = first.dev
    change = np.inf
    coefold = base.start
    problem, wls_point, solved_at = first, None, None
    tol = wls_tolerance(control.epsilon)
    coef, fit, totals = None, None, first
    boundary = converged = False
    iteration = 0
    for iteration in range(1, control.maxit + 1):
        if problem.n_good == 0:
            rwarn(f"no observations informative at iteration {iteration}")
            raise RError("object 'fit' not found" if fit is None else "invalid 'times' value")
        fit, solved_at = solve_triangle(problem.triangle, tol), wls_point
        if not np.isfinite(fit.coefficients).all():
            converged = False
            rwarn(f"non-finite coefficients at iteration {iteration}")
            break
        _check_rank(fit, first.nobs, nvars, singular_ok)
        kernel = replace(base, point=_unpivot(fit, nvars), wls_point=wls_point,
                         summaries=False)
        if base.summaries and _likely_last(base.family, iteration, change, control):
            kernel = replace(kernel, **summary)
        totals = run(kernel, f"iteration {iteration}")
        if control.trace:
            _trace("Deviance = ", totals.dev, f" Iterations - {iteration}")
        boundary = False
        if not np.isfinite(totals.dev):
            kernel, totals = _halve(run, kernel, totals, coefold, control,
                                    lambda t: np.isfinite(t.dev),
                                    "step size truncated due to divergence", "inner loop 1")
            boundary = True
        if not totals.valid:
            kernel, totals = _halve(run, kernel, totals, coefold, control, lambda t: t.valid,
                                    "step size truncated: out of bounds", "inner loop 2")
            boundary = True
        if has_converged(totals.dev, devold, control.epsilon):
            converged = True
            coef = kernel.point
            break
        change = abs(totals.dev - devold) / (abs(totals.dev) + 0.1)
        devold = totals.dev
        coef = coefold = kernel.point
        problem, wls_point = totals, kernel.point
    return _Outcome(coef=coef, fit=fit, totals=totals, start_totals=first,
                    solved_at=solved_at, iter=iteration, converged=converged,
                    boundary=boundary)


def _likely_last(family, iteration: int, change: float, control: GlmControl) -> bool:
    """Whether this iteration's pass should also collect the end-of-fit sums.

    Gamma's aic needs a pass of its own anyway; gaussian with the identity link is
    solved exactly by the first step, so the second pass converges.
    """
    if aic_kind(family) == "Gamma":
        return False
    if family.family == "gaussian" and family.link == "identity" and iteration >= 2:
        return True
    return change < _SUMMARY_HINT or iteration == control.maxit


def _halve(run: _Counter, kernel: PassKernel, totals: PassTotals, coefold, control,
           ok: Callable[[PassTotals], bool], warning: str, loop: str):
    """Halve the step towards ``coefold`` until ``ok`` (R's inner loops 1 and 2)."""
    if coefold is None:
        raise RError("no valid set of coefficients has been found: please supply starting values")
    rwarn(warning)
    halvings = 1
    while not ok(totals):
        if halvings > control.maxit:
            raise RError(f"{loop}; cannot correct step size")
        halvings += 1
        kernel = replace(kernel, point=(kernel.point + coefold) / 2)
        totals = run(kernel, "step halving")
    if control.trace:
        _trace("Step halved: new deviance = ", totals.dev)
    return kernel, totals


def _empty(run: _Counter, base: PassKernel, intercept: bool) -> _Outcome:
    """The model with no columns: ``eta = offset``, one pass (R's EMPTY branch)."""
    none = np.zeros(0)
    kernel = replace(base, point=none, wls_point=none, accumulate=False,
                     null_at_offset=not intercept)
    totals = run(kernel, "empty model")
    if not totals.valid:
        raise RError("invalid linear predictor values in empty model")
    return _Outcome(coef=none, fit=None, totals=totals, start_totals=totals, solved_at=none,
                    iter=0, converged=True, boundary=True)


def _null_mean(first: PassTotals) -> float:
    """R's ``wtdmu``: the weighted mean response of the intercept-only model."""
    return first.sum_wy / first.sum_w


# -- after the loop --------------------------------------------------------------------
def _finish(run: _Counter, base: PassKernel, outcome: _Outcome, intercept: bool) -> PassTotals:
    """The totals at the final coefficients, with one more pass if the sums are missing.

    The end-of-fit sums are missing when the loop's last pass did not expect to be the
    last (:func:`_likely_last`), and always for Gamma, whose aic needs the dispersion
    ``dev / sum(wt)`` before its sum.
    """
    totals = outcome.totals
    gamma = aic_kind(base.family) == "Gamma"
    if totals.aic is not None and totals.null_dev is not None and not gamma:
        return totals
    coef = outcome.coef if outcome.coef is not None else np.zeros(0)
    kernel = replace(base, point=np.nan_to_num(coef), wls_point=outcome.solved_at,
                     accumulate=False, summaries=True,
                     wtdmu=_null_mean(outcome.start_totals) if intercept else None,
                     null_at_offset=not intercept)
    if gamma:
        kernel = replace(kernel, gamma_disp=totals.dev / outcome.start_totals.sum_w)
    return run(kernel, "final pass")


def _null_refit(run: _Counter, family, outcome: _Outcome, control: GlmControl,
                xnames: Optional[tuple]) -> float:
    """glm()'s null deviance with an offset: an intercept-only fit started at the fitted means.

    R: ``glm.fit(x = X[, "(Intercept)", drop = FALSE], y, weights, offset = offset,
    family, control, mustart = fit$fitted.values, intercept = TRUE)$deviance``.
    """
    if xnames is None or "(Intercept)" not in xnames:
        raise RError("subscript out of bounds")
    j = xnames.index("(Intercept)")
    coef = np.nan_to_num(outcome.coef)
    base = PassKernel(family=family, columns=(j,), mustart_coef=coef, summaries=False)
    refit = _irls(run, base, 1, control, singular_ok=True)
    _warn_after_loop(refit, family)  # the inner glm.fit's own warnings, as in R
    if not refit.converged:
        rwarn("fitting to calculate the null deviance did not converge -- increase 'maxit'?")
    return refit.totals.dev


def _assemble(outcome: _Outcome, final: PassTotals, null_dev, nvars: int, family,
              control: GlmControl, intercept: bool, xnames, passes: int) -> ChunkedFitResult:
    """R's result assembly, for the components that do not grow with the data."""
    start = outcome.start_totals
    fit = outcome.fit
    if outcome.coef is None:
        raise RError("object 'coef' not found")
    coef = np.array(outcome.coef, dtype=np.float64)
    if fit is not None:
        rank = fit.qr.rank
        if rank < nvars:
            coef[fit.qr.pivot[rank:]] = np.nan
        qr = GlmQR(qr=fit.qr.qr, qraux=fit.qr.qraux, pivot=fit.qr.pivot + 1, rank=rank,
                   tol=fit.qr.tol)
        r = np.triu(fit.qr.qr)
    else:
        rank, qr, r = 0, None, None
    aic = aic_finish(family, final.aic, final.dev)
    if aic_kind(family) == "Gamma":
        aic = gamma_aic_finish(final.gamma_aic)
    n_ok = start.n_ok
    return ChunkedFitResult(
        coefficients=coef, qr=qr, R=r, rank=rank, family=family, deviance=final.dev,
        aic=aic + 2 * rank, null_deviance=float(null_dev), iter=outcome.iter,
        converged=outcome.converged, boundary=outcome.boundary, df_residual=n_ok - rank,
        df_null=n_ok - int(bool(intercept)), nobs=start.nobs, n_dropped=start.n_dropped,
        xnames=xnames, intercept=bool(intercept), control=control, pearson=final.pearson,
        n_zero_working=final.n_zero_working, sum_prior_weights=start.sum_w, passes=passes)


# -- small helpers -----------------------------------------------------------------------
def _unpivot(fit: LSFit, nvars: int) -> np.ndarray:
    """``start[fit$pivot] <- fit$coefficients``: aliased columns get coefficient 0."""
    coef = np.empty(nvars)
    coef[fit.qr.pivot] = fit.coefficients
    return coef


def _check_rank(fit: LSFit, nobs: int, nvars: int, singular_ok: bool) -> None:
    rank = fit.qr.rank
    if nobs < rank:
        noun = "observation" if nobs == 1 else "observations"
        raise RError(f"X matrix has rank {rank}, but only {nobs} {noun}")
    if not singular_ok and rank < nvars:
        raise RError("singular fit encountered")


def _warn_after_loop(outcome: _Outcome, family) -> None:
    """glm.fit's warnings after the loop, in R's order."""
    if not outcome.converged:
        rwarn("glm.fit: algorithm did not converge")
    if outcome.boundary:
        rwarn("glm.fit: algorithm stopped at boundary value")
    if outcome.totals.n_extreme > 0:
        if family.family == "binomial":
            rwarn("glm.fit: fitted probabilities numerically 0 or 1 occurred")
        elif family.family == "poisson":
            rwarn("glm.fit: fitted rates numerically 0 occurred")


def _trace(text: str, value: float, suffix: str = "") -> None:
    """A trace line as R's ``cat()`` prints it (7 significant digits)."""
    from rglm.render.rformat import format_number  # printing is a later layer: lazy

    sys.stdout.write(f"{text}{format_number(value, digits=7)}{suffix}\n")
