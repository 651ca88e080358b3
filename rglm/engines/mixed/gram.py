"""C' diag(w) C for the coupling block of several scalar terms, dense or by pairs.

R: the block update of A's Schur complement that lme4 leaves to CHOLMOD's supernodal
factorisation and MixedModels.jl forms block by block (``rankUpdate!``).

With the first term's levels as rows and the later terms' random effects as columns,
C (q1 x q2) has a fixed pattern: row j holds the later-term levels seen with level j of
the first factor. ``C' diag(w) C`` (dense q2 x q2) is computed one of two ways, chosen
once from the pattern:

* dense -- C is scattered into a q1 x q2 array and ``(C * sqrt(w))' (C * sqrt(w))`` is
  one BLAS product (q1 q2^2 flops). Wins when C is far from sparse: VerbAgg's
  ``(1 | id) + (1 | item)`` crosses every subject with every item (C is full), and the
  pair list below would have q1 q2^2 entries gathered at random (measured: 3.3 ms a
  factorisation by pairs, 0.1 ms dense);
* pairs -- every pair of stored entries of one row of C is listed once (their positions,
  the flat index ``k q2 + l`` of their columns, the row), and each call is one weighted
  ``np.bincount``: cost proportional to the number of pairs, sum_j m_j^2. Wins for
  InstEval-like designs (1e4 x 1e3, ~20 entries a row: 4e6 pairs against 1e10 flops).

The rule: dense when q1 q2 fits in :data:`DENSE_MAX` entries and its flops are fewer
than :data:`FLOPS_PER_PAIR` times the pairs (measured on one core: ~4 ns a gathered,
weighted bincount entry against ~0.5 ns a multiply-add of the blocked product; dense wins
from ~35% of C's entries stored).
"""

from __future__ import annotations

from typing import Optional

import numpy as np

__all__ = ["CouplingGram", "PatternMatrix", "DENSE_MAX", "FLOPS_PER_PAIR"]

DENSE_MAX = 1 << 22
"""Largest q1 x q2 dense coupling block (32 MiB of float64)."""

FLOPS_PER_PAIR = 8


class PatternMatrix:
    """A q1 x q2 sparse matrix as its stored entries (rows, cols, vals).

    What :class:`.factor.SchurFactor` needs of B = L1^-1 C: ``B @ x``, ``B.T @ y`` (one
    ``np.bincount`` per column of the right-hand side) and ``toarray()``. scipy's sparse
    matrices do the same, but building and checking one costs ~0.1 ms, more than the
    products on glmer's sizes (grouseticks: 806 entries, 2,600 factorisations a fit).
    """

    def __init__(self, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, shape: tuple):
        self.rows, self.cols, self.vals, self.shape = rows, cols, vals, shape

    @property
    def T(self) -> "PatternMatrix":
        return PatternMatrix(self.cols, self.rows, self.vals, self.shape[::-1])

    def scale_columns(self, s: np.ndarray) -> "PatternMatrix":
        """B diag(s)."""
        return PatternMatrix(self.rows, self.cols, self.vals * s[self.cols], self.shape)

    def __matmul__(self, x: np.ndarray) -> np.ndarray:
        m = self.shape[0]
        if x.ndim == 1:
            return np.bincount(self.rows, weights=self.vals * x[self.cols], minlength=m)
        out = np.empty((m, x.shape[1]))
        for j in range(x.shape[1]):  # the few right-hand sides, not the levels
            out[:, j] = np.bincount(self.rows, weights=self.vals * x[self.cols, j],
                                    minlength=m)
        return out

    def toarray(self) -> np.ndarray:
        out = np.zeros(self.shape)
        out[self.rows, self.cols] = self.vals
        return out


class CouplingGram:
    """The fixed pattern of C and the way ``C' diag(w) C`` is formed.

    Parameters
    ----------
    rows, cols : numpy.ndarray
        The stored entries of C, sorted by row then column, without repeats.
    q1, q2 : int
    data : numpy.ndarray, optional
        C's values when they never change (lmer): the pair products are then formed
        once.

    Attributes
    ----------
    dense : bool
        Which way (see the module doc).
    indptr : numpy.ndarray
        C's CSR row pointer (``cols`` are its column indices).
    """

    def __init__(self, rows: np.ndarray, cols: np.ndarray, q1: int, q2: int,
                 data: Optional[np.ndarray] = None):
        self.q1, self.q2 = int(q1), int(q2)
        self.rows = np.asarray(rows, dtype=np.int64)
        self.cols = np.asarray(cols, dtype=np.int64)
        self.indptr = np.concatenate([[0], np.cumsum(np.bincount(self.rows,
                                                                 minlength=q1))])
        m = np.diff(self.indptr)
        npairs = int(np.sum(m * m))
        self.dense = (q1 * q2 <= DENSE_MAX
                      and q1 * q2 * q2 <= FLOPS_PER_PAIR * max(npairs, 1))
        self._data = data
        self._prod = None
        if self.dense:
            self._flat = self.rows * q2 + self.cols
            return
        # Pairs (a, b) of stored entries in one row, row by row.
        counts = m[self.rows]
        a = np.repeat(np.arange(len(self.rows)), counts)
        offset = np.arange(a.size) - np.repeat(np.cumsum(counts) - counts, counts)
        b = np.repeat(self.indptr[self.rows], counts) + offset
        self._a, self._b = a, b
        self._kl = self.cols[a] * q2 + self.cols[b]
        self._pair_row = self.rows[a]
        if data is not None:
            self._prod = data[a] * data[b]

    @property
    def nnz(self) -> int:
        return len(self.rows)

    def at_most_one_below(self, k: int) -> bool:
        """Whether every row of C has at most one entry in the columns 0..k-1: then
        C' diag(w) C is diagonal in its leading k x k block (the second term's, when
        those columns are its levels)."""
        below = self.rows[self.cols < k]
        return below.size == 0 or int(np.bincount(below).max()) <= 1

    def matrix(self, data: np.ndarray, scale: Optional[np.ndarray] = None):
        """diag(scale) C with C's values ``data``: dense (q1 x q2) or a
        :class:`PatternMatrix`."""
        vals = data if scale is None else data * scale[self.rows]
        if self.dense:
            out = np.zeros(self.q1 * self.q2)
            out[self._flat] = vals
            return out.reshape(self.q1, self.q2)
        return PatternMatrix(self.rows, self.cols, vals, (self.q1, self.q2))

    def scaled_gram(self, scale: np.ndarray, data: Optional[np.ndarray] = None) -> tuple:
        """B = diag(scale) C and B'B = C' diag(scale^2) C (dense q2 x q2); ``data`` C's
        values (omitted when given at construction). B is dense or a
        :class:`PatternMatrix` as C is stored."""
        data = self._data if data is None else data
        B = self.matrix(data, scale)
        if self.dense:
            return B, B.T @ B
        prod = self._prod if self._prod is not None and data is self._data \
            else data[self._a] * data[self._b]
        q2 = self.q2
        M = np.bincount(self._kl, weights=prod * (scale * scale)[self._pair_row],
                        minlength=q2 * q2).reshape(q2, q2)
        return B, M
