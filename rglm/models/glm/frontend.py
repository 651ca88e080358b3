"""``glm()``: the front end. R: ``stats::glm``.

About a hundred lines of plumbing, as in R: model frame → response and design → the fitter
(:func:`rglm.engines.irls.irls.glm_fit`) → the null-deviance correction → the fitted object.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional, Union

import numpy as np
import pandas as pd

from rglm.models.call import build_call, caller_namespace, data_node, family_node, value_node
from rglm.errors import RError, rwarn
from rglm.families import as_family, gaussian
from rglm.engines.irls.control import as_control
from rglm.engines.irls.irls import glm_fit
from rglm.formula import ast
from rglm.formula.design import model_matrix
from rglm.formula.frame import model_frame
from rglm.formula.parse import parse_formula
from rglm.formula.response import model_offset, model_response, model_weights
from rglm.models.glm.result import GLM

__all__ = ["glm", "require_response"]

NA_ACTIONS = ("na.omit", "na.exclude", "na.fail", "na.pass")
_BINOMIAL_FAMILIES = ("binomial", "quasibinomial")


def glm(formula: Union[str, ast.Call], data: Optional[pd.DataFrame] = None,
        family: Any = None, weights: Any = None, subset: Any = None,
        na_action: str = "na.omit", start: Any = None, etastart: Any = None,
        mustart: Any = None, offset: Any = None, control: Any = None, model: bool = True,
        method: str = "glm.fit", x: bool = False, y: bool = True, singular_ok: bool = True,
        contrasts: Optional[Mapping[str, Any]] = None) -> Union[GLM, pd.DataFrame]:
    """Fit a generalised linear model. R: ``stats::glm``.

    Parameters
    ----------
    formula : str
        An R model formula, e.g. ``"counts ~ outcome + treatment"`` or
        ``"cbind(numdead, numalive) ~ sex*ldose"``; R's formula semantics throughout.
    data : pandas.DataFrame, optional
        Variables of the model. Names not found there are looked up in the caller's namespace,
        as R looks in the formula's environment.
    family : Family, family constructor or str, optional
        ``rglm.poisson()``, ``rglm.Gamma`` or ``"binomial"``; None (R's missing ``family``)
        means ``gaussian()`` and leaves ``family`` out of the printed call, as R does.
    weights, subset, offset, etastart, mustart : array, column name or R expression string
        Evaluated in ``data`` like R's non-standard evaluation (``weights="w"``,
        ``subset="Age > 30"``, ``offset="log(Holders)"``).
    na_action : {"na.omit", "na.exclude", "na.fail", "na.pass"}
    start : sequence of float, optional
        Starting coefficients.
    control : GlmControl or dict, optional
        ``rglm.glm_control(epsilon=1e-8, maxit=25, trace=False)``.
    model, x, y : bool
        Keep the model frame / model matrix / response in the result.
    method : {"glm.fit", "model.frame"}
        ``"model.frame"`` returns the model frame, as in R.
    singular_ok : bool
        If False, an aliased design is an error ("singular fit encountered").
    contrasts : dict, optional
        Contrasts per factor, e.g. ``{"f": "contr.sum"}``.

    Returns
    -------
    GLM
        The fitted model; ``print(fit)`` prints what R's ``print.glm`` prints.
    """
    namespace = caller_namespace()
    fam = gaussian() if family is None else as_family(family)
    if na_action not in NA_ACTIONS:
        raise RError(f"invalid 'na.action' argument: {na_action!r}")
    if method not in ("glm.fit", "model.frame"):
        raise RError("invalid 'method' argument")
    ctrl = as_control(control)
    formula_node = parse_formula(formula) if isinstance(formula, str) else formula
    if data is not None and not isinstance(data, pd.DataFrame):
        data = pd.DataFrame(data)

    call = build_call("glm", _call_args(
        formula_node, family, fam, data, namespace, weights=weights, subset=subset,
        na_action=na_action, start=start, etastart=etastart, mustart=mustart,
        offset=offset, control=control, model=model, method=method, x=x, y=y,
        singular_ok=singular_ok, contrasts=contrasts))

    mf = model_frame(formula_node, data, subset=subset, weights=weights, offset=offset,
                     etastart=etastart, mustart=mustart, na_action=na_action,
                     env=namespace)
    if method == "model.frame":
        return mf.to_frame()
    require_response(formula_node)

    n = mf.nrow
    if n == 0:
        # R fails later with an obscure "object 'fit' not found"; lm's message is clearer.
        raise RError("0 (non-NA) cases")
    w = model_weights(mf)
    if w is not None:
        w = _check_weights(w)
    yv = _response_for(model_response(mf), fam)
    mm = model_matrix(mf, contrasts=contrasts)
    off = model_offset(mf)
    if off is not None and len(off) != n:
        raise RError(f"number of offsets is {len(off)} should equal {n} "
                     f"(number of observations)")
    intercept = bool(mf.terms.intercept)
    xnames = tuple(mm.colnames)
    fit = glm_fit(mm.x, yv, weights=w, start=start,
                  etastart=_extra(mf, "(etastart)"), mustart=_extra(mf, "(mustart)"),
                  offset=off, family=fam, control=ctrl, intercept=intercept,
                  singular_ok=singular_ok, xnames=xnames)
    null_dev = fit.null_deviance
    if off is not None and intercept:
        null_dev = _null_deviance_with_offset(mm, xnames, yv, w, off, fam, ctrl, fit)

    return GLM(fit=fit, row_names=mf.row_names, call=call, formula_node=formula_node,
               terms=mf.terms, data=data, offset_values=off, control=ctrl, method=method,
               contrasts=mm.contrasts or None, xlevels=mm.xlevels, na_action=mf.na_action,
               frame=mf if model else None, model_matrix=mm, keep_x=x, keep_y=y,
               null_deviance=float(null_dev), row_positions=mf.positions)


def _call_args(formula_node, family_arg, fam, data, namespace, **kw) -> list:
    """The (name, node) pairs of ``match.call()``, in glm's formals order."""
    args: list = [("formula", formula_node)]
    if family_arg is not None:
        args.append(("family", family_node(family_arg, fam)))
    if data is not None:
        args.append(("data", data_node(data, namespace)))
    for rname, pyname in (("weights", "weights"), ("subset", "subset")):
        if kw[pyname] is not None:
            args.append((rname, value_node(kw[pyname], namespace, rname)))
    if kw["na_action"] != "na.omit":
        args.append(("na.action", ast.Symbol(kw["na_action"])))
    for rname in ("start", "etastart", "mustart", "offset"):
        if kw[rname] is not None:
            args.append((rname, value_node(kw[rname], namespace, rname)))
    if kw["control"] is not None:
        args.append(("control", _control_node(kw["control"], namespace)))
    if kw["model"] is not True:
        args.append(("model", ast.Constant("FALSE")))
    if kw["method"] != "glm.fit":
        args.append(("method", ast.String(kw["method"])))
    if kw["x"]:
        args.append(("x", ast.Constant("TRUE")))
    if not kw["y"]:
        args.append(("y", ast.Constant("FALSE")))
    if not kw["singular_ok"]:
        args.append(("singular.ok", ast.Constant("FALSE")))
    if kw["contrasts"] is not None:
        args.append(("contrasts", value_node(dict(kw["contrasts"]), namespace, "contrasts")))
    return args


def _control_node(control, namespace) -> ast.Node:
    """``glm.control(maxit = 50)`` for a GlmControl, ``list(...)`` for a dict."""
    if isinstance(control, Mapping):
        return value_node(dict(control), namespace, "control")
    given = getattr(control, "given", ())
    return ast.Call(ast.Symbol("glm.control"), tuple(
        ast.Arg(name, value_node(getattr(control, name), namespace, name)) for name in given))


def require_response(formula_node: ast.Call) -> None:
    """Refuse a formula without a response (``~ x``) before anything is fitted.

    R's glm() has no such check: the response is NULL, glm.fit() warns "no observations
    informative at iteration 1" and "algorithm did not converge" and then fails with
    "object 'fit' not found" (the binomial family and MASS's glm.nb fail elsewhere, with
    other texts). The message here is R's own for the same mistake in
    ``stats:::ftable.formula``.

    Raises
    ------
    RError
        ``'formula' must have both left and right hand sides``.
    """
    if len(formula_node.args) != 2:
        raise RError("'formula' must have both left and right hand sides")


def _response_for(yv, fam) -> np.ndarray:
    """A factor response means 'not the first level' for binomial families (R's initialize)."""
    if isinstance(yv, pd.Categorical):
        if fam.family not in _BINOMIAL_FAMILIES:
            raise RError(f"a factor response is only allowed for binomial families, "
                         f"not the '{fam.family}' family")
        return (np.asarray(yv.codes) != 0).astype(float)
    return yv


def _check_weights(w) -> np.ndarray:
    arr = np.asarray(w)
    if arr.dtype.kind not in "biuf":
        raise RError("'weights' must be a numeric vector")
    arr = arr.astype(float)
    if np.any(arr < 0):
        raise RError("negative weights not allowed")
    return arr


def _extra(mf, name: str) -> Optional[np.ndarray]:
    value = mf.variables.get(name)
    return None if value is None else np.asarray(value, dtype=float)


def _null_deviance_with_offset(mm, xnames, yv, w, off, fam, ctrl, fit) -> float:
    """R refits the intercept-only model with the offset to get the null deviance."""
    j = xnames.index("(Intercept)")
    x0 = np.asfortranarray(mm.x[:, [j]])
    with np.errstate(all="ignore"):
        fit0 = glm_fit(x0, yv, weights=w, offset=off, family=fam, control=ctrl,
                       mustart=fit.fitted_values, intercept=True, xnames=("(Intercept)",))
    if not fit0.converged:
        rwarn("fitting to calculate the null deviance did not converge -- increase 'maxit'?")
    return fit0.deviance


#: glm()'s R formals, in order: the arguments update() accepts, as match.call() orders them.
GLM_FORMALS = ("formula", "family", "data", "weights", "subset", "na.action", "start",
               "etastart", "mustart", "offset", "control", "model", "method", "x", "y",
               "singular.ok", "contrasts")
