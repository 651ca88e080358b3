"""MASS's single-term deletions and additions for glm fits. R: ``MASS:::dropterm.glm`` and
``addterm.glm``.

The fits and statistics are stats' ``drop1.glm``/``add1.glm`` (:mod:`.drop1`): each
candidate refitted by ``glm.fit`` on columns of the current (drop) or combined (add)
design, AIC ``loglik + k rank`` shifted to ``extractAIC(fit)``, the likelihood-ratio
statistic ``LRT``/``scaled dev.``, the F tests. MASS differs in:

* the tests offered (``"none"``, ``"Chisq"``, ``"F"``; no Rao) and the p-value headings
  ``Pr(Chi)``, ``Pr(F)``;
* ``sorted = TRUE`` (rows by AIC) and ``trace`` (``message("trying - x")``);
* ``addterm.glm`` refits with the fit's own response, prior weights and offset
  (``object$y``, ``object$prior.weights``, ``object$offset``), where ``add1.glm`` takes
  them from the combined model frame: when a candidate variable has missing values the
  combined design has fewer rows than the response, and R fails inside ``glm.fit``
  (``(subscript) logical subscript too long``) instead of warning ``using the m/n rows``;
* the F-test warning quotes the family in both (``'quasipoisson'``).

A glm.nb fit is not dispatched here: MASS's ``dropterm.negbin``/``addterm.negbin`` are
the default methods (:mod:`rglm.inference.mass_terms`), theta re-estimated per candidate.
"""

from __future__ import annotations

from typing import Sequence, Union

import numpy as np

from rglm.errors import RError
from rglm.formula.deparse import deparse
from rglm.inference.anova_table import AnovaTable, make_anova, match_arg
from rglm.inference.drop1 import add_terms, drop_terms
from rglm.inference.mass_terms import P_CHI, P_F, announcer, sort_by_aic
from rglm.models.glm.drop1 import (add_f_columns, add_fits, combined_frame, drop_f_columns,
                                   drop_fits, test_columns, warn_f)
from rglm.render.anova import term_changes_heading

__all__ = ["dropterm", "addterm"]

_TESTS = ("none", "Chisq", "F")


def _finish(fit, cols: list, tests: list, scope: list, adding: bool, scale: float,
            sorted: bool) -> AnovaTable:
    table = make_anova(cols + tests, ["<none>"] + scope,
                       term_changes_heading(adding, deparse(fit.terms.formula), scale))
    aic = dict((name, v) for name, v, _ in cols).get("AIC")
    return sort_by_aic(table, aic if aic is not None else np.full(len(scope) + 1, np.nan),
                       sorted)


def dropterm(fit, scope: Union[None, str, Sequence[str]] = None, scale: float = 0,
             test: str = "none", k: float = 2, sorted: bool = False,
             trace: Union[bool, int] = False) -> AnovaTable:
    """Drop each term in turn. R: ``MASS::dropterm(object, scope, scale = 0,
    test = c("none", "Chisq", "F"), k = 2, sorted = FALSE, trace = FALSE)`` for glm.

    Registered as glm's :func:`rglm.generics.dropterm` method (R's ``dropterm.glm``).

    Parameters
    ----------
    fit : GLM
    scope : str formula or list of str, optional
        By default the terms whose removal respects marginality (R's ``drop.scope``); a
        formula (``"~ . - x"``) or term labels.
    scale : float
        0: the summary's dispersion; else the dispersion to use.
    test : {"none", "Chisq", "F"}
        ``"Chisq"``: ``LRT`` (``scaled dev.`` unless the dispersion is 1) and
        ``Pr(Chi)``; ``"F"``: ``F value`` and ``Pr(F)``.
    k : float
        Penalty per parameter (``log(n)`` for BIC).
    sorted : bool
        Rows ordered by AIC.
    trace : bool or int
        Announce each refit on stderr (``trying - x``).

    Returns
    -------
    AnovaTable
        Rows ``<none>`` and the terms; columns ``Df``, ``Deviance``, ``AIC`` (absent for
        quasi families), then the test's.
    """
    test = match_arg(test, _TESTS)
    scope = drop_terms(fit, scope)
    fits = drop_fits(fit, scope, announce=announcer("-", trace))
    cols, tests = test_columns(fit, "LRT" if test == "Chisq" else test, fits, scale, k,
                               adding=False, p_chi=P_CHI)
    if test == "F":
        warn_f(fit.family.family, quoted=True)
        tests = drop_f_columns(fit, fits, cols[0][1], P_F)
    return _finish(fit, cols, tests, scope, False, scale, sorted)


def addterm(fit, scope: Union[None, str, Sequence[str]] = None, scale: float = 0,
            test: str = "none", k: float = 2, sorted: bool = False,
            trace: Union[bool, int] = False) -> AnovaTable:
    """Add each candidate term in turn. R: ``MASS::addterm(object, scope, scale = 0,
    test = c("none", "Chisq", "F"), k = 2, sorted = FALSE, trace = FALSE)`` for glm.

    Registered as glm's :func:`rglm.generics.addterm` method (R's ``addterm.glm``).
    Parameters as :func:`dropterm`; ``scope`` (required) is the upper model
    (``"~ . + x + z"``) or term labels.

    Raises
    ------
    RError
        ``no terms in scope``, ``no terms in scope for adding to object``; R's
        ``(subscript) logical subscript too long`` when a candidate's missing values
        leave the combined design with fewer rows than the fit (see the module notes).
    """
    if scope is None:
        raise RError("no terms in scope")
    scope = add_terms(fit, scope)
    test = match_arg(test, _TESTS)
    _, mm = combined_frame(fit, scope)
    y = fit.fit.y
    if mm.x.shape[0] != len(y):
        raise RError("(subscript) logical subscript too long")
    fits = add_fits(fit, scope, mm, y, fit.fit.prior_weights, fit.offset_values,
                    announce=announcer("+", trace))
    cols, tests = test_columns(fit, "LRT" if test == "Chisq" else test, fits, scale, k,
                               adding=True, p_chi=P_CHI)
    if test == "F":
        warn_f(fit.family.family, quoted=True)
        tests = add_f_columns(fits, cols[0][1], float(fit.df_residual), P_F)
    return _finish(fit, cols, tests, scope, True, scale, sorted)
