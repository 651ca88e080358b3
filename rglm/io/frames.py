"""pandas and numpy values as JSON descriptions plus plain arrays (and back).

A column (of a data frame, a Series or an Index) is stored by what its dtype is in R's
terms, never as Python objects: numbers, logicals and dates as their numpy array;
pandas' nullable columns (``Int64``, ``boolean``, ``Float64``) as values plus an NA
mask; text (pandas' string dtype or an object column of strings) as a fixed-width
unicode array plus an NA mask; a factor (``category``) as its integer codes plus its
levels. Any other column (Python objects of other kinds, Arrow types, time zones) cannot
be saved: a clear error names it, rather than a silent conversion.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pandas as pd

from rglm.errors import RError
from rglm.render import rframes

__all__ = ["encode_column", "decode_column", "PANDAS_CLASSES"]

#: pandas nullable dtypes stored as values + mask, by name (pandas_dtype(name) on load)
_MASKED = ("Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64",
           "Float32", "Float64", "boolean")
#: rglm's pandas subclasses that print as R prints (restored by their class name)
PANDAS_CLASSES = {"RVector": rframes.RVector, "RMatrix": rframes.RMatrix,
                  "RFrame": rframes.RFrame}


def _text(values, where: str) -> tuple[np.ndarray, np.ndarray]:
    """Strings (NA: None, NaN, pd.NA) -> (unicode array with "" at NA, NA mask)."""
    obj = np.asarray(values, dtype=object)
    na = np.asarray(pd.isna(obj), dtype=bool)
    if pd.api.types.infer_dtype(obj[~na], skipna=True) not in ("string", "empty"):
        kinds = sorted({type(v).__name__ for v in obj[~na] if not isinstance(v, str)})
        raise RError(f"cannot save {where}: it holds Python objects of type "
                     f"'{kinds[0]}' (only numbers, logicals, text, factors and dates are "
                     "saved)")
    filled = np.where(na, "", obj)
    return (np.asarray(filled, dtype=str) if len(filled) else np.zeros(0, dtype="<U1")), na


def encode_column(values: Any, add: Callable[[np.ndarray, str], str], where: str) -> dict:
    """The description of one column; ``add(array, where)`` stores an array, giving its name."""
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        cat = pd.Categorical(values)
        return {"kind": "category", "codes": add(np.asarray(cat.codes), where),
                "levels": encode_column(cat.categories, add, where + " levels"),
                "ordered": bool(cat.ordered)}
    if isinstance(dtype, pd.StringDtype):
        data, na = _text(values, where)
        return {"kind": "string", "storage": dtype.storage,
                "na_nan": dtype.na_value is not pd.NA, "data": add(data, where),
                "na": add(na, where)}
    if str(dtype) in _MASKED:
        arr = pd.array(values, dtype=dtype)
        zero = dtype.numpy_dtype.type(0)  # what an NA cell holds in the file
        return {"kind": "masked", "dtype": str(dtype),
                "data": add(arr.to_numpy(dtype=dtype.numpy_dtype, na_value=zero), where),
                "na": add(np.asarray(arr.isna(), dtype=bool), where)}
    if isinstance(dtype, np.dtype):
        arr = np.asarray(values)
        if dtype.kind == "O":
            data, na = _text(arr, where)
            return {"kind": "text", "data": add(data, where), "na": add(na, where)}
        if dtype.kind in "biufcMm":
            return {"kind": "numpy", "data": add(arr, where)}
    raise RError(f"cannot save {where}: columns of dtype '{dtype}' are not saved "
                 "(only numbers, logicals, text, factors and dates)")


def _na_text(data: np.ndarray, na: np.ndarray, missing: Any) -> np.ndarray:
    out = data.astype(object)
    out[na] = missing
    return out


def decode_column(desc: Any, array: Callable[[Any], np.ndarray]) -> Any:
    """The values (numpy array or pandas array) a description stands for."""
    if not isinstance(desc, dict):
        raise RError("cannot load: invalid column description")
    kind = desc.get("kind")
    if kind == "numpy":
        return array(desc.get("data"))
    if kind in ("text", "string"):
        data, na = array(desc.get("data")), _mask(array(desc.get("na")))
        if data.dtype.kind != "U" or data.shape != na.shape or data.ndim != 1:
            raise RError("cannot load: invalid text column")
        if kind == "text":
            return _na_text(data, na, None)
        storage = desc.get("storage")
        if storage not in ("python", "pyarrow"):
            raise RError(f"cannot load: unknown string storage {storage!r}")
        try:
            dtype = pd.StringDtype(storage=storage,
                                   na_value=np.nan if desc.get("na_nan") else pd.NA)
        except TypeError:  # pandas < 2.3 has no NaN-valued variant: its string dtype
            dtype = pd.StringDtype(storage=storage)
        return pd.array(_na_text(data, na, None), dtype=dtype)
    if kind == "masked":
        name = desc.get("dtype")
        if name not in _MASKED:
            raise RError(f"cannot load: unknown column dtype {name!r}")
        data, na = array(desc.get("data")), _mask(array(desc.get("na")))
        return _masked(data, na, name)
    if kind == "category":
        codes = array(desc.get("codes"))
        levels = decode_column(desc.get("levels"), array)
        if codes.dtype.kind not in "iu" or codes.ndim != 1:
            raise RError("cannot load: invalid factor codes")
        levels = pd.Index(levels, tupleize_cols=False)
        if len(codes) and (codes.min() < -1 or codes.max() >= len(levels)):
            raise RError("cannot load: factor codes outside its levels")
        return pd.Categorical.from_codes(codes, categories=levels,
                                         ordered=bool(desc.get("ordered")))
    raise RError(f"cannot load: unknown column kind {kind!r}")


def _mask(values: np.ndarray) -> np.ndarray:
    if values.dtype.kind != "b" or values.ndim != 1:
        raise RError("cannot load: invalid NA mask")
    return values


def _masked(data: np.ndarray, na: np.ndarray, name: str):
    """pandas' nullable array of dtype ``name`` from its values and NA mask."""
    if data.shape != na.shape or data.ndim != 1:
        raise RError("cannot load: invalid nullable column")
    dtype = pd.api.types.pandas_dtype(name)
    return dtype.construct_array_type()(data.astype(dtype.numpy_dtype, copy=False), na)
