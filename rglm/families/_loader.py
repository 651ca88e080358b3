"""Loader's saddle-point log-densities, as R's nmath computes dpois and dbinom.

Writing ``log dpois(x, lambda)`` as ``x log(lambda) - lambda - lgamma(x + 1)`` loses
digits when large terms cancel (near-perfect Gamma fits have shapes of 1e6 and more).
R avoids that with Loader (2000), "Fast and accurate computation of binomial
probabilities": ``log p = -stirlerr(x) - bd0(x, np) - log(2 pi x)/2``, where both pieces
are small and computed without cancellation.

R: nmath stirlerr(), bd0(), dpois_raw(), dbinom_raw() (the classic bd0; R >= 4.1 refines
it further with an extended-precision ``ebd0``, which changes only the last bits).
"""

from __future__ import annotations

import numpy as np
from scipy import special

from rglm.families.elementwise import piecewise

__all__ = ["stirlerr", "bd0", "log_dpois_raw", "log_dbinom_raw"]

_LN_SQRT_2PI = 0.918938533204672741780329736406
_DBL_MIN = float(np.finfo(np.float64).tiny)
# stirlerr(k/2), k = 0..30, the exact values R tabulates (sferr_halves).
_SFERR_HALVES = np.array([
    0.0, 0.15342640972002736, 0.08106146679532726, 0.05481412105191765,
    0.0413406959554093, 0.03316287351993629, 0.02767792568499834, 0.023746163656297496,
    0.020790672103765093, 0.018488450532673187, 0.016644691189821193, 0.015134973221917378,
    0.013876128823070748, 0.012810465242920227, 0.01189670994589177, 0.011104559758206917,
    0.010411265261972096, 0.009799416126158804, 0.009255462182712733, 0.008768700134139386,
    0.00833056343336287, 0.00793411456431402, 0.007573675487951841, 0.007244554301320383,
    0.00694284010720953, 0.006665247032707682, 0.006408994188004207, 0.006171712263039458,
    0.0059513701127588475, 0.0057462165130101155, 0.005554733551962801,
])
_S0, _S1, _S2, _S3, _S4 = 1 / 12, 1 / 360, 1 / 1260, 1 / 1680, 1 / 1188


def _vectors(*args) -> tuple[tuple, list[np.ndarray]]:
    """The broadcast shape of ``args`` and the float64 arguments broadcast to it, a
    0-d shape as one element (boolean indexing needs at least one dimension)."""
    arrays = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in args))
    shape = arrays[0].shape
    return shape, [a.reshape(1) for a in arrays] if shape == () else arrays


def stirlerr(n: np.ndarray) -> np.ndarray:
    """``log(n!) - log(sqrt(2 pi n) (n/e)^n)``, the error of Stirling's formula."""
    shape, (n,) = _vectors(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        return piecewise(n <= 15, _stirlerr_small, _stirlerr_series, n).reshape(shape)


def _stirlerr_small(n: np.ndarray) -> np.ndarray:
    """``n <= 15``: R's table at multiples of 1/2, else the direct formula."""
    twice = n + n
    halves = (twice == np.floor(twice)) & (n >= 0)
    return piecewise(halves, _stirlerr_table, _stirlerr_direct, n)


def _stirlerr_table(n: np.ndarray) -> np.ndarray:
    return _SFERR_HALVES[(n + n).astype(np.int64)]


def _stirlerr_direct(n: np.ndarray) -> np.ndarray:
    return special.gammaln(n + 1.0) - (n + 0.5) * np.log(n) + n - _LN_SQRT_2PI


def _stirlerr_series(n: np.ndarray) -> np.ndarray:
    """``n > 15`` (and NaN): the asymptotic series, shorter the larger ``n``."""
    nn = n * n
    return np.where(
        n > 500, (_S0 - _S1 / nn) / n,
        np.where(n > 80, (_S0 - (_S1 - _S2 / nn) / nn) / n,
                 np.where(n > 35, (_S0 - (_S1 - (_S2 - _S3 / nn) / nn) / nn) / n,
                          (_S0 - (_S1 - (_S2 - (_S3 - _S4 / nn) / nn) / nn) / nn) / n)))


def bd0(x: np.ndarray, np_: np.ndarray) -> np.ndarray:
    """``x log(x/np) + np - x``, by a series when ``x`` is close to ``np``."""
    shape, (x, m) = _vectors(x, np_)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        close = np.abs(x - m) < 0.1 * (x + m)
        return piecewise(close, _bd0_series, _bd0_direct, x, m).reshape(shape)


def _bd0_direct(x: np.ndarray, m: np.ndarray) -> np.ndarray:
    return x * np.log(x / m) + m - x


def _bd0_series(x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """The series of ``bd0`` for ``|x - np| < 0.1 (x + np)``, summed until no term counts.

    It converges geometrically (``|v| < 0.05``); each element leaves the working set
    once its sum stops changing, which yields the value R's per-element loop returns.
    """
    v = (x - m) / (x + m)
    s = (x - m) * v
    ej = 2 * x * v
    v2 = v * v
    active = np.flatnonzero(~(np.abs(s) < _DBL_MIN))
    s_active, ej, v2 = s[active], ej[active], v2[active]
    j = 1
    while active.size and j < 1000:
        ej = ej * v2
        s1 = s_active + ej / (2 * j + 1)
        s[active] = s1
        moving = s1 != s_active
        active, s_active, ej, v2 = active[moving], s1[moving], ej[moving], v2[moving]
        j += 1
    return s


def log_dpois_raw(x, lam) -> np.ndarray:
    """``log dpois(x, lambda)`` for ``x >= 0`` (not necessarily an integer). R: dpois_raw."""
    shape, (x, lam) = _vectors(x, lam)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        edge = ((lam < x * _DBL_MIN) | (x <= lam * _DBL_MIN) | (x < 0) | ~np.isfinite(lam)
                | (lam == 0) | np.isnan(x))
        return piecewise(edge, _dpois_edge, _dpois_main, x, lam).reshape(shape)


def _dpois_main(x: np.ndarray, lam: np.ndarray) -> np.ndarray:
    return -0.5 * np.log(2 * np.pi * x) - stirlerr(x) - bd0(x, lam)


def _dpois_edge(x: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """R's special cases of dpois_raw, in its order; each element meets at least one."""
    tiny_lam = -lam + x * np.log(lam) - special.gammaln(x + 1)
    out = np.where(lam < x * _DBL_MIN, np.where(np.isfinite(x), tiny_lam, -np.inf), np.nan)
    out = np.where(x <= lam * _DBL_MIN, -lam, out)
    out = np.where(x < 0, -np.inf, out)
    out = np.where(~np.isfinite(lam), -np.inf, out)
    out = np.where(lam == 0, np.where(x == 0, 0.0, -np.inf), out)
    return np.where(np.isnan(x) | np.isnan(lam), np.nan, out)


def log_dbinom_raw(x, n, p) -> np.ndarray:
    """``log dbinom(x, n, p)`` for integer ``0 <= x <= n``. R: dbinom_raw (q = 1 - p)."""
    shape, (x, n, p) = _vectors(x, n, p)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = piecewise(x == 0, _dbinom_at_zero, _dbinom_inside, x, n, p)
        out[(x < 0) | (x > n)] = -np.inf
        _set_where(out, 1 - p == 0, np.where(x == n, 0.0, -np.inf))
        _set_where(out, p == 0, np.where(x == 0, 0.0, -np.inf))
        _set_where(out, np.isnan(x) | np.isnan(n) | np.isnan(p), np.nan)
    return out.reshape(shape)


def _set_where(out: np.ndarray, cond: np.ndarray, values) -> None:
    """``out[cond] = values[cond]`` (``np.where(cond, values, out)`` in place)."""
    if cond.any():
        out[cond] = values[cond] if np.ndim(values) else values


def _dbinom_inside(x: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    return piecewise(x == n, _dbinom_at_n, _dbinom_general, x, n, p)


def _dbinom_at_zero(x: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    out = piecewise(p < 0.1, _dbinom_none_small_p, _dbinom_none, n, p)
    out[n == 0] = 0.0
    return out


def _dbinom_none_small_p(n: np.ndarray, p: np.ndarray) -> np.ndarray:
    return -bd0(n, n * (1 - p)) - n * p


def _dbinom_none(n: np.ndarray, p: np.ndarray) -> np.ndarray:
    return n * np.log(1 - p)


def _dbinom_at_n(x: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    return piecewise(1 - p < 0.1, _dbinom_all_small_q, _dbinom_all, n, p)


def _dbinom_all_small_q(n: np.ndarray, p: np.ndarray) -> np.ndarray:
    return -bd0(n, n * p) - n * (1 - p)


def _dbinom_all(n: np.ndarray, p: np.ndarray) -> np.ndarray:
    return n * np.log(p)


def _dbinom_general(x: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    q = 1 - p
    lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, n * p) - bd0(n - x, n * q)
    lf = np.log(2 * np.pi) + np.log(x) + np.log1p(-x / n)
    return lc - 0.5 * lf
