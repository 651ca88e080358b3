"""Setup of ``glm_fit``: coerce the inputs, check the family, run its ``initialize``.

R: the first part of ``stats::glm.fit`` (up to and including ``eval(family$initialize)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import numpy as np

from rglm.errors import RError
from rglm.families.elementwise import blockwise

__all__ = ["FitData", "prepare", "deparse_names", "means", "deviance", "mu_eta_at"]


@dataclass(frozen=True)
class FitData:
    """The fixed inputs of the IRLS, after the family's ``initialize``.

    Attributes
    ----------
    x : ndarray, shape (nobs, nvars)
        Fortran-ordered float64 design (a private copy only when conversion was needed).
    y : ndarray
        Response as modified by initialize (binomial proportions).
    weights : ndarray
        Prior weights as modified by initialize.
    offset : ndarray
        Offset, zeros when none was given.
    n : ndarray
        Trial totals for the aic.
    mustart : ndarray or None
        Starting means (the user's when given, else the family's); None once the
        starting linear predictor has been computed from them.
    family : Family
    xnames, ynames : tuple of str or None
    """

    x: np.ndarray
    y: np.ndarray
    weights: np.ndarray
    offset: np.ndarray
    n: np.ndarray
    mustart: Optional[np.ndarray]
    family: Any
    xnames: Optional[tuple]
    ynames: Optional[tuple]

    @property
    def nobs(self) -> int:
        return self.x.shape[0]

    @property
    def nvars(self) -> int:
        return self.x.shape[1]


def means(data: FitData, eta: np.ndarray) -> np.ndarray:
    """``mu = linkinv(eta)`` (evaluated on row blocks: the link's temporaries stay small)."""
    return np.asarray(blockwise(data.family.linkinv, eta), dtype=np.float64)


def deviance(data: FitData, mu) -> float:
    """R's ``sum(dev.resids(y, mu, weights))``; ``mu`` a vector or one number for all rows.

    The unit deviances are evaluated on row blocks into one vector and summed as a whole,
    so the sum is the same as without blocks.
    """
    return float(np.sum(blockwise(data.family.dev_resids, data.y, mu, data.weights)))


def mu_eta_at(family, eta: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """``mu.eta(eta)``; ``mu`` itself when the link's derivative is its inverse.

    The log link's ``mu.eta`` and ``linkinv`` are the same function in R (``pmax(exp(eta),
    .Machine$double.eps)``), so with ``mu = linkinv(eta)`` the result is ``mu``, bit for
    bit, without another exponential over n rows.
    """
    link = getattr(family, "linkobj", None)
    if link is not None and link.mu_eta is link.linkinv:
        return mu
    return family.mu_eta(eta)


def _design(x, xnames):
    """A 2-D Fortran float64 design and its column names (a DataFrame supplies them)."""
    columns = getattr(x, "columns", None)
    if xnames is None and columns is not None:
        xnames = tuple(str(c) for c in columns)
    values = x.to_numpy(dtype=np.float64) if hasattr(x, "to_numpy") else x
    matrix = np.asarray(values, dtype=np.float64)
    if matrix.ndim == 1:
        matrix = matrix.reshape(-1, 1)  # R's as.matrix() of a vector: one column
    return np.asfortranarray(matrix), (tuple(xnames) if xnames is not None else None)


def _response(y, ynames):
    """The response as a float array, and R's ``names(y)`` (a Series index supplies them)."""
    index = getattr(y, "index", None)
    if ynames is None and index is not None:
        ynames = tuple(str(i) for i in index)
    values = y.to_numpy() if hasattr(y, "to_numpy") else y
    return np.asarray(values, dtype=np.float64), (tuple(ynames) if ynames is not None else None)


def _per_observation(value, nobs: int, default: float, message: str) -> np.ndarray:
    if value is None:
        return np.full(nobs, default)
    arr = np.asarray(value, dtype=np.float64).reshape(-1)
    if arr.shape[0] != nobs:
        raise RError(message.format(len=arr.shape[0], nobs=nobs))
    return arr


def _check_family(family) -> None:
    if not callable(getattr(family, "variance", None)) or not callable(getattr(family, "linkinv", None)):
        raise RError("'family' argument seems not to be a valid family object")


def prepare(x, y, weights, offset, family, etastart, mustart, start, xnames, ynames) -> FitData:
    """Coerce the inputs and run the family's ``initialize``.

    R: ``glm.fit`` up to ``eval(family$initialize)``. When ``mustart`` is given,
    initialize still runs (it may change ``y``, ``weights`` and ``n``) and the user's
    ``mustart`` is then kept.

    Returns
    -------
    FitData
    """
    design, xnames = _design(x, xnames)
    response, ynames = _response(y, ynames)
    nobs = response.shape[0]
    _check_family(family)
    # glm.fit itself does not check lengths; these are the messages glm() gives.
    prior = _per_observation(weights, nobs, 1.0, "variable lengths differ (found for '(weights)')")
    offset = _per_observation(
        offset, nobs, 0.0, "number of offsets is {len} should equal {nobs} (number of observations)")
    init = family.initialize(response, prior, etastart=etastart, mustart=mustart, start=start)
    chosen_mustart = init.mustart if mustart is None else np.asarray(mustart, dtype=np.float64)
    return FitData(x=design, y=init.y, weights=init.weights, offset=offset, n=init.n,
                   mustart=chosen_mustart, family=family, xnames=xnames, ynames=ynames)


def _quote(name: str) -> str:
    escaped = (name.replace("\\", "\\\\").replace('"', '\\"')
               .replace("\n", "\\n").replace("\t", "\\t"))
    return f'"{escaped}"'


def deparse_names(names: Optional[tuple], cutoff: int = 60) -> str:
    """R's ``paste(deparse(xnames), collapse = ", ")`` for a character vector.

    R: ``deparse`` (width.cutoff 60) breaks the line before an element, or before the
    closing parenthesis, once the line is longer than ``cutoff`` bytes; the pieces are then
    pasted back with ``", "``, which is why R's message can read ``..., "x5", )``.
    """
    if names is None:
        return "NULL"
    if len(names) == 0:
        return "character(0)"
    if len(names) == 1:
        return _quote(names[0])
    lines, line = [], "c("
    items = [_quote(n) + (", " if i < len(names) - 1 else "") for i, n in enumerate(names)]
    for item in items + [")"]:
        if len(line.encode()) > cutoff:
            lines.append(line)
            line = ""
        line += item
    lines.append(line)
    return ", ".join(lines)
