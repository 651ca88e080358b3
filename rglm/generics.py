"""R's generic functions, dispatching on the class of the fitted model.

Each generic is a :func:`functools.singledispatch` function named as in R (``.`` written
``_``; R's ``formula()`` is :func:`formula_of`, since ``rglm.formula`` is the formula
layer). A model kind registers its methods in its own package (``rglm/models/<kind>/
methods.py``: ``generics.coef.register(GLM)(coef_glm)``), as R's S3 methods; a subclass
inherits its parent's methods (a ``NegBinGLM`` is dispatched as a ``GLM`` for every
generic MASS gives no ``negbin`` method), as R's class vector ``c("negbin", "glm", "lm")``
makes ``NextMethod`` find the glm method. Inference (:mod:`rglm.inference`) is written
against these functions only.

A class with no method gets R's error, ``no applicable method for 'coef' applied to an
object of class "character"`` (R's class of the object, see :func:`r_class`) — also for
the generics to which R gives a ``default`` method reading list components
(``coef.default``: ``object$coefficients``): rglm's fitted objects are not R lists, so
there is nothing such a default could read.

Index conventions of what a method returns:

* **by coefficient** -- a Series (or square DataFrame) indexed by R's coefficient names,
  in the model matrix's column order; NaN (R's NA) for aliased coefficients unless a
  generic's ``complete=False`` drops them;
* **by observation** -- a Series indexed by the model frame's row labels; fits made with
  ``na_action="na.exclude"`` pad the rows it omitted with NaN (R's ``naresid``);
* **scalars** -- Python ``float``/``int``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from functools import singledispatch
from typing import Any, Callable

import numpy as np
import pandas as pd

from rglm.errors import RError
from rglm.render.rframes import as_r

__all__ = [
    "GENERICS", "Refit", "r_class", "no_applicable_method", "registrations",
    "coef", "vcov", "fitted", "residuals", "predict", "logLik", "nobs", "df_residual",
    "deviance", "sigma", "model_frame", "model_matrix", "formula_of", "terms", "weights",
    "family", "confint", "summary", "anova", "drop1", "add1", "extractAIC", "update",
    "refit", "estfun", "bread", "hatvalues", "influence", "rstandard", "rstudent",
    "cooks_distance", "dfbeta", "dfbetas", "covratio", "influence_measures", "profile",
    "fixef", "ranef", "VarCorr", "ngrps", "getME", "isSingular", "simulate",
    "dropterm", "addterm", "tidy", "glance", "augment", "irls_history",
]


# ---- R's class of an object, for the error of an unregistered class ----------------


def r_class(obj: Any) -> tuple[str, ...]:
    """R's ``class(x)`` (with the implicit classes UseMethod dispatches on) of a Python
    value: ``str`` -> character, ``float`` -> ``c("double", "numeric")``, a DataFrame ->
    data.frame, ...; an object whose class declares ``R_CLASS`` (rglm's fitted models:
    ``("glm", "lm")``, ``("bigglm", "biglm")``) -> that; any other object -> the name
    of its Python class."""
    declared = getattr(type(obj), "R_CLASS", None)
    if declared:
        return tuple(declared)
    if obj is None:
        return ("NULL",)
    if isinstance(obj, (bool, np.bool_)):
        return ("logical",)
    if isinstance(obj, (int, np.integer)):
        return ("integer", "numeric")
    if isinstance(obj, (float, np.floating)):
        return ("double", "numeric")
    if isinstance(obj, str):
        return ("character",)
    if isinstance(obj, pd.DataFrame):
        return ("data.frame",)
    if isinstance(obj, np.ndarray) and obj.ndim == 2:
        return ("matrix", "array") + _vector_class(obj.dtype)
    if isinstance(obj, (np.ndarray, pd.Series)):
        return _vector_class(obj.dtype)
    if isinstance(obj, (list, tuple, dict)):
        return ("list",)
    if callable(obj) and not isinstance(obj, type):
        return ("function",)
    return (type(obj).__name__,)


def _vector_class(dtype) -> tuple[str, ...]:
    """R's implicit class of a vector of numpy/pandas dtype ``dtype``."""
    if isinstance(dtype, pd.CategoricalDtype):
        return ("factor",)
    kind = getattr(dtype, "kind", "O")
    if kind == "b":
        return ("logical",)
    if kind in "iu":
        return ("integer", "numeric")
    if kind in "fc":
        return ("double", "numeric")
    return ("character",)


def _class_text(classes: tuple[str, ...]) -> str:
    """How R's UseMethod error shows a class vector: ``foo`` or ``c('a', 'b')``."""
    if len(classes) == 1:
        return classes[0]
    return "c(" + ", ".join(f"'{c}'" for c in classes) + ")"


def no_applicable_method(r_name: str, obj: Any) -> RError:
    """R's ``UseMethod`` error for a generic with no method for the object's class."""
    return RError(f"no applicable method for '{r_name}' applied to an object of class "
                  f"\"{_class_text(r_class(obj))}\"")


# ---- the generics -----------------------------------------------------------------

#: Python name -> R name of every generic defined here.
GENERICS: dict[str, str] = {}


#: Generics whose values R prints as named vectors and matrices (``"r"``) or as a data
#: frame (``"frame"``): what their methods return is handed back as the pandas object
#: that prints as R's (:func:`rglm.render.rframes.as_r`; no data copied), for every
#: model kind alike -- whichever wing registered the method.
PRINTED_AS_R = {
    "coef": "r", "vcov": "r", "fitted": "r", "residuals": "r", "predict": "r",
    "weights": "r", "confint": "r", "hatvalues": "r", "rstandard": "r", "rstudent": "r",
    "cooks.distance": "r", "dfbeta": "r", "dfbetas": "r", "covratio": "r",
    "estfun": "r", "bread": "r", "fixef": "r", "ngrps": "r", "simulate": "frame",
}


def _generic(r_name: str, doc: str) -> Callable:
    """A singledispatch generic called like R's ``r_name``; unregistered classes get R's
    ``no applicable method`` error; the values of those in :data:`PRINTED_AS_R` print
    as R's."""
    py_name = r_name.replace(".", "_")
    if py_name == "formula":
        py_name = "formula_of"

    def default(obj, *args, **kwargs):
        raise no_applicable_method(r_name, obj)

    default.__name__ = py_name
    generic = singledispatch(default)
    printed = PRINTED_AS_R.get(r_name)
    if printed is not None:
        generic = _printed_as_r(generic, printed == "frame")
    generic.__name__ = generic.__qualname__ = py_name
    generic.__module__ = __name__
    generic.__doc__ = doc
    generic.r_name = r_name
    GENERICS[py_name] = r_name
    return generic


def _printed_as_r(dispatcher: Callable, frame: bool) -> Callable:
    """The generic ``dispatcher`` with its value passed through ``as_r``; ``register``,
    ``dispatch`` and ``registry`` are the dispatcher's own (``functools.wraps`` copies
    them)."""
    @functools.wraps(dispatcher)
    def generic(obj, *args, **kwargs):
        return as_r(dispatcher(obj, *args, **kwargs), frame=frame)

    return generic


coef = _generic("coef", """The coefficients. R: ``coef(object, complete = TRUE)``.

A method takes ``(fit, complete=True)`` and returns a float Series by coefficient, NaN
where aliased; ``complete=False`` drops the aliased ones. A copy: callers may modify it.
""")

vcov = _generic("vcov", """The covariance matrix of the coefficients. R: ``vcov(object,
complete = TRUE, ...)``.

A method takes ``(fit, complete=True, **kwargs)`` and returns a square float DataFrame
by coefficient (NaN rows and columns for aliased ones when ``complete``). Inference
(Wald intervals, coeftest) uses only this matrix, never a QR.
""")

fitted = _generic("fitted", """Fitted values (means). R: ``fitted(object)``.

A method returns a float Series by observation.
""")

residuals = _generic("residuals", """Residuals. R: ``residuals(object, type = ...)``.

A method takes ``(fit, type=...)`` (its own default type) and returns a float Series by
observation (``type="partial"``: a DataFrame, one column per term).
""")

predict = _generic("predict", """Predictions. R: ``predict(object, newdata, type, ...)``.

A method takes ``(fit, newdata=None, type=..., se_fit=False, ...)`` and returns a float
Series by row of ``newdata`` (of the model frame when None), or with ``se_fit`` a record
with ``fit``, ``se_fit`` and ``residual_scale``.
""")

logLik = _generic("logLik", """The log-likelihood. R: ``logLik(object)``.

A method returns an :class:`rglm.inference.loglik.LogLik`: a float with ``df`` (estimated
parameters) and ``nobs``. AIC and BIC (:mod:`rglm.inference.loglik`) use only this.
""")

nobs = _generic("nobs", """The number of observations. R: ``nobs(object)``.

A method returns an int: the observations the fit used (for glm those with non-zero
prior weight). ``step`` and ``drop1`` compare it across refits.
""")

df_residual = _generic("df.residual", """Residual degrees of freedom. R: ``df.residual(object)``.

A method returns an int (or float).
""")

deviance = _generic("deviance", """The residual deviance. R: ``deviance(object)``.

A method returns a float.
""")

sigma = _generic("sigma", """The residual standard deviation. R: ``sigma(object)``.

A method returns a float.
""")

model_frame = _generic("model.frame", """The model frame. R: ``model.frame(formula, ...)``.

A method takes ``(fit, **changes)`` and returns a DataFrame, one row per row the fit used.
""")

model_matrix = _generic("model.matrix", """The model matrix. R: ``model.matrix(object)``.

A method returns a float DataFrame (rows of the model frame, columns by coefficient,
aliased columns included), with R's ``assign`` and ``contrasts`` in ``attrs``.
""")

formula_of = _generic("formula", """The model formula. R: ``formula(x)``.

A method returns the formula as R deparses it (a str; ``.`` expanded, as R's
``formula.glm`` gives the formula of the terms).
""")

terms = _generic("terms", """The model's terms. R: ``terms(x)``.

A method returns the fit's :class:`rglm.formula.terms.Terms` (term labels, variables,
the formula with ``.`` expanded): what scope, drop1 and step read the terms from.
""")

weights = _generic("weights", """Weights. R: ``weights(object, type = "prior")``.

A method takes ``(fit, type="prior")`` (``"working"``: the last IRLS weights) and returns
a float Series by observation.
""")

family = _generic("family", """The family object. R: ``family(object)``.

A method returns an :class:`rglm.families.Family`.
""")

confint = _generic("confint", """Confidence intervals. R: ``confint(object, parm, level = 0.95)``.

A method takes ``(fit, parm=None, level=0.95, ...)`` and returns a DataFrame by
coefficient with the lower and upper limits (columns ``"2.5 %"``, ``"97.5 %"``), or a
Series for one profiled coefficient (R's ``drop()``). glm: profile likelihood; a kind
with only ``coef`` and ``vcov`` registers the Wald intervals
(:func:`rglm.inference.confint.confint_default`, R's ``confint.default``).
""")

summary = _generic("summary", """Summarise a fit. R: ``summary(object, ...)``.

A method returns the kind's summary object, whose ``str()`` is R's print of it.
""")

anova = _generic("anova", """Analysis of deviance. R: ``anova(object, ...)``.

Dispatches on the first fit, as R; a method takes ``(fit, *more_fits, test=None,
dispersion=None)`` and returns a table record whose ``str()`` is R's print.anova.
""")

drop1 = _generic("drop1", """Single-term deletions. R: ``drop1(object, scope, scale = 0, test, k = 2)``.

A method returns an :class:`rglm.inference.anova_table.AnovaTable` with rows ``<none>``
and one per term, columns ``Df`` and ``AIC`` at least. R's ``drop1.default`` (refits through
:func:`update`, AICs from :func:`extractAIC`) is
:func:`rglm.inference.drop1.drop1_default`.
""")

add1 = _generic("add1", """Single-term additions. R: ``add1(object, scope, scale = 0, test, k = 2)``.

As :func:`drop1`; R's ``add1.default`` is :func:`rglm.inference.drop1.add1_default`.
""")

extractAIC = _generic("extractAIC", """Equivalent df and AIC. R: ``extractAIC(fit, scale = 0, k = 2)``.

A method takes ``(fit, scale=0.0, k=2.0)`` and returns a float array ``[edf, AIC]``:
what ``step``, ``drop1`` and ``add1`` compare.
""")

update = _generic("update", """Refit with changes. R: ``update(object, formula., ...)``.

A method takes ``(fit, formula=None, **changes)`` and returns the new fit. R's
``update.default`` (the call evaluated again by the function :func:`refit` names) is
:func:`rglm.inference.update.update`.
""")

estfun = _generic("estfun", """Score contributions. R: ``sandwich::estfun(x)``.

A method returns a float DataFrame: one row per row of the model frame, one column per
non-aliased coefficient.
""")

bread = _generic("bread", """The bread of the sandwich. R: ``sandwich::bread(x)``.

A method returns a square float DataFrame by non-aliased coefficient: the inverse of the
average information, so that ``bread @ meat @ bread / n`` is the covariance.
""")

hatvalues = _generic("hatvalues", """Leverages. R: ``hatvalues(model)``.

A method returns a float Series by observation (glm: the rows with non-zero prior
weight, padded for ``na.exclude``).
""")

influence = _generic("influence", """Regression diagnostics. R: ``influence(model)``.""")

rstandard = _generic("rstandard", """Standardized residuals. R: ``rstandard(model)``.""")

rstudent = _generic("rstudent", """Studentized residuals. R: ``rstudent(model)``.""")

cooks_distance = _generic("cooks.distance", """Cook's distances. R: ``cooks.distance(model)``.""")

dfbeta = _generic("dfbeta", """Leave-one-out coefficient changes. R: ``dfbeta(model)``.""")

dfbetas = _generic("dfbetas", """Scaled dfbeta. R: ``dfbetas(model)``.""")

covratio = _generic("covratio", """Covariance ratios. R: ``covratio(model)``.""")

influence_measures = _generic("influence.measures", """The influence measures table.
R: ``influence.measures(model)`` -- a function of lm/glm fits in R, a generic here so that
each model kind says whether it has the measures.""")

profile = _generic("profile", """Likelihood profiles. R: ``profile(fitted, ...)``.""")


# ---- MASS's single-term tables (MASS dispatches them per class, as stats does drop1) --

dropterm = _generic("dropterm", """Single-term deletions, MASS's way. R: ``MASS::dropterm(object,
scope, scale = 0, test, k = 2, sorted = FALSE, trace = FALSE)``.

A method returns an :class:`rglm.inference.anova_table.AnovaTable` as :func:`drop1` does,
with MASS's p-value headings (``Pr(Chi)``, ``Pr(F)``) and rows sorted by AIC when ``sorted``.
MASS's ``dropterm.default`` (refits through :func:`update`, compared by
:func:`extractAIC`: a glm.nb fit's theta is estimated afresh for each candidate) is
:func:`rglm.inference.mass_terms.dropterm_default`.
""")

addterm = _generic("addterm", """Single-term additions, MASS's way. R: ``MASS::addterm(object,
scope, scale = 0, test, k = 2, sorted = FALSE, trace = FALSE)``.

As :func:`dropterm`; MASS's ``addterm.default`` is
:func:`rglm.inference.mass_terms.addterm_default`.
""")


# ---- mixed models: lme4's generics (nlme's fixef/ranef/VarCorr, lme4's own) -------

fixef = _generic("fixef", """The fixed-effects estimates. R: ``nlme::fixef`` /
``lme4::fixef.merMod``.

A method returns a float Series by fixed-effect coefficient name.
""")

ranef = _generic("ranef", """The conditional modes of the random effects. R:
``lme4::ranef(object, condVar = TRUE)``.

A method takes ``(fit, condVar=True)`` and returns a mapping grouping factor ->
DataFrame (one row per level, one column per random effect) with
``.as_data_frame()`` (R's ``as.data.frame(ranef(.))``).
""")

VarCorr = _generic("VarCorr", """The estimated variances, standard deviations and
correlations of the random effects. R: ``lme4::VarCorr``.

A method returns a record whose ``str()`` is R's print and ``.as_data_frame()`` R's
``as.data.frame(VarCorr(.))`` (columns ``grp, var1, var2, vcov, sdcor``).
""")

ngrps = _generic("ngrps", """The number of levels of each grouping factor. R:
``lme4::ngrps``.

A method returns an int Series by grouping factor name.
""")

getME = _generic("getME", """A component of a fitted mixed model. R:
``lme4::getME(object, name)``.

A method takes ``(fit, name)``.
""")

isSingular = _generic("isSingular", """Whether a fit is on the boundary of its
parameter space. R: ``lme4::isSingular(x, tol = 1e-4)``.

A method takes ``(fit, tol=1e-4)`` and returns a bool.
""")

simulate = _generic("simulate", """Responses simulated from a fitted model. R:
``stats::simulate(object, nsim = 1, seed = NULL, ...)``.

A method takes ``(fit, nsim=1, seed=None, ...)`` and returns a DataFrame with columns
``sim_1``, ..., one row per observation.
""")


# ---- broom's tidiers (R: broom::tidy/glance/augment, broom.mixed for mixed models) ----

tidy = _generic("tidy", """A model's components as a table, one row per term. R:
``broom::tidy(x, conf.int = FALSE, conf.level = 0.95, exponentiate = FALSE, ...)``.

A method takes ``(x, conf_int=False, conf_level=0.95, exponentiate=False, ...)`` and
returns a DataFrame with broom's column names (``term``, ``estimate``, ``std.error``,
``statistic``, ``p.value``, ``conf.low``, ``conf.high`` for a fit; broom's renamed
columns for an anova table) and a default integer index.
""")

glance = _generic("glance", """A model's summary statistics as one row. R:
``broom::glance(x, ...)``.

A method returns a one-row DataFrame with broom's column names (``null.deviance``,
``df.null``, ``logLik``, ``AIC``, ``BIC``, ``deviance``, ``df.residual``, ``nobs`` for a
glm).
""")

augment = _generic("augment", """The data with per-observation statistics added. R:
``broom::augment(x, data = model.frame(x), newdata = NULL, ...)``.

A method takes ``(x, data=None, newdata=None, type_predict=..., type_residuals=...,
se_fit=False)`` and returns a DataFrame: the data's columns (``.rownames`` first when
its row names are not 1..n) and broom's ``.fitted``, ``.se.fit``, ``.resid``, ``.hat``,
``.sigma``, ``.cooksd``, ``.std.resid`` as the kind defines them.
""")


# ---- the iterations of a fit (no R equivalent: glm.control(trace = TRUE) prints them) ----

irls_history = _generic("irls_history", """The IRLS iterations of a fit, one row each. R has
none: ``glm(..., control = glm.control(trace = TRUE))`` prints the deviances and keeps nothing.

A method returns a DataFrame indexed by ``iter`` with ``deviance``, ``criterion``,
``halvings``, the working weights' ``weights.min``, ``weights.median``, ``weights.max``
(where the fit sees them row by row) and one column per coefficient
(:func:`rglm.models.glm.history.history_frame`).
""")

# ---- update: how a kind of model is refitted ---------------------------------------


@dataclass(frozen=True)
class Refit:
    """How :func:`rglm.inference.update.update` evaluates a fit's call again.

    R's ``update.default`` evaluates the modified call, which runs the function the call
    names (``glm``, ``glm.nb``, ``bigglm``); a :class:`Refit` is that function for rglm.

    Attributes
    ----------
    fitter : callable
        The front end the call names (``rglm.glm`` for ``glm(...)``), called with the
        formula and keyword arguments (R's names with ``.`` -> ``_``).
    formals : tuple of str
        The R function's formals in order: the arguments ``update`` accepts, and the order
        in which R's ``match.call()`` prints them.
    set_by_fitter : tuple of str
        Arguments the function writes into its own call after fitting (glm.nb's
        ``Call$init.theta <- signif(theta, 10)``, ``Call$link <- link``): the refit's
        values are printed, not the old call's.
    expression_args : tuple of str
        Arguments the function takes as R expressions in text, evaluated in the data by
        the function itself (bigglm's ``weights``, ``offset``, evaluated in each chunk):
        the call's expressions are passed back as text.
    """

    fitter: Callable[..., Any]
    formals: tuple[str, ...]
    set_by_fitter: tuple[str, ...] = ()
    expression_args: tuple[str, ...] = ()


def _refit_default(obj):
    raise RError("need an object with call component")


#: ``refit(fit) -> Refit``: how the fit's call is evaluated again (R: the function its
#: call names). Unregistered classes get R's ``update.default`` error.
refit = singledispatch(_refit_default)
refit.__name__ = refit.__qualname__ = "refit"
refit.__module__ = __name__
refit.r_name = "update"
GENERICS["refit"] = "update"


# ---- the dispatch table -----------------------------------------------------------


def registrations() -> dict[str, list[type]]:
    """Python name of each generic -> the classes with a method of their own, in
    registration order (what ``rglm.models.<kind>.methods`` registered)."""
    table = {}
    for name in GENERICS:
        generic = globals()[name]
        table[name] = [cls for cls in generic.registry if cls is not object]
    return table
