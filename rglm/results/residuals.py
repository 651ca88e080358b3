"""Residuals of a fitted GLM. R: ``stats:::residuals.glm``, ``naresid``.

``na.exclude`` fits pad the returned vectors with NaN at the omitted rows (R's ``naresid``);
``na.omit`` fits return one value per row used.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rglm.errors import RError

__all__ = ["residuals", "deviance_residuals", "naresid"]

RESIDUAL_TYPES = ("deviance", "pearson", "working", "response", "partial")


def deviance_residuals(fit) -> np.ndarray:
    """Signed square roots of the unit deviances (all 0 when ``df.residual == 0``).

    R: the ``"deviance"`` branch of ``residuals.glm``.
    """
    f = fit.fit
    y = f.y
    mu = f.fitted_values
    if fit.df_residual <= 0:
        # R returns zeros for a saturated fit instead of noise around 0.
        return np.zeros_like(mu)
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.sqrt(np.maximum(f.family.dev_resids(y, mu, f.prior_weights), 0.0))
    return np.where(y > mu, d, -d)


def naresid(fit, values: np.ndarray) -> pd.Series:
    """Return ``values`` as a Series by row, padded with NaN for ``na.exclude`` (R: naresid)."""
    series = pd.Series(values, index=fit.row_names, copy=False)
    na = fit.na_action
    if na is None or getattr(na, "kind", "omit") != "exclude":
        return series
    return _pad_excluded(series, na)


def _pad_excluded(series: pd.Series, na) -> pd.Series:
    """Insert NaN rows at the positions recorded by an ``na.exclude`` action."""
    n_total = len(series) + len(na.rows)
    keep = np.ones(n_total, dtype=bool)
    keep[np.asarray(na.rows, dtype=int)] = False
    out = np.full(n_total, np.nan)
    out[keep] = series.to_numpy(dtype=float)
    index = np.empty(n_total, dtype=object)
    index[keep] = series.index.to_numpy(dtype=object)
    index[~keep] = np.asarray(na.labels, dtype=object)
    return pd.Series(out, index=pd.Index(list(index)))


def residuals(fit, type: str = "deviance") -> pd.Series:
    """Residuals of a glm fit. R: ``residuals(fit, type = ...)``.

    Parameters
    ----------
    fit : GLM
    type : {"deviance", "pearson", "working", "response"}
        ``"partial"`` needs ``predict(type="terms")`` and is provided by the inference layer.
    """
    if type not in RESIDUAL_TYPES:
        raise RError("'arg' should be one of " + ", ".join(f"“{t}”" for t in RESIDUAL_TYPES))
    f = fit.fit
    if type == "deviance":
        res = deviance_residuals(fit)
    elif type == "pearson":
        with np.errstate(invalid="ignore", divide="ignore"):
            res = (f.y - f.fitted_values) * np.sqrt(f.prior_weights) / np.sqrt(
                f.family.variance(f.fitted_values))
    elif type == "working":
        res = f.residuals
    elif type == "response":
        res = f.y - f.fitted_values
    else:
        raise RError("type = \"partial\" residuals are not available for this object")
    return naresid(fit, res)
