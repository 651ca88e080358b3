"""R's ``print.coeftest``: the printed table of ``lmtest::coeftest``.

R: ``lmtest:::print.coeftest``: a blank line, ``"<method>:"``, a blank line, the
``printCoefmat`` table (default ``digits = 5``), then a blank line.
"""

from __future__ import annotations

from rglm.render.coefmat import format_coefmat

__all__ = ["format_coeftest"]


def format_coeftest(ct, digits: int = 5, signif_stars: bool = True) -> str:
    """The text ``print(coeftest(...))`` writes.

    Parameters
    ----------
    ct : rglm.inference.coeftest.CoefTest
    digits : int
        printCoefmat's significant digits (R's default ``max(3, getOption("digits") - 2)``).
    signif_stars : bool
        ``getOption("show.signif.stars")``.

    Returns
    -------
    str
        Ends with the empty line R prints last.
    """
    table = ct.table
    method = ct.method or "Test of coefficients"
    body = format_coefmat(table.to_numpy(dtype=float), list(map(str, table.index)),
                          list(table.columns), digits=digits, signif_stars=signif_stars,
                          na=ct.na)
    return "\n" + method + ":\n\n" + body + "\n"
