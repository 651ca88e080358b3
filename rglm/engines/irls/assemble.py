"""Assembly of ``glm_fit``'s result record: R's ``glm.fit`` after the loop, and the EMPTY model."""

from __future__ import annotations

import numpy as np

from rglm.errors import RError
from rglm.engines.irls.control import GlmControl
from rglm.engines.irls.history import empty_history
from rglm.engines.irls.loop import IrlsOutcome, final_coefficients
from rglm.engines.irls.records import GlmFitResult, GlmQR
from rglm.engines.irls.setup import FitData, deviance, means, mu_eta_at

__all__ = ["assemble", "fit_empty", "r_matrix", "null_deviance"]


def r_matrix(qr: np.ndarray, nvars: int) -> np.ndarray:
    """R's ``R`` component: the p × p upper triangle of the compact QR.

    With fewer good rows than columns (``nr < nvars``) R starts from the identity and
    replaces its first ``nr`` rows, so the trailing diagonal holds ones.
    """
    nr = min(qr.shape[0], nvars)
    if nr < nvars:
        out = np.eye(nvars)
        out[:nr, :] = qr[:nr, :nvars]
    else:
        out = np.array(qr[:nvars, :nvars])
    return np.triu(out)


def null_deviance(data: FitData, intercept: bool) -> float:
    """Deviance of the weighted mean of y (intercept) or of ``linkinv(offset)`` (none).

    R: ``glm.fit``'s ``nulldev``. With both an offset and an intercept, ``glm()`` replaces
    it by an intercept-only fit; that refit is the caller's job.
    """
    if intercept:
        # One number for every row: dev_resids recycles it, as R's rep() would.
        wtdmu = np.sum(data.weights * data.y) / np.sum(data.weights)
    else:
        wtdmu = means(data, data.offset)
    return deviance(data, wtdmu)


def _degrees_of_freedom(data: FitData, rank: int, intercept: bool) -> tuple[int, int]:
    """``(df.residual, df.null)``: rows with zero (modified) prior weight do not count."""
    n_ok = data.nobs - int(np.sum(data.weights == 0))
    return n_ok - rank, n_ok - int(bool(intercept))


def _working_weights(working, nobs: int) -> np.ndarray:
    """R's ``weights``: ``w^2`` on the informative rows, 0 elsewhere (``working``: the last
    step's :class:`~rglm.engines.irls.irls.WlsProblem`)."""
    if working.w.shape[0] == nobs:  # every row informative
        return np.square(working.w)
    wt = np.zeros(nobs)
    wt[working.good] = np.square(working.w)
    return wt


def _aic(data: FitData, mu: np.ndarray, dev: float, rank: int) -> float:
    return float(data.family.aic(data.y, data.n, mu, data.weights, dev)) + 2 * rank


def assemble(data: FitData, outcome: IrlsOutcome, control: GlmControl,
             intercept: bool) -> GlmFitResult:
    """Build the result from the loop's final state.

    R: ``glm.fit`` after the loop. ``weights``, ``qr``, ``R``, ``effects`` and ``rank``
    come from the last WLS step; ``residuals`` (working), ``fitted_values``,
    ``linear_predictors`` and ``deviance`` from the final coefficients.
    """
    family = data.family
    coef = final_coefficients(outcome, data.nvars)
    # Nothing has written to the work array since the last step: finish that one only.
    fit, working = outcome.step.lsfit, outcome.problem
    rank = fit.qr.rank
    mu, eta = outcome.current.mu, outcome.current.eta
    residuals = data.y - mu
    residuals /= mu_eta_at(family, eta, mu)
    wt = _working_weights(working, data.nobs)
    df_residual, df_null = _degrees_of_freedom(data, rank, intercept)
    glm_qr = GlmQR(qr=fit.qr.qr, qraux=fit.qr.qraux, pivot=fit.qr.pivot + 1, rank=rank,
                   tol=fit.qr.tol)
    return GlmFitResult(
        coefficients=coef, residuals=residuals, fitted_values=mu, effects=fit.effects,
        R=r_matrix(fit.qr.qr, data.nvars), rank=rank, qr=glm_qr, family=family,
        linear_predictors=eta, deviance=outcome.current.dev,
        aic=_aic(data, mu, outcome.current.dev, rank),
        null_deviance=null_deviance(data, intercept), iter=outcome.iter, weights=wt,
        prior_weights=data.weights, df_residual=df_residual, df_null=df_null, y=data.y,
        converged=outcome.converged, boundary=outcome.boundary, xnames=data.xnames,
        ynames=data.ynames, n=data.n, good=working.good, offset=data.offset,
        intercept=bool(intercept), pivot0=fit.qr.pivot, control=control,
        history=outcome.history)


def fit_empty(data: FitData, control: GlmControl, intercept: bool) -> GlmFitResult:
    """The model with no columns: ``eta = offset``, nothing to estimate.

    R: the ``EMPTY`` branch of ``glm.fit``: iter 0, converged and boundary both TRUE,
    no effects, R or qr.
    """
    family = data.family
    eta = data.offset.copy()
    valideta = getattr(family, "valideta", None)
    if valideta is not None and not valideta(eta):
        raise RError("invalid linear predictor values in empty model")
    mu = np.asarray(family.linkinv(eta), dtype=np.float64)
    validmu = getattr(family, "validmu", None)
    if validmu is not None and not validmu(mu):
        raise RError("invalid fitted means in empty model")
    dev = float(np.sum(family.dev_resids(data.y, mu, data.weights)))
    mu_eta = family.mu_eta(eta)
    # R stores w^2 with w = sqrt(...): squared back for the same last bit.
    w2 = np.sqrt(data.weights * mu_eta**2 / family.variance(mu)) ** 2
    df_residual, df_null = _degrees_of_freedom(data, 0, intercept)
    return GlmFitResult(
        coefficients=np.zeros(0), residuals=(data.y - mu) / mu_eta, fitted_values=mu,
        effects=None, R=None, rank=0, qr=None, family=family, linear_predictors=eta,
        deviance=dev, aic=_aic(data, mu, dev, 0), null_deviance=null_deviance(data, intercept),
        iter=0, weights=w2, prior_weights=data.weights, df_residual=df_residual,
        df_null=df_null, y=data.y, converged=True, boundary=True, xnames=data.xnames,
        ynames=data.ynames, n=data.n, good=np.ones(data.nobs, dtype=bool), offset=data.offset,
        intercept=bool(intercept), pivot0=np.zeros(0, dtype=int), control=control,
        history=empty_history(0))
