"""pandas objects that print as R prints them: named vectors, matrices, data frames.

R prints ``coef(fit)`` as a named vector, ``confint(fit)`` or ``vcov(fit)`` as a matrix,
``step(fit)$anova`` as a data frame. rglm returns pandas objects for them, to be computed
with; the classes here are thin subclasses that keep everything of pandas and change
only how the object shows itself:

* :class:`RVector` (a ``pandas.Series``): R's ``print.default`` of a named logical,
  integer or double vector -- the index gives R's names (an integer label ``k`` is R's
  row name ``k + 1``, as everywhere in rglm), NaN or a missing value prints ``NA``; one
  built from a numpy array or a number (``RVector(np.sort(x))``, no index given) has no
  names and prints with R's ``[1]`` labels;
* :class:`RMatrix` (a ``pandas.DataFrame`` of numbers or logicals): R's print of a
  matrix, each column formatted on its own;
* :class:`RFrame` (any ``pandas.DataFrame``): R's ``print.data.frame``.

``str()``, ``repr()``, IPython's pretty printer and ``format()`` give R's text (as
``capture.output(print(x))`` with a final newline, like rglm's result objects);
Jupyter shows the cells R prints as an HTML table (``_repr_html_``) instead of pandas'
table, and ``to_markdown()`` (without pandas' arguments) gives them as a markdown table.
Digits and ``max.print`` are the current :func:`rglm.options`.

What pandas returns from them. R keeps a named vector a named vector through
arithmetic, ``exp()``, subsetting and ``round()``, and a matrix a matrix; so do these
classes, but only while the result still is one: an operation on an :class:`RVector`
gives an :class:`RVector` if its result is a flat-indexed Series of numbers or
logicals, and a plain ``pandas.Series`` otherwise (text, dates, a MultiIndex from a
groupby); ``to_frame()`` and other expansions give a plain DataFrame. An operation on an
:class:`RMatrix` gives an :class:`RMatrix` while all columns are numbers (or all
logicals) on flat axes, else a plain DataFrame; a column or row taken from it is an
:class:`RVector` (R's ``m[, "Estimate"]``). An :class:`RFrame` stays one while its axes
are flat; its columns are plain Series (R's ``df$x`` is an unnamed vector, which a
Series indexed by row labels is not). The decision is made by the ``_constructor``
functions pandas calls for every result -- the pattern geopandas uses -- so it holds on
pandas 2.2 and 3 alike; no operation copies data for it.
"""

from __future__ import annotations

import html
from typing import Any, Optional

import numpy as np
import pandas as pd

from rglm.render.frame import format_data_frame, frame_column_cells, r_labels
from rglm.render.rformat import format_real
from rglm.render.tables import TablePage, cells_page, html as html_layout, markdown
from rglm.roptions import getOption
from rglm.render.vector import (format_integer, format_logical, matrix_rows_shown,
                                omitted_entries, omitted_rows, print_atomic_vector,
                                print_char_matrix, print_numeric_matrix, vector_shown)

__all__ = ["RVector", "RMatrix", "RFrame", "as_r", "r_text", "vector_kind"]


# ---- which pandas objects R would print as vectors and matrices ---------------------------


def vector_kind(dtype) -> Optional[str]:
    """R's type of a vector of numpy/pandas dtype ``dtype`` -- ``"logical"``,
    ``"integer"`` or ``"double"`` -- or None for a dtype these classes do not print as
    an R vector (text, categories, dates, complex, objects)."""
    if isinstance(dtype, pd.CategoricalDtype):
        return None
    if pd.api.types.is_bool_dtype(dtype):
        return "logical"
    if pd.api.types.is_integer_dtype(dtype):
        return "integer"
    if pd.api.types.is_float_dtype(dtype):
        return "double"
    return None


def _flat(index: pd.Index) -> bool:
    return not isinstance(index, pd.MultiIndex)


def _matrix_kind(frame: pd.DataFrame) -> Optional[str]:
    """R's type of the matrix a DataFrame is, or None if it is not one (a column of text,
    mixed logicals and numbers, a MultiIndex)."""
    if not (_flat(frame.index) and _flat(frame.columns)):
        return None
    kinds = {vector_kind(dtype) for dtype in frame.dtypes}
    if None in kinds:
        return None
    if not kinds or kinds == {"double"} or kinds == {"integer", "double"}:
        return "double"
    if len(kinds) == 1:
        return kinds.pop()
    return None


def _vector_or_series(*args, **kwargs) -> pd.Series:
    """pandas' constructor of the Series derived from an :class:`RVector` or taken from
    an :class:`RMatrix`: an RVector while it is a flat vector of numbers or logicals."""
    series = pd.Series(*args, **kwargs)
    if vector_kind(series.dtype) is not None and _flat(series.index):
        return RVector(series)
    return series


def _series_from_mgr(mgr, axes) -> pd.Series:
    """A plain Series on a block manager, as pandas makes one (its name set after)."""
    series = pd.Series._from_mgr(mgr, axes=axes)
    series._name = None
    return series


def _matrix_or_frame(*args, **kwargs) -> pd.DataFrame:
    """pandas' constructor of the DataFrame derived from an :class:`RMatrix`."""
    frame = pd.DataFrame(*args, **kwargs)
    return RMatrix(frame) if _matrix_kind(frame) is not None else frame


def _rframe_or_frame(*args, **kwargs) -> pd.DataFrame:
    """pandas' constructor of the DataFrame derived from an :class:`RFrame`."""
    frame = pd.DataFrame(*args, **kwargs)
    return RFrame(frame) if _flat(frame.index) and _flat(frame.columns) else frame


# ---- showing R's text ----------------------------------------------------------------


def _doubles(values: np.ndarray, digits: Optional[int], na: np.ndarray,
             floatfmt: Optional[str]) -> list[str]:
    """A vector's cells for a table: formatted jointly as R prints it, or each with the
    Python format ``floatfmt``; NA as ``NA``."""
    if floatfmt is None:
        return format_real(values, digits, na=na)
    return ["NA" if m else format(v, floatfmt) for v, m in zip(values, na)]



class _RShown:
    """``str``/``repr``/IPython show ``self.format()``, R's printed text; Jupyter and
    ``to_markdown()`` the cells of that text as a table (``self.table_page()``)."""

    def __str__(self) -> str:
        return self.format()

    def __repr__(self) -> str:
        return self.format()

    def _repr_pretty_(self, p, cycle) -> None:  # IPython
        p.text(self.format())

    def _repr_html_(self) -> str:  # Jupyter: R's cells, not pandas' table
        page = self.table_page()
        if page is None:  # no longer an R vector or matrix: R's text as it is
            return '<pre class="rglm-r">' + html.escape(self.format()) + "</pre>"
        return html_layout(page)

    def to_markdown(self, buf=None, mode: str = "wt", index: bool = True,
                    storage_options=None, **kwargs) -> Optional[str]:
        """The cells R prints as a markdown table (see :func:`rglm.to_markdown`).

        Given any of pandas' arguments (``buf``, ``index=False``, tabulate's keywords),
        this is pandas' ``to_markdown`` of the numbers instead.
        """
        page = self.table_page()
        if buf is None and index and storage_options is None and not kwargs \
                and page is not None:
            return markdown(page)
        parent = pd.Series if isinstance(self, pd.Series) else pd.DataFrame
        return parent.to_markdown(self, buf, mode=mode, index=index,
                                  storage_options=storage_options, **kwargs)


class RVector(_RShown, pd.Series):
    """A pandas Series that prints as R's named vector (R: ``print.default``).

    Build one as a Series (``RVector({"theta": 1.6, "SE": 0.2})``) or with :func:`as_r`.
    See the module notes for what operations on it return.
    """

    def __init__(self, data=None, index=None, *args, **kwargs):
        super().__init__(data, index, *args, **kwargs)
        # built from an array or a number without an index, it has no names, as R's
        # mean(x) or sort(x) has none: it prints with [1] labels. The mark lives in
        # attrs, which pandas carries through arithmetic and subsetting.
        if index is None and not isinstance(data, (pd.Series, pd.DataFrame, dict)) \
                and data is not None:
            self.attrs["r_unnamed"] = True

    @property
    def _constructor(self):
        return _vector_or_series

    # pandas >= 2.1 builds results from block managers through these; pandas 2.2 hands
    # a subclass's _constructor the manager itself, which it deprecates: build the plain
    # object from the manager first
    def _constructor_from_mgr(self, mgr, axes):
        return _vector_or_series(_series_from_mgr(mgr, axes))

    @property
    def _constructor_expanddim(self):
        return pd.DataFrame

    def format(self) -> str:
        """R's ``print(x)`` text of the vector, with its final newline."""
        kind = vector_kind(self.dtype)
        if kind is None or not _flat(self.index):  # changed in place into no R vector
            return pd.Series.__repr__(self) + "\n"
        n = len(self)
        shown = vector_shown(n)
        part = self.iloc[:shown]
        na = part.isna().to_numpy()
        values = (part.to_numpy(dtype=float, na_value=np.nan) if kind == "double"
                  else part.to_numpy(dtype=object))
        names = None if self.attrs.get("r_unnamed") else r_labels(part.index)
        text = print_atomic_vector(values, kind, names, na=na,
                                   max_print=max(shown, 1))
        return text + (omitted_entries(n - shown) if shown < n else "")

    def table_page(self, floatfmt=None, digits=None, signif_stars: bool = True
                   ) -> Optional[TablePage]:
        """The cells ``print(x)`` shows (formatted jointly, as R formats a vector) as
        one row under the names (positions ``[1]``, ``[2]``, ... without names); None
        when the Series is no longer an R vector."""
        kind = vector_kind(self.dtype)
        if kind is None or not _flat(self.index):
            return None
        n = len(self)
        shown = vector_shown(n)
        part = self.iloc[:shown]
        na = part.isna().to_numpy()
        if kind == "double":
            texts = _doubles(part.to_numpy(dtype=float, na_value=np.nan), digits, na,
                             floatfmt)
        else:
            encode = format_logical if kind == "logical" else format_integer
            texts = encode(part.to_numpy(dtype=object))
        names = ([f"[{i + 1}]" for i in range(shown)] if self.attrs.get("r_unnamed")
                 else r_labels(part.index))
        footer = [omitted_entries(n - shown).strip()] if shown < n else []
        return cells_page([texts], None, names, footer=footer)


class RMatrix(_RShown, pd.DataFrame):
    """A pandas DataFrame of numbers (or logicals) that prints as R's matrix (R:
    ``print.default`` of a matrix: each column formatted on its own).

    See the module notes for what operations on it return.
    """

    @property
    def _constructor(self):
        return _matrix_or_frame

    @property
    def _constructor_sliced(self):
        return _vector_or_series

    def _constructor_from_mgr(self, mgr, axes):  # see RVector._constructor_from_mgr
        return _matrix_or_frame(pd.DataFrame._from_mgr(mgr, axes=axes))

    def _constructor_sliced_from_mgr(self, mgr, axes):
        return _vector_or_series(_series_from_mgr(mgr, axes))

    def format(self) -> str:
        """R's ``print(x)`` text of the matrix, with its final newline."""
        kind = _matrix_kind(self)
        if kind is None:  # changed in place (a column of text added): a data frame now
            return format_data_frame(self) if _flat(self.index) and _flat(self.columns) \
                else pd.DataFrame.__repr__(self) + "\n"
        rownames, colnames = r_labels(self.index), r_labels(self.columns)
        if kind == "double":
            return print_numeric_matrix(self.to_numpy(dtype=float, na_value=np.nan),
                                        rownames, colnames, na=self.isna().to_numpy())
        nrow, ncol = self.shape
        r_pr, c_pr = matrix_rows_shown(nrow, ncol)
        encode = format_logical if kind == "logical" else format_integer
        columns = [encode(self.iloc[:, j].to_numpy(dtype=object))[:r_pr]
                   for j in range(c_pr)]
        cells = [[col[i] for col in columns] for i in range(r_pr)]
        text = print_char_matrix(cells, rownames, colnames[:c_pr], right=True)
        if r_pr < nrow or c_pr < ncol:
            text += omitted_rows(nrow - r_pr, ncol - c_pr)
        return text

    def table_page(self, floatfmt=None, digits=None, signif_stars: bool = True
                   ) -> Optional[TablePage]:
        """The cells ``print(x)`` shows (each column formatted on its own) as a table;
        None when the frame is no longer an R matrix."""
        kind = _matrix_kind(self)
        if kind is None:
            return None
        nrow, ncol = self.shape
        r_pr, c_pr = matrix_rows_shown(nrow, ncol)
        part = self.iloc[:r_pr, :c_pr]
        if kind == "double":
            columns = [_doubles(part.iloc[:, j].to_numpy(dtype=float, na_value=np.nan),
                                digits, part.iloc[:, j].isna().to_numpy(), floatfmt)
                       for j in range(c_pr)]
        else:
            encode = format_logical if kind == "logical" else format_integer
            columns = [encode(part.iloc[:, j].to_numpy(dtype=object)) for j in range(c_pr)]
        footer = ([omitted_rows(nrow - r_pr, ncol - c_pr).strip()]
                  if r_pr < nrow or c_pr < ncol else [])
        return cells_page(list(zip(*columns)), r_labels(part.index), r_labels(part.columns),
                          footer=footer)


class RFrame(_RShown, pd.DataFrame):
    """A pandas DataFrame that prints as R's data frame (R: ``print.data.frame``).

    See the module notes for what operations on it return.
    """

    @property
    def _constructor(self):
        return _rframe_or_frame

    def _constructor_from_mgr(self, mgr, axes):  # see RVector._constructor_from_mgr
        return _rframe_or_frame(pd.DataFrame._from_mgr(mgr, axes=axes))

    @property
    def _constructor_sliced(self):
        return pd.Series

    def format(self) -> str:
        """R's ``print(x)`` text of the data frame, with its final newline."""
        if not (_flat(self.index) and _flat(self.columns)):
            return pd.DataFrame.__repr__(self) + "\n"
        return format_data_frame(self)

    def table_page(self, floatfmt=None, digits=None, signif_stars: bool = True
                   ) -> Optional[TablePage]:
        """The cells ``print(x)`` shows (each column formatted on its own; text as it
        is, left-aligned) as a table; None with a MultiIndex or a ``floatfmt`` (then
        :func:`rglm.to_markdown` formats the columns itself)."""
        if not (_flat(self.index) and _flat(self.columns)) or floatfmt is not None:
            return None
        n, k = self.shape
        shown = min(n, getOption("max.print") // max(k, 1))
        part = self.iloc[:shown]
        columns = [frame_column_cells(part.iloc[:, j], digits) for j in range(k)]
        align = ["right" if vector_kind(t) is not None else "left" for t in part.dtypes]
        footer = ([" [ reached 'max' / getOption(\"max.print\") -- omitted %d rows ]"
                   % (n - shown)] if shown < n else [])
        return cells_page(list(zip(*columns)) if k else [()] * shown, r_labels(part.index),
                          r_labels(part.columns), footer=footer, align=align)


# ---- conversions ----------------------------------------------------------------------


def as_r(value: Any, frame: bool = False) -> Any:
    """``value`` as the object that prints as R prints it: a flat Series of numbers or
    logicals as an :class:`RVector`, a DataFrame of numbers (or of logicals) as an
    :class:`RMatrix` -- or, with ``frame``, any flat DataFrame as an :class:`RFrame`;
    anything else (and what already is one) unchanged. No data is copied; ``attrs``
    (R's other attributes: ``constant``, ``heading``, ...) are kept."""
    made = None
    if isinstance(value, pd.Series) and not isinstance(value, RVector):
        if vector_kind(value.dtype) is not None and _flat(value.index):
            made = RVector(value)
    elif isinstance(value, pd.DataFrame) and not isinstance(value, (RMatrix, RFrame)):
        if frame:
            if _flat(value.index) and _flat(value.columns):
                made = RFrame(value)
        elif _matrix_kind(value) is not None:
            made = RMatrix(value)
    if made is None:
        return value
    made.attrs = value.attrs  # pandas' constructors start with no attrs
    return made


def r_text(value: Any) -> str:
    """R's printed text of a value (R: ``print(x)``), with its final newline.

    Objects with a ``format()`` giving R's text (rglm's results, :class:`RVector`, ...)
    give it; a Series or DataFrame is printed as :func:`as_r` would show it (a DataFrame
    that is no matrix as a data frame); a numpy array as R's unnamed vector (``[1]``
    labels) or matrix (``[1,]``/``[,1]`` labels); a Python number or bool as a vector of
    one, ``None`` as ``NULL``, a string as R's quoted character vector of one.
    """
    if isinstance(value, (RVector, RMatrix, RFrame)):
        return value.format()
    if isinstance(value, pd.Series):
        shown = as_r(value)
        if isinstance(shown, RVector):
            return shown.format()
        return format_data_frame(value.to_frame(name=value.name if value.name is not None
                                                else "x"))
    if isinstance(value, pd.DataFrame):
        shown = as_r(value)
        return shown.format() if isinstance(shown, RMatrix) else format_data_frame(value)
    if value is None:
        return "NULL\n"
    if isinstance(value, str):
        return '[1] "' + value.replace("\\", "\\\\").replace('"', '\\"') + '"\n'
    if isinstance(value, (bool, np.bool_, int, float, np.integer, np.floating)):
        value = np.array([value])
    if isinstance(value, (list, tuple)) and all(isinstance(v, (int, float, bool))
                                                for v in value):
        value = np.array(value)
    if isinstance(value, np.ndarray):
        return _array_text(value)
    formatter = getattr(value, "format", None)
    if callable(formatter) and not isinstance(value, type):
        try:
            text = formatter()
        except TypeError:
            text = None
        if isinstance(text, str):
            return text
    return str(value) + "\n"


def _array_text(value: np.ndarray) -> str:
    """R's print of an unnamed vector (1-d) or a matrix without dimnames (2-d)."""
    kind = vector_kind(value.dtype)
    if kind is None:
        raise TypeError(f"no R print for a numpy array of dtype {value.dtype}")
    if value.ndim <= 1:
        values = value.ravel()
        na = np.isnan(values) if kind == "double" else None
        return print_atomic_vector(values, kind, None, na=na)
    if value.ndim == 2 and kind == "double":
        return print_numeric_matrix(value.astype(float), na=np.isnan(value))
    raise TypeError("R's print of this array is not implemented in rglm")
