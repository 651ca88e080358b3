"""Confidence limits read off a likelihood profile. R: ``confint.profile.glm``.

The limits are where an interpolating spline of the profile statistic against the
coefficient crosses the normal quantiles, by linear inverse interpolation, exactly as R
does (:mod:`rglm.inference.spline`), so they match R's to rounding, not just to the
accuracy of the method. Used by :meth:`GLMProfile.confint` and by glm's ``confint``.
"""

from __future__ import annotations

from typing import Union

import numpy as np
import pandas as pd
from scipy import stats

from rglm.inference.confint import match_parm, tails
from rglm.inference.spline import approx, spline
from rglm.render.rformat import fround
from rglm.render.rframes import as_r

__all__ = ["confint_profile", "profile_percent_labels"]


def profile_percent_labels(a) -> list[str]:
    """Column names of ``confint.profile.glm``: ``paste(round(100 * a, 1), "%")``.

    ``as.character`` of a double gives up to 15 significant digits.
    """
    return ["%.15g %%" % v for v in fround(100 * np.asarray(a, dtype=float), 1)]


def confint_profile(prof, parm=None, level: float = 0.95
                    ) -> Union[pd.DataFrame, pd.Series]:
    """Confidence limits from a profile. R: ``confint.profile.glm(object, parm, level)``.

    For each coefficient of the :class:`~rglm.models.glm.profile.GLMProfile` ``prof``:
    the FMM cubic spline of the statistic against the coefficient's values, evaluated at
    ``3 x (number of profile points)`` equally spaced values, then
    ``approx(spline$y, spline$x, xout = qnorm(a))`` with ``a = ((1-level)/2,
    1-(1-level)/2)`` — normal quantiles for "tau" profiles too, as in R.
    """
    names = list(prof.original_fit.coefficients.index)
    positions = match_parm(parm, names)
    a = tails(level)
    cutoff = stats.norm.ppf(a)
    ci = np.full((len(positions), 2), np.nan)
    rows = [names[k] for k in positions]
    for pm in positions:
        table = prof.get(names[pm])
        if table is None:
            continue
        sp = spline(table[("par.vals", names[pm])].to_numpy(),
                    table.iloc[:, 0].to_numpy())
        values = approx(sp.y, sp.x, cutoff)
        # R assigns by row name: a coefficient asked for twice gets its limits twice
        for r, name in enumerate(rows):
            if name == names[pm]:
                ci[r] = values
    labels = profile_percent_labels(a)
    if len(positions) == 1:
        return as_r(pd.Series(ci[0], index=labels))
    return as_r(pd.DataFrame(ci, index=rows, columns=labels))
