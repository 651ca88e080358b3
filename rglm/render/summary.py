"""R's ``print.summary.glm``: the ``summary(fit)`` display (R >= 4.3 layout).

R: ``stats:::print.summary.glm`` (src/library/stats/R/glm.R). R 4.2 always printed the
"Deviance Residuals" block; R >= 4.3 prints it only with ``show.residuals = TRUE``, which
reproduces the 4.2 text exactly.
"""

from __future__ import annotations

import math
from typing import Optional, Sequence

import numpy as np

from rglm.render.coefmat import format_coefmat
from rglm.render.glm import naprint
from rglm.render.rformat import format_number, format_real, fround, option_digits, zapsmall
from rglm.roptions import getOption
from rglm.render.vector import (format_strings, print_char_matrix, print_numeric_vector,
                                  print_vector)

__all__ = ["format_summary_glm", "format_residual_block", "format_correlation",
           "COR_LEGEND"]

_COR_CUTS = (0.3, 0.6, 0.8, 0.9, 0.95)
_COR_SYMBOLS = (" ", ".", ",", "+", "*", "B")


def _cor_legend(fancy_quotes: bool = True) -> str:
    lq, rq = ("\u2018", "\u2019") if fancy_quotes else ("'", "'")
    parts = ["0"]
    for sym, cut in zip(_COR_SYMBOLS, _COR_CUTS + (1,)):
        parts += [lq + sym + rq, format_real([cut])[0]]
    return " ".join(parts)


COR_LEGEND = _cor_legend()


def format_residual_block(values, names: Optional[Sequence[str]],
                          digits: Optional[int] = None, width: Optional[int] = None) -> str:
    """The "Deviance Residuals" block (without its title line).

    R: in ``print.summary.glm``: the values (the summary object's five-number summary,
    or all residuals: :func:`rglm.models.glm.summary.deviance_residual_summary`) through
    ``zapsmall(, digits + 1)``, printed with ``digits``, ``na.print = ""`` and
    ``print.gap = 2``; names None prints them ``[1]``-style.
    """
    digits = option_digits(3, 3, digits)
    values = zapsmall(np.asarray(values, dtype=float), digits + 1)
    na = np.isnan(values)
    return print_numeric_vector(values, None if names is None else list(names),
                                digits=digits, na=na, na_print="", gap=2, width=width)


def format_correlation(correlation, names: Sequence[str], symbolic: bool = False,
                       digits: Optional[int] = None, fancy_quotes: Optional[bool] = None,
                       width: Optional[int] = None) -> str:
    """The correlation-of-coefficients matrix as ``print.summary.glm`` shows it.

    R: numeric form ``format(round(correl, 2), nsmall = 2, digits = digits)`` with the
    upper triangle and diagonal blanked, first row and last column dropped, printed
    left-justified; symbolic form ``print(symnum(correl, abbr.colnames = NULL))``.
    """
    digits = option_digits(3, 3, digits)
    if fancy_quotes is None:
        fancy_quotes = getOption("useFancyQuotes")
    cor = np.asarray(correlation, dtype=float)
    p = cor.shape[0]
    names = list(names)
    if symbolic:
        return _format_symbolic(cor, names, fancy_quotes, width)
    texts = format_real(fround(cor, 2).ravel(), digits, nsmall=2)
    cells = np.array(texts, dtype=object).reshape(p, p)
    lower = np.tril(np.ones((p, p), dtype=bool), -1)
    cells[~lower] = ""
    rows = [list(r) for r in cells[1:, : p - 1]]
    return print_char_matrix(rows, names[1:], names[: p - 1], right=False, width=width)


def _format_symbolic(cor: np.ndarray, names: list[str], fancy_quotes: bool,
                     width: int) -> str:
    """R: ``symnum(correl)``: |r| coded by the cutpoints, "1" at |r| >= 1 - 1e-5."""
    p = cor.shape[0]
    ax = np.abs(cor)
    codes = np.searchsorted(np.array(_COR_CUTS), ax, side="left")
    cells = np.array(_COR_SYMBOLS, dtype=object)[np.clip(codes, 0, len(_COR_SYMBOLS) - 1)]
    cells[ax >= 1 - 1e-5] = "1"
    cells[np.isnan(ax)] = "?"
    cells[~np.tril(np.ones((p, p), dtype=bool))] = ""
    text = print_char_matrix([list(r) for r in cells], names, [""] * p, right=False,
                             width=width)
    legend = _cor_legend(fancy_quotes)
    return text + 'attr(,"legend")\n' + print_vector([legend], right=False, width=width)


def format_summary_glm(call_lines: Sequence[str], coef_table, coef_rownames: Sequence[str],
                       coef_colnames: Sequence[str], family: str, dispersion: float,
                       null_deviance: float, df_null, deviance: float, df_residual,
                       aic: float, iter: int, n_aliased: int = 0,
                       n_deleted: Optional[int] = None, resid_values=None,
                       resid_names: Optional[Sequence[str]] = None,
                       show_residuals: bool = False, correlation=None,
                       correlation_names: Optional[Sequence[str]] = None,
                       symbolic_cor: bool = False, signif_stars: Optional[bool] = None,
                       digits: Optional[int] = None, coef_na=None,
                       fancy_quotes: Optional[bool] = None,
                       width: Optional[int] = None) -> str:
    """The text ``print(summary(fit))`` shows for a glm (R >= 4.3).

    R: ``stats:::print.summary.glm(x, digits = max(3, getOption("digits") - 3),
    symbolic.cor, signif.stars, show.residuals = FALSE)``.

    Parameters
    ----------
    call_lines : sequence of str
        ``deparse(fit$call)``.
    coef_table : array_like, shape (p, 4)
        All coefficients in model-matrix order, aliased ones as rows of NaN; columns
        Estimate, Std. Error, z/t value, Pr(>|z|)/Pr(>|t|).
    coef_rownames, coef_colnames : sequence of str
    family : str
        ``family$family``.
    dispersion, null_deviance, deviance, aic : float
        NaN dispersion prints ``NaN``; NaN AIC prints ``NA`` (quasi families).
    df_null, df_residual, iter : int
    n_aliased : int
        ``df[3] - df[1]``: "(k not defined because of singularities)".
    n_deleted : int, optional
        Rows dropped by ``na.action``.
    resid_values, resid_names : optional
        What the "Deviance Residuals" block shows (``show_residuals``): the summary's
        five-number summary of the deviance residuals and its names, or the residuals
        themselves (NaN = NA, printed blank), names None printing them ``[1]``-style
        (:func:`rglm.models.glm.summary.deviance_residual_summary`).
    show_residuals : bool
        Print the "Deviance Residuals" block (always printed by R 4.2).
    correlation, correlation_names : optional
        The correlation matrix of the estimated coefficients (``correlation = TRUE``).
    symbolic_cor : bool
        Show it with ``symnum`` codes.
    signif_stars : bool, optional
        ``getOption("show.signif.stars")``.
    digits : int, optional
        R's default ``max(3, getOption("digits") - 3)``.
    fancy_quotes : bool, optional
        ``getOption("useFancyQuotes")``.
    width : int, optional
        ``getOption("width")``.
    coef_na : array_like of bool, optional
        NA cells of the table; by default the all-NaN (aliased) rows are NA and other NaN
        cells print ``NaN`` (e.g. standard errors of a saturated Gamma fit).

    Returns
    -------
    str
        The printed text, ending with an empty line.
    """
    digits = option_digits(3, 3, digits)
    if signif_stars is None:
        signif_stars = getOption("show.signif.stars")
    if fancy_quotes is None:
        fancy_quotes = getOption("useFancyQuotes")
    parts = ["\nCall:\n", "\n".join(call_lines), "\n"]
    if show_residuals:
        parts.append("\nDeviance Residuals: \n")
        parts.append(format_residual_block(resid_values, resid_names, digits, width))
    table = np.array(coef_table, dtype=float).reshape(len(coef_rownames), -1) \
        if len(coef_rownames) else np.zeros((0, 4))
    if table.shape[0] == 0:
        parts.append("\nNo Coefficients\n")
    else:
        if n_aliased:
            parts.append("\nCoefficients: (%d not defined because of singularities)\n"
                         % n_aliased)
        else:
            parts.append("\nCoefficients:\n")
        if coef_na is None:
            coef_na = np.repeat(np.isnan(table).all(axis=1)[:, None], table.shape[1], axis=1)
        parts.append(format_coefmat(table, list(coef_rownames), list(coef_colnames),
                                    digits=digits, signif_stars=signif_stars, na_print="NA",
                                    na=coef_na, fancy_quotes=fancy_quotes, width=width))
    parts.append("\n(Dispersion parameter for %s family taken to be %s)\n\n"
                 % (family, format_real([dispersion])[0]))
    labels = [s + " deviance:" for s in format_strings(["Null", "Residual"], "right")]
    devs = format_real([null_deviance, deviance], max(5, digits + 1))
    dfs = format_real([float(df_null), float(df_residual)])
    for label, dev, df in zip(labels, devs, dfs):
        parts.append(" ".join([label, dev, " on", df, " degrees of freedom\n"]))
    message = naprint(n_deleted)
    if message:
        parts.append("  (%s)\n" % message)
    aic_text = "NA" if aic is None or math.isnan(aic) else format_real([aic], max(4, digits + 1))[0]
    parts.append("AIC: %s\n\nNumber of Fisher Scoring iterations: %s\n"
                 % (aic_text, format_number(iter)))
    if correlation is not None and np.asarray(correlation).shape[-1] > 1:
        parts.append("\nCorrelation of Coefficients:\n")
        parts.append(format_correlation(correlation, correlation_names, symbolic_cor,
                                        digits, fancy_quotes, width))
    parts.append("\n")
    return "".join(parts)
