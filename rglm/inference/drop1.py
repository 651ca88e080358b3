"""Single-term deletions and additions for any model that can be refitted.

R: ``stats::drop1.default`` and ``add1.default`` (src/library/stats/R/add.R): each
candidate model is refitted through :func:`rglm.generics.update` (``~ . - term``,
``~ . + term``) and compared by :func:`rglm.generics.extractAIC`; the refits must use the
same rows (:func:`rglm.generics.nobs`). Nothing else of the model is read, so these are
the methods of a model kind that keeps no design matrix to refit from (bigglm); glm's own
methods (R's ``drop1.glm``, ``add1.glm``, with deviances and F tests) are
:mod:`rglm.models.glm.drop1`.
"""

from __future__ import annotations

from typing import Callable, Optional, Sequence, Union

import numpy as np

from rglm.errors import RError
from rglm.formula.deparse import deparse
from rglm.formula.terms import terms as make_terms
from rglm.generics import extractAIC, nobs, terms, update
from rglm.inference.anova_table import AnovaTable, column, make_anova, match_arg, safe_pchisq
from rglm.inference.scope import add_scope, drop_scope, updated_formula
from rglm.render.anova import term_changes_heading, term_trial_line
from rglm.report import cat

__all__ = ["drop1_default", "add1_default", "drop_terms", "add_terms", "is_formula",
           "refit_aics", "aic_table"]

_TESTS = ("none", "Chisq")


def is_formula(scope) -> bool:
    """Whether a ``scope`` argument is a formula (R: ``!is.character(scope)``): a string
    with ``~``, or a formula object; a list of labels or a bare label is not."""
    return not isinstance(scope, (list, tuple)) and not (
        isinstance(scope, str) and "~" not in scope)


def _labels(scope: Union[str, Sequence[str]]) -> list:
    return [scope] if isinstance(scope, str) else [str(s) for s in scope]


def drop_terms(fit, scope) -> list:
    """The term labels drop1 tries: R's ``drop.scope(object)`` when ``scope`` is None,
    the labels of ``update.formula(object, scope)`` for a formula, else the labels
    given; R's error unless they are terms of the model."""
    if scope is None:
        return list(drop_scope(fit))
    if is_formula(scope):
        scope = list(make_terms(updated_formula(fit, scope)).term_labels)
    else:
        scope = _labels(scope)
    if not all(s in terms(fit).term_labels for s in scope):
        raise RError("scope is not a subset of term labels")
    return scope


def add_terms(fit, scope) -> list:
    """The term labels add1 tries: R's ``add.scope(object, update.formula(object,
    scope))`` for a formula, else the labels given; R's error when there are none."""
    scope = list(add_scope(fit, scope)) if is_formula(scope) else _labels(scope)
    if not scope:
        raise RError("no terms in scope for adding to object")
    return scope


def refit_aics(fit, scope: list, sign: str, scale: float, k: float,
               announce: Optional[Callable[[str], None]] = None,
               failed_as_na: bool = False) -> np.ndarray:
    """``[edf, AIC]`` of the fit (first row) and of each refit ``~ . <sign> term``; R's
    error when a refit uses other rows.

    ``announce(term)`` is called before each refit (the ``trying`` lines); with
    ``failed_as_na`` a refit that raises an :class:`~rglm.errors.RError` gives an NA row
    (MASS's ``addterm.default`` wraps the refit in ``try()``).
    """
    ans = np.empty((len(scope) + 1, 2))
    ans[0] = extractAIC(fit, scale, k=k)
    n0 = nobs(fit)
    for i, term in enumerate(scope, start=1):
        if announce is not None:
            announce(term)
        try:
            nfit = update(fit, f"~ . {sign} {term}")
        except RError:
            if not failed_as_na:
                raise
            ans[i] = np.nan
            continue
        ans[i] = extractAIC(nfit, scale, k=k)
        if nobs(nfit) != n0:
            raise RError("number of rows in use has changed: remove missing values?")
    return ans


def _trace_cat(sign: str, trace) -> Optional[Callable[[str], None]]:
    """stats' default methods announce each refit with ``cat`` when ``trace > 1``."""
    if not trace > 1:
        return None
    return lambda term: cat(term_trial_line(sign, term))


def aic_table(ans: np.ndarray, dfs: np.ndarray, test: str, k: float, adding: bool,
              rows: list, heading: list, p_name: str = "Pr(>Chi)") -> AnovaTable:
    """``Df``, ``AIC`` and, for ``test = "Chisq"``, ``LRT`` (``AIC - k edf`` differences,
    R's likelihood-ratio statistic when the AIC is ``-2 logLik + k edf``) and its
    p-value (``p_name``: stats' ``Pr(>Chi)``, MASS's ``Pr(Chi)``)."""
    cols = [column("Df", dfs, np.isnan(dfs)), column("AIC", ans[:, 1])]
    if test == "Chisq":
        dev = ans[:, 1] - k * ans[:, 0]
        dev = dev[0] - dev if adding else dev - dev[0]
        dev[0] = np.nan
        ok = ~np.isnan(dev)
        p = dev.copy()
        p[ok] = safe_pchisq(dev[ok], dfs[ok])
        cols += [column("LRT", dev, np.isnan(dev)),
                 column(p_name, p, ~ok | ~(dfs > 0))]
    return make_anova(cols, rows, heading)


def drop1_default(fit, scope: Union[None, str, Sequence[str]] = None, scale: float = 0,
                  test: str = "none", k: float = 2, trace: int = 0) -> AnovaTable:
    """Drop each term in turn, refitting. R: ``drop1.default(object, scope, scale, test,
    k, trace)``.

    Parameters
    ----------
    fit : a model with ``terms``, ``update``, ``extractAIC`` and ``nobs`` methods
    scope : str formula or list of str, optional
        As :func:`rglm.models.glm.drop1.drop1`: by default the terms whose removal
        respects marginality.
    scale : float
        Passed to ``extractAIC``.
    test : {"none", "Chisq"}
    k : float
        Penalty per degree of freedom.
    trace : int
        Above 1, each refit is announced (R's ``trying -x``).

    Returns
    -------
    AnovaTable
        Rows ``<none>`` and the terms; columns ``Df`` (edf differences), ``AIC``, and
        for ``"Chisq"`` ``LRT`` and ``Pr(>Chi)``.
    """
    scope = drop_terms(fit, scope)
    ans = refit_aics(fit, scope, "-", scale, k, _trace_cat("-", trace))
    dfs = ans[0, 0] - ans[:, 0]
    dfs[0] = np.nan
    test = match_arg(test, _TESTS)
    heading = term_changes_heading(False, deparse(terms(fit).formula), scale)
    return aic_table(ans, dfs, test, k, False, ["<none>"] + scope, heading)


def add1_default(fit, scope: Union[str, Sequence[str]] = None, scale: float = 0,
                 test: str = "none", k: float = 2, trace: int = 0) -> AnovaTable:
    """Add each candidate term in turn, refitting. R: ``add1.default(object, scope, scale,
    test, k, trace)``.

    Parameters as :func:`drop1_default`; ``scope`` (required) is the upper model
    (``"~ . + x + z"``: the terms R's ``add.scope`` allows) or term labels.

    Raises
    ------
    RError
        ``no terms in scope`` (none given), ``no terms in scope for adding to object``.
    """
    if scope is None:
        raise RError("no terms in scope")
    scope = add_terms(fit, scope)
    ans = refit_aics(fit, scope, "+", scale, k, _trace_cat("+", trace))
    dfs = ans[:, 0] - ans[0, 0]
    dfs[0] = np.nan
    test = match_arg(test, _TESTS)
    heading = term_changes_heading(True, deparse(terms(fit).formula), scale)
    return aic_table(ans, dfs, test, k, True, ["<none>"] + scope, heading)
