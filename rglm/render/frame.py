"""R's ``print.data.frame``: a data frame's columns formatted one by one, then printed
as a character matrix.

R: ``base::print.data.frame`` → ``format.data.frame(x, digits = NULL, na.encode = FALSE)``
→ ``as.matrix`` → ``print.default(m, quote = FALSE, right = TRUE)``
(src/library/base/R/dataframe.R, format.R). Each column is formatted on its own:

* doubles jointly by ``formatReal`` with ``getOption("digits")`` (NA ``NA``, NaN
  ``NaN``; pandas' missing values of a float column are R's NA);
* integers and logicals as R prints them (``NA`` for missing);
* text and factors (pandas' string, object and categorical columns) as they are, NA as
  ``<NA>``;

cells and column names right-justified, row names left-justified. A frame with more
than ``max.print %/% ncol`` rows shows that many, then R's (>= 4.5) line saying how many
were omitted.
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np
import pandas as pd

from rglm.render.rformat import encode_real, format_info
from rglm.render.vector import (format_integer, format_logical, print_char_matrix,
                                 print_vector)
from rglm.roptions import getOption

__all__ = ["format_data_frame", "frame_column_cells", "r_labels"]


def r_labels(index: pd.Index) -> list[str]:
    """Row (or column) labels as R shows them: an integer label ``k`` is R's automatic
    row name ``k + 1`` (rglm's convention for the rows of a data frame, also after rows
    were dropped); other labels print as ``str()`` of them."""
    if pd.api.types.is_integer_dtype(index.dtype):
        return [str(int(v) + 1) for v in index]
    return [str(v) for v in index]


def frame_column_cells(values: pd.Series, digits: Optional[int] = None) -> list[str]:
    """One column as ``format.data.frame(x, na.encode = FALSE)`` leaves it for printing:
    numbers and logicals padded to a common width, text as it is (``<NA>`` for NA)."""
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return format_logical(values.to_numpy(dtype=object))
    if pd.api.types.is_integer_dtype(dtype):
        return format_integer(values.to_numpy(dtype=object))
    if pd.api.types.is_numeric_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype):
        if pd.api.types.is_complex_dtype(dtype):
            return [str(v) for v in values]
        arr = values.to_numpy(dtype=float, na_value=np.nan)
        # a float column cannot tell R's NA from NaN: NaN is NA, as in rglm's tables
        na = values.isna().to_numpy()
        w, d, e = format_info(arr, digits, na=na)
        return encode_real(arr, w, d, e, na=na)
    return ["<NA>" if v is None or v is pd.NA or (isinstance(v, float) and v != v)
            else str(v) for v in values.to_numpy(dtype=object)]


def format_data_frame(frame: pd.DataFrame, digits: Optional[int] = None,
                      width: Optional[int] = None,
                      row_names: Optional[Sequence[str]] = None,
                      max_print: Optional[int] = None) -> str:
    """The text of R's ``print.data.frame(frame, digits)``.

    Parameters
    ----------
    frame : pandas.DataFrame
    digits : int, optional
        Significant digits of double columns (``getOption("digits")``).
    width : int, optional
        ``getOption("width")``.
    row_names : sequence of str, optional
        R's row names (default: the index as R shows it, :func:`r_labels`).
    max_print : int, optional
        ``getOption("max.print")``.

    Returns
    -------
    str
        The printed text, ending with a newline.
    """
    n, k = frame.shape
    if k == 0:
        return "data frame with 0 columns and %d row%s\n" % (n, "" if n == 1 else "s")
    columns = [str(c) for c in frame.columns]
    if n == 0:
        # print.default(names(x), quote = FALSE)
        return (print_vector(columns, right=False, width=width)
                + "<0 rows> (or 0-length row.names)\n")
    limit = getOption("max.print") if max_print is None else max_print
    shown = min(n, limit // k)
    names = list(r_labels(frame.index) if row_names is None else row_names)[:shown]
    part = frame.iloc[:shown]
    cells_by_column = [frame_column_cells(part.iloc[:, j], digits) for j in range(k)]
    rows = [[col[i] for col in cells_by_column] for i in range(shown)]
    text = print_char_matrix(rows, names, columns, right=True, width=width)
    if shown < n:
        text += (" [ reached 'max' / getOption(\"max.print\") -- omitted %d rows ]\n"
                 % (n - shown))
    return text
