"""Wald tests of linear hypotheses on the coefficients. R: ``car::linearHypothesis``.

Written once against the generics (:func:`~rglm.generics.coef`,
:func:`~rglm.generics.vcov`, :func:`~rglm.generics.df_residual`, the formula from
:func:`~rglm.generics.terms`), so it works for every model kind that has them; car's
``linearHypothesis.glm`` is its default method. :func:`wald_statistic` is the
computation ``car::Anova``'s Wald tests share (:mod:`rglm.inference.car_anova`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import singledispatch
from typing import Any, Callable, Optional, Sequence, Union

import numpy as np
import pandas as pd
from scipy import stats
from scipy.linalg import lapack

from rglm import generics
from rglm.errors import RError
from rglm.formula.deparse import deparse, deparse_number
from rglm.inference.anova_table import (AnovaTable, column, make_anova, match_arg,
                                        pchisq_upper)
from rglm.inference.hypothesis import make_hypothesis
from rglm.render.car import hypothesis_lines, linear_hypothesis_heading
from rglm.report import message

__all__ = ["linearHypothesis", "linearHypothesis_default", "LinearHypothesis",
           "wald_statistic", "covariance_of", "as_hypothesis", "WaldTest", "r_matmul"]


@dataclass(frozen=True, eq=False, repr=False)
class LinearHypothesis(AnovaTable):
    """The test of ``car::linearHypothesis``: R's ``c("anova", "data.frame")`` with
    attributes ``value`` and ``vcov``.

    ``print()`` gives R's text (the hypotheses, the two models, the table).

    Attributes
    ----------
    table : pandas.DataFrame
        Rows ``1`` (the restricted model) and ``2``; columns ``Res.Df`` (absent when the
        model has no residual df), ``Df``, ``Chisq`` or ``F``, ``Pr(>Chisq)`` or
        ``Pr(>F)``.
    heading : tuple of str
    value : pandas.Series
        ``L b - rhs`` by hypothesis (R's attribute ``value``).
    vcov : pandas.DataFrame
        ``L V L'`` (R's attribute ``vcov``).
    """

    value: pd.Series = field(default=None, repr=False)
    vcov: pd.DataFrame = field(default=None, repr=False)


@dataclass(frozen=True)
class WaldTest:
    """``value`` (``L b - rhs``), ``vcov`` (``L V L'``) and the statistic
    ``value' vcov^-1 value`` of a Wald test on ``q`` hypotheses."""

    value: np.ndarray
    vcov: np.ndarray
    statistic: float
    q: int


def r_matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a %*% b`` with R's error for non-conforming shapes."""
    if a.shape[-1] != b.shape[0]:
        raise RError("non-conformable arguments")
    return a @ b


def _solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """R's ``solve(a) %*% b``: LAPACK's LU (dgesv), with ``solve.default``'s errors for
    an exactly singular matrix and for a reciprocal condition number (dgecon's 1-norm
    estimate) below the machine epsilon."""
    if a.shape[0] == 0:
        return np.zeros(0)
    lu, piv, info = lapack.dgetrf(a)
    if info > 0:
        raise RError(f"Lapack routine dgesv: system is exactly singular: U[{info},{info}] = 0")
    anorm = float(np.abs(a).sum(axis=0).max())
    rcond, _ = lapack.dgecon(lu, anorm, norm="1")
    if rcond < np.finfo(float).eps:
        raise RError("system is computationally singular: reciprocal condition number = "
                     f"{rcond:g}")
    x, _ = lapack.dgetrs(lu, piv, b)
    return x


def wald_statistic(L: np.ndarray, b: np.ndarray, V: np.ndarray,
                   rhs: Optional[np.ndarray] = None) -> WaldTest:
    """The Wald statistic of ``L beta = rhs``. R: the core of
    ``car::linearHypothesis.default``.

    Parameters
    ----------
    L : ndarray, shape (q, p)
    b : ndarray, shape (p,)
        The (non-aliased) coefficients.
    V : ndarray, shape (p, p)
        Their covariance matrix.
    rhs : ndarray, shape (q,), optional
        Zeros by default.

    Returns
    -------
    WaldTest

    Raises
    ------
    RError
        ``non-conformable arguments`` when the shapes do not match (R's ``%*%``);
        ``solve()``'s errors when ``L V L'`` is singular.
    """
    L = np.atleast_2d(np.asarray(L, dtype=float))
    q = L.shape[0]
    rhs = np.zeros(q) if rhs is None else np.asarray(rhs, dtype=float)
    value = r_matmul(L, np.asarray(b, dtype=float)) - rhs
    vcov = r_matmul(r_matmul(L, np.asarray(V, dtype=float)), L.T)
    statistic = float(value @ _solve(vcov, value))
    return WaldTest(value, vcov, statistic, q)


def _as_float_array(x, error: str) -> np.ndarray:
    """``x`` (array-like or pandas) as a float array; R's ``error`` if it is not numeric."""
    try:
        return x.to_numpy(dtype=float) if hasattr(x, "to_numpy") else \
            np.array(x, dtype=float)
    except (TypeError, ValueError):
        raise RError(error) from None


def covariance_of(model, vcov_, complete: bool = False) -> np.ndarray:
    """The covariance matrix a test uses: the model's (``vcov(model, complete)``), a
    function's value on the model, or the matrix given. R: ``car:::getVcov``."""
    if vcov_ is None:
        v = generics.vcov(model, complete=complete)
    elif callable(vcov_):
        v = vcov_(model)
    else:
        v = vcov_
    v = _as_float_array(v, "vcov. must be a matrix or a function")
    if v.ndim != 2:
        raise RError("vcov. must be a matrix or a function")
    return v


def as_hypothesis(hypothesis, cnames: Sequence[str], rhs) -> tuple:
    """``(L, rhs, texts)`` of a hypothesis given as text(s), a vector or a matrix.

    R: what ``linearHypothesis.default`` makes of ``hypothesis.matrix`` and ``rhs``: text
    through ``makeHypothesis`` (its strings name the rows), a vector as one row, a
    matrix as it is, with a zero right-hand side by default. A list holding any string
    is text, as R's ``c("x1", 2)`` is character.
    """
    if isinstance(hypothesis, str):
        hypothesis = [hypothesis]
    if isinstance(hypothesis, (list, tuple)) and any(isinstance(h, str) for h in hypothesis):
        texts = [h if isinstance(h, str) else deparse_number(float(h)) for h in hypothesis]
        as_text = isinstance(rhs, str) or (isinstance(rhs, (list, tuple))
                                           and any(isinstance(r, str) for r in rhs))
        if rhs is not None and not as_text:
            rhs = _as_float_array(rhs, "non-numeric argument to binary operator").ravel()
        L, rhs = make_hypothesis(cnames, texts, rhs)
        return L, rhs, texts
    L = np.atleast_2d(_as_float_array(
        hypothesis, "hypothesis.matrix must be a character vector or a numeric vector or "
        "matrix"))
    if L.ndim != 2:
        raise RError("hypothesis.matrix must be a character vector or a numeric vector or "
                     "matrix")
    if rhs is None:
        return L, np.zeros(L.shape[0]), None
    rhs = _as_float_array(rhs, "non-numeric argument to binary operator").ravel()
    return L, np.resize(rhs, L.shape[0]), None


def _formula_lines(model) -> list[str]:
    """``deparse(formula(model))``: the model's formula as R deparses it, by lines."""
    try:
        return deparse(generics.terms(model).formula)
    except (RError, AttributeError):
        return [generics.formula_of(model)]


@singledispatch
def linearHypothesis(model, hypothesis_matrix, rhs=None, test: str = "Chisq", vcov_=None,
                     singular_ok: bool = False, coef_=None, suppress_vcov_msg: bool = False,
                     error_df: Optional[float] = None) -> LinearHypothesis:
    """Test a linear hypothesis on the coefficients. R: ``car::linearHypothesis``.

    A generic, as car's; the default method (:func:`linearHypothesis_default`, car's
    ``linearHypothesis.default``, which its ``linearHypothesis.glm`` calls) serves every
    model kind with :func:`~rglm.generics.coef`, :func:`~rglm.generics.vcov` and
    :func:`~rglm.generics.df_residual`.
    """
    return linearHypothesis_default(model, hypothesis_matrix, rhs, test, vcov_,
                                    singular_ok, coef_, suppress_vcov_msg, error_df)


def linearHypothesis_default(model, hypothesis_matrix, rhs=None, test: str = "Chisq",
                             vcov_: Union[None, Callable[[Any], Any], Any] = None,
                             singular_ok: bool = False, coef_=None,
                             suppress_vcov_msg: bool = False,
                             error_df: Optional[float] = None) -> LinearHypothesis:
    """Wald test of ``L beta = rhs``. R: ``car::linearHypothesis.default(model,
    hypothesis.matrix, rhs = NULL, test = c("Chisq", "F"), vcov. = NULL, singular.ok =
    FALSE, coef. = coef(model), suppress.vcov.msg = FALSE, error.df)``.

    Parameters
    ----------
    model
        A fitted model with ``coef``, ``vcov`` and ``df_residual`` methods.
    hypothesis_matrix : str, list of str, array_like
        The hypotheses as R's character vector (``"woolB = 0"``, ``["x1 = x2", "x3"]``,
        ``"2*x1 + 3 x2 = 1"``: car's syntax), a vector (one hypothesis) or a matrix with
        a column per non-aliased coefficient.
    rhs : float or sequence of float, optional
        Right-hand sides (default 0; with text hypotheses, only if they hold no ``=``).
    test : {"Chisq", "F"}
        ``"F"``: the statistic divided by the number of hypotheses, on (q, residual df)
        degrees of freedom.
    vcov_ : callable or matrix, optional
        The coefficients' covariance matrix, or a function of the model giving it
        (``rglm.vcovHC``); default ``vcov(model, complete=False)``.
    singular_ok : bool
        Allow aliased coefficients (they are left out).
    coef_ : pandas.Series, optional
        The coefficients (default ``coef(model)``).
    suppress_vcov_msg : bool
        Leave out the note that a covariance matrix was supplied.
    error_df : float, optional
        The denominator df of the F test (default ``df_residual(model)``).

    Returns
    -------
    LinearHypothesis

    Raises
    ------
    RError
        car's errors (``there are aliased coefficients in the model``, ``residual df =
        0``, the ``makeHypothesis`` errors), ``non-conformable arguments`` for a matrix
        of the wrong width, R's ``match.arg`` error for ``test``.
    """
    if error_df is None:
        df = generics.df_residual(model)
        test = match_arg(test, ("Chisq", "F"))
        if test == "F" and (df is None or np.isnan(df)):
            test = "Chisq"
            message("residual df unavailable, test set to 'Chisq'")
    else:
        df = error_df
    df = np.inf if df is None else float(df)
    if df == 0:
        raise RError("residual df = 0")
    V = covariance_of(model, vcov_)
    b = generics.coef(model) if coef_ is None else coef_
    b = b if isinstance(b, pd.Series) else pd.Series(np.asarray(b, dtype=float))
    aliased = b.isna().to_numpy()
    if aliased.any() and not singular_ok:
        raise RError("there are aliased coefficients in the model")
    b = b[~aliased]
    cnames = [str(n) for n in b.index]
    L, rhs, texts = as_hypothesis(hypothesis_matrix, cnames, rhs)
    wald = wald_statistic(L, b.to_numpy(dtype=float), V, rhs)
    test = match_arg(test, ("Chisq", "F"))
    if not (np.isfinite(df) and df > 0):
        test = "Chisq"
    q = wald.q
    if test == "F":
        stat = wald.statistic / q
        p = float(stats.f.sf(stat, q, df))
    else:
        stat = wald.statistic
        p = float(pchisq_upper(stat, q))
    cols = [column("Df", [np.nan, q]), column(test, [np.nan, stat]),
            column(f"Pr(>{test})", [np.nan, p])]
    if np.isfinite(df) and df > 0:
        cols.insert(0, column("Res.Df", [df + q, df]))
    heading = linear_hypothesis_heading(hypothesis_lines(L, rhs, cnames, texts),
                                        _formula_lines(model),
                                        vcov_ is not None and not suppress_vcov_msg)
    table = make_anova(cols, ["1", "2"], heading)
    index = pd.Index(texts) if texts is not None else pd.RangeIndex(q)
    return LinearHypothesis(table=table.table, heading=table.heading,
                            nan_mask=table.nan_mask,
                            value=pd.Series(wald.value, index=index),
                            vcov=pd.DataFrame(wald.vcov, index=index, columns=index))
