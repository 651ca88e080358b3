"""lme4's printouts of mixed models — formats only.

R: ``lme4:::print.merMod``, ``lme4:::print.summary.merMod`` and their helpers
(``.prt.methTit``, ``.prt.family``, ``.prt.call``, ``.prt.aictab``, ``.prt.resids``,
``.prt.VC``, ``.prt.grps``, ``.prt.warn``), ``reformulas::formatVC`` (the random-effects
table, as current lme4 >= 2.0-1 prints it), ``print.VarCorr.merMod``,
``print.ranef.mer`` and ``print.data.frame``. The layout is current lme4's: the
AIC-table entry ``-2*log(L)`` (lme4 >= 1.1-37), every column of the correlation block
kept and Variance before Std.Dev. (reformulas' ``formatVC``).

Everything here takes plain data — strings, numbers, arrays and the small frozen records
defined below — and returns the text; the fitted objects (``rglm.models.mixed``) compute
what is shown (quantiles, correlations, abbreviated names) and call these functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from rglm.formula.deparse import quote_name
from rglm.render.coefmat import format_coefmat
from rglm.render.rformat import encode_real, format_info, format_number, \
    format_real, fround, zapsmall
from rglm.render.tables import TablePage, cells_page, coef_page, text_page, vector_page
from rglm.render.vector import print_char_matrix, print_named_vector, print_numeric_vector

__all__ = ["CallText", "AicTable", "VarCorrData", "WarnInfo", "strwrap", "cat_fill",
           "format_title", "format_family", "format_call", "format_aic_table",
           "format_scaled_residuals", "varcorr_cells", "format_varcorr",
           "format_groups", "format_fixef", "format_fixef_correlation", "format_warn",
           "format_fit_messages", "format_mermod", "format_summary_mermod",
           "format_data_frame", "format_ranef", "varcorr_page", "mermod_page",
           "ranef_page", "summary_mermod_page"]


# ---- records of plain data -------------------------------------------------------------


@dataclass(frozen=True)
class CallText:
    """The pieces of a fit's call that lme4 prints (``.prt.call``), each as the lines of
    R's ``deparse()`` (empty when the call has no such argument).

    Attributes
    ----------
    formula, data, weights, offset, control, subset : tuple of str
    """

    formula: tuple = ()
    data: tuple = ()
    weights: tuple = ()
    offset: tuple = ()
    control: tuple = ()
    subset: tuple = ()


@dataclass(frozen=True)
class AicTable:
    """lme4's ``llikAIC()$AICtab``: the REML criterion of a REML fit, else AIC, BIC,
    logLik, -2*log(L) and the residual degrees of freedom.

    Attributes
    ----------
    reml : float or None
        The REML criterion (a REML fit prints only this).
    aic, bic, loglik, minus2logL : float
    df_resid : int
    """

    reml: Optional[float] = None
    aic: float = np.nan
    bic: float = np.nan
    loglik: float = np.nan
    minus2logL: float = np.nan
    df_resid: int = 0


@dataclass(frozen=True)
class VarCorrData:
    """The estimated random-effects covariances, term by term (R: a ``VarCorr.merMod``).

    Attributes
    ----------
    groups : tuple of str
        The name of each term's grouping factor (made unique as R's ``make.names(unique
        = TRUE)``: ``Subject``, ``Subject.1``).
    names : tuple of tuple of str
        Each term's column names (``(Intercept)``, ``Days``).
    stddev : tuple of numpy.ndarray
        Each term's standard deviations.
    correlation : tuple of numpy.ndarray
        Each term's correlation matrix (1 x 1 for a scalar term).
    residual : float or None
        The residual standard deviation, printed as a ``Residual`` row (R's ``useSc``).
    """

    groups: tuple
    names: tuple
    stddev: tuple = field(repr=False)
    correlation: tuple = field(repr=False)
    residual: Optional[float] = None


@dataclass(frozen=True)
class WarnInfo:
    """What ``.prt.warn`` reports (R: ``fit@optinfo``).

    Attributes
    ----------
    optimizer : str
        The optimiser's name as lme4 records it (``Nelder_Mead``, ``nloptwrap``).
    code : int
        The optimiser's convergence code.
    message : str
        The optimiser's message (shown when ``code`` is not 0).
    lme4_messages : tuple of str
        lme4's convergence messages (``optinfo$conv$lme4$messages``).
    warnings : tuple of str
        The optimiser's warnings.
    """

    optimizer: str
    code: int = 0
    message: str = ""
    lme4_messages: tuple = ()
    warnings: tuple = ()


# ---- R's text primitives -------------------------------------------------------------


def strwrap(text: str, width: int, exdent: int = 0) -> list[str]:
    """Greedy word wrap into lines shorter than ``width``. R: ``strwrap(x, width,
    exdent)`` for one paragraph of single-blank-separated words."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        indent = 0 if not lines else exdent
        if current and indent + len(current) + 1 + len(word) < width:
            current += " " + word
        elif current:
            lines.append(" " * indent + current)
            current = word
        else:
            current = word
    if current or not lines:
        lines.append(" " * (0 if not lines else exdent) + current)
    return lines


def cat_fill(items: Sequence[str], width: int = 80, sep: str = " ") -> str:
    """``cat(..., sep = sep, fill = TRUE)``: the items separated by ``sep``, a new line
    before an item that would pass ``width`` (the separator stays at the end of the
    line before), and a final newline."""
    lines: list[str] = []
    line = ""
    used = 0
    for k, item in enumerate(items):
        w = len(item)
        if k > 0 and used + w + len(sep) > width:
            lines.append(line)
            line, used = "", 0
        line += item
        used += w + len(sep)
        if k < len(items) - 1:
            line += sep
    lines.append(line)
    return "\n".join(lines) + "\n"


def format_title(title: str, r_class: str, width: int = 80) -> str:
    """``.prt.methTit``: ``Title ['class']`` on one line, or the title wrapped at
    ``width - 2`` (continuation lines indented by 2) followed by `` [class]``."""
    if len(title) + 5 + len(r_class) > width:
        return cat_fill(strwrap(title, width - 2, exdent=2) + [" [", r_class, "]"],
                        width, sep="")
    return f"{title} ['{r_class}']\n"


def format_family(family: Optional[str], link: Optional[str], width: int = 80) -> str:
    """``.prt.family``: `` Family: binomial  ( logit )`` (nothing for a linear mixed
    model)."""
    if family is None:
        return ""
    items = [" Family:", family]
    if link is not None:
        items.append(f" ( {link} )")
    return cat_fill(items, width)


def format_call(call: CallText, long: bool = True, width: int = 80) -> str:
    """``.prt.call``: the ``Formula:``, ``Data:``, ``Weights:``, `` Offset:``,
    ``Control:`` (summary only, unless it is ``lmerControl()``) and `` Subset:`` lines."""
    out = []
    for label, lines in (("Formula:", call.formula), ("   Data:", call.data),
                         ("Weights:", call.weights), (" Offset:", call.offset)):
        if lines:
            out.append(cat_fill([label, *lines], width))
    if long and call.control and tuple(call.control) != ("lmerControl()",):
        out.append(cat_fill(["Control:", *call.control], width))
    if call.subset:
        out.append(cat_fill([" Subset:", *call.subset], width))
    return "".join(out)


def format_aic_table(tab: AicTable, digits: int, width: int = 80) -> str:
    """``.prt.aictab``: ``REML criterion at convergence: x`` for a REML fit, else the
    named vector AIC, BIC, logLik, -2*log(L), df.resid rounded to ``digits`` decimals and
    formatted jointly (df.resid on its own)."""
    if tab.reml is not None:
        return cat_fill(["REML criterion at convergence:",
                         format_number(fround(tab.reml, digits))], width)
    values = fround(np.array([tab.aic, tab.bic, tab.loglik, tab.minus2logL,
                              float(tab.df_resid)]), digits)
    texts = format_real(values, 7)
    texts[4] = format_real(values[4:], 7)[0]
    names = ["AIC", "BIC", "logLik", "-2*log(L)", "df.resid"]
    return print_named_vector(texts, names, gap=1, width=width)


def format_scaled_residuals(quantiles, digits: int, width: int = 80) -> str:
    """``.prt.resids``: ``Scaled residuals: `` then the five quantiles through
    ``zapsmall(, digits + 1)``, printed with ``digits``, and an empty line."""
    q = zapsmall(np.asarray(quantiles, dtype=float), digits + 1)
    body = print_numeric_vector(q, ["Min", "1Q", "Median", "3Q", "Max"], digits=digits,
                                width=width)
    return "Scaled residuals: \n" + body + "\n"


# ---- the random-effects table (reformulas::formatVC) ----------------------------------


def varcorr_cells(vc: VarCorrData, digits: int, comp: Sequence[str] = ("Std.Dev.",)
                  ) -> tuple[list, list]:
    """The character matrix of ``formatVC(varcor, digits, comp)``: columns Groups, Name,
    [Variance], [Std.Dev.], then the correlations (lower triangles, 2 decimals less
    than ``digits`` but at least 2, padded to the widest term) when any term has them.

    Returns
    -------
    (rows, colnames)
    """
    use = [c for c in ("Variance", "Std.Dev.") if c in comp]
    if not use:
        raise ValueError("Must report either standard deviations or variances")
    corr_digits = max(2, digits - 2)
    sds = [np.asarray(s, dtype=float).ravel() for s in vc.stddev]
    names = [list(n) for n in vc.names]
    groups = list(vc.groups)
    corrs = []
    for c in vc.correlation:
        c = np.atleast_2d(np.asarray(c, dtype=float))
        p = c.shape[0]
        cells = np.array(format_real(fround(c, corr_digits).ravel(), 7, nsmall=corr_digits),
                         dtype=object).reshape(p, p)
        cells[np.triu(np.ones((p, p), dtype=bool))] = ""
        corrs.append(cells)
    if vc.residual is not None:
        sds.append(np.array([vc.residual]))
        names.append([""])
        groups.append("Residual")
        corrs.append(np.array([[""]], dtype=object))
    all_sd = np.concatenate(sds) if sds else np.zeros(0)
    columns = []
    if "Variance" in use:
        columns.append(format_real(all_sd * all_sd, digits))
    if "Std.Dev." in use:
        columns.append(format_real(all_sd, digits))
    ncorr = max(c.shape[1] for c in corrs) if corrs else 0
    rows = []
    k = 0
    any_corr = any((c != "").any() for c in corrs)
    for g, nm, sd, cc in zip(groups, names, sds, corrs):
        for i in range(len(sd)):
            row = [g if i == 0 else "", nm[i]] + [col[k] for col in columns]
            if any_corr:
                crow = list(cc[i]) if i < cc.shape[0] else []
                row += crow + [""] * (ncorr - len(crow))
            rows.append(row)
            k += 1
    colnames = ["Groups", "Name"] + use
    if any_corr:
        colnames += ["Corr"] + [""] * (ncorr - 1)
    return rows, colnames


def format_varcorr(vc: VarCorrData, digits: int, comp: Sequence[str] = ("Std.Dev.",),
                   width: int = 80) -> str:
    """``print(formatVC(varcor, digits, comp), quote = FALSE)``: the table lme4's
    ``print(VarCorr(fit))`` (digits 5) and its fit printouts (digits 4) show."""
    rows, colnames = varcorr_cells(vc, digits, comp)
    return print_char_matrix(rows, [""] * len(rows), colnames, right=False, width=width)


def format_groups(names: Sequence[str], counts: Sequence[int], nobs: int,
                  width: int = 80) -> str:
    """``.prt.grps``: ``Number of obs: 56, groups:  herd, 15`` (factors joined by
    ``; ``)."""
    groups = "; ".join(f"{g}, {int(n)}" for g, n in zip(names, counts))
    return cat_fill([f"Number of obs: {int(nobs)}, groups: ", groups], width)


def format_fixef(names: Sequence[str], values, digits: int, width: int = 80) -> str:
    """``print.default(format(fixef, digits = digits), print.gap = 2L, quote = FALSE)``
    under ``Fixed Effects:`` (``No fixed effect coefficients`` when there are none)."""
    if len(names) == 0:
        return "No fixed effect coefficients\n"
    texts = format_real(np.asarray(values, dtype=float), digits)
    return "Fixed Effects:\n" + print_named_vector(texts, list(names), gap=2, width=width)


def format_fixef_correlation(correlation, row_names: Sequence[str],
                             col_names: Sequence[str], width: int = 80) -> str:
    """``Correlation of Fixed Effects:``: ``format(round(cor, 3), nsmall = 3)`` with the
    upper triangle and diagonal blank, the first row and last column dropped; row and
    column names as given (R abbreviates them to 11 and 6 characters)."""
    cor = np.asarray(correlation, dtype=float)
    p = cor.shape[0]
    cells = np.array(format_real(fround(cor, 3).ravel(), 7, nsmall=3),
                     dtype=object).reshape(p, p)
    cells[~np.tril(np.ones((p, p), dtype=bool), -1)] = ""
    rows = [list(r) for r in cells[1:, :p - 1]]
    return "\nCorrelation of Fixed Effects:\n" + print_char_matrix(
        rows, list(row_names)[1:], list(col_names)[:p - 1], right=False, width=width)


def format_warn(info: WarnInfo, summary: bool) -> str:
    """``.prt.warn``: nothing when the optimiser converged without warnings and lme4 has
    no message; else the convergence line — with the counts (``print()``), or followed
    by each message and an empty line (``summary()``: ``cat(..., sep = "\\n")`` ends with
    a newline, then ``cat("\\n")``)."""
    if info.code == 0 and not info.lme4_messages and not info.warnings:
        return ""
    m = "(OK)" if info.code == 0 else f"({info.message})"
    conv = f"optimizer ({info.optimizer}) convergence code: {info.code} {m}"
    if summary:
        return (f"{conv} ; {len(info.warnings)} optimizer warnings; "
                f"{len(info.lme4_messages)} lme4 warnings \n")
    # cat(..., sep = "\n") ends with its separator; then cat("\n"): an empty line
    return "\n".join([conv, *info.lme4_messages, *info.warnings]) + "\n\n"


def format_fit_messages(messages: Sequence[str]) -> str:
    """``fit warnings:`` and the messages lme4 attached to the model matrix (rank
    deficiency, scales)."""
    msgs = [m for m in messages if m]
    if not msgs:
        return ""
    return "fit warnings:\n" + "\n".join(msgs) + "\n"


# ---- the printouts --------------------------------------------------------------------


def format_mermod(title: str, r_class: str, family: Optional[str], link: Optional[str],
                  call: CallText, aic: AicTable, varcorr: VarCorrData,
                  group_names: Sequence[str], group_counts: Sequence[int], nobs: int,
                  fixef_names: Sequence[str], fixef, fit_messages: Sequence[str],
                  warn: WarnInfo, digits: int = 4, width: int = 80) -> str:
    """The text ``print(fit)`` shows for a fitted mixed model. R: ``print.merMod``."""
    return "".join([
        format_title(title, r_class, width), format_family(family, link, width),
        format_call(call, long=False, width=width), format_aic_table(aic, 4, width),
        "Random effects:\n", format_varcorr(varcorr, digits, ("Std.Dev.",), width),
        format_groups(group_names, group_counts, nobs, width),
        format_fixef(fixef_names, fixef, digits, width),
        format_fit_messages(fit_messages), format_warn(warn, summary=True)])


def format_summary_mermod(title: str, r_class: str, family: Optional[str],
                          link: Optional[str], call: CallText, aic: AicTable,
                          residual_quantiles, varcorr: VarCorrData,
                          group_names: Sequence[str], group_counts: Sequence[int],
                          nobs: int, coefficients, coef_names: Sequence[str],
                          coef_colnames: Sequence[str], correlation=None,
                          cor_row_names: Sequence[str] = (),
                          cor_col_names: Sequence[str] = (),
                          fit_messages: Sequence[str] = (), warn: Optional[WarnInfo] = None,
                          digits: int = 4, signif_stars: bool = True,
                          width: int = 80) -> str:
    """The text ``print(summary(fit))`` shows. R: ``print.summary.merMod``.

    ``coefficients`` is the table (Estimate, Std. Error, z or t value[, Pr(>|z|)]);
    ``correlation`` the correlation of the fixed effects, or None when it is not shown.
    """
    parts = [format_title(title, r_class, width), format_family(family, link, width),
             format_call(call, long=True, width=width), "\n",
             format_aic_table(aic, 1, width), "\n",
             format_scaled_residuals(residual_quantiles, digits, width),
             "Random effects:\n",
             format_varcorr(varcorr, digits, ("Variance", "Std.Dev."), width),
             format_groups(group_names, group_counts, nobs, width)]
    if len(coef_names):
        parts += ["\nFixed effects:\n",
                  format_coefmat(np.asarray(coefficients, dtype=float), list(coef_names),
                                 list(coef_colnames), digits=digits,
                                 signif_stars=signif_stars, width=width)]
        if correlation is not None and len(coef_names) > 1:
            parts.append(format_fixef_correlation(correlation, cor_row_names,
                                                  cor_col_names, width))
    parts.append(format_fit_messages(fit_messages))
    if warn is not None:
        parts.append(format_warn(warn, summary=False))
    return "".join(parts)


# ---- data frames and ranef() ----------------------------------------------------------


def _column_texts(values: pd.Series, digits: int) -> tuple[list, bool]:
    """One column of ``format.data.frame``: numbers jointly with ``digits`` (NA as
    ``NA``, NaN as ``NaN``), text as it is (NA as ``<NA>``); and whether it is
    right-justified."""
    if pd.api.types.is_bool_dtype(values.dtype):
        return [("NA" if pd.isna(v) else ("TRUE" if v else "FALSE")) for v in values], True
    if pd.api.types.is_integer_dtype(values.dtype):
        return [("NA" if pd.isna(v) else str(int(v))) for v in values], True
    if pd.api.types.is_numeric_dtype(values.dtype):
        arr = values.to_numpy(dtype=float, na_value=np.nan)
        # NaN in a float64 column is R's NaN (printed so); NA only from nullable dtypes
        na = values.isna().to_numpy() if isinstance(values.dtype, pd.api.extensions.
                                                    ExtensionDtype) else np.isnan(arr) & False
        w, d, e = format_info(arr, digits, na=na)
        return [t.strip() for t in encode_real(arr, w, d, e, na=na)], True
    return [("<NA>" if pd.isna(v) else str(v)) for v in values], True


def format_data_frame(frame: pd.DataFrame, digits: int = 7, width: int = 80,
                      row_names: Optional[Sequence[str]] = None) -> str:
    """``print.data.frame(frame, digits)``: each column formatted on its own, cells and
    column names right-justified, row names left-justified.

    Row names default to the index as R shows it (an integer label k is R's row k+1).
    """
    if row_names is None:
        idx = frame.index
        if pd.api.types.is_integer_dtype(idx.dtype):
            row_names = [str(int(v) + 1) for v in idx]
        else:
            row_names = [str(v) for v in idx]
    if frame.shape[1] == 0:
        return f"data frame with 0 columns and {len(frame)} rows\n"
    if frame.shape[0] == 0:
        return ("[1] " + " ".join(str(c) for c in frame.columns) +
                "\n<0 rows> (or 0-length row.names)\n")
    columns = []
    for name in frame.columns:
        texts, _ = _column_texts(frame[name], digits)
        w = max(len(t) for t in texts)
        columns.append([t.rjust(w) for t in texts])
    rows = [[col[i] for col in columns] for i in range(len(frame))]
    return print_char_matrix(rows, list(row_names), [str(c) for c in frame.columns],
                             right=True, width=width)


def format_ranef(frames: Sequence[tuple], cond_var: bool, width: int = 80) -> str:
    """``print(ranef(fit))``: each grouping factor's data frame under ``$name`` (back-quoted
    when not a syntactic name, as print.default shows list names), an empty
    line after each, then ``with conditional variances for “g” `` when they were
    computed. ``frames`` holds (name, DataFrame) pairs."""
    out = []
    for name, frame in frames:
        out.append(f"${quote_name(name)}\n" + format_data_frame(frame, 7, width,
                                                     [str(v) for v in frame.index]) + "\n")
    if cond_var and frames:
        quoted = " ".join(f"\u201c{name}\u201d" for name, _ in frames)
        out.append(f"with conditional variances for {quoted} \n")
    return "".join(out)


# ---- tables for notebooks (markdown and HTML; not R output) ------------------------------


def _lines(text: str) -> list:
    """Printed text as paragraphs: its non-empty lines, stripped."""
    return [line.strip() for line in text.split("\n") if line.strip()]


def _aic_page(tab: AicTable, digits: int, heading: Sequence[str]) -> TablePage:
    """``.prt.aictab`` as a one-row table (or its REML line)."""
    if tab.reml is not None:
        return text_page(list(heading) + _lines(format_aic_table(tab, digits)))
    values = fround(np.array([tab.aic, tab.bic, tab.loglik, tab.minus2logL,
                              float(tab.df_resid)]), digits)
    texts = format_real(values, 7)
    texts[4] = format_real(values[4:], 7)[0]
    return vector_page(texts, ["AIC", "BIC", "logLik", "-2*log(L)", "df.resid"], heading)


def varcorr_page(vc: VarCorrData, digits: int, comp: Sequence[str] = ("Std.Dev.",),
                 heading: Sequence[str] = (), footer: Sequence[str] = ()) -> TablePage:
    """The cells of :func:`format_varcorr` as a table (text left-aligned, as lme4 prints
    them)."""
    rows, colnames = varcorr_cells(vc, digits, comp)
    return cells_page(rows, None, colnames, heading, footer, align=["left"] * len(colnames))


def mermod_page(title: str, r_class: str, family: Optional[str], link: Optional[str],
                call: CallText, aic: AicTable, varcorr: VarCorrData,
                group_names: Sequence[str], group_counts: Sequence[int], nobs: int,
                fixef_names: Sequence[str], fixef, fit_messages: Sequence[str],
                warn: WarnInfo, digits: int = 4) -> list:
    """What :func:`format_mermod` prints, as tables: the AIC line, the random effects
    (with the groups line), the fixed effects (with lme4's messages)."""
    # the title on one line: a paragraph wraps by itself
    head = [" ".join(_lines(format_title(title, r_class)))]
    head += _lines(format_family(family, link) + format_call(call, long=False))
    tail = _lines(format_fit_messages(fit_messages) + format_warn(warn, summary=True))
    pages = [_aic_page(aic, 4, head),
             varcorr_page(varcorr, digits, ("Std.Dev.",), ["Random effects:"],
                          _lines(format_groups(group_names, group_counts, nobs)))]
    if len(fixef_names):
        texts = format_real(np.asarray(fixef, dtype=float), digits)
        pages.append(vector_page(texts, list(fixef_names), ["Fixed Effects:"], tail))
    else:
        pages.append(text_page(["No fixed effect coefficients"] + tail))
    return pages


def summary_mermod_page(title: str, r_class: str, family: Optional[str],
                        link: Optional[str], call: CallText, aic: AicTable,
                        residual_quantiles, varcorr: VarCorrData,
                        group_names: Sequence[str], group_counts: Sequence[int], nobs: int,
                        coefficients: pd.DataFrame, fit_messages: Sequence[str] = (),
                        warn: Optional[WarnInfo] = None, digits: int = 4,
                        floatfmt: Optional[str] = None, signif_stars: bool = True) -> list:
    """What :func:`format_summary_mermod` prints, as tables: the AIC line, the scaled
    residuals, the random effects (variances and standard deviations) with the groups
    line, and the fixed effects' coefficient table (printCoefmat's cells)."""
    head = [" ".join(_lines(format_title(title, r_class)))]
    head += _lines(format_family(family, link) + format_call(call, long=True))
    tail = _lines(format_fit_messages(fit_messages)
                  + (format_warn(warn, summary=False) if warn is not None else ""))
    q = zapsmall(np.asarray(residual_quantiles, dtype=float), digits + 1)
    pages = [_aic_page(aic, 1, head),
             vector_page(format_real(q, digits), ["Min", "1Q", "Median", "3Q", "Max"],
                         ["Scaled residuals:"]),
             varcorr_page(varcorr, digits, ("Variance", "Std.Dev."), ["Random effects:"],
                          _lines(format_groups(group_names, group_counts, nobs)))]
    if len(coefficients):
        pages.append(coef_page(coefficients, digits, floatfmt, signif_stars,
                               ["Fixed effects:"], tail))
    elif tail:
        pages.append(text_page(tail))
    return pages


def ranef_page(frames: Sequence[tuple], cond_var: bool) -> list:
    """What :func:`format_ranef` prints, as tables: one per grouping factor under its
    ``$name``, each column formatted on its own with 7 digits."""
    pages = []
    for name, frame in frames:
        columns = [_column_texts(frame[c], 7)[0] for c in frame.columns]
        pages.append(cells_page(list(zip(*columns)), [str(v) for v in frame.index],
                                [str(c) for c in frame.columns], [f"${quote_name(name)}"]))
    if cond_var and pages:
        quoted = " ".join(f"\u201c{name}\u201d" for name, _ in frames)
        pages.append(text_page([f"with conditional variances for {quoted}"]))
    return pages
