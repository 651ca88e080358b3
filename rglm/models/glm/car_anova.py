"""car's type II and III tests for glm fits. R: ``car:::Anova.glm`` and the functions it
calls (``Anova_II_LR_glm``, ``Anova_III_LR_glm``, ``Anova_II_F_glm``, ``Anova_III_F_glm``;
the Wald tests are ``Anova.default``'s, :mod:`rglm.inference.car_anova`).

The likelihood-ratio and F tests refit the model without a term's columns of the model
matrix (type III), or without the term and its relatives and without the relatives only
(type II), by :func:`~rglm.engines.irls.irls.glm_fit` with the fit's response, prior
weights, offset, family and control, as car does. A glm.nb fit is a glm here, as in R
(car has no ``negbin`` method): its refits keep theta fixed (the fit's family) and its
dispersion is ``summary.negbin``'s, 1.
"""

from __future__ import annotations

from typing import Optional

import numpy as np
from scipy import stats

from rglm import generics
from rglm.engines.irls.irls import glm_fit
from rglm.errors import RError, rwarn
from rglm.inference.anova_table import (AnovaTable, column, exact_zero, make_anova,
                                        match_arg, pchisq_upper)
from rglm.inference.car_anova import (Anova_default, anova_type, has_intercept,
                                      intercept_only, is_type_ii, no_terms_error,
                                      relatives, response_lines)
from rglm.inference.linear_hypothesis import covariance_of
from rglm.models.glm.drop1 import drop_fits
from rglm.render.car import ERROR_ESTIMATES, anova_type_heading
from rglm.report import message

__all__ = ["Anova_glm", "TEST_STATISTICS"]

#: ``Anova.glm``'s ``test.statistic`` choices, in ``match.arg``'s order.
TEST_STATISTICS = ("LR", "Wald", "F")


def _term_labels(fit) -> list[str]:
    return list(fit.terms.term_labels)


def _design(fit) -> tuple[np.ndarray, np.ndarray]:
    """The model matrix and its ``assign`` (R: ``model.matrix(mod)``)."""
    mm = fit.model_matrix
    if mm is not None:
        return mm.x, np.asarray(mm.assign)
    frame = generics.model_matrix(fit)
    return frame.to_numpy(dtype=float), np.asarray(frame.attrs["assign"])


def _refit(fit, x: np.ndarray, drop: np.ndarray):
    """``glm.fit(X[, -drop], y, wt, offset, family, control)``: the deviance and residual
    df of the model without the columns ``drop``."""
    keep = np.ones(x.shape[1], dtype=bool)
    keep[drop] = False
    z = glm_fit(x[:, keep], fit.fit.y, weights=fit.fit.prior_weights,
                offset=fit.offset_values, family=fit.family, control=fit.control)
    return float(z.deviance), float(z.df_residual)


def _type_ii_changes(fit) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per term: the df and the deviance change between the model without the term and
    its relatives and the model without the relatives only (the fit itself when the
    term has none), and the larger of the two deviances."""
    x, assign = _design(fit)
    factors = np.asarray(fit.terms.factors)
    n = len(_term_labels(fit))
    df, change, size = np.zeros(n), np.zeros(n), np.zeros(n)
    for i in range(n):
        rels = relatives(i, factors)
        rel_cols = np.flatnonzero(np.isin(assign, [r + 1 for r in rels]))
        dev1, rdf1 = _refit(fit, x, np.union1d(rel_cols, np.flatnonzero(assign == i + 1)))
        dev2, rdf2 = (fit.deviance, float(fit.df_residual)) if not rels else \
            _refit(fit, x, rel_cols)
        df[i], change[i], size[i] = rdf1 - rdf2, dev1 - dev2, max(abs(dev1), abs(dev2))
    return df, change, size


def _type_iii_changes(fit) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per term: the df (rank lost) and the deviance change of dropping the term alone,
    as car's ``drop1(mod, scope = ~ term)``, and the larger deviance."""
    labels = _term_labels(fit)
    if not labels:
        raise no_terms_error()
    fits = drop_fits(fit, labels)
    df = fits.dfs[0] - fits.dfs[1:]
    change = fits.dev[1:] - fits.dev[0]
    return df, change, np.fmax(np.abs(fits.dev[1:]), abs(fits.dev[0]))


def _changes(fit, type_ii: bool):
    """(df, deviance change) per term; a change that is zero in exact arithmetic (a term
    that adds nothing: Dobson's treatment, an aliased term) is made exactly 0, whatever
    the sign and size of its rounding noise (R's own value there is the noise of its
    machine)."""
    df, change, size = _type_ii_changes(fit) if type_ii else _type_iii_changes(fit)
    change = np.where(exact_zero(change, size), 0.0, change)
    return df, change


def _lr_table(fit, type_ii: bool) -> AnovaTable:
    """``LR Chisq``, ``Df``, ``Pr(>Chisq)``: the deviance changes over the dispersion.
    R: ``Anova_II_LR_glm`` / ``Anova_III_LR_glm``."""
    dispersion = float(generics.summary(fit).dispersion)
    df, change = _changes(fit, type_ii)
    with np.errstate(invalid="ignore", divide="ignore"):
        lr = np.where(df == 0, np.nan, change / dispersion)
        p = np.where(df == 0, np.nan, pchisq_upper(lr, np.where(df == 0, 1.0, df)))
    cols = [column("LR Chisq", lr), column("Df", df), column("Pr(>Chisq)", p)]
    return make_anova(cols, _term_labels(fit),
                      anova_type_heading(type_ii, response_lines(fit)))


def _error_ss(fit, error, error_estimate: str) -> tuple[float, float]:
    """The F tests' error sum of squares and its df. R: ``switch(error.estimate,
    pearson = sum(residuals(error, "pearson")^2, na.rm = TRUE), dispersion = df.res *
    summary(error)$dispersion, deviance = deviance(error))``."""
    error = fit if error is None else error
    df_res = float(generics.df_residual(error))
    if error_estimate == "pearson":
        r = generics.residuals(error, type="pearson").to_numpy(dtype=float)
        return float(np.nansum(r ** 2)), df_res
    if error_estimate == "dispersion":
        return df_res * float(generics.summary(error).dispersion), df_res
    return float(generics.deviance(error)), df_res


def _f_table(fit, type_ii: bool, error, error_estimate: str) -> AnovaTable:
    """``Sum Sq``, ``Df``, ``F value`` (type III: car's ``F values``), ``Pr(>F)`` and a
    ``Residuals`` row. R: ``Anova_II_F_glm`` / ``Anova_III_F_glm``."""
    if fit.family.family in ("binomial", "poisson") and error_estimate == "dispersion":
        rwarn("dispersion parameter estimated from the Pearson residuals, not taken as 1")
        error_estimate = "pearson"
    error_ss, df_res = _error_ss(fit, error, error_estimate)
    dispersion = error_ss / df_res
    df, change = _changes(fit, type_ii)
    with np.errstate(invalid="ignore", divide="ignore"):
        ss = np.where(df == 0, np.nan, change) if type_ii else change
        f = np.where(df == 0, np.nan, change / (dispersion * df))
        p = stats.f.sf(f, np.where(df == 0, 1.0, df), df_res)
    cols = [column("Sum Sq", np.append(ss, error_ss)), column("Df", np.append(df, df_res)),
            column("F value" if type_ii else "F values", np.append(f, np.nan)),
            column("Pr(>F)", np.append(p, np.nan))]
    heading = anova_type_heading(type_ii, response_lines(fit), error_estimate)
    return make_anova(cols, _term_labels(fit) + ["Residuals"], heading)


def _source(vcov_) -> str:
    """What car's message names as the source of the covariances (R: the deparsed
    argument; here a function's name, else the argument's)."""
    if callable(vcov_):
        return getattr(vcov_, "__name__", "vcov_")
    return "vcov_"


def Anova_glm(mod, type="II", test_statistic: str = "LR", error=None,
              error_estimate: str = "pearson", vcov_=None,
              singular_ok: Optional[bool] = None) -> AnovaTable:
    """Type II or III tests of each term of a glm. R: ``car::Anova(mod, type = c("II",
    "III", 2, 3), test.statistic = c("LR", "Wald", "F"), error, error.estimate =
    c("pearson", "dispersion", "deviance"), vcov. = vcov(mod, complete = TRUE),
    singular.ok)`` (``Anova.glm``); also for glm.nb fits (theta held fixed).

    Parameters
    ----------
    mod : GLM
    type : {"II", "III", 2, 3}
        Type II: each term after the others that do not contain it (marginality
        respected); type III: each term after all others (use sum-to-zero contrasts for
        main effects beside their interactions).
    test_statistic : {"LR", "Wald", "F"}
        ``"LR"``: likelihood-ratio chi-square, the deviance change over the summary's
        dispersion; ``"Wald"``: car's ``Anova.default`` chi-square tests (type III
        includes the intercept); ``"F"``: the deviance change over its df and the error
        estimate, with a ``Residuals`` row.
    error : GLM, optional
        The model whose residuals give the F tests' error (default ``mod``).
    error_estimate : {"pearson", "dispersion", "deviance"}
        The F tests' error sum of squares: the squared Pearson residuals, residual df x
        the summary's dispersion (for binomial and Poisson fits the Pearson estimate,
        with R's warning), or the deviance.
    vcov_ : callable or matrix, optional
        For Wald tests: the covariance matrix, or a function of the fit giving it
        (``rglm.vcovHC``); a message says where it came from (R prints the argument's
        expression; here a function's name). Ignored, with R's warning, otherwise.
    singular_ok : bool, optional
        Allow aliased coefficients; default True for type II, False for type III.

    Returns
    -------
    AnovaTable
        car's table; ``print()`` gives its text.

    Raises
    ------
    RError
        ``there are aliased coefficients in the model``; ``match.arg``'s errors.
    """
    type = anova_type(type)
    test_statistic = match_arg(test_statistic, TEST_STATISTICS)
    error_estimate = match_arg(error_estimate, tuple(ERROR_ESTIMATES))
    if vcov_ is not None:
        if test_statistic != "Wald":
            rwarn(f'test.statistic="{test_statistic}"; vcov. argument ignored')
        else:
            message(f"Coefficient covariances computed by {_source(vcov_)}")
    if test_statistic == "Wald":
        V = covariance_of(mod, vcov_, complete=True)
    if intercept_only(mod) and is_type_ii(type):
        type = "III"
        rwarn("the model contains only an intercept: Type III test substituted")
    if singular_ok is None:
        singular_ok = is_type_ii(type)
    if test_statistic == "Wald":
        return Anova_default(mod, type=type, vcov_=V, singular_ok=singular_ok)
    if not singular_ok and generics.coef(mod).isna().any():
        raise RError("there are aliased coefficients in the model")
    if not _term_labels(mod) and not has_intercept(mod):
        raise no_terms_error()
    if test_statistic == "LR":
        return _lr_table(mod, is_type_ii(type))
    return _f_table(mod, is_type_ii(type), error, error_estimate)
