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

from typing import Any, Mapping

from rglm.callerenv import caller_namespace
from rglm.formula import ast
from rglm.formula.callargs import name_in, value_node

__all__ = ["caller_namespace", "value_node", "build_call"]


def family_node(family_arg: Any, family) -> ast.Node:
    """How the ``family`` argument deparses: call, constructor name, or string."""
    if isinstance(family_arg, str):
        return ast.String(family_arg)
    if callable(family_arg) and not hasattr(family_arg, "family"):
        return ast.Symbol(family.constructor)
    return family.call


def data_node(data: Any, namespace: Mapping[str, Any]) -> ast.Node:
    """R's ``deparse(substitute(data))`` for a data frame argument."""
    name = name_in(namespace, data)
    if name is None:
        name = getattr(data, "attrs", {}).get("name") or "data"
    return ast.Symbol(name)


def build_call(fname: str, args: list[tuple[str, ast.Node]]) -> ast.Call:
    """``fname(name = value, ...)`` from (R argument name, node) pairs, in the given order."""
    return ast.Call(ast.Symbol(fname), tuple(ast.Arg(k, v) for k, v in args))
