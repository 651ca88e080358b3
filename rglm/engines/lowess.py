"""Cleveland's LOWESS scatterplot smoother, as R computes it. R: ``stats::lowess``.

R's ``lowess(x, y, f, iter, delta)`` sorts the points by ``x`` and smooths with
Cleveland's (1979, 1981) algorithm (R's C ``clowess``). Written here from the algorithm
and R's documented choices, vectorised across the points where the fits are made:

1. **Where to fit.** A local fit is made at the first point; after a fit at ``x[p]`` the
   points tied with it copy its value, the points within ``delta`` of it are skipped
   (filled later by linear interpolation) and the next fit is at the last point within
   ``delta`` (at the point after the ties when that is further). This chain depends on
   ``x`` only; it is followed by pointer doubling (``log2 n`` array passes).
2. **The neighbourhood.** ``ns = max(2, min(n, floor(f n + 1e-7)))`` consecutive points,
   the window sliding right while that shortens its radius; the radius is
   ``h = max(x_i - x_left, x_right - x_i)``; points tied beyond the window's right end
   join it. Both searches are monotone conditions, found by vectorised bisection.
3. **The local fit.** Tricube weights ``(1 - (r/h)^3)^3`` (1 within ``0.001 h``, 0
   beyond ``0.999 h``), times the robustness weights after the first pass; a weighted
   straight line when the points are spread enough (``sqrt(c) > 0.001 * range``), else
   the weighted mean; the value of a neighbourhood whose weights are all zero is ``y_i``.
4. **Robustness.** ``iter`` times: bisquare weights of the residuals at six times their
   median absolute value (stopping early when that is ``< 1e-7`` times their mean).

The sums run over the window in order, as R's loops do (numpy adds rows of a ``(window,
points)`` array one after another), so the results agree with R's to the last bits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rglm.errors import RError

__all__ = ["Lowess", "lowess", "clowess"]

#: the most window x fit-point cells handled at once (bounds the memory of a pass)
_BLOCK_CELLS = 1 << 22


@dataclass(frozen=True)
class Lowess:
    """R's ``lowess()`` value: ``x`` sorted increasingly and the smoothed ``y``."""

    x: np.ndarray
    y: np.ndarray

    def __getitem__(self, name: str) -> np.ndarray:
        """R's ``$x`` / ``$y``."""
        return {"x": self.x, "y": self.y}[name]

    def keys(self) -> list[str]:
        """R's ``names(lowess(...))``."""
        return ["x", "y"]


def lowess(x, y=None, f: float = 2 / 3, iter: int = 3, delta: float | None = None
           ) -> Lowess:
    """Smooth a scatterplot. R: ``stats::lowess(x, y = NULL, f = 2/3, iter = 3L,
    delta = 0.01 * diff(range(x)))``.

    Parameters
    ----------
    x, y : array-like
        The points; with ``y`` None, ``x`` is the response against its index ``1..n``
        (R's ``xy.coords``).
    f : float
        The span: the fraction of the points each local fit uses.
    iter : int
        Robustifying iterations.
    delta : float, optional
        Points within ``delta`` of a fitted point are interpolated instead of fitted;
        default one hundredth of the range of ``x``.

    Returns
    -------
    Lowess
        ``x`` in increasing order (ties kept in their original order) and the smooth.
    """
    xs = np.array(x, dtype=np.float64).ravel()
    if y is None:
        xs, ys = np.arange(1.0, xs.size + 1.0), xs
    else:
        ys = np.array(y, dtype=np.float64).ravel()
        if ys.size != xs.size:
            raise RError("'x' and 'y' lengths differ")
    if xs.size == 0:
        raise RError("invalid input")
    if delta is None:
        delta = 0.01 * (np.max(xs) - np.min(xs)) if not np.isnan(xs).any() else np.nan
    order = np.argsort(xs, kind="stable")
    xs, ys = xs[order], ys[order]
    return Lowess(xs, clowess(xs, ys, f, iter, delta))


def clowess(x: np.ndarray, y: np.ndarray, f: float, iter: int, delta: float) -> np.ndarray:
    """The smooth of points already sorted by ``x``. R: ``.Call(C_lowess, ...)``.

    Checks the arguments as R's entry point does; ``x`` and ``y`` are float64 arrays of
    one length, ``x`` non-decreasing.
    """
    f, delta = float(f), float(delta)
    if not np.isfinite(f) or f <= 0:
        raise RError("'f' must be finite and > 0")
    if iter is None or int(iter) != iter or iter < 0:
        raise RError("'iter' must be finite and >= 0")
    if not np.isfinite(delta) or delta < 0:
        raise RError("'delta' must be finite and > 0")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        # R's C code would read NaN as positions; panel.smooth drops them before calling
        raise RError("invalid input")
    n = x.size
    if n < 2:
        return y.copy()
    ns = max(2, min(n, int(f * n + 1e-7)))
    fits = _fit_points(x, delta)
    left = _window_left(x, fits, ns)
    right = left + ns - 1
    radius = np.maximum(x[fits] - x[left], x[right] - x[fits])
    last = _window_last(x, fits, left, radius * 0.999)
    rw = None
    for step in range(int(iter) + 1):
        smooth = _fill(x, y, fits, _local_fits(x, y, fits, left, last, radius, rw))
        res = y - smooth
        if step == iter:
            break
        rw = _robustness_weights(res)
        if rw is None:
            break
    return smooth


# ---- 1. where the local fits are made ----------------------------------------------


def _fit_points(x: np.ndarray, delta: float) -> np.ndarray:
    """The indices of the points at which a local fit is made, in increasing order."""
    n = x.size
    ties_end = np.searchsorted(x, x, side="right") - 1  # last point tied with each
    # the first point beyond x[p] + delta (R: cut = x[last] + delta; x[i] > cut)
    beyond = np.searchsorted(x, x + delta, side="right")
    nxt = np.maximum(ties_end + 1, beyond - 1)
    nxt[ties_end >= n - 1] = n  # the chain ends once the ties reach the last point
    jump = np.append(nxt, n)  # n: the end, its own successor
    on = np.zeros(n + 1, dtype=bool)
    on[0] = True
    while True:  # pointer doubling: after k rounds, the first 2^k points of the chain
        reached = jump[on]
        if on[reached].all():
            break
        on[reached] = True
        jump = jump[jump]
    return np.flatnonzero(on[:n])


# ---- 2. the neighbourhoods -----------------------------------------------------------


def _first_true(cond, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Per element, the smallest ``k`` in ``[lo, hi]`` with ``cond(k)`` true, or ``hi``
    when none below ``hi`` is; ``cond`` must be false...false true...true on the range
    (monotone), evaluated elementwise on an index array."""
    lo, hi = lo.copy(), hi.copy()
    while True:
        open_ = lo < hi
        if not open_.any():
            return lo
        mid = (lo + hi) // 2
        yes = cond(mid) & open_
        hi = np.where(yes, mid, hi)
        lo = np.where(open_ & ~yes, mid + 1, lo)


def _window_left(x: np.ndarray, fits: np.ndarray, ns: int) -> np.ndarray:
    """The first point of each fit point's window of ``ns`` points: R moves the window
    right while ``x_i - x_left > x_{right+1} - x_i``, a condition that only turns false
    as the window moves; it stops at the last window (``right = n - 1``)."""
    xi = x[fits]

    def stays(left):  # R's ``d1 <= d2``: moving right would not shorten the radius
        return ~((xi - x[left]) > (x[np.minimum(left + ns, x.size - 1)] - xi))

    lo = np.zeros(fits.size, dtype=np.intp)
    return _first_true(stays, lo, np.full(fits.size, x.size - ns, dtype=np.intp))


def _window_last(x: np.ndarray, fits: np.ndarray, left: np.ndarray, h9: np.ndarray
                 ) -> np.ndarray:
    """The last point of each local fit: R's weight loop runs from the window's first
    point and stops at the first point right of ``x_i`` farther than ``0.999 h`` (ties
    beyond the window's end are taken in)."""
    xi = x[fits]
    n = x.size

    def stops(j):
        xj = x[np.minimum(j, n - 1)]
        return (j >= n) | ((np.abs(xj - xi) > h9) & (xj > xi))

    return _first_true(stops, left, np.full(fits.size, n, dtype=np.intp)) - 1


# ---- 3. the local fits ---------------------------------------------------------------


def _local_fits(x, y, fits, left, last, radius, rw):
    """The fitted value at each fit point (NaN where all its weights are zero)."""
    out = np.empty(fits.size)
    width = np.maximum(last - left + 1, 1)
    span = x[-1] - x[0]
    start = 0
    while start < fits.size:
        stop = start + 1
        biggest = width[start]
        while stop < fits.size and max(biggest, width[stop]) * (stop + 1 - start) \
                <= _BLOCK_CELLS:
            biggest = max(biggest, width[stop])
            stop += 1
        block = slice(start, stop)
        out[block] = _fit_block(x, y, fits[block], left[block], last[block],
                                radius[block], rw, int(biggest), span)
        start = stop
    return out


def _fit_block(x, y, fits, left, last, h, rw, width, span):
    """Local fits at a block of points; arrays are laid out (window position, point) so
    that sums over the window add row after row, in R's order. Worked in place: the
    cost is memory passes over a (window, points) array."""
    n = x.size
    idx = left[None, :] + np.arange(width)[:, None]
    outside = idx > last[None, :]
    np.minimum(idx, n - 1, out=idx)
    xs = x[fits]
    xj = x[idx]
    r = np.abs(xj - xs)
    h9, h1 = 0.999 * h, 0.001 * h
    outside |= r > h9
    near = r <= h1
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.divide(r, h, out=r)  # r is not needed any more
        cube = w * w
        cube *= w
        np.subtract(1.0, cube, out=cube)
        np.multiply(cube, cube, out=w)
        w *= cube
    w[near] = 1.0
    w[outside] = 0.0
    if rw is not None:
        w *= rw[idx]
    a = w.sum(axis=0)
    ok = a > 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        w /= a
        np.multiply(w, xj, out=cube)
        centre = cube.sum(axis=0)
        xj -= centre  # now the deviations x_j - centre
        np.multiply(xj, xj, out=cube)
        cube *= w
        c = cube.sum(axis=0)
        slope = (xs - centre) / c
        use_slope = (h > 0.0) & (np.sqrt(c) > 0.001 * span)
        if use_slope.any():
            xj *= np.where(use_slope, slope, 0.0)
            xj += 1.0
            w *= xj
        np.multiply(w, y[idx], out=cube)
        value = cube.sum(axis=0)
    return np.where(ok, value, np.nan)


def _fill(x, y, fits, fitted):
    """The smooth at every point: the fits (``y_i`` where all weights were zero), the
    points tied with a fit point, and linear interpolation in between (R's formula)."""
    n = x.size
    fitted = np.where(np.isnan(fitted), y[fits], fitted)
    # each point belongs to the segment after the last fit point at or before it
    seg = np.searchsorted(fits, np.arange(n), side="right") - 1
    ties_end = np.searchsorted(x, x[fits], side="right") - 1
    base = ties_end[seg]  # R's ``last``: the final tie of the previous fit point
    smooth = fitted[seg].copy()  # the fit points and their ties
    between = np.arange(n) > base
    if between.any():
        j = np.flatnonzero(between)
        s = seg[j]
        nxt_fit = fits[s + 1]
        alpha = (x[j] - x[base[j]]) / (x[nxt_fit] - x[base[j]])
        smooth[j] = alpha * fitted[s + 1] + (1.0 - alpha) * fitted[s]
    return smooth


# ---- 4. robustness weights -----------------------------------------------------------


def _robustness_weights(res: np.ndarray):
    """Bisquare weights at ``cmad = 6 median|res|`` (R's ``3 (r_(m1) + r_(m2))`` for
    even n); None when ``cmad < 1e-7`` times the mean absolute residual (R stops)."""
    n = res.size
    absr = np.abs(res)
    sc = np.cumsum(absr)[-1] / n  # summed in order, as R's loop
    m1 = n // 2
    if n % 2 == 0:
        m2 = n - m1 - 1
        part = np.partition(absr, (m2, m1))
        cmad = 3.0 * (part[m1] + part[m2])
    else:
        cmad = 6.0 * np.partition(absr, m1)[m1]
    if cmad < 1e-7 * sc:
        return None
    c9, c1 = 0.999 * cmad, 0.001 * cmad
    with np.errstate(divide="ignore", invalid="ignore"):  # cmad 0: every weight is 1
        u = absr / cmad
    sq = 1.0 - u * u
    return np.where(absr <= c1, 1.0, np.where(absr <= c9, sq * sq, 0.0))
