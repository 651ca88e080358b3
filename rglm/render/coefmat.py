"""R's ``printCoefmat``: coefficient and anova tables with p-values and stars.

R: ``stats::printCoefmat`` (src/library/stats/R/lm.R). Columns are indexed from 0 here.
"""

from __future__ import annotations

import math
from typing import Optional, Sequence

import numpy as np

from rglm.errors import RError
from rglm.render.rformat import (DBL_EPSILON, format_pval, format_real, fround,
                                   signif_legend as _legend, signif_stars as _stars,
                                   zapsmall)
from rglm.render.vector import format_strings, print_char_matrix

__all__ = ["format_coefmat"]


def _has_pvalue_column(colnames: Optional[Sequence[str]], nc: int) -> bool:
    return nc >= 4 and bool(colnames) and colnames[-1][:3] in ("Pr(", "p-v")


def _parse_number(text: str) -> float:
    """R's ``as.numeric`` on a formatted cell (NaN where it does not parse)."""
    try:
        return float(text.strip())
    except ValueError:
        return math.nan


def format_coefmat(x, rownames: Optional[Sequence[str]] = None,
                   colnames: Optional[Sequence[str]] = None, digits: int = 5,
                   signif_stars: bool = True, signif_legend: Optional[bool] = None,
                   dig_tst: Optional[int] = None, cs_ind: Optional[Sequence[int]] = None,
                   tst_ind: Optional[Sequence[int]] = None, zap_ind: Sequence[int] = (),
                   p_values: Optional[bool] = None, has_pvalue: Optional[bool] = None,
                   eps_pvalue: float = DBL_EPSILON, na_print: str = "NA", na=None,
                   fancy_quotes: bool = True, width: int = 80) -> str:
    """The text ``printCoefmat`` prints for a coefficient or anova table.

    R: ``stats::printCoefmat(x, digits, signif.stars, signif.legend, dig.tst, cs.ind,
    tst.ind, zap.ind, P.values, has.Pvalue, eps.Pvalue, na.print)``.

    Parameters
    ----------
    x : array_like, shape (n, k)
        The table; NaN cells are NA unless ``na`` is given.
    rownames, colnames : sequence of str, optional
    digits : int
        Significant digits (R's default ``max(3, getOption("digits") - 2)`` = 5).
    signif_stars, signif_legend : bool
        Show the star column / the legend (legend defaults to whether stars are shown).
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
    fancy_quotes : bool
        Curly quotes in the legend (UTF-8 locale).

    Returns
    -------
    str
        The printed lines, each ending in a newline.
    """
    xm = np.array(x, dtype=float)
    if xm.ndim != 2:
        raise RError("'x' must be coefficient matrix/data frame")
    ina = np.isnan(xm) if na is None else (np.asarray(na, dtype=bool) | False)
    nrow, nc = xm.shape
    colnames = list(colnames) if colnames is not None else None
    if has_pvalue is None:
        has_pvalue = _has_pvalue_column(colnames, nc)
    if p_values is None:
        p_values = has_pvalue
    elif p_values and not has_pvalue:
        raise RError("'P.values' is TRUE, but 'has.Pvalue' is not")
    if has_pvalue and not p_values:
        xm, ina = xm[:, :-1], ina[:, :-1]
        colnames = colnames[:-1] if colnames is not None else None
        nc -= 1
        has_pvalue = False
    k = nc - has_pvalue - (1 if tst_ind is None else len(tst_ind))
    if cs_ind is None:
        cs_ind = list(range(k))
    elif len(cs_ind) > k:
        raise RError("wrong k / cs.ind")
    if tst_ind is None:
        tst_ind = [k]
    cs_ind, tst_ind = list(cs_ind), list(tst_ind)
    if dig_tst is None:
        dig_tst = max(1, min(5, digits - 1))

    inan = np.isnan(xm) & ~ina
    ok = ~(ina | inan)  # R's is.na() is also true for NaN
    for i in zap_ind:
        xm[:, i] = zapsmall(xm[:, i], digits)
    cf = np.full(xm.shape, "", dtype=object)

    if cs_ind:
        coef_se = xm[:, cs_ind]
        acs = np.abs(coef_se)
        finite = np.isfinite(acs)
        if finite.any():
            nonzero = acs[finite & (acs != 0)]
            # the smallest non-zero |estimate or SE| decides the decimals of both columns
            digmin = 1 + (math.floor(math.log10(nonzero.min())) if nonzero.size else 0)
            rounded = fround(coef_se, max(1, digits - digmin))
            texts = format_real(rounded.ravel(), digits, na=ina[:, cs_ind].ravel())
            cf[:, cs_ind] = np.array(texts, dtype=object).reshape(coef_se.shape)
    if tst_ind:
        rounded = fround(xm[:, tst_ind], dig_tst)
        texts = format_real(rounded.ravel(), digits, na=ina[:, tst_ind].ravel())
        cf[:, tst_ind] = np.array(texts, dtype=object).reshape(rounded.shape)
    special = set(cs_ind) | set(tst_ind) | ({nc - 1} if has_pvalue else set())
    for i in range(nc):
        if i not in special:
            cf[:, i] = format_real(xm[:, i], digits, na=ina[:, i])

    ok[:, tst_ind] = False
    ok_cols = nc - 1 if has_pvalue else nc
    ok_p = np.zeros_like(ok)
    ok_p[:, :ok_cols] = ok[:, :ok_cols]
    # a non-zero value whose text reads as 0 is re-formatted with one digit less
    rows, cols = np.nonzero(ok_p.T)  # R indexes column-major
    cells = [(r, c) for c, r in zip(rows, cols)]
    fix = []
    for r, c in cells:
        parsed = _parse_number(cf[r, c])
        if not math.isnan(parsed) and (xm[r, c] == 0) != (parsed == 0):
            fix.append((r, c))
    if fix:
        texts = format_real([xm[r, c] for r, c in fix], max(1, digits - 1))
        for (r, c), t in zip(fix, texts):
            cf[r, c] = t
    cf[ina] = na_print
    cf[inan] = "NaN"

    stars_shown = False
    star_column = None
    if p_values:
        ok_pv = ok[:, nc - 1]
        if ok_pv.any():
            pv = xm[:, nc - 1]
            texts = format_pval(pv[ok_pv], dig_tst, eps=eps_pvalue)
            cf[np.flatnonzero(ok_pv), nc - 1] = texts
            stars_shown = signif_stars and bool((pv[ok_pv] < 0.1).any())
            if stars_shown:
                star_column = format_strings(_stars(pv, na=ina[:, nc - 1]))
    table = [list(row) for row in cf]
    header = colnames
    if star_column is not None:
        table = [row + [s] for row, s in zip(table, star_column)]
        header = (colnames if colnames is not None else [""] * nc) + [""]
    text = print_char_matrix(table, rownames, header, right=True, width=width)
    show_legend = True if signif_legend is None else signif_legend
    if stars_shown and show_legend:
        text += "---\nSignif. codes:  " + _legend(fancy_quotes) + "\n"
    return text
