"""R's ``print.anova`` and the lines ``step()`` prints — formats only.

R: ``stats::print.anova`` (src/library/stats/R/anova.R) prints the heading with
``cat(heading, sep = "\\n")`` and the table with ``printCoefmat``; ``stats::step`` prints
``Start:  AIC=...`` / ``Step:  AIC=...`` with the formula before each candidate table.
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from rglm.render.coefmat import format_coefmat
from rglm.render.rformat import format_number, format_real, fround, option_digits

__all__ = ["format_anova", "format_heading", "format_step_line", "anova_column_roles",
           "anova_glm_heading", "anova_models_heading", "term_changes_heading",
           "term_trial_line", "step_path_heading"]


def format_heading(heading: Sequence[str]) -> str:
    """``cat(heading, sep = "\\n")``: the pieces joined by newlines, and a final newline
    (R's cat ends with a newline when its separator holds one)."""
    if not heading:
        return ""
    return "\n".join(heading) + "\n"


def anova_glm_heading(family: str, link: str, response: str) -> tuple[str]:
    """The heading of a one-model analysis of deviance.

    R: ``anova.glm``'s ``title``: ``"Analysis of Deviance Table\\n\\nModel: <family>, link:
    <link>\\n\\nResponse: <response>\\n\\nTerms added sequentially (first to last)\\n\\n"``.
    """
    return (f"Analysis of Deviance Table\n\nModel: {family}, link: {link}"
            f"\n\nResponse: {response}\n\nTerms added sequentially (first to last)\n\n",)


def anova_models_heading(formulas: Sequence[str]) -> tuple[str, str]:
    """The heading of a comparison of several models.

    R: ``anova.glmlist``: ``c("Analysis of Deviance Table\\n", paste0("Model ",
    format(1L:nmodels), ": ", formulas, collapse = "\\n"))``.
    """
    width = len(str(len(formulas)))
    topnote = "\n".join(f"Model {str(i + 1).rjust(width)}: {form}"
                        for i, form in enumerate(formulas))
    return ("Analysis of Deviance Table\n", topnote)


def term_changes_heading(adding: bool, formula_lines: Sequence[str],
                         scale: Optional[float] = None) -> tuple[str, ...]:
    """The heading of a drop1/add1 table.

    R: ``c("Single term deletions", "\\nModel:", deparse(formula(object)), if (scale > 0)
    paste("\\nscale: ", format(scale), "\\n"))`` (``"Single term additions"`` for add1).
    """
    head = ["Single term additions" if adding else "Single term deletions", "\nModel:",
            *formula_lines]
    if scale is not None and scale > 0:
        head.append(f"\nscale:  {format_number(float(scale))} \n")
    return tuple(head)


def term_trial_line(sign: str, term: str) -> str:
    """The line ``drop1``/``add1``'s default methods print with ``trace > 1``.

    R: ``cat("trying -", tt, "\\n", sep = "")`` (``"trying +"`` when adding).
    """
    return f"trying {sign}{term}\n"


def step_path_heading(initial_lines: Sequence[str],
                      final_lines: Sequence[str]) -> tuple[str, ...]:
    """The heading of the path ``step()`` returns in ``fit$anova``.

    R: ``c("Stepwise Model Path \\nAnalysis of Deviance Table", "\\nInitial Model:",
    deparse(formula(object)), "\\nFinal Model:", deparse(formula(fit)), "\\n")``.
    """
    return ("Stepwise Model Path \nAnalysis of Deviance Table", "\nInitial Model:",
            *initial_lines, "\nFinal Model:", *final_lines, "\n")


def anova_column_roles(colnames: Sequence[str]) -> tuple[bool, list[int], list[int]]:
    """Which columns print.anova treats as p-values, test statistics and zapped values.

    R: ``has.P`` = the last column's name starts with ``P(`` or ``Pr(``; test statistics
    are the columns named ``F``, ``Cp``, ``Chisq`` or with `` value`` in characters 2-7
    (``F value``); every other non-P column is zapped (``zapsmall``) unless its name ends
    in ``Df``.

    Returns
    -------
    (has_p, tst_ind, zap_ind) with 0-based column indices.
    """
    cn = list(colnames)
    nc = len(cn)
    has_p = nc > 0 and (cn[-1].startswith("P(") or cn[-1].startswith("Pr("))
    tst = [i for i, name in enumerate(cn) if name[1:7] == " value"]
    tst += [i for i, name in enumerate(cn) if name in ("F", "Cp", "Chisq")]
    zap = [i for i in range(nc - 1 if has_p else nc)
           if i not in tst and not cn[i].endswith("Df")]
    return has_p, tst, zap


def format_anova(values, rownames: Sequence[str], colnames: Sequence[str],
                 heading: Sequence[str] = (), na=None, digits: Optional[int] = None,
                 signif_stars: Optional[bool] = None,
                 fancy_quotes: Optional[bool] = None) -> str:
    """The text R's ``print.anova`` prints.

    R: ``print.anova(x, digits = max(getOption("digits") - 2, 3), signif.stars)``.

    Parameters
    ----------
    values : array_like, shape (nrow, ncol)
        The table; NaN cells are R's NA (printed blank) unless ``na`` says otherwise.
    rownames, colnames : sequence of str
    heading : sequence of str
        R's ``heading`` attribute.
    na : array_like of bool, optional
        Which cells are NA; NaN cells outside it are R's NaN and print ``NaN``.
    digits : int, optional
        Significant digits (R's default ``max(getOption("digits") - 2, 3)``).
    signif_stars : bool, optional
        Show significance stars (``getOption("show.signif.stars")``).
    fancy_quotes : bool, optional
        Curly quotes in the legend (``getOption("useFancyQuotes")``).

    Returns
    -------
    str
        Heading and table, each line ending in a newline.
    """
    x = np.array(values, dtype=float).reshape(len(rownames), len(colnames))
    has_p, tst, zap = anova_column_roles(colnames)
    table = format_coefmat(x, rownames=list(rownames), colnames=list(colnames),
                           digits=option_digits(2, 3, digits), signif_stars=signif_stars, has_pvalue=has_p,
                           p_values=has_p, cs_ind=(), tst_ind=tst, zap_ind=zap,
                           na_print="", na=na, fancy_quotes=fancy_quotes)
    return format_heading(heading) + table


def format_step_line(label: str, aic: float, formula_lines: Sequence[str],
                     first: bool) -> str:
    """``Start:  AIC=56.76`` / ``Step:  AIC=52.76``, the formula and an empty line.

    R: ``cat("Start:  AIC=", format(round(bAIC, 2)), "\\n", cut.string(deparse(formula(fit))),
    "\\n\\n", sep = "")``; ``Step:`` lines start with an empty line.
    """
    aic_text = format_real([fround(aic, 2)])[0]
    prefix = "" if first else "\n"
    return f"{prefix}{label}:  AIC={aic_text}\n" + "\n".join(formula_lines) + "\n\n"
