"""Residuals of a fitted GLM. R: ``stats:::residuals.glm``, ``naresid``, ``napredict``.

``na.exclude`` fits pad the returned vectors with NaN at the omitted rows (R's ``naresid``);
``na.omit`` fits return one value per row used.
"""

from __future__ import annotations

from typing import Union

import numpy as np
import pandas as pd

from rglm.errors import RError
from rglm.generics import predict

__all__ = ["residuals", "deviance_residuals", "pearson_residuals", "naresid", "napredict",
           "RESIDUAL_TYPES"]

RESIDUAL_TYPES = ("deviance", "pearson", "working", "response", "partial")


def _response(fit) -> np.ndarray:
    """``y``, rebuilt as ``mu + r * mu.eta(eta)`` when the fit was made with ``y=False``."""
    f = fit.fit
    if fit.keep_y:
        return f.y
    return f.fitted_values + f.residuals * f.family.mu_eta(f.linear_predictors)


def deviance_residuals(fit) -> np.ndarray:
    """Signed square roots of the unit deviances (all 0 when ``df.residual == 0``).

    R: the ``"deviance"`` branch of ``residuals.glm``.
    """
    f = fit.fit
    y = _response(fit)
    mu = f.fitted_values
    if fit.df_residual <= 0:
        # R returns zeros for a saturated fit instead of noise around 0.
        return np.zeros_like(mu)
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.sqrt(np.maximum(f.family.dev_resids(y, mu, f.prior_weights), 0.0))
    return np.where(y > mu, d, -d)


def pearson_residuals(fit) -> np.ndarray:
    """``(y - mu) sqrt(prior weights) / sqrt(V(mu))``.

    R: the ``"pearson"`` branch of ``residuals.glm``.
    """
    f = fit.fit
    mu = f.fitted_values
    with np.errstate(invalid="ignore", divide="ignore"):
        return (_response(fit) - mu) * np.sqrt(f.prior_weights) / np.sqrt(
            f.family.variance(mu))


def naresid(fit, values) -> Union[pd.Series, pd.DataFrame]:
    """Values by row, padded with NaN rows for ``na.exclude`` fits.

    R: ``naresid(object$na.action, x)``. ``values`` is a vector (returned as a Series
    indexed by the fit's rows) or a DataFrame already indexed by them; ``na.omit`` fits
    and fits without omitted rows return it unchanged.
    """
    if isinstance(values, pd.DataFrame):
        out = values
    elif isinstance(values, pd.Series):
        out = values
    else:
        out = pd.Series(values, index=fit.row_names, copy=False)
    na = fit.na_action
    if na is None or getattr(na, "kind", "omit") != "exclude":
        return out
    return _pad_excluded(out, na)


napredict = naresid
"""R: ``napredict`` — the same padding as ``naresid`` for the NA actions of model fits."""


def _pad_excluded(values, na):
    """Insert NaN rows at the positions recorded by an ``na.exclude`` action.

    R's ``naresid.exclude``: the kept rows fill the positions not in ``omit``, in order,
    and the omitted rows take the omitted rows' names.
    """
    n_total = len(values) + len(na.rows)
    omit = np.asarray(na.rows, dtype=int)
    keep = np.ones(n_total, dtype=bool)
    keep[omit] = False
    index = np.empty(n_total, dtype=object)
    index[keep] = values.index.to_numpy(dtype=object)
    index[~keep] = np.asarray(na.labels, dtype=object)
    new_index = pd.Index(list(index))
    if isinstance(values, pd.DataFrame):
        out = np.full((n_total, values.shape[1]), np.nan)
        out[keep] = values.to_numpy(dtype=float)
        # R pads a matrix by subsetting it, which drops its attributes ("constant" of
        # predict(type = "terms")); the padded DataFrame has no attrs either.
        return pd.DataFrame(out, index=new_index, columns=values.columns)
    out = np.full(n_total, np.nan)
    out[keep] = values.to_numpy(dtype=float)
    series = pd.Series(out, index=new_index, name=values.name)
    series.attrs = dict(values.attrs)
    return series


def residuals(fit, type: str = "deviance") -> Union[pd.Series, pd.DataFrame]:
    """Residuals of a glm fit. R: ``residuals(fit, type = ...)`` (``residuals.glm``).

    Parameters
    ----------
    fit : GLM
    type : {"deviance", "pearson", "working", "response", "partial"}
        ``"partial"`` gives a DataFrame, one column per term: the working residuals plus
        ``predict(fit, type="terms")`` (with its ``constant`` in ``attrs``).

    Returns
    -------
    pandas.Series or pandas.DataFrame
        Indexed by the fit's rows; padded with NaN for ``na.exclude`` fits.
    """
    if type not in RESIDUAL_TYPES:
        raise RError("'arg' should be one of " + ", ".join(f"“{t}”" for t in RESIDUAL_TYPES))
    f = fit.fit
    if type == "deviance":
        res = deviance_residuals(fit)
    elif type == "pearson":
        res = pearson_residuals(fit)
    elif type == "response":
        res = _response(fit) - f.fitted_values
    else:
        res = f.residuals
    out = naresid(fit, res)
    if type == "partial":
        terms = predict(fit, type="terms")  # the generic: glm's predict builds on this module
        partial = terms.add(out.to_numpy(), axis=0)
        # R adds the vector to the matrix: the matrix keeps its attributes (constant).
        partial.attrs = dict(terms.attrs)
        return partial
    return out
