"""R's ``print.logLik`` and the data frame ``AIC()``/``BIC()`` print for several fits.

Formats only: the values come from :mod:`rglm.inference.loglik`.
"""

from __future__ import annotations

import math
from typing import Optional, Sequence

from rglm.render.rformat import format_number, format_real
from rglm.render.vector import format_strings, print_char_matrix

__all__ = ["format_loglik", "format_ic_table"]


def format_loglik(value: float, df: float, digits: Optional[int] = None) -> str:
    """R: ``print.logLik`` — ``'log Lik.' -23.38066 (df=5)`` and a newline.

    The value is ``format(c(x), digits = getOption("digits"))``; the degrees of freedom
    ``format(df)``.
    A NaN value is R's ``NA`` (the aic of quasi families is ``NA``).
    """
    df_text = format_number(int(df)) if float(df).is_integer() else format_number(df)
    text = format_real([value], digits, na=[math.isnan(value)])[0].strip()
    return f"'log Lik.' {text} (df={df_text})\n"


def format_ic_table(rownames: Sequence[str], df: Sequence[float], values: Sequence[float],
                    column: str, digits: Optional[int] = None) -> str:
    """R: ``print.data.frame`` of ``AIC(fit1, fit2)`` (columns ``df`` and ``AIC``/``BIC``).

    Each column is formatted on its own (``getOption("digits")``), right-justified under
    its name; row names are left-justified; NaN values print as R's ``NA``.
    """
    df_cells = format_real(list(df), digits)
    values = [float(v) for v in values]
    value_cells = format_real(values, digits, na=[math.isnan(v) for v in values])
    cells = [[d, v] for d, v in zip(df_cells, value_cells)]
    return print_char_matrix(cells, rownames=format_strings(list(rownames)),
                             colnames=["df", column], right=True)
