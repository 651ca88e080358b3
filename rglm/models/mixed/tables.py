"""The applied tables of a mixed model (the outputs of the MIDAS GLMM tab).

Not lme4 functions: each is a short, stated computation from lme4's quantities, as the
issue defines it, printed as an R data frame and shown as an HTML table in notebooks:

* :func:`icc` -- the intraclass correlation ``sigma2_u / (sigma2_u + sigma2_e)`` with
  ``sigma2_e`` the residual variance (gaussian identity), ``pi^2 / 3`` (binomial logit,
  the latent logistic scale) or 1 (binomial probit); NaN with a note where no residual
  variance is defined, and with random slopes; with several random intercepts each
  term's share ``sigma2_k / (sum_j sigma2_j + sigma2_e)``;
* :func:`blup_table` -- per level of a grouping factor: its random intercept
  (conditional mode), the conditional standard deviation and the rank (1 = largest);
* :func:`diagnostics` -- fitted values, deviance and Pearson residuals and the
  random-effects part of the linear predictor, by row of the data (NA rows padded);
* :func:`fixef_table` -- estimates, standard errors, Wald intervals, exponentiated for
  logit (``OR``) and log links (``IRR`` for Poisson, ``exp(Est.)`` otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Optional

import numpy as np
import pandas as pd
from scipy import stats

from rglm.errors import RError
from rglm.models.mixed.accessors import (VarCorr_mer, fixef_mer, ranef_mer, vcov_mer)
from rglm.models.mixed.predict import residual_values
from rglm.models.mixed.result import MerMod, pad_excluded
from rglm.render.display import Tabled
from rglm.render.mixed import format_data_frame
from rglm.render.rformat import format_real
from rglm.render.tables import frame_page

__all__ = ["MixedTable", "icc", "blup_table", "diagnostics", "fixef_table"]


@dataclass(frozen=True, repr=False, eq=False)
class MixedTable(Tabled):
    """A table with R's data-frame printing and an HTML view.

    Attributes
    ----------
    table : pandas.DataFrame
    note : str or None
        A remark printed under the table (why a value is NaN, what a column means).
    """

    table: pd.DataFrame = field(repr=False)
    note: Optional[str] = None

    def __getitem__(self, key):
        return self.table[key]

    def __len__(self) -> int:
        return len(self.table)

    @property
    def columns(self) -> pd.Index:
        return self.table.columns

    @property
    def index(self) -> pd.Index:
        return self.table.index

    def to_frame(self) -> pd.DataFrame:
        """The table as a DataFrame (a copy)."""
        return self.table.copy()

    def head(self, n: int = 6) -> "MixedTable":
        """The first ``n`` rows (R: ``head(x, n)``), the note kept."""
        return replace(self, table=self.table.head(n))

    def format(self, digits: int = 7) -> str:
        """R's ``print(data.frame, digits)``, then the note."""
        text = format_data_frame(self.table, digits)
        return text + (f"Note: {self.note}\n" if self.note else "")

    def table_page(self, floatfmt=None, digits=None, signif_stars: bool = True):
        """The table for markdown/HTML (numbers with ``digits`` significant digits)."""
        page = frame_page(self.table, 5 if digits is None else digits, floatfmt,
                          signif_stars)
        if self.note:
            page = replace(page, footer=tuple(page.footer) + (self.note,))
        return page


def _family_link(fit: MerMod) -> tuple:
    if fit.is_glmm:
        return fit.family.family, fit.family.link
    return "gaussian", "identity"


def icc(fit: MerMod) -> MixedTable:
    """Intraclass correlation(s) of a fitted mixed model.

    ``sigma2_u / (sigma2_u + sigma2_e)`` for a random intercept, with the residual
    variance ``sigma2_e``: sigma^2 of a linear mixed model (REML or ML, as fitted),
    ``pi^2/3`` for binomial logit and 1 for binomial probit (the latent scale). NaN, with
    a note, for families without a residual variance (Poisson, Gamma, gaussian with a
    log link, ...) and for models with random slopes (the share depends on the
    covariate); with several random intercepts each term's share of the total.

    Returns
    -------
    MixedTable
        Columns ``grpvar``, ``term``, ``variance``, ``residual_variance``, ``icc``, one
        row per variance component.
    """
    vc = VarCorr_mer(fit).as_data_frame()
    re = vc[(vc["grp"] != "Residual") & vc["var2"].isna()]
    family, link = _family_link(fit)
    if family == "gaussian" and link == "identity":
        s2e = float(fit.engine.sigma) ** 2
    elif family == "binomial" and link == "logit":
        s2e = np.pi ** 2 / 3
    elif family == "binomial" and link == "probit":
        s2e = 1.0
    else:
        s2e = np.nan
    intercepts = bool((re["var1"] == "(Intercept)").all())
    var = re["vcov"].to_numpy(dtype=float)
    if np.isnan(s2e):
        note = f"no residual variance is defined for {family} with link {link}"
    elif not intercepts:
        note = "random slopes: the variance share depends on the covariate"
    elif len(re) > 1:
        note = "several random intercepts: each term's share sigma2_k / (sum of sigma2 + sigma2_e)"
    else:
        note = None
    value = np.full(len(re), np.nan) if (np.isnan(s2e) or not intercepts) else \
        var / (var.sum() + s2e)
    table = pd.DataFrame({"grpvar": re["grp"].to_numpy(), "term": re["var1"].to_numpy(),
                          "variance": var, "residual_variance": np.full(len(re), s2e),
                          "icc": value}, index=pd.RangeIndex(len(re)))
    return MixedTable(table=table, note=note)


def blup_table(fit: MerMod, group: Optional[str] = None) -> MixedTable:
    """The random intercepts of one grouping factor, level by level.

    Parameters
    ----------
    group : str, optional
        The grouping factor (default: the first, in lme4's order, with a random
        intercept).

    Returns
    -------
    MixedTable
        Columns ``Group`` (the level), ``Random Intercept`` (its conditional mode),
        ``Std. Error`` (its conditional standard deviation) and ``Rank`` (1 = the
        largest intercept; ties share the smallest rank, R's ``ties.method = "min"``;
        intercepts equal but for rounding are ties).
    """
    re = ranef_mer(fit, condVar=True)
    candidates = [g for g in re.keys() if "(Intercept)" in re[g].columns]
    if not candidates:
        raise RError("the model has no random intercept")
    if group is None:
        group = candidates[0]
    elif group not in candidates:
        raise RError(f"no random intercept for grouping factor '{group}' "
                     f"(grouping factors with one: {', '.join(candidates)})")
    frame = re[group]
    values = frame["(Intercept)"].to_numpy(dtype=float)
    sd = None
    for cols, arr in re.cond_var_of(group):
        if "(Intercept)" in cols:
            c = cols.index("(Intercept)")
            sd = np.sqrt(arr[:, c, c])
    rank = _rank_descending(values)
    table = pd.DataFrame({"Group": pd.array(list(frame.index), dtype="str"),
                          "Random Intercept": values, "Std. Error": sd, "Rank": rank},
                         index=pd.RangeIndex(len(values)))
    return MixedTable(table=table, note=None if len(candidates) == 1 else
                      f"grouping factor {group} (also: "
                      f"{', '.join(g for g in candidates if g != group)})")


def _rank_descending(values: np.ndarray, rel: float = 1e-10) -> np.ndarray:
    """1 for the largest value; ties share the smallest rank (R's ``rank(-x,
    ties.method = "min")``). Values within ``rel`` x the largest magnitude of each other
    are ties: groups whose modes are equal in exact arithmetic (the same responses and
    covariates) differ only by rounding, whose sign the BLAS kernel decides."""
    values = np.asarray(values, dtype=float)
    order = np.argsort(-values, kind="stable")
    s = values[order]
    scale = float(np.max(np.abs(values))) if len(values) else 0.0
    new_group = np.concatenate([[True], (s[:-1] - s[1:]) > rel * scale])
    first = np.maximum.accumulate(np.where(new_group, np.arange(len(s)), 0))
    rank = np.empty(len(values), dtype=np.int64)
    rank[order] = first + 1
    return rank


def _pad_all(values: np.ndarray, fit: MerMod) -> pd.Series:
    """By row of the data: NaN at every row the NA action dropped (omit or exclude)."""
    return pad_excluded(values, fit.frame, every=True)


def diagnostics(fit: MerMod) -> MixedTable:
    """Per-observation diagnostics, indexed like the rows of the data.

    Returns
    -------
    MixedTable
        Columns ``fitted_values`` (R: ``fitted``), ``deviance_residuals``,
        ``pearson_residuals`` (R: ``residuals(, type)``) and ``group_random_effect``
        (the random-effects part of the row's linear predictor, ``(Z b)_i``: for a
        random-intercept model its group's intercept); rows the NA action dropped are
        NaN, as ``na.exclude`` pads them.
    """
    e, pr = fit.engine, fit.problem
    fixed_values = pr.X @ np.asarray(e.beta) + pr.offset
    eta = e.eta if fit.is_glmm else e.mu
    cols = {"fitted_values": e.mu,
            "deviance_residuals": residual_values(fit, "deviance"),
            "pearson_residuals": residual_values(fit, "pearson"),
            "group_random_effect": np.asarray(eta) - fixed_values}
    table = pd.DataFrame({k: _pad_all(v, fit) for k, v in cols.items()})
    return MixedTable(table=table)


def fixef_table(fit: MerMod, level: float = 0.95) -> MixedTable:
    """The fixed effects with Wald intervals.

    Columns ``Estimate``, ``Std. Error``, the interval (``2.5 %``, ``97.5 %`` for
    ``level = 0.95``), and for a logit link ``OR``, for Poisson with a log link ``IRR``,
    for another log link ``exp(Est.)``, each followed by its exponentiated interval
    (``OR 2.5 %``, ``OR 97.5 %``). The standard errors are :func:`rglm.vcov`'s.
    """
    beta = fixef_mer(fit)
    se = np.sqrt(np.diag(vcov_mer(fit).to_numpy()))
    a = (1 - level) / 2
    z = stats.norm.ppf(1 - a)
    pct = [format_real([100 * q], 3)[0].strip() + " %" for q in (a, 1 - a)]
    b = beta.to_numpy()
    lo, hi = b - z * se, b + z * se
    cols = {"Estimate": b, "Std. Error": se, pct[0]: lo, pct[1]: hi}
    family, link = _family_link(fit)
    ex = "OR" if link == "logit" else "IRR" if (link == "log" and family == "poisson") \
        else "exp(Est.)" if link == "log" else None
    if ex is not None:
        cols.update({ex: np.exp(b), f"{ex} {pct[0]}": np.exp(lo),
                     f"{ex} {pct[1]}": np.exp(hi)})
    return MixedTable(table=pd.DataFrame(cols, index=beta.index))
