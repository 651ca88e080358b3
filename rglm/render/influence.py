"""R's ``print.infl`` and ``summary.infl``: the text of ``influence.measures(fit)``.

Formats only: the values come from :class:`rglm.models.glm.influence.InfluenceMeasures`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from rglm.formula.deparse import deparse, is_syntactic_name
from rglm.render.rformat import format_real, fround
from rglm.render.vector import print_char_matrix

__all__ = ["format_infl", "format_infl_summary", "make_names", "r_row_names"]


def r_row_names(index: pd.Index) -> list:
    """Row labels as R shows them: integer labels are R's automatic row names shifted by
    one (pandas label ``k`` is R's ``"k+1"``); other labels print as they are."""
    if pd.api.types.is_integer_dtype(index.dtype):
        return [str(int(v) + 1) for v in index]
    return [str(v) for v in index]


def make_names(names, unique: bool = True) -> list:
    """R's ``make.names(names, unique)`` for ASCII names (what ``data.frame()`` does to
    column names): invalid characters become ``.``, an ``X`` is prefixed where the name
    does not start with a letter (or a dot not followed by a digit), reserved words get a
    trailing ``.``; ``unique`` appends ``.1``, ``.2``, ... as ``make.unique``."""
    out = []
    for name in names:
        s = str(name)
        if not s or not (s[0].isalpha() or (s[0] == "." and not s[1:2].isdigit())):
            s = "X" + s
        s = re.sub(r"[^A-Za-z0-9._]", ".", s)
        if not is_syntactic_name(s):
            s += "."
        out.append(s)
    if unique:
        order = sorted(range(len(out)), key=lambda i: out[i] != str(names[i]))
        seen: dict = {}
        taken = set()
        fixed = list(out)
        for i in order:
            base = out[i]
            if base not in taken:
                taken.add(base)
                continue
            k = seen.get(base, 0)
            while True:
                k += 1
                cand = f"{base}.{k}"
                if cand not in taken:
                    break
            seen[base] = k
            taken.add(cand)
            fixed[i] = cand
        out = fixed
    return out


def _call_text(call) -> str:
    # cat() joins the deparsed lines with single spaces.
    return " ".join(deparse(call))


def format_infl(x, digits: int = 3) -> str:
    """R: ``print.infl`` (``print(influence.measures(fit))``, digits = 3)."""
    infmat = x.infmat
    is_star = x.is_inf.fillna(False).to_numpy(dtype=bool).any(axis=1)
    columns = []
    for name in infmat.columns:
        values = infmat[name].to_numpy(dtype=float)
        na = x.na_mask[name].to_numpy(dtype=bool) if x.na_mask is not None else None
        columns.append(format_real(values, digits, na=na))
    columns.append(["*" if s else " " for s in is_star])
    names = make_names(list(infmat.columns) + ["inf"])
    cells = [[col[i] for col in columns] for i in range(infmat.shape[0])]
    table = print_char_matrix(cells, rownames=r_row_names(infmat.index), colnames=names,
                              right=True)
    return f"Influence measures of\n\t {_call_text(x.call)} :\n\n" + table


def format_infl_summary(x, digits: int = 2) -> str:
    """R: ``summary.infl`` — the rows with any flag, values rounded to ``digits`` and
    formatted jointly, flagged values suffixed ``_*``."""
    flags = x.is_inf.fillna(False).to_numpy(dtype=bool)
    is_star = flags.any(axis=1)
    head = f"Potentially influential observations of\n\t {_call_text(x.call)} :\n"
    if not is_star.any():
        return head + "NONE\n"
    imat = x.infmat.to_numpy(dtype=float)[is_star]
    na = x.na_mask.to_numpy(dtype=bool)[is_star] if x.na_mask is not None else \
        np.zeros_like(imat, dtype=bool)
    rounded = fround(imat, digits)
    texts = np.array(format_real(rounded.ravel(), 7, na=na.ravel())).reshape(imat.shape)
    cells = [[t + ("_*" if f else "") for t, f in zip(row, frow)]
             for row, frow in zip(texts, flags[is_star])]
    rownames = [r for r, s in zip(r_row_names(x.infmat.index), is_star) if s]
    return head + "\n" + print_char_matrix(cells, rownames=rownames,
                                            colnames=list(x.infmat.columns), right=False)
