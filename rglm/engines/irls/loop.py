"""R's IRLS loop, written once for every way of computing its steps.

R: the ``for (iter in 1L:control$maxit)`` loop of ``stats::glm.fit`` and the checks right
after it. :func:`irls` is that control flow -- the WLS step, the breaks (no informative
row, non-finite coefficients), the rank checks, both step-halvings, the convergence test,
``boundary``, the iteration count, the ``trace`` lines and the record of each iteration
(:mod:`rglm.engines.irls.history`) -- and nothing else. How a step is set up and solved,
and how coefficients are evaluated, is an :class:`IrlsEngine`'s business:

* in memory (:mod:`rglm.engines.irls.irls`): the working response on all rows, a QR of
  the weighted design, ``eta = offset + X beta``;
* by blocks of rows (:mod:`rglm.engines.chunked.irls`): one pass over the data per
  evaluation, which returns the deviance and the next problem's TSQR triangle.

Conventions: coefficients are float64 arrays of length ``nvars`` in the design's column
order (aliased columns 0 while iterating, as R's ``start``); a *step* has R's
``fit$coefficients`` (pivoted order), ``pivot`` (0-based) and ``rank``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Callable, Optional, Protocol

import numpy as np

from rglm.errors import RError, rwarn
from rglm.engines.irls.control import GlmControl
from rglm.engines.irls.history import HistoryRecorder, IrlsHistory
from rglm.render.rformat import format_number
from rglm.report import cat

__all__ = ["IrlsEngine", "Progress", "IrlsOutcome", "irls", "relative_change",
           "has_converged", "final_coefficients", "unpivot"]


class Trial(Protocol):
    """Coefficients evaluated by an engine: R's ``start`` and the ``dev`` they give."""

    coef: Optional[np.ndarray]
    dev: float


class Step(Protocol):
    """A solved WLS step: R's ``fit`` (``coefficients`` in pivoted order, 0-based ``pivot``)."""

    coefficients: np.ndarray
    pivot: np.ndarray
    rank: int


@dataclass(frozen=True)
class Progress:
    """Where the loop stands when it asks for an evaluation.

    Attributes
    ----------
    iteration : int
        R's ``iter`` (1-based).
    change : float
        The previous iteration's relative change of the deviance (``inf`` at the first):
        a chunked engine uses it to guess which pass will be the last.
    problem : object
        The WLS problem the step being evaluated was solved from (engine-defined).
    halving : int
        0 for the step itself, ``k`` for its ``k``-th halving.
    """

    iteration: int
    change: float
    problem: Any
    halving: int = 0


class IrlsEngine(Protocol):
    """How one fit sets up and solves a WLS step and evaluates coefficients."""

    def problem(self, at: Trial) -> Optional[Any]:
        """The WLS problem at ``at`` (working response and weights on the informative
        rows); None when no row is informative."""

    def solve(self, problem: Any, previous: Optional[Step]) -> Step:
        """Solve ``problem`` as ``C_Cdqrls`` would (``previous``: the last step, which an
        engine may use to precondition this one)."""

    def evaluate(self, coef: np.ndarray, progress: Progress, deviance: bool = True) -> Trial:
        """``eta``, ``mu`` and (with ``deviance``) the deviance at ``coef``; without it
        ``dev`` may be missing until :meth:`with_deviance`."""

    def with_deviance(self, trial: Trial) -> Trial:
        """``trial`` with its deviance computed (itself when it has one)."""

    def valid(self, trial: Trial) -> bool:
        """``valideta(eta) && validmu(mu)``."""

    def weights_summary(self, problem: Any) -> Optional[tuple[float, float, float]]:
        """``(min, median, max)`` of the working weights of ``problem`` (for the fit's
        history), or None when the engine does not hold them row by row."""


@dataclass(frozen=True)
class IrlsOutcome:
    """The loop's state when it ends.

    Attributes
    ----------
    coef : ndarray or None
        R's ``coef`` (None if no iteration completed).
    current : Trial
        The last accepted evaluation (R's ``eta``, ``mu``, ``dev`` after the loop).
    problem : object or None
        The WLS problem of the last step (its working weights are R's ``w``); None once
        the loop has stopped for want of informative rows.
    step : Step or None
        The last WLS step (R's ``fit``); None if none was solved.
    iter : int
    converged, boundary : bool
    informative : bool
        False when the loop stopped because no row was informative (glm.fit then fails
        while assembling its result).
    history : IrlsHistory or None
        The completed iterations (an iteration that broke off -- no informative row,
        non-finite coefficients -- has no row).
    """

    coef: Optional[np.ndarray]
    current: Any
    problem: Optional[Any]
    step: Optional[Any]
    iter: int
    converged: bool
    boundary: bool
    informative: bool = True
    history: Optional[IrlsHistory] = None


def relative_change(dev: float, devold: float) -> float:
    """``|dev - devold| / (|dev| + 0.1)``: what R's convergence test compares to epsilon."""
    return abs(dev - devold) / (abs(dev) + 0.1)


def has_converged(dev: float, devold: float, epsilon: float) -> bool:
    """R's rule: ``|dev - devold| / (|dev| + 0.1) < epsilon``."""
    return relative_change(dev, devold) < epsilon


def unpivot(step: Step, nvars: int) -> np.ndarray:
    """``start[fit$pivot] <- fit$coefficients``: aliased columns get coefficient 0."""
    coef = np.empty(nvars)
    coef[step.pivot] = step.coefficients
    return coef


def _check_rank(step: Step, nobs: int, nvars: int, singular_ok: bool) -> None:
    rank = step.rank
    if nobs < rank:
        noun = "observation" if nobs == 1 else "observations"
        raise RError(f"X matrix has rank {rank}, but only {nobs} {noun}")
    if not singular_ok and rank < nvars:
        raise RError("singular fit encountered")


def _trace(text: str, value: float, suffix: str = "") -> None:
    """A trace line as R's ``cat()`` writes it (``getOption("digits")`` significant
    digits)."""
    cat(f"{text}{format_number(value)}{suffix}\n")


def _halve(engine: IrlsEngine, current, coefold, progress: Progress, control: GlmControl,
           ok: Callable[[Any], bool], deviance: bool, warning: str, loop: str):
    """Halve the step towards ``coefold`` until ``ok`` (R's inner loops 1 and 2).

    Inner loop 2 (``deviance=False``) computes no deviance while it halves, only once
    it is left, as R does. Returns the accepted evaluation and how many halvings it took.
    """
    if coefold is None:
        raise RError("no valid set of coefficients has been found: please supply starting values")
    rwarn(warning)
    halvings = 1
    while not ok(current):
        if halvings > control.maxit:
            raise RError(f"{loop}; cannot correct step size")
        current = engine.evaluate((current.coef + coefold) / 2,
                                  replace(progress, halving=halvings), deviance=deviance)
        halvings += 1
    current = engine.with_deviance(current)
    if control.trace:
        _trace("Step halved: new deviance = ", current.dev)
    return current, halvings - 1


def irls(engine: IrlsEngine, start, coefold: Optional[np.ndarray], *, nobs: int, nvars: int,
         control: GlmControl, singular_ok: bool) -> IrlsOutcome:
    """The IRLS loop, ``for (iter in 1:maxit)``, with R's breaks and step-halvings.

    R: ``stats::glm.fit`` from ``if (!(validmu(mu) && valideta(eta)))`` on the starting
    values to the end of the loop.

    Parameters
    ----------
    engine : IrlsEngine
    start : Trial
        The starting point (R's ``eta`` and ``mu`` from etastart, start or mustart); its
        deviance may still be missing (:meth:`IrlsEngine.with_deviance`).
    coefold : ndarray or None
        R's ``coefold``: ``start`` when given, else None (then a first step that needs
        halving is an error).
    nobs, nvars : int
        Rows and columns of the design (R's rank checks).
    control : GlmControl
    singular_ok : bool
        If False a rank-deficient step is an error.

    Returns
    -------
    IrlsOutcome

    Raises
    ------
    RError
        R's messages: invalid starting values, rank, failed step-halvings.

    Notes
    -----
    The loop warns as R's does (no informative rows, non-finite coefficients, step size
    truncated); the warnings after it are :func:`rglm.engines.irls.endwarnings.warn_after_loop`'s.
    """
    if not engine.valid(start):
        raise RError("cannot find valid starting values: please specify some")
    current = engine.with_deviance(start)
    del start  # its eta and mu go once the first step replaces `current`
    devold = current.dev
    change = math.inf
    coef, problem, step = None, None, None
    boundary = converged = False
    iteration = 0
    history = HistoryRecorder(nvars)
    for iteration in range(1, control.maxit + 1):
        # The previous step's working weights (held by its problem and progress) are
        # superseded now (and, should no row be informative, glm.fit fails before using
        # them): an n-vector less while the next problem is set up.
        problem = progress = None
        problem = engine.problem(current)
        if problem is None:
            rwarn(f"no observations informative at iteration {iteration}")
            return IrlsOutcome(coef=coef, current=current, problem=None, step=step,
                               iter=iteration, converged=False, boundary=boundary,
                               informative=False, history=history.record())
        weights = engine.weights_summary(problem)
        step = engine.solve(problem, step)
        if not np.isfinite(step.coefficients).all():
            converged = False
            rwarn(f"non-finite coefficients at iteration {iteration}")
            break
        _check_rank(step, nobs, nvars, singular_ok)
        progress = Progress(iteration=iteration, change=change, problem=problem)
        # The previous eta and mu are not needed past this point: free them first.
        current = None
        current = engine.evaluate(unpivot(step, nvars), progress)
        if control.trace:
            _trace("Deviance = ", current.dev, f" Iterations - {iteration}")
        boundary = False
        halvings = 0
        if not np.isfinite(current.dev):
            current, halvings = _halve(engine, current, coefold, progress, control,
                                       lambda t: np.isfinite(t.dev), True,
                                       "step size truncated due to divergence", "inner loop 1")
            boundary = True
        if not engine.valid(current):
            current, more = _halve(engine, current, coefold, progress, control, engine.valid,
                                   False, "step size truncated: out of bounds", "inner loop 2")
            halvings += more
            boundary = True
        change = relative_change(current.dev, devold)
        history.add(iteration, current.dev, change, halvings, weights, current.coef,
                    step.pivot[step.rank:])
        if change < control.epsilon:
            converged = True
            coef = current.coef
            break
        devold = current.dev
        coef = coefold = current.coef
    return IrlsOutcome(coef=coef, current=current, problem=problem, step=step, iter=iteration,
                       converged=converged, boundary=boundary, history=history.record())


def final_coefficients(outcome: IrlsOutcome, nvars: int) -> np.ndarray:
    """R's coefficients after the loop: NaN (R's NA) for the columns pivoted out.

    R: ``glm.fit`` after the loop, which fails where the loop left it nothing to assemble:
    without any WLS step on ``fit$rank`` ("object 'fit' not found"), after "no
    observations informative" on ``rep.int("", sum(good) - rank)``, and without any
    completed iteration on ``names(coef) <- xnames``.
    """
    step = outcome.step
    if step is None:
        raise RError("object 'fit' not found")
    if not outcome.informative:
        raise RError("invalid 'times' value")
    if outcome.coef is None:
        raise RError("object 'coef' not found")
    coef = np.array(outcome.coef, dtype=np.float64)
    if step.rank < nvars:
        coef[step.pivot[step.rank:]] = np.nan
    return coef
