"""The rows a model frame keeps, and their names: ``subset``, then the NA action.

R: the row steps of ``stats::model.frame.default`` (done by the C ``modelframe``):
``subset`` selects rows as R's ``[.data.frame`` does (a logical ``NA`` in ``subset``
gives a row of ``NA`` labelled ``"NA"``; ``na.omit`` then drops it), then the NA action
looks at *all* columns jointly, extras included.

Conventions: rows are 0-based positions into the evaluated columns (R's are 1-based);
``-1`` stands for a row that a logical NA in ``subset`` makes up. Per-row values are
aligned through positions, never through the labels, which need not be unique.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

import numpy as np
import pandas as pd

from ..errors import RError
from .values import RMatrix, as_value, is_character, is_factor

__all__ = ["NaAction", "Rows", "na_action_kind", "row_labels", "all_rows", "subset_rows",
           "subset_positions", "apply_na_action", "take"]

_NA_ACTIONS = {"na.omit": "omit", "na.exclude": "exclude", "na.fail": "fail",
               "na.pass": "pass", None: "pass"}


@dataclass(frozen=True)
class NaAction:
    """Rows removed by ``na.omit`` / ``na.exclude``.

    R: the ``na.action`` attribute of a model frame (class ``"omit"`` or ``"exclude"``).

    Attributes
    ----------
    kind : str
        ``"omit"`` or ``"exclude"`` (only ``"exclude"`` pads residuals/fitted/predict).
    positions : numpy.ndarray
        0-based positions of the removed rows in the frame *after* ``subset`` and before
        NA removal (R stores the same positions 1-based).
    labels : pandas.Index
        Their row labels (R: ``names(na.action)``).
    """

    kind: str
    positions: np.ndarray = field(compare=False)
    labels: pd.Index = field(compare=False)

    def __len__(self) -> int:
        return len(self.positions)

    @property
    def rows(self) -> np.ndarray:
        """Alias of ``positions`` (the name the results layer uses)."""
        return self.positions


@dataclass(frozen=True)
class Rows:
    """The rows of the evaluated columns a frame keeps.

    Attributes
    ----------
    positions : numpy.ndarray
        0-based positions into the columns, ``-1`` for a made-up NA row.
    labels : pandas.Index
        Their row names.
    every_row : bool
        ``positions`` is ``0..n-1``: a column is taken whole, relabelled, not copied.
    """

    positions: np.ndarray
    labels: pd.Index
    every_row: bool


def na_action_kind(na_action: Optional[str]) -> str:
    """``"omit"``, ``"exclude"``, ``"fail"`` or ``"pass"`` for R's name of an NA action
    (``"na.omit"``; ``"na_omit"`` is accepted too; None is ``na.pass``)."""
    kind = _NA_ACTIONS.get(na_action if not isinstance(na_action, str) else
                           na_action.replace("_", "."))
    if kind is None:
        raise RError(f"invalid 'na.action' argument: {na_action!r}")
    return kind


def row_labels(data: Any, nr: int) -> pd.Index:
    """Row names: the data's index, else 0..n-1 (R numbers rows 1..n)."""
    if isinstance(data, pd.DataFrame) and len(data.index) == nr:
        return data.index
    return pd.RangeIndex(nr)


def all_rows(labels: pd.Index) -> Rows:
    """Every row, in order (no ``subset``)."""
    return Rows(np.arange(len(labels)), labels, every_row=True)


def subset_rows(sub: Any, labels: pd.Index) -> Rows:
    """The rows ``subset`` selects (R: ``data[subset, , drop = FALSE]``)."""
    pos = subset_positions(sub, len(labels))
    return Rows(pos, _labels_at(labels, pos), every_row=False)


def subset_positions(sub: Any, n: int) -> np.ndarray:
    """R's ``[.data.frame`` row selection: logical (recycled, NA → NA row), positive
    1-based indices, or negative indices to drop."""
    if isinstance(sub, RMatrix):
        raise RError("invalid subscript type 'matrix'")
    s = sub if isinstance(sub, pd.Series) else as_value(pd.Series(np.atleast_1d(sub)))
    if s.dtype == bool or s.dtype == "boolean":
        return _logical_positions(s, n)
    if is_factor(s) or is_character(s):
        raise RError("invalid 'subset': character or factor row selection is not supported")
    # R truncates fractional subscripts towards zero, then drops the zeros.
    idx = np.trunc(s.to_numpy(dtype=float, na_value=np.nan))
    idx = idx[idx != 0]
    na = np.isnan(idx)
    if (idx < 0).any():
        return _dropped_positions(idx, na, n)
    # An NA or a subscript beyond the last row selects a made-up NA row.
    out = np.where(na, 0.0, idx).astype(np.int64) - 1
    out[na | (out >= n)] = -1
    return out


def _dropped_positions(idx: np.ndarray, na: np.ndarray, n: int) -> np.ndarray:
    """Negative subscripts: every row but those named; one beyond the last row drops
    nothing, as in R."""
    if (idx > 0).any() or na.any():
        raise RError("only 0's may be mixed with negative subscripts")
    drop = (-idx - 1).astype(np.int64)
    keep = np.ones(n, dtype=bool)
    keep[drop[drop < n]] = False
    return np.flatnonzero(keep)


def _logical_positions(s: pd.Series, n: int) -> np.ndarray:
    """A logical subscript: recycled to ``n`` rows; an NA selects a made-up NA row."""
    vals = s.to_numpy(dtype=object) if s.dtype == "boolean" else s.to_numpy()
    if len(vals) != n:
        if len(vals) == 0 or n % len(vals):
            raise RError("invalid 'subset': logical subscript of the wrong length")
        vals = np.resize(vals, n)
    na = pd.isna(vals)
    chosen = np.where(na, False, vals).astype(bool)
    pos = np.flatnonzero(chosen | na)
    pos[na[pos]] = -1
    return pos


def _labels_at(labels: pd.Index, pos: np.ndarray) -> pd.Index:
    if not (pos < 0).any():
        return labels[pos]
    # A logical NA in subset gives a row named "NA" (R's [.data.frame).
    vals = np.asarray(labels, dtype=object)[np.maximum(pos, 0)]
    vals[pos < 0] = "NA"
    return pd.Index(vals, dtype=object)


def apply_na_action(kind: str, columns: Mapping[str, Any], rows: Rows,
                    nr: int) -> tuple[Rows, Optional[NaAction]]:
    """The rows left by the NA action, and the record of those it removed.

    R: ``na.omit`` / ``na.exclude`` (drop rows with an NA in any column, extras
    included), ``na.fail`` (``missing values in object``), ``na.pass``. ``nr`` is the
    columns' length.
    """
    if kind == "pass":
        return rows, None
    na_rows = _na_rows(columns, rows, nr)
    if not na_rows.any():
        return rows, None
    if kind == "fail":
        raise RError("missing values in object")
    omitted = np.flatnonzero(na_rows)
    kept = ~na_rows
    return (Rows(rows.positions[kept], rows.labels[kept], every_row=False),
            NaAction(kind, omitted, rows.labels[omitted]))


def _na_rows(columns: Mapping[str, Any], rows: Rows, nr: int) -> np.ndarray:
    """For each kept row, whether any column is NA there (a made-up row always is)."""
    rowna = np.zeros(nr, dtype=bool)
    for v in columns.values():
        rowna |= np.isnan(v.values).any(axis=1) if isinstance(v, RMatrix) else \
            v.isna().to_numpy()
    if rows.every_row:
        return rowna
    pos = rows.positions
    if not nr:
        return np.zeros(len(pos), dtype=bool)
    return np.where(pos < 0, True, rowna[np.maximum(pos, 0)])


def take(v: Any, rows: Rows) -> Any:
    """The kept rows of a column (a Series or an :class:`RMatrix`), labelled.

    With every row kept a Series is the column itself, relabelled, without a copy
    (pandas' copy-on-write keeps the caller's data and the frame apart).
    """
    pos = None if rows.every_row else rows.positions
    if isinstance(v, RMatrix):
        # A matrix may be the caller's own numpy array, which nothing protects: a copy.
        vals = v.values.copy() if pos is None else v.values[pos]
        if pos is not None and (pos < 0).any():
            vals = vals.astype(float)
            vals[pos < 0] = np.nan
        return RMatrix(vals, v.colnames, rows.labels)
    if pos is None:
        out = v.set_axis(rows.labels)
    elif (pos < 0).any():
        arr = v.array
        if isinstance(arr, pd.arrays.NumpyExtensionArray):
            arr = arr.to_numpy()  # pandas 2.2 deprecates take() of its numpy wrapper
        arr = pd.api.extensions.take(arr, pos, allow_fill=True)
        out = as_value(pd.Series(arr, index=rows.labels))
    else:
        # pandas 3 copies an ndarray given to Series(); the take is already a new array.
        out = pd.Series(v.array.take(pos), index=rows.labels, copy=False)
    out.attrs = dict(v.attrs)
    return out
