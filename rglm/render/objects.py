"""Printing fitted objects: adapters from result objects to the text formatters.

R dispatches ``print(fit)`` to ``print.glm`` and ``print(summary(fit))`` to
``print.summary.glm``; the result objects' ``__str__`` call these functions, which only
collect plain values and hand them to :mod:`rglm.render.glm` / :mod:`rglm.render.summary`.
"""

from __future__ import annotations

from typing import Optional

import pandas as pd

from rglm.formula.deparse import deparse
from rglm.render.glm import format_glm
from rglm.render.summary import format_summary_glm

__all__ = ["format_glm_object", "format_summary_object", "r_row_labels", "n_deleted"]


def r_row_labels(index: pd.Index) -> list[str]:
    """Row names as R would show them: a default 0-based RangeIndex becomes "1".."n"."""
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        return [str(i + 1) for i in range(len(index))]
    return [str(v) for v in index]


def n_deleted(na_action) -> Optional[int]:
    """How many rows the na.action removed (None when there was none)."""
    if na_action is None:
        return None
    return len(na_action.rows)


def format_glm_object(fit) -> str:
    """R's ``print.glm`` of a fitted :class:`rglm.models.glm.result.GLM`."""
    coef = fit.coefficients
    return format_glm(call_lines=deparse(fit.call), coef_names=list(coef.index),
                      coef_values=coef.to_numpy(), df_null=fit.df_null,
                      df_residual=fit.df_residual, null_deviance=fit.null_deviance,
                      deviance=fit.deviance, aic=fit.aic, n_deleted=n_deleted(fit.na_action))


def format_summary_object(s, show_residuals: bool = False, signif_stars: bool = True,
                          digits: Optional[int] = None) -> str:
    """R's ``print.summary.glm`` of a :class:`rglm.models.glm.summary.GLMSummary`."""
    fit = s.fit
    names = list(s.aliased.index)
    table = s.coefficients.reindex(names).to_numpy(dtype=float)
    corr = None if s.correlation is None else s.correlation.to_numpy()
    corr_names = None if s.correlation is None else list(s.correlation.index)
    resid = s.deviance_resid
    return format_summary_glm(
        call_lines=deparse(fit.call), coef_table=table, coef_rownames=names,
        coef_colnames=list(s.coefficients.columns), family=fit.family.family,
        dispersion=s.dispersion, null_deviance=fit.null_deviance, df_null=fit.df_null,
        deviance=fit.deviance, df_residual=fit.df_residual, aic=fit.aic, iter=fit.iter,
        n_aliased=s.df[2] - s.df[0], n_deleted=n_deleted(fit.na_action),
        # Residual names are only printed with show_residuals; building a million labels
        # for the default layout would cost seconds at scale.
        deviance_resid=resid.to_numpy(dtype=float),
        resid_names=r_row_labels(resid.index) if show_residuals else None,
        show_residuals=show_residuals, correlation=corr, correlation_names=corr_names,
        symbolic_cor=s.symbolic_cor, signif_stars=signif_stars,
        digits=4 if digits is None else digits)
