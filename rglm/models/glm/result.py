"""The fitted model object: R's ``c("glm", "lm")`` list, as an immutable Python object.

A :class:`GLM` wraps the frozen record returned by :func:`rglm.engines.irls.irls.glm_fit` together with
what ``glm()`` adds (call, formula, terms, model frame, offset, control, contrasts, xlevels,
na.action). Every component of R's object is an attribute with R's name, dots turned into
underscores; R's own names work through indexing (``fit["null.deviance"]``).

Vectors indexed by observation (residuals, fitted values, weights, ...) are pandas Series
indexed like the model frame's rows, i.e. by the labels of the rows of ``data`` that were
used; coefficient vectors are Series indexed by R's coefficient names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Optional

import numpy as np
import pandas as pd

__all__ = ["GLM"]

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


@dataclass(frozen=True, eq=False)
class GLM:
    """A fitted generalised linear model. R: an object of class ``c("glm", "lm")``.

    Created by :func:`rglm.glm`; never modified after creation. ``print(fit)`` prints what
    R's ``print.glm`` prints.
    """

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
        return pd.Series(self.fit.coefficients, index=list(self.fit.xnames), dtype=float,
                         name=None)

    def _by_row(self, values: Optional[np.ndarray]) -> Optional[pd.Series]:
        if values is None:
            return None
        return pd.Series(values, index=self.row_names, copy=False)

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
        return pd.Series(eff, index=names, copy=False)

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
        return pd.DataFrame(self.fit.R, index=names, columns=names)

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
            raise KeyError(name)
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
    def __str__(self) -> str:
        from rglm.render.objects import format_glm_object

        return format_glm_object(self)

    def __repr__(self) -> str:
        return self.__str__()

    def _repr_pretty_(self, p, cycle) -> None:  # IPython
        p.text(self.__str__())


# ---- R's generics as methods ------------------------------------------------------------
# ``fit.summary()`` is ``rglm.summary(fit)``, ``fit.anova(other)`` is ``rglm.anova(fit, other)``
# and so on. Names that are also components of R's glm object keep the component meaning
# (``fit.residuals`` is R's ``fit$residuals``, the working residuals), so ``residuals()``
# is available as R's alias ``resid()``. The generics live above this module, hence the
# lazy lookup through the package.
_METHODS = {
    "summary": "summary", "anova": "anova", "predict": "predict", "confint": "confint",
    "confint_default": "confint.default", "profile": "profile", "vcov": "vcov",
    "logLik": "logLik", "AIC": "AIC", "BIC": "BIC", "extractAIC": "extractAIC",
    "drop1": "drop1", "add1": "add1", "step": "step", "update": "update",
    "influence": "influence", "hatvalues": "hatvalues", "rstandard": "rstandard",
    "rstudent": "rstudent", "cooks_distance": "cooks.distance", "dfbeta": "dfbeta",
    "dfbetas": "dfbetas", "covratio": "covratio", "influence_measures": "influence.measures",
    "vcovHC": "sandwich::vcovHC", "vcovCL": "sandwich::vcovCL",
    "coeftest": "lmtest::coeftest", "coef": "coef", "fitted": "fitted", "nobs": "nobs",
    "sigma": "sigma", "resid": "residuals",
}


def _generic_method(name: str, target: str, r_name: str):
    def method(self, *args, **kwargs):
        import rglm

        return getattr(rglm, target)(self, *args, **kwargs)

    method.__name__ = name
    method.__qualname__ = f"GLM.{name}"
    method.__doc__ = (f"``rglm.{target}(fit, ...)`` as a method. R: ``{r_name}(fit, ...)``; "
                      f"see :func:`rglm.{target}` for the arguments.")
    return method


for _name, _r_name in _METHODS.items():
    if _name not in GLM.__dict__:
        setattr(GLM, _name, _generic_method(_name, "residuals" if _name == "resid" else _name,
                                            _r_name))
del _name, _r_name
