"""The values R code evaluates to inside a formula, and the environment it is evaluated in.

Conventions (what :func:`rglm.formula.evaluate.evaluate` returns):

* an R vector is a :class:`pandas.Series`; a vector with one element per data row carries
  the data's index, any other length a default RangeIndex. dtypes: ``float64`` / ``int64``
  (numeric), ``bool`` (logical without NA) or pandas ``boolean`` (logical with NA),
  a pandas string dtype (character; :data:`rglm.formula.dtypes.CHARACTER` when rglm
  makes one), ``category`` (factor; ``ordered`` = R ordered factor). Every user's
  column is brought to these by :func:`rglm.formula.dtypes.as_r_vector` (Dates, times
  and durations become classed ``float64``);
* an R matrix (``poly()``, ``cbind()``, ``scale()``) is an :class:`RMatrix`;
* a constant is a Python scalar: ``float``, ``int``, ``bool``, ``str``; R's logical
  ``NA`` is the singleton :data:`NA` (numeric NA is a float NaN) and ``NULL`` is None.

A factor's contrasts set with ``C(f, contr)`` travel in ``series.attrs["contrasts"]``
(the spec: an R name such as ``"contr.sum"``, a callable or a matrix), read with
:func:`contrasts_attr`.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping, Optional

import numpy as np
import pandas as pd

from rglm.errors import RError
from rglm.formula.columns import ColumnNames, column_names
from rglm.formula.deparse import deparse_number
from rglm.formula.dtypes import CHARACTER, as_r_vector

__all__ = ["RMatrix", "REnv", "FrozenState", "freeze", "as_value", "NA", "CONTRASTS_ATTR",
           "contrasts_attr", "is_factor", "is_character", "is_logical", "is_numeric",
           "rlength", "values_of", "wrap", "rep_len", "format_numbers", "na_mask", "to_numeric",
           "to_logical", "to_character", "logical_value", "character_value"]

class _LogicalNA:
    """The type of R's logical ``NA`` constant (a singleton)."""

    _instance: Optional["_LogicalNA"] = None

    def __new__(cls) -> "_LogicalNA":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NA"

    def __float__(self) -> float:
        return float("nan")

    def __bool__(self) -> bool:
        raise RError("missing value where TRUE/FALSE needed")


NA = _LogicalNA()
"""R's logical ``NA``; it becomes NaN once it meets numbers, None among strings."""

CONTRASTS_ATTR = "contrasts"
"""Key in ``Series.attrs`` under which ``C()`` records a factor's contrasts."""


@dataclass(frozen=True, eq=False)
class RMatrix:
    """An R numeric matrix: float64 values with optional column names.

    Attributes
    ----------
    values : numpy.ndarray
        n × m float64 (not written to after construction).
    colnames : tuple of str or None
        R's ``colnames()``; None where R has none (``scale(x)``, ``cbind(a + b, c + d)``);
        unnamed columns among named ones are ``""`` as in R.
    index : pandas.Index or None
        Row labels (the data's index when n equals the number of data rows).
    """

    values: np.ndarray
    colnames: Optional[tuple[str, ...]]
    index: Optional[pd.Index] = None

    @property
    def shape(self) -> tuple[int, int]:
        """``dim()`` of the matrix."""
        return self.values.shape

    def __len__(self) -> int:
        return self.values.shape[0]


_BASE_CONSTANTS: dict[str, Any] = {
    "pi": float(np.pi), "T": True, "F": False,
    "letters": tuple(string.ascii_lowercase), "LETTERS": tuple(string.ascii_uppercase),
}


@dataclass(frozen=True)
class REnv:
    """Where names in R code are looked up: data columns first, then the caller's names.

    R: the ``data`` argument of model.frame with the formula's environment as enclosure.

    Attributes
    ----------
    data : Mapping
        Data columns by name (a DataFrame or a mapping of arrays).
    namespace : Mapping
        The caller's Python names (e.g. ``globals()``), searched after ``data``.
    n : int or None
        Number of data rows (None without data); results of this length are aligned to
        ``index``.
    index : pandas.Index or None
        The data's row labels.
    columns : ColumnNames or None
        The data's columns by the names a formula uses (``str`` of each label; see
        :mod:`rglm.formula.columns`).
    """

    data: Mapping[str, Any] = field(default_factory=dict)
    namespace: Mapping[str, Any] = field(default_factory=dict)
    n: Optional[int] = None
    index: Optional[pd.Index] = None
    columns: Optional[ColumnNames] = None

    @classmethod
    def from_data(cls, data: Any = None, namespace: Optional[Mapping[str, Any]] = None) -> "REnv":
        """Build an environment from a DataFrame (or mapping of columns) and a namespace."""
        ns = {} if namespace is None else namespace
        if data is None:
            return cls({}, ns, None, None)
        if isinstance(data, pd.DataFrame):
            return cls(data, ns, len(data), data.index, column_names(data))
        lengths = {len(np.asarray(v)) for v in data.values()}
        n = lengths.pop() if len(lengths) == 1 else None
        return cls(data, ns, n, None if n is None else pd.RangeIndex(n), column_names(data))

    def _in_data(self, name: str) -> bool:
        return name in self.columns if self.columns is not None else name in self.data

    def has(self, name: str) -> bool:
        """Whether ``name`` is bound in data, namespace or R's base constants."""
        return self._in_data(name) or name in self.namespace or name in _BASE_CONSTANTS

    def lookup(self, name: str) -> Any:
        """The value bound to ``name``; R's error when there is none (or when two data
        columns answer to it)."""
        if self._in_data(name):
            label = self.columns.label(name) if self.columns is not None else name
            return as_value(self.data[label], self, name)
        if name in self.namespace:
            obj = self.namespace[name]
            return obj if callable(obj) and not _is_data(obj) else as_value(obj, self, name)
        if name in _BASE_CONSTANTS:
            return as_value(_BASE_CONSTANTS[name], self)
        raise RError(f"object '{name}' not found")

    def lookup_function(self, name: str) -> Any:
        """A callable bound to ``name`` in the namespace (dotted names follow attributes:
        ``np.log`` is ``namespace["np"].log``), or None."""
        obj = self.namespace.get(name)
        if obj is None and "." in name:
            head, *rest = name.split(".")
            obj = self.namespace.get(head)
            for part in rest:
                obj = getattr(obj, part, None)
        return obj if callable(obj) and not _is_data(obj) else None


def _is_data(obj: Any) -> bool:
    return isinstance(obj, (pd.Series, pd.DataFrame, np.ndarray, RMatrix))


class FrozenState(Mapping[str, Any]):
    """A read-only transform state: stateful transforms reuse it instead of recomputing.

    R: the ``predvars`` attribute of terms, used by ``predict`` on new data.
    """

    def __init__(self, entries: Mapping[str, Any]):
        self._entries = MappingProxyType(dict(entries))

    def __getitem__(self, key: str) -> Any:
        return self._entries[key]

    def __iter__(self):
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"FrozenState({dict(self._entries)!r})"


def freeze(state: Optional[Mapping[str, Any]]) -> FrozenState:
    """A frozen copy of a fitting-time state (for coding new data)."""
    return state if isinstance(state, FrozenState) else FrozenState(state or {})


def wrap(values: Any, env: Optional[REnv] = None) -> pd.Series:
    """A Series of ``values``, aligned to the data index when it has one value per row."""
    arr = values if isinstance(values, (np.ndarray, pd.api.extensions.ExtensionArray)) \
        else np.asarray(values)
    if env is not None and env.index is not None and len(arr) == env.n:
        return pd.Series(arr, index=env.index, copy=False)
    return pd.Series(arr, copy=False)


def as_value(obj: Any, env: Optional[REnv] = None, name: str = "") -> Any:
    """Turn a user's array, list, Series, DataFrame or scalar into an R value.

    Series keep their index; other 1-D data of one value per data row get the data's
    index. 2-D arrays and DataFrames become :class:`RMatrix`. Nothing is copied unless a
    dtype has to change. ``name`` (the variable's) is for error messages.

    Raises
    ------
    RError
        ``invalid type (...) for variable 'name'`` for data R has no type for.
    """
    if isinstance(obj, (RMatrix, _LogicalNA)) or obj is None:
        return obj
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return float(obj)
    if isinstance(obj, str):
        return obj
    if isinstance(obj, pd.Series):
        return as_r_vector(obj, name or str(obj.name))
    if isinstance(obj, pd.DataFrame):
        index = obj.index if env is None or env.n != len(obj) else env.index
        return RMatrix(obj.to_numpy(dtype=float), tuple(str(c) for c in obj.columns), index)
    if isinstance(obj, pd.Categorical):
        return wrap(obj, env)
    arr = np.asarray(obj)
    if arr.ndim == 0:
        return as_value(arr.item(), env)
    if arr.ndim == 2:
        index = env.index if env is not None and env.n == arr.shape[0] else None
        return RMatrix(np.asarray(arr, dtype=float), None, index)
    if arr.ndim != 1:
        raise RError(f"invalid type (array) for variable '{name}'")
    return as_r_vector(wrap(arr, env), name)


def is_factor(v: Any) -> bool:
    """R's ``is.factor``."""
    return isinstance(v, pd.Series) and isinstance(v.dtype, pd.CategoricalDtype)


def is_character(v: Any) -> bool:
    """R's ``is.character``."""
    if isinstance(v, str):
        return True
    return isinstance(v, pd.Series) and isinstance(v.dtype, pd.StringDtype)


def is_logical(v: Any) -> bool:
    """R's ``is.logical``."""
    if isinstance(v, (bool, np.bool_, _LogicalNA)):
        return True
    return isinstance(v, pd.Series) and (v.dtype == bool or v.dtype == "boolean")


def is_numeric(v: Any) -> bool:
    """R's ``is.numeric`` (factors and logicals are not numeric)."""
    if isinstance(v, (bool, np.bool_, _LogicalNA)):
        return False
    if isinstance(v, (int, float, np.integer, np.floating)):
        return True
    if isinstance(v, RMatrix):
        return True
    return isinstance(v, pd.Series) and v.dtype.kind in "iuf" and v.dtype != "boolean"


def rlength(v: Any) -> int:
    """R's ``length`` (a matrix counts its cells)."""
    if v is None:
        return 0
    if isinstance(v, RMatrix):
        return int(v.values.size)
    if isinstance(v, (pd.Series, np.ndarray, list, tuple)):
        return len(v)
    return 1


def values_of(v: Any) -> np.ndarray:
    """The plain 1-D numpy values of a vector or scalar (factors give their labels as
    object strings; logical NA gives None)."""
    if isinstance(v, pd.Series):
        return v.to_numpy()
    if isinstance(v, tuple):
        return np.asarray(v)
    if v is None:
        return np.asarray([], dtype=float)
    return np.asarray([v])


def contrasts_attr(v: Any) -> Any:
    """The contrasts recorded on a factor by ``C()`` (None when none were set)."""
    if isinstance(v, pd.Series):
        return v.attrs.get(CONTRASTS_ATTR)
    return None


# ---------------------------------------------------------------------------------------
# Coercions shared by the operators (evaluate.py) and the R functions (rfunctions.py).
# ---------------------------------------------------------------------------------------

def format_numbers(values: np.ndarray) -> np.ndarray:
    """R's ``as.character`` of a numeric array: object array of str, None for NA.

    Formats each distinct value once (the number of distinct values, not rows, is what
    the Python-level formatting loop runs over).
    """
    arr = np.asarray(values)
    out = np.empty(arr.shape, dtype=object)
    if arr.dtype.kind in "iu":
        uniq, inverse = np.unique(arr, return_inverse=True)
        out[...] = uniq.astype(str).astype(object)[inverse.reshape(arr.shape)]
        return out
    arr = arr.astype(float)
    # NA and NaN share one float representation here; both count as missing (R's
    # as.character(NaN) is "NaN", but a NaN in data is R's NA in practice).
    missing = np.isnan(arr)
    uniq, inverse = np.unique(arr[~missing], return_inverse=True)
    # as.character(x) writes doubles as deparse does: 15 significant digits.
    labels = np.array([deparse_number(u) for u in uniq.tolist()], dtype=object)
    out[~missing] = labels[inverse] if uniq.size else []
    out[missing] = None
    return out


def rep_len(values: np.ndarray, n: int) -> np.ndarray:
    """R's ``rep_len``: recycle ``values`` to length ``n`` (NaN-filled when empty)."""
    values = np.asarray(values)
    if values.shape[0] == n:
        return values
    if values.shape[0] == 0:
        return np.full(n, np.nan)
    if values.shape[0] == 1:
        return np.full(n, values[0], dtype=values.dtype)
    reps = -(-n // values.shape[0])
    return np.tile(values, reps)[:n]


def na_mask(v: Any) -> np.ndarray:
    """R's ``is.na`` as a numpy bool array (one entry per element)."""
    if isinstance(v, RMatrix):
        return np.isnan(v.values)
    if isinstance(v, pd.Series):
        return v.isna().to_numpy()
    if v is None:
        return np.zeros(0, dtype=bool)
    return np.asarray([v is None or v is NA or (isinstance(v, float) and np.isnan(v))])


def to_numeric(v: Any) -> np.ndarray:
    """The numeric values of a logical or numeric vector: int64 where R has integers
    (logicals included) and no NA, else float64 with NaN for NA. Factors give their
    codes (R's ``as.numeric(f)``); character raises."""
    if isinstance(v, RMatrix):
        return v.values
    if is_factor(v):
        codes = v.cat.codes.to_numpy()
        return np.where(codes < 0, np.nan, codes + 1.0) if (codes < 0).any() \
            else codes.astype(np.int64) + 1
    if is_character(v):
        raise RError("non-numeric argument")
    if isinstance(v, pd.Series):
        if v.dtype == "boolean":
            return v.astype("float64").to_numpy() if v.isna().any() \
                else v.to_numpy(dtype=np.int64)
        if v.dtype == bool:
            return v.to_numpy().astype(np.int64)
        return v.to_numpy()
    if v is None:
        return np.zeros(0)
    if isinstance(v, (bool, np.bool_)):
        return np.asarray([int(v)], dtype=np.int64)
    if v is NA:
        return np.asarray([np.nan])
    if isinstance(v, (tuple, list, np.ndarray)):
        return to_numeric(as_value(np.asarray(v)))
    return np.asarray([v])


def to_logical(v: Any) -> tuple[np.ndarray, np.ndarray]:
    """R's ``as.logical`` for logical/numeric values: (values, NA mask)."""
    if is_character(v) or is_factor(v):
        raise RError("operations are possible only for numeric, logical or complex types")
    if isinstance(v, pd.Series) and v.dtype == "boolean":
        na = v.isna().to_numpy()
        return v.fillna(False).to_numpy(dtype=bool), na
    num = to_numeric(v).astype(float)
    na = np.isnan(num)
    return np.where(na, False, num != 0), na


def to_character(v: Any) -> np.ndarray:
    """R's ``as.character``: object array of str with None for NA."""
    if isinstance(v, (list, np.ndarray)):
        v = as_value(np.asarray(v))
    if isinstance(v, pd.Index):
        v = as_value(pd.Series(v))
    if is_factor(v):
        cats = np.asarray(v.cat.categories.astype(str), dtype=object)
        codes = v.cat.codes.to_numpy()
        out = cats[np.maximum(codes, 0)] if cats.size else np.full(codes.shape, None, object)
        out = np.asarray(out, dtype=object)
        out[codes < 0] = None
        return out
    if is_character(v):
        arr = values_of(v).astype(object)
        arr[pd.isna(arr)] = None
        return arr
    if is_logical(v):
        vals, na = to_logical(v)
        out = np.where(vals, "TRUE", "FALSE").astype(object)
        out[na] = None
        return out
    return format_numbers(to_numeric(v))


def logical_value(values: np.ndarray, na: np.ndarray, env: Optional[REnv]) -> pd.Series:
    """A logical vector: ``bool`` dtype without NA, pandas ``boolean`` with NA."""
    if na.any():
        return wrap(pd.arrays.BooleanArray(np.asarray(values, dtype=bool), na.copy()), env)
    return wrap(np.asarray(values, dtype=bool), env)


def character_value(values: np.ndarray, env: Optional[REnv]) -> pd.Series:
    """A character vector (:data:`~rglm.formula.dtypes.CHARACTER`) from an object array
    with None for NA."""
    return wrap(pd.array(values, dtype=CHARACTER), env)
