"""One pass over the data of a chunked IRLS: what each block of rows contributes.

R: the body of ``glm.fit``'s loop, split by rows. For given coefficients a block yields
the deviance of its rows (the convergence test of the step just taken), the validity of
its ``eta`` and ``mu`` (the step halvings), and its rows of the *next* weighted
least-squares problem, reduced to a small triangle (:mod:`rglm.engines.chunked.tsqr`). The
statistics glm reports at the end (null deviance, aic, Pearson chi-square, df) are sums
over rows too and are collected along the way, so that a fit costs one pass per
iteration.

:class:`PassKernel` is what runs on a block (on this machine or on a cluster worker: it
is a frozen, picklable record); :class:`PassTotals` is what it returns, and
:meth:`PassTotals.combine` adds two blocks' totals (in any order or tree).

Conventions: a :class:`Chunk` holds the model matrix rows of the block (Fortran
float64), the response (1-D, or successes/failures for a two-column binomial response),
and the prior weights and offset (None: all 1 / all 0).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Optional

import numpy as np

from rglm.errors import collecting_warnings
from rglm.engines.chunked.aic import aic_parts, gamma_aic_part
from rglm.engines.chunked.tsqr import combine_triangles, triangle_of
from rglm.engines.irls.endwarnings import extreme_fits
from rglm.engines.irls.irls import initial_eta, working_response
from rglm.engines.irls.setup import FitData, prepare

__all__ = ["Chunk", "PassKernel", "PassTotals", "merge_warnings"]


@dataclass(frozen=True)
class Chunk:
    """A block of rows, ready for the fit.

    Attributes
    ----------
    x : ndarray, shape (m, p)
        Model matrix rows (all columns of the model).
    y : ndarray, shape (m,) or (m, 2)
        Response.
    weights : ndarray or None
        Prior weights (None: all 1).
    offset : ndarray or None
        Offset (None: all 0).
    n_dropped : int
        Rows of the block the NA action removed before the fit (only counted).
    warnings : tuple of str
        Warnings given while the block was made (evaluating its model frame), passed on
        to its :class:`PassTotals`.
    """

    x: np.ndarray
    y: np.ndarray
    weights: Optional[np.ndarray] = None
    offset: Optional[np.ndarray] = None
    n_dropped: int = 0
    warnings: tuple = ()

    @property
    def nrow(self) -> int:
        return int(self.x.shape[0])


@dataclass(frozen=True)
class PassTotals:
    """Sums over the blocks seen so far (R's quantities, restricted to those rows).

    Attributes
    ----------
    nobs : int
        Rows.
    n_ok : int
        Rows with non-zero prior weight (after the family's initialize).
    dev : float
        Deviance at the evaluated coefficients.
    valid : bool
        ``valideta(eta) && validmu(mu)`` on every row.
    n_good : int
        Rows in the weighted least-squares problem (prior weight > 0, ``mu_eta != 0``).
    triangle : ndarray or None
        Factor of ``[sqrt(w) X | sqrt(w) z]`` over the good rows (None if not asked for).
    sum_wy, sum_w : float
        ``sum(weights * y)`` and ``sum(weights)`` (the null model's weighted mean).
    null_dev : float or None
        Deviance of the null model's means (None if not asked for).
    aic : ndarray
        The family's aic parts (:func:`rglm.engines.chunked.aic.aic_parts`).
    gamma_aic : float or None
        Gamma's ``sum(log dgamma * wt)`` (only in the pass that asked for it).
    pearson : float
        ``sum(w r^2)`` over the rows with positive working weight ``w`` of the *previous*
        least-squares step and working residuals ``r`` at the evaluated coefficients: the
        numerator of summary.glm's dispersion.
    n_zero_working : int
        Rows whose working weight is 0 (summary.glm warns about them).
    n_extreme : int
        Fitted probabilities within 10 eps of 0 or 1 (binomial) / rates below 10 eps
        (poisson) at the evaluated coefficients, counted in every pass that evaluates
        coefficients: glm.fit's warnings after the loop
        (:func:`rglm.engines.irls.endwarnings.extreme_fits`).
    n_dropped : int
        Rows removed by the NA action before the fit.
    warnings : tuple of str
        The warnings the blocks gave (the family's initialize and aic, the model frame's
        evaluation), each distinct text once, in order: R computes these once per fit,
        a chunked fit once per block and pass, so the fit issues each once
        (:class:`rglm.errors.WarningsOnce`).
    """

    nobs: int = 0
    n_ok: int = 0
    dev: float = 0.0
    valid: bool = True
    n_good: int = 0
    triangle: Optional[np.ndarray] = None
    sum_wy: float = 0.0
    sum_w: float = 0.0
    null_dev: Optional[float] = None
    aic: Optional[np.ndarray] = None
    gamma_aic: Optional[float] = None
    pearson: float = 0.0
    n_zero_working: int = 0
    n_extreme: int = 0
    n_dropped: int = 0
    warnings: tuple = ()

    def combine(self, other: "PassTotals") -> "PassTotals":
        """Totals over the rows of both (associative and commutative up to rounding)."""
        return PassTotals(
            nobs=self.nobs + other.nobs, n_ok=self.n_ok + other.n_ok,
            dev=self.dev + other.dev, valid=self.valid and other.valid,
            n_good=self.n_good + other.n_good,
            triangle=_combine_optional(self.triangle, other.triangle, combine_triangles),
            sum_wy=self.sum_wy + other.sum_wy, sum_w=self.sum_w + other.sum_w,
            null_dev=_combine_optional(self.null_dev, other.null_dev, _add),
            aic=_combine_optional(self.aic, other.aic, _add),
            gamma_aic=_combine_optional(self.gamma_aic, other.gamma_aic, _add),
            pearson=self.pearson + other.pearson,
            n_zero_working=self.n_zero_working + other.n_zero_working,
            n_extreme=self.n_extreme + other.n_extreme,
            n_dropped=self.n_dropped + other.n_dropped,
            warnings=merge_warnings(self.warnings, other.warnings))


def merge_warnings(*groups: tuple) -> tuple:
    """The distinct texts of several blocks' warnings, in order of first appearance."""
    return tuple(dict.fromkeys(m for group in groups for m in group))


def _add(a, b):
    return a + b


def _combine_optional(a, b, how):
    if a is None:
        return b
    if b is None:
        return a
    return how(a, b)


@dataclass(frozen=True, eq=False)
class PassKernel:
    """What one pass computes on each block, for given coefficients.

    Attributes
    ----------
    family : Family
    point : ndarray or None
        Coefficients to evaluate (on ``columns``); None: R's starting linear predictor.
    start : ndarray or None
        User's starting coefficients (R's ``start``), used where ``point`` is None.
    mustart_coef : ndarray or None
        Coefficients on the *full* model matrix whose fitted means are ``mustart``: the
        intercept-only refit glm() makes for the null deviance when there is an offset.
    columns : tuple of int or None
        The model-matrix columns of this model (None: all).
    wls_point : ndarray or None
        Coefficients at which the last least-squares step was set up (None: the starting
        linear predictor); its working weights enter ``pearson``.
    accumulate : bool
        Build the next least-squares problem's triangle at ``point``.
    summaries : bool
        Collect aic parts, Pearson chi-square, zero working weights and extreme fits.
    wtdmu : float or None
        Null model mean (intercept, no offset): collect its deviance.
    null_at_offset : bool
        Null model means ``linkinv(offset)`` (no intercept): collect their deviance.
    gamma_disp : float or None
        Collect Gamma's aic sum at this dispersion.
    """

    family: Any
    point: Optional[np.ndarray] = None
    start: Optional[np.ndarray] = None
    mustart_coef: Optional[np.ndarray] = None
    columns: Optional[tuple] = None
    wls_point: Optional[np.ndarray] = None
    accumulate: bool = True
    summaries: bool = True
    wtdmu: Optional[float] = None
    null_at_offset: bool = False
    gamma_disp: Optional[float] = None

    def __call__(self, chunk: Chunk) -> PassTotals:
        """This block's :class:`PassTotals` (its warnings collected, not issued)."""
        with np.errstate(all="ignore"), collecting_warnings() as messages:
            totals = self._totals(chunk)
        return replace(totals, warnings=merge_warnings(chunk.warnings, messages))

    # -- the pieces ---------------------------------------------------------------------
    def _data(self, chunk: Chunk) -> FitData:
        """R's setup on these rows: the family's initialize (y, weights, n, mustart)."""
        x = chunk.x if self.columns is None else np.asfortranarray(chunk.x[:, list(self.columns)])
        mustart = None
        if self.mustart_coef is not None:
            eta_full = chunk.x @ self.mustart_coef + _offset(chunk)
            mustart = np.asarray(self.family.linkinv(eta_full), dtype=np.float64)
        return prepare(x, chunk.y, chunk.weights, chunk.offset, self.family, None, mustart,
                       self.start, None, None)

    def _eta(self, data: FitData, coef: Optional[np.ndarray]) -> np.ndarray:
        if coef is None:
            return initial_eta(data, None, self.start)[0]
        return data.x @ coef + data.offset

    def _totals(self, chunk: Chunk) -> PassTotals:
        family = self.family
        data = self._data(chunk)
        eta = self._eta(data, self.point)
        mu = np.asarray(family.linkinv(eta), dtype=np.float64)
        dev = float(np.sum(family.dev_resids(data.y, mu, data.weights)))
        valid = bool(family.valideta(eta) and family.validmu(mu))
        fields: dict[str, Any] = dict(
            nobs=data.nobs, n_ok=int(np.sum(data.weights != 0)), dev=dev, valid=valid,
            n_dropped=chunk.n_dropped,
            sum_wy=float(np.sum(data.weights * data.y)), sum_w=float(np.sum(data.weights)))
        if self.point is not None:
            # Whichever pass turns out to be the loop's last decides glm.fit's warnings.
            fields["n_extreme"] = extreme_fits(family, mu)
        if self.accumulate:
            fields.update(self._wls(data, eta, mu, valid and np.isfinite(dev)))
        if self.summaries and self.point is not None:
            fields.update(self._summaries(data, eta, mu))
        if self.wtdmu is not None:
            fields["null_dev"] = float(np.sum(family.dev_resids(data.y, self.wtdmu, data.weights)))
        elif self.null_at_offset:
            null_mu = np.asarray(family.linkinv(data.offset), dtype=np.float64)
            fields["null_dev"] = float(np.sum(family.dev_resids(data.y, null_mu, data.weights)))
        if self.gamma_disp is not None:
            fields["gamma_aic"] = gamma_aic_part(data.y, mu, data.weights, self.gamma_disp)
        return PassTotals(**fields)

    def _wls(self, data: FitData, eta, mu, usable: bool) -> dict:
        """This block's rows of the next least-squares problem.

        Where the step is going to be halved (non-finite deviance, invalid eta or mu) R
        sets up no least-squares problem, so neither do we (its checks could fail there).
        """
        k = data.nvars + 1
        if not usable:
            return dict(triangle=np.zeros((k, k)))
        working = working_response(data, eta, mu)
        if working is None:
            return dict(triangle=np.zeros((k, k)))
        return dict(triangle=triangle_of(_augmented(data.x, working.good, working.w, working.z)),
                    n_good=int(np.sum(working.good)))

    def _summaries(self, data: FitData, eta, mu) -> dict:
        """aic parts, Pearson chi-square against the last least-squares step."""
        family = self.family
        eta_wls = eta if _same(self.wls_point, self.point) else self._eta(data, self.wls_point)
        mu_wls = mu if eta_wls is eta else np.asarray(family.linkinv(eta_wls), dtype=np.float64)
        mu_eta_wls = family.mu_eta(eta_wls)
        good = (data.weights > 0) & (mu_eta_wls != 0)
        w2 = np.zeros(data.nobs)
        # R stores w^2 with w = sqrt(weights mu.eta^2 / V): squared back for the same bits.
        w2[good] = np.sqrt(data.weights[good] * mu_eta_wls[good] ** 2
                           / family.variance(mu_wls)[good]) ** 2
        residuals = (data.y - mu) / family.mu_eta(eta)
        positive = w2 > 0
        return dict(aic=aic_parts(family, data.y, data.n, mu, data.weights),
                    pearson=float(np.sum(w2[positive] * residuals[positive] ** 2)),
                    n_zero_working=int(np.sum(w2 == 0)))


def _offset(chunk: Chunk) -> np.ndarray:
    return np.zeros(chunk.nrow) if chunk.offset is None else np.asarray(chunk.offset, float)


def _same(a: Optional[np.ndarray], b: Optional[np.ndarray]) -> bool:
    if a is None or b is None:
        return a is b
    return a.shape == b.shape and bool(np.all(a == b))


def _augmented(x: np.ndarray, good: np.ndarray, w: np.ndarray, z: np.ndarray) -> np.ndarray:
    """``[x[good] * w | z * w]`` as a new Fortran array (consumed by the QR)."""
    p = x.shape[1]
    out = np.empty((w.shape[0], p + 1), dtype=np.float64, order="F")
    rows = x if good.all() else x[good]
    np.multiply(rows, w[:, None], out=out[:, :p])
    np.multiply(z, w, out=out[:, p])
    return out

