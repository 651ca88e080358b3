"""Stata's ``estat lcprob`` and ``estat lcmean``: marginal class probabilities and class
means with delta-method standard errors.

* :func:`lcprob` -- ``P_k = sum_i w_i pi_ik / sum w`` (``classpr``, the default) or the
  same average of the posteriors ``tau_ik`` (``posterior=True``, Stata's
  ``classposteriorpr``). Jacobians: ``dpi_ik/dg_j = pi_ik (delta_kj - pi_ij) z_i``;
  ``dtau_ik/dtheta = tau_ik (u_ik - sum_m tau_im u_im)`` with ``u_ik`` the score of
  ``log(pi_ik f_ik)`` (class k's coefficients: ``e_ik x_i``; its ancillary ``a_ik``;
  ``g_j``: ``(delta_kj - pi_ij) z_i``). Intervals on the logit scale (Stata's margins
  of probabilities: they stay inside (0, 1)), no tests.
* :func:`lcmean` -- ``M_k = sum_i w_i mu_ik / sum w`` with ``mu_ik`` class k's mean at
  row i (:meth:`FmmFamily.mean_derivatives`); Jacobian ``X' (w dmu_k/deta) / sum w``
  and ``sum w dmu_k/danc / sum w``. Means of a bernoulli or beta outcome (probabilities)
  get logit intervals and no tests, as Stata's ``cilogit`` margins; the others z tests
  and Wald intervals.

The variance is the fit's (``vcov(fit)``; pweights: robust). A standard error that
depends on a parameter without one (a singular information matrix) is missing.

R: (none; Stata: ``estat lcprob``, ``estat lcmean``)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np
import pandas as pd
from scipy import special, stats

from rglm.engines.em import evaluate
from rglm.models.mixture.summary import wald_columns
from rglm.render.display import Tabled
from rglm.render.stata import (StataRow, coef_table_header, format_coef_table,
                               format_margins_table, format_nobs_header,
                               margins_table_header, stata_page)

__all__ = ["Margins", "lcprob", "lcmean", "lcprob_jacobian", "lcmean_jacobian"]

_LOGIT_MEANS = ("bernoulli", "beta")


def _ci_names(level: float) -> tuple[str, str]:
    lo = (100.0 - level) / 2.0
    return f"{lo:g} %", f"{100.0 - lo:g} %"


@dataclass(frozen=True, repr=False)
class Margins(Tabled):
    """Stata's ``estat lcprob`` / ``estat lcmean`` table.

    Attributes
    ----------
    title : str
        ``Latent class marginal probabilities`` (or ``posterior probabilities``,
        ``means``).
    table : pandas.DataFrame
        One row per class (index named by ``lclabel``): ``Margin``, ``Std. err.``, ``z``
        and ``P>|z|`` (``lcmean``; NaN where Stata shows none), and the interval's limits
        (``2.5 %``, ``97.5 %`` at level 95).
    V : pandas.DataFrame or None
        The margins' covariance (Stata's ``r(V)``); None with ``se=False``.
    nobs : float
    level : float
    depvar : str or None
        The outcome (``lcmean``); None for class probabilities.
    tests : bool
        Whether the table has z tests (``lcmean`` of a non-probability outcome).
    """

    title: str
    table: pd.DataFrame
    V: Optional[pd.DataFrame]
    nobs: float
    level: float
    depvar: Optional[str] = None
    tests: bool = False

    def __getitem__(self, column):
        return self.table[column]

    def __len__(self) -> int:
        return len(self.table)

    def to_frame(self) -> pd.DataFrame:
        """The table (a copy)."""
        return self.table.copy()

    @property
    def se(self) -> bool:
        return self.V is not None

    def _rows(self) -> tuple[list, str]:
        """The table's rows, and which table they make: ``"margins"`` (class
        probabilities, or margins without standard errors) or ``"coef"``."""
        t = self.table
        lo_name, hi_name = _ci_names(self.level)
        if self.depvar is None:
            rows = [StataRow("group", str(t.index.name))]
            for cls, r in t.iterrows():
                values = ((r["Margin"], r["Std. err."], r[lo_name], r[hi_name]) if self.se
                          else (r["Margin"],))
                rows.append(StataRow("level", str(cls), values))
            return rows, "margins"
        rows = []
        for cls, r in t.iterrows():
            if rows:
                rows.append(StataRow("separator"))
            rows.append(StataRow("equation", str(cls)))
            if not self.se:
                values = (r["Margin"],)
            elif self.tests:
                values = (r["Margin"], r["Std. err."], r["z"], r["P>|z|"], r[lo_name],
                          r[hi_name])
            else:
                values = (r["Margin"], r["Std. err."], None, None, r[lo_name], r[hi_name])
            rows.append(StataRow("coef", self.depvar, values))
        return rows, "margins" if not self.se else "coef"

    def format(self) -> str:
        """Stata's printout (:mod:`rglm.render.stata`)."""
        head = format_nobs_header(self.title, self.nobs) + "\n\n"
        rows, table = self._rows()
        if table == "margins":
            return head + format_margins_table(rows, level=self.level, se=self.se)
        return head + format_coef_table(rows, coef_title="Margin", level=self.level,
                                        vcetype="Delta-method")

    def table_page(self, floatfmt=None, digits=None, signif_stars: bool = True):
        """The table for markdown/HTML under the title line (Stata's display formats;
        the arguments are not used)."""
        rows, table = self._rows()
        header = (margins_table_header(self.level, self.se) if table == "margins" else
                  coef_table_header("Margin", self.level, "Delta-method"))
        heading = [self.title, format_nobs_header("", self.nobs).strip()]
        return stata_page(rows, header, table,
                          heading=heading + (["Delta-method"] if self.se else []))


def _delta(jac: np.ndarray, vcov: np.ndarray) -> np.ndarray:
    """``J V J'``, NaN where a margin depends on a parameter without a variance."""
    unknown = np.isnan(np.diag(vcov))
    v = jac @ np.nan_to_num(vcov) @ jac.T
    bad = (np.abs(jac[:, unknown]) > 0).any(axis=1)
    v[bad, :] = np.nan
    v[:, bad] = np.nan
    return v


def lcprob_jacobian(fit, posterior: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """``(P (K,), dP/dtheta (K, P))`` of the marginal class probabilities."""
    rec = fit.record
    problem, layout = rec.problem, rec.layout
    w = problem.weights
    total = w.sum()
    k = layout.k
    jac = np.zeros((k, layout.size))
    if not posterior:
        pi = np.asarray(rec.prior)
        prob = w @ pi / total
        for c in range(k):
            for j in layout.others:
                coef = w * pi[:, c] * ((c == j - 1) - pi[:, j - 1])
                jac[c, layout.gamma_slice(j)] = problem.z.T @ coef / total
        return prob, jac
    state = evaluate(problem, layout, rec.theta, order=1)
    tau = state.posterior
    prob = w @ tau / total
    dens = state.dens
    for c in range(k):
        wt = w * tau[:, c]
        for m in range(k):
            diff = (c == m) - tau[:, m]
            jac[c, layout.beta_slice(m + 1)] = \
                problem.x.T @ (wt * diff * dens.d_eta[:, m]) / total
            if layout.n_anc:
                jac[c, layout.anc_index(m + 1)] = wt @ (diff * dens.d_anc[:, m]) / total
        for j in layout.others:
            coef = wt * ((c == j - 1) - tau[:, j - 1])
            jac[c, layout.gamma_slice(j)] = problem.z.T @ coef / total
    return prob, jac


def _class_means(fit):
    rec = fit.record
    problem = rec.problem
    trials = problem.response.trials
    anc = rec.ancillary
    return problem.family.mean_derivatives(np.asarray(rec.eta),
                                           None if anc is None else np.asarray(anc),
                                           None if trials is None else trials)


def lcmean_jacobian(fit) -> tuple[np.ndarray, np.ndarray]:
    """``(M (K,), dM/dtheta (K, P))`` of the class means."""
    rec = fit.record
    problem, layout = rec.problem, rec.layout
    w = problem.weights
    total = w.sum()
    mu, dmu, dmu_anc = _class_means(fit)
    means = w @ mu / total
    jac = np.zeros((layout.k, layout.size))
    for c in range(layout.k):
        jac[c, layout.beta_slice(c + 1)] = problem.x.T @ (w * dmu[:, c]) / total
        if layout.n_anc and dmu_anc is not None:
            jac[c, layout.anc_index(c + 1)] = w @ dmu_anc[:, c] / total
    return means, jac


def _logit_interval(p: np.ndarray, se: np.ndarray, level: float):
    crit = stats.norm.ppf(0.5 + level / 200.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        half = crit * se / (p * (1.0 - p))
        lo = special.expit(special.logit(p) - half)
        hi = special.expit(special.logit(p) + half)
    exact = se == 0
    return np.where(exact, p, lo), np.where(exact, p, hi)


def _table(fit, margin, v, level: float, logit: bool) -> pd.DataFrame:
    lo_name, hi_name = _ci_names(level)
    index = fit.classes
    if v is None:
        return pd.DataFrame({"Margin": margin}, index=index)
    se = np.sqrt(np.maximum(np.diag(v), 0.0))
    se = np.where(np.isnan(np.diag(v)), np.nan, se)
    if logit:
        lo, hi = _logit_interval(margin, se, level)
        z = p = np.full(margin.shape, np.nan)
    else:
        z, p, lo, hi = wald_columns(margin, se, level)
    return pd.DataFrame({"Margin": margin, "Std. err.": se, "z": z, "P>|z|": p,
                         lo_name: lo, hi_name: hi}, index=index)


def _frame(fit, v):
    return None if v is None else pd.DataFrame(v, index=fit.classes, columns=fit.classes)


def lcprob(fit, posterior: bool = False, se: bool = True, level: float = 95.0) -> Margins:
    """Marginal class probabilities with delta-method standard errors.

    R: (none; Stata: ``estat lcprob [, classposteriorpr nose level()]``)

    Parameters
    ----------
    fit : FMM
    posterior : bool
        Average the posterior class probabilities (``classposteriorpr``) instead of the
        prior ones (``classpr``). At the maximum both averages are equal without
        ``lcprob`` covariates.
    se : bool
        False: the margins alone (``nose``).
    level : float
        Confidence level in percent.

    Returns
    -------
    Margins
        ``lcprob(fit)["Margin"]`` are the probabilities; ``print()`` shows Stata's table.
    """
    prob, jac = lcprob_jacobian(fit, posterior)
    v = _delta(jac, np.asarray(fit.record.vcov)) if se else None
    title = ("Latent class marginal posterior probabilities" if posterior
             else "Latent class marginal probabilities")
    table = _table(fit, prob, v, level, logit=True)
    return Margins(title=title, table=table.drop(columns=["z", "P>|z|"], errors="ignore"),
                   V=_frame(fit, v), nobs=fit.nobs, level=float(level))


def lcmean(fit, se: bool = True, level: float = 95.0) -> Margins:
    """The outcome's marginal mean within each class, with delta-method standard errors.

    R: (none; Stata: ``estat lcmean [, nose level()]``)

    Returns
    -------
    Margins
        One row per class; ``print()`` shows Stata's table.
    """
    means, jac = lcmean_jacobian(fit)
    v = _delta(jac, np.asarray(fit.record.vcov)) if se else None
    logit = fit.record.problem.family.name in _LOGIT_MEANS
    return Margins(title="Latent class marginal means",
                   table=_table(fit, means, v, level, logit=logit), V=_frame(fit, v),
                   nobs=fit.nobs, level=float(level), depvar=fit.depvar, tests=not logit)
