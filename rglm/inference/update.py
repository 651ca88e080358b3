"""Refit a model with changes. R: ``update.default`` and ``update.formula``.

``update(fit, ". ~ . - x", family=...)`` takes the fit's call, replaces the formula by
``update_formula(formula(fit), new)`` and the named arguments by the new values, and
evaluates the call again — as R evaluates the modified call in the caller's frame: names
in the call (data, weights, offset, ...) are looked up in the caller's namespace, falling
back to the data stored in the fit. The new fit's ``call`` is the call R would print.

R's ``eval(call)`` runs the function the call names (``glm``, ``glm.nb``, ``bigglm``).
Here each kind of model says how its call is evaluated again through the generic
:func:`rglm.generics.refit`, which returns a :class:`rglm.generics.Refit` (its fitting
function, the R formals of that function, the arguments the function writes into its own
call); the model packages register it (``rglm/models/<kind>/methods.py``), as the front
ends live above this layer.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Mapping, Optional, Union

import numpy as np
import pandas as pd

from rglm.callerenv import caller_namespace
from rglm.errors import RError
from rglm.formula import ast
from rglm.formula.callargs import value_node
from rglm.formula.deparse import deparse1
from rglm.formula.evaluate import evaluate
from rglm.formula.frame import model_frame
from rglm.formula.parse import parse_expr
from rglm.formula.terms import expand_dots as _expand_dots, terms
from rglm.formula.values import REnv
from rglm.generics import Refit, formula_of, refit, terms as terms_of

__all__ = ["update", "update_formula", "evaluate_call"]

#: The arguments R's model.frame.glm passes on to ``model.frame`` (glm's and glm.nb's
#: ``match(c("formula", "data", "subset", ...), names(mf))``).
MODEL_FRAME_ARGS = ("formula", "data", "subset", "weights", "na.action", "etastart",
                    "mustart", "offset")


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

def _literal(node: ast.Node, namespace: Mapping[str, Any]) -> Any:
    """A constant argument's value; a name stands for itself, as the arguments R takes
    unevaluated (``na.action = na.omit``, glm.nb's ``link = log``)."""
    if isinstance(node, ast.Constant) and node.name in ("TRUE", "FALSE"):
        return node.name == "TRUE"
    if isinstance(node, ast.String):
        return node.value
    if isinstance(node, ast.Number):
        return int(node.value) if node.is_int else node.value
    if isinstance(node, ast.Symbol):
        return node.name
    return _evaluate_value(node, None, namespace)


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


#: Arguments evaluated in the data (R's model.frame arguments besides formula and data).
_DATA_ARGS = ("weights", "subset", "offset", "etastart", "mustart")
#: Arguments whose value the fit keeps as an object: the refit reuses it.
_KEPT = ("family", "control")


def _call_data(fit, node: ast.Node, namespace: Mapping[str, Any]) -> Any:
    """The ``data`` argument of the call, evaluated again: a path as written; a name's
    data frame in the caller's namespace, else the data the fit stored (R would find the
    variable again), else whatever the name holds there (a function returning chunks)."""
    if isinstance(node, ast.String):
        return node.value
    candidate = namespace.get(node.name) if isinstance(node, ast.Symbol) else None
    stored = getattr(fit, "data", None)
    if isinstance(candidate, pd.DataFrame) or (stored is None and candidate is not None):
        return candidate
    if stored is None and isinstance(node, ast.Symbol):
        raise RError(f"object '{node.name}' not found")
    return stored


def _in_data(name: str, data: Any) -> bool:
    """Whether ``name`` is a column of ``data`` (a data frame or a mapping)."""
    if isinstance(data, pd.DataFrame):
        return name in data.columns
    return isinstance(data, Mapping) and name in data


def _argument_values(fit, args: dict, changes: dict, namespace: Mapping[str, Any],
                     expression_args: tuple[str, ...] = ()) -> dict:
    """The keyword arguments of the fitting function for the merged call ``args`` (R
    names → nodes); arguments the user changed keep their Python values; those in
    ``expression_args`` (R code the fitter evaluates itself) are passed as text."""
    kwargs: dict = {}
    data = None
    if "data" in changes:
        data = changes["data"]
    elif "data" in args:
        data = _call_data(fit, args["data"], namespace)
    if data is not None:
        kwargs["data"] = data
    for rname, node in args.items():
        pyname = rname.replace(".", "_")
        if rname in ("formula", "data"):
            continue
        if rname in changes:
            kwargs[pyname] = changes[rname]
        elif rname in _KEPT:
            kwargs[pyname] = getattr(fit, pyname)
        elif rname in expression_args:
            kwargs[pyname] = node.value if isinstance(node, ast.String) else deparse1(node)
        elif rname in _DATA_ARGS:
            if isinstance(node, ast.Symbol) and not _in_data(node.name, data):
                kwargs[pyname] = _symbol_value(node, namespace)
            elif isinstance(node, (ast.Symbol, ast.Call)):
                kwargs[pyname] = node  # R code, evaluated in the data by the fitter
            else:
                kwargs[pyname] = _evaluate_value(node, None, namespace)
        elif rname == "contrasts":
            kwargs[pyname] = _list_node(node, namespace)
        elif rname == "start":
            kwargs[pyname] = np.asarray(_evaluate_value(node, None, namespace), dtype=float)
        else:
            kwargs[pyname] = _literal(node, namespace)
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


def _final_call(refit: Refit, args: dict, new_call: ast.Call, changes: dict) -> ast.Call:
    """The call R prints for the refit: the evaluated call as the function's
    ``match.call()`` orders it (its formals' order), then the arguments the function
    writes itself — in place when the call had them, else appended (R's ``Call$x <-``)."""
    new_nodes = {a.name: a.value for a in new_call.args}
    out = []
    for rname in refit.formals:
        if rname not in args:
            continue
        node = args[rname]
        if rname in refit.set_by_fitter:
            node = new_nodes.get(rname, node)
        elif rname in changes and changes[rname] is not None:
            node = new_nodes.get(rname)
            if node is None:
                node = value_node(changes[rname], {}, rname)
        out.append(ast.Arg(rname, node))
    out += [ast.Arg(rname, new_nodes[rname]) for rname in refit.set_by_fitter
            if rname not in args and rname in new_nodes]
    return ast.Call(new_call.fn, tuple(out))


def _normalise_changes(changes: Mapping[str, Any], formals: tuple[str, ...]) -> dict:
    """Python argument names → R's (``na_action`` → ``na.action``), each one checked
    against the function's formals (R: ``unused argument``)."""
    out = {}
    for name, value in changes.items():
        rname = name.replace("_", ".")
        if rname not in formals or rname == "formula":
            raise RError(f"unused argument ({name} = ...)")
        out[rname] = value
    return out


def evaluate_call(fit, changes: Mapping[str, Any], frame_object: bool = False):
    """The model frame of the fit's call, with some arguments changed.

    R: ``model.frame.glm`` — the call evaluated again with ``method = "model.frame"``
    (by ``stats::glm``, whatever function the call names: arguments of other fitting
    functions, such as glm.nb's ``init.theta``, are ignored). Used by
    ``model_frame(fit, ...)`` and by ``add1``. ``changes`` may hold ``data``,
    ``subset``, ``na_action`` (and ``method``, which is implied). Returns the frame's
    DataFrame, or with ``frame_object`` the ModelFrame itself.
    """
    namespace = caller_namespace()
    rchanges = _normalise_changes({k: v for k, v in changes.items() if k != "method"},
                                  MODEL_FRAME_ARGS)
    args = {k: v for k, v in _merged_call(fit, None, rchanges).items()
            if k in MODEL_FRAME_ARGS}
    kwargs = _argument_values(fit, args, rchanges, namespace)
    data = kwargs.get("data")
    if data is not None and not isinstance(data, pd.DataFrame):
        data = pd.DataFrame(data)
    formula = args["formula"] if "formula" in args else terms_of(fit).formula
    mf = model_frame(formula, data,
                     subset=kwargs.get("subset"), weights=kwargs.get("weights"),
                     offset=kwargs.get("offset"), etastart=kwargs.get("etastart"),
                     mustart=kwargs.get("mustart"),
                     na_action=kwargs.get("na_action", "na.omit"), env=namespace)
    return mf if frame_object else mf.to_frame()


def update(fit, formula: Optional[Union[str, ast.Call]] = None, **changes: Any):
    """Refit with a changed formula or arguments. R: ``update.default(object, formula., ...)``.

    Registered as the :func:`rglm.generics.update` method of glm, glm.nb and bigglm fits;
    it needs only the fit's ``call`` and :func:`rglm.generics.refit`.

    Parameters
    ----------
    fit : GLM, NegBinGLM or BigGLM
    formula : str, optional
        R's ``formula.``: ``". ~ . - x"``, ``"~ . + z"``, ``". ~ .:f"``, ``"log(.) ~ ."``;
        combined with ``formula(fit)`` by :func:`update_formula`.
    **changes
        Other arguments of the fitting function to replace or add (glm: ``data=``,
        ``family=``, ``weights=``, ``subset=``, ``na_action=``, ...; glm.nb also
        ``init_theta=``, ``link=``); ``None`` removes an argument from the call.

    Returns
    -------
    GLM, NegBinGLM or BigGLM
        The new fit, made by the fit's own fitting function (a glm.nb fit is refitted by
        :func:`rglm.glm_nb`, starting from the ``init.theta`` its call holds, as R); its
        ``call`` is R's (the function's argument order, the updated formula, unchanged
        arguments as they were written, glm.nb's new ``init.theta``). With
        ``method="model.frame"`` the model frame, as R.

    Raises
    ------
    RError
        ``unused argument (name = ...)`` for an argument the fitting function does not
        have.

    Notes
    -----
    Unchanged arguments are re-evaluated like R re-evaluates the call: a name (``data =
    dobson``, ``weights = w``) is looked up in the data, then in the caller's namespace;
    the stored data is used when the caller no longer holds a data frame of that name. An
    argument that was given as an unnamed array of more than 20 values cannot be found
    again (R would fail the same way: ``object 'weights' not found``).
    """
    how = refit(fit)
    namespace = caller_namespace()
    rchanges = _normalise_changes(changes, how.formals)
    formula_node = None
    if formula is not None:
        formula_node = _update_formula_node(formula_of(fit), formula)
    args = _merged_call(fit, formula_node, rchanges)
    kwargs = _argument_values(fit, args, rchanges, namespace, how.expression_args)
    new_fit = how.fitter(args["formula"], **kwargs)
    if isinstance(new_fit, pd.DataFrame):  # method = "model.frame"
        return new_fit
    return replace(new_fit, call=_final_call(how, args, new_fit.call, rchanges))
