"""MASS's ``"Anova"`` tables: a data frame under a heading, printed by ``print.Anova``.

R: objects of class ``c("Anova", "data.frame")`` — ``stepAIC``'s ``$anova`` path and
``anova.negbin``'s likelihood-ratio table — printed by ``MASS:::print.Anova``
(``format.data.frame``, NA cells blank; :func:`rglm.render.negbin.format_anova_negbin`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from rglm.render.display import HeadedTable
from rglm.render.negbin import format_anova_negbin

__all__ = ["MassAnova"]


@dataclass(frozen=True, eq=False, repr=False)
class MassAnova(HeadedTable):
    """A table of MASS's class ``c("Anova", "data.frame")``.

    ``print()`` gives ``print.Anova``'s text; ``x["AIC"]`` a column (R's ``x$AIC``);
    ``to_markdown()``/``to_html()`` the table.

    Attributes
    ----------
    table : pandas.DataFrame
        R's columns and row names; NaN where R has NA.
    heading : tuple of str
        R's ``attr(, "heading")``, printed with ``cat(heading, sep = "\\n")``.
    """

    table: pd.DataFrame
    heading: tuple

    def __getitem__(self, name: str) -> pd.Series:
        return self.table[name]

    def format(self) -> str:
        """The text of MASS's ``print.Anova``."""
        return format_anova_negbin(self.table, self.heading)
