"""Interpolation as R's ``spline(method = "fmm")`` and ``approx()`` compute it.

``confint.profile.glm`` turns a likelihood profile into confidence limits with these two
steps: an interpolating cubic spline through the profile points, evaluated on a regular
grid, then linear interpolation of the *inverse* function at the normal cut-offs. Both are
plain arithmetic, reproduced here operation for operation so that the limits agree with
R's to the last few bits.

R sources: ``stats::spline``, ``stats::approx``, ``stats:::regularize.values``
(src/library/stats/R/{spline.R,approx.R}), ``fmm_spline`` and ``spline_eval``
(src/library/stats/src/splines.c), ``approx1`` (src/library/stats/src/approx.c) and
``seq.int(from, to, length.out =)`` (src/main/seq.c).
"""

from __future__ import annotations

from typing import NamedTuple, Optional

import numpy as np

from rglm.errors import RError, rwarn

__all__ = ["seq_length_out", "r_mean", "regularize_values", "fmm_spline_coef",
           "spline_eval", "spline", "approx", "SplineCoef", "XY"]


class XY(NamedTuple):
    """R's ``list(x = , y = )`` returned by ``spline()``."""

    x: np.ndarray
    y: np.ndarray


class SplineCoef(NamedTuple):
    """A cubic spline in piecewise form: on ``[x[i], x[i+1]]`` with ``t = u - x[i]``,
    ``s(u) = y[i] + t*(b[i] + t*(c[i] + t*d[i]))`` (R's ``splinefun`` coefficients)."""

    x: np.ndarray
    y: np.ndarray
    b: np.ndarray
    c: np.ndarray
    d: np.ndarray


def seq_length_out(start: float, stop: float, n: int) -> np.ndarray:
    """``n`` equally spaced numbers from ``start`` to ``stop``, both ends exact.

    R: ``seq.int(from, to, length.out = n)``: ``from + i * by`` with
    ``by = (to - from) / (n - 1)`` for the interior points, the last one set to ``to``.
    """
    n = int(n)
    out = np.empty(max(n, 0))
    if n > 0:
        out[0] = start
    if n > 1:
        out[n - 1] = stop
    if n > 2:
        by = (stop - start) / (n - 1)
        out[1:n - 1] = start + np.arange(1, n - 1, dtype=float) * by
    return out


def r_mean(values: np.ndarray) -> float:
    """Arithmetic mean as R's ``mean()`` computes it.

    R: ``mean.default`` → ``.Internal(mean(x))`` (src/main/summary.c): the sum in long
    double divided by n, then corrected by the mean of the residuals (a second pass), the
    whole in long double.
    """
    x = np.asarray(values, dtype=np.longdouble)
    n = np.longdouble(x.size)
    s = x.sum() / n
    s = s + (x - s).sum() / n
    return float(s)


def regularize_values(x, y, warn_collapsing: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Drop NA pairs, sort by ``x`` and average ``y`` over tied ``x``.

    R: ``stats:::regularize.values(x, y, ties = mean, warn.collapsing, na.rm = TRUE)``.
    ``spline()`` and ``approx()`` call it with ``warn.collapsing = missing(ties)``, which is
    TRUE when the caller left ``ties`` at its default, as ``confint.profile.glm`` does.
    """
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if x.size != y.size:
        raise RError("'x' and 'y' lengths differ")
    ok = ~(np.isnan(x) | np.isnan(y))
    x, y = x[ok], y[ok]
    if np.any(np.diff(x) < 0):
        # order() is stable: tied x keep their original order (it matters only to the
        # order in which tied y enter the mean, as in R)
        o = np.argsort(x, kind="stable")
        x, y = x[o], y[o]
    ux, start = np.unique(x, return_index=True)
    if ux.size < x.size:
        if warn_collapsing:
            rwarn("collapsing to unique 'x' values")
        bounds = list(start) + [x.size]
        y = np.array([r_mean(y[bounds[k]:bounds[k + 1]]) for k in range(ux.size)])
        x = ux
    return x, y


def fmm_spline_coef(x: np.ndarray, y: np.ndarray) -> SplineCoef:
    """Coefficients of the Forsythe-Malcolm-Moler interpolating cubic spline.

    R: ``fmm_spline`` in splines.c (``spline(method = "fmm")``). The end conditions match
    the third derivatives at each end to those of the cubic through the first (last) four
    points; with three points they are zero; two points give a straight line.

    Notes
    -----
    The tridiagonal system for the second-derivative terms ``sigma`` is set up with ``b``
    as diagonal, ``d`` as off-diagonal and ``c`` as right-hand side, solved by Gaussian
    elimination and back substitution, then turned into polynomial coefficients, all in the
    order of the C code (so the rounding is R's). Arrays are 0-based here; the comments of
    the C code use 1-based indices.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = x.size
    b = np.zeros(n)
    c = np.zeros(n)
    d = np.zeros(n)
    if n < 2:
        # R sets errno and leaves the (zeroed) coefficients: a constant
        return SplineCoef(x, y, b, c, d)
    if n < 3:
        b[0] = (y[1] - y[0]) / (x[1] - x[0])
        b[1] = b[0]
        return SplineCoef(x, y, b, c, d)
    nm1 = n - 1
    d[0] = x[1] - x[0]
    c[1] = (y[1] - y[0]) / d[0]
    for i in range(1, nm1):
        d[i] = x[i + 1] - x[i]
        b[i] = 2.0 * (d[i - 1] + d[i])
        c[i + 1] = (y[i + 1] - y[i]) / d[i]
        c[i] = c[i + 1] - c[i]
    # end conditions: third derivatives from divided differences
    b[0] = -d[0]
    b[nm1] = -d[n - 2]
    c[0] = c[nm1] = 0.0
    if n > 3:
        c0 = c[2] / (x[3] - x[1]) - c[1] / (x[2] - x[0])
        cn = c[n - 2] / (x[nm1] - x[n - 3]) - c[n - 3] / (x[n - 2] - x[n - 4])
        c[0] = c0 * d[0] * d[0] / (x[3] - x[0])
        c[nm1] = -cn * d[n - 2] * d[n - 2] / (x[nm1] - x[n - 4])
    # Gaussian elimination
    for i in range(1, n):
        t = d[i - 1] / b[i - 1]
        b[i] = b[i] - t * d[i - 1]
        c[i] = c[i] - t * c[i - 1]
    # back substitution: c becomes sigma
    c[nm1] = c[nm1] / b[nm1]
    for i in range(n - 2, -1, -1):
        c[i] = (c[i] - d[i] * c[i + 1]) / b[i]
    # polynomial coefficients
    b[nm1] = (y[nm1] - y[n - 2]) / d[n - 2] + d[n - 2] * (c[n - 2] + 2.0 * c[nm1])
    for i in range(nm1):
        b[i] = (y[i + 1] - y[i]) / d[i] - d[i] * (c[i + 1] + 2.0 * c[i])
        d[i] = (c[i + 1] - c[i]) / d[i]
        c[i] = 3.0 * c[i]
    c[nm1] = 3.0 * c[nm1]
    d[nm1] = d[n - 2]
    return SplineCoef(x, y, b, c, d)


def spline_eval(u, coef: SplineCoef) -> np.ndarray:
    """Evaluate a non-periodic spline at ``u``.

    R: ``spline_eval`` in splines.c for method "fmm": the interval is found by bisection
    (kept from one point to the next when still valid); beyond the knots the end cubics
    are extrapolated.
    """
    u = np.asarray(u, dtype=float).ravel()
    x, y, b, c, d = coef
    n = x.size
    v = np.empty(u.size)
    i = 0
    for pos, ul in enumerate(u.tolist()):
        if ul < x[i] or (i < n - 1 and x[i + 1] < ul):
            i, j = 0, n
            while True:
                k = (i + j) // 2
                if ul < x[k]:
                    j = k
                else:
                    i = k
                if not j > i + 1:
                    break
        dx = ul - x[i]
        v[pos] = y[i] + dx * (b[i] + dx * (c[i] + dx * d[i]))
    return v


def spline(x, y, n: Optional[int] = None, xmin: Optional[float] = None,
           xmax: Optional[float] = None, xout=None) -> XY:
    """Interpolating cubic spline through ``(x, y)``, evaluated on a grid.

    R: ``stats::spline(x, y, n = 3 * length(x), method = "fmm", xmin = min(x),
    xmax = max(x), xout)``. The defaults are R's lazily evaluated arguments, so ``n`` is
    three times the number of *distinct* x (ties already collapsed); the grid is
    ``seq.int(xmin, xmax, length.out = n)``.

    Returns
    -------
    XY
        ``x`` the evaluation points, ``y`` the spline's values there.
    """
    xs, ys = regularize_values(x, y)
    if xs.size == 0:
        raise RError("zero non-NA points")
    # R's defaults are promises forced only after x has been regularised
    if n is None:
        n = 3 * xs.size
    if xmin is None:
        xmin = float(xs[0])
    if xmax is None:
        xmax = float(xs[-1])
    if xout is None:
        xout = seq_length_out(xmin, xmax, n)
    else:
        xout = np.asarray(xout, dtype=float).ravel()
    if xout.size <= 0:
        raise RError("'spline' requires n >= 1")
    return XY(xout, spline_eval(xout, fmm_spline_coef(xs, ys)))


def approx(x, y, xout, yleft: float = np.nan, yright: float = np.nan) -> np.ndarray:
    """Linear interpolation of ``y`` against ``x`` at ``xout``; NA outside the range.

    R: ``stats::approx(x, y, xout, method = "linear", rule = 1, ties = mean)$y``:
    points regularised (sorted, tied x averaged with a warning), then for each
    ``v = xout[l]`` the bracketing interval found by bisection and
    ``y[i] + (y[j] - y[i]) * ((v - x[i]) / (x[j] - x[i]))``; exact at the knots.
    """
    xs, ys = regularize_values(x, y)
    if xs.size <= 1:
        raise RError("need at least two non-NA values to interpolate")
    v = np.asarray(xout, dtype=float).ravel()
    out = np.empty(v.size)
    last = xs.size - 1
    for pos, value in enumerate(v.tolist()):
        if np.isnan(value):
            out[pos] = np.nan
            continue
        if value < xs[0]:
            out[pos] = yleft
            continue
        if value > xs[last]:
            out[pos] = yright
            continue
        i, j = 0, last
        while i < j - 1:
            ij = (i + j) // 2
            if value < xs[ij]:
                j = ij
            else:
                i = ij
        if value == xs[j]:
            out[pos] = ys[j]
        elif value == xs[i]:
            out[pos] = ys[i]
        else:
            out[pos] = ys[i] + (ys[j] - ys[i]) * ((value - xs[i]) / (xs[j] - xs[i]))
    return out
