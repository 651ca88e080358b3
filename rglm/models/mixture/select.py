"""``fmm_select()``: the number of classes by information criteria.

Fits the mixture for each ``k`` from several random starts -- every start maximised to
its end, so each ``k`` gets the best optimum the starts find (flexmix's
``stepFlexmix``; Stata users run ``fmm`` with ``startvalues(randomid, draws(#))`` per
``k`` and compare ``estimates stats``) -- and tabulates the log likelihood, the number
of parameters (``e(rank)``), AIC and BIC (``-2 ll + 2 df``, ``-2 ll + log(N) df``).

R: (none; flexmix::stepFlexmix + getModel(, "BIC"); Stata: ``estimates stats``)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np
import pandas as pd

from rglm.callerenv import caller_namespace
from rglm.errors import RError
from rglm.models.mixture.frontend import fit_fmm
from rglm.render.display import Tabled
from rglm.render.stata import IC_TABLE_HEADER, format_ic_table, ic_rows, stata_page
from rglm.report import cat

__all__ = ["FmmSelection", "fmm_select"]

CRITERIA = ("BIC", "AIC")


@dataclass(frozen=True, repr=False)
class FmmSelection(Tabled):
    """The fits of several numbers of classes and their information criteria.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per ``k``: ``loglik``, ``df``, ``AIC``, ``BIC``, ``nobs``,
        ``converged``, ``starts_at_best`` (how many starts reached the best log
        likelihood, to 1e-6).
    fits : dict
        ``k`` -> the fit (:class:`~rglm.models.mixture.result.FMM`).
    criterion : str
        ``"BIC"`` or ``"AIC"``: what :attr:`best` minimises.
    """

    table: pd.DataFrame
    fits: dict
    criterion: str = "BIC"

    @property
    def best_k(self) -> int:
        """The ``k`` with the smallest criterion."""
        return int(self.table[self.criterion].idxmin())

    @property
    def best(self):
        """The fit with the smallest criterion."""
        return self.fits[self.best_k]

    def format(self) -> str:
        """Stata's ``estimates stats`` table of the fits."""
        t = self.table
        return format_ic_table([f"k={k}" for k in t.index], t["nobs"], t["loglik"], t["df"],
                               t["AIC"], t["BIC"])

    def table_page(self, floatfmt=None, digits=None, signif_stars: bool = True):
        """The table for markdown/HTML (Stata's display formats)."""
        t = self.table
        rows = ic_rows([f"k={k}" for k in t.index], t["nobs"], t["loglik"], t["df"],
                       t["AIC"], t["BIC"])
        return stata_page(rows, IC_TABLE_HEADER, "ic", heading=[
            "Akaike's information criterion and Bayesian information criterion"],
            footer=["Note: BIC uses N = number of observations. See [R] IC note."])


def _starts_at_best(fit) -> int:
    lls = fit.starts["loglik"].to_numpy()
    return int(np.sum(np.abs(lls - fit.loglik) < 1e-6))


def fmm_select(formula, data=None, ks: Iterable[int] = range(1, 5), *,
               startvalues: Any = None, draws: int = 10, seed=None,
               criterion: str = "BIC", progress: bool = False, **kwargs) -> FmmSelection:
    """Fit ``fmm()`` for each number of classes in ``ks`` and tabulate AIC and BIC.

    R: (none; flexmix::stepFlexmix(k = ks, nrep = draws); Stata: ``fmm`` per ``k`` and
    ``estimates stats``)

    Parameters
    ----------
    formula, data :
        As :func:`rglm.fmm`.
    ks : iterable of int
        The numbers of classes.
    startvalues : optional
        As :func:`rglm.fmm`; default ``{"method": "randomid", "draws": draws}``.
        Every start is maximised to its end.
    draws : int
        Random starts per ``k`` (ignored when ``startvalues`` is given; one start for
        ``k = 1``, whose likelihood has one maximum for the GLM families).
    seed : int, optional
        For reproducible starts (the same seed for every ``k``).
    criterion : {"BIC", "AIC"}
        What ``.best`` minimises.
    progress : bool
        Write a line as each ``k`` is fitted.
    **kwargs
        Any other argument of :func:`rglm.fmm` (``family``, ``lcprob``, ``weights``, ...).

    Returns
    -------
    FmmSelection
    """
    if criterion not in CRITERIA:
        raise RError("'criterion' should be one of \"BIC\", \"AIC\"")
    if "k" in kwargs:
        raise RError("give the numbers of classes as 'ks'")
    ks = [int(k) for k in ks] if not isinstance(ks, (int, np.integer)) else [int(ks)]
    if not ks:
        raise RError("'ks' is empty")
    namespace = caller_namespace()
    fits, rows = {}, []
    for k in ks:
        if progress:
            cat(f"fmm_select: k = {k}\n")
        spec = startvalues
        if spec is None:
            spec = "factor" if k == 1 else {"method": "randomid", "draws": int(draws)}
        polish = spec.get("draws", 1) if isinstance(spec, dict) else 1
        fit = fit_fmm(formula, data, k, startvalues=spec, seed=seed, polish=polish,
                      namespace=namespace, **kwargs)
        fits[k] = fit
        df = fit.rank
        rows.append({"loglik": fit.loglik, "df": df,
                     "AIC": -2.0 * fit.loglik + 2.0 * df,
                     "BIC": -2.0 * fit.loglik + np.log(fit.nobs) * df,
                     "nobs": fit.nobs, "converged": fit.converged,
                     "starts_at_best": _starts_at_best(fit)})
    table = pd.DataFrame(rows, index=pd.Index(ks, name="k"))
    return FmmSelection(table=table, fits=fits, criterion=criterion)
