"""``predict()`` of a meglm fit: linear predictors and means, with or without the
random effects' empirical Bayes predictions.

Stata: ``predict, eta`` / ``predict, mu`` after ``meglm`` (conditional on the
empirical Bayes means by default; ``conditional(fixedonly)`` for the fixed part only);
R: ``predict(fit, newdata, re.form, type)`` of lme4 (``re.form = NA`` the fixed part
only, ``NULL`` all random effects).

Ordinal fits: ``type="mu"`` (or ``"pr"``, Stata's synonym) is Stata's ``predict
p*, pr`` -- a data frame with one column per outcome (the observed categories, in
order; Stata's ``outcome(#)`` picks one of them): P(y = k) = F(kappa_{k+1} - eta) -
F(kappa_k - eta), F the link's CDF. (``ordinal::clm``'s ``predict(type = "prob")``
gives only the observed category's; ``clmm`` has no predict.)

On new data the fixed part is coded as the fit coded its data (factor levels,
contrasts, columns dropped as aliased stay dropped), and only the formula's
``offset()`` terms are added (the ``offset=``/``exposure=`` arguments are not
re-evaluated, as lme4 does not re-evaluate its call's offset). Random effects add the
new row's random-effects columns (each term's left-hand side evaluated on the new
data, as lme4's ``mkNewReTrms``) times the empirical Bayes means of the level it
names; an unseen level adds 0 with ``allow_new_levels`` (the population-level
prediction) and is an error otherwise.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np
import pandas as pd
from scipy import special

from rglm.errors import RError
from rglm.formula import ast
from rglm.formula.bars import findbars, mk_reterms
from rglm.formula.frame import model_frame
from rglm.formula.response import model_offset
from rglm.models.meglm.posterior import posterior

__all__ = ["predict_meglm"]

_TYPES = {"eta": "eta", "link": "eta", "xb": "eta", "mu": "mu", "response": "mu",
          "pr": "mu"}

#: the cumulative links' CDFs F (Stata's ologit / oprobit / ocloglog)
_CDF = {"logit": special.expit, "probit": special.ndtr,
        "cloglog": lambda x: -np.expm1(-np.exp(x))}


def _fixed_only(re_form: Any) -> bool:
    if re_form is None:
        return False
    if isinstance(re_form, float) and np.isnan(re_form):
        return True
    if isinstance(re_form, str) and re_form.replace(" ", "") in ("NA", "~0"):
        return True
    raise RError("re_form: None (all random effects) or NA (np.nan, \"NA\", \"~0\": "
                 "none) for meglm fits")


def _is_ordinal(fit) -> bool:
    return getattr(fit.lik.problem.family, "family", None) == "ordinal"


def _ordinal_probabilities(fit, eta: np.ndarray, index) -> pd.DataFrame:
    """Stata's ``predict p*, pr``: P(y = k | eta) per category (columns)."""
    cut = np.asarray(fit.lik.parts(fit.x).aux, dtype=np.float64)
    with np.errstate(over="ignore"):
        cum = _CDF[fit.link](cut[None, :] - np.asarray(eta)[:, None])       # (n, K-1)
    n = cum.shape[0]
    probs = np.diff(np.column_stack([np.zeros(n), cum, np.ones(n)]), axis=1)
    categories = getattr(fit, "categories", ()) or tuple(range(1, probs.shape[1] + 1))
    return pd.DataFrame(probs, index=index, columns=pd.Index(list(categories)))


def _linkinv(fit):
    fam = fit.lik.problem.family
    if hasattr(fam, "linkinv"):
        return fam.linkinv
    return np.exp  # nbinomial: log link


def _group_keys(newdata: pd.DataFrame, group: str) -> np.ndarray:
    """The level each new row names for a grouping factor (``a:b`` for nested ones)."""
    parts = group.split(":")
    missing = [p for p in parts if p not in newdata.columns]
    if missing:
        raise RError(f"object '{missing[0]}' not found")
    cols = [newdata[p].astype(str).to_numpy(dtype=object) for p in parts]
    keys = cols[0]
    for c in cols[1:]:
        keys = keys + ":" + c
    return keys


def _new_columns(fit, newdata: pd.DataFrame) -> dict:
    """{group: (column names, columns (n, c))}: every random-effects term's left-hand
    side evaluated on the new data (lme4's ``mkNewReTrms``), terms on one grouping
    factor side by side (the fit merged them into one block)."""
    bars = findbars(fit.formula)
    rhs = None
    for bar in bars:
        part = ast.Call(ast.Symbol("+"), bar.args)         # expr | g -> expr + g
        rhs = part if rhs is None else ast.Call(ast.Symbol("+"),
                                                (ast.Arg(None, rhs), ast.Arg(None, part)))
    xlev = dict((fit.spec.xlevels or {}) if fit.spec is not None else {})
    frame = model_frame(ast.Call(ast.Symbol("~"), (ast.Arg(None, rhs),)), newdata,
                        na_action="na.pass", drop_unused_levels=False,
                        xlev={k: list(v) for k, v in xlev.items()} or None)
    out: dict = {}
    for t in mk_reterms(bars, frame).terms:
        names, cols = out.get(t.group, ((), np.zeros((len(newdata), 0))))
        out[t.group] = (names + tuple(t.cnms), np.column_stack([cols, np.asarray(t.X)]))
    return out


def _new_random(fit, newdata: pd.DataFrame, allow_new_levels: bool,
                intpoints) -> np.ndarray:
    post = posterior(fit, "ebmeans", intpoints)
    out = np.zeros(len(newdata))
    columns = None
    for t, b in zip(fit.lik.problem.reterms.terms, post.b):
        index = pd.Index([str(lv) for lv in t.levels])
        keys = _group_keys(newdata, t.group)
        pos = index.get_indexer(keys)
        new = pos < 0
        if new.any() and not allow_new_levels:
            raise RError(f"new levels detected in newdata: "
                         f"{', '.join(dict.fromkeys(keys[new]))}")
        bb = b[np.maximum(pos, 0)]                                   # (n, q)
        if tuple(t.cnms) == ("(Intercept)",):
            z = np.ones((len(newdata), 1))
        else:
            columns = _new_columns(fit, newdata) if columns is None else columns
            names, cols = columns.get(t.group, ((), None))
            if sorted(names) != sorted(t.cnms):
                raise RError(f"the random-effects columns of {t.group} on newdata "
                             f"({', '.join(names)}) are not the fit's "
                             f"({', '.join(t.cnms)})")
            z = cols[:, [names.index(c) for c in t.cnms]]
        out += np.where(new, 0.0, np.einsum("ic,ic->i", z, bb))
    return out


def predict_meglm(fit, newdata: Optional[pd.DataFrame] = None, type: str = "mu",
                  re_form: Any = None, allow_new_levels: bool = False,
                  intpoints: Optional[int] = None) -> pd.Series:
    """Predictions. Stata: ``predict, mu | eta [conditional(fixedonly)]``; R:
    ``predict(fit, newdata, re.form, type)``.

    Parameters
    ----------
    newdata : pandas.DataFrame, optional
        None: the estimation sample's rows (the model frame's order).
    type : {"mu", "eta", "pr"}
        The mean (the inverse link of eta: a probability for binomial responses; R's
        ``"response"``) or the linear predictor (R's ``"link"``). Ordinal fits:
        ``"mu"`` or ``"pr"`` give the outcomes' probabilities (a data frame, one
        column per category; Stata's ``predict p*, pr``), ``"eta"`` the linear
        predictor without cutpoints.
    re_form : None or NA
        None: conditional on the random effects' empirical Bayes means (Stata's
        default); ``np.nan``, ``"NA"`` or ``"~0"``: the fixed part only.
    allow_new_levels : bool
        On new data, unseen levels of a grouping factor add 0 instead of an error.
    intpoints : int, optional
        Quadrature points for the empirical Bayes means (the fit's by default).

    Returns
    -------
    pandas.Series or pandas.DataFrame
        By row of ``newdata`` (its index), or of the estimation sample (positions
        0..n-1, which R's print shows as 1..n); a data frame of the categories'
        probabilities for an ordinal fit's ``"mu"``.
    """
    if type not in _TYPES:
        raise RError("'arg' should be one of \u201cmu\u201d, \u201ceta\u201d")
    fixed_only = _fixed_only(re_form)
    kind = _TYPES[type]
    beta = fit.coefficients.to_numpy()
    problem = fit.lik.problem
    if newdata is None:
        eta = problem.offset + problem.X @ beta
        if not fixed_only:
            post = posterior(fit, "ebmeans", intpoints)
            for t, b in zip(problem.reterms.terms, post.b):
                eta = eta + np.einsum("ij,ij->i", np.asarray(t.X), b[t.codes])
        index = pd.RangeIndex(len(eta))  # printed 1..n, as R's row names
    else:
        if fit.spec is None:
            raise RError("this fit does not keep its model's coding: refit it to "
                         "predict on new data")
        if not isinstance(newdata, pd.DataFrame):
            newdata = pd.DataFrame(newdata)
        frame = fit.spec.model_frame(newdata, na_action="na.pass")
        mm = fit.spec.model_matrix(frame)
        # the fit's columns by name: aliased ones dropped, an ordinal's constant too
        names = list(mm.colnames)
        x = np.asarray(mm.x)[:, [names.index(nm) for nm in fit.xnames]]
        eta = x @ beta
        off = model_offset(frame)
        if off is not None:
            eta = eta + off
        if not fixed_only:
            eta = eta + _new_random(fit, newdata, allow_new_levels, intpoints)
        index = newdata.index
    if kind == "mu" and _is_ordinal(fit):
        return _ordinal_probabilities(fit, eta, index)
    values = _linkinv(fit)(eta) if kind == "mu" else eta
    return pd.Series(np.asarray(values, dtype=float), index=index)
