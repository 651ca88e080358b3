"""R's ``print.glm``: the short display of a fitted glm.

R: ``stats:::print.glm`` (src/library/stats/R/glm.R). The byte stream includes TAB
characters and trailing spaces exactly as R's ``cat()`` calls produce them.
"""

from __future__ import annotations

from typing import Optional, Sequence

from rglm.render.rformat import format_number, format_real, option_digits, signif
from rglm.render.tables import TablePage, vector_page
from rglm.render.vector import print_named_vector

__all__ = ["format_glm", "glm_page", "naprint"]


def naprint(n_deleted: Optional[int]) -> str:
    """The message about rows dropped for missingness ("" when none).

    R: ``naprint.omit`` / ``naprint.exclude``.
    """
    if not n_deleted:
        return ""
    noun = "observation" if n_deleted == 1 else "observations"
    return "%d %s deleted due to missingness" % (n_deleted, noun)


def format_glm(call_lines: Sequence[str], coef_names: Sequence[str], coef_values,
               df_null, df_residual, null_deviance: float, deviance: float, aic: float,
               n_deleted: Optional[int] = None, digits: Optional[int] = None,
               width: Optional[int] = None) -> str:
    """The text ``print(fit)`` shows for a glm.

    R: ``stats:::print.glm(x, digits = max(3, getOption("digits") - 3))``.

    Parameters
    ----------
    call_lines : sequence of str
        ``deparse(fit$call)`` (see :func:`rglm.formula.deparse.deparse`).
    coef_names, coef_values : sequences
        Coefficients in model-matrix order; NaN (or None) is NA (aliased).
    df_null, df_residual : int or float
        Printed as ``cat()`` prints them.
    null_deviance, deviance, aic : float
        Printed as ``format(signif(v, digits))``; a NaN AIC (quasi families) prints NA.
    n_deleted : int, optional
        Rows dropped by ``na.action``.
    digits : int, optional
        Significant digits (R's default ``max(3, getOption("digits") - 3)``).
    width : int, optional
        ``getOption("width")``.

    Returns
    -------
    str
        The printed text.
    """
    digits = option_digits(3, 3, digits)
    parts = ["\nCall:  ", "\n".join(call_lines), "\n\n"]
    if len(coef_values):
        parts.append("Coefficients:\n")
        texts = format_real(_with_na(coef_values), digits)
        parts.append(print_named_vector(texts, list(coef_names), gap=2, width=width))
    else:
        parts.append("No coefficients\n\n")
    parts.append("\nDegrees of Freedom: %s Total (i.e. Null);  %s Residual\n"
                 % (format_number(df_null), format_number(df_residual)))
    message = naprint(n_deleted)
    if message:
        parts.append("  (%s)\n" % message)
    parts.append("Null Deviance:\t    %s \nResidual Deviance: %s \tAIC: %s\n" % (
        _signif_text(null_deviance, digits), _signif_text(deviance, digits),
        _signif_text(aic, digits)))
    return "".join(parts)


def glm_page(call_lines: Sequence[str], coef_names: Sequence[str], coef_values,
             df_null, df_residual, null_deviance: float, deviance: float, aic: float,
             n_deleted: Optional[int] = None, digits: Optional[int] = None,
             floatfmt: Optional[str] = None) -> TablePage:
    """What :func:`format_glm` prints, as a table for markdown/HTML: the coefficients
    (R's cells, or ``floatfmt``) over the degrees-of-freedom, deviance and AIC lines.

    R: ``stats:::print.glm`` (not R output: R prints text only).
    """
    digits = option_digits(3, 3, digits)
    values = _with_na(coef_values)
    if floatfmt is None:
        texts = format_real(values, digits) if len(values) else []
    else:
        texts = ["NA" if v is None else format(v, floatfmt) for v in values]
    footer = ["Degrees of Freedom: %s Total (i.e. Null);  %s Residual"
              % (format_number(df_null), format_number(df_residual))]
    message = naprint(n_deleted)
    if message:
        footer.append("(%s)" % message)
    footer += ["Null Deviance: %s" % _signif_text(null_deviance, digits),
               "Residual Deviance: %s    AIC: %s" % (_signif_text(deviance, digits),
                                                    _signif_text(aic, digits))]
    heading = ["Coefficients:" if len(values) else "No coefficients"]
    return vector_page(texts, [str(n) for n in coef_names], heading, footer,
                       " ".join(line.strip() for line in call_lines))


def _with_na(values) -> list:
    # NaN coefficients are R's NA (aliased columns) and print as "NA"
    return [None if v is None or v != v else float(v) for v in values]


def _signif_text(value, digits: int) -> str:
    """``format(signif(value, digits))``; NA for None/NaN (an AIC of a quasi family)."""
    if value is None or value != value:
        return "NA"
    return format_real([signif(float(value), digits)])[0]
