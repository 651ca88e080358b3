"""Confidence intervals for glm coefficients.

R: ``confint.glm`` / ``confint.profile.glm`` (MASS for R < 4.4, stats since) — profile
likelihood — and ``confint.default`` (Wald). The profile limits are read off the profile
by an interpolating spline and linear inverse interpolation, exactly as R does
(:mod:`rglm.inference.spline`), so they match R's to rounding, not just to the accuracy of
the method.

The results are pandas objects with R's dimnames: a DataFrame (rows = coefficients,
columns ``"2.5 %"``, ``"97.5 %"``), or for one profiled coefficient a Series indexed by the
two percentages (R's ``drop()``). NaN stands for R's NA (aliased coefficients, limits beyond
the profiled range). :func:`rglm.render.confint.format_confint` gives R's printed text.
"""

from __future__ import annotations

import sys
from typing import Union

import numpy as np
import pandas as pd
from scipy import stats

from rglm.render.rformat import format_real, fround
from rglm.models.glm.profile import GLMProfile, match_parm, profile
from rglm.models.glm.summary import vcov
from rglm.inference.spline import approx, spline

__all__ = ["confint", "confint_default", "confint_profile", "profile_percent_labels",
           "wald_percent_labels"]

WAITING_MESSAGE = "Waiting for profiling to be done..."


def _tails(level: float) -> np.ndarray:
    a = (1 - level) / 2
    return np.array([a, 1 - a])


def profile_percent_labels(a) -> list[str]:
    """Column names of ``confint.profile.glm``: ``paste(round(100 * a, 1), "%")``.

    ``as.character`` of a double gives up to 15 significant digits.
    """
    return ["%.15g %%" % v for v in fround(100 * np.asarray(a, dtype=float), 1)]


def wald_percent_labels(a) -> list[str]:
    """Column names of ``confint.default``: R's ``.format_perc(a, 3)``, i.e.
    ``paste(format(100 * a, trim = TRUE, scientific = FALSE, digits = 3), "%")``
    (the two formatted jointly, so they share their number of decimals)."""
    return [s + " %" for s in _format_fixed(100 * np.asarray(a, dtype=float), 3)]


def _format_fixed(values: np.ndarray, digits: int) -> list[str]:
    """``format(x, digits, scientific = FALSE, trim = TRUE)`` for finite numbers.

    formatReal with a huge ``scipen`` always takes fixed notation with the decimals the
    most demanding value needs at ``digits`` significant digits (each value's significant
    digits and exponent come from formatting it alone).
    """
    decimals = 0
    for v in values.tolist():
        text = format_real([v], digits)[0].strip()
        if "e" in text:
            mantissa, exponent = text.split("e")
            sig = len(mantissa.replace("-", "").replace(".", "")) - 1
            decimals = max(decimals, sig - int(exponent))
        elif "." in text:
            decimals = max(decimals, len(text.split(".")[1]))
    return ["%.*f" % (decimals, v) for v in values.tolist()]


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
    sys.stderr.write(WAITING_MESSAGE + "\n")
    sys.stderr.flush()
    prof = profile(fit, which=positions, alpha=(1 - level) / 4, trace=trace)
    return confint_profile(prof, parm=positions, level=level)


def confint_profile(prof: GLMProfile, parm=None, level: float = 0.95
                    ) -> Union[pd.DataFrame, pd.Series]:
    """Confidence limits from a profile. R: ``confint.profile.glm(object, parm, level)``.

    For each coefficient: the FMM cubic spline of the statistic against the coefficient's
    values, evaluated at ``3 x (number of profile points)`` equally spaced values, then
    ``approx(spline$y, spline$x, xout = qnorm(a))`` with ``a = ((1-level)/2, 1-(1-level)/2)``
    — normal quantiles for "tau" profiles too, as in R.
    """
    names = list(prof.original_fit.coefficients.index)
    positions = match_parm(parm, names)
    a = _tails(level)
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
        return pd.Series(ci[0], index=labels)
    return pd.DataFrame(ci, index=rows, columns=labels)


def _as_list(parm, p: int) -> list:
    if parm is None:
        return list(range(p))
    if isinstance(parm, (str, int, np.integer)):
        return [parm]
    return list(parm)


def confint_default(fit, parm=None, level: float = 0.95) -> pd.DataFrame:
    """Wald confidence intervals. R: ``confint.default(object, parm, level = 0.95)``.

    ``coef ± qnorm(a) · se`` with ``se = sqrt(diag(vcov(fit)))`` (NaN for aliased
    coefficients); always a matrix (no ``drop()``), rows named by ``parm``.

    Parameters
    ----------
    fit : GLM
    parm : str, int or sequence, optional
        Coefficient names or **0-based** positions; default all. As in R, a name that
        is not a coefficient gives a row of NaN (a position out of range, a row "NA").
    level : float
    """
    coef = fit.coefficients
    names = list(coef.index)
    positions = match_parm(parm, names, strict=False)
    # R indexes by name: an unknown name (or a position beyond the coefficients, whose
    # name is NA) gives a row of NA
    rows = [(p if isinstance(p, str) else "NA") if k is None else names[k]
            for k, p in zip(positions, _as_list(parm, len(names)))]
    a = _tails(level)
    fac = stats.norm.ppf(a)
    cov = vcov(fit).reindex(index=names, columns=names)
    all_ses = np.sqrt(np.diag(cov.to_numpy(dtype=float)))
    all_cf = coef.to_numpy(dtype=float)
    ses = np.array([np.nan if k is None else all_ses[k] for k in positions])
    cf = np.array([np.nan if k is None else all_cf[k] for k in positions])
    ci = cf[:, None] + np.outer(ses, fac)
    return pd.DataFrame(ci, index=rows, columns=wald_percent_labels(a))
