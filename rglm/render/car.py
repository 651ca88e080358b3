"""The headings of car's ``Anova`` tables and ``linearHypothesis`` tests — formats only.

R: the ``heading`` attributes car gives its ``c("anova", "data.frame")`` results, which
``stats::print.anova`` prints with ``cat(heading, sep = "\\n")`` before the table
(:func:`rglm.render.anova.format_anova`). The text follows current car (3.1-3 and
later): ``linearHypothesis`` opens with ``"\\nLinear hypothesis test:"`` and prints a
hypothesis on coefficients whose names hold an arithmetic operator as the user wrote it
(car 3.1-2), where car 3.1-1 mangled such names.
"""

from __future__ import annotations

import re
from typing import Optional, Sequence

import numpy as np

from rglm.formula.deparse import deparse_number

__all__ = ["anova_type_heading", "hypothesis_lines", "linear_hypothesis_heading",
           "ERROR_ESTIMATES"]

#: car's ``error.estimate`` -> the words of its F-test heading.
ERROR_ESTIMATES = {"pearson": "Pearson residuals", "dispersion": "estimated dispersion",
                   "deviance": "deviance"}


def anova_type_heading(type_ii: bool, response_lines: Sequence[str],
                       error_estimate: Optional[str] = None) -> tuple[str, ...]:
    """The heading of ``car::Anova``'s table for a glm.

    R: ``c("Analysis of Deviance Table (Type II tests)\\n", paste("Response:",
    responseName(mod)))`` (``Type III``), and for the F tests ``paste("Error estimate
    based on", <words>, "\\n")``.

    Parameters
    ----------
    type_ii : bool
        Type II (else type III) tests.
    response_lines : sequence of str
        ``deparse()`` of the response, one element per line (``paste`` recycles).
    error_estimate : {"pearson", "dispersion", "deviance"}, optional
        The F tests' error estimate (None: a likelihood-ratio or Wald table).
    """
    kind = "II" if type_ii else "III"
    head = [f"Analysis of Deviance Table (Type {kind} tests)\n",
            *(f"Response: {line}" for line in response_lines)]
    if error_estimate is not None:
        head.append(f"Error estimate based on {ERROR_ESTIMATES[error_estimate]} \n")
    return tuple(head)


def _as_character(x: float) -> str:
    """R's ``as.character()`` of a double: 15 significant digits, fixed notation unless
    scientific is narrower."""
    return deparse_number(float(x))


# a name holding one of these is printed as the user's text (car >= 3.1-2)
_OPERATOR = re.compile(r"[-+*/]")
# R's [^[:alnum:]_.]: neither a letter, a digit, "_" nor "."
_NOT_NAME = r"[^\w.]"


def _spaced(text: str) -> str:
    """``gsub("-", " - ")``, ``gsub("+", "  + ")``, then every double blank halved, as
    car spaces the signs of a hypothesis."""
    return text.replace("-", " - ").replace("+", "  + ").replace("  ", " ")


def _hypothesis_line(coefs: np.ndarray, names: Sequence[str], rhs: float) -> str:
    """One hypothesis as car's ``printHypothesis`` writes it: the non-zero coefficients
    with their signs, unit coefficients dropped, ``= rhs``."""
    terms = [(_as_character(c) if c < 0 else "+" + _as_character(c)) + " " + name
             for c, name in zip(coefs, names)]
    h = _spaced("".join(terms))
    h = re.sub(r"^ \+", "", h, count=1)
    h = re.sub(r"^ ", "", h, count=1)
    h = re.sub(r"^- ", "-", h, count=1)
    h = f" {h} = {_as_character(rhs)}"
    # unit coefficients: "- 1 x" -> "-1 x" -> "-x", " 1 x" -> "x"; car's patterns also
    # eat an opening parenthesis after the 1, which it gives back to "(Intercept)"
    h = re.sub(r"- +1 +", "-1 ", h)
    h = re.sub(r"-1(" + _NOT_NAME + r"+)[ *]*", "-", h)
    h = re.sub(r" 1(" + _NOT_NAME + r"+)[ *]*", "", h)
    h = h.replace("Intercept)", "(Intercept)", 1)
    return re.sub(r"^ *", "", _spaced(h), count=1)


def hypothesis_lines(L: np.ndarray, rhs: Sequence[float], cnames: Sequence[str],
                     texts: Optional[Sequence[str]] = None) -> list[str]:
    """The hypotheses as car prints them. R: ``car:::printHypothesis(L, rhs, cnames)``.

    Parameters
    ----------
    L : ndarray, shape (q, p)
        The hypothesis matrix, one row per hypothesis.
    rhs : sequence of float
        The right-hand sides.
    cnames : sequence of str
        The coefficient names (the columns of ``L``).
    texts : sequence of str, optional
        The hypotheses as the user wrote them (R: ``rownames(L)``), None for a matrix.

    Returns
    -------
    list of str
        One line per hypothesis; a hypothesis on a coefficient whose name holds ``-``,
        ``+``, ``*`` or ``/`` is the user's text (with `` = `` around an ``=`` written
        without a blank after it), and when there is no text for it the whole block is
        one empty line.
    """
    L = np.atleast_2d(np.asarray(L, dtype=float))
    lines = []
    for i, row in enumerate(L):
        sel = row != 0
        names = [n for n, s in zip(cnames, sel) if s]
        if any(_OPERATOR.search(n) for n in names):
            if texts is None:
                return [""]
            text = texts[i]
            lines.append(text.replace("=", " = ", 1) if re.search(r"=[^ ]", text) else text)
            continue
        lines.append(_hypothesis_line(row[sel], names, rhs[i]))
    return lines


def linear_hypothesis_heading(lines: Sequence[str], formula_lines: Sequence[str],
                              vcov_supplied: bool) -> tuple[str, ...]:
    """The heading of ``car::linearHypothesis``'s test.

    R: ``c("\\nLinear hypothesis test:", printHypothesis(L, rhs, names(b)), "", topnote,
    note)`` with ``topnote = "Model 1: restricted model\\nModel 2: <formula>"`` and
    ``note`` the remark on a supplied covariance matrix (or ``""``).
    """
    topnote = "Model 1: restricted model\nModel 2: " + "\n".join(formula_lines)
    note = "\nNote: Coefficient covariance matrix supplied.\n" if vcov_supplied else ""
    return ("\nLinear hypothesis test:", *lines, "", topnote, note)
