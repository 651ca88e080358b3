"""The rows and numbers of ``meglm``'s output, handed to :mod:`rglm.render.meglm`.

Stata: ``meglm``'s replay (``estat`` aside): header, fixed effects with z tests and
intervals (exponentiated with ``eform``/``or``/``irr``: the estimate and interval as
exp(), the standard error by the delta method, z and P>|z| unchanged), then per level
the variance components and, for a gaussian response, ``var(e.y)``.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from rglm.render.meglm import (format_lr_line, format_meglm_header, format_meglm_text)
from rglm.render.stata import StataRow, stata_page, coef_table_header

__all__ = ["format_meglm", "meglm_page", "coef_rows", "TITLES"]

#: The model without random effects, as the LR-test line names it.
_LR_MODELS = {("bernoulli", "logit"): "logistic", ("binomial", "logit"): "logistic",
              ("bernoulli", "probit"): "probit", ("binomial", "probit"): "probit",
              ("bernoulli", "cloglog"): "cloglog", ("binomial", "cloglog"): "cloglog",
              ("poisson", "log"): "Poisson", ("gaussian", "identity"): "linear"}

#: Stata's family names in the header.
_FAMILY_NAMES = {"bernoulli": "Bernoulli", "binomial": "binomial", "poisson": "Poisson",
                 "gaussian": "Gaussian"}

TITLES = {"coef": "Coefficient", "eform": "exp(b)", "or": "Odds ratio", "irr": "IRR"}


def _stata_name(name: str) -> str:
    return "_cons" if name == "(Intercept)" else name


def coef_rows(fit, eform: bool = False, level: float = 95.0) -> list:
    """The table's rows: fixed effects, then the random-effects parameters."""
    z = stats.norm.ppf(0.5 + level / 200.0)
    b = fit.x[:fit.p]
    se = np.sqrt(np.maximum(np.diag(fit.vcov_x)[:fit.p], 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        zval = b / se
    pval = 2.0 * stats.norm.sf(np.abs(zval))
    lo, hi = b - z * se, b + z * se
    if eform:
        b, se, lo, hi = np.exp(b), np.exp(b) * se, np.exp(lo), np.exp(hi)
    names = [_stata_name(n) for n in fit.xnames]
    # Stata lists the constant last
    order = [i for i, n in enumerate(names) if n != "_cons"] + \
            [i for i, n in enumerate(names) if n == "_cons"]
    rows = [StataRow("coef", names[i], (b[i], se[i], zval[i], pval[i], lo[i], hi[i]))
            for i in order]
    vc = fit.varcomp_at(level)
    nested = len(fit.levels_info) > 1 and not fit.lik.crossed
    path = {}
    for k, info in enumerate(fit.levels_info):
        path[info.group] = ">".join(i.group.split(":")[0]
                                    for i in fit.levels_info[:k + 1])
    for group, block in vc.groupby("group", sort=False):
        rows.append(StataRow("separator"))
        if group != "Residual":
            rows.append(StataRow("equation", path.get(group, group) if nested
                                 else group))
        for r in block.itertuples():
            rows.append(StataRow("variance", r.term, (r.estimate, r.std_err, None, None,
                                                      r.conf_low, r.conf_high)))
    return rows


def _header(fit) -> str:
    levels = [(i.group.split(":")[0], i.ngroups, i.obs_min, i.obs_avg, i.obs_max)
              for i in fit.levels_info]
    return format_meglm_header(
        title="Mixed-effects GLM", family=_FAMILY_NAMES[fit.family], link=fit.link,
        nobs=fit.nobs, levels=levels, intmethod=fit.intmethod,
        intpoints=None if fit.intmethod == "laplace" else fit.intpoints, wald=fit.wald,
        loglik=fit.loglik)


def _lr_line(fit) -> str:
    kind, chi2, df, p = fit.lr_test
    model = _LR_MODELS.get((fit.family, fit.link), f"{_FAMILY_NAMES[fit.family]} GLM")
    return format_lr_line(model, kind, chi2, df, p)


def format_meglm(fit, eform=False, level: float = 95.0) -> str:
    """Stata's ``meglm`` output. ``eform``: False, True (``exp(b)``), ``"or"`` or
    ``"irr"`` (the column's title)."""
    title = TITLES["coef"] if not eform else TITLES.get(eform, TITLES["eform"]) \
        if isinstance(eform, str) else TITLES["eform"]
    return format_meglm_text(_header(fit), coef_rows(fit, bool(eform), level), fit.depvar,
                             coef_title=title, level=level, lr_line=_lr_line(fit))


def meglm_page(fit):
    """The coefficient and random-effects table as a table page (markdown/HTML)."""
    return stata_page(coef_rows(fit), coef_table_header(),
                      heading=(_header(fit),), footer=(_lr_line(fit),))
