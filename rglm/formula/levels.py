"""Levels and integer codes of R's categorical vectors (factor, logical, character).

R: ``levels()``, ``as.integer(f)``, ``factor(x)`` for character vectors (levels are the
sorted distinct values; in the C locale, code-point order) and the ``FALSE``/``TRUE``
levels ``model.matrix`` gives a logical vector; the model frame's last step, which
drops unused levels or codes new data with the fitted ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import numpy as np
import pandas as pd

from ..errors import RError, rwarn
from .values import contrasts_attr, format_numbers, is_character, is_factor, is_logical

__all__ = ["Categorical", "level_labels", "as_categorical", "recode", "drop_unused",
           "relevel_new_data"]


@dataclass(frozen=True)
class Categorical:
    """A categorical vector as codes into level labels.

    Attributes
    ----------
    levels : tuple of str
        R's ``levels()``.
    codes : numpy.ndarray
        0-based int64 codes, -1 for NA.
    ordered : bool
        R's ``is.ordered``.
    attr : object
        Contrasts recorded by ``C()``, or None.
    """

    levels: tuple
    codes: np.ndarray
    ordered: bool = False
    attr: Any = None


def level_labels(categories: pd.Index) -> tuple:
    """Category labels as R prints levels (numbers and logicals as ``as.character``
    writes them: ``factor(ptl > 0)`` has levels ``"FALSE"``, ``"TRUE"``, so its
    coefficient is ``ptdTRUE``, not Python's ``ptdTrue``)."""
    if pd.api.types.is_numeric_dtype(categories.dtype) and \
            not pd.api.types.is_bool_dtype(categories.dtype):
        return tuple(format_numbers(categories.to_numpy()))
    return tuple(("TRUE" if c else "FALSE") if isinstance(c, (bool, np.bool_)) else str(c)
                 for c in categories)


def as_categorical(v: Any) -> Optional[Categorical]:
    """Levels and codes of a factor, logical or character Series; None otherwise."""
    if not isinstance(v, pd.Series):
        return None
    if is_factor(v):
        return Categorical(level_labels(v.cat.categories),
                           v.cat.codes.to_numpy().astype(np.int64, copy=False),
                           bool(v.cat.ordered), contrasts_attr(v))
    if is_logical(v):
        na = v.isna().to_numpy()
        vals = v.fillna(False).to_numpy(dtype=bool).astype(np.int64)
        return Categorical(("FALSE", "TRUE"), np.where(na, -1, vals) if na.any() else vals)
    if is_character(v):
        # R's factor(x): the sorted distinct values, NA coded -1. Factorising the string
        # array itself (Arrow's dictionary encoding) avoids a Python object per element;
        # its sort is code-point order, as sorting Python strings is.
        codes, uniques = pd.factorize(v.array, sort=True)
        return Categorical(level_labels(pd.Index(uniques)), codes.astype(np.int64, copy=False))
    return None


def recode(c: Categorical, levels: tuple) -> np.ndarray:
    """Codes of ``c`` into ``levels`` (-1 where a level of ``c`` is not among them)."""
    where = {lev: i for i, lev in enumerate(levels)}
    lookup = np.array([where.get(lev, -1) for lev in c.levels] + [-1], dtype=np.int64)
    return lookup[c.codes]


def drop_unused(name: str, v: pd.Series) -> pd.Series:
    """A factor without the levels that no longer occur (after subset and NA removal).

    R: ``model.frame.default(drop.unused.levels = TRUE)``, which warns when that drops
    contrasts set on the factor.
    """
    codes = v.cat.codes.to_numpy()
    used = np.unique(codes[codes >= 0])
    if len(used) == len(v.cat.categories):
        return v
    out = v.cat.remove_unused_categories()
    out.attrs = {}
    if contrasts_attr(v) is not None:
        rwarn(f"contrasts dropped from factor {name} due to missing levels")
    return out


def relevel_new_data(name: str, v: Any, levels: list) -> Any:
    """New data coded with the fitted levels; a level not among them is an error.

    R: ``model.frame.default``'s ``xlev`` handling (as ``predict`` uses it).
    """
    c = as_categorical(v) if isinstance(v, pd.Series) and not is_logical(v) else None
    if c is None:
        rwarn(f"variable '{name}' is not a factor")
        return v
    present = [c.levels[i] for i in np.unique(c.codes[c.codes >= 0])]
    known = set(levels)
    new = [lev for lev in present if lev not in known]
    if new:
        # R's ngettext() counts the levels present, not the new ones.
        noun = "level" if len(present) == 1 else "levels"
        raise RError(f"factor {name} has new {noun} {', '.join(new)}")
    if c.attr is not None:
        rwarn(f"contrasts dropped from factor {name}")
    cat = pd.Categorical.from_codes(recode(c, tuple(levels)), categories=list(levels),
                                    ordered=c.ordered)
    return pd.Series(cat, index=v.index)
