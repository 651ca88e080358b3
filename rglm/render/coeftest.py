"""R's ``print.coeftest``: the printed table of ``lmtest::coeftest``.

R: ``lmtest:::print.coeftest``: a blank line, ``"<method>:"``, a blank line, the
``printCoefmat`` table (default ``digits = 5``), then a blank line.
"""

from __future__ import annotations

from typing import Optional

import pandas as pd

from rglm.render.coefmat import format_coefmat

__all__ = ["format_coeftest"]


def format_coeftest(table: pd.DataFrame, method: Optional[str], na=None,
                    digits: Optional[int] = None,
                    signif_stars: Optional[bool] = None) -> str:
    """The text ``print(coeftest(...))`` writes.

    Parameters
    ----------
    table : pandas.DataFrame
        Estimates, standard errors, statistics and p-values, rows named by coefficient.
    method : str, optional
        R's ``attr(, "method")`` ("z test of coefficients"); None prints "Test of
        coefficients".
    na : array_like of bool, optional
        The cells that are R's NA (printed ``NA``); other NaN cells print ``NaN``.
    digits : int, optional
        printCoefmat's significant digits (R's default ``max(3, getOption("digits") - 2)``).
    signif_stars : bool, optional
        ``getOption("show.signif.stars")``.

    Returns
    -------
    str
        Ends with the empty line R prints last.
    """
    body = format_coefmat(table.to_numpy(dtype=float), list(map(str, table.index)),
                          list(table.columns), digits=digits, signif_stars=signif_stars,
                          na=na)
    return "\n" + (method or "Test of coefficients") + ":\n\n" + body + "\n"
