"""What lme4's printouts show of a fit, collected as plain data for the renderer.

R: the data ``print.merMod`` and ``summary.merMod`` gather -- ``methTitle``,
``famlink``, the call's pieces, ``llikAIC``, ``VarCorr``, ``ngrps``, ``fixef``,
``.merMod.msgs`` and ``optinfo`` -- handed to :mod:`rglm.render.mixed`.
"""

from __future__ import annotations

import numpy as np

from rglm.formula.deparse import deparse
from rglm.models.mixed.accessors import (VarCorr_mer, df_residual_mer, fixef_mer,
                                         logLik_mer, ngrps_mer)
from rglm.models.mixed.result import MerMod
from rglm.render.mixed import AicTable, CallText, WarnInfo, format_mermod, mermod_page

__all__ = ["call_text", "aic_table", "warn_info", "format_fit", "fit_page", "family_link"]


def call_text(fit: MerMod) -> CallText:
    """The ``deparse()`` lines of the call's formula, data, weights, offset, control and
    subset (R: ``.prt.call``'s ``call$formula``, ...)."""
    args = {a.name: a.value for a in fit.call.args}

    def lines(name: str) -> tuple:
        node = args.get(name)
        return () if node is None else tuple(deparse(node))

    return CallText(formula=lines("formula"), data=lines("data"), weights=lines("weights"),
                    offset=lines("offset"), control=lines("control"),
                    subset=lines("subset"))


def aic_table(fit: MerMod) -> AicTable:
    """lme4's ``llikAIC(fit)$AICtab``: the REML criterion of a REML fit, else AIC, BIC,
    logLik, -2*log(L) (lme4 >= 1.1-37's label; for a GLMM the objective, not
    ``deviance()``) and df.resid."""
    if fit.REML:
        return AicTable(reml=float(fit.engine.devcomp.REML))
    ll = logLik_mer(fit)
    value = float(ll)
    return AicTable(aic=-2 * value + 2 * ll.df, bic=-2 * value + np.log(ll.nobs) * ll.df,
                    loglik=value, minus2logL=-2 * value, df_resid=df_residual_mer(fit))


def warn_info(fit: MerMod) -> WarnInfo:
    """``fit@optinfo`` as ``.prt.warn`` reads it."""
    oi = fit.engine.optinfo
    return WarnInfo(optimizer=fit.optimizer_name, code=int(oi.conv_opt),
                    message=str(oi.message), lme4_messages=tuple(oi.conv.messages),
                    warnings=tuple(oi.warnings))


def family_link(fit: MerMod) -> tuple:
    """(family, link) for `` Family:`` (None, None for a linear mixed model)."""
    if not fit.is_glmm:
        return None, None
    return fit.family.family, fit.family.link


def format_fit(fit: MerMod, digits: int = 4) -> str:
    """R: ``print(fit)`` (``print.merMod``)."""
    family, link = family_link(fit)
    groups = ngrps_mer(fit)
    beta = fixef_mer(fit)
    return format_mermod(
        fit.title, fit.r_class, family, link, call_text(fit), aic_table(fit),
        VarCorr_mer(fit).data, list(groups.index), list(groups.to_numpy()), fit.n,
        list(beta.index), beta.to_numpy(), fit.fit_messages, warn_info(fit), digits)


def fit_page(fit: MerMod, floatfmt=None, digits=None, signif_stars: bool = True) -> list:
    """What ``print(fit)`` shows, as tables for markdown/HTML
    (:func:`rglm.render.mixed.mermod_page`; ``floatfmt`` is not used: lme4's digits)."""
    family, link = family_link(fit)
    groups = ngrps_mer(fit)
    beta = fixef_mer(fit)
    return mermod_page(
        fit.title, fit.r_class, family, link, call_text(fit), aic_table(fit),
        VarCorr_mer(fit).data, list(groups.index), list(groups.to_numpy()), fit.n,
        list(beta.index), beta.to_numpy(), fit.fit_messages, warn_info(fit),
        4 if digits is None else digits)
