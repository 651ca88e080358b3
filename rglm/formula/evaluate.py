"""Evaluate R expressions (the variables of a formula) the way R evaluates them.

R: base::eval of a model-frame variable in ``data`` with the formula environment as
enclosure.

The walk is :func:`evaluate`; R's operators (arithmetic with recycling, ``^`` as power,
comparisons, three-valued ``& | !``, ``%in%``, ``:``) are defined here, R's named
functions in :mod:`rglm.formula.rfunctions`. Values follow the conventions of
:mod:`rglm.formula.values`.
"""

from __future__ import annotations

import operator
from typing import Any, Callable, MutableMapping, Optional, Union

import numpy as np
import pandas as pd

from rglm.errors import RError, rwarn
from rglm.formula.ast import Arg, Call, Constant, Node, Number, String, Symbol
from rglm.formula.deparse import deparse1
from rglm.formula.rfunctions import R_FUNCTIONS, CallContext, call_function, interaction
from rglm.formula.values import (
    NA, FrozenState, REnv, RMatrix, as_value, freeze, is_character, is_factor,
    logical_value, rep_len, to_character, to_logical, to_numeric, wrap,
)

__all__ = ["evaluate", "REnv", "FrozenState", "freeze", "as_value", "RMatrix",
           "state_key"]

State = Union[MutableMapping[str, Any], FrozenState, None]

_CONSTANTS = {"TRUE": True, "FALSE": False, "NA": NA, "NULL": None,
              "Inf": float("inf"), "NaN": float("nan"), "NA_real_": NA,
              "NA_integer_": NA, "NA_character_": NA}


def state_key(node: Node) -> str:
    """The key under which a stateful call records its state: its deparsed text."""
    return deparse1(node)


def evaluate(node: Node, env: REnv, state: State = None) -> Any:
    """Evaluate an R expression.

    R: base::eval

    Parameters
    ----------
    node : Node
        The expression (:mod:`rglm.formula.ast`).
    env : REnv
        Names: data columns first, then the caller's namespace.
    state : dict, FrozenState or None
        Transform state shared across one model frame, keyed by :func:`state_key`.
        A dict is filled while fitting (``poly`` records its coefficients, ``scale`` its
        centre and scale); a :class:`FrozenState` is read to code new data identically.

    Returns
    -------
    pandas.Series, RMatrix or scalar
        See :mod:`rglm.formula.values`.
    """
    if isinstance(node, Number):
        return int(node.value) if node.is_int else float(node.value)
    if isinstance(node, String):
        return node.value
    if isinstance(node, Constant):
        if node.name not in _CONSTANTS:
            raise RError(f"object '{node.name}' not found")
        return _CONSTANTS[node.name]
    if isinstance(node, Symbol):
        if node.name == "":
            raise RError("argument is missing, with no default")
        return env.lookup(node.name)
    if isinstance(node, Call):
        try:
            return _evaluate_call(node, env, state)
        except RecursionError:
            # R's answer to an expression nested beyond its limit (5000 levels); rglm's
            # is lower for nesting other than a chain of binary operators (see below)
            raise RError("evaluation nested too deeply: infinite recursion / "
                         "options(expressions=)?") from None
    raise RError(f"cannot evaluate {node!r}")


def _binary_op(node: Node) -> Optional[Callable[..., Any]]:
    """The operator of ``a op b`` (unnamed arguments), else None."""
    if isinstance(node, Call) and len(node.args) == 2 and node.fname in _BINARY \
            and node.args[0].name is None and node.args[1].name is None:
        return _BINARY[node.fname]
    return None


def _evaluate_chain(node: Call, env: REnv, state: State) -> Any:
    """``x1 + x2 + ... + x2000`` -- a chain of binary operators as deep as it is long --
    evaluated down its left operands with a loop, not recursion. R's order: each left
    operand before its right one."""
    spine = []
    while _binary_op(node) is not None:
        spine.append(node)
        node = node.args[0].value
    value = evaluate(node, env, state)
    for call in reversed(spine):
        value = _binary_op(call)(value, evaluate(call.args[1].value, env, state), env)
    return value


def _namespaced(node: Call) -> Optional[Call]:
    """``pkg::f(...)`` as the plain call ``f(...)`` (None for other calls).

    rglm provides each R function once, whatever package R has it in, so the package
    only has to be one R could find it in; it is not checked.
    """
    fn = node.fn
    if isinstance(fn, Call) and fn.fname in ("::", ":::") and len(fn.args) == 2:
        name = fn.args[1].value
        if isinstance(name, (Symbol, String)):
            return Call(Symbol(name.name if isinstance(name, Symbol) else name.value),
                        node.args)
    return None


def _evaluate_call(node: Call, env: REnv, state: State) -> Any:
    written = node  # the call as written keys its state (splines::ns(x, 3))
    plain = _namespaced(node) if node.fname is None else None
    if plain is not None:
        if plain.fname not in R_FUNCTIONS:
            raise RError(f'could not find function "{deparse1(node.fn)}"')
        node = plain
    name = node.fname
    if name is None:
        raise RError("attempt to apply non-function")

    def ev(sub: Node) -> Any:
        return evaluate(sub, env, state)

    if name == "(" and len(node.args) == 1:
        return ev(node.args[0].value)
    if _binary_op(node) is not None:
        return _evaluate_chain(node, env, state)
    op = _UNARY.get(name) if len(node.args) == 1 else None
    if op is not None and node.args[0].name is None:
        return op(ev(node.args[0].value), env)
    if name in R_FUNCTIONS:
        ctx = CallContext(env=env, state=state, key=state_key(written), call=node,
                          evaluate=ev)
        return call_function(R_FUNCTIONS[name], ctx)
    fn = env.lookup_function(name)
    if fn is None:
        raise RError(f'could not find function "{name}"')
    return _call_python(fn, node.args, ev, env)


def _call_python(fn: Callable[..., Any], args: tuple[Arg, ...], ev: Callable[[Node], Any],
                 env: REnv) -> Any:
    """Call a function from the caller's namespace with plain values (Series / arrays)."""
    positional = [_plain(ev(a.value)) for a in args if a.name is None]
    named = {a.name: _plain(ev(a.value)) for a in args if a.name is not None}
    return as_value(fn(*positional, **named), env)


def _plain(v: Any) -> Any:
    return v.values if isinstance(v, RMatrix) else v


# ---------------------------------------------------------------------------------------
# Arithmetic
# ---------------------------------------------------------------------------------------

def _length(v: Any) -> int:
    if isinstance(v, RMatrix):
        return v.values.shape[0]
    return len(v) if isinstance(v, pd.Series) else (0 if v is None else 1)


def _recycle(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """R's recycling of two vectors to the longer length (zero length wins)."""
    na, nb = a.shape[0], b.shape[0]
    if na == nb:
        return a, b
    if na == 0 or nb == 0:
        return a[:0], b[:0]
    n = max(na, nb)
    if n % min(na, nb):
        rwarn("longer object length is not a multiple of shorter object length")
    return rep_len(a, n), rep_len(b, n)


def _numeric_operand(v: Any, opname: str, other: Any) -> Optional[np.ndarray]:
    """Numeric values for arithmetic; None where R gives NA with a factor warning."""
    if is_factor(v):
        rwarn(f"\u2018{opname}\u2019 not meaningful for factors")
        return None
    if is_character(v) or is_character(other):
        raise RError("non-numeric argument to binary operator")
    return to_numeric(v)


def _arith_result(values: np.ndarray, a: Any, b: Any, env: REnv) -> Any:
    if isinstance(a, RMatrix) or isinstance(b, RMatrix):
        mat = a if isinstance(a, RMatrix) else b
        return RMatrix(np.asarray(values, dtype=float), mat.colnames, mat.index)
    if not isinstance(a, pd.Series) and not isinstance(b, pd.Series) and values.size == 1:
        scalar = values[0]
        return float(scalar) if values.dtype.kind == "f" else int(scalar)
    return wrap(values, env)


def _matrix_align(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Broadcast a vector against a matrix column-wise (R fills matrices by column)."""
    if x.ndim == 2 and y.ndim == 1 and y.size != 1:
        if y.size != x.shape[0]:
            raise RError("dims [product %d] do not match the length of object [%d]"
                         % (x.size, y.size))
        return x, y[:, None]
    if y.ndim == 2 and x.ndim == 1 and x.size != 1:
        y2, x2 = _matrix_align(y, x)
        return x2, y2
    return x, y


def _integer_safe(kind: str, x: np.ndarray, y: np.ndarray) -> bool:
    return kind in ("+", "-", "*", "%%", "%/%") and x.dtype.kind in "iu" and \
        y.dtype.kind in "iu" and (kind not in ("%%", "%/%") or not (y == 0).any())


_ARITH: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "+": np.add, "-": np.subtract, "*": np.multiply, "/": np.true_divide,
    "^": np.power, "%%": np.mod, "%/%": np.floor_divide,
}


def _arith(opname: str) -> Callable[[Any, Any, REnv], Any]:
    def apply(a: Any, b: Any, env: REnv) -> Any:
        x = _numeric_operand(a, opname, b)
        y = _numeric_operand(b, opname, a)
        n = max(_length(a), _length(b)) if min(_length(a), _length(b)) else 0
        if x is None or y is None:
            # R's Ops.factor returns a logical NA vector
            return logical_value(np.zeros(n, bool), np.ones(n, bool), env)
        x, y = _matrix_align(x, y)
        if x.ndim == 1 and y.ndim == 1:
            x, y = _recycle(x, y)
        if not _integer_safe(opname, x, y):
            x, y = x.astype(float), y.astype(float)
        with np.errstate(all="ignore"):
            out = _ARITH[opname](x, y)
        return _arith_result(out, a, b, env)
    return apply


def _unary(opname: str) -> Callable[[Any, REnv], Any]:
    def apply(a: Any, env: REnv) -> Any:
        if is_character(a):
            raise RError("invalid argument to unary operator")
        if is_factor(a):
            rwarn(f"\u2018{opname}\u2019 not meaningful for factors")
            return logical_value(np.zeros(len(a), bool), np.ones(len(a), bool), env)
        return _arith(opname)(0, a, env)
    return apply


# ---------------------------------------------------------------------------------------
# Comparison, logic, %in%, :
# ---------------------------------------------------------------------------------------

_COMPARE = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, ">": operator.gt,
            "<=": operator.le, ">=": operator.ge}


def _ordered_codes(f: pd.Series, other: Any) -> tuple[np.ndarray, np.ndarray]:
    """Codes of an ordered factor and of ``other`` matched to its levels (NaN if absent)."""
    levels = [str(c) for c in f.cat.categories]
    pos = pd.Index(levels, dtype=object).get_indexer(pd.Index(to_character(other), dtype=object))
    return (np.where(f.cat.codes.to_numpy() < 0, np.nan, f.cat.codes.to_numpy() + 1.0),
            np.where(pos < 0, np.nan, pos + 1.0))


def _comparable(a: Any, b: Any, opname: str) -> Optional[tuple[np.ndarray, np.ndarray]]:
    """Both operands as arrays of one type (float codes, float numbers or strings)."""
    ordered = [v for v in (a, b) if is_factor(v) and v.cat.ordered]
    if ordered and opname not in ("==", "!="):
        x, y = _ordered_codes(a, b) if is_factor(a) and a.cat.ordered else \
            _ordered_codes(b, a)[::-1]
        return x, y
    if (is_factor(a) or is_factor(b)) and opname not in ("==", "!="):
        rwarn(f"\u2018{opname}\u2019 not meaningful for factors")
        return None
    if is_factor(a) or is_factor(b) or is_character(a) or is_character(b):
        return to_character(a), to_character(b)
    return to_numeric(a).astype(float), to_numeric(b).astype(float)


def _compare(opname: str) -> Callable[[Any, Any, REnv], Any]:
    def apply(a: Any, b: Any, env: REnv) -> Any:
        pair = _comparable(a, b, opname)
        if pair is None:
            n = max(_length(a), _length(b))
            return logical_value(np.zeros(n, bool), np.ones(n, bool), env)
        x, y = _recycle(*pair)
        if x.dtype == object or y.dtype == object:
            na = pd.isna(x) | pd.isna(y)
            xs = np.where(na, "", x).astype(str)
            ys = np.where(na, "", y).astype(str)
            out = _COMPARE[opname](xs, ys)
        else:
            na = np.isnan(x) | np.isnan(y)
            out = _COMPARE[opname](np.where(na, 0.0, x), np.where(na, 0.0, y))
        return _scalar_or_logical(out, na, a, b, env)
    return apply


def _scalar_or_logical(out: np.ndarray, na: np.ndarray, a: Any, b: Any, env: REnv) -> Any:
    if not isinstance(a, pd.Series) and not isinstance(b, pd.Series) and out.size == 1:
        return NA if na[0] else bool(out[0])
    return logical_value(out, na, env)


def _and(a: Any, b: Any, env: REnv) -> Any:
    (x, xna), (y, yna) = _recycle_logical(a, b)
    known_false = (~x & ~xna) | (~y & ~yna)
    return _scalar_or_logical(x & y, (xna | yna) & ~known_false, a, b, env)


def _or(a: Any, b: Any, env: REnv) -> Any:
    (x, xna), (y, yna) = _recycle_logical(a, b)
    known_true = (x & ~xna) | (y & ~yna)
    return _scalar_or_logical(x | y, (xna | yna) & ~known_true, a, b, env)


def _recycle_logical(a: Any, b: Any):
    x, xna = to_logical(a)
    y, yna = to_logical(b)
    x2, y2 = _recycle(x, y)
    xna2, yna2 = _recycle(xna, yna)
    return (x2, xna2), (y2, yna2)


def _not(a: Any, env: REnv) -> Any:
    if is_character(a) or is_factor(a):
        raise RError("invalid argument type")
    x, na = to_logical(a)
    return _scalar_or_logical(~x, na, a, None, env)


def _in(a: Any, b: Any, env: REnv) -> Any:
    """R's ``x %in% table``: never NA; NA matches NA."""
    if any(is_factor(v) or is_character(v) for v in (a, b)):
        x, table = to_character(a), to_character(b)
    else:
        x, table = to_numeric(a).astype(float), to_numeric(b).astype(float)
    x_na, table_na = pd.isna(x), pd.isna(table)
    found = pd.Series(x, dtype=x.dtype).isin(table[~table_na]).to_numpy()
    found = np.where(x_na, table_na.any(), found)
    return _scalar_or_logical(found, np.zeros(found.shape, bool), a, None, env)


def _colon(a: Any, b: Any, env: REnv) -> Any:
    """R's ``from:to`` (a sequence), or the interaction of two factors."""
    if is_factor(a) and is_factor(b):
        return interaction([a, b], sep=":", lex_order=True, env=env)
    ends = []
    for v in (a, b):
        num = to_numeric(v) if not is_character(v) else None
        if num is None or num.size == 0:
            raise RError("argument of length 0")
        if num.size > 1:
            rwarn(f"numerical expression has {num.size} elements: only the first used")
        if np.isnan(float(num[0])):
            raise RError("NA/NaN argument")
        ends.append(float(num[0]))
    start, stop = ends
    count = int(np.floor(abs(stop - start) + 1e-10)) + 1
    seq = start + np.sign(stop - start) * np.arange(count) if stop != start else \
        np.asarray([start])
    as_int = float(start).is_integer() and abs(seq).max() <= 2**31 - 1
    return wrap(seq.astype(np.int64) if as_int else seq, env)


_UNARY: dict[str, Callable[..., Any]] = {"-": _unary("-"), "+": _unary("+"), "!": _not}
_BINARY: dict[str, Callable[..., Any]] = {
    **{name: _arith(name) for name in _ARITH},
    **{name: _compare(name) for name in _COMPARE},
    "&": _and, "|": _or, "&&": _and, "||": _or, "%in%": _in, ":": _colon,
}
