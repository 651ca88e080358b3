"""Markdown and HTML tables of R's printed tables, for notebooks and reports.

Not R output: R prints text only. These show the cells R prints, laid out by ``tabulate``
("pipe" and "html" formats), NA and NaN blank:

* coefficient tables and all-numeric anova tables: the cells of ``printCoefmat``, made by
  its own steps (:func:`rglm.render.coefmat.coefmat_cells`), stripped of their padding;
* other data frames: each numeric column formatted on its own with ``digits``
  significant digits (integers as integers, p-values by ``format.pval``); text columns as
  they are.

Everything here takes plain data (DataFrames, numbers, strings) and returns a
:class:`TablePage` — the table with the paragraphs above and below it — that
:func:`markdown` and :func:`html` lay out. The result objects build their page from their
numbers (``table_page()``); ``rglm.to_markdown``/``rglm.to_html``
(:mod:`rglm.inference.tables`) dispatch on the object.
"""

from __future__ import annotations

import html as _html
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np
import pandas as pd
from tabulate import tabulate

from rglm.render.anova import anova_column_roles
from rglm.render.coefmat import coefmat_cells, format_pvalues, star_column
from rglm.render.rformat import format_real, fround, signif_legend, zapsmall

__all__ = ["TablePage", "coef_page", "anova_page", "frame_page", "summary_glm_page",
           "cells_page", "vector_page", "text_page", "markdown", "html"]

_P_PREFIXES = ("Pr(", "P(", "p-v", "p.value")


@dataclass(frozen=True)
class TablePage:
    """A table and the paragraphs around it: what both layouts need.

    Attributes
    ----------
    header : tuple of str
        Column names, the row-name column first (``""``).
    rows : tuple of tuple of str
        The cells, row name first.
    align : tuple of str
        ``"left"`` or ``"right"`` per column.
    heading : tuple of str
        Paragraphs above the table.
    code : str, optional
        The model call, shown as code above the heading.
    footer : tuple of str
        Paragraphs below the table (the significance legend first, when there are stars).
    """

    header: tuple
    rows: tuple
    align: tuple
    heading: tuple = ()
    code: Optional[str] = None
    footer: tuple = ()


# ---- cells ----------------------------------------------------------------------------


def _is_pvalue(name: str) -> bool:
    return str(name).startswith(_P_PREFIXES)


def _dig_tst(digits: int) -> int:
    return max(1, min(5, digits - 1))


def _plain(values: np.ndarray, floatfmt: str) -> list[str]:
    return ["" if np.isnan(v) else format(v, floatfmt) for v in values]


def _pvalue_cells(p: np.ndarray, digits: int) -> list[str]:
    """``format.pval`` of the non-NA p-values (``dig.tst`` digits), NA blank."""
    ok = ~np.isnan(p)
    out = [""] * len(p)
    if ok.any():
        for i, t in zip(np.flatnonzero(ok), format_pvalues(p[ok], _dig_tst(digits))):
            out[i] = t.strip()
    return out


def _stars(p: Optional[np.ndarray], show: bool) -> Optional[list]:
    """printCoefmat's star column for the p-values ``p`` (None: not shown)."""
    if p is None:
        return None
    na = np.isnan(p)
    return star_column(p, ~na, na, show)


def _numbers(frame: pd.DataFrame) -> np.ndarray:
    return frame.to_numpy(dtype=float, na_value=np.nan)


def _printcoefmat_cells(x: np.ndarray, colnames: list, digits: int, signif: bool,
                        **roles) -> tuple[list, Optional[list]]:
    """printCoefmat's cells (unpadded; NA and NaN blank) and its stars."""
    out = coefmat_cells(x, colnames, digits, signif, na=np.isnan(x), na_print="", **roles)
    cells = [[str(c).strip() for c in row] for row in out.cells]
    stars = None if out.stars is None else [s.strip() for s in out.stars]
    return cells, stars


def _column_cells(v: np.ndarray, name: str, digits: int, floatfmt: Optional[str]) -> list:
    """One numeric column of a data frame: p-values by ``format.pval``, integers as
    integers, other numbers with ``digits`` significant digits (or ``floatfmt``)."""
    fin = v[np.isfinite(v)]
    if _is_pvalue(name):
        return _pvalue_cells(v, digits)
    if fin.size and np.all(fin == np.round(fin)) and np.all(np.abs(fin) < 1e15):
        return ["" if np.isnan(a) else str(int(a)) for a in v]
    if floatfmt is not None:
        return _plain(v, floatfmt)
    na = np.isnan(v)
    return ["" if m else t.strip() for t, m in zip(format_real(v, digits, na=na), na)]


def _frame_cells(frame: pd.DataFrame, digits: int, floatfmt: Optional[str],
                 anova: bool) -> tuple[list, list]:
    """Cells of a data frame, column by column, and the alignment of each column.

    With ``anova`` (an anova table that printCoefmat cannot take: text columns, or
    ``floatfmt``), R's digits first treat the numeric columns as ``print.anova`` does:
    test statistics rounded to ``dig.tst`` decimals, deviance-like columns
    ``zapsmall``-ed (not with ``floatfmt``).
    """
    names = [str(c) for c in frame.columns]
    _, tst, zap = anova_column_roles(names) if anova else (False, [], [])
    cols, align = [], []
    for i, name in enumerate(frame.columns):
        col = frame[name]
        if not pd.api.types.is_numeric_dtype(col):
            cols.append(["" if pd.isna(v) else str(v) for v in col])
            align.append("left")
            continue
        v = col.to_numpy(dtype=float, na_value=np.nan)
        if floatfmt is None and i in zap:
            v = zapsmall(v, digits)
        elif floatfmt is None and i in tst:
            v = fround(v, _dig_tst(digits))
        cols.append(_column_cells(v, str(name), digits, floatfmt))
        align.append("right")
    rows = [list(r) for r in zip(*cols)] if cols else [[] for _ in range(len(frame))]
    return rows, align


def _page(frame: pd.DataFrame, cells: list, align: list, stars: Optional[list],
          heading: Sequence[str], footer: Sequence[str], code: Optional[str]) -> TablePage:
    """Row names before the cells; the stars column and the legend when there are stars."""
    rows = [[str(name)] + list(r) for name, r in zip(frame.index, cells)]
    header = [""] + [str(c) for c in frame.columns]
    align = ["left"] + list(align)
    footer = list(footer)
    if stars is not None:
        rows = [r + [s] for r, s in zip(rows, stars)]
        header.append("")
        align.append("left")
        footer.insert(0, "Signif. codes:  " + signif_legend())
    return TablePage(tuple(header), tuple(tuple(r) for r in rows), tuple(align),
                     tuple(heading), code, tuple(footer))


# ---- pages ------------------------------------------------------------------------------


def coef_page(frame: pd.DataFrame, digits: int = 5, floatfmt: Optional[str] = None,
              signif_stars: bool = True, heading: Sequence[str] = (),
              footer: Sequence[str] = (), code: Optional[str] = None) -> TablePage:
    """A coefficient table (estimates, standard errors, statistics, p-values).

    R: the cells ``printCoefmat(x, digits)`` prints; with ``floatfmt`` the numbers are
    Python-formatted instead (p-values still by ``format.pval``).
    """
    x = _numbers(frame)
    colnames = [str(c) for c in frame.columns]
    has_p = bool(colnames) and _is_pvalue(colnames[-1])
    if floatfmt is None:
        cells, stars = _printcoefmat_cells(x, colnames, digits, signif_stars)
    else:
        n_values = len(colnames) - (has_p and len(colnames) >= 4)
        cols = [_plain(x[:, j], floatfmt) for j in range(n_values)]
        if n_values < len(colnames):
            cols.append(_pvalue_cells(x[:, -1], digits))
        cells = [list(r) for r in zip(*cols)] if cols else [[] for _ in range(len(frame))]
        stars = _stars(x[:, -1] if has_p else None, signif_stars)
    return _page(frame, cells, ["right"] * len(colnames), stars, heading, footer, code)


def _heading_lines(heading: Sequence[str]) -> list[str]:
    """R's heading strings as paragraphs: split at newlines, blank lines dropped."""
    return [line.strip() for block in heading for line in str(block).split("\n")
            if line.strip()]


def anova_page(frame: pd.DataFrame, heading: Sequence[str] = (), digits: int = 5,
               floatfmt: Optional[str] = None, signif_stars: bool = True) -> TablePage:
    """An analysis-of-deviance table and its heading.

    R: the cells ``print.anova`` prints (printCoefmat with its column roles,
    :func:`rglm.render.anova.anova_column_roles`) when every column is numeric; a table
    with text columns (MASS's anova of glm.nb fits) column by column.
    """
    names = [str(c) for c in frame.columns]
    numeric = all(pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns)
    if floatfmt is None and numeric:
        has_p, tst, zap = anova_column_roles(names)
        cells, stars = _printcoefmat_cells(_numbers(frame), names, digits, signif_stars,
                                           cs_ind=(), tst_ind=tst, zap_ind=zap,
                                           has_pvalue=has_p, p_values=has_p)
        align = ["right"] * len(names)
    else:
        cells, align = _frame_cells(frame, digits, floatfmt, anova=True)
        stars = _stars(_last_pvalues(frame), signif_stars)
    return _page(frame, cells, align, stars, _heading_lines(heading), (), None)


def _last_pvalues(frame: pd.DataFrame) -> Optional[np.ndarray]:
    pcols = [c for c in frame.columns if _is_pvalue(c)]
    return frame[pcols[-1]].to_numpy(dtype=float, na_value=np.nan) if pcols else None


def frame_page(frame: pd.DataFrame, digits: int = 5, floatfmt: Optional[str] = None,
               signif_stars: bool = True) -> TablePage:
    """A plain data frame: each column formatted on its own, stars after a p-value column.

    R: ``format(column, digits = digits)`` per numeric column (integers as such).
    """
    cells, align = _frame_cells(frame, digits, floatfmt, anova=False)
    return _page(frame, cells, align, _stars(_last_pvalues(frame), signif_stars), (), (),
                 None)


def summary_glm_page(coefficients: pd.DataFrame, n_aliased: int, family: str,
                     dispersion: float, null_deviance: float, df_null: int,
                     deviance: float, df_residual: int, aic: float,
                     call_text: Optional[str] = None, digits: int = 4,
                     floatfmt: Optional[str] = None, signif_stars: bool = True
                     ) -> TablePage:
    """A glm summary: the coefficient table (aliased rows blank) with the lines
    ``print.summary.glm`` prints around it.

    R: the heading ``Coefficients:`` (``(k not defined because of singularities)``), the
    dispersion line, the deviances with ``max(5, digits + 1)`` digits, the AIC with
    ``max(4, digits + 1)`` (``NA`` for quasi families).
    """
    heading = ["Coefficients: (%d not defined because of singularities)" % n_aliased
               if n_aliased else "Coefficients:"]
    devs = [t.strip() for t in format_real([null_deviance, deviance], max(5, digits + 1))]
    aic_text = "NA" if np.isnan(aic) else format_real([aic], max(4, digits + 1))[0]
    footer = ["(Dispersion parameter for %s family taken to be %s)"
              % (family, format_real([dispersion])[0]),
              "Null deviance: %s on %d degrees of freedom" % (devs[0], df_null),
              "Residual deviance: %s on %d degrees of freedom" % (devs[1], df_residual),
              "AIC: %s" % aic_text]
    return coef_page(coefficients, digits, floatfmt, signif_stars, heading, footer,
                     call_text)


def cells_page(cells: Sequence[Sequence[str]], rownames: Optional[Sequence[str]],
               colnames: Sequence[str], heading: Sequence[str] = (),
               footer: Sequence[str] = (), code: Optional[str] = None,
               align: Optional[Sequence[str]] = None) -> TablePage:
    """A table of cells R has already formatted (a matrix or data frame as its print
    method lays it out), their padding stripped; numbers right-aligned unless ``align``
    (one entry per column) says otherwise. ``rownames`` None: no row-name column (R
    prints empty row names)."""
    body = [tuple(str(c).strip() for c in row) for row in cells]
    header = tuple(str(c) for c in colnames)
    align = ("right",) * len(colnames) if align is None else tuple(align)
    if rownames is not None:
        body = [(str(r),) + row for r, row in zip(rownames, body)]
        header, align = ("",) + header, ("left",) + align
    return TablePage(header, tuple(body), align, tuple(heading), code, tuple(footer))


def vector_page(texts: Sequence[str], names: Sequence[str], heading: Sequence[str] = (),
                footer: Sequence[str] = (), code: Optional[str] = None) -> TablePage:
    """A named vector as R prints it: the names over one row of values (``texts``,
    formatted by R's rules), no row name."""
    return TablePage(tuple(str(n) for n in names),
                     (tuple(str(t).strip() for t in texts),),
                     ("right",) * len(names), tuple(heading), code, tuple(footer))


def text_page(heading: Sequence[str] = (), code: Optional[str] = None) -> TablePage:
    """Paragraphs without a table (what R prints has none: ``print.bigglm``'s lines)."""
    return TablePage((), (), (), tuple(heading), code, ())


# ---- layouts ----------------------------------------------------------------------------


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|")


def _pages(page) -> list:
    """One page, or several (an object R prints as several tables), as a list."""
    return [page] if isinstance(page, TablePage) else list(page)


def markdown(page) -> str:
    """The page as GitHub-flavoured markdown: paragraphs, a "pipe" table, paragraphs.

    ``page`` is a :class:`TablePage` or a sequence of them (laid out one after another).

    Returns
    -------
    str
        Paragraphs separated by empty lines; ends with a newline.
    """
    return "\n".join(_markdown_one(p) for p in _pages(page))


def _markdown_one(page: TablePage) -> str:
    parts = []
    if page.code:
        parts.append("Call: `%s`" % page.code)
    parts += [_md_escape(line).replace("*", "\\*") for line in page.heading]
    if page.header:
        parts.append(tabulate([[_md_escape(c) for c in r] for r in page.rows],
                              headers=[_md_escape(h) for h in page.header],
                              tablefmt="pipe", colalign=page.align,
                              disable_numparse=True))
    # a run of asterisks between quotes could start emphasis in a paragraph
    parts += [line.replace("*", "\\*") for line in page.footer]
    return "\n\n".join(parts) + "\n"


def html(page) -> str:
    """The page as an HTML fragment (for Jupyter's ``_repr_html_``): a ``<div
    class="rglm-table">`` holding ``<p>`` paragraphs and an escaped ``<table>``.

    ``page`` is a :class:`TablePage` or a sequence of them (one ``<div>`` holding each
    page's paragraphs and table in turn)."""
    parts = ['<div class="rglm-table">']
    for one in _pages(page):
        parts += _html_parts(one)
    parts.append("</div>")
    return "\n".join(parts) + "\n"


def _html_parts(page: TablePage) -> list:
    parts = []
    if page.code:
        parts.append("<p>Call: <code>%s</code></p>" % _html.escape(page.code))
    parts += ["<p>%s</p>" % _html.escape(line) for line in page.heading]
    if page.header:
        # tabulate's "html" format escapes the cells itself
        parts.append(tabulate([list(r) for r in page.rows], headers=list(page.header),
                              tablefmt="html", colalign=page.align,
                              disable_numparse=True))
    parts += ["<p>%s</p>" % _html.escape(line) for line in page.footer]
    return parts
