"""Stata's ``fmm`` output: the numbers of each table, computed here and laid out by
:mod:`rglm.render.stata`.

The layout (Stata 17/18): ``Finite mixture model`` with the number of observations and
the log likelihood; the user's constraints; the class-probability table (the base
class's ``(base outcome)``, then each other class's multinomial-logit coefficients,
``_cons`` last); then per class ``Class:``/``Response:``/``Model:`` lines and its table
-- coefficients (R's term names, the intercept as ``_cons``, last), then the ancillary:
the gaussian variance as ``var(e.y)`` on the variance scale (its standard error by the
delta method, its interval the exponential of the log-variance's), the others as a
``/y`` equation on their estimation scale (``lnalpha``, ``logs``, ...), without z and P
(as Stata shows ``/lnalpha``). Wald intervals at ``level``; ``eform`` shows the class
models' coefficients exponentiated (``exp(b)``: the estimate, ``exp(b) se``, the
interval's exponentials; z and P unchanged).

The ``Model:`` line reads ``glm, family(...)`` with ``link(...)`` when it is not the
family's default: rglm's reading of Stata's header for ``fmm: glm`` (the quoted logs are
of ``fmm: regress``), not checked against a Stata run.

R: (none; Stata: ``fmm``'s output, ``estat eform``)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np
from scipy import stats

from rglm.render.display import Tabled
from rglm.render.stata import (StataRow, coef_table_header, format_coef_table, format_g,
                               format_lines, format_nobs_header, stata_page)

__all__ = ["FMMSummary", "summary_fmm", "wald_columns"]

INTERCEPT = "(Intercept)"
_VCETYPES = {"oim": None, "opg": "OPG", "robust": "Robust", "cluster": "Robust"}


def wald_columns(b, se, level: float) -> tuple:
    """``(z, P>|z|, lower, upper)`` of normal Wald tests and intervals (NaN where the
    standard error is missing or zero)."""
    b = np.asarray(b, dtype=np.float64)
    se = np.asarray(se, dtype=np.float64)
    crit = stats.norm.ppf(0.5 + level / 200.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, b / se, np.nan)
    p = 2.0 * stats.norm.sf(np.abs(z))
    return z, p, b - crit * se, b + crit * se


def _ordered(terms) -> list[int]:
    """Stata's order: the intercept last."""
    idx = [i for i, t in enumerate(terms) if t != INTERCEPT]
    return idx + [i for i, t in enumerate(terms) if t == INTERCEPT]


def _name(term: str) -> str:
    return "_cons" if term == INTERCEPT else term


@dataclass(frozen=True, repr=False)
class FMMSummary(Tabled):
    """The tables of Stata's ``fmm`` output, as numbers (``format()`` lays them out).

    Attributes
    ----------
    nobs, loglik : float
    constraints : tuple of str
        The user's constraints, as Stata lists them.
    lcprob_rows : tuple of StataRow
        The class-probability table.
    classes : tuple of (tuple of (str, str), tuple of StataRow)
        Per class: its header lines and its table.
    vcetype : str or None
        ``Robust`` / ``OPG`` above the standard errors.
    cluster_line : str or None
        ``(Std. err. adjusted for G clusters in v)``.
    eform : bool
    level : float
    """

    nobs: float
    loglik: float
    constraints: tuple
    lcprob_rows: tuple
    classes: tuple
    vcetype: Optional[str]
    cluster_line: Optional[str]
    eform: bool
    level: float

    def format(self) -> str:
        """The printout (Stata's layout; :mod:`rglm.render.stata`)."""
        parts = [format_nobs_header("Finite mixture model", self.nobs) + "\n"
                 + f"Log likelihood = {format_g(self.loglik, 10)}\n"]
        if self.constraints:
            parts.append("\n".join(f" ({i:>2})  {c}" for i, c in
                                   enumerate(self.constraints, start=1)) + "\n")
        parts.append(format_coef_table(self.lcprob_rows, level=self.level,
                                       vcetype=self.vcetype, title_line=self.cluster_line))
        for lines, rows in self.classes:
            parts.append(format_lines(lines) + "\n")
            parts.append(format_coef_table(rows, level=self.level, vcetype=self.vcetype,
                                           coef_title="exp(b)" if self.eform
                                           else "Coefficient"))
        return "\n".join(parts)

    def table_page(self, floatfmt=None, digits=None, signif_stars: bool = True) -> list:
        """The printout's tables for markdown/HTML: the class probabilities under the
        header lines, then each class's table under its ``Class:``/``Response:`` lines
        (Stata's display formats; the arguments are not used)."""
        head = ["Finite mixture model", format_nobs_header("", self.nobs).strip(),
                f"Log likelihood = {format_g(self.loglik, 10).strip()}"]
        head += [f"({i}) {c}" for i, c in enumerate(self.constraints or (), start=1)]
        if self.cluster_line:
            head.append(self.cluster_line.strip())
        pages = [stata_page(self.lcprob_rows,
                            coef_table_header(level=self.level, vcetype=self.vcetype),
                            heading=head)]
        title = "exp(b)" if self.eform else "Coefficient"
        for lines, rows in self.classes:
            pages.append(stata_page(rows, coef_table_header(title, self.level, self.vcetype),
                                    heading=format_lines(lines).split("\n")))
        return pages


def _coef_row(label: str, b: float, se: float, level: float, fixed: bool,
              eform: bool = False) -> StataRow:
    if fixed:
        return StataRow("coef", label, (np.exp(b) if eform else b,), note="(constrained)")
    z, p, lo, hi = (float(v[0]) for v in wald_columns([b], [se], level))
    if eform:
        return StataRow("coef", label, (np.exp(b), np.exp(b) * se, z, p, np.exp(lo),
                                        np.exp(hi)))
    return StataRow("coef", label, (b, se, z, p, lo, hi))


def _ancillary_rows(name: str, depvar: str, a: float, se: float, level: float,
                    fixed: bool) -> list[StataRow]:
    _, _, lo, hi = (float(v[0]) for v in wald_columns([a], [se], level))
    if name == "lnvar":
        label = f"var(e.{depvar})"
        if fixed:
            return [StataRow("variance", label, (np.exp(a),), note="(constrained)")]
        return [StataRow("variance", label, (np.exp(a), np.exp(a) * se, None, None,
                                             np.exp(lo), np.exp(hi)))]
    rows = [StataRow("equation", f"/{depvar}")]
    if fixed:
        rows.append(StataRow("coef", name, (a,), note="(constrained)"))
    else:
        rows.append(StataRow("coef", name, (a, se, None, None, lo, hi)))
    return rows


def summary_fmm(fit, eform: bool = False, level: float = 95.0) -> FMMSummary:
    """The numbers of Stata's ``fmm`` output for ``fit`` (an :class:`~rglm.models.mixture.
    result.FMM`).

    R: (none; Stata: ``fmm``'s replay, ``estat eform``)
    """
    rec = fit.record
    layout = rec.layout
    theta = np.asarray(rec.theta)
    se = np.sqrt(np.maximum(np.diag(rec.vcov), 0.0))
    se = np.where(np.isnan(np.diag(rec.vcov)), np.nan, se)
    fixed = ~(np.abs(rec.free.basis) > 1e-12).any(axis=1)
    problem = rec.problem
    label = fit.lclabel

    lc_rows: list[StataRow] = []
    for j in range(1, layout.k + 1):
        if lc_rows:
            lc_rows.append(StataRow("separator"))
        if j == layout.base:
            lc_rows.append(StataRow("equation", f"{j}.{label}", note="(base outcome)"))
            continue
        lc_rows.append(StataRow("equation", f"{j}.{label}"))
        block = layout.gamma_slice(j)
        idx = np.arange(block.start, block.stop)
        for i in _ordered(problem.znames):
            t = idx[i]
            lc_rows.append(_coef_row(_name(problem.znames[i]), theta[t], se[t], level,
                                     bool(fixed[t])))

    classes = []
    model = f"glm, {fit.family.option_text}"
    for k in range(1, layout.k + 1):
        lines = (("Class", str(k)), ("Response", fit.depvar), ("Model", model))
        rows = [StataRow("equation", fit.depvar)]
        block = layout.beta_slice(k)
        idx = np.arange(block.start, block.stop)
        for i in _ordered(problem.xnames):
            t = idx[i]
            rows.append(_coef_row(_name(problem.xnames[i]), theta[t], se[t], level,
                                  bool(fixed[t]), eform))
        if layout.n_anc:
            t = layout.anc_index(k)
            rows.append(StataRow("separator"))
            rows += _ancillary_rows(problem.family.ancillary, fit.depvar, theta[t], se[t],
                                    level, bool(fixed[t]))
        classes.append((lines, tuple(rows)))

    cluster_line = None
    if rec.vce == "cluster":
        cluster_line = (f"(Std. err. adjusted for {rec.n_clusters:,} clusters in "
                        f"{fit.cluster_name})")
    return FMMSummary(nobs=rec.nobs, loglik=rec.loglik, constraints=fit.user_constraints,
                      lcprob_rows=tuple(lc_rows), classes=tuple(classes),
                      vcetype=_VCETYPES[rec.vce], cluster_line=cluster_line,
                      eform=bool(eform), level=float(level))
