"""R's ``glm.fit`` on data read in blocks: one pass over the data per IRLS iteration.

R: ``stats::glm.fit`` (the iteration, step for step) in the manner of ``biglm::bigglm``
(the data are never all in memory). The caller supplies ``run_pass(kernel, label)``,
which applies a :class:`~rglm.engines.chunked.passes.PassKernel` to every block of the data and
returns the combined :class:`~rglm.engines.chunked.passes.PassTotals` (serially, or on a Dask
cluster). R's control flow is :func:`rglm.engines.irls.loop.irls`, the in-memory fit's own;
this module's :class:`Chunked` engine decides which passes to make.

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

from dataclasses import dataclass, replace
from typing import Callable, Optional

import numpy as np

from rglm.errors import RError, WarningsOnce, rwarn
from rglm.engines.chunked.aic import aic_finish, aic_kind, gamma_aic_finish
from rglm.engines.chunked.passes import PassKernel, PassTotals
from rglm.engines.chunked.tsqr import solve_triangle
from rglm.engines.irls.control import GlmControl, as_control
from rglm.engines.irls.endwarnings import warn_after_loop
from rglm.engines.irls.history import IrlsHistory, empty_history
from rglm.engines.irls.loop import Progress, final_coefficients, irls
from rglm.engines.irls.records import GlmQR
from rglm.engines.irls.setup import deparse_names
from rglm.engines.irls.wls import WlsStep, wls_tolerance
from rglm.linalg.qr import LSFit

__all__ = ["chunked_glm_fit", "ChunkedFitResult", "RunPass", "Chunked", "Evaluated",
           "TriangleProblem"]

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
    history : IrlsHistory or None
        The iterations one by one (:mod:`rglm.engines.irls.history`), without the working
        weights (they stay in the blocks).
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
    history: Optional[IrlsHistory] = None


@dataclass(frozen=True)
class _Outcome:
    """The loop's final state, checked as glm.fit checks it after the loop.

    ``coef`` is R's (NaN for aliased columns) and ``fit`` the last least-squares step;
    ``totals`` were collected at ``coef``; ``solved_at`` is where the last least-squares
    problem was set up (None: the starting point), whose working weights summary.glm's
    dispersion uses.
    """

    coef: Optional[np.ndarray]
    fit: Optional[LSFit]
    totals: PassTotals
    start_totals: PassTotals
    solved_at: Optional[np.ndarray]
    iter: int
    converged: bool
    boundary: bool
    history: Optional[IrlsHistory] = None


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
    final = _finish(counter, base, outcome, intercept)
    null_dev = final.null_dev
    if offset_given and intercept and nvars > 0:
        null_dev = _null_refit(counter, family, outcome, control, xnames)
    return _assemble(outcome, final, null_dev, family, control, intercept, xnames,
                     counter.passes)


# -- the loop --------------------------------------------------------------------------
#: Collect the end-of-fit sums (aic, Pearson, null deviance) in a pass once the previous
#: relative change of the deviance is below this: IRLS converges quadratically, so that
#: pass is very likely the last one. Guessing wrong costs CPU time, or one more pass.
_SUMMARY_HINT = 1e-3


@dataclass(frozen=True, eq=False)
class Evaluated:
    """Coefficients evaluated by a pass: the kernel that ran and the totals it returned."""

    kernel: PassKernel
    totals: PassTotals

    @property
    def coef(self) -> Optional[np.ndarray]:
        return self.kernel.point

    @property
    def dev(self) -> float:
        return self.totals.dev


@dataclass(frozen=True, eq=False)
class TriangleProblem:
    """A least-squares problem accumulated by a pass: its TSQR triangle, and the
    coefficients it was set up at (None: the starting point)."""

    triangle: np.ndarray
    point: Optional[np.ndarray]


@dataclass(frozen=True, eq=False)
class Chunked:
    """The chunked :class:`~rglm.engines.irls.loop.IrlsEngine`: a pass per evaluation.

    A pass at new coefficients returns their deviance and validity and, in the same
    reading of the data, the next least-squares problem, so setting a problem up costs
    nothing more; solving it is dqrdc2 on the ``(p + 1) × (p + 1)`` triangle.

    Attributes
    ----------
    run : callable
        ``run(kernel, label) -> PassTotals`` (the pass counter).
    base : PassKernel
        The kernel every pass of this fit starts from.
    control : GlmControl
    tol : float
        The WLS rank tolerance.
    closing : dict or None
        Kernel fields that make a pass also collect the end-of-fit sums, for the pass
        that is likely the last (:func:`_likely_last`); None: never (the null refit).
    """

    run: Callable[[PassKernel, str], PassTotals]
    base: PassKernel
    control: GlmControl
    tol: float
    closing: Optional[dict] = None

    def problem(self, at: Evaluated) -> Optional[TriangleProblem]:
        if at.totals.n_good == 0:
            return None
        return TriangleProblem(triangle=at.totals.triangle, point=at.kernel.point)

    def solve(self, problem: TriangleProblem, previous: Optional[WlsStep]) -> WlsStep:
        fit = solve_triangle(problem.triangle, self.tol)
        return WlsStep(coefficients=fit.coefficients, pivot=fit.qr.pivot, rank=fit.qr.rank,
                       fit=fit)

    def evaluate(self, coef: np.ndarray, progress: Progress, deviance: bool = True
                 ) -> Evaluated:
        # A pass gives the deviance whether or not the loop needs it yet.
        kernel = replace(self.base, point=coef, wls_point=progress.problem.point,
                         summaries=False)
        if self.closing is not None and _likely_last(self.base.family, progress.iteration,
                                                     progress.change, self.control):
            kernel = replace(kernel, **self.closing)
        label = "step halving" if progress.halving else f"iteration {progress.iteration}"
        return Evaluated(kernel=kernel, totals=self.run(kernel, label))

    def with_deviance(self, trial: Evaluated) -> Evaluated:
        return trial

    def valid(self, trial: Evaluated) -> bool:
        return trial.totals.valid

    def weights_summary(self, problem: TriangleProblem) -> None:
        # The weights live in the blocks; a pass keeps only the triangle they weight
        # (a median would need them all at once): the history records none.
        return None


def _irls(run: _Counter, base: PassKernel, nvars: int, control: GlmControl,
          singular_ok: bool, intercept: bool = True) -> _Outcome:
    """R's IRLS (:func:`rglm.engines.irls.loop.irls`) a pass per evaluation, then
    glm.fit's warnings and failures after the loop.

    The end-of-fit sums are collected along the way when ``base.summaries`` (not for
    the null refit); ``intercept`` says whether the null model has one.
    """
    first = run(base, "initial pass")
    closing = None
    if base.summaries:
        # The null model's mean is known now; its deviance is one of the end-of-fit sums.
        closing = dict(summaries=True, wtdmu=_null_mean(first) if intercept else None,
                       null_at_offset=not intercept)
    engine = Chunked(run=run, base=base, control=control, tol=wls_tolerance(control.epsilon),
                     closing=closing)
    outcome = irls(engine, Evaluated(kernel=base, totals=first), base.start, nobs=first.nobs,
                   nvars=nvars, control=control, singular_ok=singular_ok)
    totals = outcome.current.totals
    warn_after_loop(outcome.converged, outcome.boundary, base.family, totals.n_extreme)
    coef = final_coefficients(outcome, nvars)
    return _Outcome(coef=coef, fit=outcome.step.lsfit, totals=totals, start_totals=first,
                    solved_at=outcome.problem.point, iter=outcome.iter,
                    converged=outcome.converged, boundary=outcome.boundary,
                    history=outcome.history)


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


def _empty(run: _Counter, base: PassKernel, intercept: bool) -> _Outcome:
    """The model with no columns: ``eta = offset``, one pass (R's EMPTY branch)."""
    none = np.zeros(0)
    kernel = replace(base, point=none, wls_point=none, accumulate=False,
                     null_at_offset=not intercept)
    totals = run(kernel, "empty model")
    if not totals.valid:
        raise RError("invalid linear predictor values in empty model")
    return _Outcome(coef=none, fit=None, totals=totals, start_totals=totals, solved_at=none,
                    iter=0, converged=True, boundary=True,
                    history=empty_history(0, weights=False))


def _null_mean(first: PassTotals) -> float:
    """R's ``wtdmu``: the weighted mean response of the intercept-only model (NaN when
    every weight is 0, as R's ``0/0``; glm.fit fails later, with its own message)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(np.float64(first.sum_wy) / np.float64(first.sum_w))


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
    kernel = replace(base, point=np.nan_to_num(outcome.coef), wls_point=outcome.solved_at,
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
    refit = _irls(run, base, 1, control, singular_ok=True)  # warns as the inner glm.fit
    if not refit.converged:
        rwarn("fitting to calculate the null deviance did not converge -- increase 'maxit'?")
    return refit.totals.dev


def _assemble(outcome: _Outcome, final: PassTotals, null_dev, family,
              control: GlmControl, intercept: bool, xnames, passes: int) -> ChunkedFitResult:
    """R's result assembly, for the components that do not grow with the data."""
    start = outcome.start_totals
    fit = outcome.fit
    if fit is not None:
        rank = fit.qr.rank
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
        coefficients=outcome.coef, qr=qr, R=r, rank=rank, family=family, deviance=final.dev,
        aic=aic + 2 * rank, null_deviance=float(null_dev), iter=outcome.iter,
        converged=outcome.converged, boundary=outcome.boundary, df_residual=n_ok - rank,
        df_null=n_ok - int(bool(intercept)), nobs=start.nobs, n_dropped=start.n_dropped,
        xnames=xnames, intercept=bool(intercept), control=control, pearson=final.pearson,
        n_zero_working=final.n_zero_working, sum_prior_weights=start.sum_w, passes=passes,
        history=outcome.history)
