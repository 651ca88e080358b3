"""Printing MASS negative binomial results: the summary footer and the LR-test table.

R: ``MASS:::print.summary.negbin`` (after ``print.summary.glm``) and ``MASS:::print.Anova``
(``format.data.frame`` then ``print.data.frame`` with NA shown as blank).
"""

from __future__ import annotations

import math
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from rglm.render.rformat import format_real, fround, signif
from rglm.render.vector import format_strings, print_char_matrix

__all__ = ["format_negbin_footer", "format_anova_negbin", "negbin_anova_heading",
           "theta_ml_trace", "glm_nb_trace"]


def theta_ml_trace(iteration: int, theta: float) -> str:
    """One line of ``theta.ml(trace = TRUE)`` (for ``message()``, without the newline).

    R: before the first step ``message(sprintf("theta.ml: iter %d 'theta = %f'", 0L,
    signif(t0)))``; after step ``iter`` ``message("theta.ml: iter", iter, " theta =",
    signif(t0))``, which pastes ``as.character`` (15 significant digits) of the
    6-digit value.
    """
    value = float(signif(theta, 6))
    if iteration == 0:
        return "theta.ml: iter %d 'theta = %f'" % (iteration, value)
    return "theta.ml: iter%d theta =%s" % (iteration, "%.15g" % value)


def glm_nb_trace(iteration: int, theta: float, deviance: float) -> str:
    """One line of ``glm.nb``'s alternation trace (for ``message()``).

    R: ``message(sprintf("Theta(%d) = %f, 2(Ls - Lm) = %f", iter, signif(th),
    signif(d1)))`` with ``signif``'s 6 digits.
    """
    return "Theta(%d) = %f, 2(Ls - Lm) = %f" % (iteration, signif(theta, 6),
                                                 signif(deviance, 6))


def negbin_anova_heading(responses: Sequence[str]) -> tuple[str, ...]:
    """The heading of ``anova(m1, m2, ...)`` for glm.nb fits.

    R: ``MASS:::anova.negbin``: ``c("Likelihood ratio tests of Negative Binomial
    Models\\n", paste("Response:", rsp))``, one line per distinct response.
    """
    return ("Likelihood ratio tests of Negative Binomial Models\n",
            *("Response: " + r for r in responses))


def format_negbin_footer(theta: float, se_theta: float, twologlik: float,
                         th_warn: Optional[str] = None) -> str:
    """The lines ``print.summary.negbin`` adds after the glm summary.

    R: ``dp <- max(2 - floor(log10(SE.theta)), 0)``; ``cat("\\n              Theta: ",
    format(round(theta, dp), nsmall = dp), "\\n          Std. Err.: ",
    format(round(SE.theta, dp), nsmall = dp), "\\n")``; the theta warning if any;
    ``cat("\\n 2 x log-likelihood: ", format(round(twologlik, 3), nsmall = dp), "\\n")``
    — ``cat`` separating its pieces by a space.
    """
    dp = max(2 - math.floor(math.log10(se_theta)), 0) if se_theta > 0 else 0
    th = format_real([fround(theta, dp)], nsmall=dp)[0]
    se = format_real([fround(se_theta, dp)], nsmall=dp)[0]
    out = ["\n              Theta:  %s \n          Std. Err.:  %s \n" % (th, se)]
    if th_warn is not None:
        out.append("Warning while fitting theta: %s \n" % th_warn)
    ll = format_real([fround(twologlik, 3)], nsmall=dp)[0]
    out.append("\n 2 x log-likelihood:  %s \n" % ll)
    return "".join(out)


def _format_column(values: pd.Series) -> list[str]:
    """One column as ``format.data.frame`` formats it, NA cells then blanked.

    Character columns are left as they are (format.data.frame does not pad them, so
    print right-justifies them); numbers are formatted jointly with ``getOption("digits")``
    significant digits (integers as integers), NA taking the width of "NA" before it is blanked.
    """
    if not pd.api.types.is_numeric_dtype(values.dtype):
        return [str(v) for v in values]
    na = values.isna().to_numpy()
    if pd.api.types.is_integer_dtype(values.dtype):
        texts = ["NA" if m else str(int(v)) for v, m in zip(values, na)]
        texts = format_strings(texts, "right")
    else:
        texts = format_real(values.to_numpy(dtype=float, na_value=np.nan), na=na)
    # MASS's print.Anova blanks the NA cells (print pads them to the column's width)
    return ["" if m else t for t, m in zip(texts, na)]


def format_anova_negbin(table: pd.DataFrame, heading: Sequence[str],
                        width: Optional[int] = None) -> str:
    """The text of ``print(anova(m1, m2, ...))`` for glm.nb fits.

    R: ``MASS:::print.Anova``: ``cat(heading, sep = "\\n")``, then the formatted data
    frame with NA cells blank, printed as a character matrix (row names left-justified,
    cells and column names right-justified).
    """
    columns = [_format_column(table[name]) for name in table.columns]
    cells = [[col[i] for col in columns] for i in range(len(table))]
    head = "".join(h + "\n" for h in heading)
    return head + print_char_matrix(cells, [str(r) for r in table.index],
                                    [str(c) for c in table.columns], right=True,
                                    width=width)
