"""R's ``print.infl`` and ``summary.infl``: the text of ``influence.measures(fit)``.

Formats only: the values, the flags and the rows to show come from
:class:`rglm.models.glm.influence.InfluenceMeasures`.
"""

from __future__ import annotations

import re
from typing import Optional, Sequence

import numpy as np

from rglm.formula.deparse import is_syntactic_name
from rglm.render.rformat import format_real, fround, option_digits
from rglm.render.tables import TablePage, cells_page
from rglm.render.vector import print_char_matrix

__all__ = ["format_infl", "format_infl_summary", "infl_page", "make_names"]


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


def _call_text(call_lines: Sequence[str]) -> str:
    # cat() joins the deparsed lines with single spaces.
    return " ".join(call_lines)


def format_infl(values, colnames: Sequence[str], rownames: Sequence[str], influential,
                call_lines: Sequence[str], na=None, digits: Optional[int] = None) -> str:
    """R: ``print.infl`` (``print(influence.measures(fit))``, ``digits = max(3,
    getOption("digits") - 4)``): the measures printed as a data frame.

    Parameters
    ----------
    values : array_like, shape (n, k)
        R's ``infmat``; NaN cells are NaN unless ``na`` marks them NA.
    colnames, rownames : sequence of str
        Its column names (``dfb.1_``, ..., ``hat``) and R's row names.
    influential : array_like of bool, shape (n,)
        The rows with any flag (R's ``is.star``): a ``*`` in the ``inf`` column.
    call_lines : sequence of str
        ``deparse(x$call)``.
    na : array_like of bool, optional
        The cells that are R's NA.
    """
    cells, names = _infl_cells(values, colnames, influential, na, digits)
    table = print_char_matrix(cells, rownames=list(rownames), colnames=names, right=True)
    return f"Influence measures of\n\t {_call_text(call_lines)} :\n\n" + table


def _infl_cells(values, colnames, influential, na, digits) -> tuple[list, list]:
    """print.infl's cells (each column formatted on its own, ``*`` on the influential
    rows) and its column names."""
    digits = option_digits(4, 3, digits)
    values = np.asarray(values, dtype=float)
    na = np.zeros(values.shape, dtype=bool) if na is None else np.asarray(na, dtype=bool)
    columns = [format_real(values[:, j], digits, na=na[:, j]) for j in range(values.shape[1])]
    columns.append(["*" if s else " " for s in np.asarray(influential, dtype=bool)])
    names = make_names(list(colnames) + ["inf"])
    return [[col[i] for col in columns] for i in range(values.shape[0])], names


def infl_page(values, colnames: Sequence[str], rownames: Sequence[str], influential,
              call_lines: Sequence[str], na=None, digits: Optional[int] = None) -> TablePage:
    """What :func:`format_infl` prints, as a table for markdown/HTML (the cells of R's
    ``print.infl``; not R output)."""
    cells, names = _infl_cells(values, colnames, influential, na, digits)
    return cells_page(cells, list(rownames), names, ["Influence measures of"],
                      code=_call_text(call_lines),
                      align=["right"] * (len(names) - 1) + ["left"])


def format_infl_summary(values, flags, colnames: Sequence[str], rownames: Sequence[str],
                        call_lines: Sequence[str], na=None,
                        digits: Optional[int] = None) -> str:
    """R: ``summary.infl(digits = max(2, getOption("digits") - 5))`` — the rows with any
    flag, values rounded to ``digits`` and formatted jointly (``format()``), flagged
    values suffixed ``_*``.

    Parameters
    ----------
    values, flags : array_like, shape (m, k)
        The flagged rows of ``infmat`` and which of their cells are flagged (``m = 0``:
        ``NONE``).
    colnames, rownames : sequence of str
        Column names and the R row names of those rows.
    call_lines : sequence of str
        ``deparse(x$call)``.
    na : array_like of bool, optional
        The cells that are R's NA.
    """
    head = f"Potentially influential observations of\n\t {_call_text(call_lines)} :\n"
    imat = np.asarray(values, dtype=float)
    if imat.shape[0] == 0:
        return head + "NONE\n"
    na = np.zeros(imat.shape, dtype=bool) if na is None else np.asarray(na, dtype=bool)
    rounded = fround(imat, option_digits(5, 2, digits))
    texts = np.array(format_real(rounded.ravel(), na=na.ravel())).reshape(imat.shape)
    cells = [[t + ("_*" if f else "") for t, f in zip(row, frow)]
             for row, frow in zip(texts, np.asarray(flags, dtype=bool))]
    return head + "\n" + print_char_matrix(cells, rownames=list(rownames),
                                            colnames=list(colnames), right=False)
