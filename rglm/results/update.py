"""Refit a model with changes. R: ``update.default`` and ``update.formula``.

``update(fit, ". ~ . - x", family=...)`` takes the fit's call, replaces the formula by
``update_formula(formula(fit), new)`` and the named arguments by the new values, and
evaluates the call again with :func:`rglm.glm` — as R evaluates the modified call in the
caller's frame: names in the call (data, weights, offset, ...) are looked up in the
caller's namespace, falling back to the data stored in the fit. The new fit's ``call`` is
the call R would print.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Mapping, Optional, Union

import numpy as np
import pandas as pd

from rglm.callerenv import caller_namespace
from rglm.errors import RError
from rglm.formula import ast
from rglm.formula.deparse import deparse1
from rglm.formula.evaluate import evaluate
from rglm.formula.parse import parse_expr
from rglm.formula.terms import _expand_dots, terms
from rglm.formula.values import REnv

__all__ = ["update", "update_formula", "evaluate_call"]

#: glm()'s formals after ``formula``, in order: R's match.call() prints them so.
GLM_FORMALS = ("formula", "family", "data", "weights", "subset", "na.action", "start",
               "etastart", "mustart", "offset", "control", "model", "method", "x", "y",
               "singular.ok", "contrasts")

_PY_NAMES = {"na_action": "na.action", "singular_ok": "singular.ok"}


# ------------------------------------------------------------------------------------
# update.formula
# ------------------------------------------------------------------------------------

def _as_formula(f: Union[str, ast.Call]) -> ast.Call:
    node = parse_expr(f) if isinstance(f, str) else f
    if not (isinstance(node, ast.Call) and node.fname == "~"):
        raise RError("formula expected")
    return node


def _tilde(lhs: Optional[ast.Node], rhs: ast.Node) -> ast.Call:
    args = (ast.Arg(None, rhs),) if lhs is None else (ast.Arg(None, lhs), ast.Arg(None, rhs))
    return ast.Call(ast.Symbol("~"), args)


def _substitute_dots(old: ast.Call, new: ast.Call) -> ast.Call:
    """R's C ``updateform``: ``.`` on each side of ``new`` becomes that side of ``old``
    (parenthesised where precedence needs it); a one-sided ``new`` takes ``old``'s
    left-hand side."""
    if len(old.args) == 2:
        lhs, rhs = old.args[0].value, old.args[1].value
        new_lhs = new.args[0].value if len(new.args) == 2 else lhs
        new_rhs = new.args[-1].value
        return _tilde(_expand_dots(new_lhs, lhs), _expand_dots(new_rhs, rhs))
    rhs = old.args[0].value
    new_lhs = new.args[0].value if len(new.args) == 2 else None
    return _tilde(new_lhs, _expand_dots(new.args[-1].value, rhs))


def _simplify(formula: ast.Call) -> ast.Call:
    """R's ``terms.formula(simplify = TRUE)``: the formula rebuilt from its term labels,
    offsets appended, ``- 1`` when there is no intercept, the left-hand side kept."""
    t = terms(formula)
    labels = [f"( {lab} )" if "|" in lab else lab for lab in t.term_labels]
    labels += [t.variable_names[i] for i in t.offsets]
    rhs = " + ".join(labels) if labels else "1"
    if not t.intercept:
        rhs += " - 1"
    return _tilde(t.response_node, parse_expr(rhs))


def update_formula(old: Union[str, ast.Call], new: Union[str, ast.Call]) -> str:
    """Update a model formula. R: ``update.formula(old, new)``.

    ``.`` in ``new`` stands for the corresponding side of ``old``; the result is expanded
    and simplified by the term algebra: ``update_formula("y ~ a*b", "~ . - b")`` is
    ``"y ~ a + a:b"``; ``". ~ . - 1"`` removes the intercept; offsets are kept.

    Parameters
    ----------
    old, new : str or Call
        Formulas (``new`` may be one-sided).

    Returns
    -------
    str
        The new formula as R deparses it.
    """
    return deparse1(_update_formula_node(old, new))


def _update_formula_node(old, new) -> ast.Call:
    return _simplify(_substitute_dots(_as_formula(old), _as_formula(new)))


# ------------------------------------------------------------------------------------
# re-evaluating the call
# ------------------------------------------------------------------------------------

def _constant(node: ast.Node) -> Any:
    if isinstance(node, ast.Constant) and node.name in ("TRUE", "FALSE"):
        return node.name == "TRUE"
    if isinstance(node, ast.String):
        return node.value
    return None


def _list_node(node: ast.Node, namespace: Mapping[str, Any]) -> Any:
    """``list(f = "contr.sum")`` → ``{"f": "contr.sum"}``; a name → the caller's value."""
    if isinstance(node, ast.Call) and node.fname == "list":
        out = {}
        for arg in node.args:
            value = arg.value
            if isinstance(value, ast.String):
                out[arg.name] = value.value
            elif isinstance(value, ast.Symbol):
                out[arg.name] = namespace.get(value.name, value.name)
            else:
                out[arg.name] = _evaluate_value(value, None, namespace)
        return out
    return _evaluate_value(node, None, namespace)


def _evaluate_value(node: ast.Node, data, namespace: Mapping[str, Any]) -> Any:
    """An argument evaluated as R would in the caller's frame."""
    if isinstance(node, ast.Symbol) and node.name in namespace:
        return namespace[node.name]
    value = evaluate(node, REnv.from_data(data, namespace))
    if isinstance(value, pd.Series):
        return value.to_numpy()
    return value


def _argument_values(fit, args: dict, changes: dict, namespace: Mapping[str, Any]) -> dict:
    """The keyword arguments of rglm.glm for the merged call ``args`` (R names → nodes);
    arguments the user changed keep their Python values."""
    kwargs: dict = {}
    data = None
    if "data" in changes:
        data = changes["data"]
    elif "data" in args:
        node = args["data"]
        candidate = namespace.get(node.name) if isinstance(node, ast.Symbol) else None
        data = candidate if isinstance(candidate, pd.DataFrame) else fit.data
    if data is not None:
        kwargs["data"] = data
    for rname, node in args.items():
        pyname = rname.replace(".", "_")
        if rname in ("formula", "data"):
            continue
        if rname in changes:
            kwargs[pyname] = changes[rname]
        elif rname == "family":
            kwargs["family"] = fit.family
        elif rname == "control":
            kwargs["control"] = fit.control
        elif rname in ("weights", "subset", "offset", "etastart", "mustart"):
            if isinstance(node, ast.Symbol) and not (data is not None and node.name in data):
                kwargs[pyname] = _symbol_value(node, namespace)
            elif isinstance(node, (ast.Symbol, ast.Call)):
                kwargs[pyname] = node  # R code, evaluated in the data by glm()
            else:
                kwargs[pyname] = _evaluate_value(node, None, namespace)
        elif rname == "na.action":
            kwargs[pyname] = node.name if isinstance(node, ast.Symbol) else _constant(node)
        elif rname == "contrasts":
            kwargs[pyname] = _list_node(node, namespace)
        elif rname == "start":
            kwargs[pyname] = np.asarray(_evaluate_value(node, None, namespace), dtype=float)
        else:
            kwargs[pyname] = _constant(node)
    return kwargs


def _symbol_value(node: ast.Symbol, namespace: Mapping[str, Any]) -> Any:
    if node.name in namespace:
        return namespace[node.name]
    raise RError(f"object '{node.name}' not found")


def _merged_call(fit, formula_node: Optional[ast.Call], changes: dict) -> dict:
    """R's ``update.default``: the old call's arguments, the formula replaced, changed
    arguments replaced (None removes them, as R's ``NULL``)."""
    args = {a.name: a.value for a in fit.call.args}
    if formula_node is not None:
        args["formula"] = formula_node
    for rname, value in changes.items():
        if value is None:
            args.pop(rname, None)
        else:
            args[rname] = None  # its node comes from the new fit's call
    return args


def _final_call(args: dict, new_call: ast.Call, changes: dict) -> ast.Call:
    """The call R prints for the refit: glm's formals order (R's match.call())."""
    new_nodes = {a.name: a.value for a in new_call.args}
    out = []
    for rname in GLM_FORMALS:
        if rname not in args:
            continue
        node = args[rname]
        if rname in changes and changes[rname] is not None:
            node = new_nodes.get(rname)
            if node is None:
                from rglm.api.call import value_node

                node = value_node(changes[rname], {}, rname)
        out.append(ast.Arg(rname, node))
    return ast.Call(ast.Symbol("glm"), tuple(out))


def _normalise_changes(changes: Mapping[str, Any]) -> dict:
    out = {}
    for name, value in changes.items():
        rname = _PY_NAMES.get(name, name.replace("_", "."))
        if rname not in GLM_FORMALS or rname == "formula":
            raise RError(f"unused argument ({name} = ...)")
        out[rname] = value
    return out


def evaluate_call(fit, changes: Mapping[str, Any], frame_object: bool = False):
    """Evaluate the fit's call again with some arguments changed (R: ``eval(call)``).

    Used by :func:`update` and by ``model_frame(fit, ...)`` (``method="model.frame"``).
    With ``frame_object`` the ModelFrame itself is returned instead of its DataFrame.
    """
    from rglm.api.glm import glm

    namespace = caller_namespace()
    rchanges = _normalise_changes(changes)
    args = _merged_call(fit, None, rchanges)
    kwargs = _argument_values(fit, args, rchanges, namespace)
    formula = args.get("formula", fit.formula_node)
    if not frame_object:
        return glm(formula, **kwargs)
    from rglm.formula.frame import model_frame

    kwargs.pop("method", None)
    return model_frame(formula, kwargs.get("data"), subset=kwargs.get("subset"),
                       weights=kwargs.get("weights"), offset=kwargs.get("offset"),
                       etastart=kwargs.get("etastart"), mustart=kwargs.get("mustart"),
                       na_action=kwargs.get("na_action", "na.omit"), env=namespace)


def update(fit, formula: Optional[Union[str, ast.Call]] = None, **changes: Any):
    """Refit with a changed formula or arguments. R: ``update(object, formula., ...)``.

    Parameters
    ----------
    fit : GLM
    formula : str, optional
        R's ``formula.``: ``". ~ . - x"``, ``"~ . + z"``, ``". ~ .:f"``, ``"log(.) ~ ."``;
        combined with ``formula(fit)`` by :func:`update_formula`.
    **changes
        Other glm() arguments to replace or add (``data=``, ``family=``, ``weights=``,
        ``subset=``, ``na_action=``, ...); ``None`` removes an argument from the call.

    Returns
    -------
    GLM
        The new fit; its ``call`` is R's (glm's argument order, the updated formula,
        unchanged arguments as they were written). With ``method="model.frame"`` the
        model frame, as R.

    Notes
    -----
    Unchanged arguments are re-evaluated like R re-evaluates the call: a name (``data =
    dobson``, ``weights = w``) is looked up in the data, then in the caller's namespace;
    the stored data is used when the caller no longer holds a data frame of that name. An
    argument that was given as an unnamed array of more than 20 values cannot be found
    again (R would fail the same way: ``object 'weights' not found``).
    """
    from rglm.api.glm import glm
    from rglm.results.generics import formula as formula_of

    namespace = caller_namespace()
    rchanges = _normalise_changes(changes)
    formula_node = None
    if formula is not None:
        formula_node = _update_formula_node(formula_of(fit), formula)
    args = _merged_call(fit, formula_node, rchanges)
    kwargs = _argument_values(fit, args, rchanges, namespace)
    new_fit = glm(args["formula"], **kwargs)
    if isinstance(new_fit, pd.DataFrame):  # method = "model.frame"
        return new_fit
    return replace(new_fit, call=_final_call(args, new_fit.call, rchanges))
