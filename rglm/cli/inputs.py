"""What the command line gives the model functions: the data, the family, and a caller
namespace holding nothing.

Nothing typed on the command line is evaluated as Python. Formulas, ``--weights``,
``--offset`` and ``--lcprob`` are R expressions that the front ends parse with rglm's R
grammar (:mod:`rglm.formula.parse`) and evaluate with rglm's table of R functions, in the
data; ``--family`` is parsed by the same grammar and must be a call of one of R's family
constructors with constant arguments (``binomial(link = "probit")``) or a bare family name.
"""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any, Callable

from rglm.errors import RError

__all__ = ["load_data", "parse_family", "call_in_data_only"]

# R's family constructors, by their R name: the only functions --family may call.
_FAMILIES = {"gaussian": "gaussian", "binomial": "binomial", "poisson": "poisson",
             "Gamma": "Gamma", "inverse.gaussian": "inverse_gaussian", "quasi": "quasi",
             "quasibinomial": "quasibinomial", "quasipoisson": "quasipoisson",
             "negative.binomial": "negative_binomial", "tweedie": "tweedie"}


def load_data(spec: str):
    """A bundled dataset by name (``rglm datasets``) or a CSV file, named as R would
    show it in the printed call (the dataset's name, or the file's stem)."""
    import pandas as pd

    from rglm import datasets

    if spec.lower().endswith(".csv"):
        path = Path(spec)
        if not path.is_file():
            raise RError(f"cannot open file '{spec}': No such file or directory")
        data = pd.read_csv(path)
        data.attrs["name"] = path.stem.replace("-", "_").replace(" ", "_")
        return data
    if spec not in datasets.list_datasets():
        raise RError(f"object '{spec}' not found: give a CSV file or one of the "
                     "datasets `rglm datasets` lists")
    return datasets.load(spec)


def _constant(node) -> Any:
    """The Python value of an R constant (a string, a number, TRUE/FALSE/NULL)."""
    from rglm.formula import ast

    if isinstance(node, ast.String):
        return node.value
    if isinstance(node, ast.Number):
        return int(node.value) if node.is_int else node.value
    if isinstance(node, ast.Constant) and node.name in ("TRUE", "FALSE", "NULL"):
        return {"TRUE": True, "FALSE": False, "NULL": None}[node.name]
    if isinstance(node, ast.Call) and isinstance(node.fn, ast.Symbol) \
            and node.fn.name == "-" and len(node.args) == 1:
        value = _constant(node.args[0].value)
        if isinstance(value, (int, float)):
            return -value
    raise RError("a family's arguments must be constants (strings, numbers, TRUE/FALSE)")


def parse_family(text: str):
    """``--family``: a bare name (``Gamma``) is passed on as a string, as R's
    ``family = "Gamma"``; a call of an R family constructor (``binomial()``,
    ``binomial(link = "probit")``, ``tweedie(var.power = 1.5, link.power = 0)``) gives
    that family object (printed as R prints the call)."""
    import rglm
    from rglm.formula import ast
    from rglm.formula.parse import parse_expr

    node = parse_expr(text)
    if isinstance(node, ast.Symbol):
        return node.name
    if isinstance(node, ast.String):
        return node.value
    if not (isinstance(node, ast.Call) and isinstance(node.fn, ast.Symbol)):
        raise RError(f"'{text}' is not a family: give a name (poisson) or a call "
                     "(binomial(link = \"probit\"))")
    name = node.fn.name
    if name not in _FAMILIES:
        raise RError(f'could not find function "{name}"')
    args, kwargs = [], {}
    for arg in node.args:
        value = _constant(arg.value)
        if arg.name is None:
            args.append(value)
        else:
            kwargs[arg.name.replace(".", "_")] = value
    return getattr(rglm, _FAMILIES[name])(*args, **kwargs)


def _call(_f, _a, _k):
    return _f(*_a, **_k)


# The front ends look up names missing from the data in their caller's namespace (R's
# formula environment). From the command line that namespace must hold nothing a formula
# can reach: this function runs with globals of its own, outside the rglm package (so it
# is the caller the front ends see), and its locals' names start with "_", which no R
# name can.
_OUTSIDE = types.FunctionType(_call.__code__, {"__name__": "rglm-command-line"}, "_call")


def call_in_data_only(front_end: Callable, *args, **kwargs):
    """``front_end(*args, **kwargs)`` with a caller namespace that no R name reaches:
    formula variables are looked up in the data only."""
    return _OUTSIDE(front_end, args, kwargs)
