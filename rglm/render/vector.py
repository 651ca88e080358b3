"""R's ``print.default`` layout for vectors and matrices.

Named vectors print as blocks of a names line over a values line, every field followed by
``print.gap`` spaces (so lines end with trailing blanks); unnamed vectors print with
``[1]`` index labels; matrices print a header line and one line per row, wrapping column
blocks at the terminal width (R: src/main/printvector.c, printarray.c, printutils.c).

``width``, ``digits`` and ``max_print`` default to the current :func:`rglm.options`
(R's ``getOption("width")``, ``"digits"``, ``"max.print"``). A vector longer than
``max.print + 1`` shows its first ``max.print`` entries, a matrix its first
``max.print %/% ncol`` rows, then R's (>= 4.5) line saying how many were omitted.

All functions return the text including the final newline.
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np
import pandas as pd

from rglm.render.rformat import as_values, encode_real, format_info
from rglm.roptions import getOption

__all__ = ["format_strings", "print_named_vector", "print_vector", "print_numeric_vector",
           "print_char_matrix", "print_numeric_matrix", "format_logical", "format_integer",
           "print_atomic_vector", "vector_shown", "omitted_entries", "omitted_rows",
           "matrix_rows_shown"]


def _option(value, name: str):
    return getOption(name) if value is None else value


def vector_shown(n: int, max_print: Optional[int] = None) -> int:
    """How many entries of a vector of length ``n`` print shows. R: ``n_pr = (n <=
    max + 1) ? n : max`` (so that at least two are omitted, and the message is plural)."""
    m = _option(max_print, "max.print")
    return n if n <= m + 1 else m


def omitted_entries(n_omitted: int) -> str:
    """R's line after a vector cut at ``max.print`` (R >= 4.5 wording)."""
    return (" [ reached 'max' / getOption(\"max.print\") -- omitted %d entries ]\n"
            % n_omitted)


def matrix_rows_shown(nrow: int, ncol: int, max_print: Optional[int] = None
                      ) -> tuple[int, int]:
    """The rows and columns of a matrix print shows. R: ``printMatrix``: ``c_pr =
    min(c, max)``, ``r_pr = max %/% c`` when ``max / c < r`` (at least one row when
    columns are cut)."""
    m = _option(max_print, "max.print")
    c_pr = min(ncol, m)
    r_pr = m // ncol if ncol > 0 and m // ncol < nrow else nrow
    if ncol > c_pr and r_pr < 1 and nrow > 0:
        r_pr = 1
    return r_pr, c_pr


def omitted_rows(rows: int, columns: int = 0) -> str:
    """R's line after a matrix cut at ``max.print`` (R >= 4.5 wording: rows and
    columns)."""
    parts = []
    if rows:
        parts.append(" %d row%s" % (rows, "" if rows == 1 else "s"))
    if columns:
        parts.append(" %d column%s" % (columns, "" if columns == 1 else "s"))
    return (" [ reached 'max' / getOption(\"max.print\") -- omitted" + " and".join(parts)
            + " ]\n")


def _width(text: str) -> int:
    # R pads by display width; rglm's labels are single-width characters
    return len(text)


def format_strings(strings: Sequence[str], justify: str = "left") -> list[str]:
    """Pad strings to their common width.

    R: ``format(x, justify = justify)`` on a character vector (``"left"``, ``"right"``,
    ``"centre"`` or ``"none"``).
    """
    if justify == "none" or not strings:
        return list(strings)
    w = max(_width(s) for s in strings)
    if justify == "right":
        return [" " * (w - _width(s)) + s for s in strings]
    if justify == "centre":
        out = []
        for s in strings:
            pad = w - _width(s)
            out.append(" " * (pad // 2) + s + " " * (pad - pad // 2))
        return out
    return [s + " " * (w - _width(s)) for s in strings]


def print_named_vector(texts: Sequence[str], names: Sequence[str], gap: int = 1,
                       width: Optional[int] = None) -> str:
    """Print already-formatted values under their names.

    R: ``printNamedVector`` (``print.default`` of a named vector, ``quote = FALSE``):
    field width ``w = max(widths of values and names)``, ``floor(width / (w + gap))``
    fields per line, names and values right-justified, each followed by ``gap`` spaces.

    Parameters
    ----------
    texts : sequence of str
        The values as they should appear (e.g. from :func:`format_real`).
    names : sequence of str
    gap : int
        ``print.gap``.
    width : int, optional
        ``getOption("width")``.
    """
    width = _option(width, "width")
    n = len(texts)
    if n == 0:
        return "named character(0)\n"
    w = max(max(_width(t) for t in texts), max(_width(s) for s in names))
    per_line = max(width // (w + gap), 1)
    lines = []
    for start in range(0, n, per_line):
        block = range(start, min(start + per_line, n))
        lines.append("".join(names[k].rjust(w) + " " * gap for k in block))
        lines.append("".join(texts[k].rjust(w) + " " * gap for k in block))
    return "\n".join(lines) + "\n"


def print_vector(texts: Sequence[str], gap: int = 1, width: Optional[int] = None,
                 right: bool = True) -> str:
    """Print already-formatted values with ``[i]`` index labels.

    R: ``printVector`` (``print.default`` of an unnamed vector): labels right-justified
    to ``nchar(n) + 2``, each value after ``gap`` spaces, justified in the common width
    (numbers right, strings left unless ``right``), a new line (with the index of its
    first element) when the next field would pass ``width``.
    """
    width = _option(width, "width")
    n = len(texts)
    if n == 0:
        return "character(0)\n"
    labw = len(str(n)) + 2
    fw = max(_width(t) for t in texts)
    w = fw + gap
    lines = []
    current = ("[1]").rjust(labw)
    used = labw
    for i, t in enumerate(texts):
        if i > 0 and used + w > width:
            lines.append(current)
            current = ("[%d]" % (i + 1)).rjust(labw)
            used = labw
        current += " " * gap + (t.rjust(fw) if right else t.ljust(fw))
        used += w
    lines.append(current)
    return "\n".join(lines) + "\n"


def print_numeric_vector(x, names: Optional[Sequence[str]] = None,
                         digits: Optional[int] = None, na=None, na_print: str = "NA",
                         gap: int = 1, width: Optional[int] = None,
                         max_print: Optional[int] = None) -> str:
    """Print a numeric vector as ``print.default`` does.

    R: ``print.default(x, digits, na.print, print.gap)``: the values shown (at most
    ``max.print``, see :func:`vector_shown`) are formatted jointly (formatReal), ``NA``
    shows as ``na_print``; named vectors use the names layout.
    """
    values, mask = as_values(x, na)
    values, mask = values.ravel(), mask.ravel()
    n = values.size
    if n == 0:
        return "named numeric(0)\n" if names is not None else "numeric(0)\n"
    shown = vector_shown(n, max_print)
    values, mask = values[:shown], mask[:shown]
    w, d, e = format_info(values, digits, na=mask, na_width=len(na_print))
    texts = encode_real(values, w, d, e, na=mask, na_string=na_print)
    text = (print_vector(texts, gap, width) if names is None
            else print_named_vector(texts, list(names)[:shown], gap, width))
    return text + (omitted_entries(n - shown) if shown < n else "")


def _missing(values: np.ndarray, na) -> np.ndarray:
    """Which entries are R's NA: None, NaN, pandas' NA, or marked in ``na``."""
    mask = np.array([v is None or v is pd.NA or (isinstance(v, float) and v != v)
                     for v in values.tolist()], dtype=bool)
    if na is not None:
        mask |= np.asarray(na, dtype=bool).ravel()
    return mask


def format_logical(x, na=None) -> list[str]:
    """Logical values as R prints them: ``TRUE``/``FALSE``/``NA`` right-justified to a
    common width. R: ``formatLogical`` + ``EncodeLogical``."""
    values = np.asarray(x, dtype=object).ravel()
    mask = _missing(values, na)
    texts = ["NA" if m else ("TRUE" if bool(v) else "FALSE") for v, m in zip(values, mask)]
    return format_strings(texts, "right")


def format_integer(x, na=None) -> list[str]:
    """Integers as R prints them, right-justified to a common width. R:
    ``formatInteger`` + ``EncodeInteger``."""
    values = np.asarray(x, dtype=object).ravel()
    mask = _missing(values, na)
    texts = ["NA" if m else str(int(v)) for v, m in zip(values, mask)]
    return format_strings(texts, "right")


_EMPTY = {"logical": "logical(0)", "integer": "integer(0)", "double": "numeric(0)"}


def print_atomic_vector(x, kind: str, names: Optional[Sequence[str]] = None,
                        digits: Optional[int] = None, na=None, gap: int = 1,
                        width: Optional[int] = None, max_print: Optional[int] = None
                        ) -> str:
    """``print.default`` of a logical, integer or double vector, named or not.

    R: ``printVector`` / ``printNamedVector``: the entries shown (``max.print``) formatted
    by ``formatLogical`` / ``formatInteger`` / ``formatReal``, then laid out.

    Parameters
    ----------
    x : array_like
    kind : {"logical", "integer", "double"}
        R's type of the vector.
    names : sequence of str, optional
        The names (R's ``names(x)``); None for an unnamed vector (``[1]`` labels).
    """
    if kind == "double":
        return print_numeric_vector(x, names, digits, na, gap=gap, width=width,
                                    max_print=max_print)
    values = np.asarray(x, dtype=object).ravel()
    n = values.size
    if n == 0:
        return ("named " if names is not None else "") + _EMPTY[kind] + "\n"
    shown = vector_shown(n, max_print)
    part = values[:shown]
    mask = None if na is None else np.asarray(na, dtype=bool).ravel()[:shown]
    texts = format_logical(part, mask) if kind == "logical" else format_integer(part, mask)
    text = (print_vector(texts, gap, width) if names is None
            else print_named_vector(texts, list(names)[:shown], gap, width))
    return text + (omitted_entries(n - shown) if shown < n else "")


def print_char_matrix(cells: Sequence[Sequence[str]], rownames: Optional[Sequence[str]] = None,
                      colnames: Optional[Sequence[str]] = None, right: bool = False,
                      gap: int = 1, width: Optional[int] = None) -> str:
    """Print a character matrix without quotes.

    R: ``print.default(m, quote = FALSE, right = right)`` (``printMatrix`` for strings):
    row labels left-justified to the widest (``[i,]`` when there are none); column ``j``
    is ``max(width of its entries, width of its name)`` wide; every cell is ``gap`` spaces
    then the entry right- or left-justified (left pads with trailing blanks); column
    names are justified the same way; columns wrap into blocks that fit in ``width``.

    Parameters
    ----------
    cells : sequence of rows of str
        The entries (NA entries must already be replaced by their print text).
    rownames, colnames : sequence of str, optional
    right : bool
        Right-justify entries and column names (R's default is left for character
        matrices; printCoefmat uses right).
    width : int, optional
        ``getOption("width")``.

    ``rownames`` may be longer than ``cells`` (a matrix cut at ``max.print``): the row
    labels' width is then that of all of them, as R's.
    """
    width = _option(width, "width")
    nrow = len(cells)
    ncol = len(cells[0]) if nrow else (len(colnames) if colnames is not None else 0)
    if rownames is not None:
        rlabw = max((_width(s) for s in rownames), default=0)
    else:
        rlabw = len(str(nrow + 1)) + 3
    widths = []
    for j in range(ncol):
        w = max((_width(cells[i][j]) for i in range(nrow)), default=0)
        clabw = _width(colnames[j]) if colnames is not None else len(str(j + 1)) + 3
        widths.append(max(w, clabw))
    if ncol == 0:
        return _print_no_columns(nrow, rownames, rlabw)
    out: list[str] = []
    jmin = 0
    while jmin < ncol:
        used = rlabw
        jmax = jmin
        while True:
            used += widths[jmax] + gap
            jmax += 1
            if not (jmax < ncol and used + widths[jmax] + gap < width):
                break
        header = " " * rlabw
        for j in range(jmin, jmax):
            w = widths[j]
            if colnames is not None:
                label = colnames[j]
                pad = w - _width(label)
                header += " " * gap + (" " * pad + label if right else label + " " * pad)
            else:
                label = "[,%d]" % (j + 1)
                header += " " * gap + label + " " * (w - len(label))
        out.append(header)
        for i in range(nrow):
            if rownames is not None:
                line = rownames[i] + " " * (rlabw - _width(rownames[i]))
            else:
                label = "[%d,]" % (i + 1)
                line = " " * (rlabw - len(label)) + label
            for j in range(jmin, jmax):
                cell = cells[i][j]
                pad = widths[j] - _width(cell)
                line += " " * gap + (" " * pad + cell if right else cell + " " * pad)
            out.append(line)
        jmin = jmax
    return "\n".join(out) + "\n"


def _print_no_columns(nrow: int, rownames, rlabw: int) -> str:
    # R prints the row labels under an empty header for a matrix with no columns
    lines = [" " * rlabw]
    for i in range(nrow):
        lines.append(rownames[i] if rownames is not None else "[%d,]" % (i + 1))
    return "\n".join(lines) + "\n"


def print_numeric_matrix(x, rownames: Optional[Sequence[str]] = None,
                         colnames: Optional[Sequence[str]] = None,
                         digits: Optional[int] = None, na=None, na_print: str = "NA",
                         gap: int = 1, width: Optional[int] = None,
                         max_print: Optional[int] = None) -> str:
    """Print a numeric matrix: each column formatted on its own, right-justified.

    R: ``print.default`` of a numeric matrix (``printRealMatrix``: formatReal per column,
    over all rows; the rows and columns shown cut at ``max.print``,
    :func:`matrix_rows_shown`).
    """
    values, mask = as_values(x, na)
    values = np.atleast_2d(values)
    mask = np.atleast_2d(mask)
    nrow, ncol = values.shape
    r_pr, c_pr = matrix_rows_shown(nrow, ncol, max_print)
    columns = [format_info(values[:, j], digits, na=mask[:, j], na_width=len(na_print))
               for j in range(c_pr)]
    texts = [encode_real(values[:r_pr, j], w, d, e, na=mask[:r_pr, j], na_string=na_print)
             for j, (w, d, e) in enumerate(columns)]
    cells = [[texts[j][i] for j in range(c_pr)] for i in range(r_pr)]
    # without column names R right-justifies "[,j]" over a numeric column
    labels = ["[,%d]" % (j + 1) for j in range(c_pr)] if colnames is None else \
        list(colnames)[:c_pr]
    text = print_char_matrix(cells, rownames, labels, right=True, gap=gap, width=width)
    if r_pr < nrow or c_pr < ncol:
        text += omitted_rows(nrow - r_pr, ncol - c_pr)
    return text
