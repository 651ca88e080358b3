"""Wald confidence intervals for any model with ``coef`` and ``vcov``.

R: ``confint.default(object, parm, level = 0.95)`` — ``coef ± qnorm(a) · se`` with the
standard errors from ``vcov()``, so it needs no QR and no refit: the intervals of every
model kind that registers :func:`rglm.generics.coef` and :func:`rglm.generics.vcov`
(glm's profile-likelihood intervals are ``confint.glm``, in
:mod:`rglm.models.glm.confint`).
"""

from __future__ import annotations

from typing import Optional, Sequence, Union

import numpy as np
import pandas as pd
from scipy import stats

from rglm.errors import RError
from rglm.generics import coef, vcov
from rglm.render.rformat import format_real
from rglm.render.rframes import as_r

__all__ = ["confint_default", "match_parm", "wald_percent_labels", "tails"]


def tails(level: float) -> np.ndarray:
    """The two tail probabilities of a two-sided interval: ``(1 - level) / 2`` and its
    complement."""
    a = (1 - level) / 2
    return np.array([a, 1 - a])


def match_parm(parm: Union[None, str, int, Sequence], names: Sequence[str],
               strict: bool = True) -> list[Optional[int]]:
    """0-based positions of the coefficients named or numbered by ``parm``.

    ``None`` means all; strings are coefficient names (R's ``match(parm, pnames)``),
    integers **0-based** positions.

    Parameters
    ----------
    strict : bool
        True (profiling): an unknown name or a position out of range is an error, with
        the message R's ``profile.glm`` stops with (``if (!nonA[i])`` on index 0 or NA).
        False (``confint.default``): it gives None, R's NA row.

    Raises
    ------
    RError
        ``argument is of length zero`` (unknown name) or ``missing value where
        TRUE/FALSE needed`` (position out of range), when ``strict``.
    """
    names = list(names)
    if parm is None:
        return list(range(len(names)))
    if isinstance(parm, (str, int, np.integer)):
        parm = [parm]
    out: list[Optional[int]] = []
    for p in parm:
        if isinstance(p, str):
            k = names.index(p) if p in names else None
            if k is None and strict:
                raise RError("argument is of length zero")
        else:
            k = int(p)
            if not 0 <= k < len(names):
                if strict:
                    raise RError("missing value where TRUE/FALSE needed")
                k = None
        out.append(k)
    return out


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
    fit : any model with :func:`rglm.generics.coef` and :func:`rglm.generics.vcov`
    parm : str, int or sequence, optional
        Coefficient names or **0-based** positions; default all. As in R, a name that
        is not a coefficient gives a row of NaN (a position out of range, a row "NA").
    level : float
    """
    cf_all = coef(fit)
    names = list(cf_all.index)
    positions = match_parm(parm, names, strict=False)
    # R indexes by name: an unknown name (or a position beyond the coefficients, whose
    # name is NA) gives a row of NA
    rows = [(p if isinstance(p, str) else "NA") if k is None else names[k]
            for k, p in zip(positions, _as_list(parm, len(names)))]
    a = tails(level)
    fac = stats.norm.ppf(a)
    cov = vcov(fit).reindex(index=names, columns=names)
    all_ses = np.sqrt(np.diag(cov.to_numpy(dtype=float)))
    all_cf = cf_all.to_numpy(dtype=float)
    ses = np.array([np.nan if k is None else all_ses[k] for k in positions])
    cf = np.array([np.nan if k is None else all_cf[k] for k in positions])
    ci = cf[:, None] + np.outer(ses, fac)
    return as_r(pd.DataFrame(ci, index=rows, columns=wald_percent_labels(a)))
