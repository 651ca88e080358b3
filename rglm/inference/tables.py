"""``rglm.to_markdown(obj)`` and ``rglm.to_html(obj)``: tables of any result, by dispatch.

Not R: R prints text only. A result object that can be shown as a table says how with its
``table_page(floatfmt, digits, signif_stars)`` method, which returns a
:class:`rglm.render.tables.TablePage` built from its numbers (a summary, a coeftest, an
anova table); :mod:`rglm.render.tables` lays the page out. Plain data frames, and
anova-like records (a ``table`` DataFrame with R's ``heading`` strings), are shown as
they are.
"""

from __future__ import annotations

from typing import Any, Optional

import pandas as pd

from rglm.render.tables import TablePage, anova_page, frame_page, html, markdown

__all__ = ["to_markdown", "to_html", "table_page"]


def table_page(obj: Any, floatfmt: Optional[str] = None, digits: Optional[int] = None,
               signif_stars: bool = True) -> TablePage:
    """The table (and the paragraphs around it) that ``obj`` shows as markdown or HTML;
    a list of them for a printout of several tables (a mixed model, a mixture).

    Raises
    ------
    TypeError
        For an object that is neither a result with a table, an anova-like record nor a
        DataFrame.
    """
    method = getattr(obj, "table_page", None)
    if callable(method):  # a result, or R's vector/matrix/data frame (rglm.RMatrix, ...)
        page = method(floatfmt=floatfmt, digits=digits, signif_stars=signif_stars)
        if page is not None:
            return page
    if isinstance(obj, pd.DataFrame):
        return frame_page(obj, 5 if digits is None else digits, floatfmt, signif_stars)
    table = getattr(obj, "table", None)
    if isinstance(table, pd.DataFrame) and hasattr(obj, "heading"):
        return anova_page(table, obj.heading or (), 5 if digits is None else digits,
                          floatfmt, signif_stars)
    raise TypeError(f"cannot make a table of a {type(obj).__name__}")


def to_markdown(obj: Any, floatfmt: Optional[str] = None, digits: Optional[int] = None,
                signif_stars: bool = True) -> str:
    """A result object as GitHub-flavoured markdown (a "pipe" table). Not R output.

    Parameters
    ----------
    obj : any rglm result that prints (a fit, a summary, an anova table, ...), an
        anova-like record, or a pandas DataFrame
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
    return markdown(table_page(obj, floatfmt, digits, signif_stars))


def to_html(obj: Any, floatfmt: Optional[str] = None, digits: Optional[int] = None,
            signif_stars: bool = True) -> str:
    """A result object as an HTML fragment (Jupyter's ``_repr_html_``). Not R output.

    Parameters are those of :func:`to_markdown`. The fragment is a ``<div
    class="rglm-table">`` holding ``<p>`` paragraphs and an escaped ``<table>``.
    """
    return html(table_page(obj, floatfmt, digits, signif_stars))
