"""Stata's ``lrtest`` output, from plain numbers.

Stata: ``lrtest`` after ``meglm`` (and the other ``me`` commands). The layout is Stata
17/18's, as its manual's examples show it (no Stata here to compare against): the
title, the assumption naming the restricted and the unrestricted model, a blank line,
the statistic and its p-value with their ``=`` signs aligned and the values
right-aligned in one column::

    Likelihood-ratio test
    Assumption: m0 nested within m1

     LR chi2(1) =  14.01
    Prob > chi2 = 0.0002

For one variance component on the boundary the statistic is ``LR chibar2(01)`` and the
p-value ``Prob >= chibar2`` (half of chi2(1)'s); for a test of several variance
components Stata adds its note that the test is conservative, wrapped at 79
characters under its ``Note:``.
"""

from __future__ import annotations

import textwrap

__all__ = ["format_stata_lrtest", "BOUNDARY_NOTE"]

BOUNDARY_NOTE = ("Note: The reported degrees of freedom assumes the null hypothesis is not "
                 "on the boundary of the parameter space. If this is not true, then the "
                 "reported test is conservative.")


def format_stata_lrtest(*, restricted: str, unrestricted: str, kind: str, chi2: float,
                        df: int, p: float, note: bool) -> str:
    """The text of Stata's ``lrtest restricted unrestricted`` (final newline included).

    Parameters
    ----------
    restricted, unrestricted : str
        The models' names (Stata's stored-estimates names).
    kind : {"chi2", "chibar2"}
    chi2, df, p : the statistic, its degrees of freedom and p-value.
    note : bool
        Add Stata's note on tests of parameters on the boundary.
    """
    if kind == "chibar2":
        labels = ("LR chibar2(01)", "Prob >= chibar2")
    else:
        labels = (f"LR chi2({df})", "Prob > chi2")
    values = (f"{chi2:.2f}", f"{p:.4f}")
    lw = max(map(len, labels))
    vw = max(map(len, values))
    lines = ["Likelihood-ratio test",
             f"Assumption: {restricted} nested within {unrestricted}", ""]
    lines += [f"{lab:>{lw}} = {val:>{vw}}" for lab, val in zip(labels, values)]
    if note:
        lines.append("")
        lines += textwrap.wrap(BOUNDARY_NOTE, width=79, subsequent_indent=" " * 6,
                               break_on_hyphens=False)
    return "\n".join(lines) + "\n"
