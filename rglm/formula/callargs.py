"""Python values as the R language objects a matched call records.

R keeps a call's arguments unevaluated (``match.call()``); Python evaluates them before a
front end sees them, so the call R would print is rebuilt from the values: a caller's
variable by its name, a number or a short numeric vector as a literal (``c(1, 2)``), a
string as the R code it holds, a dict as ``list(...)``. Used by the front ends
(:mod:`rglm.models.call`) and by ``update`` for the arguments it changes.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from rglm.callerenv import name_in
from rglm.formula import ast
from rglm.formula.parse import parse_expr

__all__ = ["value_node", "name_in"]


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
    if isinstance(value, ast.Call | ast.Symbol | ast.Number | ast.String | ast.Constant):
        return value
    if isinstance(value, str):
        return parse_expr(value)
    if isinstance(value, (bool, np.bool_)):
        return ast.Constant("TRUE" if value else "FALSE")
    if isinstance(value, (int, float, np.integer, np.floating)):
        return _number(value)
    name = name_in(namespace, value)
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
