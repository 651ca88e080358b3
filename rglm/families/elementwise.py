"""Evaluating elementwise formulas over many rows: by branch, and by row block.

R's C code (dpois_raw, stirlerr, bd0, the deviance residuals) picks a formula per
element with ``if``; ``np.where`` would evaluate every formula on every element: a full
pass, and an n-length temporary, per branch. :func:`piecewise` gathers each branch's
elements first, for the same bits.

A family's formulas make a dozen temporaries each; over 10^6 rows every one is a fresh
8 MB array (a page fault per 4 KiB on first touch, and a trip through memory).
:func:`blockwise` evaluates them on blocks of rows that fit in cache instead.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

__all__ = ["piecewise", "blockwise", "rpow", "BLOCK_ROWS"]

#: Rows per block of :func:`blockwise`: 512 KiB per float64 vector, so that a formula's
#: temporaries stay in cache (measured fastest among 2^13 to 2^17 rows).
BLOCK_ROWS = 1 << 16


def piecewise(cond: np.ndarray, if_true, if_false, *args: np.ndarray) -> np.ndarray:
    """``np.where(cond, if_true(*args), if_false(*args))``, each branch computed only where
    it is taken.

    Parameters
    ----------
    cond : ndarray of bool, at least 1-d
    if_true, if_false : callable
        Elementwise functions of ``args`` returning new float64 arrays.
    *args : ndarray
        Each of ``cond``'s shape.

    Returns
    -------
    ndarray of cond's shape (a new array).
    """
    if cond.all():
        return if_true(*args)
    if not cond.any():
        return if_false(*args)
    # Integer positions: gathering through a random boolean mask is several times slower.
    flat = [a.reshape(-1) for a in args]
    out = np.empty(cond.size)
    for rows, branch in ((np.flatnonzero(cond), if_true), (np.flatnonzero(~cond), if_false)):
        out[rows] = branch(*(a[rows] for a in flat))
    return out.reshape(cond.shape)


def blockwise(func: Callable[..., np.ndarray], *arrays) -> np.ndarray:
    """``func(*arrays)`` for an elementwise ``func``, evaluated on blocks of rows.

    Parameters
    ----------
    func : callable
        Elementwise: row ``i`` of its result depends on row ``i`` of its arguments only
        (a family's ``linkinv``, ``dev_resids``, a log-density).
    *arrays : ndarray or scalar
        1-d arrays of one length, or numbers (passed to every block as they are).

    Returns
    -------
    ndarray
        The same values as ``func(*arrays)`` (a new float64 array). Arguments that are
        not all 1-d of one length, or short ones, go to ``func`` whole.
    """
    vectors = [a for a in arrays if np.ndim(a)]
    n = len(vectors[0]) if vectors else 0
    if n <= BLOCK_ROWS or any(np.ndim(a) != 1 or len(a) != n for a in vectors):
        return func(*arrays)
    out = np.empty(n)
    for start in range(0, n, BLOCK_ROWS):
        rows = slice(start, start + BLOCK_ROWS)
        out[rows] = func(*(a[rows] if np.ndim(a) else a for a in arrays))
    return out


def rpow(x, e: float) -> np.ndarray:
    """R's ``x^e`` for float64 ``x`` and a scalar exponent ``e`` (a new array).

    R: arithmetic.c's R_POW. ``x * x`` when ``e == 2`` (R's special case, exact where
    ``pow`` need not be); else C's ``pow``, which R_pow's other special cases (``1^e``,
    ``x^0``, ``0^e``, NaN) agree with. No warnings: R gives none for ``(-1)^0.5``.
    """
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return x * x if e == 2.0 else np.power(x, float(e))
