"""The rows and numbers of ``meglm``'s output, handed to :mod:`rglm.render.meglm`.

Stata: ``meglm``'s replay (``estat`` aside): header, fixed effects with z tests and
intervals (exponentiated with ``eform``/``or``/``irr``: the estimate and interval as
exp(), the standard error by the delta method, z and P>|z| unchanged), then per level
the variance components (covariances in a block of their own, with z and P>|z|,
as Stata 17 prints them) and, for a gaussian response, ``var(e.y)``. The family's own
parameters follow the fixed effects below a rule (``/cut1``... as ``meologit``,
``/lnalpha`` or ``/lndelta`` as ``menbreg``, ``/logs`` for gamma), with z and P>|z|
blank and never exponentiated.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from rglm.render.meglm import (format_lr_line, format_meglm_header, format_meglm_text,
                                level_rows)
from rglm.render.stata import StataRow, stata_page, coef_table_header

__all__ = ["format_meglm", "meglm_page", "coef_rows", "TITLES"]

#: The model without random effects, as the LR-test line names it.
_LR_MODELS = {("bernoulli", "logit"): "logistic", ("binomial", "logit"): "logistic",
              ("bernoulli", "probit"): "probit", ("binomial", "probit"): "probit",
              ("bernoulli", "cloglog"): "cloglog", ("binomial", "cloglog"): "cloglog",
              ("poisson", "log"): "Poisson", ("gaussian", "identity"): "linear",
              ("ordinal", "logit"): "ologit", ("ordinal", "probit"): "oprobit",
              ("nbinomial", "log"): "nbinomial", ("gamma", "log"): "gamma"}

#: Stata's family names in the header.
_FAMILY_NAMES = {"bernoulli": "Bernoulli", "binomial": "binomial", "poisson": "Poisson",
                 "gaussian": "Gaussian", "ordinal": "ordinal", "nbinomial": "nbinomial",
                 "gamma": "gamma"}

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
    aux = fit.aux_at(level)
    if len(aux):
        rows.append(StataRow("separator"))
        rows += [StataRow("coef", r.term, (r.estimate, r.std_err, None, None, r.conf_low,
                                           r.conf_high)) for r in aux.itertuples()]
    vc = fit.varcomp_at(level)
    nested = len(fit.levels_info) > 1 and not fit.lik.crossed
    path = {}
    for k, info in enumerate(fit.levels_info):
        path[info.group] = ">".join(i.group.split(":")[0]
                                    for i in fit.levels_info[:k + 1])
    for group, block in vc.groupby("group", sort=False):
        name = None if group == "Residual" else path.get(group, group) if nested else group
        rows += level_rows(name, [(r.term, _re_values(r)) for r in block.itertuples()])
    return rows


def _re_values(r) -> tuple:
    """A random-effects parameter's cells: a covariance has its z test (Stata 17 prints
    it: a covariance is not on a boundary), a variance none."""
    zval = pval = None
    if r.term.startswith("cov(") and r.std_err > 0:
        zval = r.estimate / r.std_err
        pval = 2.0 * stats.norm.sf(abs(zval))
    return (r.estimate, r.std_err, zval, pval, r.conf_low, r.conf_high)


def _header(fit) -> str:
    levels = [(i.group.split(":")[0], i.ngroups, i.obs_min, i.obs_avg, i.obs_max)
              for i in fit.levels_info]
    return format_meglm_header(
        title="Mixed-effects GLM", family=_FAMILY_NAMES[fit.family], link=fit.link,
        extra=_overdispersion(fit),
        nobs=fit.nobs, levels=levels, intmethod=fit.intmethod,
        intpoints=None if fit.intmethod == "laplace" else fit.intpoints, wald=fit.wald,
        loglik=fit.loglik, loglik_label=_loglik_label(fit))


def _loglik_label(fit) -> str:
    """Stata's ``e(crittype)``: a pseudo likelihood under pweights or a robust vce."""
    pseudo = fit.weighted or fit.vce != "oim"
    return "Log pseudolikelihood" if pseudo else "Log likelihood"


def _vce_parts(fit) -> tuple:
    """(the standard errors' heading, the line above the table): ``Robust`` and
    ``(Std. err. adjusted for N clusters in g)`` for a robust or cluster vce."""
    if fit.robust is None:
        return None, None
    r = fit.robust
    return "Robust", f"(Std. err. adjusted for {r.n_clusters:,} clusters in {r.name})"


def _overdispersion(fit) -> tuple:
    """nbinomial's ``Overdispersion: mean | constant`` line below the link."""
    fam = fit.lik.problem.family
    return (("Overdispersion:", fam.dispersion),) if fit.family == "nbinomial" else ()


def _lr_line(fit):
    """The LR test against the model without random effects; None under a robust vce
    (Stata reports none: the pseudo likelihood admits no LR test)."""
    if fit.robust is not None:
        return None
    kind, chi2, df, p = fit.lr_test
    model = _LR_MODELS.get((fit.family, fit.link), f"{_FAMILY_NAMES[fit.family]} GLM")
    return format_lr_line(model, kind, chi2, df, p)


def format_meglm(fit, eform=False, level: float = 95.0) -> str:
    """Stata's ``meglm`` output. ``eform``: False, True (``exp(b)``), ``"or"`` or
    ``"irr"`` (the column's title)."""
    title = TITLES["coef"] if not eform else TITLES.get(eform, TITLES["eform"]) \
        if isinstance(eform, str) else TITLES["eform"]
    vcetype, title_line = _vce_parts(fit)
    return format_meglm_text(_header(fit), coef_rows(fit, bool(eform), level), fit.depvar,
                             coef_title=title, level=level, lr_line=_lr_line(fit),
                             vcetype=vcetype, title_line=title_line)


def meglm_page(fit):
    """The coefficient and random-effects table as a table page (markdown/HTML)."""
    vcetype, title_line = _vce_parts(fit)
    lr = _lr_line(fit)
    return stata_page(coef_rows(fit), coef_table_header(vcetype=vcetype),
                      heading=(_header(fit),) + ((title_line,) if title_line else ()),
                      footer=(lr,) if lr else ())
