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


def stirlerr(n: np.ndarray) -> np.ndarray:
    """``log(n!) - log(sqrt(2 pi n) (n/e)^n)``, the error of Stirling's formula."""
    n = np.asarray(n, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        nn = n * n
        series = np.where(
            n > 500, (_S0 - _S1 / nn) / n,
            np.where(n > 80, (_S0 - (_S1 - _S2 / nn) / nn) / n,
                     np.where(n > 35, (_S0 - (_S1 - (_S2 - _S3 / nn) / nn) / nn) / n,
                              (_S0 - (_S1 - (_S2 - (_S3 - _S4 / nn) / nn) / nn) / nn) / n)))
        direct = special.gammaln(n + 1.0) - (n + 0.5) * np.log(n) + n - _LN_SQRT_2PI
    twice = n + n
    halves = (twice == np.floor(twice)) & (n <= 15) & (n >= 0)
    table = _SFERR_HALVES[np.where(halves, twice, 0).astype(np.int64)]
    return np.where(n <= 15, np.where(halves, table, direct), series)


def bd0(x: np.ndarray, np_: np.ndarray) -> np.ndarray:
    """``x log(x/np) + np - x``, by a series when ``x`` is close to ``np``."""
    x, m = np.broadcast_arrays(np.asarray(x, dtype=np.float64),
                               np.asarray(np_, dtype=np.float64))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        direct = x * np.log(x / m) + m - x
        close = np.abs(x - m) < 0.1 * (x + m)
        v = (x - m) / (x + m)
        s = (x - m) * v
        ej = 2 * x * v
        v2 = v * v
        done = ~close | (np.abs(s) < _DBL_MIN)
        j = 1
        # The series converges geometrically (|v| < 0.05); iterate until no term counts.
        while not np.all(done) and j < 1000:
            ej = ej * v2
            s1 = np.where(done, s, s + ej / (2 * j + 1))
            done = done | (s1 == s)
            s = s1
            j += 1
    return np.where(close, s, direct)


def log_dpois_raw(x, lam) -> np.ndarray:
    """``log dpois(x, lambda)`` for ``x >= 0`` (not necessarily an integer). R: dpois_raw."""
    x, lam = np.broadcast_arrays(np.asarray(x, dtype=np.float64),
                                 np.asarray(lam, dtype=np.float64))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        main = -0.5 * np.log(2 * np.pi * x) - stirlerr(x) - bd0(x, lam)
        tiny_lam = -lam + x * np.log(lam) - special.gammaln(x + 1)
    out = np.where(lam < x * _DBL_MIN, np.where(np.isfinite(x), tiny_lam, -np.inf), main)
    out = np.where(x <= lam * _DBL_MIN, -lam, out)
    out = np.where(x < 0, -np.inf, out)
    out = np.where(~np.isfinite(lam), -np.inf, out)
    out = np.where(lam == 0, np.where(x == 0, 0.0, -np.inf), out)
    return np.where(np.isnan(x) | np.isnan(lam), np.nan, out)


def log_dbinom_raw(x, n, p) -> np.ndarray:
    """``log dbinom(x, n, p)`` for integer ``0 <= x <= n``. R: dbinom_raw (q = 1 - p)."""
    x, n, p = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in (x, n, p)))
    q = 1 - p
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, n * p) - bd0(n - x, n * q)
        lf = np.log(2 * np.pi) + np.log(x) + np.log1p(-x / n)
        general = lc - 0.5 * lf
        at_zero = np.where(p < 0.1, -bd0(n, n * q) - n * p, n * np.log(q))
        at_zero = np.where(n == 0, 0.0, at_zero)
        at_n = np.where(q < 0.1, -bd0(n, n * p) - n * q, n * np.log(p))
    out = np.where(x == 0, at_zero, np.where(x == n, at_n, general))
    out = np.where((x < 0) | (x > n), -np.inf, out)
    out = np.where(q == 0, np.where(x == n, 0.0, -np.inf), out)
    out = np.where(p == 0, np.where(x == 0, 0.0, -np.inf), out)
    return np.where(np.isnan(x) | np.isnan(n) | np.isnan(p), np.nan, out)
