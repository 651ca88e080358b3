"""The records a density works with: the prepared response and the derivatives.

Shapes (a convention every density follows): the response fields are columns
``(n, 1)``; ``eta`` is ``(n, K)``, one column per class; the ancillary ``anc`` is a
vector ``(K,)`` (or anything that broadcasts against ``eta``). Every output is
``(n, K)``, so that one call evaluates all the classes of a mixture.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

__all__ = ["Response", "Derivatives"]


@dataclass(frozen=True)
class Response:
    """A response checked for a family's support, with the terms that do not change.

    Attributes
    ----------
    y : ndarray (n, 1)
        The outcome.
    trials : ndarray (n, 1) or None
        Binomial trials (None for the other families).
    log_y, log_1my : ndarray (n, 1) or None
        ``log y`` and ``log(1 - y)`` where the density needs them (positive and beta
        outcomes).
    constant : ndarray (n, 1)
        The part of each log density that depends on no parameter (``-log y!``,
        ``log choose(n, y)``, ``-log y``, ...), computed once: :meth:`FmmFamily.derivatives`
        adds it to ``logf``.
    levels, index : ndarray (U, 1) and (n,), or None
        For counts with few distinct values (U well below n): the distinct values and
        each row's position among them, ``y == levels[index]``. The negative binomial
        evaluates its gamma functions of ``y + size`` on the U levels only.
    """

    y: np.ndarray
    trials: Optional[np.ndarray]
    log_y: Optional[np.ndarray]
    log_1my: Optional[np.ndarray]
    constant: np.ndarray
    levels: Optional[np.ndarray] = None
    index: Optional[np.ndarray] = None

    @property
    def n(self) -> int:
        return int(self.y.shape[0])


@dataclass(frozen=True)
class Derivatives:
    """A log density and its derivatives in the linear predictor and the ancillary.

    ``anc`` is the ancillary on its estimation scale (a logarithm: ``lnvar``,
    ``lnalpha``, ``logs``, ...). Fields of order above the one requested, and the
    ancillary ones of a family without an ancillary, are None.

    Attributes
    ----------
    logf : ndarray (n, K)
        ``log f(y | eta, anc)``, constants included.
    d_eta, d2_eta : ndarray (n, K) or None
        First and second derivatives in ``eta``.
    d_anc, d2_anc, d2_eta_anc : ndarray (n, K) or None
        First and second derivatives in ``anc``, and the cross derivative.
    """

    logf: np.ndarray
    d_eta: Optional[np.ndarray] = None
    d2_eta: Optional[np.ndarray] = None
    d_anc: Optional[np.ndarray] = None
    d2_anc: Optional[np.ndarray] = None
    d2_eta_anc: Optional[np.ndarray] = None
