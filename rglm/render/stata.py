"""Stata's estimation tables: the header, the coefficient table, the margins table.

Formats only, from plain data: a table is a sequence of :class:`StataRow` records
(equation headers, coefficient rows, separators) that a model kind builds from its
numbers; this module lays them out as Stata's ``_coef_table`` and ``margins`` do.
Written for ``fmm`` (issue #10) and meant for any Stata-style printout (``meglm``).

The layout, read from Stata 17/18 output (the ``fmm 2: regress`` and ``estat lcprob``
/ ``estat lcmean`` logs quoted in ``../shared/reference/fmm-behaviour.md`` sources and
Stata's manuals):

* a stub of width ``w`` (12, widened to the longest label, at most 32; longer labels
  abbreviated with ``~``), then `` |`` and the columns; a table is ``w + 1 + 1 + 64``
  characters wide (``+ 48`` for the margins of probabilities);
* coefficient columns, after the bar: the estimate and its standard error ``%9.0g``
  right-aligned in 11 characters, ``z`` as ``%8.2f`` in 9, ``P>|z|`` as ``%5.3f`` in 8,
  the interval's limits ``%9.0g`` in 13 and 12;
* equation headers left-aligned in the stub (``1.Class      |  (base outcome)``);
  variance rows (``var(e.y)``) right-aligned up to the bar; factor levels one column
  left of the bar (``          1  |``);
* a missing number prints as ``.``; a column without a value (``z`` of an ancillary
  parameter) is blank.

Stata's ``%9.0g`` (:func:`format_g`): at most ``w - 2`` significant digits in fixed
notation (room is kept for a sign), no leading zero (``.2166024``), trailing zeros
dropped; ``e`` notation (``4.81e-06``, ``8.4e-305``) when fixed notation would show
fewer significant digits than it, or the integer part does not fit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from rglm.render.tables import TablePage

__all__ = ["StataRow", "format_g", "format_nobs_header", "format_coef_table",
           "format_start_trace", "format_ic_table",
           "format_margins_table", "format_lines", "TABLE_KINDS", "stata_page",
           "coef_table_header", "margins_table_header", "IC_TABLE_HEADER", "ic_rows"]

#: Row kinds of :class:`StataRow`.
TABLE_KINDS = ("equation", "group", "coef", "level", "variance", "separator")

_MIN_STUB = 12
_MAX_STUB = 32


@dataclass(frozen=True)
class StataRow:
    """One row of a Stata table.

    Attributes
    ----------
    kind : str
        ``"equation"`` (an equation's name, left-aligned: ``2.Class``, ``visits``),
        ``"group"`` (a variable heading a block of levels, right-aligned, no values),
        ``"coef"`` (a parameter), ``"level"`` (a factor level's parameter:
        ``1`` of ``Class``), ``"variance"`` (``var(e.y)``: its label reaches the bar),
        ``"separator"`` (a rule).
    label : str
    values : tuple of float or None
        The numbers of the table's columns in order (coefficient tables: estimate,
        standard error, z, P>|z|, lower, upper; probability margins: margin, standard
        error, lower, upper). NaN prints as ``.``; None leaves the cell blank; an empty
        tuple leaves the row without numbers.
    note : str
        Text in place of the numbers: ``(base outcome)`` after an equation,
        ``(constrained)`` after a fixed parameter's value.
    """

    kind: str
    label: str = ""
    values: tuple = ()
    note: str = ""


# ---- numbers --------------------------------------------------------------------------


def _strip_zeros(text: str) -> str:
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _fixed(ax: float, digits: int) -> Optional[tuple[str, int]]:
    """``ax`` (> 0) in fixed notation with at most ``digits`` significant digits in
    ``digits + 1`` characters: ``(text, significant digits shown)``, None if the integer
    part does not fit."""
    if ax >= 1.0:
        n_int = len(f"{math.floor(ax):d}")
        if n_int > digits + 1:
            return None
        text = f"{ax:.{max(0, digits - n_int)}f}"
        if len(text.split(".")[0]) > n_int:  # rounded up to one more digit (9.99 -> 10)
            n_int += 1
            if n_int > digits + 1:
                return None
            text = f"{ax:.{max(0, digits - n_int)}f}"
        return _strip_zeros(text), digits
    text = f"{ax:.{digits}f}"
    if text.startswith("1"):  # .99999996 rounds to 1
        return "1", digits
    decimals = text.split(".")[1]
    leading = len(decimals) - len(decimals.lstrip("0"))
    shown = _strip_zeros(text)
    return (shown[1:] if shown.startswith("0.") else shown), digits - leading


def _scientific(ax: float, room: int) -> str:
    """``ax`` in e notation in ``room`` characters: ``2.00e-35``, ``8.4e-305``."""
    exponent = math.floor(math.log10(ax)) if ax > 0 else 0
    width_exp = 4 if abs(exponent) < 100 else 5  # e+dd / e-ddd
    decimals = max(0, room - 2 - width_exp)
    text = f"{ax:.{decimals}e}"
    if len(text) > room and decimals > 0:  # 9.995e-100 rounds to 1.00e-99: recount
        text = f"{ax:.{decimals - 1}e}"
    return text


def format_g(x: Optional[float], width: int = 9) -> str:
    """Stata's ``%{width}.0g`` of one number (``.`` for NaN/None; no padding).

    Examples: ``.2166024``, ``-.2149548``, ``163.0747``, ``64.8356``, ``.000166``,
    ``4.81e-06``, ``8.4e-305``, ``1``.
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "."
    x = float(x)
    if math.isinf(x):
        return "."
    if x == 0.0:
        return "0"
    room = width - 1  # a sign's place is kept for every number
    ax = abs(x)
    fixed = _fixed(ax, room - 1)
    scientific = _scientific(ax, room)
    sig_scientific = len(scientific.split("e")[0].replace(".", ""))
    if fixed is not None and (ax >= 1.0 or fixed[1] >= sig_scientific):
        text = fixed[0]
    else:
        text = scientific
    return ("-" + text) if x < 0 else text


def _cell(value, width: int, fmt: str) -> str:
    """A right-aligned cell: blank for None, ``.`` for NaN."""
    if value is None:
        return " " * width
    value = float(value)
    if math.isnan(value) or math.isinf(value):
        return f"{'.':>{width}}"
    if fmt == "g":
        return f"{format_g(value):>{width}}"
    return f"{value:{width}{fmt}}"


# ---- stub --------------------------------------------------------------------------


def _abbrev(label: str, width: int) -> str:
    """Stata's abbreviation of a name longer than ``width``: its start, ``~``, its last
    character."""
    if len(label) <= width:
        return label
    return label[: width - 2] + "~" + label[-1]


def _stub_width(rows: Sequence[StataRow], minimum: int = _MIN_STUB) -> int:
    need = minimum
    for r in rows:
        if r.kind == "separator":
            continue
        extra = 1 if r.kind == "level" else 0
        need = max(need, len(r.label) + extra)
    return min(need, _MAX_STUB)


def _stub(row: StataRow, w: int) -> str:
    """The row's label and the bar (``w + 2`` characters)."""
    if row.kind == "equation":
        return f"{_abbrev(row.label, w):<{w}} |"
    if row.kind == "level":
        return f"{_abbrev(row.label, w - 1):>{w - 1}}  |"
    if row.kind == "variance":
        return f"{_abbrev(row.label, w + 1):>{w + 1}}|"
    return f"{_abbrev(row.label, w):>{w}} |"


def _level_text(level: float) -> str:
    text = f"{level:g}"
    return f"[{text}% conf. interval]"


# ---- headers ------------------------------------------------------------------------


def format_nobs_header(title: str, nobs: float, width: int = 78) -> str:
    """``Finite mixture model ... Number of obs = 4,071``: the title, and the number of
    observations (with thousands separators) ending at column ``width``."""
    n = float(nobs)
    count = f"{int(n):,}" if n.is_integer() else format_g(n)
    right = f"Number of obs = {count}"
    return f"{title}{right:>{max(width - len(title), len(right) + 1)}}"


def format_lines(pairs: Sequence[tuple[str, str]]) -> str:
    """Stata's ``Class:    1`` / ``Response: y`` block: each name with its colon padded
    to the longest name plus one space."""
    width = max(len(name) for name, _ in pairs) + 2
    return "\n".join(f"{name + ':':<{width}}{value}".rstrip() for name, value in pairs)


# ---- coefficient tables ----------------------------------------------------------------


_COEF_COLUMNS = ((11, "g"), (11, "g"), (9, ".2f"), (8, ".3f"), (13, "g"), (12, "g"))
_MARGIN_COLUMNS = ((11, "g"), (11, "g"), (14, "g"), (12, "g"))


def _values(row: StataRow, columns) -> str:
    if row.note:
        value = f"{_cell(row.values[0], columns[0][0], columns[0][1])}" if row.values else ""
        return f"{value}  {row.note}"
    if not row.values:
        return ""
    cells = [_cell(v, width, fmt) for v, (width, fmt) in zip(row.values, columns)]
    return "".join(cells).rstrip()


def format_coef_table(rows: Sequence[StataRow], *, coef_title: str = "Coefficient",
                      level: float = 95.0, vcetype: Optional[str] = None,
                      title_line: Optional[str] = None, footnote: Optional[str] = None
                      ) -> str:
    """A Stata coefficient table (``_coef_table``) from its rows.

    Parameters
    ----------
    rows : sequence of StataRow
        Values (estimate, std. err., z, P>|z|, lower, upper) per ``coef`` row.
    coef_title : str
        The estimates' heading: ``"Coefficient"``, ``"exp(b)"``, ``"Margin"``.
    level : float
        The confidence level in percent, for the interval's heading.
    vcetype : str, optional
        A heading above the standard errors (``"Robust"``, ``"OPG"``,
        ``"Delta-method"``): Stata then writes ``std. err.`` in lower case.
    title_line : str, optional
        A line above the table, right-aligned to its width (``(Std. err. adjusted for 50
        clusters in cl)``).
    footnote : str, optional
        A line below the table.

    Returns
    -------
    str
        The table, lines joined by newlines, with a final newline.
    """
    w = _stub_width(rows)
    width = w + 2 + 64
    rule = "-" * width
    mid = "-" * (w + 1) + "+" + "-" * 64
    se = "std. err." if vcetype else "Std. err."
    if coef_title == "Coefficient":
        first = f" {coef_title:>11}  {se}"
    else:
        first = f"{coef_title:>11}   {se}"
    head = f"{'':{w}} |{first}      z    P>|z|{_level_text(level):>25}"
    lines = []
    if title_line:
        lines.append(f"{title_line:>{width}}")
    lines.append(rule)
    if vcetype:
        pad = len(vcetype) + (math.ceil((12 - len(vcetype)) / 2) if len(vcetype) <= 12 else 0)
        lines.append(f"{'':{w}} |{'':12}{vcetype:>{pad}}")
    lines += [head, mid]
    lines += _body(rows, w, mid, _COEF_COLUMNS)
    lines.append(rule)
    if footnote:
        lines.append(footnote)
    return "\n".join(lines) + "\n"


def _body(rows: Sequence[StataRow], w: int, mid: str, columns) -> list[str]:
    out = []
    for r in rows:
        if r.kind == "separator":
            out.append(mid)
        else:
            out.append((_stub(r, w) + _values(r, columns)).rstrip())
    return out


def format_margins_table(rows: Sequence[StataRow], *, level: float = 95.0,
                         se: bool = True, vcetype: str = "Delta-method") -> str:
    """The table of ``margins`` without tests (Stata's ``estat lcprob``): margin, its
    standard error and interval (``values`` of four numbers per row), or the margins
    alone (``se=False``, Stata's ``nose``).
    """
    w = _stub_width(rows)
    width = w + 2 + 48
    rule = "-" * width
    mid = "-" * (w + 1) + "+" + "-" * 48
    lines = [rule]
    if se:
        lines.append(f"{'':{w}} |{'':12}{vcetype}")
        lines.append(f"{'':{w}} |{'Margin':>11}   std. err.{_level_text(level):>25}")
    else:
        lines.append(f"{'':{w}} |{'Margin':>11}")
    lines.append(mid)
    columns = _MARGIN_COLUMNS if se else _MARGIN_COLUMNS[:1]
    lines += _body(rows, w, mid, columns)
    lines.append(rule)
    return "\n".join(lines) + "\n"


def format_start_trace(stage: str, draw: int, loglik: float, iterations: int) -> str:
    """One line of ``fmm(..., progress=True)``: a start's log likelihood after its EM
    iterations (``stage="em"``, Stata's ``(EM)`` lines) or after the direct maximisation
    (``"ml"``), with Stata's ``%10.0g``."""
    if stage == "em":
        return (f"start {draw}: (EM) log likelihood = {format_g(loglik, 10)} "
                f"({iterations} EM iterations)\n")
    return (f"start {draw}: log likelihood = {format_g(loglik, 10)} "
            f"({iterations} Newton iterations)\n")


def format_ic_table(names: Sequence[str], nobs: Sequence[float], ll_model: Sequence[float],
                    df: Sequence[float], aic: Sequence[float], bic: Sequence[float]) -> str:
    """Stata's ``estimates stats``: ``Akaike's information criterion and Bayesian
    information criterion`` with one row per model (``ll(null)`` is not estimated for a
    mixture and prints as ``.``)."""
    rows = ic_rows(names, nobs, ll_model, df, aic, bic)
    w = _stub_width(rows)
    columns = ((11, "g"), (11, "g"), (11, "g"), (8, "g"), (11, "g"), (11, "g"))
    rule = "-" * (w + 2 + 63)
    mid = "-" * (w + 1) + "+" + "-" * 63
    head = (f"{'Model':>{w}} |          N   ll(null)  ll(model)      df        AIC"
            f"        BIC")
    lines = ["Akaike's information criterion and Bayesian information criterion", "",
             rule, head, mid]
    lines += _body(rows, w, mid, columns)
    lines += [rule, "Note: BIC uses N = number of observations. See [R] IC note."]
    return "\n".join(lines) + "\n"


# ---- tables for notebooks (markdown and HTML; not Stata output) ----------------------------


def coef_table_header(coef_title: str = "Coefficient", level: float = 95.0,
                      vcetype: Optional[str] = None) -> tuple:
    """The column names of :func:`format_coef_table` (the interval's heading split over
    its two columns, as Stata spreads it)."""
    lo, hi = _level_text(level).split(" conf. ")
    return ("", coef_title, "std. err." if vcetype else "Std. err.", "z", "P>|z|",
            lo + " conf.", hi)


def margins_table_header(level: float = 95.0, se: bool = True) -> tuple:
    """The column names of :func:`format_margins_table`."""
    if not se:
        return ("", "Margin")
    lo, hi = _level_text(level).split(" conf. ")
    return ("", "Margin", "std. err.", lo + " conf.", hi)


#: The column names of :func:`format_ic_table`.
IC_TABLE_HEADER = ("Model", "N", "ll(null)", "ll(model)", "df", "AIC", "BIC")

#: Stata's display formats of the numeric columns, by table.
_PAGE_COLUMNS = {"coef": _COEF_COLUMNS, "margins": _MARGIN_COLUMNS,
                 "ic": ((11, "g"), (11, "g"), (11, "g"), (8, "g"), (11, "g"), (11, "g"))}


def ic_rows(names: Sequence[str], nobs: Sequence[float], ll_model: Sequence[float],
            df: Sequence[float], aic: Sequence[float], bic: Sequence[float]) -> list:
    """The rows of :func:`format_ic_table` (``ll(null)`` not estimated: ``.``)."""
    return [StataRow("coef", str(m), (n, np.nan, ll, d, a, b))
            for m, n, ll, d, a, b in zip(names, nobs, ll_model, df, aic, bic)]


def stata_page(rows: Sequence[StataRow], header: Sequence[str], table: str = "coef",
               heading: Sequence[str] = (), footer: Sequence[str] = ()) -> TablePage:
    """A Stata table as a table page: one row per :class:`StataRow` (separators dropped),
    the label first, each number in Stata's display format of its column (``table``:
    ``"coef"``, ``"margins"`` or ``"ic"``), a note (``(base outcome)``) after the
    first value."""
    columns = _PAGE_COLUMNS[table][:len(header) - 1]
    body = []
    for r in rows:
        if r.kind == "separator":
            continue
        cells = [_cell(v, width, fmt).strip()
                 for v, (width, fmt) in zip(r.values, columns)]
        if r.note:
            cells = cells[:1] + [r.note]
        cells += [""] * (len(columns) - len(cells))
        body.append((r.label,) + tuple(cells))
    return TablePage(tuple(header), tuple(body), ("left",) + ("right",) * len(columns),
                     tuple(heading), None, tuple(footer))
