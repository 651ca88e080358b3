"""MASS's printed text for its model-selection tools and ``dose.p`` — formats only.

R: ``MASS::dropterm``/``addterm`` (the ``trying`` messages), ``MASS:::print.glm.dose``
(the doses and their standard errors as a two-column matrix, ``print.default``).
``stepAIC``'s lines are ``step()``'s (:mod:`rglm.render.anova`) and its path prints with
MASS's ``print.Anova`` (:func:`rglm.render.negbin.format_anova_negbin`).
"""

from __future__ import annotations

from typing import Optional, Sequence

from rglm.render.rformat import format_real
from rglm.render.tables import TablePage, cells_page
from rglm.render.vector import print_numeric_matrix

__all__ = ["term_trial_message", "dose_names", "format_glm_dose", "glm_dose_page"]


def term_trial_message(sign: str, term: str) -> str:
    """The message dropterm/addterm send before each refit (``trace = TRUE``), without
    the newline ``message()`` adds.

    R: ``message(gettextf("trying - %s", tt))`` (``"trying + %s"`` when adding); stats'
    ``drop1.default`` writes ``trying -x`` with ``cat`` instead
    (:func:`rglm.render.anova.term_trial_line`).
    """
    return f"trying {sign} {term}"


def dose_names(p: Sequence[float], digits: Optional[int] = None) -> list[str]:
    """The names of ``dose.p``'s values: ``paste("p = ", format(p), ":", sep = "")`` —
    the probabilities formatted jointly (common decimals and width, right-justified)."""
    return [f"p = {text}:" for text in format_real(list(p), digits)]


def format_glm_dose(dose: Sequence[float], se: Sequence[float], names: Sequence[str],
                    digits: Optional[int] = None, width: Optional[int] = None) -> str:
    """The text of ``print(dose.p(...))``.

    R: ``MASS:::print.glm.dose``: ``cbind(x, attr(x, "SE"))`` with dimnames
    ``list(names(x), c("Dose", "SE"))``, printed by ``print.default`` (each column
    formatted on its own with ``digits`` significant digits).
    """
    rows = [[float(d), float(s)] for d, s in zip(dose, se)]
    return print_numeric_matrix(rows, rownames=list(names), colnames=["Dose", "SE"],
                                digits=digits, width=width)


def glm_dose_page(dose: Sequence[float], se: Sequence[float], names: Sequence[str],
                  digits: Optional[int] = None) -> TablePage:
    """What :func:`format_glm_dose` prints, as a table for markdown/HTML: the ``Dose``
    and ``SE`` columns, each formatted on its own as ``print.default`` does."""
    columns = [format_real([float(v) for v in col], digits) for col in (dose, se)]
    return cells_page(list(zip(*columns)), list(names), ["Dose", "SE"])
