"""Which R type a column is: one table for every numpy, pandas and Arrow dtype.

R: the vector types ``model.frame`` accepts in a data frame (logical, integer, double,
character, factor) and the classed doubles it passes through to ``model.matrix``
(``Date``, ``POSIXct``, ``difftime``, coded there by their numbers).

Every place that reads a user's column -- the model frame of a fit, ``newdata`` for
``predict``, each chunk of ``bigglm`` -- goes through :func:`as_r_vector`, which returns
the column in the representation of :mod:`rglm.formula.values`:

================================================  =============  ===========================
the column's dtype                                R type         held as
================================================  =============  ===========================
numpy bool, pandas ``boolean``, Arrow ``bool``,   logical        numpy ``bool``; pandas
object of bool                                                   ``boolean`` where NA
all missing: object of None/NaN, Arrow ``null``   logical        pandas ``boolean``, all NA
numpy int/uint, ``Int64`` and the other masked    integer        ``int64``; ``float64``
ints, Arrow int, object of int                                   with NaN where NA
numpy float, ``Float64``/``Float32``, Arrow       numeric        ``float64``, NaN for NA
float and decimal, object of float or Decimal
object of str, ``str``, ``string[python]``,       character      a pandas string dtype
``string[pyarrow]``, Arrow string/large_string,                  (:data:`CHARACTER`)
numpy ``U``
``category``, Arrow dictionary                    factor         ``category``, the
                                                  (ordered)      categories in their order
object of ``datetime.date``, Arrow date32/64      Date           ``float64``: days since
                                                                 1970-01-01
datetime64 (tz-naive or tz-aware), Arrow          POSIXct        ``float64``: seconds
timestamp, object of datetime/Timestamp                          since 1970-01-01 UTC
timedelta64, Arrow duration, object of timedelta  difftime       ``float64``: seconds
sparse                                            (its values')  densified
================================================  =============  ===========================

Decisions where pandas has no R counterpart, or R's own choice depends on the data:

* A tz-naive datetime is read as UTC (R's ``as.POSIXct(x, tz = "UTC")``): the
  coefficient is per second either way; only a tz-aware column's instant is unambiguous.
* A timedelta is coded in seconds, whatever its size: R's ``difftime`` picks its unit
  from the data (``units = "auto"``: the smallest difference decides secs, mins, hours
  or days), so that a model's coefficient and new data's coding would depend on the
  rows at hand; seconds are R's coding of ``as.difftime(x, units = "secs")``.
* A ``Period`` column is refused: R has no period type (zoo's ``yearmon`` counts years,
  pandas counts periods since 1970), so any coding would be rglm's invention; convert
  it explicitly (``.dt.start_time`` for POSIXct, ``.astype(str)`` for a factor).
* The Date, POSIXct and difftime classes travel with the numbers
  (``series.attrs["rclass"]``) so that ``predict`` checks new data's types as R's
  ``.checkMFClasses`` does (all three are R's ``.MFclass`` "other").

Everything else is refused with R's error for a column model.frame cannot use,
``invalid type (<type>) for variable '<name>'``; complex numbers with
``model.matrix``'s ``complex variables are not currently allowed in model matrices``.
"""

from __future__ import annotations

import enum
from typing import Any, Optional

import numpy as np
import pandas as pd

from rglm.errors import RError

__all__ = ["RType", "CHARACTER", "RCLASS_ATTR", "r_type", "as_r_vector", "r_class"]


class RType(enum.Enum):
    """The R types a column can become (R's ``class()`` of the model-frame column)."""

    LOGICAL = "logical"
    INTEGER = "integer"
    NUMERIC = "numeric"
    CHARACTER = "character"
    FACTOR = "factor"
    DATE = "Date"
    POSIXCT = "POSIXct"
    DIFFTIME = "difftime"


def _character_dtype() -> pd.StringDtype:
    # pandas >= 2.3 has the NaN-missing string dtype that pandas 3 calls "str"; before
    # it, the "str" alias means numpy's str and turns None into "None", so pandas 2.2
    # gets the pd.NA-missing StringDtype, with the same values.
    try:
        return pd.StringDtype(na_value=np.nan)
    except TypeError:
        return pd.StringDtype("python")


CHARACTER = _character_dtype()
"""The dtype of R character vectors here (pandas 3's ``str``; ``string`` on pandas 2.2)."""

RCLASS_ATTR = "rclass"
"""Key in ``Series.attrs`` recording a classed double's R class (Date/POSIXct/difftime)."""

_SECONDS_PER = {"D": 86400, "h": 3600, "m": 60, "s": 1}
_FRACTIONS = {"ms": 10**3, "us": 10**6, "ns": 10**9}

# What pandas' infer_dtype says an object column holds -> the R type it becomes.
_OBJECT_KINDS = {
    "string": RType.CHARACTER, "boolean": RType.LOGICAL, "empty": RType.LOGICAL,
    "integer": RType.INTEGER, "floating": RType.NUMERIC,
    "mixed-integer-float": RType.NUMERIC, "decimal": RType.NUMERIC,
    "date": RType.DATE, "datetime": RType.POSIXCT, "datetime64": RType.POSIXCT,
    "timedelta": RType.DIFFTIME, "timedelta64": RType.DIFFTIME,
}

_NAMED_REFUSALS = {
    "period": "Period: R has no period type; convert it, e.g. with .dt.start_time "
              "(POSIXct) or .astype(str) (a factor)",
    "interval": "Interval: R has no interval type",
    "time": "time of day: R has no time-of-day type",
    "bytes": "bytes",
}


def _invalid(what: str, name: str) -> RError:
    return RError(f"invalid type ({what}) for variable '{name}'")


def _complex() -> RError:
    return RError("complex variables are not currently allowed in model matrices")


# ---- the table ---------------------------------------------------------------------------

def _arrow_type_kind(pa_type: Any, name: str) -> RType:
    import pyarrow as pa  # an ArrowDtype exists only where pyarrow is installed

    t = pa.types
    if t.is_boolean(pa_type) or t.is_null(pa_type):
        return RType.LOGICAL
    if t.is_integer(pa_type):
        return RType.INTEGER
    if t.is_floating(pa_type) or t.is_decimal(pa_type):
        return RType.NUMERIC
    if t.is_string(pa_type) or t.is_large_string(pa_type) or \
            str(pa_type) == "string_view":
        return RType.CHARACTER
    if t.is_dictionary(pa_type):
        return RType.FACTOR
    if t.is_date(pa_type):
        return RType.DATE
    if t.is_timestamp(pa_type):
        return RType.POSIXCT
    if t.is_duration(pa_type):
        return RType.DIFFTIME
    raise _invalid(f"Arrow {pa_type}", name)


def r_type(dtype: Any, name: str = "", values: Optional[pd.Series] = None) -> RType:
    """The R type of a column of dtype ``dtype`` (see the module's table).

    R: ``class()`` of the column once in a data frame.

    Parameters
    ----------
    dtype : numpy or pandas dtype
    name : str
        The variable's name, for the error message.
    values : pandas.Series, optional
        The column itself: needed for object columns, whose type is what they hold.

    Raises
    ------
    RError
        ``invalid type (<type>) for variable '<name>'`` for a dtype R has no type for,
        or an object column mixing kinds of values.
    """
    if isinstance(dtype, pd.api.extensions.ExtensionDtype):
        return _extension_type(dtype, name)
    kind = np.dtype(dtype).kind
    if kind in _NUMPY_KINDS:
        return _NUMPY_KINDS[kind]
    if kind == "c":
        raise _complex()
    if kind == "O" and values is not None:
        return _object_kind(values, name)
    raise _invalid(str(dtype), name)


_NUMPY_KINDS = {"b": RType.LOGICAL, "i": RType.INTEGER, "u": RType.INTEGER,
                "f": RType.NUMERIC, "U": RType.CHARACTER, "M": RType.POSIXCT,
                "m": RType.DIFFTIME}
"""R's type of a numpy dtype, by ``dtype.kind``."""


def _extension_type(dtype: Any, name: str) -> RType:
    """The R type of a pandas extension dtype (categorical, string, the masked
    ``boolean``/``Int64``/``Float64``, tz-aware datetime, sparse, Arrow, ...)."""
    if isinstance(dtype, pd.CategoricalDtype):
        return RType.FACTOR
    if isinstance(dtype, pd.StringDtype):
        return RType.CHARACTER
    if isinstance(dtype, pd.BooleanDtype):
        return RType.LOGICAL
    if isinstance(dtype, pd.DatetimeTZDtype):
        return RType.POSIXCT
    if isinstance(dtype, pd.SparseDtype):
        return r_type(dtype.subtype, name)
    if isinstance(dtype, pd.PeriodDtype):
        raise _invalid(_NAMED_REFUSALS["period"], name)
    if isinstance(dtype, pd.IntervalDtype):
        raise _invalid(_NAMED_REFUSALS["interval"], name)
    if isinstance(dtype, pd.ArrowDtype):
        return _arrow_type_kind(dtype.pyarrow_dtype, name)
    # The masked Int64/Float64 family (numpy-like kinds), anything else by name.
    kind = getattr(dtype, "kind", "O")
    if kind in "iu":
        return RType.INTEGER
    if kind == "f":
        return RType.NUMERIC
    raise _invalid(str(dtype), name)


def _object_kind(values: pd.Series, name: str) -> RType:
    held = pd.api.types.infer_dtype(values, skipna=True)
    kind = _OBJECT_KINDS.get(held)
    if kind is not None:
        return kind
    if held == "complex":
        raise _complex()
    if held in _NAMED_REFUSALS:
        raise _invalid(_NAMED_REFUSALS[held], name)
    # R has no column of mixed values: the nearest thing is a list column, refused by
    # model.frame with this message.
    raise RError(f"invalid type (list) for variable '{name}': its values are of several "
                 f"kinds (pandas infers '{held}'); an R column holds values of one type")


# ---- conversion --------------------------------------------------------------------------

def r_class(v: Any) -> Optional[str]:
    """The R class a double column carries (``"Date"``, ``"POSIXct"``, ``"difftime"``)."""
    return v.attrs.get(RCLASS_ATTR) if isinstance(v, pd.Series) else None


def as_r_vector(s: pd.Series, name: str = "") -> pd.Series:
    """A column in the representation of :mod:`rglm.formula.values` (the module's table).

    R: what a data-frame column is to ``model.frame``. The caller's Series is never
    modified: a column already in that representation is returned as it is (pandas'
    copy-on-write, or the absence of writes, keeps the two apart), any other is a new
    Series with the same index.

    Raises
    ------
    RError
        For a dtype R has no type for (see :func:`r_type`).
    """
    kind = r_type(s.dtype, name, s)
    dtype = s.dtype
    if isinstance(dtype, pd.SparseDtype):
        return as_r_vector(s.sparse.to_dense(), name)
    if isinstance(dtype, pd.ArrowDtype):
        return _from_arrow(s, kind, name)
    if dtype == object:
        return _from_object(s, kind, name)
    return _CONVERT[kind](s, name)


def _logical(s: pd.Series, name: str) -> pd.Series:
    if s.dtype == bool or (s.dtype == "boolean" and s.hasnans):
        return s
    if s.isna().any():
        return s.astype("boolean")
    return pd.Series(s.to_numpy(dtype=bool), index=s.index, copy=False)


def _integer(s: pd.Series, name: str) -> pd.Series:
    if s.dtype == np.int64:
        return s
    if s.isna().any():
        return _numeric(s, name)
    if s.dtype.kind == "u" and len(s) and s.max() > np.iinfo(np.int64).max:
        return _numeric(s, name)
    return pd.Series(s.to_numpy(dtype=np.int64), index=s.index, copy=False)


def _numeric(s: pd.Series, name: str) -> pd.Series:
    if s.dtype == np.float64:
        return s
    return pd.Series(s.to_numpy(dtype=np.float64, na_value=np.nan), index=s.index, copy=False)


def _character(s: pd.Series, name: str) -> pd.Series:
    return s if isinstance(s.dtype, pd.StringDtype) else s.astype(CHARACTER)


def _factor(s: pd.Series, name: str) -> pd.Series:
    return s


def _classed(values: np.ndarray, index: pd.Index, rclass: str) -> pd.Series:
    out = pd.Series(values, index=index, copy=False)
    out.attrs = {RCLASS_ATTR: rclass}
    return out


def _seconds(counts: np.ndarray, na: np.ndarray, unit: str) -> np.ndarray:
    """Counts of ``unit`` as float seconds, rounded once (R's POSIXct is a double)."""
    if unit in _FRACTIONS:
        per = _FRACTIONS[unit]
        whole, frac = np.divmod(counts, per)
        out = whole.astype(np.float64) + frac / per
    else:
        out = counts.astype(np.float64) * _SECONDS_PER[unit]
    out[na] = np.nan
    return out


def _days(counts: np.ndarray, na: np.ndarray) -> np.ndarray:
    """Day counts as R's Date numbers (a double, NA where missing)."""
    out = counts.astype(np.float64)
    out[na] = np.nan
    return out


def _numpy_time(s: pd.Series, kind: RType, name: str) -> pd.Series:
    values = s.to_numpy()
    unit, step = np.datetime_data(values.dtype)
    if unit not in _SECONDS_PER and unit not in _FRACTIONS:
        raise _invalid(str(values.dtype), name)
    na = np.isnat(values)
    counts = values.view(np.int64) * step if step != 1 else values.view(np.int64)
    return _classed(_seconds(counts, na, unit), s.index, kind.value)


def _posixct(s: pd.Series, name: str) -> pd.Series:
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_convert(None)  # the same instants, as naive UTC
    return _numpy_time(s, RType.POSIXCT, name)


def _difftime(s: pd.Series, name: str) -> pd.Series:
    return _numpy_time(s, RType.DIFFTIME, name)


_CONVERT = {
    RType.LOGICAL: _logical, RType.INTEGER: _integer, RType.NUMERIC: _numeric,
    RType.CHARACTER: _character, RType.FACTOR: _factor, RType.POSIXCT: _posixct,
    RType.DIFFTIME: _difftime,
}


def _all_na_logical(index: pd.Index) -> pd.Series:
    n = len(index)
    return pd.Series(pd.arrays.BooleanArray(np.zeros(n, bool), np.ones(n, bool)),
                     index=index, copy=False)


def _from_object(s: pd.Series, kind: RType, name: str) -> pd.Series:
    if kind is RType.LOGICAL:
        return _all_na_logical(s.index) if s.isna().all() else \
            _logical(s.astype("boolean"), name)
    if kind in (RType.INTEGER, RType.NUMERIC):
        try:
            num = pd.to_numeric(s)
            if num.dtype == object:  # integers beyond 64 bits: doubles, as R reads them
                num = num.astype(np.float64)
        except (TypeError, ValueError, OverflowError) as err:
            raise _invalid(f"object: {err}", name) from err
        return as_r_vector(num, name)
    if kind is RType.CHARACTER:
        return s.astype(CHARACTER)
    plain = s.to_numpy(dtype=object, na_value=None)
    if kind is RType.DATE:
        days = np.asarray(plain, dtype="datetime64[D]")
        return _classed(_days(days.view(np.int64), np.isnat(days)), s.index,
                        RType.DATE.value)
    try:
        if kind is RType.POSIXCT:
            # Naive values are read as UTC, as the module says; aware ones keep their
            # instant.
            converted = pd.Series(pd.to_datetime(plain, utc=True), index=s.index)
        else:
            converted = pd.Series(pd.to_timedelta(plain), index=s.index)
    except (TypeError, ValueError) as err:
        raise _invalid(f"object: {err}", name) from err
    return as_r_vector(converted, name)


def _arrow_chunks(s: pd.Series) -> Any:
    import pyarrow as pa

    arr = pa.array(s.array)
    return arr if isinstance(arr, pa.ChunkedArray) else pa.chunked_array([arr])


def _from_arrow(s: pd.Series, kind: RType, name: str) -> pd.Series:
    import pyarrow as pa

    pa_type = s.dtype.pyarrow_dtype
    if pa.types.is_null(pa_type):
        return _all_na_logical(s.index)
    if kind is RType.FACTOR:
        chunks = _arrow_chunks(s).unify_dictionaries()
        # pyarrow turns a dictionary into a Categorical with the dictionary as its
        # categories, in order.
        cat = pd.Categorical(chunks.to_pandas())
        return pd.Series(cat.set_ordered(bool(pa_type.ordered)), index=s.index, copy=False)
    if kind in (RType.DATE, RType.POSIXCT, RType.DIFFTIME):
        chunks = _arrow_chunks(s)
        na = chunks.is_null().to_numpy()
        if pa.types.is_date32(pa_type):
            counts, unit = chunks.cast(pa.int32()), "D"
        else:
            counts = chunks.cast(pa.int64())
            unit = "ms" if pa.types.is_date64(pa_type) else pa_type.unit
        counts = counts.fill_null(0).to_numpy().astype(np.int64)
        if unit == "D":
            return _classed(_days(counts, na), s.index, kind.value)
        secs = _seconds(counts, na, unit)
        return _classed(secs / 86400 if kind is RType.DATE else secs, s.index, kind.value)
    if kind is RType.CHARACTER:
        return s.astype(CHARACTER)
    # bool, int, float, decimal: pandas converts them with NA as wanted.
    if kind is RType.LOGICAL:
        return _logical(s.astype("boolean"), name)
    if kind is RType.INTEGER and not s.isna().any():
        return _integer(s, name)
    return _numeric(s, name)
