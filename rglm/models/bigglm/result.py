"""The fitted object of a chunked GLM fit, and R's generics for it.

R: the ``"bigglm"`` objects of ``biglm::bigglm``, here with ``glm()``'s numbers and
components: a :class:`BigGLM` has the coefficients, deviance, null deviance, aic,
iterations, degrees of freedom and the last QR that ``glm()`` would report on the same
data, but no per-observation vectors (residuals, fitted values, weights): those are as
long as the data. ``summary_bigglm`` therefore takes the dispersion's Pearson
chi-square from the sums collected during the fit (the same number summary.glm
computes from the stored working residuals and weights).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Mapping, Optional

import numpy as np
import pandas as pd
from scipy.linalg import solve_triangular

from rglm.dollar import match_component
from rglm.errors import RError, rwarn
from rglm.generics import vcov as vcov_of
from rglm.inference.anova_table import (AnovaTable, apply_test, column, make_anova, na_column,
                                        resolve_test)
from rglm.engines.chunked.irls import ChunkedFitResult
from rglm.formula.deparse import deparse, deparse1
from rglm.formula.design import model_matrix
from rglm.formula.frame import model_frame
from rglm.formula.response import model_offset
from rglm.formula.terms import delete_response
from rglm.models.glm.history import history_frame
from rglm.models.glm.summary import GLMSummary, dispersion_from_pearson, summary_from_qr
from rglm.render.anova import anova_models_heading
from rglm.render.rframes import as_r
from rglm.render.display import Tabled

__all__ = ["BigGLM", "DroppedRows", "BigGLMPrediction", "summary_bigglm",
           "predict_bigglm", "anova_bigglm"]

#: R's component names of a bigglm fit with glm's values (dots for underscores).
R_COMPONENTS = ("coefficients", "rank", "qr", "R", "family", "deviance", "aic",
                "null.deviance", "iter", "df.residual", "df.null", "converged", "boundary",
                "nobs", "na.action", "call", "formula", "terms", "control", "contrasts",
                "xlevels")


@dataclass(frozen=True)
class DroppedRows:
    """Rows the NA action removed while the chunks were read (R: ``fit$na.action``).

    Only their number is kept; ``rows`` is ``range(count)`` for code that takes its length.
    """

    kind: str
    count: int

    @property
    def rows(self) -> range:
        return range(self.count)

    def __len__(self) -> int:
        return self.count


@dataclass(frozen=True, eq=False)
class BigGLM(Tabled):
    """A GLM fitted by :func:`rglm.bigglm` (R: ``biglm::bigglm``, with glm's numbers).

    Attributes
    ----------
    fit : ChunkedFitResult
        The numbers of the fit.
    call : rglm.formula.ast.Call
        The call, as R would show it.
    terms : Terms
        The model's terms.
    spec : ModelSpec
        Codes new data as the fitted data (levels, contrasts).
    contrasts : dict or None
        Contrasts per factor (R's ``fit$contrasts``).
    xlevels : dict or None
        Levels per factor (R's ``fit$xlevels``).
    offset_arg : str or None
        The ``offset=`` argument as given (re-evaluated in ``newdata`` by predict).
    namespace : Mapping
        The caller's names the formula uses (for predict).
    na_kind : str
        ``"omit"`` or ``"exclude"``.
    chunksize : int
    engine : str
        ``"serial"`` or ``"dask"``.
    level_passes : int
        Passes made to find factor levels (0 or 1).
    """

    R_CLASS = ("bigglm", "biglm")

    fit: ChunkedFitResult = field(repr=False)
    call: Any = field(repr=False)
    terms: Any = field(repr=False)
    spec: Any = field(repr=False)
    contrasts: Optional[dict] = None
    xlevels: Optional[dict] = None
    offset_arg: Any = None
    namespace: Mapping[str, Any] = field(default_factory=dict, repr=False)
    na_kind: str = "omit"
    chunksize: int = 100_000
    engine: str = "serial"
    level_passes: int = 0

    # ---- R's components -------------------------------------------------------------
    @cached_property
    def coefficients(self) -> pd.Series:
        """Coefficients with R's names; NaN where aliased (R's NA)."""
        return as_r(pd.Series(self.fit.coefficients, index=list(self.fit.xnames or ()),
                              dtype=float))

    def coef(self) -> pd.Series:
        """R: ``coef(fit)``."""
        return self.coefficients.copy()

    @property
    def history(self) -> pd.DataFrame:
        """The IRLS iterations, one row each (a pass over the data each), without the
        working weights' summary, which would need every row at once; see
        :func:`rglm.models.glm.history.history_frame`."""
        return history_frame(self.fit.history, self.fit.xnames)

    @property
    def family(self):
        return self.fit.family

    deviance = property(lambda self: float(self.fit.deviance), doc="Residual deviance.")
    null_deviance = property(lambda self: float(self.fit.null_deviance),
                             doc="Null deviance (glm's, offset refit included).")
    aic = property(lambda self: float(self.fit.aic), doc="glm's AIC (NaN for quasi).")
    iter = property(lambda self: int(self.fit.iter), doc="IRLS iterations.")
    rank = property(lambda self: int(self.fit.rank), doc="Numerical rank.")
    df_residual = property(lambda self: int(self.fit.df_residual))
    df_null = property(lambda self: int(self.fit.df_null))
    converged = property(lambda self: bool(self.fit.converged))
    boundary = property(lambda self: bool(self.fit.boundary))
    nobs = property(lambda self: int(self.fit.nobs), doc="Rows used (zero weights included).")
    control = property(lambda self: self.fit.control)
    passes = property(lambda self: int(self.fit.passes) + self.level_passes,
                      doc="Passes made over the data (factor levels included).")

    @property
    def qr(self):
        """The last least-squares step's ``p × p`` QR (1-based ``pivot``, as R)."""
        return self.fit.qr

    @cached_property
    def R(self) -> Optional[pd.DataFrame]:
        """The R factor in pivoted order (row signs may differ from glm's)."""
        if self.fit.R is None:
            return None
        names = [self.fit.xnames[j - 1] for j in self.fit.qr.pivot]
        return pd.DataFrame(self.fit.R, index=names, columns=names)

    @property
    def na_action(self) -> Optional[DroppedRows]:
        """The rows the NA action removed (None when none were)."""
        if not self.fit.n_dropped:
            return None
        return DroppedRows(self.na_kind, int(self.fit.n_dropped))

    @cached_property
    def formula(self) -> str:
        """The model formula as R deparses it."""
        from rglm.formula.deparse import deparse1

        return deparse1(self.terms.formula)

    def __getitem__(self, name: str) -> Any:
        """R's ``fit$name``: ``fit["null.deviance"]``."""
        full = match_component(name, R_COMPONENTS)  # R's $ completes a unique prefix
        return getattr(self, full.replace(".", "_"))

    def keys(self) -> list:
        return [n for n in R_COMPONENTS if n != "na.action" or self.na_action is not None]

    # ---- generics -------------------------------------------------------------------
    def summary(self, dispersion: Optional[float] = None, correlation: bool = False,
                symbolic_cor: bool = False) -> GLMSummary:
        """R: ``summary(fit)``; see :func:`summary_bigglm`."""
        return summary_bigglm(self, dispersion, correlation, symbolic_cor)

    def vcov(self, complete: bool = True, dispersion: Optional[float] = None) -> pd.DataFrame:
        """R: ``vcov(fit)``; see :func:`rglm.vcov`."""
        return vcov_of(self, complete, dispersion)

    def predict(self, newdata=None, type: str = "link", se_fit: bool = False,
                dispersion: Optional[float] = None):
        """R: ``predict(fit, newdata, type, se.fit)``; see :func:`predict_bigglm`."""
        return predict_bigglm(self, newdata, type, se_fit, dispersion)

    # ---- printing -------------------------------------------------------------------
    def __str__(self) -> str:
        from rglm.models.glm.result import format_glm_fit

        return format_glm_fit(self)

    __repr__ = __str__

    def _repr_pretty_(self, p, cycle) -> None:  # IPython
        p.text(self.__str__())

    def format(self, digits: Optional[int] = None) -> str:
        """R's ``print(fit)`` text (glm's ``print.glm``, as ``str(fit)``)."""
        from rglm.models.glm.result import format_glm_fit

        return format_glm_fit(self, digits)

    def table_page(self, floatfmt: Optional[str] = None, digits: Optional[int] = None,
                   signif_stars: bool = True):
        """What ``print(fit)`` shows, as a table (``to_markdown()``, Jupyter's HTML)."""
        from rglm.models.glm.result import glm_fit_page

        return glm_fit_page(self, digits, floatfmt)


# -- summary ------------------------------------------------------------------------------
def _dispersion(fit: BigGLM) -> tuple[float, bool]:
    """summary.glm's dispersion and whether it was estimated (R >= 4.3 rules).

    The Pearson statistic ``sum(w r^2)`` over positive working weights was summed over
    the chunks during the fit's last pass.
    """
    return dispersion_from_pearson(fit.family, fit.df_residual, lambda: fit.fit.pearson,
                                   fit.fit.n_zero_working > 0)


def summary_bigglm(fit: BigGLM, dispersion: Optional[float] = None,
                   correlation: bool = False, symbolic_cor: bool = False) -> GLMSummary:
    """Summarise a chunked fit exactly as summary.glm summarises the in-memory fit.

    R: ``stats::summary.glm(object, dispersion, correlation, symbolic.cor)``; registered
    as the :func:`rglm.summary` method for :class:`BigGLM` (so glm's ``vcov`` method
    works too).

    The covariance is ``dispersion * chol2inv(R)`` from the last least-squares step's
    ``R`` (as glm); ``deviance_resid`` is empty (no per-observation values are kept).
    """
    if dispersion is None:
        disp, est_disp = _dispersion(fit)
    else:
        disp, est_disp = float(dispersion), False
    return summary_from_qr(fit, fit.qr.qr, fit.qr.pivot, disp, est_disp,
                           pd.Series([], dtype=float), correlation, symbolic_cor)


# -- predict -----------------------------------------------------------------------------
@dataclass(frozen=True)
class BigGLMPrediction:
    """R's ``predict(..., se.fit = TRUE)`` value: ``fit``, ``se.fit``, ``residual.scale``."""

    fit: pd.Series
    se_fit: pd.Series
    residual_scale: float

    def __getitem__(self, name: str) -> Any:
        return getattr(self, name.replace(".", "_"))


def predict_bigglm(fit: BigGLM, newdata: Optional[pd.DataFrame] = None, type: str = "link",
                   se_fit: bool = False, dispersion: Optional[float] = None):
    """Predictions for new data, coded through the fit's stored levels and contrasts.

    R: ``stats::predict.glm(object, newdata, type = c("link", "response"), se.fit,
    dispersion, na.action = na.pass)``.

    Parameters
    ----------
    fit : BigGLM
    newdata : pandas.DataFrame
        Required: a chunked fit keeps no fitted values of its own data.
    type : {"link", "response"}
    se_fit : bool
        Also standard errors: ``sqrt(rowSums((X[, piv] R11^{-1})^2) * dispersion)``,
        times ``|mu.eta(eta)|`` on the response scale.
    dispersion : float, optional
        Default: the summary's dispersion.

    Returns
    -------
    pandas.Series, or BigGLMPrediction when ``se_fit``.
    """
    if type not in ("link", "response"):
        raise RError("'type' must be \"link\" or \"response\" for a bigglm fit")
    if newdata is None:
        raise RError("a bigglm fit keeps no fitted values: give 'newdata'")
    x, offset, index = _new_design(fit, newdata)
    coef = fit.coefficients.to_numpy()
    p = fit.rank
    piv = np.asarray(fit.qr.pivot[:p], dtype=int) - 1
    eta = x[:, piv] @ coef[piv] + offset
    family = fit.family
    value = eta if type == "link" else np.asarray(family.linkinv(eta), dtype=float)
    if not se_fit:
        return pd.Series(value, index=index)
    disp = _dispersion(fit)[0] if dispersion is None or dispersion == 0 else float(dispersion)
    r11 = np.triu(np.asarray(fit.qr.qr)[:p, :p])
    xr = solve_triangular(r11, x[:, piv].T, lower=False, trans="T").T
    se = np.sqrt(np.sum(xr**2, axis=1) * disp)
    if type == "response":
        se = se * np.abs(family.mu_eta(eta))
    return BigGLMPrediction(fit=pd.Series(value, index=index), se_fit=pd.Series(se, index=index),
                            residual_scale=float(np.sqrt(disp)))


def _new_design(fit: BigGLM, newdata: pd.DataFrame):
    """Model matrix and total offset of new data (R: predict.lm's frame with ``xlev``)."""
    xlev = {k: list(v) for k, v in (fit.xlevels or {}).items()}
    mf = model_frame(delete_response(fit.terms), newdata, offset=fit.offset_arg,
                     na_action="na.pass", drop_unused_levels=False, env=dict(fit.namespace),
                     xlev=xlev or None, state=fit.spec.state)
    mm = model_matrix(mf, contrasts=dict(fit.spec.contrasts))
    offset = model_offset(mf)
    offset = np.zeros(mf.nrow) if offset is None else offset
    return mm.x, offset, mf.row_names


# -- anova -------------------------------------------------------------------------------
def anova_bigglm(*fits: BigGLM, dispersion: Optional[float] = None, test: Any = None
                 ) -> AnovaTable:
    """Compare nested chunked fits by their deviances.

    R: ``stats:::anova.glmlist(object, dispersion, test)`` (R >= 4.4 defaults: a
    ``"Chisq"`` test for a fixed dispersion, ``"F"`` for an estimated one;
    ``test=False`` gives none), the same table as :func:`rglm.models.glm.anova.anova_glm`
    gives for glm fits of the same data (:func:`rglm.inference.anova_table.apply_test`).

    Parameters
    ----------
    *fits : BigGLM
        Two or more fits of the same response on the same rows, in order.
    dispersion : float, optional
        Default: the summary dispersion of the model with the fewest residual df.
    test : {None, False, "Chisq", "LRT", "F", "Cp"}
        Unique abbreviations are accepted, as R's ``match.arg``. ``"Rao"`` needs the
        working residuals and weights, which a bigglm fit does not keep.

    Returns
    -------
    AnovaTable
        ``print()`` gives R's ``print.anova`` text.
    """
    test = resolve_test(test)
    if test == "Rao":
        raise RError("a bigglm fit keeps no working residuals and weights: "
                     "test = \"Rao\" is not available")
    fits = _same_response(list(fits))
    if len(fits) < 2:
        raise RError("anova_bigglm() needs at least two fits of the same response")
    if len({f.nobs for f in fits}) > 1:
        raise RError("models were not all fitted to the same size of dataset")
    resdf = np.array([f.df_residual for f in fits], dtype=float)
    resdev = np.array([f.deviance for f in fits])
    cols = [column("Resid. Df", resdf), column("Resid. Dev", resdev),
            na_column("Df", -np.diff(resdf)), na_column("Deviance", -np.diff(resdev))]
    big = fits[int(np.argmin(resdf))]
    cols = apply_test(cols, test, big.family, dispersion,
                      lambda: summary_bigglm(big).dispersion, big.df_residual,
                      float(resdf.min()), big.nobs)
    formulas = ["\n".join(deparse(f.terms.formula)) for f in fits]
    return make_anova(cols, [str(i + 1) for i in range(len(fits))],
                      anova_models_heading(formulas))


def _same_response(fits: list) -> list:
    def response(f):
        node = f.terms.response_node
        return None if node is None else deparse1(node)

    first = response(fits[0])
    keep = [f for f in fits if response(f) == first]
    dropped = [response(f) for f in fits if response(f) != first]
    if dropped:
        rwarn(f"models with response {', '.join(dropped)} removed because response "
              "differs from model 1")
    return keep
