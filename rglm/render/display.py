"""How result objects show themselves: R's printed text, and tables for notebooks.

R's ``print(x)`` dispatches to the class's print method; a Python result object says the
same text with ``format()``. These mixins turn that into ``str()``, ``repr()`` and
IPython's display, and, for objects that can be shown as a table (``table_page()``, a
:class:`rglm.render.tables.TablePage`), into markdown and Jupyter's HTML.

A dataclass using them must be declared with ``repr=False`` (a dataclass writes its own
``__repr__`` otherwise).
"""

from __future__ import annotations

from typing import Optional

from rglm.render.tables import TablePage, anova_page, html, markdown

__all__ = ["Printed", "Tabled", "HeadedTable"]


class Printed:
    """``str()``, ``repr()`` and IPython show ``self.format()``: R's printed text.

    A subclass defines ``format(self) -> str`` (its keyword arguments, if any, have
    defaults: R's print defaults).
    """

    __slots__ = ()

    def __str__(self) -> str:
        return self.format()

    def __repr__(self) -> str:
        return self.format()

    def _repr_pretty_(self, p, cycle) -> None:  # IPython
        p.text(self.format())


class Tabled(Printed):
    """A :class:`Printed` object that is also a table: markdown and HTML (not R output).

    A subclass defines ``table_page(self, floatfmt=None, digits=None, signif_stars=True)
    -> TablePage`` (or a list of them, for a printout of several tables): the cells its
    printout shows and the paragraphs around them, built from its numbers. Arguments a
    printout has no use for (``floatfmt`` for lme4's or Stata's layouts) are ignored.
    """

    __slots__ = ()

    def to_markdown(self, floatfmt: Optional[str] = None, digits: Optional[int] = None,
                    signif_stars: bool = True) -> str:
        """The table as GitHub-flavoured markdown; see :func:`rglm.to_markdown`."""
        return markdown(self.table_page(floatfmt, digits, signif_stars))

    def to_html(self, floatfmt: Optional[str] = None, digits: Optional[int] = None,
                signif_stars: bool = True) -> str:
        """The table as an HTML fragment; see :func:`rglm.to_html`."""
        return html(self.table_page(floatfmt, digits, signif_stars))

    def _repr_html_(self) -> str:  # Jupyter
        return self.to_html()


class HeadedTable(Tabled):
    """A :class:`Tabled` analysis-of-deviance record: a ``table`` DataFrame under R's
    ``heading`` strings (R: a data frame of class ``"anova"`` with its ``heading``)."""

    __slots__ = ()

    def table_page(self, floatfmt: Optional[str] = None, digits: Optional[int] = None,
                   signif_stars: bool = True) -> TablePage:
        """The table under its heading (:func:`rglm.render.tables.anova_page`)."""
        return anova_page(self.table, self.heading, 5 if digits is None else digits,
                          floatfmt, signif_stars)
