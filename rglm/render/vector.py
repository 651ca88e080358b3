"""R's ``print.default`` layout for vectors and matrices.

Named vectors print as blocks of a names line over a values line, every field followed by
``print.gap`` spaces (so lines end with trailing blanks); unnamed vectors print with
``[1]`` index labels; matrices print a header line and one line per row, wrapping column
blocks at the terminal width (R: src/main/printvector.c, printmatrix.c, printutils.c).

All functions return the text including the final newline.
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from rglm.render.rformat import as_values, encode_real, format_info

__all__ = ["format_strings", "print_named_vector", "print_vector", "print_numeric_vector",
           "print_char_matrix", "print_numeric_matrix"]


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
                       width: int = 80) -> str:
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
    width : int
        ``options(width)``.
    """
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


def print_vector(texts: Sequence[str], gap: int = 1, width: int = 80,
                 right: bool = True) -> str:
    """Print already-formatted values with ``[i]`` index labels.

    R: ``printVector`` (``print.default`` of an unnamed vector): labels right-justified
    to ``nchar(n) + 2``, each value after ``gap`` spaces, justified in the common width
    (numbers right, strings left unless ``right``), a new line (with the index of its
    first element) when the next field would pass ``width``.
    """
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


def print_numeric_vector(x, names: Optional[Sequence[str]] = None, digits: int = 7,
                         na=None, na_print: str = "NA", gap: int = 1,
                         width: int = 80) -> str:
    """Print a numeric vector as ``print.default`` does.

    R: ``print.default(x, digits, na.print, print.gap)``: the values are formatted jointly
    (formatReal), ``NA`` shows as ``na_print``; named vectors use the names layout.
    """
    w, d, e = format_info(x, digits, na=na, na_width=len(na_print))
    texts = encode_real(x, w, d, e, na=na, na_string=na_print)
    if names is None:
        return print_vector(texts, gap, width)
    return print_named_vector(texts, names, gap, width)


def print_char_matrix(cells: Sequence[Sequence[str]], rownames: Optional[Sequence[str]] = None,
                      colnames: Optional[Sequence[str]] = None, right: bool = False,
                      gap: int = 1, width: int = 80) -> str:
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
    """
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
                         colnames: Optional[Sequence[str]] = None, digits: int = 7,
                         na=None, na_print: str = "NA", gap: int = 1,
                         width: int = 80) -> str:
    """Print a numeric matrix: each column formatted on its own, right-justified.

    R: ``print.default`` of a numeric matrix (``printRealMatrix``: formatReal per column).
    """
    values, mask = as_values(x, na)
    values = np.atleast_2d(values)
    mask = np.atleast_2d(mask)
    columns = []
    for j in range(values.shape[1]):
        w, d, e = format_info(values[:, j], digits, na=mask[:, j], na_width=len(na_print))
        columns.append(encode_real(values[:, j], w, d, e, na=mask[:, j], na_string=na_print))
    cells = [[columns[j][i] for j in range(values.shape[1])] for i in range(values.shape[0])]
    return print_char_matrix(cells, rownames, colnames, right=True, gap=gap, width=width)
