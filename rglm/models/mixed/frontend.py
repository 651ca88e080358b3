"""``glmer()`` and ``lmer()``: the front ends. R: ``lme4::glmer``, ``lme4::lmer``.

Plumbing, as lme4's: the call as R's ``match.call()`` records it, the model frame and
random-effects structure (:func:`rglm.models.mixed.frame.mixed_frames`, lme4's
``lFormula``/``glFormula``), the response module (family initialisation), the engine
(:func:`rglm.engines.mixed.fit_glmer` / ``fit_lmer``), then lme4's warnings and
messages, issued here from the engine's record (the engine itself is silent), and the
frozen fit.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Mapping, Optional, Union

import numpy as np
import pandas as pd

from rglm.engines.mixed import (GlmerControl, LmerControl, fit_glmer, fit_lmer,
                                glmer_control, lmer_control, mixed_problem)
from rglm.errors import RError, rwarn
from rglm.families import as_family, gaussian
from rglm.formula import ast
from rglm.formula.callargs import name_in
from rglm.formula.parse import parse_formula
from rglm.models.call import build_call, caller_namespace, data_node, family_node, value_node
from rglm.models.mixed.frame import mixed_frames
from rglm.models.mixed.result import GlmerMod, LmerMod
from rglm.report import message

__all__ = ["glmer", "lmer", "GLMER_FORMALS", "LMER_FORMALS"]

#: lme4's formals, in order: what update() accepts and how match.call() orders them.
GLMER_FORMALS = ("formula", "data", "family", "control", "start", "verbose", "nAGQ",
                 "subset", "weights", "na.action", "offset", "contrasts", "mustart",
                 "etastart", "devFunOnly")
LMER_FORMALS = ("formula", "data", "REML", "control", "start", "verbose", "subset",
                "weights", "na.action", "offset", "contrasts", "devFunOnly")

NA_ACTIONS = ("na.omit", "na.exclude", "na.fail", "na.pass")

_GAUSSIAN_SHORTCUT = ("calling glmer() with family=gaussian (identity link) as a shortcut "
                      "to lmer() is deprecated; please call lmer() directly")


# ---- the call ------------------------------------------------------------------------


def _r_control_name(name: str) -> str:
    """lme4's spelling of a control argument (``restart_edge`` keeps its underscore)."""
    if name in ("restart_edge",):
        return name
    return name.replace("_", ".")


def _control_node(control, namespace: Mapping[str, Any], fname: str) -> ast.Node:
    """``glmerControl(optimizer = "bobyqa", ...)``: the arguments that differ from the
    defaults; a caller's variable holding the control is named instead."""
    name = name_in(namespace, control)
    if name is not None:
        return ast.Symbol(name)
    if isinstance(control, Mapping):
        return value_node(dict(control), namespace, "control")
    default = type(control)()
    args = []
    for f in dataclasses.fields(control):
        value = getattr(control, f.name)
        if value == getattr(default, f.name):
            continue
        if isinstance(value, Mapping):
            node = value_node(dict(value), namespace, f.name)
        elif isinstance(value, tuple) and all(isinstance(v, str) for v in value):
            node = ast.String(value[0]) if len(set(value)) == 1 else ast.Call(
                ast.Symbol("c"), tuple(ast.Arg(None, ast.String(v)) for v in value))
        elif dataclasses.is_dataclass(value):
            node = ast.Call(ast.Symbol("list"), tuple(
                ast.Arg(k, value_node(v, namespace, k))
                for k, v in dataclasses.asdict(value).items() if v is not None))
        elif isinstance(value, str):
            node = ast.String(value)
        else:
            node = value_node(value, namespace, f.name)
        args.append(ast.Arg(_r_control_name(f.name), node))
    return ast.Call(ast.Symbol(fname), tuple(args))


def _data_args(namespace, **kw) -> list:
    out = []
    for rname, value in kw.items():
        if value is None:
            continue
        if rname == "na.action":
            if value != "na.omit":
                out.append((rname, ast.Symbol(value)))
            continue
        out.append((rname, value_node(value, namespace, rname)))
    return out


# ---- checks and messages --------------------------------------------------------------


def _as_control(control, cls, fname: str):
    if control is None:
        return cls()
    if isinstance(control, cls):
        return control
    if isinstance(control, Mapping):
        if cls is GlmerControl:
            rwarn('Use control=glmerControl(..) instead of passing a list of class '
                  '\u201clist\u201d')
            return glmer_control(**dict(control))
        rwarn("passing control as list is deprecated: please use lmerControl() instead")
        return lmer_control(**dict(control))
    if cls is GlmerControl and isinstance(control, LmerControl):
        rwarn("please use glmerControl() instead of lmerControl()")
        kept = {f.name: getattr(control, f.name) for f in dataclasses.fields(control)
                if f.name not in ("restart_edge", "optimizer", "check_conv_nparmax")}
        return GlmerControl(**kept)
    raise RError(f"'control' is not a list; use {fname}()")


def _conv_conditions(fit) -> None:
    """lme4's conditions after the optimiser: its warnings (``convergence code ...``),
    then checkConv's messages (a singular fit) and warnings, as their actions say."""
    oi = fit.optinfo
    for text in oi.warnings:
        rwarn(text)
    for action, text in oi.conv.warnings:
        if action == "warning":
            rwarn(text)
        elif action == "message":
            message(text)
        elif action == "stop":
            raise RError(text)


def _progress_hook(kind: str):
    """Stage lines on standard error (``progress=True``)."""
    labels = {"init": "initial PIRLS", "stage1": "stage 1 (theta, nAGQ = 0)",
              "stage2": "stage 2 (theta, beta)", "optimize": "theta",
              "derivatives": "finite-difference Hessian", "done": "done"}

    def hook(stage: str, info: Mapping[str, Any]) -> None:
        parts = [f"{kind}: {labels.get(stage, stage)}"]
        if "deviance" in info:
            parts.append(f"objective {info['deviance']:.8g}")
        if "evaluations" in info:
            parts.append(f"{info['evaluations']} evaluations")
        if "iterations" in info:
            parts.append(f"{info['iterations']} iterations")
        if "seconds" in info:
            parts.append(f"{info['seconds']:.2f} s")
        message(", ".join(parts))

    return hook


def _check_response_not_const(y) -> None:
    y = np.asarray(y)
    if y.ndim == 1 and len(np.unique(y)) < 2:
        raise RError("Response is constant")


# ---- the front ends -------------------------------------------------------------------


def glmer(formula: Union[str, ast.Call], data: Optional[pd.DataFrame] = None,
          family: Any = None, weights: Any = None, offset: Any = None, subset: Any = None,
          na_action: str = "na.omit", nAGQ: int = 1, start: Any = None,
          control: Optional[GlmerControl] = None, progress: bool = False,
          contrasts: Optional[Mapping[str, Any]] = None, mustart: Any = None,
          etastart: Any = None):
    """Fit a generalized linear mixed model. R: ``lme4::glmer``.

    Parameters
    ----------
    formula : str
        A model formula with lme4's random-effects terms: ``(1 | g)``, ``(x | g)``,
        ``(x || g)``, ``(1 | a/b)``, ``(1 | a:b)``, ``(1 | a) + (1 | b)``, ``(0 + x | g)``;
        the fixed part is any R formula (factors, ``I()``, ``poly()``, ``offset()``,
        ``cbind(successes, failures)`` responses).
    data : pandas.DataFrame, optional
        Never modified. Names not found there are looked up in the caller's namespace.
    family : Family, constructor or str
        ``rglm.binomial()``, ``rglm.poisson()``, ``rglm.Gamma(link="log")``, ... (not the
        quasi families). gaussian with the identity link is fitted by :func:`lmer`, with
        lme4's deprecation warning.
    weights, offset, subset : column name, R expression string or values
        As ``glm()``'s (``weights="size"``, ``offset="log(size)"``).
    na_action : {"na.omit", "na.exclude", "na.fail", "na.pass"}
        Rows with NA in any variable of the formula -- grouping variables included -- are
        dropped (na.omit) or dropped and padded back in fitted values and residuals
        (na.exclude).
    nAGQ : int
        1: Laplace; 0: beta profiled by PIRLS (faster, less exact); up to 100:
        adaptive Gauss-Hermite quadrature (one scalar random-effects term only).
    start : array or dict, optional
        Starting theta, or ``{"theta": ..., "fixef": ...}``.
    control : GlmerControl, optional
        ``rglm.glmer_control(...)``.
    progress : bool
        Report the stages (initial PIRLS, stage 1, stage 2, Hessian) on standard error.
    contrasts : dict, optional
        Contrasts of the fixed-effect factors.
    mustart, etastart : optional
        Starting means or linear predictor for the initial PIRLS.

    Returns
    -------
    GlmerMod
        ``print(fit)`` and ``print(rglm.summary(fit))`` print lme4's text.

    Raises
    ------
    RError
        lme4's texts: ``"quasi" families cannot be used in glmer``, ``No random effects
        terms specified in formula``, ``grouping factors must have > 1 sampled level``,
        ``nAGQ > 1 is only available for models with a single, scalar random-effects
        term``, the family's response checks (``y values must be 0 <= y <= 1``).
    """
    namespace = caller_namespace()
    fam = gaussian() if family is None else as_family(family)
    formula_node = parse_formula(formula) if isinstance(formula, str) else formula
    if na_action not in NA_ACTIONS:
        raise RError(f"invalid 'na.action' argument: {na_action!r}")
    if data is not None and not isinstance(data, pd.DataFrame):
        data = pd.DataFrame(data)
    if fam.family == "gaussian" and fam.link == "identity":
        rwarn(_GAUSSIAN_SHORTCUT)
        return _lmer(formula_node, data, True, weights, offset, subset, na_action,
                     None, start, progress, contrasts, namespace)
    if fam.family in ("quasibinomial", "quasipoisson", "quasi"):
        raise RError('"quasi" families cannot be used in glmer')
    ctrl = _as_control(control, GlmerControl, "glmerControl")
    nAGQ = int(nAGQ)
    frames = mixed_frames(formula_node, data, subset=subset, weights=weights, offset=offset,
                          na_action=na_action, contrasts=contrasts, env=namespace,
                          glmm=True)
    y = frames.response
    if y is not None and np.ndim(y) == 2 and (fam.family != "binomial" or y.shape[1] > 2):
        raise RError("can't handle matrix-valued responses: consider using refit()")
    if ctrl.check_response_not_const == "stop":
        _check_response_not_const(y if not isinstance(y, pd.Categorical) else y.codes)
    call = build_call("glmer", _glmer_args(
        frames.formula, data, family, fam, namespace, control, start, nAGQ, subset,
        weights, na_action, offset, contrasts, mustart, etastart))
    frame = frames.frame
    problem = mixed_problem(frames.X, y, frames.reterms, fam, weights=frames.weights,
                            offset=frames.offset, xnames=frames.xnames,
                            etastart=_extra(etastart, frame, namespace, data),
                            mustart=_extra(mustart, frame, namespace, data))
    fit = fit_glmer(problem, nAGQ=nAGQ, control=ctrl, start=start,
                    progress=_progress_hook("glmer") if progress else None)
    _conv_conditions(fit)
    return GlmerMod(call=call, formula_node=frames.formula, engine=fit, problem=problem,
                    frame=frame, spec=frames.fixed.spec, family=fam, control=ctrl,
                    data=data, fit_messages=frames.messages, col_dropped=_dropped(frames),
                    x_keep=_keep(frames))


def _extra(value, frame, namespace, data):
    """etastart/mustart given as values or a column name, at the frame's rows."""
    if value is None:
        return None
    if isinstance(value, str):
        if data is not None and value in data.columns:
            value = data[value].to_numpy()
        else:
            value = namespace[value]
    arr = np.asarray(value, dtype=float)
    pos = frame.positions
    return arr if pos is None or len(arr) == frame.nrow else arr[pos]


def _dropped(frames) -> tuple:
    cols = frames.fixed.colnames
    return tuple(c for j, c in enumerate(cols) if j not in set(frames.keep.tolist()))


def _keep(frames) -> Optional[tuple]:
    if len(frames.keep) == len(frames.fixed.colnames):
        return None
    return tuple(int(j) for j in frames.keep)


def _glmer_args(formula, data, family_arg, fam, namespace, control, start, nAGQ, subset,
                weights, na_action, offset, contrasts, mustart, etastart) -> list:
    args: list = [("formula", formula)]
    if data is not None:
        args.append(("data", data_node(data, namespace)))
    if family_arg is not None:
        args.append(("family", family_node(family_arg, fam)))
    if control is not None:
        args.append(("control", _control_node(control, namespace, "glmerControl")))
    if start is not None:
        args.append(("start", value_node(start, namespace, "start")))
    if nAGQ != 1:
        args.append(("nAGQ", ast.Number(float(nAGQ), is_int=False)))
    args += _data_args(namespace, subset=subset, weights=weights, **{"na.action": na_action},
                       offset=offset)
    if contrasts is not None:
        args.append(("contrasts", value_node(dict(contrasts), namespace, "contrasts")))
    args += _data_args(namespace, mustart=mustart, etastart=etastart)
    return args


def lmer(formula: Union[str, ast.Call], data: Optional[pd.DataFrame] = None,
         REML: bool = True, weights: Any = None, subset: Any = None,
         na_action: str = "na.omit", control: Optional[LmerControl] = None,
         start: Any = None, offset: Any = None, contrasts: Optional[Mapping] = None,
         progress: bool = False):
    """Fit a linear mixed model by REML or maximum likelihood. R: ``lme4::lmer``.

    Parameters
    ----------
    formula : str
        A model formula with lme4's random-effects terms (see :func:`glmer`).
    data : pandas.DataFrame, optional
    REML : bool
        Restricted maximum likelihood (True, lme4's default) or maximum likelihood.
    weights, subset, offset : column name, R expression string or values
    na_action : {"na.omit", "na.exclude", "na.fail", "na.pass"}
    control : LmerControl, optional
        ``rglm.lmer_control(...)``.
    start : array or dict, optional
        Starting theta.
    contrasts : dict, optional
    progress : bool
        Report the optimisation's stages on standard error.

    Returns
    -------
    LmerMod

    Raises
    ------
    RError
        lme4's texts: ``No random effects terms specified in formula``, ``number of
        levels of each grouping factor must be < number of observations (problems:
        ...)``, ``0 (non-NA) cases``, ...
    """
    namespace = caller_namespace()
    formula_node = parse_formula(formula) if isinstance(formula, str) else formula
    if na_action not in NA_ACTIONS:
        raise RError(f"invalid 'na.action' argument: {na_action!r}")
    if data is not None and not isinstance(data, pd.DataFrame):
        data = pd.DataFrame(data)
    return _lmer(formula_node, data, REML, weights, offset, subset, na_action, control,
                 start, progress, contrasts, namespace)


def _lmer(formula_node, data, REML, weights, offset, subset, na_action, control, start,
          progress, contrasts, namespace):
    ctrl = _as_control(control, LmerControl, "lmerControl")
    frames = mixed_frames(formula_node, data, subset=subset, weights=weights, offset=offset,
                          na_action=na_action, contrasts=contrasts, env=namespace,
                          glmm=False)
    y = frames.response
    if y is not None and np.ndim(y) == 2 and y.shape[1] > 1:
        raise RError("can't handle matrix-valued responses: consider using refit()")
    args: list = [("formula", frames.formula)]
    if data is not None:
        args.append(("data", data_node(data, namespace)))
    if not REML:
        args.append(("REML", ast.Constant("FALSE")))
    if control is not None:
        args.append(("control", _control_node(control, namespace, "lmerControl")))
    if start is not None:
        args.append(("start", value_node(start, namespace, "start")))
    args += _data_args(namespace, subset=subset, weights=weights,
                       **{"na.action": na_action}, offset=offset)
    if contrasts is not None:
        args.append(("contrasts", value_node(dict(contrasts), namespace, "contrasts")))
    call = build_call("lmer", args)
    problem = mixed_problem(frames.X, y, frames.reterms, None, weights=frames.weights,
                            offset=frames.offset, xnames=frames.xnames)
    fit = fit_lmer(problem, REML=bool(REML), control=ctrl, start=start,
                   progress=_progress_hook("lmer") if progress else None)
    _conv_conditions(fit)
    return LmerMod(call=call, formula_node=frames.formula, engine=fit, problem=problem,
                   frame=frames.frame, spec=frames.fixed.spec, family=gaussian(),
                   control=ctrl, data=data, fit_messages=frames.messages,
                   col_dropped=_dropped(frames), x_keep=_keep(frames))
