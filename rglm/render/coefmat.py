"""R's ``printCoefmat``: coefficient and anova tables with p-values and stars.

R: ``stats::printCoefmat`` (src/library/stats/R/lm.R), written as its named steps:

1. :func:`coefmat_layout` resolves the arguments' defaults (which columns are estimates
   and standard errors, test statistics, p-values);
2. :func:`zap_columns` passes the ``zap.ind`` columns through ``zapsmall``;
3. :func:`format_coef_se` formats the estimate and standard-error columns jointly,
   :func:`format_statistics` the test statistics, :func:`format_other_columns` the rest;
4. :func:`reformat_false_zeros` re-formats a non-zero value whose text reads as 0;
5. :func:`format_pvalues` and :func:`star_column` give the p-value cells and the stars;
6. :func:`layout_coefmat` prints the character matrix, :func:`legend_block` the legend.

:func:`coefmat_cells` runs steps 1-5 and returns the cells (R's ``Cf``) and stars, which
the text (:func:`format_coefmat`) and the markdown/HTML tables (:mod:`rglm.render.tables`)
both lay out. Columns are indexed from 0 here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from rglm.errors import RError
from rglm.render.rformat import (DBL_EPSILON, format_pval, format_real, fround,
                                 option_digits, signif_legend, signif_stars as _stars,
                                 zapsmall)
from rglm.render.vector import format_strings, print_char_matrix
from rglm.roptions import getOption

__all__ = ["format_coefmat", "coefmat_cells", "CoefmatCells", "CoefmatLayout",
           "coefmat_layout", "zap_columns", "format_coef_se", "format_statistics",
           "format_other_columns", "reformat_false_zeros", "format_pvalues",
           "star_column", "layout_coefmat", "legend_block"]


@dataclass(frozen=True)
class CoefmatLayout:
    """printCoefmat's column roles once its defaults are resolved (0-based columns).

    Attributes
    ----------
    cs_ind, tst_ind, zap_ind : tuple of int
        Estimate/standard-error columns, test-statistic columns, zapped columns.
    dig_tst : int
        Decimals of the test statistics.
    has_pvalue : bool
        Whether the last column *shown* holds p-values.
    drop_pvalue : bool
        The table has a p-value column that is not to be shown (``P.values = FALSE``).
    """

    cs_ind: tuple
    tst_ind: tuple
    zap_ind: tuple
    dig_tst: int
    has_pvalue: bool
    drop_pvalue: bool


@dataclass(frozen=True)
class CoefmatCells:
    """What printCoefmat lays out: R's character matrix ``Cf`` and the stars.

    Attributes
    ----------
    cells : numpy.ndarray of str, shape (n, k)
        The formatted cells, NA cells holding ``na_print`` and NaN cells ``"NaN"``; the
        number texts keep the padding ``format()`` gave them.
    colnames : list of str or None
        The column names of the cells (the p-value column gone when it is not shown).
    stars : list of str or None
        The significance codes, one per row (``""`` for NA), when they are shown.
    """

    cells: np.ndarray
    colnames: Optional[list]
    stars: Optional[list]


def _has_pvalue_column(colnames: Optional[Sequence[str]], nc: int) -> bool:
    return nc >= 4 and bool(colnames) and colnames[-1][:3] in ("Pr(", "p-v")


def coefmat_layout(colnames: Optional[Sequence[str]], nc: int, digits: int,
                   dig_tst: Optional[int] = None, cs_ind: Optional[Sequence[int]] = None,
                   tst_ind: Optional[Sequence[int]] = None, zap_ind: Sequence[int] = (),
                   p_values: Optional[bool] = None,
                   has_pvalue: Optional[bool] = None) -> CoefmatLayout:
    """Step 1: printCoefmat's argument defaults and checks.

    R: ``has.Pvalue = nc >= 4 && substr(colnames(x)[nc], 1, 3) %in% c("Pr(", "p-v")``,
    ``P.values = has.Pvalue && getOption("show.coef.Pvalues")``, ``tst.ind = k + 1``,
    ``cs.ind = 1:k`` with ``k = nc - has.Pvalue - length(tst.ind)``, ``dig.tst = max(1,
    min(5, digits - 1))``. A p-value column that is not to be shown is dropped before
    ``k`` is counted.

    Raises
    ------
    RError
        ``'P.values' is TRUE, but 'has.Pvalue' is not``; ``wrong k / cs.ind``.
    """
    if has_pvalue is None:
        has_pvalue = _has_pvalue_column(colnames, nc)
    if p_values is None:
        p_values = bool(has_pvalue and getOption("show.coef.Pvalues"))
    elif p_values and not has_pvalue:
        raise RError("'P.values' is TRUE, but 'has.Pvalue' is not")
    drop = bool(has_pvalue and not p_values)
    if drop:
        nc -= 1
        has_pvalue = False
    k = nc - has_pvalue - (1 if tst_ind is None else len(tst_ind))
    if cs_ind is None:
        cs_ind = range(k)
    elif len(cs_ind) > k:
        raise RError("wrong k / cs.ind")
    return CoefmatLayout(
        cs_ind=tuple(cs_ind), tst_ind=(k,) if tst_ind is None else tuple(tst_ind),
        zap_ind=tuple(zap_ind), has_pvalue=bool(has_pvalue), drop_pvalue=drop,
        dig_tst=max(1, min(5, digits - 1)) if dig_tst is None else dig_tst)


def zap_columns(xm: np.ndarray, zap_ind: Sequence[int], digits: int) -> np.ndarray:
    """Step 2: ``x[, i] <- zapsmall(x[, i], digits)`` for the ``zap.ind`` columns (a copy)."""
    out = xm.copy()
    for i in zap_ind:
        out[:, i] = zapsmall(out[:, i], digits)
    return out


def format_coef_se(block: np.ndarray, na: np.ndarray, digits: int) -> np.ndarray:
    """Step 3a: the estimate and standard-error columns, formatted jointly.

    R: the smallest non-zero finite ``|value|`` sets ``digmin = 1 + floor(log10(.))``;
    every value is rounded to ``max(1, digits - digmin)`` decimals and the block goes
    through one ``format(, digits)``. A block with no finite value stays empty (``""``).
    """
    cells = np.full(block.shape, "", dtype=object)
    acs = np.abs(block)
    finite = np.isfinite(acs)
    if block.size == 0 or not finite.any():
        return cells
    nonzero = acs[finite & (acs != 0)]
    digmin = 1 + (math.floor(math.log10(nonzero.min())) if nonzero.size else 0)
    rounded = fround(block, max(1, digits - digmin))
    texts = format_real(rounded.ravel(), digits, na=na.ravel())
    return np.array(texts, dtype=object).reshape(block.shape)


def format_statistics(block: np.ndarray, na: np.ndarray, dig_tst: int,
                      digits: int) -> np.ndarray:
    """Step 3b: test statistics, ``format(round(x, dig.tst), digits = digits)`` jointly."""
    if block.size == 0:
        return np.full(block.shape, "", dtype=object)
    rounded = fround(block, dig_tst)
    texts = format_real(rounded.ravel(), digits, na=na.ravel())
    return np.array(texts, dtype=object).reshape(block.shape)


def format_other_columns(block: np.ndarray, na: np.ndarray, digits: int) -> np.ndarray:
    """Step 3c: every other column formatted on its own, ``format(x[, i], digits)``."""
    cells = np.full(block.shape, "", dtype=object)
    for j in range(block.shape[1]):
        cells[:, j] = format_real(block[:, j], digits, na=na[:, j])
    return cells


def _parse_number(text: str) -> float:
    """R's ``as.numeric`` on a formatted cell (NaN where it does not parse)."""
    try:
        return float(text.strip())
    except ValueError:
        return math.nan


def reformat_false_zeros(cells: np.ndarray, xm: np.ndarray, ok: np.ndarray,
                         digits: int) -> np.ndarray:
    """Step 4: a cell whose text reads as 0 while its value is not (or the reverse) is
    re-formatted, all such cells jointly, with ``max(1, digits - 1)`` digits.

    R: ``x0 <- (xm[okP] == 0) != (as.numeric(Cf[okP]) == 0)``; ``ok`` marks the cells
    considered (non-NA, not test statistics, not p-values). Returns a new matrix.
    """
    out = cells.copy()
    cols, rows = np.nonzero(ok.T)  # R indexes column-major
    fix = []
    for r, c in zip(rows.tolist(), cols.tolist()):
        parsed = _parse_number(out[r, c])
        if not math.isnan(parsed) and (xm[r, c] == 0) != (parsed == 0):
            fix.append((r, c))
    if fix:
        texts = format_real([xm[r, c] for r, c in fix], max(1, digits - 1))
        for (r, c), text in zip(fix, texts):
            out[r, c] = text
    return out


def format_pvalues(pv: np.ndarray, dig_tst: int, eps: float = DBL_EPSILON) -> list[str]:
    """Step 5a: the p-value cells, ``format.pval(pv, digits = dig.tst, eps.Pvalue)``
    (formatted jointly; pass the non-NA p-values only)."""
    return format_pval(pv, dig_tst, eps=eps)


def star_column(pv: np.ndarray, ok: np.ndarray, na: np.ndarray,
                show: bool) -> Optional[list]:
    """Step 5b: the significance codes, or None when they are not shown.

    R: shown when ``signif.stars`` and some non-NA p-value is below 0.1; ``symnum`` codes
    (``""`` for NA), unpadded.
    """
    if not show or not ok.any() or not (pv[ok] < 0.1).any():
        return None
    return _stars(pv, na=na)


def coefmat_cells(x, colnames: Optional[Sequence[str]] = None,
                  digits: Optional[int] = None, signif_stars: Optional[bool] = None,
                  dig_tst: Optional[int] = None,
                  cs_ind: Optional[Sequence[int]] = None,
                  tst_ind: Optional[Sequence[int]] = None, zap_ind: Sequence[int] = (),
                  p_values: Optional[bool] = None, has_pvalue: Optional[bool] = None,
                  eps_pvalue: float = DBL_EPSILON, na_print: str = "NA",
                  na=None) -> CoefmatCells:
    """printCoefmat's cells and stars (steps 1-5), before any layout.

    Parameters are those of :func:`format_coefmat`.

    Returns
    -------
    CoefmatCells
    """
    digits = option_digits(2, 3, digits)
    if signif_stars is None:
        signif_stars = getOption("show.signif.stars")
    xm = np.array(x, dtype=float)
    if xm.ndim != 2:
        raise RError("'x' must be coefficient matrix/data frame")
    ina = np.isnan(xm) if na is None else (np.asarray(na, dtype=bool) | False)
    names = list(colnames) if colnames is not None else None
    layout = coefmat_layout(names, xm.shape[1], digits, dig_tst, cs_ind, tst_ind, zap_ind,
                            p_values, has_pvalue)
    if layout.drop_pvalue:
        xm, ina = xm[:, :-1], ina[:, :-1]
        names = names[:-1] if names is not None else None
    nc = xm.shape[1]
    inan = np.isnan(xm) & ~ina
    ok = ~(ina | inan)  # R's is.na() is also true for NaN
    xm = zap_columns(xm, layout.zap_ind, digits)
    cs, tst = list(layout.cs_ind), list(layout.tst_ind)
    pcol = [nc - 1] if layout.has_pvalue else []
    others = [i for i in range(nc) if i not in set(cs) | set(tst) | set(pcol)]
    cf = np.full(xm.shape, "", dtype=object)
    cf[:, cs] = format_coef_se(xm[:, cs], ina[:, cs], digits)
    cf[:, tst] = format_statistics(xm[:, tst], ina[:, tst], layout.dig_tst, digits)
    cf[:, others] = format_other_columns(xm[:, others], ina[:, others], digits)
    ok[:, tst] = False
    ok_values = ok.copy()
    ok_values[:, pcol] = False
    cf = reformat_false_zeros(cf, xm, ok_values, digits)
    cf[ina] = na_print
    cf[inan] = "NaN"
    stars = None
    if layout.has_pvalue:
        pv, ok_pv = xm[:, nc - 1], ok[:, nc - 1]
        if ok_pv.any():
            cf[np.flatnonzero(ok_pv), nc - 1] = format_pvalues(pv[ok_pv], layout.dig_tst,
                                                               eps_pvalue)
        stars = star_column(pv, ok_pv, ina[:, nc - 1], signif_stars)
    return CoefmatCells(cells=cf, colnames=names, stars=stars)


def layout_coefmat(coefmat: CoefmatCells, rownames: Optional[Sequence[str]],
                   width: Optional[int] = None) -> str:
    """Step 6: ``print.default(Cf, quote = FALSE, right = TRUE)``, the stars appended as
    a left-justified column with an empty name."""
    table = [list(row) for row in coefmat.cells]
    header = coefmat.colnames
    if coefmat.stars is not None:
        table = [row + [s] for row, s in zip(table, format_strings(coefmat.stars))]
        header = (header if header is not None else [""] * coefmat.cells.shape[1]) + [""]
    return print_char_matrix(table, rownames, header, right=True, width=width)


def legend_block(fancy_quotes: Optional[bool] = None) -> str:
    """Step 7: the legend printed under starred tables (``---`` and ``Signif. codes:``);
    curly quotes unless ``getOption("useFancyQuotes")`` is false."""
    if fancy_quotes is None:
        fancy_quotes = getOption("useFancyQuotes")
    return "---\nSignif. codes:  " + signif_legend(fancy_quotes) + "\n"


def format_coefmat(x, rownames: Optional[Sequence[str]] = None,
                   colnames: Optional[Sequence[str]] = None, digits: Optional[int] = None,
                   signif_stars: Optional[bool] = None, signif_legend: Optional[bool] = None,
                   dig_tst: Optional[int] = None, cs_ind: Optional[Sequence[int]] = None,
                   tst_ind: Optional[Sequence[int]] = None, zap_ind: Sequence[int] = (),
                   p_values: Optional[bool] = None, has_pvalue: Optional[bool] = None,
                   eps_pvalue: float = DBL_EPSILON, na_print: str = "NA", na=None,
                   fancy_quotes: Optional[bool] = None, width: Optional[int] = None) -> str:
    """The text ``printCoefmat`` prints for a coefficient or anova table.

    R: ``stats::printCoefmat(x, digits, signif.stars, signif.legend, dig.tst, cs.ind,
    tst.ind, zap.ind, P.values, has.Pvalue, eps.Pvalue, na.print)``.

    Parameters
    ----------
    x : array_like, shape (n, k)
        The table; NaN cells are NA unless ``na`` is given.
    rownames, colnames : sequence of str, optional
    digits : int, optional
        Significant digits (R's default ``max(3, getOption("digits") - 2)``).
    signif_stars, signif_legend : bool, optional
        Show the star column (``getOption("show.signif.stars")``) / the legend (legend
        defaults to whether stars are shown).
    dig_tst : int, optional
        Decimals of the test statistics (default ``max(1, min(5, digits - 1))``).
    cs_ind, tst_ind : sequence of int, optional
        0-based columns of coefficients/standard errors (formatted jointly after rounding)
        and of test statistics; defaults as R (all but the statistic and p-value columns;
        the column after them). Pass ``()`` for R's ``NULL`` / ``integer(0)``.
    zap_ind : sequence of int
        Columns passed through ``zapsmall(col, digits)`` first.
    p_values, has_pvalue : bool, optional
        Whether the last column holds p-values and whether to show them (defaults as R:
        a last column named ``Pr(...`` or ``p-v...`` in a table of at least 4 columns).
    eps_pvalue : float
        Smaller p-values print as ``<eps``.
    na_print : str
        Text of NA cells.
    na : array_like of bool, optional
        Which cells are NA; NaN cells outside it print ``NaN``.
    fancy_quotes : bool, optional
        Curly quotes in the legend (``getOption("useFancyQuotes")``).
    width : int, optional
        ``getOption("width")``.

    Returns
    -------
    str
        The printed lines, each ending in a newline.
    """
    coefmat = coefmat_cells(x, colnames, digits, signif_stars, dig_tst, cs_ind, tst_ind,
                            zap_ind, p_values, has_pvalue, eps_pvalue, na_print, na)
    text = layout_coefmat(coefmat, rownames, width)
    show_legend = True if signif_legend is None else signif_legend
    if coefmat.stars is not None and show_legend:
        text += legend_block(fancy_quotes)
    return text
