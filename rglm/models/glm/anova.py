"""Analysis of deviance for glm fits. R: ``stats::anova.glm`` and ``anova.glmlist``.

One model: the terms are added one at a time (refits on the columns of the first ``i``
terms) and each row gives the drop in deviance. Several models: one row per model, in
the order given. R >= 4.4 rules throughout (r-glm-behaviour.md §7): by default a
chi-squared test when the dispersion is fixed (or supplied), an F test when it is
estimated, none for a family without a ``dispersion`` element (negative binomial).
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from rglm.errors import RError, rwarn
from rglm.engines.irls.irls import glm_fit
from rglm.formula.deparse import deparse, deparse1, deparse_string
from rglm.generics import anova
from rglm.inference.anova_table import (AnovaTable, apply_test, column, make_anova, na_column,
                                      resolve_test, squote)
from rglm.models.glm.result import GLM
from rglm.models.glm.summary import estimate_dispersion
from rglm.render.anova import anova_glm_heading, anova_models_heading

__all__ = ["anova", "anova_glm", "AnovaTable"]

def _apply_test(columns: list, test, big: GLM, dispersion: Optional[float],
                df_estimated: float, n: int, magnitude: Optional[np.ndarray] = None) -> list:
    """:func:`rglm.inference.anova_table.apply_test` against ``big``'s family, residual
    df and summary dispersion."""
    return apply_test(columns, test, big.family, dispersion,
                      lambda: estimate_dispersion(big)[0], big.df_residual, df_estimated, n,
                      magnitude)


def _response_y(fit: GLM) -> np.ndarray:
    """``object$y``, rebuilt as ``mu + r * mu.eta(eta)`` when the fit kept no ``y``."""
    if fit.keep_y:
        return fit.fit.y
    f = fit.fit
    return f.fitted_values + f.residuals * fit.family.mu_eta(f.linear_predictors)


def _anova_glm(fit: GLM, test, dispersion: Optional[float]) -> AnovaTable:
    """The sequential table of one model. R: ``anova.glm``."""
    x = fit.model_matrix.x
    assign = np.asarray(fit.model_matrix.assign)
    nvars = int(assign.max()) if assign.size else 0
    doscore = test == "Rao"
    y = _response_y(fit)
    prior = fit.fit.prior_weights
    common = dict(weights=prior, offset=fit.offset_values, family=fit.family,
                  control=fit.control)
    intercept = bool(fit.terms.intercept)
    score = np.full(nvars, np.nan)
    total = np.full(nvars, np.nan)  # the score regressions' total sums of squares
    if doscore:
        null = glm_fit(x[:, assign == 0], y, **common)
        r, w = null.residuals, null.weights
    resdev, resdf = [], []
    for i in range(1, nvars):
        cols = assign <= i
        step_fit = glm_fit(x[:, cols], y, **common)
        if doscore:
            # Rao's score: the working residuals of the smaller model regressed (WLS,
            # its working weights) on the bigger design; the explained sum of squares.
            zz = glm_fit(x[:, cols], r, weights=w, intercept=intercept)
            score[i - 1] = zz.null_deviance - zz.deviance
            total[i - 1] = zz.null_deviance
            r, w = step_fit.residuals, step_fit.weights
        resdev.append(step_fit.deviance)
        resdf.append(step_fit.df_residual)
    if doscore and nvars >= 1:
        zz = glm_fit(x, r, weights=w, intercept=intercept)
        score[nvars - 1] = zz.null_deviance - zz.deviance
        total[nvars - 1] = zz.null_deviance

    rdf = np.array([fit.df_null] + resdf + [fit.df_residual], dtype=float)
    rdev = np.array([fit.null_deviance] + resdev + [fit.deviance], dtype=float)
    labels = list(fit.terms.term_labels)
    nrow = 1 + len(labels)
    with np.errstate(invalid="ignore"):
        cols = [na_column("Df", -np.diff(rdf)),
                na_column("Deviance", np.maximum(0.0, -np.diff(rdev))),
                column("Resid. Df", rdf), column("Resid. Dev", rdev)]
    cols = [(name, v[:nrow], na[:nrow]) for name, v, na in cols]
    if doscore:
        cols.append(na_column("Rao", score[:nrow - 1]))
    family = fit.family
    response = deparse1(fit.terms.variables[fit.terms.response]) \
        if fit.terms.response is not None else ""
    magnitude = np.concatenate([[np.nan], total[:nrow - 1]])
    cols = _apply_test(cols, test, fit, dispersion, fit.df_residual, x.shape[0], magnitude)
    return make_anova(cols, ["NULL"] + labels,
                      anova_glm_heading(family.family, family.link, response))


def _lhs_text(fit: GLM) -> str:
    f = fit.terms.formula
    return "\n".join(deparse(f.args[0].value)) if len(f.args) == 2 else ""


def _deparse_strings(values: list) -> str:
    """R's ``deparse()`` of a character vector (one line)."""
    quoted = [deparse_string(v) for v in values]
    return quoted[0] if len(quoted) == 1 else "c(" + ", ".join(quoted) + ")"


def _anova_glmlist(fits: list, test, dispersion: Optional[float]) -> AnovaTable:
    """One row per model. R: ``anova.glmlist``."""
    responses = [_lhs_text(f) for f in fits]
    same = [r == responses[0] for r in responses]
    if not all(same):
        dropped = [r for r, s in zip(responses, same) if not s]
        fits = [f for f, s in zip(fits, same) if s]
        rwarn(f"models with response {squote(_deparse_strings(dropped))} removed because "
              f"response differs from model 1")
    sizes = [len(f.fit.residuals) for f in fits]
    if any(s != sizes[0] for s in sizes):
        raise RError("models were not all fitted to the same size of dataset")
    if len(fits) == 1:
        return _anova_glm(fits[0], test, dispersion)

    k = len(fits)
    rdf = np.array([f.df_residual for f in fits], dtype=float)
    rdev = np.array([f.deviance for f in fits], dtype=float)
    cols = [column("Resid. Df", rdf), column("Resid. Dev", rdev),
            na_column("Df", -np.diff(rdf)), na_column("Deviance", -np.diff(rdev))]
    magnitude = None
    if test == "Rao":
        scores, totals = _consecutive_scores(fits, rdf)
        cols.append(na_column("Rao", scores))
        magnitude = np.concatenate([[np.nan], totals])
    formulas = ["\n".join(deparse(f.terms.formula)) for f in fits]
    big = fits[int(np.argmin(rdf))]
    cols = _apply_test(cols, test, big, dispersion, float(rdf.min()), len(big.fit.residuals),
                       magnitude)
    return make_anova(cols, [str(i + 1) for i in range(k)],
                      anova_models_heading(formulas))


def _consecutive_scores(fits: list, rdf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rao's score statistic between consecutive models (negative when the second is
    the smaller one): the smaller model's working residuals and weights, WLS on the
    bigger model's design; and the total sum of squares of each regression."""
    out, totals = [], []
    for i in range(len(fits) - 1):
        df = rdf[i] - rdf[i + 1]
        small, big = (fits[i], fits[i + 1]) if df > 0 else (fits[i + 1], fits[i])
        zz = glm_fit(big.model_matrix.x, small.fit.residuals, weights=small.fit.weights,
                     intercept=bool(small.terms.intercept))
        score = zz.null_deviance - zz.deviance
        out.append(-score if df < 0 else score)
        totals.append(zz.null_deviance)
    return np.array(out, dtype=float), np.array(totals, dtype=float)


def anova_glm(fit: GLM, *more_fits: GLM, test: Any = None,
              dispersion: Optional[float] = None) -> AnovaTable:
    """Analysis of deviance table(s). R: ``anova(object, ..., dispersion, test)`` for glm.

    Parameters
    ----------
    fit : GLM
    *more_fits : GLM
        Further models to compare with ``fit`` (R's ``anova.glmlist``); other objects
        are ignored, as R ignores non-glm arguments.
    test : {None, False, "Chisq", "LRT", "Rao", "F", "Cp"}
        None chooses as R >= 4.4: ``"Chisq"`` when the dispersion is fixed or given,
        ``"F"`` when it is estimated, no test for families without a ``dispersion``
        element; False gives no test. Unique abbreviations are accepted (``"Chi"``), as
        R's ``match.arg``.
    dispersion : float, optional
        Use this dispersion instead of the summary's estimate.

    Returns
    -------
    AnovaTable
        ``.table`` (DataFrame with R's column and row names) and ``.heading``;
        ``print()`` gives R's ``print.anova`` text.

    Raises
    ------
    RError
        ``models were not all fitted to the same size of dataset``, R's ``match.arg``
        errors for an unknown test.

    Notes
    -----
    One model: for ``i = 1 .. nterms - 1`` the model with the columns of the first ``i``
    terms is refitted (prior weights, offset, family, control of ``fit``); ``Deviance`` =
    ``pmax(0, -diff(Resid. Dev))``. The dispersion of an F test is the summary's; its
    degrees of freedom are the residual df when the family estimates it, infinite when
    fixed (then a warning). With several models, the test uses the model with the fewest
    residual df.
    """
    if not isinstance(fit, GLM):
        raise RError(f"no applicable method for 'anova' applied to an object of class "
                     f"\"{type(fit).__name__}\"")
    test = resolve_test(test)
    others = [m for m in more_fits if isinstance(m, GLM)]
    if others:
        return _anova_glmlist([fit] + others, test, dispersion)
    return _anova_glm(fit, test, dispersion)
