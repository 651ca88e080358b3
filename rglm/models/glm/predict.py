"""Predictions from a fitted GLM. R: ``stats::predict.glm`` (on top of ``predict.lm``).

Nothing is refitted. Standard errors come from the QR of the last IRLS step stored in the
fit: with ``R11`` the ``rank x rank`` triangle of that (weighted) QR in pivoted order and
``X`` the *unweighted* model matrix of the rows predicted,

    se(eta_i) = sqrt(dispersion * || X[i, piv] R11^{-1} ||^2),

because ``(R11' R11)^{-1}`` is the unscaled covariance of the non-aliased coefficients.
On the response scale the delta method multiplies by ``|d mu / d eta|``.

New data are coded through the fit's :class:`~rglm.formula.design.ModelSpec` (fitted
factor levels, contrasts, poly()/scale() coefficients), as R's ``predict.lm`` codes them
through ``xlevels``, ``contrasts`` and ``predvars``. R >= 4.3 rules throughout: offsets of
new data are the formula's ``offset()`` terms plus the call's ``offset=`` evaluated in
``newdata``; a rank-deficient fit warns only when some new rows are not estimable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence, Union

import numpy as np
import pandas as pd
from scipy.linalg import solve_triangular

from rglm.errors import RError, rwarn
from rglm.formula.dtypes import r_class
from rglm.formula.evaluate import evaluate
from rglm.formula.response import model_offset
from rglm.formula.values import REnv, RMatrix, is_character, is_factor, is_logical
from rglm.generics import model_matrix
from rglm.models.glm.residuals import napredict
from rglm.models.glm.summary import summary_dispersion

__all__ = ["predict", "Prediction", "PREDICT_TYPES"]

PREDICT_TYPES = ("link", "response", "terms")

#: R >= 4.3 ``predict.lm(tol = 1e-6)``: a new row is non-estimable when its component in
#: the null space of the fit is at least this fraction of its norm.
NON_ESTIMABLE_TOL = 1e-6


@dataclass(frozen=True)
class Prediction:
    """R's ``predict(..., se.fit = TRUE)`` list.

    Attributes
    ----------
    fit : pandas.Series or pandas.DataFrame
        The predictions (a DataFrame for ``type="terms"``, with ``attrs["constant"]``).
    se_fit : pandas.Series or pandas.DataFrame
        Their standard errors, shaped like ``fit``.
    residual_scale : float
        ``sqrt(dispersion)``.
    """

    fit: Union[pd.Series, pd.DataFrame]
    se_fit: Union[pd.Series, pd.DataFrame]
    residual_scale: float

    def __getitem__(self, name: str) -> Any:
        """R's ``pred$se.fit``: ``pred["se.fit"]``."""
        return getattr(self, name.replace(".", "_"))

    def keys(self) -> list:
        """R's ``names(pred)``."""
        return ["fit", "se.fit", "residual.scale"]


@dataclass(frozen=True)
class _Design:
    """The rows to predict: unweighted model matrix, row labels, offset (or None)."""

    x: np.ndarray
    index: pd.Index
    offset: Optional[np.ndarray]
    new: bool


# ------------------------------------------------------------------------------------
# the model matrix of the rows predicted
# ------------------------------------------------------------------------------------

def fit_model_matrix(fit) -> np.ndarray:
    """The unweighted model matrix of the fitted rows (R: ``model.matrix(object)``)."""
    mm = fit.model_matrix
    if mm is not None:
        return mm.x
    return model_matrix(fit).to_numpy(dtype=float)  # the generic: rebuilt from the frame


def _mf_class(v: Any) -> str:
    """R's ``.MFclass``: how model.matrix will treat a model-frame column."""
    if is_logical(v):
        return "logical"
    if is_factor(v):
        return "ordered" if v.cat.ordered else "factor"
    if is_character(v):
        return "character"
    if isinstance(v, RMatrix):
        return f"nmatrix.{v.values.shape[1]}"
    if r_class(v) is not None:
        return "other"  # Date, POSIXct, difftime: is.numeric() is FALSE for them
    if isinstance(v, pd.Series) and v.dtype.kind in "iuf":
        return "numeric"
    return "other"


def _check_classes(fit, newframe) -> None:
    """Variables must have the type they had when fitted. R: ``.checkMFClasses``."""
    if fit.frame is None:
        return
    old_vars = fit.frame.variables
    wrong = []
    for name, value in newframe.variables.items():
        if name not in old_vars:
            continue
        old, new = _mf_class(old_vars[name]), _mf_class(value)
        old = "factor" if old == "ordered" else old
        new = "factor" if new == "ordered" else new
        if new == "factor" and old == "character":
            new = "character"
        if old != new:
            wrong.append((name, old, new))
    if len(wrong) == 1:
        name, old, new = wrong[0]
        raise RError(f"variable '{name}' was fitted with type \"{old}\" but type "
                     f"\"{new}\" was supplied")
    if wrong:
        names = ", ".join(f"‘{w[0]}’" for w in wrong)
        raise RError(f"variables {names} were specified with different types from the fit")


def _call_offset(fit, newdata, rows: np.ndarray) -> Optional[np.ndarray]:
    """The call's ``offset=`` evaluated in ``newdata`` (R >= 4.3 ``predict.lm``)."""
    node = next((a.value for a in fit.call.args if a.name == "offset"), None)
    if node is None:
        return None
    value = evaluate(node, REnv.from_data(newdata, {}))
    arr = np.asarray(value.values if isinstance(value, RMatrix) else value, dtype=float)
    arr = np.atleast_1d(arr.reshape(-1))
    n_data = len(newdata) if newdata is not None else len(rows)
    if len(arr) == n_data:
        return arr[rows]
    if len(arr) == 1:
        return np.repeat(arr, len(rows))
    # R recycles with a warning; the values are then meaningless, as they are in R.
    rwarn("longer object length is not a multiple of shorter object length")
    return np.resize(arr, len(rows))


def _new_design(fit, newdata, na_action: str, with_offset: bool) -> _Design:
    if not isinstance(newdata, pd.DataFrame):
        newdata = pd.DataFrame(newdata)
    spec = fit.model_matrix.spec
    newframe = spec.model_frame(newdata, na_action=na_action)
    _check_classes(fit, newframe)
    mm = spec.model_matrix(newframe)
    offset = None
    if with_offset:
        offset = model_offset(newframe)
        extra = _call_offset(fit, newdata, newframe.positions)
        if extra is not None:
            offset = extra if offset is None else offset + extra
    return _Design(x=mm.x, index=newframe.row_names, offset=offset, new=True)


def _fit_design(fit) -> _Design:
    return _Design(x=fit_model_matrix(fit), index=fit.row_names, offset=fit.offset_values,
                   new=False)


# ------------------------------------------------------------------------------------
# linear algebra on the stored QR
# ------------------------------------------------------------------------------------

def _pivot(fit) -> np.ndarray:
    """0-based pivot of the non-aliased columns (R: ``qr$pivot[1:rank] - 1``)."""
    if fit.rank == 0:
        return np.zeros(0, dtype=int)
    return np.asarray(fit.fit.qr.pivot, dtype=int)[:fit.rank] - 1


def _r11(fit) -> np.ndarray:
    p = fit.rank
    return np.triu(np.asarray(fit.fit.qr.qr)[:p, :p])


def _x_rinv(fit, x_piv: np.ndarray) -> np.ndarray:
    """``X[, piv] R11^{-1}`` without forming the inverse: solve ``R11' Z = X'``."""
    if x_piv.shape[0] == 0:
        return np.zeros_like(x_piv)
    return solve_triangular(_r11(fit), x_piv.T, trans="T", lower=False,
                            check_finite=False).T


def _non_estimable(fit, x: np.ndarray) -> np.ndarray:
    """Rows of ``x`` outside the row space of the fit (R >= 4.3 ``predict.lm``).

    With ``N`` an orthonormal basis of the null space of ``[R11 R12]`` (pivoted order),
    row ``i`` is doubtful when ``tol * ||x_i|| <= ||x_i[piv] N||``.
    """
    p = fit.rank
    qr = np.asarray(fit.fit.qr.qr)
    ncol = qr.shape[1]
    r_rows = np.triu(qr[:min(qr.shape[0], ncol), :])[:p, :]  # [R11 R12]
    q_full, _ = np.linalg.qr(r_rows.T, mode="complete")
    basis = q_full[:, p:]
    full_piv = np.asarray(fit.fit.qr.pivot, dtype=int) - 1
    with np.errstate(invalid="ignore"):
        xb_norm = np.sqrt(np.sum((x[:, full_piv] @ basis) ** 2, axis=1))
        x_norm = np.sqrt(np.sum(x ** 2, axis=1))
        doubtful = NON_ESTIMABLE_TOL * x_norm <= xb_norm
    return np.flatnonzero(doubtful)


# ------------------------------------------------------------------------------------
# predict.lm, the parts glm uses
# ------------------------------------------------------------------------------------

def _link_scale(fit, design: _Design, res_var: Optional[float]):
    """``X beta + offset`` and, when ``res_var`` is given, its standard errors."""
    piv = _pivot(fit)
    beta = fit.coefficients.to_numpy()
    x_piv = design.x[:, piv]
    eta = x_piv @ beta[piv] if len(piv) else np.zeros(design.x.shape[0])
    if design.offset is not None:
        eta = eta + design.offset
    se = None
    if res_var is not None:
        if len(piv):
            se = np.sqrt(np.sum(_x_rinv(fit, x_piv) ** 2, axis=1) * res_var)
        else:
            se = np.zeros(design.x.shape[0])
    return eta, se


def _terms_scale(fit, design: _Design, res_var: Optional[float],
                 terms: Optional[Sequence[str]]):
    """Per-term contributions, centred by the fitted column means when the model has an
    intercept (R: ``predict.lm(type = "terms")``)."""
    mm = fit.model_matrix
    assign = np.asarray(mm.assign)
    labels = list(fit.terms.term_labels)
    intercept = bool(fit.terms.intercept)
    piv = _pivot(fit)
    beta = fit.coefficients.to_numpy()
    x = design.x
    constant = 0.0
    if intercept:
        avx = fit_model_matrix(fit).mean(axis=0)
        constant = float(np.sum(avx[piv] * beta[piv]))
        x = x - avx
    # position of each column in the pivoted order, -1 when aliased
    unpiv = np.full(x.shape[1], -1)
    unpiv[piv] = np.arange(len(piv))
    rinv = None
    if res_var is not None and len(piv):
        rinv = solve_triangular(_r11(fit), np.eye(len(piv)), lower=False)
    nrow = x.shape[0]
    fit_cols, se_cols = {}, {}
    for j, label in enumerate(labels, start=1):
        cols = np.flatnonzero(assign == j)
        cols = cols[unpiv[cols] >= 0]
        if len(cols):
            fit_cols[label] = x[:, cols] @ beta[cols]
            if rinv is not None:
                se_cols[label] = np.sqrt(np.sum((x[:, cols] @ rinv[unpiv[cols], :]) ** 2,
                                                axis=1) * res_var)
        else:
            fit_cols[label] = np.zeros(nrow)
            se_cols[label] = np.zeros(nrow)
    pred = pd.DataFrame(fit_cols, index=design.index, columns=labels)
    se = pd.DataFrame(se_cols, index=design.index, columns=labels) \
        if res_var is not None else None
    if terms is not None:
        wanted = [terms] if isinstance(terms, str) else list(terms)
        missing = [t for t in wanted if t not in labels]
        if missing:
            raise RError("subscript out of bounds")
        pred = pred[wanted]
        se = se[wanted] if se is not None else None
    pred.attrs["constant"] = constant
    return pred, se


# ------------------------------------------------------------------------------------
# predict.glm
# ------------------------------------------------------------------------------------

def predict(fit, newdata: Optional[pd.DataFrame] = None, type: str = "link",
            se_fit: bool = False, dispersion: Optional[float] = None,
            terms: Optional[Sequence[str]] = None,
            na_action: str = "na.pass") -> Union[pd.Series, pd.DataFrame, Prediction]:
    """Predictions from a glm fit. R: ``predict.glm``.

    Parameters
    ----------
    fit : GLM
    newdata : pandas.DataFrame, optional
        Rows to predict; variables are coded as in the fit (fitted factor levels — an
        unseen level raises ``factor f has new level(s) x`` — contrasts, poly()/scale()
        coefficients). None: the fitted rows.
    type : {"link", "response", "terms"}
        Scale of the predictions; ``"terms"`` gives each term's centred contribution.
    se_fit : bool
        Also return standard errors (a :class:`Prediction`).
    dispersion : float, optional
        Dispersion for the standard errors; None (or 0, as R) means the summary's.
    terms : sequence of str, optional
        With ``type="terms"``, the terms to return.
    na_action : str
        How NA rows of ``newdata`` are treated (R's default ``na.pass`` predicts NaN).

    Returns
    -------
    pandas.Series, pandas.DataFrame or Prediction
        A Series indexed by row; for ``type="terms"`` a DataFrame (one column per term)
        whose ``attrs["constant"]`` is R's ``attr(, "constant")``; with ``se_fit`` a
        :class:`Prediction` (``fit``, ``se_fit``, ``residual_scale``). Without
        ``newdata``, ``na.exclude`` fits are padded with NaN rows (a padded ``"terms"``
        DataFrame loses ``constant``, as R's padded matrix loses the attribute). Rows
        of ``newdata`` that a rank-deficient fit cannot estimate are listed (by label)
        in ``attrs["non-estim"]``, with R's warning.
    """
    if type not in PREDICT_TYPES:
        raise RError("'arg' should be one of " + ", ".join(f"“{t}”" for t in PREDICT_TYPES))
    family = fit.family
    if not se_fit and newdata is None:
        if type == "link":
            return napredict(fit, fit.fit.linear_predictors.copy())
        if type == "response":
            return napredict(fit, fit.fit.fitted_values.copy())
        pred, _ = _terms_scale(fit, _fit_design(fit), None, terms)
        return napredict(fit, pred)

    res_var = None
    residual_scale = None
    if se_fit:
        disp = summary_dispersion(fit) if dispersion is None else float(dispersion)
        residual_scale = float(np.sqrt(disp))
        res_var = residual_scale ** 2
    design = _fit_design(fit) if newdata is None else \
        _new_design(fit, newdata, na_action, with_offset=type != "terms")
    non_estim = _warn_non_estimable(fit, design)

    if type == "terms":
        pred, se = _terms_scale(fit, design, res_var, terms)
    else:
        eta, se_eta = _link_scale(fit, design, res_var)
        pred = pd.Series(eta, index=design.index)
        se = None if se_eta is None else pd.Series(se_eta, index=design.index)
        if type == "response":
            if se is not None:
                se = se * np.abs(family.mu_eta(eta))
            pred = pd.Series(family.linkinv(eta), index=design.index)
        if non_estim is not None:
            pred.attrs["non-estim"] = list(design.index[non_estim])
    if not se_fit:
        return pred
    if not design.new:
        pred, se = napredict(fit, pred), napredict(fit, se)
    return Prediction(fit=pred, se_fit=se, residual_scale=residual_scale)


def _warn_non_estimable(fit, design: _Design) -> Optional[np.ndarray]:
    """R >= 4.3 ``rankdeficient = "warnif"``: positions of non-estimable new rows (None
    when there is nothing to check), with R's warning when there are any."""
    if not design.new or fit.rank >= design.x.shape[1] or fit.fit.qr is None:
        return None
    doubtful = _non_estimable(fit, design.x)
    if len(doubtful) == 0:
        return None
    rwarn('prediction from rank-deficient fit; attr(*, "non-estim") has doubtful cases')
    return doubtful
