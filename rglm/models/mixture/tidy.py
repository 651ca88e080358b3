"""broom's ``tidy`` and ``glance`` for finite mixtures of GLMs.

No R tidier exists for an fmm fit: broom (1.0.x) has none for flexmix, and rglm's fmm is
Stata's. The columns follow broom's conventions for models with several components
(broom.mixed's ``component``): one row per parameter of Stata's ``e(b)``, in its order --
the class-probability equation first, then each class's equation and its ancillary
parameters (``/lnvar``, ``/lnalpha``, ...) on the scale Stata estimates them.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from scipy import stats

from rglm import generics
from rglm.errors import RError
from rglm.inference.loglik import AIC, BIC
from rglm.models.mixture.result import FMM

__all__ = ["tidy_fmm", "glance_fmm"]

# Stata's e(b) labels: "2.Class:(Intercept)" (class probabilities), "yn:1.Class#x" (a class's
# equation), "/yn:1.Class#lnvar" (an ancillary parameter)
_LABEL = re.compile(r"^(?P<anc>/)?(?:(?P<eq>[^:]+):)?(?P<k>\d+)\.(?P<cls>[^#:]+)[#:](?P<term>.*)$")


def _parts(label: str, lclabel: str) -> tuple[int, str, str]:
    m = _LABEL.match(label)
    if m is None:  # a label rglm's fmm does not make: say so rather than guess
        raise RError(f"cannot tidy the fmm parameter '{label}'")
    equation = m["eq"] if m["eq"] is not None else lclabel
    return int(m["k"]), ("/" if m["anc"] else "") + equation, m["term"]


def tidy_fmm(fit: FMM, conf_int: bool = False, conf_level: float = 0.95,
             exponentiate: bool = False) -> pd.DataFrame:
    """One row per parameter: ``component`` (the class), ``equation`` (the class model
    ``Class``, the response, or ``/response`` for an ancillary parameter), ``term``,
    ``estimate``, ``std.error``, ``statistic`` (z), ``p.value``, and with ``conf_int`` the
    Wald limits ``conf.low``/``conf.high``. ``exponentiate`` exponentiates the estimates
    and limits of the class-probability and class equations (Stata's ``eform``), not the
    ancillary parameters. R: ``broom::tidy(x, conf.int, conf.level, exponentiate)``."""
    theta = fit.theta
    se = np.sqrt(np.clip(np.diag(generics.vcov(fit).to_numpy(dtype=float)), 0.0, None))
    est = theta.to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, est / se, np.nan)  # a constrained parameter has no test
    parts = [_parts(str(label), fit.lclabel) for label in theta.index]
    table = pd.DataFrame({
        "component": [p[0] for p in parts], "equation": [p[1] for p in parts],
        "term": [p[2] for p in parts], "estimate": est, "std.error": se,
        "statistic": z, "p.value": 2 * stats.norm.sf(np.abs(z)),
    })
    if conf_int:
        q = stats.norm.ppf(0.5 + conf_level / 2)
        table["conf.low"] = est - q * se
        table["conf.high"] = est + q * se
    if exponentiate:
        rows = ~table["equation"].str.startswith("/").to_numpy()
        cols = ["estimate"] + [c for c in ("conf.low", "conf.high") if c in table.columns]
        table.loc[rows, cols] = np.exp(table.loc[rows, cols].to_numpy(dtype=float))
    return table


def glance_fmm(fit: FMM) -> pd.DataFrame:
    """One row: ``logLik``, ``AIC``, ``BIC``, ``df`` (parameters), ``nobs``, ``k``
    (classes), ``converged``, ``gradient.norm``. R: ``broom::glance(x)``."""
    ll = generics.logLik(fit)
    return pd.DataFrame({
        "logLik": [float(ll)], "AIC": [float(AIC(fit))], "BIC": [float(BIC(fit))],
        "df": [int(ll.df)], "nobs": [int(generics.nobs(fit))], "k": [int(fit.k)],
        "converged": [bool(fit.converged)], "gradient.norm": [float(fit.gradient_norm)],
    })
