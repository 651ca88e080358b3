"""Printing confidence intervals as R prints them.

R returns ``confint()`` as a plain matrix (or, for one profiled coefficient, a named
vector) and prints it with ``print.default``: every column formatted on its own with
``getOption("digits")`` significant digits, NA as ``NA``. rglm returns them as
:class:`~rglm.render.rframes.RMatrix` / :class:`~rglm.render.rframes.RVector`, whose
``print()`` is this text; :func:`format_confint` gives it for any pandas object.
"""

from __future__ import annotations

from typing import Optional

import numpy as np
import pandas as pd

from rglm.render.vector import print_numeric_matrix, print_numeric_vector

__all__ = ["format_confint", "WAITING_FOR_PROFILING", "profile_trace_line"]

#: What ``confint()`` of a glm says before it profiles (R: ``message()``, on stderr).
WAITING_FOR_PROFILING = "Waiting for profiling to be done..."


def profile_trace_line(coefficient: str, down: bool) -> str:
    """The line ``profile.glm(trace = TRUE)`` writes before each direction of a profile.

    R: ``message("\\nParameter: ", pi, " ", c("down", "up")[(sgn + 1)/2 + 1])``
    (for ``message()``, which adds the newline).
    """
    return f"\nParameter: {coefficient} {'down' if down else 'up'}"


def format_confint(ci, digits: Optional[int] = None, width: Optional[int] = None) -> str:
    """The text of R's ``print(confint(...))``.

    R: ``print.default`` of the matrix (``printRealMatrix``: row names left-justified,
    each column formatted separately, right-justified under its name) or of the named
    vector that ``drop()`` leaves for a single coefficient.

    Parameters
    ----------
    ci : pandas.DataFrame or pandas.Series
        What :func:`rglm.confint` / :func:`rglm.confint_default` returned.
    digits : int, optional
        ``getOption("digits")``.
    width : int, optional
        ``getOption("width")``.

    Returns
    -------
    str
        The printed text, ending with a newline.
    """
    if isinstance(ci, pd.Series):
        values = ci.to_numpy(dtype=float)
        return print_numeric_vector(values, [str(s) for s in ci.index], digits=digits,
                                    na=np.isnan(values), width=width)
    values = ci.to_numpy(dtype=float)
    return print_numeric_matrix(values, [str(s) for s in ci.index],
                                [str(s) for s in ci.columns], digits=digits,
                                na=np.isnan(values), width=width)
