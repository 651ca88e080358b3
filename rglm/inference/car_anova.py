"""Type II and type III tests. R: ``car::Anova``, its default method and its helpers.

``Anova`` is a generic, as car's: a model kind registers its own method (glm's
likelihood-ratio, Wald and F tests, :mod:`rglm.models.glm.car_anova`); every other kind
gets car's ``Anova.default`` (:func:`Anova_default`), Wald tests written on the generics
(:func:`~rglm.generics.coef`, :func:`~rglm.generics.vcov`,
:func:`~rglm.generics.df_residual`, :func:`~rglm.generics.terms` and the ``assign``
attribute of :func:`~rglm.generics.model_matrix`).

Which coefficients a term's test is about (car's rules):

* type II: the term after every other term that does not contain it (its *relatives*,
  :func:`relatives`, are left in both models): for Wald tests, the part of the term's
  coefficients orthogonal, in the metric of the covariance matrix, to its relatives'
  (:func:`conj_comp`);
* type III: the term's own coefficients, everything else in the model (meaningful for
  main effects beside their interactions only under sum-to-zero contrasts).
"""

from __future__ import annotations

from functools import singledispatch
from typing import Optional

import numpy as np
from scipy import stats

from rglm import generics
from rglm.errors import RError
from rglm.formula.deparse import deparse, deparse_number
from rglm.inference.anova_table import (AnovaTable, column, make_anova, match_arg,
                                        pchisq_upper)
from rglm.inference.linear_hypothesis import covariance_of, r_matmul, wald_statistic
from rglm.linalg.qr import dqrdc2, qr_qy
from rglm.render.car import anova_type_heading
from rglm.report import message

__all__ = ["Anova", "Anova_default", "TYPES", "anova_type", "is_type_ii", "relatives",
           "conj_comp", "has_intercept", "response_lines", "term_columns",
           "intercept_only", "no_terms_error"]

#: car's ``type`` choices, in ``match.arg``'s order.
TYPES = ("II", "III", "2", "3")


def anova_type(type) -> str:
    """R: ``type <- as.character(type); match.arg(type)`` against :data:`TYPES`."""
    if isinstance(type, (int, float, np.integer, np.floating)) and not isinstance(type, bool):
        type = deparse_number(float(type))
    return match_arg(type, TYPES)


def is_type_ii(type: str) -> bool:
    """Whether a matched type is II."""
    return type in ("II", "2")


def has_intercept(model) -> bool:
    """R: ``car::has_intercept.default`` -- a coefficient named ``(Intercept)``."""
    return "(Intercept)" in list(generics.coef(model).index)


def intercept_only(model) -> bool:
    """An intercept and nothing else (car substitutes type III for type II then)."""
    return has_intercept(model) and len(generics.coef(model)) == 1


def response_lines(model) -> list[str]:
    """R: ``car::responseName`` -- the deparsed response, by lines."""
    return deparse(generics.terms(model).variables[0])


def term_labels(model) -> list[str]:
    """R: ``car::term.names`` without ``(Intercept)``: the model's term labels."""
    return list(generics.terms(model).term_labels)


def relatives(term: int, factors: np.ndarray) -> list[int]:
    """The terms that contain term ``term`` (0-based indices into the term labels).
    R: ``car:::relatives`` -- ``term2`` is a relative of ``term`` if every variable of
    ``term`` is one of ``term2``'s."""
    inside = factors != 0
    mine = inside[:, term]
    n = factors.shape[1]
    if n == 1:
        return []
    return [j for j in range(n) if j != term and not (mine & ~inside[:, j]).any()]


def conj_comp(X: np.ndarray, Z: np.ndarray, ip: np.ndarray) -> np.ndarray:
    """The columns of ``Z``'s span orthogonal to ``X`` in the inner product ``ip``.

    R: ``car:::ConjComp(X, Z, ip)`` -- ``Z %*% qr.Q(qr(t(Z) %*% ip %*% X), complete =
    TRUE)[, -(1:rank)]`` (``Z`` itself when that rank is 0), with LINPACK's rank.
    """
    m = r_matmul(r_matmul(Z.T, ip), X)
    qr = dqrdc2(m, 1e-7)
    if qr.rank == 0:
        return Z
    q = qr_qy(qr, np.eye(m.shape[0]))
    return Z @ q[:, qr.rank:]


def term_columns(model) -> np.ndarray:
    """R: ``car::assignVector`` -- the term (1-based; 0 the intercept) of each column of
    the model matrix."""
    assign = np.asarray(generics.model_matrix(model).attrs["assign"], dtype=int)
    if not has_intercept(model):  # car >= 3.1-3
        assign = assign[assign != 0]
    return assign


def no_terms_error() -> RError:
    """What car's type III tests of a model without terms end in: ``drop1()`` with the
    formula ``~ NA`` (car loops over ``1:0``)."""
    return RError("invalid model formula in ExtractVars")


# ---- Anova.default: Wald tests ----------------------------------------------------------


def _wald_row(L: np.ndarray, b: np.ndarray, V: np.ndarray, test: str) -> tuple[float, float]:
    """(statistic, df) of one term's hypothesis ``L`` (on the non-aliased coefficients),
    its all-zero rows dropped; ``(NA, 0)`` when none is left."""
    L = L[~np.all(L == 0, axis=1)]
    if L.shape[0] == 0:
        return np.nan, 0.0
    wald = wald_statistic(L, b, V)
    stat = wald.statistic if test == "Chisq" else wald.statistic / wald.q
    return stat, float(wald.q)


def _wald_table(model, names: list[str], teststat, df, error_df: float, test: str,
                type_ii: bool) -> AnovaTable:
    """The table of ``Anova.II.default``/``Anova.III.default``: Chisq tests keep the
    terms with df > 0; F tests add a ``Residuals`` row."""
    teststat, df = np.abs(np.asarray(teststat)), np.abs(np.asarray(df))
    with np.errstate(invalid="ignore"):
        if test == "Chisq":
            p = pchisq_upper(teststat, df)
        else:
            p = stats.f.sf(teststat, df, error_df)
    if test == "Chisq":
        keep = df > 0 if type_ii else np.ones(len(df), dtype=bool)
        if keep.sum() != (~np.isnan(teststat)).sum():
            raise RError("arguments imply differing number of rows: "
                         f"{int(keep.sum())}, {int((~np.isnan(teststat)).sum())}")
        ok = ~np.isnan(teststat)
        cols = [column("Df", df[keep]), column("Chisq", teststat[ok]),
                column("Pr(>Chisq)", p[ok])]
        rows = [n for n, k in zip(names, keep) if k]
    else:
        cols = [column("Df", np.append(df, error_df)), column("F", np.append(teststat, np.nan)),
                column("Pr(>F)", np.append(p, np.nan))]
        rows = names + ["Residuals"]
        if type_ii and (df == 0).any():
            raise RError("invalid 'row.names' length")
    heading = anova_type_heading(type_ii, response_lines(model))
    return make_anova(cols, rows, heading)


def anova_ii_default(model, V: np.ndarray, test: str, singular_ok: bool,
                     error_df: float) -> AnovaTable:
    """Type II Wald tests. R: ``car:::Anova.II.default`` (``Anova_II_default``)."""
    b_all = generics.coef(model)
    not_aliased = b_all.notna().to_numpy()
    if not singular_ok and not not_aliased.all():
        raise RError("there are aliased coefficients in the model")
    factors = np.asarray(generics.terms(model).factors)
    p = len(b_all)
    assign = term_columns(model).astype(float)
    assign[~not_aliased] = np.nan
    names = term_labels(model)
    b = b_all.to_numpy(dtype=float)[not_aliased]
    identity = np.eye(p)
    teststat, dfs = [], []
    for i in range(len(names)):
        subs_term = np.flatnonzero(assign == i + 1)
        subs_rel = np.concatenate([np.flatnonzero(assign == r + 1)
                                   for r in relatives(i, factors)] or [np.zeros(0, int)])
        h1 = identity[subs_rel][:, not_aliased]
        h2 = identity[np.concatenate([subs_rel, subs_term]).astype(int)][:, not_aliased]
        hyp = h2 if h1.shape[0] == 0 else conj_comp(h1.T, h2.T, V).T
        stat, df = _wald_row(hyp, b, V, test)
        teststat.append(stat)
        dfs.append(df)
    return _wald_table(model, names, teststat, dfs, error_df, test, type_ii=True)


def anova_iii_default(model, V: np.ndarray, test: str, singular_ok: bool,
                      error_df: float) -> AnovaTable:
    """Type III Wald tests, the intercept's included. R: ``car:::Anova.III.default``."""
    b_all = generics.coef(model)
    intercept = has_intercept(model)
    names = (["(Intercept)"] if intercept else []) + term_labels(model)
    assign = term_columns(model)
    not_aliased = b_all.notna().to_numpy()
    if not singular_ok and not not_aliased.all():
        raise RError("there are aliased coefficients in the model")
    b = b_all.to_numpy(dtype=float)[not_aliased]
    identity = np.eye(len(b_all))
    teststat, dfs = [], []
    for term in range(len(names)):
        subs = np.flatnonzero(assign == term + (0 if intercept else 1))
        stat, df = _wald_row(identity[subs][:, not_aliased], b, V, test)
        teststat.append(stat)
        dfs.append(df)
    return _wald_table(model, names, teststat, dfs, error_df, test, type_ii=False)


@singledispatch
def Anova(mod, type="II", test_statistic: str = "Chisq", vcov_=None,
          singular_ok: Optional[bool] = None, error_df: Optional[float] = None,
          **kwargs) -> AnovaTable:
    """Type II or III tests of each term. R: ``car::Anova(mod, type = c("II", "III", 2,
    3), test.statistic, ...)``.

    A generic, as car's: glm (and glm.nb) fits have car's ``Anova.glm`` --
    likelihood-ratio (default), Wald or F tests
    (:func:`rglm.models.glm.car_anova.Anova_glm`); every other model kind gets car's
    ``Anova.default`` (:func:`Anova_default`), Wald tests on its ``coef``, ``vcov`` and
    model matrix.

    Parameters
    ----------
    mod
        A fitted model.
    type : {"II", "III", 2, 3}
        Type II: each term after the terms that do not contain it; type III: each term
        after all the others.
    test_statistic : str
        glm: ``"LR"`` (default), ``"Wald"`` or ``"F"``; the default method: ``"Chisq"``
        or ``"F"``.
    vcov_, singular_ok, error_df, error, error_estimate
        As the method's (:func:`rglm.models.glm.car_anova.Anova_glm`,
        :func:`Anova_default`).

    Returns
    -------
    AnovaTable
        R's ``c("anova", "data.frame")``: ``print()`` gives car's text, e.g. ``Analysis
        of Deviance Table (Type II tests)``, ``Response: ...``, the table.
    """
    if kwargs:
        raise RError(f"unused argument ({', '.join(sorted(kwargs))})")
    return Anova_default(mod, type, test_statistic, vcov_, singular_ok, error_df)


def Anova_default(mod, type="II", test_statistic: str = "Chisq", vcov_=None,
                  singular_ok: Optional[bool] = None,
                  error_df: Optional[float] = None) -> AnovaTable:
    """Wald tests of each term. R: ``car:::Anova.default(mod, type, test.statistic =
    c("Chisq", "F"), vcov. = vcov(mod, complete = FALSE), singular.ok, error.df)``.

    Parameters
    ----------
    mod
        A model with ``coef``, ``vcov``, ``df_residual``, ``terms`` and ``model_matrix``
        methods.
    type : {"II", "III", 2, 3}
    test_statistic : {"Chisq", "F"}
        ``"F"``: the Wald statistic over its df, on (df, ``error_df``) degrees of freedom,
        with a ``Residuals`` row.
    vcov_ : callable or matrix, optional
        Covariance matrix of the non-aliased coefficients, or a function of the model
        giving it.
    singular_ok : bool, optional
        Default: True for type II, False for type III.
    error_df : float, optional
        Default: ``df_residual(mod)``.
    """
    if error_df is None:
        error_df = generics.df_residual(mod)
        test = match_arg(test_statistic, ("Chisq", "F"))
        if test == "F" and (error_df is None or np.isnan(error_df)):
            test = "Chisq"
            message("residual df unavailable, test.statistic set to 'Chisq'")
    else:
        test = match_arg(test_statistic, ("Chisq", "F"))
    V = covariance_of(mod, vcov_, complete=False)
    type = anova_type(type)
    if singular_ok is None:
        singular_ok = is_type_ii(type)
    run = anova_ii_default if is_type_ii(type) else anova_iii_default
    return run(mod, V, test, singular_ok, float(error_df) if error_df is not None else np.nan)
