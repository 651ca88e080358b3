"""A fitted object as JSON plus arrays, and back, with no code in either direction.

R: ``serialize``/``unserialize`` (what ``saveRDS``/``readRDS`` write and read), for
rglm's objects. A fitted model is a tree of frozen records (the fit, its terms, model
frame, design and transform states, R language objects, pandas objects); the tree is
written as JSON in which every non-JSON value is a tagged object ``{"$": tag, ...}``:

====================  ===========================================================
``float``             NaN, Inf, -Inf (JSON numbers hold the finite ones exactly)
``list`` ``dict``     a list; a dict as ``[key, value]`` pairs (keys of any kind)
``frozenset``         a frozen set (its items)
``mappingproxy``      a read-only dict (a model frame's variables)
``array``             a numpy array, stored as ``arrays/<k>.npy``
``scalar``            a numpy scalar, stored as a 0-d array
``obj``               a record of a class in :data:`rglm.io.registry.CLASSES`
                      (its fields by name)
``plain``             an instance of a class in ``PLAIN_CLASSES`` (its attributes)
``partial``           a function of ``FUNCTIONS`` bound to data (functools.partial)
``call``              an R call, as a flat pre-order token list (any depth)
``family``            a family: its constructor and arguments (:mod:`.families`)
``link``              a link: its name or ``power()`` exponent
``state``             a transform state (``poly``/``scale``/``ns``/``bs`` coefficients)
``index`` ``range``   a pandas Index / RangeIndex
``series`` ``frame``  a pandas Series / DataFrame (columns: :mod:`.frames`)
``sparse``            a scipy CSC/CSR matrix: its data, indices and indptr arrays
``ref``               the record with that ``id`` again (shared, written once)
``NA`` ``MISSING``    R's logical NA; an argument the user did not pass
====================  ===========================================================

JSON arrays are tuples. A record stores its fields by name: a file written by another
rglm whose records have since gained a field with a default loads (the field takes its
default); any other difference is refused, naming both versions. Loading builds records
by setting their stored fields on a new instance of a class found in the fixed registry
-- no ``__init__`` runs, no name is ever imported -- and the only functions called are
the family and link constructors (numbers and names as arguments) and the pandas, numpy
and scipy constructors of the stored values. An unknown tag, class or function, an
unexpected field, a reference to a record not yet read, or an array that is not plain
data is an error.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from rglm.errors import RError
from rglm.families.family import MISSING, Family
from rglm.families.links import Link
from rglm.formula.ast import Arg, Call
from rglm.formula.values import NA, FrozenState
from rglm.io import families as fam
from rglm.io.archive import Archive, ArrayWriter
from rglm.io.frames import PANDAS_CLASSES, decode_column, encode_column
from rglm.io.registry import CLASSES, FUNCTIONS, PLAIN_CLASSES, class_key

__all__ = ["Encoder", "Decoder"]

_SPECIAL_FLOATS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def _bad(what: str) -> RError:
    return RError(f"cannot load: {what} (the file is damaged or was not written by rglm)")


class Encoder:
    """Turns one object into JSON, collecting its arrays (``encode(obj)``)."""

    def __init__(self) -> None:
        self.arrays = ArrayWriter()
        self._ids: dict[int, int] = {}
        self._alive: list[Any] = []  # keeps encoded objects alive: their ids stay theirs
        self._open: set[int] = set()

    # ---- the dispatcher --------------------------------------------------------------
    def encode(self, obj: Any, where: str = "the object") -> Any:
        if obj is None or isinstance(obj, (bool, str)):
            return obj
        if isinstance(obj, np.generic):
            return {"$": "scalar", "data": self.arrays.add(np.asarray(obj), where)}
        if isinstance(obj, int):
            return int(obj)
        if isinstance(obj, float):
            if math.isfinite(obj):
                return float(obj)
            return {"$": "float", "v": "nan" if math.isnan(obj) else
                    ("inf" if obj > 0 else "-inf")}
        if obj is NA:
            return {"$": "NA"}
        if obj is MISSING:
            return {"$": "MISSING"}
        if isinstance(obj, tuple) and type(obj) is tuple:
            return [self.encode(v, where) for v in obj]
        if type(obj) is list:
            return {"$": "list", "items": [self.encode(v, where) for v in obj]}
        if type(obj) is dict:
            return {"$": "dict", "items": self._pairs(obj, where)}
        if type(obj) is frozenset:
            return {"$": "frozenset", "items": [self.encode(v, where) for v in obj]}
        if type(obj) is MappingProxyType:
            return {"$": "mappingproxy", "items": self._pairs(obj, where)}
        if isinstance(obj, Call):
            return self._call(obj, where)
        return self._shared(obj, where)

    def _pairs(self, mapping, where: str) -> list:
        return [[self.encode(k, where), self.encode(v, f"{where}[{k!r}]")]
                for k, v in mapping.items()]

    def _shared(self, obj: Any, where: str) -> Any:
        """Records, arrays and pandas objects: written once, then referred to by id."""
        key = id(obj)
        if key in self._ids:
            if key in self._open:
                raise RError(f"cannot save {where}: it contains itself")
            return {"$": "ref", "id": self._ids[key]}
        self._ids[key] = len(self._ids)
        self._alive.append(obj)
        self._open.add(key)
        try:
            out = self._value(obj, where)
        finally:
            self._open.discard(key)
        out["id"] = self._ids[key]
        return out

    def _value(self, obj: Any, where: str) -> dict:
        if isinstance(obj, np.ndarray):
            # np.save keeps the memory order (a design matrix stays Fortran-ordered)
            out = {"$": "array", "data": self.arrays.add(obj, where)}
            if not obj.flags.writeable:
                out["readonly"] = True  # a record's arrays that were read-only stay so
            return out
        if sparse.issparse(obj):
            return self._sparse(obj, where)
        if isinstance(obj, Family):
            return {"$": "family", "spec": self.encode(fam.family_spec(obj), where),
                    "call": self.encode(obj.call, where)}
        if isinstance(obj, Link):
            return {"$": "link", "spec": self.encode(fam.link_spec(obj), where)}
        if isinstance(obj, FrozenState):
            return {"$": "state", "items": self._pairs(obj, where)}
        if isinstance(obj, pd.RangeIndex):
            return {"$": "range", "start": int(obj.start), "stop": int(obj.stop),
                    "step": int(obj.step), "name": self.encode(obj.name, where)}
        if isinstance(obj, pd.MultiIndex):
            raise RError(f"cannot save {where}: a MultiIndex is not saved")
        if isinstance(obj, pd.Index):
            return {"$": "index", "values": self._column(obj, where),
                    "name": self.encode(obj.name, where)}
        if isinstance(obj, pd.Series):
            return {"$": "series", "class": self._pandas_class(obj),
                    "values": self._column(obj, where), "index": self.encode(obj.index, where),
                    "name": self.encode(obj.name, where),
                    "attrs": self.encode(dict(obj.attrs), where)}
        if isinstance(obj, pd.DataFrame):
            columns = [self._column(obj.iloc[:, j], f"column {obj.columns[j]!r} of {where}")
                       for j in range(obj.shape[1])]
            return {"$": "frame", "class": self._pandas_class(obj), "columns": columns,
                    "names": self.encode(obj.columns, where),
                    "index": self.encode(obj.index, where),
                    "attrs": self.encode(dict(obj.attrs), where)}
        if class_key(type(obj)) in PLAIN_CLASSES:
            return {"$": "plain", "class": class_key(type(obj)),
                    "state": {name: self.encode(v, f"{where}${name}")
                              for name, v in vars(obj).items()}}
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            key = class_key(type(obj))
            if key not in CLASSES:
                raise RError(f"cannot save {where}: objects of class "
                             f"'{type(obj).__qualname__}' are not saved")
            return {"$": "obj", "class": key,
                    "fields": {f.name: self.encode(getattr(obj, f.name), f"{where}${f.name}")
                               for f in dataclasses.fields(obj)}}
        if type(obj) is functools.partial and class_key(obj.func) in FUNCTIONS:
            return {"$": "partial", "func": class_key(obj.func),
                    "args": [self.encode(v, where) for v in obj.args],
                    "keywords": self._pairs(obj.keywords, where)}
        if callable(obj):
            raise RError(f"cannot save {where}: it is a function (a saved model carries "
                         "no code)")
        raise RError(f"cannot save {where}: objects of type '{type(obj).__qualname__}' "
                     "are not saved")

    def _sparse(self, obj, where: str) -> dict:
        """A CSC/CSR matrix (lme4's Zt, the indicator matrices) as its three arrays."""
        if obj.format not in ("csc", "csr"):
            raise RError(f"cannot save {where}: sparse matrices of format '{obj.format}' "
                         "are not saved")
        add = self.arrays.add
        return {"$": "sparse", "format": obj.format, "shape": list(obj.shape),
                "matrix": isinstance(obj, sparse.spmatrix),
                "data": add(obj.data, where), "indices": add(obj.indices, where),
                "indptr": add(obj.indptr, where)}

    def _column(self, values, where: str) -> dict:
        return encode_column(values, self.arrays.add, where)

    @staticmethod
    def _pandas_class(obj) -> Any:
        for name, cls in PANDAS_CLASSES.items():
            if type(obj) is cls:
                return name
        if type(obj) in (pd.Series, pd.DataFrame):
            return None
        raise RError(f"cannot save an object of class '{type(obj).__qualname__}'")

    def _call(self, node: Call, where: str) -> dict:
        """An R call as its pre-order tokens: ``{"args": [names]}`` opens a call (its
        function and argument values follow), anything else is a leaf. Iterative, so a
        formula of any depth (``y ~ x1 + ... + x2000``) is fine."""
        tokens, stack = [], [node]
        while stack:
            item = stack.pop()
            if isinstance(item, Call):
                tokens.append({"args": [a.name for a in item.args]})
                stack.extend(a.value for a in reversed(item.args))
                stack.append(item.fn)
            else:
                tokens.append(self.encode(item, where))
        return {"$": "call", "tokens": tokens}


class Decoder:
    """Turns JSON written by :class:`Encoder` back into the object (``decode(value)``)."""

    def __init__(self, archive: Archive, written_by: str = "", reader: str = "") -> None:
        self._archive = archive
        self._done: dict[int, Any] = {}
        #: the rglm versions that wrote and that read the file (for messages)
        self.written_by, self.reader = written_by, reader

    def decode(self, value: Any) -> Any:
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, (int, float)):
            return value
        if isinstance(value, list):
            return tuple(self.decode(v) for v in value)
        if not isinstance(value, dict):
            raise _bad(f"unexpected value {type(value).__name__}")
        tag = value.get("$")
        simple = _SIMPLE.get(tag)
        if simple is not None:
            return simple(self, value)
        if tag == "ref":
            ident = value.get("id")
            if not isinstance(ident, int) or isinstance(ident, bool) \
                    or ident not in self._done:
                raise _bad(f"reference to an unknown record {ident!r}")
            return self._done[ident]
        build = _SHARED.get(tag)
        if build is None:
            raise _bad(f"unknown tag {tag!r}")
        ident = value.get("id")
        if not isinstance(ident, int) or isinstance(ident, bool) or ident in self._done:
            raise _bad(f"invalid record id {ident!r}")
        out = build(self, value)
        self._done[ident] = out
        return out

    # ---- pieces ----------------------------------------------------------------------
    def items(self, value: dict) -> list:
        pairs = value.get("items")
        if not isinstance(pairs, list) or not all(isinstance(p, list) and len(p) == 2
                                                  for p in pairs):
            raise _bad("invalid mapping")
        return [(self.decode(k), self.decode(v)) for k, v in pairs]

    def array(self, name: Any) -> np.ndarray:
        return self._archive.array(name)

    def column(self, desc: Any) -> Any:
        return decode_column(desc, self.array)

    def index(self, value: Any) -> pd.Index:
        out = self.decode(value)
        if not isinstance(out, pd.Index):
            raise _bad("an index is not an Index")
        return out


def _float(dec: Decoder, value: dict) -> float:
    if value.get("v") not in _SPECIAL_FLOATS:
        raise _bad("invalid number")
    return _SPECIAL_FLOATS[value["v"]]


def _scalar(dec: Decoder, value: dict) -> Any:
    arr = dec.array(value.get("data"))
    if arr.ndim != 0:
        raise _bad("a numpy scalar is not 0-dimensional")
    return arr[()]


def _hashable_key(key: Any) -> Any:
    try:
        hash(key)
    except TypeError:
        raise _bad("a mapping key is not hashable") from None
    return key


def _dict(dec: Decoder, value: dict) -> dict:
    return {_hashable_key(k): v for k, v in dec.items(value)}


def _call(dec: Decoder, value: dict) -> Call:
    tokens = value.get("tokens")
    if not isinstance(tokens, list) or not tokens:
        raise _bad("invalid call")
    # leaves are decoded in the order they were written (a leaf may refer back to an
    # earlier one: the same Symbol object used twice), then the tree built from the end
    marks = [isinstance(t, dict) and set(t) == {"args"} for t in tokens]
    leaves = [None if mark else dec.decode(t) for t, mark in zip(tokens, marks)]
    stack: list[Any] = []
    for token, mark, leaf in zip(reversed(tokens), reversed(marks), reversed(leaves)):
        if mark:
            names = token["args"]
            if not isinstance(names, list) or len(stack) < len(names) + 1 or not all(
                    n is None or isinstance(n, str) for n in names):
                raise _bad("invalid call")
            fn = stack.pop()
            stack.append(Call(fn, tuple(Arg(n, stack.pop()) for n in names)))
        else:
            stack.append(leaf)
    if len(stack) != 1:
        raise _bad("invalid call")
    return stack[0]


_SIMPLE = {
    "float": _float, "scalar": _scalar, "NA": lambda dec, v: NA,
    "MISSING": lambda dec, v: MISSING,
    "list": lambda dec, v: [dec.decode(x) for x in _items_list(v)],
    "frozenset": lambda dec, v: frozenset(_hashable_key(dec.decode(x))
                                          for x in _items_list(v)),
    "dict": _dict, "mappingproxy": lambda dec, v: MappingProxyType(_dict(dec, v)),
    "call": _call,
}


def _items_list(value: dict) -> list:
    items = value.get("items")
    if not isinstance(items, list):
        raise _bad("invalid list")
    return items


def _array(dec: Decoder, value: dict) -> np.ndarray:
    out = dec.array(value.get("data"))
    if value.get("readonly"):
        out.flags.writeable = False
    return out


def _record(dec: Decoder, value: dict) -> Any:
    key = value.get("class")
    cls = CLASSES.get(key) if isinstance(key, str) else None
    if cls is None:
        raise _bad(f"unknown class {key!r}")
    stored = value.get("fields")
    if not isinstance(stored, dict):
        raise _bad(f"invalid record of class {key}")
    fields = dataclasses.fields(cls)
    names = {f.name for f in fields}
    # a field added since the file was written, with a default, takes its default (what
    # the older object meant); any other difference is a different record
    missing = [f.name for f in fields if f.name not in stored
               and f.default is dataclasses.MISSING
               and f.default_factory is dataclasses.MISSING]
    extra = sorted(set(stored) - names)
    if missing or extra:
        why = (f"its {key} records lack {missing}" if missing
               else f"its {key} records have fields {extra} this rglm does not know")
        if dec.written_by != dec.reader:
            raise RError(f"cannot load: the file was written by rglm {dec.written_by}, "
                         f"{why} (this is rglm {dec.reader}); refit the model")
        raise _bad(why)
    obj = object.__new__(cls)
    for f in fields:
        # what pickle does: the instance's state, without running __init__
        if f.name in stored:
            item = dec.decode(stored[f.name])
        else:
            item = f.default if f.default is not dataclasses.MISSING else f.default_factory()
        object.__setattr__(obj, f.name, item)
    return obj


def _plain(dec: Decoder, value: dict) -> Any:
    key = value.get("class")
    cls = PLAIN_CLASSES.get(key) if isinstance(key, str) else None
    state = value.get("state")
    if cls is None or not isinstance(state, dict):
        raise _bad(f"unknown class {key!r}")
    obj = object.__new__(cls)
    obj.__dict__.update({name: dec.decode(v) for name, v in state.items()})
    return obj


def _partial(dec: Decoder, value: dict) -> functools.partial:
    """One of the registry's functions bound to stored data (nothing is called here)."""
    key = value.get("func")
    func = FUNCTIONS.get(key) if isinstance(key, str) else None
    args = value.get("args")
    if func is None or not isinstance(args, list):
        raise _bad(f"unknown function {key!r}")
    keywords = dict(dec.items({"items": value.get("keywords")}))
    if not all(isinstance(k, str) for k in keywords):
        raise _bad("invalid keyword arguments")
    return functools.partial(func, *(dec.decode(a) for a in args), **keywords)


def _pandas(value: dict, made: Any) -> Any:
    name = value.get("class")
    if name is None:
        return made
    if name not in PANDAS_CLASSES:
        raise _bad(f"unknown pandas class {name!r}")
    return PANDAS_CLASSES[name](made)


def _attrs(dec: Decoder, value: dict) -> dict:
    attrs = dec.decode(value.get("attrs"))
    if not isinstance(attrs, dict):
        raise _bad("invalid attrs")
    return attrs


def _series(dec: Decoder, value: dict) -> pd.Series:
    values = dec.column(value.get("values"))
    index = dec.index(value.get("index"))
    if len(values) != len(index):
        raise _bad("a Series and its index differ in length")
    out = pd.Series(values, index=index, name=dec.decode(value.get("name")), copy=False,
                    dtype=object if isinstance(values, np.ndarray) and values.dtype == object
                    else None)
    out = _pandas(value, out)
    out.attrs.update(_attrs(dec, value))  # after the class: a subclass starts afresh
    return out


def _frame(dec: Decoder, value: dict) -> pd.DataFrame:
    columns = value.get("columns")
    if not isinstance(columns, list):
        raise _bad("invalid data frame")
    names = dec.index(value.get("names"))
    index = dec.index(value.get("index"))
    data = [dec.column(c) for c in columns]
    if len(data) != len(names) or any(len(c) != len(index) for c in data):
        raise _bad("a data frame's columns differ in length")
    out = pd.DataFrame({j: pd.Series(c, index=index, copy=False,
                                     dtype=object if isinstance(c, np.ndarray)
                                     and c.dtype == object else None)
                        for j, c in enumerate(data)}, index=index)
    out.columns = names
    out = _pandas(value, out)
    out.attrs.update(_attrs(dec, value))
    return out


def _index(dec: Decoder, value: dict) -> pd.Index:
    values = dec.column(value.get("values"))
    return pd.Index(values, name=dec.decode(value.get("name")), tupleize_cols=False,
                    dtype=object if isinstance(values, np.ndarray) and values.dtype == object
                    else None)


def _range(dec: Decoder, value: dict) -> pd.RangeIndex:
    parts = [value.get(k) for k in ("start", "stop", "step")]
    if not all(isinstance(p, int) and not isinstance(p, bool) for p in parts) or not parts[2]:
        raise _bad("invalid RangeIndex")
    return pd.RangeIndex(*parts, name=dec.decode(value.get("name")))


_SPARSE = {(True, "csc"): sparse.csc_matrix, (True, "csr"): sparse.csr_matrix,
           (False, "csc"): sparse.csc_array, (False, "csr"): sparse.csr_array}


def _sparse(dec: Decoder, value: dict):
    make = _SPARSE.get((value.get("matrix"), value.get("format")))
    shape = value.get("shape")
    if make is None or not (isinstance(shape, list) and len(shape) == 2 and all(
            isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape)):
        raise _bad("invalid sparse matrix")
    data, indices, indptr = (dec.array(value.get(k)) for k in ("data", "indices", "indptr"))
    if indices.dtype.kind not in "iu" or indptr.dtype.kind not in "iu":
        raise _bad("invalid sparse matrix")
    try:
        out = make((data, indices, indptr), shape=tuple(shape), copy=False)
        out.check_format(full_check=True)  # indices in range, indptr monotone
    except ValueError as err:
        raise _bad(f"invalid sparse matrix ({err})") from None
    return out


def _family(dec: Decoder, value: dict) -> Family:
    call = dec.decode(value.get("call"))
    if not isinstance(call, Call):
        raise _bad("a family's call is not a call")
    return fam.rebuild_family(dec.decode(value.get("spec")), call)


def _state(dec: Decoder, value: dict) -> FrozenState:
    return FrozenState(_dict(dec, value))


_SHARED = {
    "array": _array, "obj": _record, "series": _series, "frame": _frame, "index": _index,
    "range": _range, "family": _family, "sparse": _sparse,
    "plain": _plain, "partial": _partial,
    "link": lambda dec, v: fam.rebuild_link(dec.decode(v.get("spec"))), "state": _state,
}
