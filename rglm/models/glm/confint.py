"""Profile-likelihood confidence intervals for glm coefficients.

R: ``confint.glm`` (MASS for R < 4.4, stats since): the requested coefficients are
profiled (:mod:`rglm.models.glm.profile`) and the limits read off the profiles
(:mod:`rglm.models.glm.confint_profile`, R's ``confint.profile.glm``). Registered as glm's
:func:`rglm.generics.confint` method; R's ``confint.default`` (Wald) is
:func:`rglm.inference.confint.confint_default`, for every model kind.

The results are pandas objects with R's dimnames: a DataFrame (rows = coefficients,
columns ``"2.5 %"``, ``"97.5 %"``), or for one profiled coefficient a Series indexed by the
two percentages (R's ``drop()``). NaN stands for R's NA (aliased coefficients, limits beyond
the profiled range). :func:`rglm.render.confint.format_confint` gives R's printed text.
"""

from __future__ import annotations

from typing import Union

import pandas as pd

from rglm.inference.confint import confint_default, match_parm, wald_percent_labels
from rglm.models.glm.confint_profile import confint_profile, profile_percent_labels
from rglm.models.glm.profile import profile
from rglm.render.confint import WAITING_FOR_PROFILING
from rglm.report import message

__all__ = ["confint", "confint_default", "confint_profile", "profile_percent_labels",
           "wald_percent_labels"]

def confint(fit, parm=None, level: float = 0.95, trace: bool = False
            ) -> Union[pd.DataFrame, pd.Series]:
    """Profile-likelihood confidence intervals. R: ``confint(fit, parm, level)`` for a glm.

    R: ``confint.glm`` (MASS; stats >= 4.4, test = "LRT"): profiles the requested
    coefficients with ``alpha = (1 - level) / 4`` (see :func:`rglm.profile`), then
    :func:`confint_profile`. Like R it announces "Waiting for profiling to be done..." —
    on stderr, R's message stream; it is not part of the result.

    Parameters
    ----------
    fit : GLM
        A fitted glm (or glm.nb) model.
    parm : str, int or sequence, optional
        Coefficient names or **0-based** positions; default all.
    level : float
        Confidence level.
    trace : bool
        Passed on to the profiling.

    Returns
    -------
    pandas.DataFrame or pandas.Series
        Rows = coefficients, columns = the lower and upper percentages (``"2.5 %"``,
        ``"97.5 %"``); a Series indexed by those when one coefficient was asked for.
        Aliased coefficients get NaN.
    """
    positions = match_parm(parm, fit.coefficients.index)
    message(WAITING_FOR_PROFILING)
    prof = profile(fit, which=positions, alpha=(1 - level) / 4, trace=trace)
    return confint_profile(prof, parm=positions, level=level)
