"""Markdown and HTML tables of result objects, for notebooks and reports.

Not R output: R prints text only. These render the same numbers as R's printed tables
(digits and p-values formatted by :mod:`rglm.render.rformat`, as ``printCoefmat`` and
``print.anova`` do, NA/NaN shown blank) through ``tabulate`` ("pipe" and "html" formats).

Objects rendered: a ``GLMSummary`` (its coefficient table with significance codes, then
the dispersion, the deviances and the AIC), a ``CoefTest``, an analysis-of-deviance
object (anything with a ``table`` DataFrame and a ``heading`` list of str), or a plain
DataFrame.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Optional, Sequence

import numpy as np
import pandas as pd
from tabulate import tabulate

from rglm.formula.deparse import deparse1
from rglm.render.anova import anova_column_roles
from rglm.render.rformat import (format_pval, format_real, fround, signif_legend,
                                   signif_stars, zapsmall)
from rglm.inference.coeftest import CoefTest
from rglm.models.glm.summary import GLMSummary

__all__ = ["to_markdown", "to_html"]

_P_PREFIXES = ("Pr(", "P(", "p-v", "p.value")


@dataclass(frozen=True)
class _Table:
    """What both renderings need: text above, the cells, text below."""

    header: list[str]
    rows: list[list[str]]
    align: list[str]
    heading: list[str] = field(default_factory=list)
    code: Optional[str] = None  #: the model call, shown as code
    footer: list[str] = field(default_factory=list)


# ---- cells ----------------------------------------------------------------------------


def _strip(texts: Sequence[str], na: np.ndarray) -> list[str]:
    return ["" if m else t.strip() for t, m in zip(texts, na)]


def _is_pvalue(name: str) -> bool:
    return str(name).startswith(_P_PREFIXES)


def _plain(values: np.ndarray, floatfmt: str) -> list[str]:
    return ["" if np.isnan(v) else format(v, floatfmt) for v in values]


def _coef_cells(x: np.ndarray, colnames: list[str], digits: int,
                floatfmt: Optional[str]) -> list[list[str]]:
    """Cells of a coefficient table, column by column, as ``printCoefmat`` rounds them.

    Estimates and standard errors share the decimals set by the smallest of them; test
    statistics have ``dig.tst`` decimals; p-values go through ``format.pval``.
    """
    nrow, nc = x.shape
    na = np.isnan(x)
    has_p = nc >= 4 and _is_pvalue(colnames[-1])
    dig_tst = max(1, min(5, digits - 1))
    cols: list[list[str]] = []
    if floatfmt is not None:
        cols = [_plain(x[:, j], floatfmt) for j in range(nc - has_p)]
    else:
        n_cs = min(2, nc - has_p)
        cs = x[:, :n_cs]
        finite = cs[np.isfinite(cs) & (cs != 0)]
        digmin = 1 + (math.floor(math.log10(np.min(np.abs(finite)))) if finite.size else 0)
        texts = format_real(fround(cs, max(1, digits - digmin)).ravel(), digits,
                            na=na[:, :n_cs].ravel())
        block = np.array(_strip(texts, na[:, :n_cs].ravel()), dtype=object).reshape(nrow, n_cs)
        cols = [list(block[:, j]) for j in range(n_cs)]
        for j in range(n_cs, nc - has_p):
            cols.append(_strip(format_real(fround(x[:, j], dig_tst), digits, na=na[:, j]),
                               na[:, j]))
    if has_p:
        cols.append(_pvalue_cells(x[:, -1], dig_tst))
    return [list(r) for r in zip(*cols)] if cols else [[] for _ in range(nrow)]


def _pvalue_cells(p: np.ndarray, dig_tst: int) -> list[str]:
    ok = ~np.isnan(p)
    out = [""] * len(p)
    if ok.any():
        for i, t in zip(np.flatnonzero(ok), format_pval(p[ok], dig_tst)):
            out[i] = t.strip()
    return out


def _frame_cells(frame: pd.DataFrame, digits: int, floatfmt: Optional[str],
                 anova: bool = False) -> tuple[list[list[str]], list[str]]:
    """Cells of an anova-like table: counts as integers, p-values by ``format.pval``,
    other numbers with ``digits`` significant digits (each column on its own).

    With ``anova``, the columns are first treated as ``print.anova`` treats them: test
    statistics rounded to ``dig.tst`` decimals, deviance-like columns ``zapsmall``-ed
    (so that a deviance of 1e-15 next to 5.45 shows as R's 0.0000).
    """
    dig_tst = max(1, min(5, digits - 1))
    _, tst, zap = anova_column_roles([str(c) for c in frame.columns]) if anova else (
        False, [], [])
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
            v = fround(v, dig_tst)
        fin = v[np.isfinite(v)]
        if _is_pvalue(name):
            cells = _pvalue_cells(v, dig_tst)
        elif fin.size and np.all(fin == np.round(fin)) and np.all(np.abs(fin) < 1e15):
            cells = ["" if np.isnan(a) else str(int(a)) for a in v]
        elif floatfmt is not None:
            cells = _plain(v, floatfmt)
        else:
            cells = _strip(format_real(v, digits, na=np.isnan(v)), np.isnan(v))
        cols.append(cells)
        align.append("right")
    rows = [list(r) for r in zip(*cols)] if cols else [[] for _ in range(len(frame))]
    return rows, align


def _with_stars(rows: list[list[str]], header: list[str], align: list[str],
                pvalues: Optional[np.ndarray], signif: bool, footer: list[str]) -> None:
    """Append R's significance-code column (and its legend) when some p < 0.1."""
    if pvalues is None or not signif:
        return
    ok = ~np.isnan(pvalues)
    if not (pvalues[ok] < 0.1).any():
        return
    for row, star in zip(rows, signif_stars(pvalues)):
        row.append(star.strip())
    header.append("")
    align.append("left")
    footer.insert(0, "Signif. codes:  " + signif_legend())


# ---- objects ----------------------------------------------------------------------------


def _coef_table(frame: pd.DataFrame, digits: int, floatfmt: Optional[str],
                signif: bool, heading: list[str], footer: list[str],
                code: Optional[str] = None) -> _Table:
    x = frame.to_numpy(dtype=float, na_value=np.nan)
    colnames = [str(c) for c in frame.columns]
    cells = _coef_cells(x, colnames, digits, floatfmt)
    rows = [[str(name)] + r for name, r in zip(frame.index, cells)]
    header = [""] + colnames
    align = ["left"] + ["right"] * len(colnames)
    p = x[:, -1] if colnames and _is_pvalue(colnames[-1]) else None
    _with_stars(rows, header, align, p, signif, footer)
    return _Table(header, rows, align, heading, code, footer)


def _summary_table(s: GLMSummary, digits: Optional[int], floatfmt: Optional[str],
                   signif: bool) -> _Table:
    digits = 4 if digits is None else digits
    fit = s.fit
    names = list(s.aliased.index)
    frame = s.coefficients.reindex(names)
    n_aliased = s.df[2] - s.df[0]
    heading = ["Coefficients: (%d not defined because of singularities)" % n_aliased
               if n_aliased else "Coefficients:"]
    devs = [t.strip() for t in format_real([fit.null_deviance, fit.deviance],
                                           max(5, digits + 1))]
    aic = "NA" if math.isnan(fit.aic) else format_real([fit.aic], max(4, digits + 1))[0]
    footer = ["(Dispersion parameter for %s family taken to be %s)"
              % (fit.family.family, format_real([s.dispersion])[0]),
              "Null deviance: %s on %d degrees of freedom" % (devs[0], fit.df_null),
              "Residual deviance: %s on %d degrees of freedom" % (devs[1], fit.df_residual),
              "AIC: %s" % aic]
    code = deparse1(fit.call) if fit.call is not None else None
    table = _coef_table(frame, digits, floatfmt, signif, heading, [], code)
    return _Table(table.header, table.rows, table.align, heading, code,
                  table.footer + footer)


def _anova_table(obj, digits: Optional[int], floatfmt: Optional[str],
                 signif: bool, anova: bool = True) -> _Table:
    digits = 5 if digits is None else digits
    frame = obj.table
    rows, align = _frame_cells(frame, digits, floatfmt, anova)
    rows = [[str(name)] + r for name, r in zip(frame.index, rows)]
    header = [""] + [str(c) for c in frame.columns]
    align = ["left"] + align
    heading = [line.strip() for block in (obj.heading or []) for line in str(block).split("\n")
               if line.strip()]
    pcols = [c for c in frame.columns if _is_pvalue(c)]
    p = frame[pcols[-1]].to_numpy(dtype=float, na_value=np.nan) if pcols else None
    footer: list[str] = []
    _with_stars(rows, header, align, p, signif, footer)
    return _Table(header, rows, align, heading, None, footer)


def _as_table(obj, digits: Optional[int], floatfmt: Optional[str], signif: bool) -> _Table:
    if isinstance(obj, GLMSummary):
        return _summary_table(obj, digits, floatfmt, signif)
    if isinstance(obj, CoefTest):
        frame = obj.table.copy()
        return _coef_table(frame, 5 if digits is None else digits, floatfmt, signif,
                           [obj.method + ":"], [])
    if hasattr(obj, "table") and hasattr(obj, "heading"):
        return _anova_table(obj, digits, floatfmt, signif)
    if isinstance(obj, pd.DataFrame):
        return _anova_table(_Plain(obj), digits, floatfmt, signif, anova=False)
    raise TypeError(f"cannot make a table of a {type(obj).__name__}")


@dataclass(frozen=True)
class _Plain:
    table: pd.DataFrame
    heading: tuple = ()


# ---- rendering --------------------------------------------------------------------------


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|")


def to_markdown(obj, floatfmt: Optional[str] = None, digits: Optional[int] = None,
                signif_stars: bool = True) -> str:
    """A result object as GitHub-flavoured markdown (a "pipe" table).

    Parameters
    ----------
    obj : GLMSummary, CoefTest, anova object or pandas.DataFrame
    floatfmt : str, optional
        A Python format spec for the numbers (``".3g"``); default: R's significant
        digits, as the printed table.
    digits : int, optional
        R's ``digits`` (summary: 4, coeftest and anova: 5).
    signif_stars : bool
        Add the significance-code column and its legend.

    Returns
    -------
    str
        Paragraphs above the table, the table, paragraphs below; ends with a newline.
    """
    t = _as_table(obj, digits, floatfmt, signif_stars)
    parts = []
    if t.code:
        parts.append("Call: `%s`" % t.code)
    parts += [line for line in t.heading]
    table = tabulate([[_md_escape(c) for c in r] for r in t.rows],
                     headers=[_md_escape(h) for h in t.header], tablefmt="pipe",
                     colalign=t.align, disable_numparse=True)
    parts.append(table)
    # a run of asterisks between quotes could start emphasis in a paragraph
    parts += [line.replace("*", "\\*") for line in t.footer]
    return "\n\n".join(parts) + "\n"


def to_html(obj, floatfmt: Optional[str] = None, digits: Optional[int] = None,
            signif_stars: bool = True) -> str:
    """A result object as an HTML fragment (for Jupyter's ``_repr_html_``).

    Parameters are those of :func:`to_markdown`. The fragment is a ``<div
    class="rglm-table">`` holding ``<p>`` paragraphs and an escaped ``<table>``.
    """
    t = _as_table(obj, digits, floatfmt, signif_stars)
    parts = ['<div class="rglm-table">']
    if t.code:
        parts.append("<p>Call: <code>%s</code></p>" % html.escape(t.code))
    parts += ["<p>%s</p>" % html.escape(line) for line in t.heading]
    parts.append(tabulate(t.rows, headers=t.header, tablefmt="html", colalign=t.align,
                          disable_numparse=True))
    parts += ["<p>%s</p>" % html.escape(line) for line in t.footer]
    parts.append("</div>")
    return "\n".join(parts) + "\n"
