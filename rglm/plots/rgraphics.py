"""The small numerical helpers of R's graphics that decide what a plot shows.

R: ``pretty`` (tick values: R's C ``R_pretty``), ``extendrange``, ``ppoints``, the
user coordinates of an axis (``par("usr")`` for ``xaxs = "r"``), and ``paste()`` of a
number (how R labels a tick). Pure numpy: no drawing here.
"""

from __future__ import annotations

import math

import numpy as np

from rglm.inference.spline import seq_length_out

__all__ = ["pretty", "extendrange", "ppoints", "usr_range", "paste_number", "finite_range"]

_DBL_EPSILON = np.finfo(float).eps
_DBL_MIN = np.finfo(float).tiny
_ROUNDING_EPS = 1e-10


def finite_range(x) -> tuple[float, float]:
    """``range(x[is.finite(x)])`` (what plot() takes as its limits)."""
    v = np.asarray(x, dtype=float)
    v = v[np.isfinite(v)]
    return (float(v.min()), float(v.max())) if v.size else (math.nan, math.nan)


def extendrange(r: tuple[float, float], f: float = 0.05) -> tuple[float, float]:
    """R: ``extendrange(r = r, f = f)``: the range widened by ``f`` of its width each side."""
    d = r[1] - r[0]
    return (r[0] - f * d, r[1] + f * d)


def usr_range(lim: tuple[float, float]) -> tuple[float, float]:
    """The user coordinates R gives an axis with limits ``lim`` (``xaxs = "r"``: 4% of
    the width added each side)."""
    d = 0.04 * (lim[1] - lim[0])
    return (lim[0] - d, lim[1] + d)


def ppoints(n: int) -> np.ndarray:
    """R: ``ppoints(n)``: ``(1:n - a)/(n + 1 - 2a)``, ``a = 3/8`` for n <= 10, else 1/2."""
    a = 3 / 8 if n <= 10 else 0.5
    return (np.arange(1, n + 1) - a) / (n + 1 - 2 * a)


def paste_number(x: float) -> str:
    """R's ``paste()`` / ``as.character()`` of a double: up to 15 significant digits."""
    if math.isnan(x):
        return "NA"
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    text = f"{x:.15g}"
    if "e" in text:
        mant, exp = text.split("e")
        sign = exp[0]
        digits = exp[1:].lstrip("0").rjust(2, "0")
        text = f"{mant}e{sign}{digits}"
    return text


def _pretty_unit(lo: float, up: float, ndiv: int, min_n: int, shrink: float,
                 h: float, h5: float, f_min: float):
    """R's ``R_pretty`` with ``return_bounds``: (lower, upper, number of intervals)."""
    dx = up - lo
    if dx == 0 and up == 0:
        cell, small = 1.0, True
    else:
        cell = max(abs(lo), abs(up))
        u = 1 + (1 / (1 + h) if h5 >= 1.5 * h + 0.5 else 1.5 / (1 + h5))
        u *= max(1, ndiv) * _DBL_EPSILON
        small = dx < cell * u * 3
    if small:
        if cell > 10:
            cell = 9 + cell / 10
        cell *= shrink
        if min_n > 1:
            cell /= min_n
    else:
        cell = dx
        if ndiv > 1:
            cell /= ndiv
    subsmall = f_min * _DBL_MIN or _DBL_MIN
    cell = min(max(cell, subsmall), np.finfo(float).max / 1.25)
    base = 10.0 ** math.floor(math.log10(cell))
    unit = base
    if 2 * base - cell < h * (cell - unit):
        unit = 2 * base
        if 5 * base - cell < h5 * (cell - unit):
            unit = 5 * base
            if 10 * base - cell < h * (cell - unit):
                unit = 10 * base
    ns = math.floor(lo / unit + _ROUNDING_EPS)
    nu = math.ceil(up / unit - _ROUNDING_EPS)
    while ns * unit > lo + _ROUNDING_EPS * unit:
        ns -= 1
    while nu * unit < up - _ROUNDING_EPS * unit:
        nu += 1
    k = int(0.5 + nu - ns)
    if k < min_n:
        k = min_n - k
        if lo == 0 and ns == 0 and up != 0:
            nu += k
        elif up == 0 and nu == 0 and lo != 0:
            ns -= k
        elif ns >= 0:
            nu += k // 2
            ns -= k // 2 + k % 2
        else:
            ns -= k // 2
            nu += k // 2 + k % 2
        ndiv = min_n
    else:
        ndiv = k
    low = ns * unit if ns * unit < lo else lo
    high = nu * unit if nu * unit > up else up
    return low, high, ndiv


def pretty(x, n: int = 5) -> np.ndarray:
    """R: ``pretty(x, n)``: about ``n + 1`` equally spaced round values covering the
    range of the finite values of ``x`` (``pretty.default`` with its default biases)."""
    v = np.asarray(x, dtype=float).ravel()
    v = v[np.isfinite(v)]
    if v.size == 0:
        return v
    min_n = n // 3
    h = 1.5
    low, high, ndiv = _pretty_unit(float(v.min()), float(v.max()), n, min_n, 0.75,
                                   h, 0.5 + 1.5 * h, 2.0 ** -20)
    s = seq_length_out(low, high, ndiv + 1)
    if ndiv:
        delta = (high - low) / ndiv
        s = np.where(np.abs(s) < 1e-14 * delta, 0.0, s)
    return s
