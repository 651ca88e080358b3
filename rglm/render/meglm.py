"""Stata's ``meglm`` output: the header, the grouping table, the LR-test line.

Formats only, from plain numbers; the coefficient and random-effects table is
:func:`rglm.render.stata.format_coef_table`'s. The layout, as Stata 17/18 prints
``meglm``/``melogit`` (the manual's examples and public logs quoted in
``../shared/reference/glmm-behaviour.md`` section 4; no Stata here to compare against):

* a two-column header 78 characters wide: descriptions on the left (``Family:``,
  ``Link:``, ``Group variable:``, ``Integration method:``, their values right-aligned to
  column 31), statistics on the right from column 49 (label in 18 characters, ``=``,
  value right-aligned in 11: ``Number of obs     =      1,934``);
* one level: ``Obs per group:`` then ``min``/``avg``/``max`` (avg ``%9.1f``); several
  levels: the grouping table (``No. of groups`` and ``Observations per group``);
* ``Wald chi2(k)`` (``%9.2f``) and ``Prob > chi2`` (``%9.4f``) beside ``Log likelihood =``
  (``%10.0g``);
* below the table, ``LR test vs. <model> model: chibar2(01) = ...  Prob >= chibar2 =``
  for one variance component, ``chi2(k)`` with Stata's note otherwise, the ``Prob``
  part ending at column 78;
* a level's covariances in a block of their own below its variances (the level's name
  repeated), with z and P>|z|; a ``cov(a,b)`` label longer than the stub is wrapped
  after its comma (``   cov(urban,|`` then ``       _cons)|``).

Checked line by line against Stata 17's published ``melogit`` output
(``tests/reference/stata_meglm.json``, ``tests/models/meglm/test_stata_published.py``).
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from rglm.render.stata import StataRow, format_coef_table, format_g

__all__ = ["format_meglm_header", "format_group_table", "format_lr_line",
           "format_meglm_text", "level_rows", "CONSERVATIVE_NOTE"]

CONSERVATIVE_NOTE = "Note: LR test is conservative and provided only for reference."

_LEFT = 48
#: The width of Stata's output lines (the header and the LR-test line end here).
_WIDTH = 78
_MIN_STUB = 12
_MAX_STUB = 32


def _stat(label: str, value: str) -> str:
    return f"{label:<18}={value:>11}"


def _line(left: str, right: str = "") -> str:
    return (f"{left:<{_LEFT}}{right}" if right else left).rstrip()


def _desc(label: str, value: str, width: int = 31) -> str:
    # right-aligned to column 31, as "Integration method: mvaghermite" fills it (public
    # Stata 13 and 15 meglm logs: "Family:                Gaussian", 31 characters)
    return f"{label}{value:>{max(width - len(label), len(value) + 1)}}"


def _fixed(x: float, decimals: int) -> str:
    """``%9.{decimals}f``; ``.`` for a missing value (no covariates: no Wald test)."""
    return "." if not np.isfinite(x) else f"{x:.{decimals}f}"


def _count(n: float) -> str:
    return f"{int(n):,}"


def format_group_table(levels: Sequence[tuple]) -> str:
    """Stata's grouping table: (name, groups, min, avg, max) per level, outermost
    first."""
    rule = "-" * 61
    lines = [rule,
             f"{'':16}|     No. of       Observations per group",
             f"{' Group variable':<16}|     groups    Minimum    Average    Maximum",
             "-" * 16 + "+" + "-" * 44]
    for name, g, lo, avg, hi in levels:
        lines.append(f"{name:>15} |{_count(g):>11}{_count(lo):>11}{avg:>11.1f}"
                     f"{_count(hi):>11}")
    lines.append(rule)
    return "\n".join(lines)


def format_meglm_header(*, title: str, family: Optional[str], link: str, nobs: int,
                        levels: Sequence[tuple], intmethod: str,
                        intpoints: Optional[int], wald: tuple, loglik: float,
                        loglik_label: str = "Log likelihood",
                        extra: Sequence[tuple] = ()) -> str:
    """The header above the table.

    Parameters
    ----------
    family : str or None
        None for the family-specific commands' header (``melogit``: no ``Family:`` and
        ``Link:`` lines).
    levels : sequence of (name, groups, min, avg, max)
        Outermost first; one level is described beside ``Group variable:``.
    intpoints : int or None
        None for the Laplace approximation (Stata prints no points then).
    wald : (chi2, df, p)
    extra : sequence of (label, value)
        Lines below ``Link:`` (nbinomial's ``Overdispersion: mean``).
    """
    lines = [_line(title, _stat("Number of obs", _count(nobs)))]
    if family is not None:
        # meglm names its family and link; melogit, mepoisson, meologit... do not
        lines += [_desc("Family:", family), _desc("Link:", link)]
    lines += [_desc(label, value) for label, value in extra]
    if len(levels) == 1:
        name, g, lo, avg, hi = levels[0]
        # melogit & co. (Stata 17) write "Group variable: district", one space
        group = _desc("Group variable:", name) if family is not None \
            else f"Group variable: {name}"
        lines += [_line(group, _stat("Number of groups", _count(g))),
                  "", _line("", "Obs per group:"),
                  _line("", f"{'min':>17} ={_count(lo):>11}"),
                  _line("", f"{'avg':>17} ={avg:>11.1f}"),
                  _line("", f"{'max':>17} ={_count(hi):>11}")]
    else:
        lines += ["", format_group_table(levels)]
    lines.append("")
    method = _desc("Integration method:", intmethod, 31)
    lines.append(_line(method, _stat("Integration pts.", str(intpoints)))
                 if intpoints is not None else method)
    chi2, df, p = wald
    lines += ["", _line("", _stat(f"Wald chi2({df})", _fixed(chi2, 2))),
              _line(f"{loglik_label} = {format_g(loglik, 10)}",
                    _stat("Prob > chi2", _fixed(p, 4)))]
    return "\n".join(lines)


def format_lr_line(model: str, kind: str, chi2: float, df: int, p: float) -> str:
    """``LR test vs. logistic model: chibar2(01) = 43.39  Prob >= chibar2 = 0.0000``
    (``kind="chibar2"``), or the ``chi2(k)`` test with Stata's note."""
    # Stata ends the line at column 78 (``chibar2(01) = 43.39       Prob >= ...``,
    # ``chi2(3) = 58.42               Prob > chi2 = 0.0000``: Stata 17's melogit)
    if kind == "chibar2":
        left = f"LR test vs. {model} model: chibar2(01) = {chi2:.2f}"
        return _right(left, f"Prob >= chibar2 = {p:.4f}")
    left = f"LR test vs. {model} model: chi2({df}) = {chi2:.2f}"
    return (_right(left, f"Prob > chi2 = {p:.4f}") + "\n\n" + CONSERVATIVE_NOTE)


def _right(left: str, right: str) -> str:
    return f"{left}{right:>{max(_WIDTH - len(left), len(right) + 2)}}"


def level_rows(name: str, rows: Sequence[tuple]) -> list:
    """A level's rows of the random-effects part: (label, values) per parameter, in
    order. The variances under the level's name, then, after a rule, the covariances
    under the name again, as Stata 17 lays them out (their z and P>|z| are shown: a
    covariance is not on a boundary). ``name`` None: no heading (the residual)."""
    var = [StataRow("variance", label, values) for label, values in rows
           if not label.startswith("cov(")]
    cov = [StataRow("variance", label, values) for label, values in rows
           if label.startswith("cov(")]
    head = [StataRow("equation", name)] if name is not None else []
    out = [StataRow("separator")] + head + var
    if cov:
        out += [StataRow("separator")] + head + cov
    return out


def _wrap_covariances(rows: Sequence[StataRow]) -> list:
    """Stata keeps the stub the other rows need and wraps a longer ``cov(a,b)`` label
    after its comma, the numbers on the second line."""
    labels = [len(r.label) for r in rows
              if r.kind not in ("separator", "variance") or not r.label.startswith("cov(")]
    w = min(max([_MIN_STUB] + labels), _MAX_STUB)
    out = []
    for r in rows:
        cut = r.label.find(",") + 1
        if r.kind == "variance" and r.label.startswith("cov(") and len(r.label) > w + 1 \
                and cut > 0:
            out += [StataRow("variance", r.label[:cut]),
                    StataRow("variance", r.label[cut:], r.values, r.note)]
        else:
            out.append(r)
    return out


def format_meglm_text(header: str, rows: Sequence[StataRow], depvar: str, *,
                      coef_title: str = "Coefficient", level: float = 95.0,
                      lr_line: Optional[str] = None, vcetype: Optional[str] = None,
                      title_line: Optional[str] = None) -> str:
    """Header, table (its stub heading the dependent variable, as Stata's) and the
    LR-test line, with a final newline. ``vcetype`` (``"Robust"``) heads the standard
    errors; ``title_line`` (``(Std. err. adjusted for 20 clusters in g)``) stands
    right-aligned above the table after a blank line, as Stata prints them."""
    table = format_coef_table(_wrap_covariances(rows), coef_title=coef_title, level=level,
                              vcetype=vcetype, title_line=title_line)
    if title_line:
        table = "\n" + table
    lines = table.rstrip("\n").split("\n")
    head = next(i for i, text in enumerate(lines) if "P>|z|" in text)
    bar = lines[head].index("|")
    lines[head] = f"{depvar[:bar - 1]:>{bar - 1}} " + lines[head][bar:]
    out = header + "\n" + "\n".join(lines) + "\n"
    if lr_line:
        out += lr_line + "\n"
    return out
