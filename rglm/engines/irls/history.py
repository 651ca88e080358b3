"""The record of an IRLS fit, iteration by iteration: what ``glm.control(trace = TRUE)``
prints, and what R does not keep.

R: ``stats::glm.fit`` prints ``Deviance = ... Iterations - k`` per iteration when traced
and keeps nothing of it. The loop (:func:`rglm.engines.irls.loop.irls`) hands each
completed iteration to a :class:`HistoryRecorder`, which appends a few numbers and one
coefficient vector (iterations are few: this is not a loop over rows); the fit keeps the
frozen :class:`IrlsHistory` it builds at the end.

Conventions: row ``k`` (0-based) is iteration ``k + 1``, R's ``iter``. Its coefficients
are those R's ``glm.fit`` returns with ``control = glm.control(maxit = k + 1)`` (after
any step-halving; NaN for the columns that iteration's QR pivoted out), its deviance the
last one R's trace prints for that iteration, and its working weights those of the
iteration's weighted least-squares step (R's ``fit$weights`` after ``maxit = k + 1``,
on the rows that step used).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

__all__ = ["IrlsHistory", "HistoryRecorder", "weights_summary", "empty_history"]


@dataclass(frozen=True)
class IrlsHistory:
    """Per-iteration record of an IRLS fit (arrays of length ``iter``, read-only).

    Attributes
    ----------
    iteration : ndarray of int
        R's ``iter``: 1, 2, ...
    deviance : ndarray
        The deviance accepted at the iteration (after step-halving): R's trace line
        ``Deviance = ...`` or, when the step was halved, ``Step halved: new deviance = ...``.
    criterion : ndarray
        ``|dev - devold| / (|dev| + 0.1)``, what R compares with ``epsilon``.
    halvings : ndarray of int
        How many times the step was halved (R's inner loops 1 and 2 together).
    weights : ndarray, shape (iter, 3), or None
        Minimum, median and maximum of the working weights ``w^2`` of the iteration's
        least-squares step, over the rows it used; None when the engine does not see
        the weights row by row (the chunked fit).
    coefficients : ndarray, shape (iter, p)
        The coefficients after each iteration, in the design's column order; NaN where
        that iteration's QR pivoted a column out (R's NA).
    """

    iteration: np.ndarray
    deviance: np.ndarray
    criterion: np.ndarray
    halvings: np.ndarray
    weights: Optional[np.ndarray]
    coefficients: np.ndarray


def weights_summary(w: np.ndarray) -> tuple[float, float, float]:
    """``(min, median, max)`` of ``w^2`` (``w``: the square roots of the working weights,
    as the WLS step holds them). The squares are a new array; ``w`` is not modified."""
    w2 = np.square(w)
    # the median partitions its input: the new array may be reordered
    return float(w2.min()), float(np.median(w2, overwrite_input=True)), float(w2.max())


class HistoryRecorder:
    """Collects the iterations of one call of the loop (mutable, local to that call).

    Parameters
    ----------
    nvars : int
        Columns of the design.
    """

    def __init__(self, nvars: int):
        self._nvars = nvars
        self._rows: list[tuple[int, float, float, int]] = []
        self._weights: list[Optional[tuple[float, float, float]]] = []
        self._coef: list[np.ndarray] = []

    def add(self, iteration: int, dev: float, criterion: float, halvings: int,
            weights: Optional[tuple[float, float, float]], coef: np.ndarray,
            aliased: np.ndarray) -> None:
        """Record a completed iteration (``aliased``: 0-based columns pivoted out)."""
        self._rows.append((iteration, float(dev), float(criterion), int(halvings)))
        self._weights.append(weights)
        beta = np.array(coef, dtype=np.float64)
        beta[aliased] = np.nan
        self._coef.append(beta)

    def record(self) -> IrlsHistory:
        """The frozen record of the iterations added so far."""
        rows = self._rows
        weights = None
        if rows and all(w is not None for w in self._weights):
            weights = np.array(self._weights, dtype=np.float64).reshape(len(rows), 3)
        coefficients = (np.vstack(self._coef) if rows
                        else np.empty((0, self._nvars), dtype=np.float64))
        return _frozen(
            iteration=np.array([r[0] for r in rows], dtype=np.int64),
            deviance=np.array([r[1] for r in rows], dtype=np.float64),
            criterion=np.array([r[2] for r in rows], dtype=np.float64),
            halvings=np.array([r[3] for r in rows], dtype=np.int64),
            weights=weights, coefficients=coefficients)


def empty_history(nvars: int, weights: bool = True) -> IrlsHistory:
    """The history of a fit without iterations (R's EMPTY model: ``iter`` 0)."""
    return _frozen(iteration=np.zeros(0, dtype=np.int64), deviance=np.zeros(0),
                   criterion=np.zeros(0), halvings=np.zeros(0, dtype=np.int64),
                   weights=np.zeros((0, 3)) if weights else None,
                   coefficients=np.zeros((0, nvars)))


def _frozen(**arrays) -> IrlsHistory:
    """An :class:`IrlsHistory` whose arrays cannot be written to (the fit is immutable)."""
    for value in arrays.values():
        if value is not None:
            value.setflags(write=False)
    return IrlsHistory(**arrays)
