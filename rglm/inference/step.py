"""Stepwise model selection by AIC. R: ``stats::step``.

From the current model, every single-term deletion (``drop1``) and addition (``add1``)
allowed by the scope is tried; the move with the lowest AIC is made, until no move lowers
it by more than 1e-7. Terms with zero degrees of freedom (aliased) are dropped first,
one at a time. The model is refitted through :func:`~rglm.inference.update.update`, as R
refits through ``update()``, and ``step()`` prints what R prints (``trace=0`` silences
it).

Nothing here depends on the kind of model: drop1/add1, extractAIC and update dispatch on
it, so a glm.nb fit is stepped as R steps it (candidates at fixed theta, AIC from
``extractAIC.negbin``, each move refitted by glm.nb from the previous theta), and the
result keeps the fit's class, with the path added (R: ``fit$anova <- ...``).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any, Callable, Mapping, Optional, Union

import numpy as np
import pandas as pd

from rglm.errors import RError
from rglm.formula import ast
from rglm.formula.deparse import deparse
from rglm.generics import add1, deviance, drop1, extractAIC, nobs, terms, update
from rglm.inference.anova_table import AnovaTable, columns_of, make_anova, match_arg
from rglm.inference.scope import factor_scope, scope_terms, term_sets
from rglm.render.anova import format_step_line, step_path_heading
from rglm.render.rframes import as_r
from rglm.report import cat

__all__ = ["step", "StepResult", "step_class", "with_path", "StepRules", "stepwise",
           "STATS_STEP"]


@dataclass(frozen=True, eq=False, repr=False)
class StepResult:
    """What ``step()`` adds to the model it selects: R's components ``anova`` (the path)
    and ``keep``. The class of a stepped fit is the fit's own class with this one mixed
    in (:func:`step_class`): ``StepGLM`` for a glm fit (``rglm.StepGLM``),
    ``StepNegBinGLM`` for a glm.nb fit, ``StepBigGLM`` for a bigglm fit.

    Attributes
    ----------
    anova : pandas.DataFrame
        One row per accepted step: ``Step`` (``""``, ``"- x"``, ``"+ z"``), ``Df``,
        ``Deviance``, ``Resid. Df``, ``Resid. Dev``, ``AIC``; R's heading in
        ``anova.attrs["heading"]``.
    keep : list or None
        What ``keep(fit, aic)`` returned for each model on the path.
    """

    anova: Optional[pd.DataFrame] = None
    keep: Optional[list] = None

    def keys(self) -> list[str]:
        """R's ``names(fit)``: the fit's components, then ``anova`` (and ``keep``)."""
        extra = ["anova"] + (["keep"] if self.keep is not None else [])
        return super().keys() + extra


@functools.cache
def step_class(cls: type) -> type:
    """The class of what ``step()`` returns for a fit of class ``cls``: ``cls`` with
    :class:`StepResult`'s ``anova`` and ``keep``, since R adds ``$anova`` to the fit and
    keeps its class. A subclass's step class derives from its parent's (a stepped glm.nb
    fit is a ``StepGLM`` too, as it is a ``GLM``). Made once per class, and bound in
    this module under its name (``"Step" + cls.__name__``), so it pickles."""
    if issubclass(cls, StepResult):
        return cls
    parents = tuple(step_class(b) for b in cls.__bases__ if is_dataclass(b))
    name = "Step" + cls.__name__
    # repr=False: the fit's own repr (R's print) is kept, not a dataclass listing
    as_dataclass = dataclass(frozen=True, eq=False, repr=False)
    made = as_dataclass(type(name, (parents or (StepResult,)) + (cls,), {
        "__module__": __name__, "__qualname__": name,
        "__doc__": f"The model ``step()`` selected from a {cls.__name__}: "
                   f"a :class:`{cls.__name__}` with ``anova`` and ``keep``."}))
    globals()[name] = made
    return made


def with_path(fit, anova: pd.DataFrame, keep: Optional[list]):
    """The fit with step()'s ``anova`` (path table) and ``keep``, its class kept."""
    cls = step_class(type(fit))
    values = {f.name: getattr(fit, f.name) for f in fields(type(fit))
              if f.name not in ("anova", "keep")}
    # R prints fit$anova as a data frame; so does the RFrame (the data stay pandas)
    return cls(**values, anova=as_r(anova, frame=True) if anova is not None else None,
               keep=keep)


def _with_terms_formula(fit):
    """R's ``object$call$formula <- object$formula <- terms(object)``: the formula with
    ``.`` expanded, so the printed formulas and the returned call show it (in the
    components the fit's class has: its call, and ``formula_node`` where it keeps the
    formula apart from its terms)."""
    f = terms(fit).formula
    call = ast.Call(fit.call.fn, tuple(ast.Arg(a.name, f) if a.name == "formula" else a
                                       for a in fit.call.args))
    changes = {"call": call, "formula_node": f}
    return replace(fit, **{k: v for k, v in changes.items()
                           if k in {fd.name for fd in fields(fit)}})


def _scope(fit, scope: Any) -> tuple[Optional[list], Optional[list]]:
    """The (lower, upper) term sets of R's ``scope`` argument."""
    if isinstance(scope, Mapping):
        lower, upper = scope.get("lower"), scope.get("upper")
        return (scope_terms(fit, lower) if lower is not None else [],
                scope_terms(fit, upper) if upper is not None else None)
    return [], scope_terms(fit, scope)


def _write(text: str) -> None:
    cat(text)


def _step_line(label: str, fit, aic: float, first: bool) -> str:
    return format_step_line(label, aic, deparse(terms(fit).formula), first)


def _renamed(table: AnovaTable, prefix: str) -> list:
    """The table's row names with ``prefix`` before each term (``- x``, ``+ z``)."""
    names = list(table.table.index)
    return [names[0]] + [f"{prefix} {n}" for n in names[1:]]


def _candidates(drop_table: Optional[AnovaTable], add_table: Optional[AnovaTable]) -> AnovaTable:
    """R's ``rbind(aod, aodf[-1, ])`` of the drop1 and add1 tables, without heading."""
    parts, rows = [], []
    if drop_table is not None:
        parts.append(drop_table.table)
        rows += _renamed(drop_table, "-")
    if add_table is not None:
        body = add_table.table if drop_table is None else add_table.table.iloc[1:]
        parts.append(body)
        names = _renamed(add_table, "+")
        rows += names if drop_table is None else names[1:]
    frame = pd.concat(parts, axis=0) if len(parts) > 1 else parts[0]
    cols = [(name, frame[name].to_numpy(dtype=float), frame[name].isna().to_numpy())
            for name in frame.columns]
    return make_anova(cols, rows)


def _subset(table: AnovaTable, rows: np.ndarray) -> AnovaTable:
    cols = [(name, v[rows], na[rows]) for name, v, na in columns_of(table)]
    return make_anova(cols, [table.table.index[i] for i in rows])


def _path_table(models: list, start, final) -> pd.DataFrame:
    """R's ``step.results``: the accepted steps with deviances, df and AIC."""
    rd = np.array([m["deviance"] for m in models], dtype=float)
    rdf = np.array([m["df_resid"] for m in models], dtype=float)
    frame = pd.DataFrame({
        "Step": [m["change"] for m in models],
        "Df": np.concatenate([[np.nan], np.diff(rdf)]),
        "Deviance": np.concatenate([[np.nan], np.abs(np.diff(rd))]),
        "Resid. Df": rdf,
        "Resid. Dev": rd,
        "AIC": [m["AIC"] for m in models],
    }, index=pd.Index([str(i + 1) for i in range(len(models))]))
    frame.attrs["heading"] = step_path_heading(deparse(terms(start).formula),
                                               deparse(terms(final).formula))
    return frame


def step(fit, scope: Union[None, str, Mapping[str, str]] = None, scale: float = 0,
         direction: Optional[str] = None, trace: Union[bool, int] = 1,
         keep: Optional[Callable[[Any, float], Any]] = None, steps: int = 1000,
         k: float = 2):
    """Choose a model by AIC in a stepwise algorithm. R: ``step(object, scope, ...)``.

    Parameters
    ----------
    fit : GLM, NegBinGLM, BigGLM, ...
        The starting model: any kind with ``drop1``/``add1``, ``extractAIC``,
        ``update``, ``nobs``, ``deviance`` and ``terms`` methods.
    scope : str formula or dict, optional
        The upper model (``"~ a + b + c"``, ``"~ .^2"``: updated with the model's
        formula), or ``{"lower": ..., "upper": ...}`` (R's ``list(lower=, upper=)``).
        None: only backward deletions (unless ``direction`` is given, when dropped
        terms may also come back).
    scale : float
        Passed to drop1/add1 (0: the summary's dispersion).
    direction : {"both", "backward", "forward"}, optional
        Default ``"both"``; with neither scope nor direction, backward only (R's
        ``missing(direction)`` rule).
    trace : int
        0 prints nothing; otherwise each step as R prints it, to stdout.
    keep : callable, optional
        ``keep(fit, aic)`` applied to every model on the path; the results are in
        ``result.keep``.
    steps : int
        Maximum number of steps.
    k : float
        Penalty per degree of freedom (2: AIC; ``log(n)``: BIC).

    Returns
    -------
    StepResult
        The final fit with ``anova`` (the path) and ``keep``, of the starting fit's kind
        (:func:`step_class`: for a glm fit a ``StepGLM``, for a glm.nb fit a
        ``StepNegBinGLM``: a :class:`~rglm.models.negbin.result.NegBinGLM` and a
        ``StepGLM``).

    Raises
    ------
    RError
        ``AIC is not defined for this model, so 'step' cannot proceed`` (quasi families),
        ``number of rows in use has changed: remove missing values?``, scope errors.
    """
    return stepwise(fit, scope, scale, direction, trace, keep, steps, k, STATS_STEP)


@dataclass(frozen=True)
class StepRules:
    """What tells R's two stepwise searches apart: ``stats::step`` (:data:`STATS_STEP`)
    and ``MASS::stepAIC`` (:mod:`rglm.inference.mass_step`). The search itself,
    :func:`stepwise`, is the same code in both packages.

    Attributes
    ----------
    name : str
        The function's name in its errors (``'step' cannot proceed``).
    drop, add : callable
        The single-term tables: ``drop(fit, scope_terms, scale=, k=, trace=)``.
    table_trace : callable
        ``trace`` -> the ``trace`` handed to ``drop``/``add`` (stats: itself; MASS:
        ``max(0, trace - 1)``).
    zero_df_change : callable
        ``(drop_table, row_names) -> change or None``: which zero-df (aliased) term to
        drop first, given the drop table and its row names (``- x``).
    path : callable
        ``(models, start, final) -> anova``: the path table added to the final fit.
    """

    name: str
    drop: Callable
    add: Callable
    table_trace: Callable[[Any], Any]
    zero_df_change: Callable[[AnovaTable, list], Optional[str]]
    path: Callable[[list, Any, Any], Any]


def _deviance(fit) -> float:
    """R's ``mydeviance``: ``deviance(x)``, or ``extractAIC(x, k = 0)[2]`` for a kind
    without a deviance."""
    if deviance.dispatch(type(fit)) is deviance.dispatch(object):
        return float(extractAIC(fit, k=0)[1])
    return deviance(fit)


def stepwise(fit, scope, scale: float, direction: Optional[str], trace, keep,
             steps: int, k: float, rules: StepRules):
    """The stepwise search of ``stats::step`` and ``MASS::stepAIC``, told apart by
    ``rules``; the arguments are :func:`step`'s."""
    direction_missing = direction is None
    direction = match_arg(direction, ("both", "backward", "forward"))
    backward = direction in ("both", "backward")
    forward = direction in ("both", "forward")
    fit = _with_terms_formula(fit)
    start = fit
    if scope is None:
        fdrop, fadd = [], term_sets(terms(fit))
        if direction_missing:
            forward = False
    else:
        fdrop, fadd = _scope(fit, scope)
    n = nobs(fit)
    edf, b_aic = (float(v) for v in extractAIC(fit, scale, k=k))
    if math.isnan(b_aic):
        raise RError(f"AIC is not defined for this model, so '{rules.name}' cannot proceed")
    if b_aic == -math.inf:
        raise RError(f"AIC is -infinity for this model, so '{rules.name}' cannot proceed")
    if trace:
        _write(_step_line("Start", fit, b_aic, first=True))
    models = [dict(deviance=_deviance(fit), df_resid=n - edf, change="", AIC=b_aic)]
    kept = [keep(fit, b_aic)] if keep is not None else None
    table_trace = rules.table_trace(trace)
    while steps > 0:
        steps -= 1
        aic_before = b_aic
        sc = factor_scope(term_sets(terms(fit)), add=fadd, drop=fdrop)
        drop_table = add_table = None
        change = None
        if backward and sc.drop:
            drop_table = rules.drop(fit, list(sc.drop), scale=scale, k=k, trace=table_trace)
            change = rules.zero_df_change(drop_table, _renamed(drop_table, "-"))
        if change is None:
            if forward and sc.add:
                add_table = rules.add(fit, list(sc.add), scale=scale, k=k,
                                      trace=table_trace)
            if drop_table is None and add_table is None:
                break
            aod = _candidates(drop_table, add_table)
            df = aod.table["Df"].to_numpy()
            aod = _subset(aod, np.flatnonzero((df != 0) | np.isnan(df)))
            if "AIC" not in aod.table.columns:
                raise RError("undefined columns selected")
            order = np.argsort(aod.table["AIC"].to_numpy(), kind="stable")
            if trace:
                _write(str(_subset(aod, order)))
            if order[0] == 0:
                break
            change = aod.table.index[order[0]]
        fit = update(fit, f"~ . {change}")
        if nobs(fit) != n:
            raise RError("number of rows in use has changed: remove missing values?")
        edf, b_aic = (float(v) for v in extractAIC(fit, scale, k=k))
        if trace:
            _write(_step_line("Step", fit, b_aic, first=False))
        # a tolerance, as dropping 0-df terms might increase the AIC slightly
        if b_aic >= aic_before + 1e-7:
            break
        models.append(dict(deviance=_deviance(fit), df_resid=n - edf, change=change,
                           AIC=b_aic))
        if kept is not None:
            kept.append(keep(fit, b_aic))
    return with_path(fit, rules.path(models, start, fit), kept)


def _last_zero_df(drop_table: AnovaTable, names: list) -> Optional[str]:
    """stats::step: the zero-df (aliased) terms go first, one at a time, the last one
    listed first."""
    df = drop_table.table["Df"].to_numpy()
    zero = np.flatnonzero(df == 0)
    return names[zero[-1]] if zero.size else None


#: stats::step's rules: drop1/add1 with step's own trace, the path as ``anova``.
STATS_STEP = StepRules(name="step", drop=drop1, add=add1, table_trace=lambda trace: trace,
                       zero_df_change=_last_zero_df, path=_path_table)
