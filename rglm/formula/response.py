"""Extract the response, prior weights and offset from a model frame.

R: ``stats::model.response``, ``stats::model.weights``, ``stats::model.offset``.

The left-hand side of a formula is an R expression evaluated like any variable, so
``y1 + y2 ~ x`` has the *sum* as response, ``log(y) ~ x`` the log, and
``cbind(s, f) ~ x`` a two-column matrix (binomial successes and failures).
"""

from __future__ import annotations

from typing import Optional, Union

import numpy as np
import pandas as pd

from ..errors import RError
from .frame import ModelFrame
from .values import RMatrix, is_character, is_factor

__all__ = ["model_response", "model_weights", "model_offset", "model_extra"]


def model_response(mf: ModelFrame) -> Union[np.ndarray, pd.Categorical, None]:
    """The response of a model frame.

    R: ``model.response(mf, "any")``.

    Returns
    -------
    numpy.ndarray, pandas.Categorical or None
        A 1-D float64 array (logical responses give 0/1, NA gives NaN); an ``(n, k)``
        float64 array for a matrix response such as ``cbind(s, f)`` (a one-column matrix
        becomes 1-D, as in R); a :class:`pandas.Categorical` for a factor response
        (binomial uses "not the first level" as success); None without a response.

    Raises
    ------
    RError
        For a character response, which R's model fitting cannot use either.
    """
    t = mf.terms
    if t.response is None:
        return None
    name = next(iter(mf.variables))
    v = mf.variables[name]
    if isinstance(v, RMatrix):
        values = np.array(v.values, dtype=np.float64)
        return values[:, 0] if values.shape[1] == 1 else values
    if is_factor(v):
        return pd.Categorical(v.array)
    if is_character(v):
        raise RError(f"the response '{name}' is character: use factor({name}) for a "
                     f"binomial response, or a numeric variable")
    return v.to_numpy(dtype=np.float64, na_value=np.nan)


def model_extra(mf: ModelFrame, name: str) -> Optional[np.ndarray]:
    """One of the extra columns ``(weights)``, ``(offset)``, ``(etastart)``,
    ``(mustart)`` as float64, or None.

    R: ``model.extract(mf, "etastart")``.
    """
    return mf.extra(name)


def model_weights(mf: ModelFrame) -> Optional[np.ndarray]:
    """The prior weights given as ``weights=``, or None.

    R: ``model.weights(mf)``.
    """
    return mf.extra("weights")


def model_offset(mf: ModelFrame) -> Optional[np.ndarray]:
    """The total offset: the ``offset=`` argument plus every ``offset()`` term.

    R: ``model.offset(mf)`` — the ``(offset)`` column (or 0) plus each ``offset()``
    variable in formula order; None when there is neither.
    """
    t = mf.terms
    total = mf.extra("offset")
    if not t.offsets:
        return total
    names = list(mf.variables)
    out = np.zeros(mf.nrow) if total is None else total.copy()
    for i in t.offsets:
        v = mf.variables[names[i]]
        vals = v.values if isinstance(v, RMatrix) else v.to_numpy(dtype=np.float64,
                                                                 na_value=np.nan)
        if vals.ndim == 2:
            vals = vals[:, 0] if vals.shape[1] == 1 else vals
        out = out + vals
    return out
