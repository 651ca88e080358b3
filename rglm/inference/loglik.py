"""Likelihood and information criteria of a glm fit.

R: ``logLik.glm``, ``AIC``, ``BIC``, ``extractAIC.glm`` (R >= 4.3 rules).

The log-likelihood is recovered from the fit's ``aic`` (``-2 logLik + 2 rank``, computed by
the family), so nothing is re-evaluated: ``logLik = df - aic / 2`` where ``df`` counts the
coefficients plus one for a dispersion that is estimated.

``logLik`` and ``extractAIC`` are generics, as in R: other model kinds (MASS's negbin)
register their methods in their own modules; ``AIC``, ``BIC``, ``drop1``, ``add1`` and
``step`` reach those methods through them.
"""

from __future__ import annotations

import sys
from functools import singledispatch
from typing import Any

import numpy as np
import pandas as pd

from rglm.errors import RError, rwarn

__all__ = ["LogLik", "logLik", "logLik_glm", "AIC", "BIC", "extractAIC",
           "extractAIC_glm", "equivalent_df", "residual_nobs"]

#: Families whose dispersion R (before 4.3, and for families without a ``dispersion``
#: element) counts as an estimated parameter.
_ESTIMATED_SCALE_FAMILIES = ("gaussian", "Gamma", "inverse.gaussian")


class LogLik(float):
    """A log-likelihood value with R's attributes. R: class ``"logLik"``.

    Behaves as a float; ``df`` (the number of estimated parameters) and ``nobs`` (the
    number of observations, zero-weight ones included) are R's ``attr(, "df")`` and
    ``attr(, "nobs")``. ``print()`` gives R's ``'log Lik.' -23.38066 (df=5)``.
    """

    df: float
    nobs: int

    def __new__(cls, value: float, df: float, nobs: int) -> "LogLik":
        obj = super().__new__(cls, value)
        obj.df = df
        obj.nobs = nobs
        return obj

    def __str__(self) -> str:
        from rglm.render.loglik import format_loglik

        return format_loglik(float(self), self.df).rstrip("\n")

    __repr__ = __str__

    def _repr_pretty_(self, p, cycle) -> None:  # IPython
        p.text(self.__str__())


def _dispersion_df(fit) -> int:
    """1 when the family's dispersion is estimated (R >= 4.3: its ``dispersion`` is NA;
    families without the element fall back on the name rule)."""
    disp = getattr(fit.family, "dispersion", None)
    if disp is not None:
        return int(np.isnan(disp))
    return int(fit.family.family in _ESTIMATED_SCALE_FAMILIES)


def residual_nobs(fit) -> int:
    """R's ``attr(logLik(fit), "nobs")``: the non-missing working residuals (zero prior
    weights included)."""
    return int(np.sum(~np.isnan(fit.fit.residuals)))


def logLik_glm(fit) -> LogLik:
    """The log-likelihood of a glm fit. R: ``logLik.glm`` (R >= 4.3).

    Returns
    -------
    LogLik
        ``df - aic / 2`` with ``df = rank`` (+1 for an estimated dispersion) and ``nobs`` =
        the number of non-missing working residuals (zero prior weights included). NaN for
        quasi families, whose aic is undefined.
    """
    df = fit.rank + _dispersion_df(fit)
    return LogLik(df - fit.aic / 2.0, df, residual_nobs(fit))


#: ``rglm.logLik(fit)``: R's generic ``logLik()``; :func:`logLik_glm` for glm fits.
logLik = singledispatch(logLik_glm)


def _as_loglik(obj: Any) -> LogLik:
    return obj if isinstance(obj, LogLik) else logLik(obj)


def _argument_names(objects: tuple) -> list:
    """Names of the caller's variables holding the objects (R deparses the arguments);
    ``fit1``, ``fit2``, ... where none is found."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__", "").split(".")[0] == "rglm":
        frame = frame.f_back
    scopes = [] if frame is None else [frame.f_locals, frame.f_globals]
    names = []
    for i, obj in enumerate(objects, start=1):
        found = None
        for scope in scopes:
            found = next((k for k, v in scope.items() if v is obj and not k.startswith("_")),
                         None)
            if found is not None:
                break
        names.append(found or f"fit{i}")
    return names


def _table(objects: tuple, k_of_nobs, column: str) -> pd.DataFrame:
    lls = [_as_loglik(o) for o in objects]
    nobs = np.array([ll.nobs for ll in lls], dtype=float)
    if np.any(nobs != nobs[0]):
        rwarn("models are not all fitted to the same number of observations")
    names = _argument_names(objects)
    if len(set(names)) < len(names):
        raise RError("duplicate 'row.names' are not allowed")
    df = np.array([float(ll.df) for ll in lls])
    value = np.array([-2.0 * float(ll) for ll in lls]) + k_of_nobs(nobs) * df
    return pd.DataFrame({"df": df, column: value}, index=pd.Index(names))


def AIC(fit, *more, k: float = 2.0):
    """Akaike's information criterion. R: ``AIC(object, ..., k = 2)``.

    One fit: ``-2 logLik + k df`` (a float). Several fits: a DataFrame with columns ``df``
    and ``AIC``, one row per fit named by the caller's variable (R's deparsed arguments),
    with R's warning when the fits have different numbers of observations.
    """
    if not more:
        ll = _as_loglik(fit)
        return -2.0 * float(ll) + k * ll.df
    return _table((fit,) + more, lambda n: k, "AIC")


def BIC(fit, *more):
    """Schwarz's Bayesian criterion. R: ``BIC(object, ...)``.

    ``-2 logLik + log(n) df`` with ``n = logLik(fit).nobs``, which counts zero-weight
    observations (unlike ``nobs(fit)``) — R's behaviour. Several fits give a DataFrame
    (``df``, ``BIC``) as :func:`AIC`.
    """
    if not more:
        ll = _as_loglik(fit)
        return -2.0 * float(ll) + np.log(ll.nobs) * ll.df
    return _table((fit,) + more, np.log, "BIC")


def equivalent_df(fit) -> float:
    """``n - df.residual``: the rank plus the number of zero-weight rows (R's ``edf``)."""
    return float(len(fit.fit.residuals) - fit.df_residual)


def extractAIC_glm(fit, scale: float = 0.0, k: float = 2.0) -> np.ndarray:
    """Equivalent degrees of freedom and AIC, as ``step()`` uses them.

    R: ``extractAIC.glm(fit, scale = 0, k = 2)`` — ``c(edf, aic + (k - 2) * edf)`` with
    ``edf = n - df.residual`` (the rank plus the number of zero-weight rows). ``scale`` is
    accepted and ignored, as in R.

    Returns
    -------
    numpy.ndarray
        ``[edf, AIC]``.
    """
    edf = equivalent_df(fit)
    return np.array([edf, fit.aic + (k - 2.0) * edf])


#: ``rglm.extractAIC(fit, scale, k)``: R's generic ``extractAIC()``;
#: :func:`extractAIC_glm` for glm fits.
extractAIC = singledispatch(extractAIC_glm)
