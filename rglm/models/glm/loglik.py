"""The log-likelihood and AIC of a glm fit. R: ``logLik.glm``, ``extractAIC.glm`` (R >= 4.3).

The log-likelihood is recovered from the fit's ``aic`` (``-2 logLik + 2 rank``, computed by
the family), so nothing is re-evaluated: ``logLik = df - aic / 2`` where ``df`` counts the
coefficients plus one for a dispersion that is estimated. Registered as glm's
:func:`rglm.generics.logLik` and :func:`rglm.generics.extractAIC` methods; AIC, BIC and
``step`` reach them through the generics.
"""

from __future__ import annotations

import numpy as np

from rglm.inference.loglik import LogLik

__all__ = ["logLik_glm", "extractAIC_glm", "loglik_from_aic", "dispersion_df",
           "equivalent_df", "residual_nobs"]

#: Families whose dispersion R (before 4.3, and for families without a ``dispersion``
#: element) counts as an estimated parameter.
_ESTIMATED_SCALE_FAMILIES = ("gaussian", "Gamma", "inverse.gaussian")


def dispersion_df(family) -> int:
    """1 when the family's dispersion is estimated (R >= 4.3: its ``dispersion`` is NA;
    families without the element fall back on the name rule)."""
    disp = getattr(family, "dispersion", None)
    if disp is not None:
        return int(np.isnan(disp))
    return int(family.family in _ESTIMATED_SCALE_FAMILIES)


def residual_nobs(fit) -> int:
    """R's ``attr(logLik(fit), "nobs")``: the non-missing working residuals (zero prior
    weights included)."""
    return int(np.sum(~np.isnan(fit.fit.residuals)))


def loglik_from_aic(family, rank: int, aic: float, nobs: int) -> LogLik:
    """``logLik.glm``'s arithmetic: ``df - aic / 2`` with ``df = rank`` (+1 for an
    estimated dispersion); NaN for quasi families, whose aic is undefined."""
    df = rank + dispersion_df(family)
    return LogLik(df - aic / 2.0, df, nobs)


def logLik_glm(fit) -> LogLik:
    """The log-likelihood of a glm fit. R: ``logLik.glm`` (R >= 4.3).

    Returns
    -------
    LogLik
        ``df - aic / 2`` with ``df = rank`` (+1 for an estimated dispersion) and ``nobs`` =
        the number of non-missing working residuals (zero prior weights included). NaN for
        quasi families, whose aic is undefined.
    """
    return loglik_from_aic(fit.family, fit.rank, fit.aic, residual_nobs(fit))


def equivalent_df(fit) -> float:
    """``n - df.residual``: the rank plus the number of zero-weight rows (R's ``edf``)."""
    return float(len(fit.fit.residuals) - fit.df_residual)


def extractAIC_glm(fit, scale: float = 0.0, k: float = 2.0) -> np.ndarray:
    """Equivalent degrees of freedom and AIC, as ``step()`` uses them.

    R: ``extractAIC.glm(fit, scale = 0, k = 2)`` — ``c(edf, aic + (k - 2) * edf)`` with
    ``edf = n - df.residual`` (the rank plus the number of zero-weight rows). ``scale`` is
    accepted and ignored, as in R.

    Returns
    -------
    numpy.ndarray
        ``[edf, AIC]``.
    """
    edf = equivalent_df(fit)
    return np.array([edf, fit.aic + (k - 2.0) * edf])
