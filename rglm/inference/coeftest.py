"""Wald tests of the coefficients with any covariance matrix. R: ``lmtest::coeftest``.

``coeftest`` computes; :mod:`rglm.render.coeftest` formats (``print.coeftest``).
For a glm lmtest's method defaults to ``df = Inf``: z tests and normal p-values whatever
the family, unlike ``summary.glm`` (t tests for estimated dispersions).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Optional

import numpy as np
import pandas as pd
from scipy import stats

from rglm.errors import RError, rwarn
from rglm.generics import coef, df_residual, nobs, vcov as vcov_of
from rglm.render.coeftest import format_coeftest
from rglm.render.display import Tabled
from rglm.render.tables import TablePage, coef_page

__all__ = ["coeftest", "CoefTest"]


@dataclass(frozen=True, eq=False, repr=False)
class CoefTest(Tabled):
    """R's ``"coeftest"`` object (a matrix with attributes), as a small record.

    ``print()`` gives R's ``print.coeftest`` text; ``to_markdown()`` / ``to_html()`` the
    table.

    Attributes
    ----------
    table : pandas.DataFrame
        Columns "Estimate", "Std. Error", "z value", "Pr(>|z|)" (or "t value",
        "Pr(>|t|)"); rows named by the coefficients.
    method : str
        "z test of coefficients" or "t test of coefficients" (R's ``attr(, "method")``).
    df : float
        Degrees of freedom of the t tests (``inf`` for z tests, as R's ``Inf``).
    nobs : int or None
        Number of observations (R's ``attr(, "nobs")``).
    na : numpy.ndarray of bool
        Cells that are R's NA (aliased coefficients, NA variances); other NaN cells are
        R's NaN (e.g. the square root of a negative variance).
    """

    table: pd.DataFrame
    method: str
    df: float
    nobs: Optional[int] = None
    na: np.ndarray = field(default=None, repr=False)

    def __getitem__(self, key: Any) -> Any:
        """``ct["Std. Error"]`` or ``ct[rows, cols]``, as indexing R's matrix by names."""
        if isinstance(key, tuple):
            return self.table.loc[key]
        return self.table[key]

    def format(self, digits: Optional[int] = None,
               signif_stars: Optional[bool] = None) -> str:
        """The text of R's ``print.coeftest`` (``printCoefmat`` with ``digits = max(3,
        getOption("digits") - 2)``, see :func:`rglm.options`)."""
        return format_coeftest(self.table, self.method, na=self.na, digits=digits,
                               signif_stars=signif_stars)

    def table_page(self, floatfmt: Optional[str] = None, digits: Optional[int] = None,
                   signif_stars: bool = True) -> TablePage:
        """The table under its method line, for :func:`rglm.to_markdown` (not R output)."""
        return coef_page(self.table, 5 if digits is None else digits, floatfmt,
                         signif_stars, heading=(self.method + ":",))


def _vcov_matrix(fit, vcov, kwargs) -> tuple[np.ndarray, Optional[list]]:
    """The covariance matrix as an array, with its row names when it has them."""
    if vcov is None:
        v = vcov_of(fit)
    elif callable(vcov):
        v = vcov(fit, **kwargs)
    else:
        v = vcov
    if isinstance(v, pd.DataFrame):
        return v.to_numpy(dtype=float, na_value=np.nan), [str(i) for i in v.index]
    return np.asarray(v, dtype=float), None


def coeftest(fit, vcov=None, df: Optional[float] = math.inf, **kwargs) -> CoefTest:
    """z (or t) tests of the coefficients. R: ``lmtest::coeftest(x, vcov. = NULL, df = Inf)``.

    Written against the generics :func:`~rglm.generics.coef`, :func:`~rglm.generics.vcov`,
    :func:`~rglm.generics.df_residual` and :func:`~rglm.generics.nobs` (lmtest's
    ``coeftest.default``), so any model kind registering them can be tested.

    Parameters
    ----------
    fit : GLM, NegBinGLM, BigGLM, ...
    vcov : DataFrame, array_like or callable, optional
        The covariance matrix (R's ``vcov.``), or a function of the fit returning it, e.g.
        ``rglm.vcovHC`` or ``lambda f: rglm.vcovHC(f, type="HC0")``; None: ``rglm.vcov(fit)``.
    df : float or None
        Degrees of freedom: ``inf`` (default for a glm, as lmtest's ``coeftest.glm``) or
        0 give z tests; a positive finite value gives t tests; None (R's ``df = NULL``)
        uses ``fit.df_residual``.
    **kwargs
        Passed to a callable ``vcov`` (R's ``...``): ``coeftest(fit, rglm.vcovHC, type="HC0")``.

    Returns
    -------
    CoefTest
        ``print()`` gives R's ``print.coeftest`` text.

    Notes
    -----
    As lmtest: when the coefficients and the covariance matrix both have unique names, the
    coefficients absent from the matrix (aliased ones, for sandwich's estimators) are
    dropped; the default ``vcov`` keeps them as rows of NA.
    """
    est = coef(fit)
    v, vnames = _vcov_matrix(fit, vcov, kwargs)
    if v.ndim != 2 or v.shape[0] != v.shape[1]:
        raise RError("'vcov.' must be a square matrix")
    var = np.diag(v).copy()
    var_na = np.isnan(var)
    names = list(est.index)
    values = est.to_numpy(dtype=float)
    if vnames is not None and len(set(names)) == len(names) and len(set(vnames)) == len(vnames):
        position = {nm: i for i, nm in enumerate(vnames)}
        keep = [nm for nm in names if nm in position]
        values = est.loc[keep].to_numpy(dtype=float)
        var = var[[position[nm] for nm in keep]]
        var_na = var_na[[position[nm] for nm in keep]]
        names = keep
    if len(var) != len(values):
        raise RError("the covariance matrix does not match the coefficients")
    with np.errstate(invalid="ignore", divide="ignore"):
        if np.any(var[~var_na] < 0):
            rwarn("NaNs produced")
        se = np.sqrt(var)
        tval = values / se
    if df is None:
        df = float(df_residual(fit))
    df = float(df)
    if math.isfinite(df) and df > 0:
        pval = 2 * stats.t.sf(np.abs(tval), df)
        cols, mthd = ["Estimate", "Std. Error", "t value", "Pr(>|t|)"], "t"
    else:
        pval = 2 * stats.norm.sf(np.abs(tval))
        cols, mthd = ["Estimate", "Std. Error", "z value", "Pr(>|z|)"], "z"
    # R's NA propagates from an NA estimate or variance; sqrt(negative) is NaN, not NA
    row_na = np.isnan(values) | var_na
    na = np.column_stack([np.isnan(values), var_na, row_na, row_na])
    table = pd.DataFrame(np.column_stack([values, se, tval, pval]), index=names, columns=cols)
    return CoefTest(table=table, method=f"{mthd} test of coefficients", df=df,
                    nobs=int(nobs(fit)), na=na)
