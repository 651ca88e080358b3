"""Information criteria of any model with a log-likelihood. R: ``AIC``, ``BIC``, ``logLik``.

:class:`LogLik` is R's ``"logLik"`` value; ``AIC`` and ``BIC`` use nothing but the generic
:func:`rglm.generics.logLik` (R's ``AIC.default``, ``BIC.default``), whose methods the
model kinds register (glm's: :mod:`rglm.models.glm.loglik`). ``logLik`` and
``extractAIC`` are re-exported here from :mod:`rglm.generics`.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np
import pandas as pd

from rglm.callerenv import outside_rglm, variable_names
from rglm.errors import RError, rwarn
from rglm.generics import extractAIC, logLik

__all__ = ["LogLik", "logLik", "AIC", "BIC", "extractAIC"]


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


def _as_loglik(obj: Any) -> LogLik:
    return obj if isinstance(obj, LogLik) else logLik(obj)


def _argument_names(objects: tuple) -> list:
    """Names of the caller's variables holding the objects (R deparses the arguments);
    ``fit1``, ``fit2``, ... where none is found."""
    names = variable_names(objects, outside_rglm(sys._getframe(1)))
    return [name or f"fit{i}" for i, name in enumerate(names, start=1)]


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
