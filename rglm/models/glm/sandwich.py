"""The scores and the bread of a glm, for sandwich covariances.

R: ``sandwich::estfun.glm`` and ``bread.glm``, registered as glm's
:func:`rglm.generics.estfun` and :func:`rglm.generics.bread` methods; the meat and the
sandwich itself (:mod:`rglm.inference.sandwich`) are written against those generics.

Conventions: ``X`` is the model matrix without its aliased columns, all rows of the model
frame (zero-weight rows included, as ``NROW(estfun(x))`` in R, and every na.action taken
as "omit"); ``wres = r * w`` the working residuals times the working weights; ``phi``
sandwich's dispersion (:func:`rglm.inference.sandwich.sandwich_dispersion`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rglm.errors import RError
from rglm.generics import summary
from rglm.inference.sandwich import sandwich_dispersion

__all__ = ["estfun_glm", "bread_glm"]


def _working(fit) -> tuple[np.ndarray, np.ndarray]:
    """``wres = r * w`` and the working weights ``w`` of the last IRLS iteration."""
    w = np.asarray(fit.fit.weights, dtype=float)
    return np.asarray(fit.fit.residuals, dtype=float) * w, w


def estfun_glm(fit) -> pd.DataFrame:
    """Score contributions of each observation. R: ``sandwich::estfun(x)`` for a glm.

    Returns
    -------
    pandas.DataFrame
        ``n`` × ``k``: rows of the model frame (zero-weight rows included), columns the
        non-aliased coefficients; entries ``r_i w_i x_ij / phi``.
    """
    if fit.model_matrix is None:
        raise RError("the fit has no model matrix")
    keep = ~fit.coefficients.isna().to_numpy()
    names = [nm for nm, k in zip(fit.coefficients.index, keep) if k]
    X = np.asarray(fit.model_matrix.x, dtype=float)[:, keep]
    wres, w = _working(fit)
    ef = wres[:, None] * X / sandwich_dispersion(fit.family.family, wres, w)
    return pd.DataFrame(ef, index=fit.row_names, columns=names)


def bread_glm(fit) -> pd.DataFrame:
    """The bread of the sandwich. R: ``sandwich::bread(x)`` for a glm.

    ``summary(fit)$cov.unscaled * (rank + df.residual) * phi``: the inverse of the average
    expected information. Calls the summary generic (so its zero-weight warning appears,
    as in R, and a glm.nb fit's summary method is used).
    """
    s = summary(fit)
    wres, w = _working(fit)
    phi = sandwich_dispersion(fit.family.family, wres, w)
    return s.cov_unscaled * float(s.df[0] + s.df[1]) * phi
