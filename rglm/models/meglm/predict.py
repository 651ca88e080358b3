"""``predict()`` of a meglm fit: linear predictors and means, with or without the
random effects' empirical Bayes predictions.

Stata: ``predict, eta`` / ``predict, mu`` after ``meglm`` (conditional on the
empirical Bayes means by default; ``conditional(fixedonly)`` for the fixed part only);
R: ``predict(fit, newdata, re.form, type)`` of lme4 (``re.form = NA`` the fixed part
only, ``NULL`` all random effects).

On new data the fixed part is coded as the fit coded its data (factor levels,
contrasts, columns dropped as aliased stay dropped), and only the formula's
``offset()`` terms are added (the ``offset=``/``exposure=`` arguments are not
re-evaluated, as lme4 does not re-evaluate its call's offset). Random intercepts add
the prediction of the level each row names; an unseen level adds 0 with
``allow_new_levels`` (the population-level prediction) and is an error otherwise.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np
import pandas as pd

from rglm.errors import RError
from rglm.formula.response import model_offset
from rglm.models.meglm.posterior import posterior

__all__ = ["predict_meglm"]

_TYPES = {"eta": "eta", "link": "eta", "xb": "eta", "mu": "mu", "response": "mu"}


def _fixed_only(re_form: Any) -> bool:
    if re_form is None:
        return False
    if isinstance(re_form, float) and np.isnan(re_form):
        return True
    if isinstance(re_form, str) and re_form.replace(" ", "") in ("NA", "~0"):
        return True
    raise RError("re_form: None (all random effects) or NA (np.nan, \"NA\", \"~0\": "
                 "none) for meglm fits")


def _linkinv(fit):
    fam = fit.lik.problem.family
    if getattr(fam, "family", None) == "ordinal":
        raise RError("type = \"mu\" of an ordinal model is a probability per outcome: "
                     "not available; use type = \"eta\"")
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


def _new_random(fit, newdata: pd.DataFrame, allow_new_levels: bool,
                intpoints) -> np.ndarray:
    post = posterior(fit, "ebmeans", intpoints)
    out = np.zeros(len(newdata))
    for t, b in zip(fit.lik.problem.reterms.terms, post.b):
        if tuple(t.cnms) != ("(Intercept)",):
            raise RError("predictions on new data with random coefficients are not "
                         "available; use re_form = NA")
        index = pd.Index([str(lv) for lv in t.levels])
        pos = index.get_indexer(_group_keys(newdata, t.group))
        new = pos < 0
        if new.any() and not allow_new_levels:
            raise RError(f"new levels detected in newdata: "
                         f"{', '.join(dict.fromkeys(_group_keys(newdata, t.group)[new]))}")
        out += np.where(new, 0.0, b[np.maximum(pos, 0), 0])
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
    type : {"mu", "eta"}
        The mean (the inverse link of eta: a probability for binomial responses; R's
        ``"response"``) or the linear predictor (R's ``"link"``).
    re_form : None or NA
        None: conditional on the random effects' empirical Bayes means (Stata's
        default); ``np.nan``, ``"NA"`` or ``"~0"``: the fixed part only.
    allow_new_levels : bool
        On new data, unseen levels of a grouping factor add 0 instead of an error.
    intpoints : int, optional
        Quadrature points for the empirical Bayes means (the fit's by default).

    Returns
    -------
    pandas.Series
        By row of ``newdata`` (its index), or of the estimation sample (positions
        0..n-1, which R's print shows as 1..n).
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
        x = fit.spec.model_matrix(frame).x
        if len(fit.x_keep) != x.shape[1]:
            x = x[:, list(fit.x_keep)]
        eta = x @ beta
        off = model_offset(frame)
        if off is not None:
            eta = eta + off
        if not fixed_only:
            eta = eta + _new_random(fit, newdata, allow_new_levels, intpoints)
        index = newdata.index
    values = _linkinv(fit)(eta) if kind == "mu" else eta
    return pd.Series(np.asarray(values, dtype=float), index=index)
