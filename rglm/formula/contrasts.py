"""R's contrast matrices (``contr.treatment``, ``contr.sum``, ``contr.helmert``,
``contr.poly``, ``contr.SAS``) and the rule that turns a contrast specification into the
matrix and column names ``model.matrix`` uses.

Conventions:

* the ``contr_*`` functions have R's signatures and return a :class:`pandas.DataFrame`
  carrying R's dimnames; a matrix without column names in R (``contr.sum``,
  ``contr.helmert``) has a default :class:`pandas.RangeIndex` as columns, and
  ``contr.poly`` (no row names in R) a default RangeIndex as rows;
* ``n`` is either the number of levels (a single number) or the level names, exactly as
  in R: a length-one numeric ``n`` is a count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from numbers import Integral, Real
from typing import Any, Callable, Optional, Sequence, Union

import numpy as np
import pandas as pd

from rglm.errors import RError
from rglm.formula.poly import orthogonal_residuals

__all__ = [
    "ContrastMatrix", "contrast_matrix", "contr_treatment", "contr_sum", "contr_helmert",
    "contr_poly", "contr_SAS", "CONTRAST_FUNCTIONS", "SHORTHANDS",
]

_NOT_ENOUGH = "not enough degrees of freedom to define contrasts"


@dataclass(frozen=True)
class ContrastMatrix:
    """A contrast matrix as ``model.matrix`` uses it.

    The codings R names (treatment, SAS, sum, helmert, and indicators for every level)
    are held by their structure, not as a ``k`` × ``m`` matrix: ``model.matrix`` computes
    each column straight from the factor's codes (:meth:`column`), so a factor of 1e5
    levels costs no 1e5 × 1e5 matrix. :attr:`matrix` builds the matrix on demand.

    Attributes
    ----------
    colnames : tuple of str or None
        The suffixes ``model.matrix`` appends to the factor's name; None where R's matrix
        has no column names (``model.matrix`` then numbers the columns ``1..m``).
    nlevels : int
        ``k``, the rows of the matrix.
    kind : {"dense", "indicator", "sum", "helmert"}
        "indicator": column ``j`` is 1 at level ``indicated[j]``, else 0 (treatment
        contrasts, indicator coding); "sum": 1 at level ``j``, -1 at the last level;
        "helmert": -1 at levels ``0..j``, ``j + 1`` at level ``j + 1``; "dense": the
        columns of ``values``.
    values : numpy.ndarray or None
        The ``k`` × ``m`` float64 matrix ("dense" only).
    indicated : numpy.ndarray or None
        0-based level of each column ("indicator" only).
    """

    colnames: Optional[tuple[str, ...]]
    nlevels: int
    kind: str = "dense"
    values: Optional[np.ndarray] = field(default=None, repr=False)
    indicated: Optional[np.ndarray] = field(default=None, repr=False)

    @property
    def ncol(self) -> int:
        """``m``, the number of columns."""
        if self.kind == "dense":
            return int(self.values.shape[1])
        if self.kind == "indicator":
            return int(len(self.indicated))
        return self.nlevels - 1

    @cached_property
    def matrix(self) -> np.ndarray:
        """The ``k`` × ``m`` float64 matrix (read-only)."""
        if self.kind == "dense":
            out = np.array(self.values, dtype=np.float64)
        else:
            codes = np.arange(self.nlevels)
            out = np.column_stack([self.column(codes, j) for j in range(self.ncol)]) \
                if self.ncol else np.zeros((self.nlevels, 0))
        out.setflags(write=False)
        return out

    def suffixes(self) -> tuple[str, ...]:
        """Column suffixes with R's fallback ``"1".."m"`` for unnamed columns."""
        if self.colnames is not None:
            return self.colnames
        return tuple(str(j + 1) for j in range(self.ncol))

    def column(self, codes: np.ndarray, j: int, out: Optional[np.ndarray] = None,
               na: bool = False) -> np.ndarray:
        """Column ``j`` of the coded factor: row ``i`` is the matrix's entry at level
        ``codes[i]`` (0-based; ``k`` for NA, giving NaN when ``na`` says there are any).
        Written into ``out`` when given (float64, one entry per code)."""
        if out is None:
            out = np.empty(codes.shape[0], dtype=np.float64)
        if self.kind == "dense":
            table = np.append(self.values[:, j], np.nan)
            # mode="clip" (codes are in range by construction) writes straight into out
            return np.take(table, codes, out=out, mode="clip")
        if self.kind == "indicator":
            np.equal(codes, self.indicated[j], out=out)
        elif self.kind == "sum":
            np.equal(codes, j, out=out)
            out -= codes == self.nlevels - 1
        else:  # helmert
            np.equal(codes, j + 1, out=out)
            out *= j + 1
            out[codes <= j] = -1.0
        if na:
            out[codes >= self.nlevels] = np.nan
        return out


def _indicator(levels: list, kept: np.ndarray) -> ContrastMatrix:
    return ContrastMatrix(tuple(levels[i] for i in kept), len(levels), kind="indicator",
                          indicated=kept)


def _dense(values: np.ndarray, colnames: Optional[tuple]) -> ContrastMatrix:
    values = np.array(values, dtype=np.float64)
    values.setflags(write=False)
    return ContrastMatrix(colnames, int(values.shape[0]), values=values)


def _is_count(n: Any) -> bool:
    """R's ``is.numeric(n) && length(n) == 1L``."""
    if isinstance(n, (bool, np.bool_)):
        return False
    if isinstance(n, (Integral, Real)):
        return True
    arr = np.asarray(n)
    return arr.ndim == 1 and arr.size == 1 and arr.dtype.kind in "iuf"


def _count(n: Any) -> float:
    return float(np.asarray(n).reshape(-1)[0])


def _level_names(n: Any) -> list[str]:
    """Level names from a vector of levels (R's ``as.character(n)``)."""
    if isinstance(n, str):
        return [n]
    return [_as_character_level(v) for v in list(n)]


def _as_character_level(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v)


def _levels_for(n: Any) -> list[str]:
    """Levels for the treatment/sum/helmert family (count must exceed 1)."""
    if _is_count(n):
        if _count(n) > 1:
            return [str(i + 1) for i in range(int(_count(n)))]
        raise RError(_NOT_ENOUGH)
    levels = _level_names(n)
    return levels


def _diag(levels: list[str]) -> pd.DataFrame:
    """R's ``.Diag(levels)``: the identity with level names on both margins."""
    k = len(levels)
    return pd.DataFrame(np.eye(k), index=pd.Index(levels), columns=pd.Index(levels))


def contr_treatment(n: Any, base: int = 1, contrasts: bool = True) -> pd.DataFrame:
    """Treatment (dummy) contrasts: each level against the ``base``-th level.

    R: stats::contr.treatment

    Parameters
    ----------
    n : int or sequence
        Number of levels, or the level names.
    base : int
        1-based position of the baseline level.
    contrasts : bool
        False gives the full indicator matrix.
    """
    if _is_count(n):
        if _count(n) > 1:
            levels = [str(i + 1) for i in range(int(_count(n)))]
        else:
            raise RError(_NOT_ENOUGH)
    else:
        levels = _level_names(n)
    k = len(levels)
    contr = _diag(levels)
    if not contrasts:
        return contr
    if k < 2:
        raise RError(f"contrasts not defined for {k - 1} degrees of freedom")
    if base < 1 or base > k:
        raise RError("baseline group number out of range")
    keep = [j for j in range(k) if j != int(base) - 1]
    return contr.iloc[:, keep]


def contr_SAS(n: Any, contrasts: bool = True) -> pd.DataFrame:
    """Treatment contrasts with the last level as baseline (SAS's convention).

    R: stats::contr.SAS
    """
    base = int(_count(n)) if _is_count(n) else len(_level_names(n))
    return contr_treatment(n, base=base, contrasts=contrasts)


def contr_sum(n: Any, contrasts: bool = True) -> pd.DataFrame:
    """Sum-to-zero contrasts: identity over a row of -1; no column names.

    R: stats::contr.sum
    """
    levels = _levels_for(n)
    k = len(levels)
    if not contrasts:
        return _diag(levels)
    mat = np.vstack([np.eye(k - 1), -np.ones((1, k - 1))]) if k > 0 else np.zeros((0, 0))
    return pd.DataFrame(mat, index=pd.Index(levels))


def contr_helmert(n: Any, contrasts: bool = True) -> pd.DataFrame:
    """Helmert contrasts: column j is -1 on levels 1..j, j on level j+1, 0 after.

    R: stats::contr.helmert
    """
    levels = _levels_for(n)
    k = len(levels)
    if not contrasts:
        return _diag(levels)
    row = np.arange(k)[:, None]
    col = np.arange(k - 1)[None, :]
    mat = np.where(row <= col, -1.0, np.where(row == col + 1, col + 1.0, 0.0))
    return pd.DataFrame(mat, index=pd.Index(levels))


def _orthonormal_poly(scores: np.ndarray) -> np.ndarray:
    """Columns 0..k-1 of R's ``make.poly``: centred powers made orthogonal
    (``qr.qy(QR, diag(R))``), each scaled to unit length."""
    y = scores - scores.mean()
    raw, _ = orthogonal_residuals(y[:, None] ** np.arange(scores.size)[None, :])
    return raw / np.sqrt((raw ** 2).sum(axis=0))[None, :]


def _poly_colnames(k: int) -> list[str]:
    names = [f"^{j}" for j in range(k)]
    for j, label in zip(range(1, min(4, k)), (".L", ".Q", ".C")):
        names[j] = label
    return names


def contr_poly(n: Any, scores: Optional[Sequence[float]] = None,
               contrasts: bool = True) -> pd.DataFrame:
    """Orthogonal polynomial contrasts (columns ``.L``, ``.Q``, ``.C``, ``^4``, ...).

    R: stats::contr.poly

    Parameters
    ----------
    n : int or sequence
        Number of levels, or the level names (only their number is used).
    scores : sequence of float, optional
        Spacing of the levels; default ``1..k``.
    contrasts : bool
        False returns the ``k`` × ``k`` matrix whose first column is all ones.

    Notes
    -----
    The result has no row names, as in R.
    """
    k = int(_count(n)) if _is_count(n) else len(_level_names(n))
    if k < 2:
        raise RError(f"contrasts not defined for {k - 1} degrees of freedom")
    if k > 95:
        raise RError("orthogonal polynomials cannot be represented accurately enough "
                     f"for {k - 1} degrees of freedom")
    sc = np.arange(1.0, k + 1.0) if scores is None else np.asarray(scores, dtype=float)
    if sc.size != k:
        raise RError("'scores' argument is of the wrong length")
    if np.unique(sc).size != sc.size:
        raise RError("'scores' must all be different numbers")
    mat = _orthonormal_poly(sc)
    if contrasts:
        return pd.DataFrame(mat[:, 1:], columns=pd.Index(_poly_colnames(k)[1:]))
    mat = mat.copy()
    mat[:, 0] = 1.0
    return pd.DataFrame(mat, columns=pd.Index([f"^{j}" for j in range(k)]))


CONTRAST_FUNCTIONS: dict[str, Callable[..., pd.DataFrame]] = {
    "contr.treatment": contr_treatment, "contr.sum": contr_sum,
    "contr.helmert": contr_helmert, "contr.poly": contr_poly, "contr.SAS": contr_SAS,
}
"""R's contrast functions by R name."""

SHORTHANDS: dict[str, str] = {
    "poly": "contr.poly", "helmert": "contr.helmert", "sum": "contr.sum",
    "treatment": "contr.treatment", "SAS": "contr.SAS",
}
"""The bare names ``C(f, sum)`` accepts (R: the ``switch`` in stats::C)."""

ContrastSpec = Union[str, Callable[..., Any], np.ndarray, pd.DataFrame]


def _lookup(name: str) -> Callable[..., pd.DataFrame]:
    fn = CONTRAST_FUNCTIONS.get(name) or CONTRAST_FUNCTIONS.get(name.replace("_", ".", 1))
    if fn is None:
        raise RError(f"object '{name}' of mode 'function' was not found")
    return fn


def _colnames_of(frame: pd.DataFrame) -> Optional[tuple[str, ...]]:
    """R's ``colnames()``: None for an unnamed (default RangeIndex) column index."""
    cols = frame.columns
    if isinstance(cols, pd.RangeIndex) and cols.start == 0 and cols.step == 1:
        return None
    return tuple(str(c) for c in cols)


def _as_frame(value: Any) -> pd.DataFrame:
    if isinstance(value, pd.DataFrame):
        return value
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 1:
        arr = arr[:, None]
    return pd.DataFrame(arr)


def _complete(value: np.ndarray, k: int) -> np.ndarray:
    """Extend a k × nc matrix (nc < k-1) to k-1 columns as R's ``contrasts<-`` does:
    the extra columns span the orthogonal complement of ``cbind(1, value)``."""
    nc = value.shape[1]
    aug = np.column_stack([np.ones(k), value])
    if np.linalg.matrix_rank(aug) != nc + 1:
        raise RError("singular contrast matrix")
    q, _ = np.linalg.qr(aug, mode="complete")
    out = q[:, 1:k].copy()
    out[:, :nc] = value
    return out


def contrast_matrix(spec: ContrastSpec, levels: Sequence[str], contrasts: bool = True,
                    how_many: Optional[int] = None) -> ContrastMatrix:
    """The coding matrix ``model.matrix`` uses for a factor with ``levels``.

    R: stats::contrasts (with stats::`contrasts<-` for functions and matrices)

    Parameters
    ----------
    spec : str, callable, numpy.ndarray or pandas.DataFrame
        A contrast function's name (``"contr.sum"``; ``"contr_sum"`` is accepted too),
        a function (called as R calls a function assigned with ``contrasts<-``: with the
        number of levels), or a matrix with one row per level (a DataFrame's columns give
        the names).
    levels : sequence of str
        The factor's levels.
    contrasts : bool
        False gives indicator coding (the identity, columns named by the levels).
    how_many : int, optional
        Number of columns wanted from a matrix (R's ``how.many``). Default: the matrix's
        own number of columns, as ``model.matrix(contrasts.arg = )`` does; ``C(f, m)``
        passes ``k - 1``, and a matrix with fewer columns is then completed with columns
        orthogonal to it and to the constant.

    Returns
    -------
    ContrastMatrix
    """
    levels = [str(v) for v in levels]
    k = len(levels)
    if not contrasts:
        return _indicator(levels, np.arange(k))
    if k < 2:
        raise RError("contrasts can be applied only to factors with 2 or more levels")
    if isinstance(spec, str):
        return _named_contrasts(spec, levels)
    if callable(spec):
        # A function is called with the number of levels (R's `contrasts<-`).
        spec = _as_frame(spec(k))
    return _matrix_contrasts(_as_frame(spec), k, how_many)


def _named_contrasts(spec: str, levels: list) -> ContrastMatrix:
    """A contrast function given by name, looked up and called with the level names
    (R's ``contrasts()``); R's own codings are built from their structure (no k x k
    matrix)."""
    k = len(levels)
    fn = _lookup(spec)
    if fn in (contr_treatment, contr_SAS):
        base = 0 if fn is contr_treatment else k - 1
        return _indicator(levels, np.delete(np.arange(k), base))
    if fn in (contr_sum, contr_helmert):
        return ContrastMatrix(None, k, kind="sum" if fn is contr_sum else "helmert")
    frame = _as_frame(fn(levels))
    return _dense(np.asarray(frame, dtype=float), _colnames_of(frame))


def _matrix_contrasts(frame: pd.DataFrame, k: int, how_many: Optional[int]) -> ContrastMatrix:
    """A contrast matrix given as values: its first ``how_many`` columns, or completed
    to that many with columns orthogonal to it and to the constant (R's
    ``contrasts<-``)."""
    value = np.asarray(frame, dtype=float)
    if value.shape[0] != k:
        raise RError("wrong number of contrast matrix rows")
    names = _colnames_of(frame)
    n1 = value.shape[1] if how_many is None else int(how_many)
    nc = value.shape[1]
    if nc < n1:
        full = _complete(value, k)
        if names is not None:
            names = names + ("",) * (n1 - nc)
        return _dense(full, names)
    return _dense(value[:, :n1], None if names is None else names[:n1])
