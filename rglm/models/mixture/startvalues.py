"""``fmm()``'s ``startvalues``, ``seed`` and ``emopts``: Stata's options as the engine's
records.

Stata writes ``startvalues(randomid, draws(10) seed(1))``, ``startvalues(classid c)``,
``emopts(iterate(50))``; ``fmm()`` takes::

    startvalues="factor"                         # the default; deterministic
    startvalues="randomid", seed=1               # one random draw
    startvalues={"method": "randompr", "draws": 10}, seed=1
    startvalues=("classid", "c")                 # a column (or R expression, or values)
    startvalues=("classpr", ["p1", "p2"])        # k columns, or an (n, k) array
    startvalues=("jitter", (1.0, 1.0))           # Stata's jitter #_c #_v
    startvalues=("from", values)                 # parameters, in vcov's order or by label
    emopts={"iterate": 50, "tolerance": 1e-4, "ltolerance": 1e-6}

R: (none; Stata: ``fmm ..., startvalues() emopts()``)
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

import numpy as np
import pandas as pd

from rglm.engines.em import EmControl, StartValues
from rglm.errors import RError
from rglm.models.mixture.data import MixtureData, evaluate_column

__all__ = ["start_values", "em_control", "EMOPTS"]

EMOPTS = ("iterate", "tolerance", "ltolerance", "mstep")
_KEYS = ("method", "draws", "seed", "classid", "classpr", "jitter", "from")


def _as_dict(startvalues) -> dict:
    if isinstance(startvalues, str):
        return {"method": startvalues}
    if isinstance(startvalues, tuple):
        if len(startvalues) != 2 or not isinstance(startvalues[0], str):
            raise RError("a 'startvalues' pair is (method, argument), e.g. ('classid', 'c')")
        method, arg = startvalues
        if method in ("randomid", "randompr"):
            return {"method": method, "draws": arg}
        return {"method": method, method: arg}
    if isinstance(startvalues, Mapping):
        unknown = [k for k in startvalues if k not in _KEYS]
        if unknown:
            raise RError(f"unknown 'startvalues' entry '{unknown[0]}'")
        return dict(startvalues)
    raise RError("'startvalues' must be a method name, a (method, argument) pair or a dict")


def _rows(values: np.ndarray, data: MixtureData, n_all: int, what: str) -> np.ndarray:
    """Values of the data's length taken at the sample's rows."""
    arr = np.asarray(values)
    if arr.shape[0] != n_all:
        raise RError(f"'{what}' has {arr.shape[0]} rows, should equal {n_all} (the data's "
                     f"rows)")
    return arr[data.positions]


def _classid(spec, data: MixtureData, frame, namespace) -> np.ndarray:
    value = evaluate_column(spec, frame, namespace, "classid")
    try:
        values = value.to_numpy(dtype=np.float64, na_value=np.nan) \
            if isinstance(value, pd.Series) else np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise RError("'classid' must give each observation a class number") from None
    return _rows(values, data, _n_rows(frame, values), "classid")


def _n_rows(frame, values) -> int:
    return len(frame) if isinstance(frame, pd.DataFrame) else len(values)


def _classpr(spec, data: MixtureData, frame, namespace) -> np.ndarray:
    cols = []
    if isinstance(spec, (list, tuple)) and all(isinstance(s, str) for s in spec):
        cols = [evaluate_column(s, frame, namespace, "classpr") for s in spec]
    try:
        values = (np.column_stack([c.to_numpy(dtype=np.float64, na_value=np.nan)
                                   for c in cols]) if cols
                  else np.asarray(spec, dtype=np.float64))
    except (TypeError, ValueError):
        raise RError("'classpr' must be numbers: k columns of class probabilities") from None
    return _rows(values, data, _n_rows(frame, values), "classpr")


def _from(spec, labels) -> np.ndarray:
    if isinstance(spec, (pd.Series, Mapping)):
        series = pd.Series(spec, dtype=np.float64)
        missing = [lab for lab in labels if lab not in series.index]
        if missing:
            raise RError(f"'from' gives no value for '{missing[0]}'")
        return series[list(labels)].to_numpy()
    return np.asarray(spec, dtype=np.float64).reshape(-1)


def start_values(startvalues: Any, seed: Optional[int], data: MixtureData, frame: Any,
                 namespace: Mapping[str, Any], labels) -> StartValues:
    """The engine's :class:`StartValues` of ``fmm()``'s arguments (module notes);
    ``frame`` is the caller's data, ``labels`` the parameters' labels (for ``from``)."""
    if isinstance(startvalues, StartValues):
        return startvalues if seed is None else StartValues(**{**startvalues.__dict__,
                                                               "seed": seed})
    spec = _as_dict(startvalues)
    method = spec.get("method", "factor")
    draws = spec.get("draws", 1)
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws < 1:
        raise RError("'draws' must be a positive integer")
    if seed is None:
        seed = spec.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
        raise RError("'seed' must be an integer")
    kwargs: dict = {"method": method, "draws": int(draws), "seed": seed}
    if method == "classid":
        if spec.get("classid") is None:
            raise RError("startvalues 'classid' needs the classes: ('classid', column)")
        kwargs["classid"] = _classid(spec["classid"], data, frame, namespace)
    elif method == "classpr":
        if spec.get("classpr") is None:
            raise RError("startvalues 'classpr' needs k columns: ('classpr', [columns])")
        kwargs["classpr"] = _classpr(spec["classpr"], data, frame, namespace)
    elif method == "jitter" and spec.get("jitter") is not None:
        c_v = tuple(float(v) for v in np.atleast_1d(spec["jitter"]))
        kwargs["jitter"] = c_v + (1.0,) * (2 - len(c_v)) if len(c_v) < 2 else c_v[:2]
    elif method == "from":
        if spec.get("from") is None:
            raise RError("startvalues 'from' needs the parameters: ('from', values)")
        kwargs["theta"] = _from(spec["from"], labels)
    return StartValues(**kwargs)


def em_control(emopts: Any) -> EmControl:
    """Stata's ``emopts()`` as an :class:`EmControl` (None: Stata's defaults)."""
    if emopts is None:
        return EmControl()
    if isinstance(emopts, EmControl):
        return emopts
    if not isinstance(emopts, Mapping):
        raise RError("'emopts' must be a dict such as {'iterate': 50}")
    unknown = [k for k in emopts if k not in EMOPTS]
    if unknown:
        raise RError(f"unknown 'emopts' entry '{unknown[0]}'; the entries are "
                     f"{', '.join(EMOPTS)}")
    iterate = emopts.get("iterate", 20)
    if isinstance(iterate, bool) or not isinstance(iterate, (int, np.integer)) or iterate < 0:
        raise RError("'iterate' must be a nonnegative integer")
    return EmControl(**dict(emopts))
