"""Building the matched call that R stores in ``fit$call`` and prints.

R keeps the call unevaluated (``match.call()``): argument names completed, arguments in the
order of the function's formals, each as the user wrote it. Python evaluates arguments before
``glm()`` sees them, so rglm reconstructs what an R user would have written:

* a data frame is named by the caller's variable that holds it (R's
  ``deparse(substitute(data))``), else by ``df.attrs["name"]``;
* a family object deparses as its constructor call (``poisson()``,
  ``binomial(link = "probit")``), a constructor as its name (``Gamma``), a string as a string;
* strings given for ``weights``, ``subset``, ``offset``, ... are R expressions and deparse as such;
* numeric vectors deparse as ``c(...)`` unless a caller variable holds them.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

import numpy as np

from rglm.callerenv import caller_namespace
from rglm.formula import ast

__all__ = ["caller_namespace", "value_node", "build_call"]


def _name_in(namespace: Mapping[str, Any], obj: Any) -> Optional[str]:
    """The name a caller's variable holding exactly ``obj`` has, if any."""
    for key, val in namespace.items():
        if val is obj and not key.startswith("_"):
            return key
    return None


def _number(v: float) -> ast.Node:
    if isinstance(v, (bool, np.bool_)):
        return ast.Constant("TRUE" if v else "FALSE")
    if isinstance(v, (int, np.integer)):
        return ast.Number(float(v))
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ast.Constant("NA")
    return ast.Number(float(v))


def value_node(value: Any, namespace: Mapping[str, Any], argname: str) -> ast.Node:
    """An R language object standing for an argument value, as R would have deparsed it."""
    from rglm.formula.parse import parse_expr

    if isinstance(value, ast.Call | ast.Symbol | ast.Number | ast.String | ast.Constant):
        return value
    if isinstance(value, str):
        return parse_expr(value)
    if isinstance(value, (bool, np.bool_)):
        return ast.Constant("TRUE" if value else "FALSE")
    if isinstance(value, (int, float, np.integer, np.floating)):
        return _number(value)
    name = _name_in(namespace, value)
    if name is not None:
        return ast.Symbol(name)
    if isinstance(value, Mapping):
        # list(f = "contr.sum"): strings inside a list are character constants, not code.
        return ast.Call(ast.Symbol("list"), tuple(
            ast.Arg(str(k), ast.String(v) if isinstance(v, str)
                    else value_node(v, namespace, argname)) for k, v in value.items()))
    arr = np.asarray(value)
    if arr.ndim == 1 and arr.dtype.kind in "biuf" and arr.size <= 20:
        return ast.Call(ast.Symbol("c"), tuple(ast.Arg(None, _number(v)) for v in arr.tolist()))
    return ast.Symbol(argname)


def family_node(family_arg: Any, family) -> ast.Node:
    """How the ``family`` argument deparses: call, constructor name, or string."""
    if isinstance(family_arg, str):
        return ast.String(family_arg)
    if callable(family_arg) and not hasattr(family_arg, "family"):
        return ast.Symbol(family.constructor)
    return family.call


def data_node(data: Any, namespace: Mapping[str, Any]) -> ast.Node:
    """R's ``deparse(substitute(data))`` for a data frame argument."""
    name = _name_in(namespace, data)
    if name is None:
        name = getattr(data, "attrs", {}).get("name") or "data"
    return ast.Symbol(name)


def build_call(fname: str, args: list[tuple[str, ast.Node]]) -> ast.Call:
    """``fname(name = value, ...)`` from (R argument name, node) pairs, in the given order."""
    return ast.Call(ast.Symbol(fname), tuple(ast.Arg(k, v) for k, v in args))
