"""Stata's ``predict`` after ``fmm``: class probabilities, posteriors, means, linear
predictors and densities, for the fitted rows or new data.

``type`` (Stata's statistic):

* ``"mu"`` (default) -- each class's mean ``mu_ik`` (:meth:`FmmFamily.mean`);
  ``marginal=True``: ``sum_k pi_ik mu_ik``; ``pmarginal=True``: ``sum_k tau_ik mu_ik``;
* ``"eta"`` -- each class's linear predictor (offset included unless ``nooffset``);
* ``"density"`` -- each class's density of the observed outcome ``f_k(y_i)``;
  ``marginal=True``: ``sum_k pi_ik f_k(y_i)``;
* ``"classpr"`` -- the prior class probabilities ``pi_ik``;
* ``"classposteriorpr"`` -- the posteriors ``tau_ik`` (they need the outcome).

A DataFrame with one column per class (``class_=k``: that class's Series; ``marginal``:
a Series), indexed by the rows of the fit or of ``newdata``. New data are coded as the
fitted data (factor levels, ``poly()``); the offset is evaluated in them again
(``offset()`` terms, ``offset``, ``exposure``), and so is the outcome for the
statistics that need it; a row with a missing value gives NaN.

R: (none; Stata: ``predict`` after ``fmm``)
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np
import pandas as pd

from rglm.callerenv import caller_namespace
from rglm.engines.em.loglik import log_sum_exp_rows
from rglm.errors import RError
from rglm.formula.evaluate import REnv, evaluate
from rglm.formula.parse import parse_formula
from rglm.formula.response import model_offset
from rglm.formula.values import RMatrix
from rglm.models.mixture.data import evaluate_column

__all__ = ["predict_fmm", "PREDICT_TYPES"]

PREDICT_TYPES = ("mu", "eta", "density", "classpr", "classposteriorpr")
_NEEDS_Y = ("density", "classposteriorpr")


def _float(values) -> np.ndarray:
    if isinstance(values, pd.Series):
        return values.to_numpy(dtype=np.float64, na_value=np.nan)
    return np.asarray(values, dtype=np.float64)


class _Rows:
    """What the predictions of some rows need: designs, offset, outcome, trials."""

    def __init__(self, x, z, offset, y, trials, index):
        self.x, self.z, self.offset, self.y, self.trials, self.index = \
            x, z, offset, y, trials, index


def _fitted_rows(fit) -> _Rows:
    p = fit.record.problem
    trials = None if p.response.trials is None else p.response.trials[:, 0]
    return _Rows(p.x, p.z, p.offset, p.response.y[:, 0], trials, fit.row_names)


def _outcome(fit, newdata, namespace):
    """The outcome (and cbind's trials) evaluated in ``newdata``."""
    lhs = parse_formula(fit.formula).args[0].value
    value = evaluate(lhs, REnv.from_data(newdata, namespace))
    if isinstance(value, RMatrix):
        v = np.asarray(value.values, dtype=np.float64)
        return v[:, 0], v[:, 0] + v[:, 1]
    if isinstance(value, pd.Series) and isinstance(value.dtype, pd.CategoricalDtype):
        codes = value.cat.codes.to_numpy()
        return np.where(codes < 0, np.nan, (codes != 0).astype(float)), None
    return _float(value), None


def _new_rows(fit, newdata, need_y: bool, namespace) -> _Rows:
    if not isinstance(newdata, pd.DataFrame):
        newdata = pd.DataFrame(newdata)
    frame = fit.x_spec.model_frame(newdata, env=namespace)
    x = fit.x_spec.model_matrix(frame).x
    n = x.shape[0]
    off = model_offset(frame)
    off = np.zeros(n) if off is None else np.asarray(off, dtype=np.float64)
    if fit.offset_arg is not None:
        off = off + _float(evaluate_column(fit.offset_arg, newdata, namespace, "offset"))
    if fit.exposure_arg is not None:
        e = _float(evaluate_column(fit.exposure_arg, newdata, namespace, "exposure"))
        with np.errstate(divide="ignore", invalid="ignore"):
            off = off + np.where(e > 0, np.log(np.where(e > 0, e, 1.0)), np.nan)
    z = None
    if fit.z_spec is not None:
        z = fit.z_spec.model_matrix(fit.z_spec.model_frame(newdata, env=namespace)).x
    y = trials = None
    if need_y or fit.record.problem.family.name == "binomial":
        if need_y:
            y, trials = _outcome(fit, newdata, namespace)
        t = fit.trials_arg
        if isinstance(t, (int, float)) and not isinstance(t, bool):
            trials = np.full(n, float(t))
        elif t is not None:
            trials = _float(evaluate_column(t, newdata, namespace, "trials"))
    return _Rows(x, z, off, y, trials, newdata.index)


def _log_prior(fit, rows: _Rows, g: np.ndarray) -> np.ndarray:
    n = rows.x.shape[0]
    z = np.ones((n, 1)) if rows.z is None else rows.z
    logits = z @ g
    return logits - log_sum_exp_rows(logits)[:, None]


def _log_density(fit, rows: _Rows, eta: np.ndarray, anc) -> np.ndarray:
    """``log f_k(y_i)`` (n, K); NaN for rows without an outcome (or an impossible one)."""
    fam = fit.record.problem.family
    out = np.full(eta.shape, np.nan)
    ok = np.isfinite(rows.y) & np.isfinite(eta).all(axis=1)
    if rows.trials is not None:
        ok &= np.isfinite(rows.trials)
    if not ok.any():
        return out
    resp = fam.prepare(rows.y[ok], None if rows.trials is None else rows.trials[ok])
    out[ok] = fam.derivatives(resp, eta[ok], anc, order=0).logf
    return out


def predict_fmm(fit, newdata: Any = None, type: str = "mu", class_: Optional[int] = None,
                marginal: bool = False, pmarginal: bool = False, nooffset: bool = False):
    """Predictions of a finite-mixture fit (module notes).

    R: (none; Stata: ``predict [type] stub*, {mu|eta|density|classpr|classposteriorpr}
    [class(#) marginal pmarginal nooffset]``)

    Parameters
    ----------
    fit : FMM
    newdata : pandas.DataFrame, optional
        Rows to predict for (default: the fitted rows).
    type : str
        One of :data:`PREDICT_TYPES`.
    class_ : int, optional
        Only this class (a Series).
    marginal : bool
        Combine the classes with the prior probabilities (``mu``, ``density``).
    pmarginal : bool
        Combine the class means with the posterior probabilities (``mu``).
    nooffset : bool
        Leave the offset out of the linear predictors.

    Returns
    -------
    pandas.DataFrame or pandas.Series
    """
    if type not in PREDICT_TYPES:
        listed = ", ".join(f'"{t}"' for t in PREDICT_TYPES)
        raise RError(f"'type' should be one of {listed}")
    if marginal and type not in ("mu", "density"):
        raise RError("'marginal' is only for type \"mu\" and \"density\"")
    if pmarginal and type != "mu":
        raise RError("'pmarginal' is only for type \"mu\"")
    if marginal and pmarginal:
        raise RError("only one of 'marginal' and 'pmarginal' may be given")
    if (marginal or pmarginal) and class_ is not None:
        raise RError("'class_' and a marginal prediction exclude each other")
    k = fit.k
    if class_ is not None and (isinstance(class_, bool) or not isinstance(class_, (int, np.integer))
                               or not 1 <= class_ <= k):
        raise RError(f"'class_' must be a class 1..{k}")
    need_y = type in _NEEDS_Y or pmarginal
    rows = (_fitted_rows(fit) if newdata is None
            else _new_rows(fit, newdata, need_y, caller_namespace()))
    g, b, anc = fit.record.layout.unpack(fit.record.theta)
    eta = rows.x @ b
    if rows.offset is not None and not nooffset:
        eta = eta + rows.offset[:, None]
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        values = _statistic(fit, rows, type, eta, anc, g, marginal, pmarginal)
    if values.ndim == 1:
        return pd.Series(values, index=rows.index, name=type)
    out = pd.DataFrame(values, index=rows.index, columns=fit.classes)
    return out if class_ is None else out[class_].rename(type)


def _statistic(fit, rows, type, eta, anc, g, marginal, pmarginal) -> np.ndarray:
    if type == "eta":
        return eta
    log_prior = _log_prior(fit, rows, g)
    if type == "classpr":
        return np.exp(log_prior)
    if type in _NEEDS_Y or pmarginal:
        if rows.y is None:
            raise RError(f"type \"{type}\" needs the outcome '{fit.depvar}' in 'newdata'")
        logf = _log_density(fit, rows, eta, anc)
        joint = log_prior + logf
        ll = log_sum_exp_rows(joint)
        if type == "classposteriorpr":
            return np.exp(joint - ll[:, None])
        if type == "density":
            return np.exp(ll) if marginal else np.exp(logf)
    mu = fit.record.problem.family.mean(eta, anc, None if rows.trials is None
                                        else rows.trials[:, None])
    if marginal:
        return (np.exp(log_prior) * mu).sum(axis=1)
    if pmarginal:
        return (np.exp(joint - ll[:, None]) * mu).sum(axis=1)
    return mu
