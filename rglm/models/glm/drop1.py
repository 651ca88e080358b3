"""Single-term deletions and additions. R: ``stats::drop1.glm`` and ``add1.glm``.

Each candidate model is refitted with :func:`rglm.engines.irls.irls.glm_fit` on the columns of the
current design (drop1) or of the design of the combined upper model (add1), with the
fit's prior weights, offset, family and control. The AIC column is R's: ``loglik + k *
rank`` with ``loglik = deviance / dispersion`` (gaussian: ``n log(deviance / n)``), shifted
so that the ``<none>`` row equals ``extractAIC(fit, k)``.

The dispersion and ``extractAIC`` come through the generics, as in R, so a glm.nb fit
(which has no drop1/add1 method of its own) gets R's table: refits at the fit's family,
theta fixed at the value of its last IRLS (``object$family``), dispersion 1 from
``summary.negbin``, AIC shifted to ``extractAIC.negbin``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Optional, Sequence, Union

import numpy as np
import pandas as pd

from rglm.errors import rwarn
from rglm.engines.irls.irls import glm_fit
from rglm.formula import ast
from rglm.formula.deparse import deparse
from rglm.formula.design import model_matrix
from rglm.formula.response import model_offset, model_response, model_weights
from rglm.generics import extractAIC, summary
from rglm.inference.anova_table import (AnovaTable, column, make_anova, match_arg, na_column,
                                        safe_pchisq, safe_pf)
from rglm.inference.drop1 import add_terms, drop_terms
from rglm.inference.scope import sorted_label, updated_formula
from rglm.inference.update import evaluate_call
from rglm.render.anova import term_changes_heading

__all__ = ["drop1", "add1", "TermFits", "drop_fits", "add_fits", "combined_frame",
           "test_columns", "drop_f_columns", "add_f_columns", "warn_f"]

_TESTS = ("none", "Rao", "LRT", "Chisq", "F")


def _loglik(dev: np.ndarray, fit, scale: float, dispersion: float, n: int) -> np.ndarray:
    """R's ``loglik``: deviance / dispersion; gaussian ``n log(dev/n)`` (or dev/scale - n)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if fit.family.family == "gaussian":
            return dev / scale - n if scale > 0 else n * np.log(dev / n)
        return dev / dispersion


def _base_columns(fit, dfs: np.ndarray, dev: np.ndarray, n: int, scale: Optional[float],
                  k: float, adding: bool) -> tuple[list, float, np.ndarray]:
    """``Df``, ``Deviance``, ``AIC`` (dropped when all NA), the dispersion and loglik.

    ``dfs``/``dev``: ranks and deviances, the current model (``<none>``) first. The AIC is
    ``loglik + k * rank`` shifted so that ``<none>`` equals ``extractAIC(fit, k)``.
    """
    # R: summary(object, dispersion = NULL)$dispersion, through the generic: a glm.nb
    # fit's summary method fixes it at 1 (LRT, not "scaled dev.")
    dispersion = summary(fit, dispersion=None).dispersion if not scale else float(scale)
    loglik = _loglik(dev, fit, scale or 0, dispersion, n)
    aic = loglik + k * dfs
    aic = aic + (extractAIC(fit, k=k)[1] - aic[0])
    change = dfs[1:] - dfs[0] if adding else dfs[0] - dfs[1:]
    cols = [na_column("Df", change), column("Deviance", dev)]
    if not np.isnan(aic).all():
        cols.append(column("AIC", aic))
    return cols, dispersion, loglik


def _first_na(values: np.ndarray) -> np.ndarray:
    """The NA mask of a statistic whose first cell is R's NA (other NaN are R's NaN)."""
    na = np.zeros(values.shape, dtype=bool)
    na[0] = True
    return na


def _chisq_columns(name: str, stat: np.ndarray, dfs: np.ndarray,
                   p_name: str = "Pr(>Chi)") -> list:
    """A statistic (NA in its first row) and its p-value (``p_name``: stats'
    ``Pr(>Chi)``, MASS's ``Pr(Chi)``) on ``Df`` degrees of freedom.

    R: ``P <- dev; P[nas] <- safe_pchisq(dev[nas], Df[nas], lower.tail = FALSE)`` with
    ``nas = !is.na(dev)``: NA and NaN statistics carry over to the p-value.
    """
    na = _first_na(stat)
    p = stat.copy()
    ok = ~np.isnan(stat)
    p[ok] = safe_pchisq(stat[ok], dfs[ok])
    p_na = na | (ok & ~(dfs > 0))
    return [column(name, stat, na), column(p_name, p, p_na)]


def _f_columns(fs: np.ndarray, fs_na: np.ndarray, df1: np.ndarray, df2,
               p_name: str = "Pr(>F)") -> list:
    """``F value`` and its p-value (``p_name``: stats' ``Pr(>F)``, MASS's ``Pr(F)``), NA
    and NaN carried over as in R."""
    p = fs.copy()
    ok = ~np.isnan(fs)
    df2 = np.broadcast_to(np.asarray(df2, dtype=float), fs.shape)
    p[ok] = safe_pf(fs[ok], df1[ok], df2[ok])
    return [column("F value", fs, fs_na), column(p_name, p, fs_na | (ok & ~(df1 > 0)))]


def _lrt_columns(loglik: np.ndarray, dispersion: float, dfs: np.ndarray,
                 adding: bool, p_name: str = "Pr(>Chi)") -> list:
    """The likelihood-ratio statistic (``LRT``, or ``scaled dev.`` unless the dispersion
    is 1) and its p-value."""
    stat = np.maximum(0.0, loglik[0] - loglik if adding else loglik - loglik[0])
    stat[0] = np.nan
    return _chisq_columns("LRT" if dispersion == 1 else "scaled dev.", stat, dfs, p_name)


def _rao_columns(score: np.ndarray, dispersion: float, dfs: np.ndarray) -> list:
    """Rao's score statistic (``Rao score`` or ``scaled Rao sc.``) and its p-value."""
    stat = np.maximum(0.0, score)
    stat[0] = np.nan
    return _chisq_columns("Rao score" if dispersion == 1 else "scaled Rao sc.",
                          stat / dispersion, dfs)


def warn_f(family: str, quoted: bool) -> None:
    """R's warning for an F test on a binomial or Poisson fit: stats' drop1 and MASS's
    dropterm/addterm quote the family name, stats' add1 does not."""
    if family in ("binomial", "poisson"):
        name = f"'quasi{family}'" if quoted else f"quasi{family}"
        rwarn(f"F test assumes {name} family")


@dataclass(frozen=True)
class TermFits:
    """The refits of a single-term table: ranks ``dfs`` and deviances ``dev`` of the
    current model (first) and of each candidate, Rao's ``score`` statistics (zeros unless
    asked for), and the number of rows ``n`` of the design."""

    dfs: np.ndarray
    dev: np.ndarray
    score: np.ndarray
    n: int


def drop_fits(fit, scope: list, rao: bool = False,
              announce: Optional[Callable[[str], None]] = None) -> TermFits:
    """Refit the model without each term of ``scope`` (its columns of the current
    design), with the fit's prior weights, offset, family and control. R: the loop of
    ``drop1.glm`` and MASS's ``dropterm.glm``; ``announce(term)`` before each refit."""
    x = fit.model_matrix.x
    assign = np.asarray(fit.model_matrix.assign)
    labels = list(fit.terms.term_labels)
    y = fit.fit.y
    wt = fit.fit.prior_weights
    ns = len(scope)
    dfs, dev, score = np.zeros(ns + 1), np.zeros(ns + 1), np.zeros(ns + 1)
    dfs[0], dev[0] = fit.rank, fit.deviance
    for i, term in enumerate(scope, start=1):
        if announce is not None:
            announce(term)
        keep = assign != labels.index(term) + 1
        z = glm_fit(x[:, keep], y, weights=wt, offset=fit.offset_values, family=fit.family,
                    control=fit.control)
        dfs[i], dev[i] = z.rank, z.deviance
        if rao:
            # score statistic: the smaller model's working residuals regressed (WLS) on
            # the full design, its explained sum of squares
            zz = glm_fit(x, z.residuals, weights=z.weights)
            score[i] = zz.null_deviance - zz.deviance
    return TermFits(dfs, dev, score, x.shape[0])


def drop_f_columns(fit, fits: TermFits, df_col: np.ndarray, p_name: str = "Pr(>F)") -> list:
    """drop1's F test: ``(max(0, dev - dev0) / Df) / (dev0 / rdf)`` on ``(Df, rdf)`` df,
    NA where ``Df < 1e-4``."""
    rdf = fit.df_residual
    dev = fits.dev
    with np.errstate(divide="ignore", invalid="ignore"):
        rms = dev[0] / rdf
        fs = (np.maximum(0.0, dev - dev[0]) / df_col) / rms
    fs_na = _first_na(fs) | (df_col < 1e-4)
    fs[fs_na] = np.nan
    return _f_columns(fs, fs_na, df_col, rdf, p_name)


def test_columns(fit, test: str, fits: TermFits, scale: float, k: float, adding: bool,
                 p_chi: str = "Pr(>Chi)") -> tuple[list, list]:
    """``Df``, ``Deviance``, ``AIC`` and the likelihood-ratio or Rao test's columns of a
    single-term table; the F test's are the caller's. Returns ``(base columns, test
    columns)``."""
    cols, dispersion, loglik = _base_columns(fit, fits.dfs, fits.dev, fits.n, scale, k,
                                             adding)
    df_col = cols[0][1]
    if test == "LRT":
        return cols, _lrt_columns(loglik, dispersion, df_col, adding, p_chi)
    if test == "Rao":
        return cols, _rao_columns(fits.score, dispersion, df_col)
    return cols, []


def drop1(fit, scope: Union[None, str, Sequence[str]] = None, scale: float = 0,
          test: str = "none", k: float = 2, trace: int = 0) -> AnovaTable:
    """Drop each term in turn. R: ``drop1(object, scope, scale = 0, test, k = 2)`` for glm.

    Registered as glm's :func:`rglm.generics.drop1` method (R's ``drop1.glm``); a glm.nb
    fit has no method of its own and gets this one, as in R.

    Parameters
    ----------
    fit : GLM
    scope : str formula or list of str, optional
        The terms to try: by default those whose removal respects marginality (R's
        ``drop.scope``); a formula (``"~ . - x"``, ``"~ a + b"``: updated with the model's
        formula, its term labels) or a list of term labels.
    scale : float
        0 (default): the summary's dispersion; else the dispersion to use (and, for the
        gaussian family, the AIC ``deviance/scale - n``).
    test : {"none", "Rao", "LRT", "Chisq", "F"}
        ``"Chisq"`` is ``"LRT"``; unique abbreviations are accepted.
    k : float
        Penalty per parameter in the AIC (``log(n)`` for BIC).
    trace : int
        Accepted and ignored, as R's ``drop1.glm`` takes ``step()``'s ``trace`` in ``...``.

    Returns
    -------
    AnovaTable
        Rows ``<none>`` and the terms; columns ``Df``, ``Deviance``, ``AIC`` (absent for
        quasi families), then the test's columns.

    Raises
    ------
    RError
        ``scope is not a subset of term labels``; ``match.arg`` errors for ``test``.
    """
    test = match_arg(test, _TESTS)
    if test == "Chisq":
        test = "LRT"
    scope = drop_terms(fit, scope)
    fits = drop_fits(fit, scope, rao=test == "Rao")
    cols, tests = test_columns(fit, test, fits, scale, k, adding=False)
    if test == "F":
        warn_f(fit.family.family, quoted=True)
        tests = drop_f_columns(fit, fits, cols[0][1])
    return make_anova(cols + tests, ["<none>"] + scope,
                      term_changes_heading(False, deparse(fit.terms.formula), scale))


# ---- add1 -----------------------------------------------------------------------------


def _with_formula(call: ast.Call, formula: ast.Call) -> ast.Call:
    """The call with its ``formula`` argument replaced (R: ``fc$formula <- Terms``)."""
    return ast.Call(call.fn, tuple(ast.Arg(a.name, formula) if a.name == "formula" else a
                                   for a in call.args))


def combined_frame(fit, scope: list):
    """The model frame and model matrix of the combined upper model (the current terms
    plus every candidate).

    R: the fit's call with the combined formula evaluated as ``model.frame``, then
    ``model.matrix(Terms, m, contrasts.arg = object$contrasts)``: rows with NA in any
    variable of the upper model are left out.
    """
    formula = updated_formula(fit, "~ . + " + " + ".join(scope))
    upper = replace(fit, call=_with_formula(fit.call, formula), formula_node=formula)
    mf = evaluate_call(upper, {}, frame_object=True)
    return mf, model_matrix(mf, contrasts=dict(fit.contrasts or {}))


def _frame_response(mf):
    """Response, prior weights and offset of a model frame, as glm.fit takes them
    (add1.glm: a two-column binomial response becomes proportions, weighted by trials)."""
    y = model_response(mf)
    wt = model_weights(mf)
    if isinstance(y, pd.Categorical):
        # a factor response is "not the first level", as binomial's initialize makes it
        y = (np.asarray(y.codes) != 0).astype(float)
    y = np.asarray(y, dtype=float)
    if y.ndim == 2 and y.shape[1] == 2:
        trials = y[:, 0] + y[:, 1]
        with np.errstate(invalid="ignore", divide="ignore"):
            y = np.where(trials == 0, 0.0, y[:, 0] / trials)
        wt = (np.ones(len(y)) if wt is None else wt) * trials
    return y, wt, model_offset(mf)


def add_fits(fit, scope: list, mm, y, wt, offset, rao: bool = False,
             announce: Optional[Callable[[str], None]] = None) -> TermFits:
    """Fit the current model and the model with each candidate added, on the columns of
    the combined design ``mm``. R: the fits of ``add1.glm`` and MASS's ``addterm.glm``
    (the current model refitted on the combined design is the ``<none>`` row)."""
    x = mm.x
    n = x.shape[0]
    wt = np.ones(n) if wt is None else wt
    new_labels = list(mm.term_labels)
    assign = np.asarray(mm.assign)
    old_idx = [new_labels.index(lab) + 1 for lab in fit.terms.term_labels
               if lab in new_labels]
    ousex = np.isin(assign, old_idx)
    if fit.terms.intercept:
        ousex[0] = True
    common = dict(weights=wt, offset=offset, family=fit.family, control=fit.control)
    z = glm_fit(x[:, ousex], y, **common)
    ns = len(scope)
    dfs, dev, score = np.zeros(ns + 1), np.zeros(ns + 1), np.zeros(ns + 1)
    dfs[0], dev[0] = z.rank, z.deviance
    r, w = z.residuals, z.weights
    sorted_new = [sorted_label(lab) for lab in new_labels]
    for i, term in enumerate(scope, start=1):
        if announce is not None:
            announce(term)
        stt = sorted_label(term)
        usex = assign == (sorted_new.index(stt) + 1) if stt in sorted_new else \
            np.zeros(len(assign), dtype=bool)
        cols_i = usex | ousex
        zi = glm_fit(x[:, cols_i], y, **common)
        dfs[i], dev[i] = zi.rank, zi.deviance
        if rao:
            # R fits this WLS with the offset too (glm.fit(X, r, w, offset = offset))
            zz = glm_fit(x[:, cols_i], r, weights=w, offset=offset)
            score[i] = zz.null_deviance - zz.deviance
    return TermFits(dfs, dev, score, n)


def add_f_columns(fits: TermFits, df_col: np.ndarray, rdf: float,
                  p_name: str = "Pr(>F)") -> list:
    """add1's F: ``((dev0 - dev)/df) / (dev/(rdf - df))`` on ``(df, rdf - df)`` df."""
    dev = fits.dev
    with np.errstate(divide="ignore", invalid="ignore"):
        diff = np.maximum(0.0, (dev[0] - dev) / df_col)
        fs = diff / (dev / (rdf - df_col))
    fs_na = _first_na(fs) | (df_col < np.finfo(float).eps)
    fs[fs_na] = np.nan
    return _f_columns(fs, fs_na, df_col, rdf - df_col, p_name)


def add1(fit, scope: Union[str, Sequence[str]], scale: float = 0, test: str = "none",
         k: float = 2, trace: int = 0) -> AnovaTable:
    """Add each candidate term in turn. R: ``add1(object, scope, scale = 0, test, k = 2)``.

    Registered as glm's :func:`rglm.generics.add1` method (R's ``add1.glm``).

    Parameters
    ----------
    fit : GLM
    scope : str formula or list of str
        The upper model (``"~ . + x + z"``, ``"~ a * b"``: the terms not in the model
        whose lower-order relatives are all in it, R's ``add.scope``), or term labels.
    scale, test, k, trace
        As :func:`drop1`.

    Returns
    -------
    AnovaTable
        Rows ``<none>`` and the candidate terms.

    Raises
    ------
    RError
        ``no terms in scope for adding to object``; ``upper scope has term ... not
        included in model``.

    Notes
    -----
    All candidates are fitted on the model frame of the combined model (the current
    terms plus every candidate), so rows with missing values in a candidate variable
    are dropped for every row of the table (warning ``using the m/n rows from a
    combined fit``), as in R.
    """
    test = match_arg(test, _TESTS)
    if test == "Chisq":
        test = "LRT"
    scope = add_terms(fit, scope)
    mf, mm = combined_frame(fit, scope)
    y, wt, offset = _frame_response(mf)
    oldn = len(fit.fit.y) if fit.keep_y else 0
    if len(y) < oldn:
        noun = "row" if len(y) == 1 else "rows"
        rwarn(f"using the {len(y)}/{oldn} {noun} from a combined fit")
    fits = add_fits(fit, scope, mm, y, wt, offset, rao=test == "Rao")
    cols, tests = test_columns(fit, test, fits, scale, k, adding=True)
    if test == "F":
        warn_f(fit.family.family, quoted=False)
        tests = add_f_columns(fits, cols[0][1], float(fit.df_residual))
    return make_anova(cols + tests, ["<none>"] + scope,
                      term_changes_heading(True, deparse(fit.terms.formula), scale))
