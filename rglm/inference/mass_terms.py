"""MASS's single-term deletions and additions for any model that can be refitted.

R: ``MASS::dropterm.default`` and ``addterm.default`` (MASS/R/add.R). They are stats'
``drop1.default``/``add1.default`` (:mod:`rglm.inference.drop1`: each candidate refitted
through :func:`rglm.generics.update`, compared by :func:`rglm.generics.extractAIC`) with
MASS's differences:

* the p-value column is ``Pr(Chi)`` (stats: ``Pr(>Chi)``);
* ``sorted = TRUE`` orders the rows by AIC (R's ``order()``: stable, NA last);
* ``trace`` announces each refit with ``message("trying - x")`` (stderr) as soon as it is
  true, where stats writes ``trying -x`` with ``cat`` only for ``trace > 1``;
* ``addterm`` wraps each refit in ``try()``: a candidate whose refit fails gets an NA row.

These are also MASS's methods for glm.nb fits (``dropterm.negbin`` and ``addterm.negbin``
call the defaults), so each candidate is refitted by ``glm.nb`` with theta estimated
afresh, and compared by ``extractAIC.negbin``; glm's own methods (``dropterm.glm``,
``addterm.glm``: deviances at the fit's family, F tests) are
:mod:`rglm.models.glm.dropterm`.
"""

from __future__ import annotations

from typing import Callable, Optional, Sequence, Union

import numpy as np

from rglm.errors import RError
from rglm.formula.deparse import deparse
from rglm.generics import terms
from rglm.inference.anova_table import AnovaTable, columns_of, make_anova, match_arg
from rglm.inference.drop1 import add_terms, aic_table, drop_terms, refit_aics
from rglm.render.anova import term_changes_heading
from rglm.render.mass import term_trial_message
from rglm.report import message

__all__ = ["dropterm_default", "addterm_default", "sort_by_aic", "announcer", "P_CHI",
           "P_F"]

#: MASS's p-value headings (stats: ``Pr(>Chi)``, ``Pr(>F)``).
P_CHI = "Pr(Chi)"
P_F = "Pr(F)"

_TESTS = ("none", "Chisq")


def announcer(sign: str, trace) -> Optional[Callable[[str], None]]:
    """What dropterm/addterm call before each refit: MASS's ``if (trace)
    message(gettextf("trying - %s", tt))``; None when ``trace`` is false."""
    if not trace:
        return None
    return lambda term: message(term_trial_message(sign, term))


def sort_by_aic(table: AnovaTable, aic: np.ndarray, sort: bool) -> AnovaTable:
    """The table's rows in R's ``order(aod$AIC)`` (stable, NA last) when ``sort``.

    ``aic`` is the AIC column as computed (MASS takes the order before it may drop an
    all-NA AIC column).
    """
    if not sort:
        return table
    aic = np.asarray(aic, dtype=float)
    order = np.lexsort((aic, np.isnan(aic)))  # lexsort is stable; NaN sorted last
    cols = [(name, v[order], na[order]) for name, v, na in columns_of(table)]
    return make_anova(cols, [table.table.index[i] for i in order], table.heading)


def _heading(fit, adding: bool, scale: float) -> tuple:
    return term_changes_heading(adding, deparse(terms(fit).formula), scale)


def dropterm_default(fit, scope: Union[None, str, Sequence[str]] = None, scale: float = 0,
                     test: str = "none", k: float = 2, sorted: bool = False,
                     trace: Union[bool, int] = False) -> AnovaTable:
    """Drop each term in turn, refitting. R: ``MASS:::dropterm.default(object, scope,
    scale = 0, test = c("none", "Chisq"), k = 2, sorted = FALSE, trace = FALSE)``.

    Parameters
    ----------
    fit : a model with ``terms``, ``update``, ``extractAIC`` and ``nobs`` methods
    scope : str formula or list of str, optional
        The terms to try: by default those whose removal respects marginality (R's
        ``drop.scope``); a formula (``"~ . - x"``) or a list of term labels.
    scale : float
        Passed to ``extractAIC``.
    test : {"none", "Chisq"}
        ``"Chisq"`` adds ``LRT`` (differences of ``AIC - k edf``, i.e. of -2 log L) and
        ``Pr(Chi)``.
    k : float
        Penalty per degree of freedom.
    sorted : bool
        Rows ordered by AIC.
    trace : bool or int
        Announce each refit on stderr.

    Returns
    -------
    AnovaTable
        Rows ``<none>`` and the terms; columns ``Df``, ``AIC`` (and ``LRT``,
        ``Pr(Chi)``).
    """
    scope = drop_terms(fit, scope)
    ans = refit_aics(fit, scope, "-", scale, k, announcer("-", trace))
    dfs = ans[0, 0] - ans[:, 0]
    dfs[0] = np.nan
    test = match_arg(test, _TESTS)
    table = aic_table(ans, dfs, test, k, False, ["<none>"] + scope,
                      _heading(fit, False, scale), p_name=P_CHI)
    return sort_by_aic(table, ans[:, 1], sorted)


def addterm_default(fit, scope: Union[None, str, Sequence[str]] = None, scale: float = 0,
                    test: str = "none", k: float = 2, sorted: bool = False,
                    trace: Union[bool, int] = False) -> AnovaTable:
    """Add each candidate term in turn, refitting. R: ``MASS:::addterm.default(object,
    scope, scale = 0, test = c("none", "Chisq"), k = 2, sorted = FALSE, trace = FALSE)``.

    Parameters as :func:`dropterm_default`; ``scope`` (required) is the upper model
    (``"~ . + x + z"``: the terms R's ``add.scope`` allows) or term labels. A candidate
    whose refit raises an R error gets an NA row (R's ``try()``).

    Raises
    ------
    RError
        ``no terms in scope`` (none given), ``no terms in scope for adding to object``.
    """
    if scope is None:
        raise RError("no terms in scope")
    scope = add_terms(fit, scope)
    ans = refit_aics(fit, scope, "+", scale, k, announcer("+", trace), failed_as_na=True)
    dfs = ans[:, 0] - ans[0, 0]
    dfs[0] = np.nan
    test = match_arg(test, _TESTS)
    table = aic_table(ans, dfs, test, k, True, ["<none>"] + scope,
                      _heading(fit, True, scale), p_name=P_CHI)
    return sort_by_aic(table, ans[:, 1], sorted)
