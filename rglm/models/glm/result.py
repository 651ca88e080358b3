"""The fitted model object: R's ``c("glm", "lm")`` list, as an immutable Python object.

A :class:`GLM` wraps the frozen record returned by :func:`rglm.engines.irls.irls.glm_fit` together with
what ``glm()`` adds (call, formula, terms, model frame, offset, control, contrasts, xlevels,
na.action). Every component of R's object is an attribute with R's name, dots turned into
underscores; R's own names work through indexing (``fit["null.deviance"]``).

Vectors indexed by observation (residuals, fitted values, weights, ...) are pandas Series
indexed like the model frame's rows, i.e. by the labels of the rows of ``data`` that were
used; coefficient vectors are Series indexed by R's coefficient names. They print as R
prints ``fit$coefficients`` (:class:`~rglm.render.rframes.RVector`, ``fit$R`` an
:class:`~rglm.render.rframes.RMatrix`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Optional

import numpy as np
import pandas as pd

from rglm import generics
from rglm.dollar import match_component
from rglm.formula.deparse import deparse
from rglm.inference.coeftest import coeftest
from rglm.inference.confint import confint_default
from rglm.inference.loglik import AIC, BIC
from rglm.inference.sandwich import vcovCL, vcovHC
from rglm.inference.mass_step import stepAIC
from rglm.models.glm.history import history_frame
from rglm.inference.step import step
from rglm.render.display import Tabled
from rglm.render.glm import format_glm, glm_page
from rglm.render.rframes import as_r

__all__ = ["GLM", "format_glm_fit", "n_deleted", "r_row_names", "bind_methods"]


def r_row_names(index: pd.Index) -> list[str]:
    """Row labels as R shows them: integer labels are R's automatic row names shifted by
    one (pandas label ``k`` is R's ``"k+1"``, also after rows were dropped); other labels
    print as they are."""
    if pd.api.types.is_integer_dtype(index.dtype):
        return [str(int(v) + 1) for v in index]
    return [str(v) for v in index]


def n_deleted(na_action) -> Optional[int]:
    """How many rows the na.action removed (None when there was none). R: what
    ``naprint(x$na.action)`` counts."""
    if na_action is None:
        return None
    return len(na_action.rows)


def format_glm_fit(fit, digits: Optional[int] = None) -> str:
    """The text of R's ``print.glm`` for a fit with glm's components (a :class:`GLM`, a
    bigglm fit): its numbers handed to :func:`rglm.render.glm.format_glm` (``digits``
    default ``max(3, getOption("digits") - 3)``, see :func:`rglm.options`)."""
    coef = fit.coefficients
    return format_glm(call_lines=deparse(fit.call), coef_names=list(coef.index),
                      coef_values=coef.to_numpy(), df_null=fit.df_null,
                      df_residual=fit.df_residual, null_deviance=fit.null_deviance,
                      deviance=fit.deviance, aic=fit.aic, n_deleted=n_deleted(fit.na_action),
                      digits=digits)


def glm_fit_page(fit, digits: Optional[int] = None, floatfmt: Optional[str] = None):
    """What :func:`format_glm_fit` prints, as a table page for markdown/HTML
    (:func:`rglm.render.glm.glm_page`)."""
    coef = fit.coefficients
    return glm_page(call_lines=deparse(fit.call), coef_names=list(coef.index),
                    coef_values=coef.to_numpy(), df_null=fit.df_null,
                    df_residual=fit.df_residual, null_deviance=fit.null_deviance,
                    deviance=fit.deviance, aic=fit.aic, n_deleted=n_deleted(fit.na_action),
                    digits=digits, floatfmt=floatfmt)

# R component names (with dots) → attribute names, in the order R lists them.
R_COMPONENTS = (
    "coefficients", "residuals", "fitted.values", "effects", "R", "rank", "qr", "family",
    "linear.predictors", "deviance", "aic", "null.deviance", "iter", "weights",
    "prior.weights", "df.residual", "df.null", "y", "converged", "boundary", "model",
    "na.action", "x", "call", "formula", "terms", "data", "offset", "control", "method",
    "contrasts", "xlevels",
)


@dataclass(frozen=True)
class QRInfo:
    """R's ``fit$qr`` (class "qr"): compact QR of the weighted design of the last IRLS step.

    Attributes
    ----------
    qr : pandas.DataFrame
        Compact form (upper triangle R, Householder vectors below), rows = observations
        in the last weighted least-squares step, columns = coefficient names in pivoted order.
    qraux : numpy.ndarray
        Auxiliary Householder information, as LINPACK's dqrdc2.
    pivot : numpy.ndarray
        **1-based** column permutation, exactly R's values (``pivot - 1`` indexes Python arrays).
    rank : int
        Numerical rank (dqrdc2's limited pivoting with tolerance ``tol``).
    tol : float
        The tolerance, ``min(1e-07, epsilon / 1000)``.
    """

    qr: pd.DataFrame
    qraux: np.ndarray
    pivot: np.ndarray
    rank: int
    tol: float

    def __getitem__(self, name: str) -> Any:
        return getattr(self, name)


@dataclass(frozen=True, eq=False, repr=False)
class GLM(Tabled):
    """A fitted generalised linear model. R: an object of class ``c("glm", "lm")``.

    Created by :func:`rglm.glm`; never modified after creation. ``print(fit)`` prints what
    R's ``print.glm`` prints.
    """

    R_CLASS = ("glm", "lm")  # R's class(fit), named by R's errors (rglm.generics.r_class)

    fit: Any = field(repr=False)  #: the frozen ``GlmFitResult`` from glm_fit
    row_names: pd.Index = field(repr=False)
    call: Any = field(repr=False)  #: the matched call, an R language object (rglm.formula.ast)
    formula_node: Any = field(repr=False)
    terms: Any = field(repr=False)
    data: Any = field(repr=False)
    offset_values: Optional[np.ndarray] = field(repr=False)
    control: Any = field(repr=False)
    method: str = "glm.fit"
    contrasts: Optional[dict] = None
    xlevels: Optional[dict] = None
    na_action: Any = None
    frame: Any = field(default=None, repr=False)  #: the ModelFrame (kept when model=True)
    model_matrix: Any = field(default=None, repr=False)  #: the ModelMatrix (spec for new data)
    keep_x: bool = False
    keep_y: bool = True
    null_deviance: float = float("nan")
    #: 0-based position in ``data`` of each row (ModelFrame.positions); None if unknown
    row_positions: Optional[np.ndarray] = field(default=None, repr=False)

    # ---- R's components -------------------------------------------------------------
    @cached_property
    def coefficients(self) -> pd.Series:
        """Coefficients with R's names; NaN where aliased (R's NA)."""
        return as_r(pd.Series(self.fit.coefficients, index=list(self.fit.xnames),
                              dtype=float, name=None))

    def _by_row(self, values: Optional[np.ndarray]) -> Optional[pd.Series]:
        if values is None:
            return None
        return as_r(pd.Series(values, index=self.row_names, copy=False))

    @cached_property
    def residuals(self) -> pd.Series:
        """Working residuals ``(y - mu) / mu.eta(eta)`` for every observation."""
        return self._by_row(self.fit.residuals)

    @cached_property
    def fitted_values(self) -> pd.Series:
        """Fitted means ``mu``."""
        return self._by_row(self.fit.fitted_values)

    @cached_property
    def linear_predictors(self) -> pd.Series:
        """Linear predictors ``eta`` (offset included)."""
        return self._by_row(self.fit.linear_predictors)

    @cached_property
    def weights(self) -> pd.Series:
        """Working weights of the last IRLS iteration (0 where not used)."""
        return self._by_row(self.fit.weights)

    @cached_property
    def prior_weights(self) -> pd.Series:
        """Prior weights, as modified by the family (binomial: times the number of trials)."""
        return self._by_row(self.fit.prior_weights)

    @cached_property
    def y(self) -> Optional[pd.Series]:
        """The response as used by the fit (binomial: proportions); None if ``y=False``."""
        return self._by_row(self.fit.y) if self.keep_y else None

    @cached_property
    def effects(self) -> Optional[pd.Series]:
        """``Q'(z w)`` of the last weighted least-squares step; the first ``rank`` named."""
        eff = self.fit.effects
        if eff is None:
            return None
        names = [""] * len(eff)
        piv = self._pivot0
        for i in range(min(self.rank, len(eff))):
            names[i] = self.fit.xnames[piv[i]]
        return as_r(pd.Series(eff, index=names, copy=False))

    @cached_property
    def _pivot0(self) -> np.ndarray:
        return np.asarray(self.fit.qr.pivot, dtype=int) - 1 if self.fit.qr is not None \
            else np.arange(0)

    @cached_property
    def R(self) -> Optional[pd.DataFrame]:
        """The R factor of the last QR (pivoted order), as R's ``fit$R``."""
        if self.fit.R is None:
            return None
        names = [self.fit.xnames[j] for j in self._pivot0]
        return as_r(pd.DataFrame(self.fit.R, index=names, columns=names))

    @cached_property
    def qr(self) -> Optional[QRInfo]:
        """R's ``fit$qr`` (see :class:`QRInfo`; ``pivot`` is 1-based as in R)."""
        q = self.fit.qr
        if q is None:
            return None
        names = [self.fit.xnames[j] for j in self._pivot0]
        good_rows = self.row_names[np.asarray(self.fit.good, dtype=bool)]
        return QRInfo(qr=pd.DataFrame(q.qr, index=good_rows, columns=names),
                      qraux=np.asarray(q.qraux), pivot=np.asarray(q.pivot),
                      rank=int(q.rank), tol=float(q.tol))

    @property
    def rank(self) -> int:
        """Numerical rank of the design."""
        return int(self.fit.rank)

    @property
    def family(self):
        """The family object."""
        return self.fit.family

    @property
    def deviance(self) -> float:
        """Residual deviance."""
        return float(self.fit.deviance)

    @property
    def aic(self) -> float:
        """Akaike's information criterion as R's glm computes it (NaN for quasi families)."""
        return float(self.fit.aic)

    @property
    def iter(self) -> int:
        """Number of IRLS (Fisher scoring) iterations."""
        return int(self.fit.iter)

    @property
    def df_residual(self) -> int:
        """Residual degrees of freedom (zero-weight observations excluded)."""
        return int(self.fit.df_residual)

    @property
    def df_null(self) -> int:
        """Degrees of freedom of the null model."""
        return int(self.fit.df_null)

    @property
    def converged(self) -> bool:
        """Whether the IRLS converged."""
        return bool(self.fit.converged)

    @property
    def boundary(self) -> bool:
        """Whether the fit stopped at a boundary value (step halving took place)."""
        return bool(self.fit.boundary)

    @property
    def offset(self) -> Optional[pd.Series]:
        """The total offset (formula ``offset()`` terms plus the ``offset=`` argument)."""
        return self._by_row(self.offset_values)

    @cached_property
    def model(self) -> Optional[pd.DataFrame]:
        """The model frame as a DataFrame (R's ``fit$model``); None if ``model=False``."""
        return None if self.frame is None else self.frame.to_frame()

    @cached_property
    def x(self) -> Optional[pd.DataFrame]:
        """The model matrix when ``x=True`` was given (R's ``fit$x``), else None."""
        if not self.keep_x or self.model_matrix is None:
            return None
        mm = self.model_matrix
        return pd.DataFrame(mm.x, index=self.row_names, columns=list(mm.colnames))

    @property
    def history(self) -> pd.DataFrame:
        """The IRLS iterations, one row each (not an R component: R's ``glm.control(trace =
        TRUE)`` prints the deviances and keeps nothing); see
        :func:`rglm.models.glm.history.history_frame`. A new frame at each access."""
        return history_frame(self.fit.history, self.fit.xnames)

    @cached_property
    def formula(self) -> str:
        """The model formula as R deparses it (``counts ~ outcome + treatment``)."""
        from rglm.formula.deparse import deparse1

        return deparse1(self.formula_node)

    # ---- R-style access -------------------------------------------------------------
    def __getitem__(self, name: str) -> Any:
        """R's ``fit$name`` / ``fit[["name"]]``: ``fit["null.deviance"]``."""
        attr = name.replace(".", "_")
        if name not in R_COMPONENTS and not hasattr(type(self), attr):
            # R's $ completes a unique prefix: fit$df.resid is fit$df.residual
            full = match_component(name, self.keys())
            attr = full.replace(".", "_")
        return getattr(self, attr)

    def keys(self) -> list[str]:
        """R's ``names(fit)``: the components present, in R's order."""
        out = []
        for name in R_COMPONENTS:
            if name == "na.action" and self.na_action is None:
                continue
            if name == "x" and not self.keep_x:
                continue
            if name == "y" and not self.keep_y:
                continue
            if name == "model" and self.frame is None:
                continue
            out.append(name)
        return out

    # ---- printing -------------------------------------------------------------------
    def format(self, digits: Optional[int] = None) -> str:
        """The text of R's ``print.glm`` (``print(fit)``, ``str(fit)``, ``repr(fit)``);
        ``digits`` defaults to R's ``max(3, getOption("digits") - 3)``."""
        return format_glm_fit(self, digits)

    def table_page(self, floatfmt: Optional[str] = None, digits: Optional[int] = None,
                   signif_stars: bool = True):
        """What ``print(fit)`` shows, as a table (``to_markdown()``, Jupyter's HTML)."""
        return glm_fit_page(self, digits, floatfmt)


# ---- R's generics as methods ------------------------------------------------------------
# ``fit.summary()`` is ``rglm.summary(fit)``, ``fit.anova(other)`` is ``rglm.anova(fit, other)``
# and so on: each method is the generic (:mod:`rglm.generics`, dispatching on the fit's
# class, so a glm.nb fit's ``summary()`` is summary.negbin) or the function written on the
# generics (:mod:`rglm.inference`). Names that are also components of R's glm object keep
# the component meaning (``fit.residuals`` is R's ``fit$residuals``, the working
# residuals), so ``residuals()`` is available as R's alias ``resid()``.
_METHODS = {
    "summary": (generics.summary, "summary"), "anova": (generics.anova, "anova"),
    "predict": (generics.predict, "predict"), "confint": (generics.confint, "confint"),
    "confint_default": (confint_default, "confint.default"),
    "profile": (generics.profile, "profile"), "vcov": (generics.vcov, "vcov"),
    "logLik": (generics.logLik, "logLik"), "AIC": (AIC, "AIC"), "BIC": (BIC, "BIC"),
    "extractAIC": (generics.extractAIC, "extractAIC"), "drop1": (generics.drop1, "drop1"),
    "add1": (generics.add1, "add1"), "step": (step, "step"),
    "dropterm": (generics.dropterm, "MASS::dropterm"),
    "addterm": (generics.addterm, "MASS::addterm"), "stepAIC": (stepAIC, "MASS::stepAIC"),
    "update": (generics.update, "update"), "influence": (generics.influence, "influence"),
    "hatvalues": (generics.hatvalues, "hatvalues"),
    "rstandard": (generics.rstandard, "rstandard"), "rstudent": (generics.rstudent, "rstudent"),
    "cooks_distance": (generics.cooks_distance, "cooks.distance"),
    "dfbeta": (generics.dfbeta, "dfbeta"), "dfbetas": (generics.dfbetas, "dfbetas"),
    "covratio": (generics.covratio, "covratio"),
    "influence_measures": (generics.influence_measures, "influence.measures"),
    "vcovHC": (vcovHC, "sandwich::vcovHC"), "vcovCL": (vcovCL, "sandwich::vcovCL"),
    "coeftest": (coeftest, "lmtest::coeftest"), "coef": (generics.coef, "coef"),
    "fitted": (generics.fitted, "fitted"), "nobs": (generics.nobs, "nobs"),
    "sigma": (generics.sigma, "sigma"), "resid": (generics.residuals, "residuals"),
}


def generic_method(cls: type, name: str, function, r_name: str):
    """``function(fit, ...)`` as the method ``name`` of ``cls``."""
    def method(self, *args, **kwargs):
        return function(self, *args, **kwargs)

    target = function.__name__
    method.__name__ = name
    method.__qualname__ = f"{cls.__name__}.{name}"
    method.__doc__ = (f"``rglm.{target}(fit, ...)`` as a method. R: ``{r_name}(fit, ...)``; "
                      f"see :func:`rglm.{target}` for the arguments.")
    return method


def bind_methods(cls: type, names) -> None:
    """Give ``cls`` the methods ``names`` of :data:`_METHODS` it does not define itself."""
    for name in names:
        if name not in cls.__dict__:
            function, r_name = _METHODS[name]
            setattr(cls, name, generic_method(cls, name, function, r_name))


bind_methods(GLM, _METHODS)
