"""Levels and integer codes of R's categorical vectors (factor, logical, character).

R: ``levels()``, ``as.integer(f)``, ``factor(x)`` for character vectors (levels are the
sorted distinct values; in the C locale, code-point order) and the ``FALSE``/``TRUE``
levels ``model.matrix`` gives a logical vector.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import numpy as np
import pandas as pd

from .values import contrasts_attr, format_numbers, is_character, is_factor, is_logical

__all__ = ["Categorical", "level_labels", "as_categorical", "recode"]


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
    """Category labels as R prints levels (numbers as ``as.character`` writes them)."""
    if pd.api.types.is_numeric_dtype(categories.dtype) and \
            not pd.api.types.is_bool_dtype(categories.dtype):
        return tuple(format_numbers(categories.to_numpy()))
    return tuple(str(c) for c in categories)


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
