"""R's stateful transforms ``poly()`` and ``scale()``, with the state that codes new data.

``model.frame`` records, for each such call, what is needed to code new data exactly as
the fitting data were coded (R's ``predvars``: ``poly(x, 2, coefs = list(alpha, norm2))``,
``scale(x, center = c, scale = s)``). :class:`PolyCoefs` and :class:`ScaleCoefs` are those
records; the ``*_fit`` functions compute them, the ``*_predict`` functions reuse them.

Conventions: inputs are 1-D float64 numpy arrays (``scale`` also takes 2-D); outputs are
new float64 arrays, inputs are never written to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence, Union

import numpy as np

from rglm.errors import RError

__all__ = ["orthogonal_residuals", "PolyCoefs", "ScaleCoefs", "poly_fit", "poly_predict",
           "poly_raw", "poly_colnames", "scale_fit", "scale_predict"]

# qr()'s default tolerance in R (LINPACK dqrdc2), used for poly's rank check.
_QR_TOL = 1e-7


@dataclass(frozen=True)
class PolyCoefs:
    """R's ``attr(poly(x, degree), "coefs")``.

    Attributes
    ----------
    alpha : tuple of float
        The ``degree`` recurrence centres.
    norm2 : tuple of float
        ``degree + 2`` squared norms, starting ``1, n, ...``.
    """

    alpha: tuple[float, ...]
    norm2: tuple[float, ...]


@dataclass(frozen=True)
class ScaleCoefs:
    """R's ``attr(x, "scaled:center")`` and ``attr(x, "scaled:scale")`` (None if unused)."""

    center: tuple[float, ...] | None
    scale: tuple[float, ...] | None


def orthogonal_residuals(x: np.ndarray, tol: float = _QR_TOL) -> tuple[np.ndarray, int]:
    """``Q diag(R)`` of the Householder QR of ``x`` (no pivoting) and its rank.

    R: ``qr.qy(qr(x), diag(qr(x)$qr))``, as used by stats::poly and stats::contr.poly.

    Notes
    -----
    Column j of the result is column j of ``x`` minus its projection on the earlier
    columns. The reflections are computed in LINPACK's order (``dqrdc2``: the
    Householder vector scaled by the signed column norm, its leading element increased
    by one), which keeps rounding close to R's for ill-conditioned power matrices. The
    rank counts columns whose remaining norm is at least ``tol`` times their original
    norm (dqrdc2's test; R would then move such columns last, which poly() reports as
    an error instead).
    """
    a = np.array(x, dtype=float, order="F", copy=True)  # columns contiguous
    n, p = a.shape
    steps = min(n, p)
    qraux = np.zeros(steps)
    original = np.sqrt((a ** 2).sum(axis=0))
    rank = 0
    for col in range(steps):  # one reflection per column (loops run over columns only)
        v = a[col:, col]
        norm = np.sqrt(v @ v)
        if norm >= tol * original[col] and norm > 0:
            rank += 1
        if norm == 0.0:
            continue
        if v[0] != 0.0:
            norm = np.copysign(norm, v[0])
        v /= norm
        v[0] += 1.0
        for j in range(col + 1, p):
            w = a[col:, j]
            w -= ((v @ w) / v[0]) * v
        qraux[col] = v[0]
        a[col, col] = -norm
    diag = np.diag(a)[:steps].copy()
    z = np.zeros((n, p), order="F")
    z[np.arange(steps), np.arange(steps)] = diag
    for col in range(steps - 1, -1, -1):  # apply H_1 ... H_k to diag(R)
        if qraux[col] == 0.0:
            continue
        v = a[col:, col].copy()
        v[0] = qraux[col]
        for j in range(p):
            w = z[col:, j]
            w -= ((v @ w) / v[0]) * v
    return z, rank


def poly_colnames(degree: int) -> tuple[str, ...]:
    """R's column names of ``poly(x, degree)``: ``"1".."degree"``."""
    return tuple(str(j) for j in range(1, degree + 1))


def _check_degree(degree: int) -> int:
    if degree < 1:
        raise RError("'degree' must be at least 1")
    return int(degree)


def poly_raw(x: np.ndarray, degree: int) -> np.ndarray:
    """Plain powers ``x, x^2, ..., x^degree``.

    R: stats::poly(x, degree, raw = TRUE)
    """
    degree = _check_degree(degree)
    return np.asarray(x, dtype=float)[:, None] ** np.arange(1, degree + 1)[None, :]


def poly_fit(x: np.ndarray, degree: int) -> tuple[np.ndarray, PolyCoefs]:
    """Orthogonal polynomials of degree 1..``degree`` and their recurrence coefficients.

    R: stats::poly(x, degree)

    Returns
    -------
    (numpy.ndarray, PolyCoefs)
        The n × degree matrix (columns of unit length, orthogonal to the constant and to
        each other) and the coefficients that reproduce it on new ``x``.

    Notes
    -----
    R centres ``x`` at its mean, takes the QR decomposition of the powers
    ``(x - xbar)^0..degree`` and keeps ``Z = Q diag(R)``: column j is the j-th power minus
    its projection on the lower ones, which does not depend on the QR's sign convention.
    Then ``norm2_j = |Z_j|^2``, ``alpha_j = sum(x Z_j^2) / norm2_j + xbar`` and the columns
    are ``Z_j / sqrt(norm2_j)``.
    """
    degree = _check_degree(degree)
    x = np.asarray(x, dtype=float)
    if np.isnan(x).any():
        raise RError("missing values are not allowed in 'poly'")
    if degree >= np.unique(x).size:
        raise RError("'degree' must be less than number of unique points")
    xbar = x.mean()
    xc = x - xbar
    powers = xc[:, None] ** np.arange(degree + 1)[None, :]
    z, rank = orthogonal_residuals(powers)
    if rank < degree:
        raise RError("'degree' must be less than number of unique points")
    norm2 = (z ** 2).sum(axis=0)
    alpha = ((xc[:, None] * z ** 2).sum(axis=0) / norm2 + xbar)[:degree]
    out = z[:, 1:] / np.sqrt(norm2[1:])[None, :]
    coefs = PolyCoefs(tuple(float(a) for a in alpha),
                      (1.0,) + tuple(float(v) for v in norm2))
    return out, coefs


def poly_predict(x: np.ndarray, coefs: PolyCoefs, degree: int) -> np.ndarray:
    """Evaluate the fitted orthogonal polynomials at new ``x`` (NA gives NA rows).

    R: stats::predict.poly / stats::poly(x, degree, coefs = )

    Notes
    -----
    Three-term recurrence: ``Z_0 = 1``, ``Z_1 = x - alpha_1``,
    ``Z_{i+1} = (x - alpha_{i+1}) Z_i - (norm2_{i+2} / norm2_{i+1}) Z_{i-1}``,
    then column i is divided by ``sqrt(norm2_{i+2})`` (1-based R indices).
    """
    degree = _check_degree(degree)
    x = np.asarray(x, dtype=float)
    alpha = np.asarray(coefs.alpha)
    norm2 = np.asarray(coefs.norm2)
    z = np.empty((x.size, degree + 1))
    z[:, 0] = 1.0
    z[:, 1] = x - alpha[0]
    for i in range(1, degree):  # loop over polynomial degree, not observations
        z[:, i + 1] = (x - alpha[i]) * z[:, i] - (norm2[i + 1] / norm2[i]) * z[:, i - 1]
    return z[:, 1:] / np.sqrt(norm2[2:degree + 2])[None, :]


def _as_columns(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return x[:, None] if x.ndim == 1 else x


def scale_fit(x: np.ndarray, center: Union[bool, Sequence[float]] = True,
              scale: Union[bool, Sequence[float]] = True) -> tuple[np.ndarray, ScaleCoefs]:
    """Centre and/or scale the columns of ``x``; also returns what was used.

    R: base::scale(x, center = TRUE, scale = TRUE)

    Parameters
    ----------
    x : numpy.ndarray
        Vector or matrix.
    center, scale : bool or sequence of float
        True computes the statistic, False skips the step, numbers are used as given
        (one per column).

    Notes
    -----
    ``center`` is the column mean ignoring NA; ``scale`` is the root mean square
    ``sqrt(sum(v^2) / max(1, n - 1))`` of the (already centred, if centring) non-NA values,
    which is the standard deviation when centring.
    """
    x = _as_columns(x)
    centers = None
    if isinstance(center, (bool, np.bool_)):
        if center:
            ok = ~np.isnan(x)
            with np.errstate(invalid="ignore", divide="ignore"):  # all-NA column: NaN
                centers = np.where(ok, x, 0.0).sum(axis=0) / ok.sum(axis=0)
    else:
        centers = _per_column(center, x, "center")
    if centers is not None:
        x = x - centers[None, :]
    scales = None
    if isinstance(scale, (bool, np.bool_)):
        if scale:
            ok = ~np.isnan(x)
            sumsq = (np.where(ok, x, 0.0) ** 2).sum(axis=0)
            scales = np.sqrt(sumsq / np.maximum(1, ok.sum(axis=0) - 1))
    else:
        scales = _per_column(scale, x, "scale")
    if scales is not None:
        x = x / scales[None, :]
    coefs = ScaleCoefs(None if centers is None else tuple(float(c) for c in centers),
                       None if scales is None else tuple(float(v) for v in scales))
    return x, coefs


def _per_column(values: Sequence[float], x: np.ndarray, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float).reshape(-1)
    if arr.size != x.shape[1]:
        raise RError(f"length of '{name}' must equal the number of columns of 'x'")
    return arr


def scale_predict(x: np.ndarray, coefs: ScaleCoefs) -> np.ndarray:
    """Apply recorded centring and scaling to new data.

    R: base::scale(x, center = <numeric>, scale = <numeric>)
    """
    x = _as_columns(x)
    if coefs.center is not None:
        x = x - _per_column(coefs.center, x, "center")[None, :]
    if coefs.scale is not None:
        x = x / _per_column(coefs.scale, x, "scale")[None, :]
    return x
