"""R's functions usable inside formulas, with R's argument names and semantics.

R: base and stats functions of the same names (``factor``, ``relevel``, ``log``,
``poly``, ``scale``, ``C``, ...).

Each function is an :class:`RFunction` in :data:`R_FUNCTIONS`: its R formals (so that
``log(u, base = 2)``, ``log(u, 2)`` and partial names such as ``log(u, b = 2)`` match as
in R) and a Python implementation that receives the evaluated arguments by their
Python-spelled names (``na.rm`` → ``na_rm``) plus a :class:`CallContext`.

Factor levels of character data are sorted by code point (R in the C locale); R in
another locale sorts by that locale's collation, which may put ``"a"`` before ``"B"``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Callable, MutableMapping, Optional, Union

import numpy as np
import pandas as pd

from rglm.errors import RError, rwarn
from rglm.formula.ast import Arg, Node, Symbol
from rglm.formula.contrasts import (
    CONTRAST_FUNCTIONS, SHORTHANDS, contr_poly, contr_treatment, contrast_matrix,
)
from rglm.formula.deparse import deparse1
from rglm.formula.dtypes import CHARACTER
from rglm.formula.poly import (
    PolyCoefs, ScaleCoefs, poly_colnames, poly_fit, poly_predict, poly_raw, scale_fit,
    scale_predict,
)
from rglm.formula.splines import SplineBasis, bs, ns, spline_colnames, spline_predict
from rglm.formula.values import (
    CONTRASTS_ATTR, NA, FrozenState, REnv, RMatrix, as_value, character_value, is_character,
    is_factor, is_logical, logical_value, na_mask, rep_len, to_character, to_logical,
    to_numeric, wrap,
)

__all__ = ["RFunction", "CallContext", "Dot", "R_FUNCTIONS", "call_function", "match_args",
           "make_factor", "interaction", "r_round"]


@dataclass(frozen=True)
class CallContext:
    """What an R function may need beyond its arguments.

    Attributes
    ----------
    env : REnv
        The evaluation environment (data index and length for recycling).
    state : dict, FrozenState or None
        Transform state (see :func:`rglm.formula.evaluate.evaluate`).
    key : str
        The deparsed call: the key of this call's state.
    call : Node
        The call being evaluated.
    evaluate : callable
        Evaluates a node in the same environment (for functions that quote arguments).
    """

    env: REnv
    state: Union[MutableMapping[str, Any], FrozenState, None]
    key: str
    call: Node
    evaluate: Callable[[Node], Any]


@dataclass(frozen=True)
class Dot:
    """One argument caught by ``...``: its name (or None), value and source node."""

    name: Optional[str]
    value: Any
    node: Node


@dataclass(frozen=True)
class RFunction:
    """An R function: name, formals (R spelling, ``"..."`` included), implementation.

    ``quoted`` lists formals passed as unevaluated nodes (R's ``substitute``);
    ``required`` those without a default; ``primitive`` marks R primitives, which check
    the argument count themselves and ignore argument names.
    """

    name: str
    formals: tuple[str, ...]
    impl: Callable[..., Any]
    required: tuple[str, ...] = ()
    quoted: tuple[str, ...] = ()
    primitive: bool = False


R_FUNCTIONS: dict[str, RFunction] = {}
"""R's functions by R name."""


def _register(names: Union[str, tuple[str, ...]], formals: tuple[str, ...],
              required: tuple[str, ...] = ("x",), quoted: tuple[str, ...] = (),
              primitive: bool = False):
    def decorate(impl: Callable[..., Any]) -> Callable[..., Any]:
        for name in (names,) if isinstance(names, str) else names:
            R_FUNCTIONS[name] = RFunction(name, formals, impl,
                                          tuple(r for r in required if r in formals), quoted,
                                          primitive)
        return impl
    return decorate


# ---------------------------------------------------------------------------------------
# Argument matching and calling
# ---------------------------------------------------------------------------------------

def _describe_args(args: list[Arg]) -> str:
    return ", ".join(deparse1(a.value) if a.name is None else f"{a.name} = {deparse1(a.value)}"
                     for a in args)


def match_args(formals: tuple[str, ...], args: tuple[Arg, ...]) -> tuple[dict[str, Arg], list[Arg]]:
    """R's argument matching: exact names, then partial names (formals before ``...``
    only), then positions (formals before ``...`` only); the rest go to ``...``.

    R: base::match.arg semantics of closures (R Language Definition §4.3.2)

    Returns
    -------
    (dict, list)
        Formal name → Arg, and the arguments caught by ``...`` in order.
    """
    has_dots = "..." in formals
    before = formals[:formals.index("...")] if has_dots else formals
    matched: dict[str, Arg] = {}
    unmatched: list[tuple[int, Arg]] = []
    for pos, arg in enumerate(args, start=1):
        if arg.name is not None and arg.name in formals and arg.name != "...":
            if arg.name in matched:
                raise RError(f'formal argument "{arg.name}" matched by multiple actual arguments')
            matched[arg.name] = arg
        else:
            unmatched.append((pos, arg))
    positional: list[Arg] = []
    for pos, arg in unmatched:
        if arg.name is None:
            positional.append(arg)
            continue
        partial = [f for f in before if f.startswith(arg.name) and f not in matched]
        if len(partial) > 1:
            raise RError(f"argument {pos} matches multiple formal arguments")
        if partial:
            matched[partial[0]] = arg
        else:
            positional.append(arg)
    free = [f for f in before if f not in matched]
    dots: list[Arg] = []
    unused: list[Arg] = []
    for arg in positional:
        if arg.name is None and free:
            matched[free.pop(0)] = arg
        elif has_dots:
            dots.append(arg)
        else:
            unused.append(arg)
    if unused:
        plural = "s" if len(unused) > 1 else ""
        raise RError(f"unused argument{plural} ({_describe_args(unused)})")
    return matched, dots


def _py_name(formal: str) -> str:
    return formal.replace(".", "_")


def call_function(fn: RFunction, ctx: CallContext) -> Any:
    """Match the call's arguments to ``fn``'s formals, evaluate them and call it."""
    if fn.primitive:
        nargs = len(ctx.call.args)
        if nargs != len(fn.formals):
            plural = "" if nargs == 1 else "s"
            raise RError(f"{nargs} argument{plural} passed to '{fn.name}' which requires "
                         f"{len(fn.formals)}")
        return fn.impl(ctx, *[ctx.evaluate(a.value) for a in ctx.call.args])
    matched, dots = match_args(fn.formals, ctx.call.args)
    for name in fn.required:
        if name not in matched:
            raise RError(f'argument "{name}" is missing, with no default')
    kwargs: dict[str, Any] = {}
    for formal, arg in matched.items():
        kwargs[_py_name(formal)] = arg.value if formal in fn.quoted else ctx.evaluate(arg.value)
    if "..." in fn.formals:
        kwargs["dots"] = [Dot(a.name, ctx.evaluate(a.value), a.value) for a in dots]
    return fn.impl(ctx, **kwargs)


# ---------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------

def _like(values: np.ndarray, template: Any, env: REnv) -> Any:
    """A result shaped like ``template``: matrix, vector or scalar."""
    if isinstance(template, RMatrix):
        return RMatrix(np.asarray(values, dtype=float), template.colnames, template.index)
    if isinstance(template, pd.Series):
        return pd.Series(values, index=template.index) if len(values) == len(template) \
            else wrap(values, env)
    if np.ndim(values) == 1 and len(values) == 1:
        v = values[0]
        return float(v) if np.asarray(values).dtype.kind == "f" else v
    return wrap(values, env)


def _math_input(x: Any, fname: str) -> np.ndarray:
    if is_factor(x):
        raise RError(f"\u2018{fname}\u2019 not meaningful for factors")
    if is_character(x) or x is None:
        raise RError("non-numeric argument to mathematical function")
    return to_numeric(x)


def _math(fname: str, ufunc: Callable[[np.ndarray], np.ndarray], keep_int: bool = False):
    def impl(ctx: CallContext, x: Any) -> Any:
        values = _math_input(x, fname)
        if not (keep_int and values.dtype.kind in "iu"):
            values = values.astype(float)
        with np.errstate(all="ignore"):
            out = ufunc(values)
        if out.dtype.kind == "f" and (np.isnan(out) & ~np.isnan(values.astype(float))).any():
            rwarn("NaNs produced")
        return _like(out, x, ctx.env)
    return impl


for _name, _ufunc in {"exp": np.exp, "expm1": np.expm1, "log2": np.log2, "log10": np.log10,
                      "log1p": np.log1p, "sqrt": np.sqrt, "sin": np.sin, "cos": np.cos,
                      "tan": np.tan, "floor": np.floor, "ceiling": np.ceil,
                      "trunc": np.trunc, "sign": np.sign}.items():
    _register(_name, ("x",), primitive=True)(_math(_name, _ufunc))
_register("abs", ("x",), primitive=True)(_math("abs", np.abs, keep_int=True))


def _logbase(x: np.ndarray, base: float) -> np.ndarray:
    # R's logbase(): exact log10/log2 for those bases, else the ratio of natural logs.
    if base == 10:
        return np.log10(x)
    if base == 2:
        return np.log2(x)
    return np.log(x) / np.log(base)


@_register("log", ("x", "base"))
def _log(ctx: CallContext, x: Any, base: Any = None) -> Any:
    """R: base::log(x, base = exp(1))."""
    b = None if base is None else float(_math_input(base, "log")[0])
    return _math("log", np.log if b is None else (lambda v: _logbase(v, b)))(ctx, x)


def r_round(x: np.ndarray, digits: float = 0.0) -> np.ndarray:
    """R's ``round(x, digits)`` (R >= 4.0.0): the closer of the two decimal candidates,
    ties to the even last digit; ``digits = 0`` rounds half to even.

    R: base::round
    """
    x = np.asarray(x, dtype=float)
    if np.isnan(digits):
        return x + digits
    dig = int(np.floor(min(digits, 308) + 0.5))
    if dig == 0:
        return np.rint(x)
    sign, ax = np.sign(x), np.abs(x)
    with np.errstate(all="ignore"):
        _, exp2 = np.frexp(ax)
        too_precise = np.log10(2.0) * (0.5 + (exp2 - 1)) + dig > 15
        if dig > 0:
            p = 10.0 ** dig
            x10 = ax * p
            lo, hi = np.floor(x10) / p, np.ceil(x10) / p
        else:
            p = 10.0 ** (-dig)
            x10 = ax / p
            lo, hi = np.floor(x10) * p, np.ceil(x10) * p
        odd = np.mod(np.floor(x10), 2.0) == 1.0
        up = (hi - ax < ax - lo) | (odd & (hi - ax == ax - lo))
        out = sign * np.where(up, hi, lo)
    keep = ~np.isfinite(x) | (ax == 0) | too_precise
    return np.where(keep, x, out)


@_register("round", ("x", "digits"))
def _round(ctx: CallContext, x: Any, digits: Any = 0) -> Any:
    """R: base::round(x, digits = 0)."""
    d = float(to_numeric(digits)[0]) if not isinstance(digits, (int, float)) else float(digits)
    return _like(r_round(_math_input(x, "round").astype(float), d), x, ctx.env)


# ---------------------------------------------------------------------------------------
# Identity-like functions
# ---------------------------------------------------------------------------------------

@_register("I", ("x",))
def _identity(ctx: CallContext, x: Any) -> Any:
    """R: base::I (inhibit interpretation) — the value itself."""
    return x


@_register("offset", ("object",), required=("object",))
def _offset(ctx: CallContext, object: Any) -> Any:
    """R: stats::offset — the value itself (the model frame collects offsets)."""
    return object


# ---------------------------------------------------------------------------------------
# Conversions and tests
# ---------------------------------------------------------------------------------------

def _parse_numbers(chars: np.ndarray) -> np.ndarray:
    parsed = pd.to_numeric(pd.Series(chars, dtype=object).str.strip(), errors="coerce")
    out = np.asarray(parsed, dtype=float)
    if (np.isnan(out) & ~pd.isna(chars) & (chars != "NA")).any():
        rwarn("NAs introduced by coercion")
    return out


@_register(("as.numeric", "as.double"), ("x", "..."))
def _as_numeric(ctx: CallContext, x: Any, dots: list = ()) -> Any:
    """R: base::as.numeric (a factor gives its codes, as in R)."""
    values = _parse_numbers(to_character(x)) if is_character(x) else \
        to_numeric(x).astype(float)
    return _like(values, x, ctx.env)


@_register("as.integer", ("x", "..."))
def _as_integer(ctx: CallContext, x: Any, dots: list = ()) -> Any:
    """R: base::as.integer (truncation toward zero)."""
    values = _parse_numbers(to_character(x)) if is_character(x) else \
        to_numeric(x).astype(float)
    values = np.trunc(values)
    if not np.isnan(values).any():
        values = values.astype(np.int64)
    return _like(values, x, ctx.env)


@_register("as.character", ("x", "..."))
def _as_character(ctx: CallContext, x: Any, dots: list = ()) -> Any:
    """R: base::as.character (15 significant digits for doubles)."""
    chars = to_character(x)
    if not isinstance(x, pd.Series) and chars.size == 1:
        return chars[0] if chars[0] is not None else NA
    return character_value(chars, ctx.env)


_TRUE_STRINGS = ("T", "TRUE", "true", "True")
_FALSE_STRINGS = ("F", "FALSE", "false", "False")


@_register("as.logical", ("x", "..."))
def _as_logical(ctx: CallContext, x: Any, dots: list = ()) -> Any:
    """R: base::as.logical."""
    if is_character(x) or is_factor(x):
        chars = to_character(x)
        yes = np.isin(chars, _TRUE_STRINGS)
        return logical_value(yes, ~yes & ~np.isin(chars, _FALSE_STRINGS), ctx.env)
    values, na = to_logical(x)
    return logical_value(values, na, ctx.env)


@_register("is.na", ("x",))
def _is_na(ctx: CallContext, x: Any) -> Any:
    """R: base::is.na."""
    mask = na_mask(x)
    if isinstance(x, RMatrix):
        return RMatrix(mask.astype(float), x.colnames, x.index)
    if not isinstance(x, pd.Series):
        return bool(mask[0]) if mask.size == 1 else wrap(mask, ctx.env)
    return pd.Series(mask, index=x.index)


# ---------------------------------------------------------------------------------------
# Factors
# ---------------------------------------------------------------------------------------

def _distinct(x: Any) -> tuple[np.ndarray, Any]:
    """Codes into the distinct non-NA values of ``x`` (-1 for NA) and those values.

    All string work (R's ``as.character``) is then done on the distinct values only.
    """
    if is_factor(x):
        return x.cat.codes.to_numpy(), x.cat.categories
    series = x if isinstance(x, pd.Series) else as_value(np.atleast_1d(np.asarray(x)))
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return codes, pd.Series(np.asarray(uniques), dtype=series.dtype)


def _default_levels(x: Any, codes: np.ndarray, uniques: Any,
                    unique_chars: np.ndarray) -> list[str]:
    """R's ``unique(as.character(sort(unique(x))))``: levels in R's sort order."""
    if is_factor(x):
        used = np.unique(codes)
        return [str(c) for c in uniques[used[used >= 0]]]
    if is_character(x):
        return sorted(set(unique_chars))
    if is_logical(x):
        present = set(unique_chars)
        return [lab for lab in ("FALSE", "TRUE") if lab in present]
    order = np.argsort(to_numeric(uniques).astype(float), kind="stable")
    return list(dict.fromkeys(unique_chars[order]))


def make_factor(x: Any, levels: Any = None, labels: Any = None, exclude: Any = NA,
                ordered: Optional[bool] = None, env: Optional[REnv] = None) -> pd.Series:
    """R's ``factor()`` as a categorical Series.

    R: base::factor
    """
    codes, uniques = _distinct(x)
    unique_chars = to_character(uniques)
    if levels is None:
        level_chars = _default_levels(x, codes, uniques, unique_chars)
    else:
        level_chars = list(to_character(levels))
    if exclude is not None and exclude is not NA and \
            not (isinstance(exclude, float) and np.isnan(exclude)):
        dropped = set(to_character(exclude))
        level_chars = [lev for lev in level_chars if lev not in dropped]
    level_chars = [lev for lev in level_chars if lev is not None]
    dup = pd.Index(level_chars, dtype=object).duplicated()
    if dup.any():
        raise RError(f"factor level [{int(np.argmax(dup)) + 1}] is duplicated")
    unique_codes = pd.Index(level_chars, dtype=object).get_indexer(
        pd.Index(unique_chars, dtype=object))
    codes = np.where(codes >= 0, unique_codes[np.maximum(codes, 0)], -1) \
        if unique_codes.size else np.full(codes.shape, -1)
    if labels is None:
        final = level_chars
    else:
        label_chars = list(to_character(labels))
        if len(label_chars) == len(level_chars):
            final = list(dict.fromkeys(label_chars))
            remap = pd.Index(final, dtype=object).get_indexer(label_chars)
            codes = np.where(codes >= 0, remap[np.maximum(codes, 0)] if remap.size else -1, -1)
        elif len(label_chars) == 1:
            final = [f"{label_chars[0]}{j + 1}" for j in range(len(level_chars))]
        else:
            raise RError(f"invalid 'labels'; length {len(label_chars)} should be 1 "
                         f"or {len(level_chars)}")
    if ordered is None:
        ordered = is_factor(x) and bool(x.cat.ordered)
    cat = pd.Categorical.from_codes(codes, categories=pd.Index(final, dtype=CHARACTER),
                                    ordered=bool(ordered))
    if isinstance(x, pd.Series):
        return pd.Series(cat, index=x.index)
    return wrap(cat, env)


def _flag(value: Any, name: str) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    vals, na = to_logical(value)
    if vals.size != 1 or na[0]:
        raise RError(f"invalid '{name}' argument")
    return bool(vals[0])


@_register("factor", ("x", "levels", "labels", "exclude", "ordered", "nmax"), required=())
def _factor(ctx: CallContext, x: Any = None, levels: Any = None, labels: Any = None,
            exclude: Any = NA, ordered: Any = None, nmax: Any = None) -> pd.Series:
    """R: base::factor(x, levels, labels = levels, exclude = NA, ordered = is.ordered(x))."""
    x = wrap(np.asarray([], dtype=object)) if x is None else x
    return make_factor(x, levels, labels, exclude,
                       None if ordered is None else _flag(ordered, "ordered"), ctx.env)


@_register("ordered", ("x", "levels", "labels", "exclude"), required=())
def _ordered(ctx: CallContext, x: Any = None, levels: Any = None, labels: Any = None,
             exclude: Any = NA) -> pd.Series:
    """R: base::ordered(x, ...) = factor(x, ..., ordered = TRUE)."""
    return _factor(ctx, x, levels, labels, exclude, True)


@_register("as.factor", ("x",))
def _as_factor(ctx: CallContext, x: Any) -> pd.Series:
    """R: base::as.factor (a factor is returned unchanged)."""
    return x if is_factor(x) else make_factor(x, env=ctx.env)


@_register("as.ordered", ("x",))
def _as_ordered(ctx: CallContext, x: Any) -> pd.Series:
    """R: base::as.ordered."""
    if is_factor(x) and x.cat.ordered:
        return x
    return make_factor(x, list(x.cat.categories) if is_factor(x) else None,
                       ordered=True, env=ctx.env)


@_register("relevel", ("x", "ref", "..."), required=("x", "ref"))
def _relevel(ctx: CallContext, x: Any, ref: Any, dots: list = ()) -> pd.Series:
    """R: stats::relevel(x, ref) — make ``ref`` the first level."""
    if not is_factor(x):
        raise RError("'relevel' only for (unordered) factors")
    if x.cat.ordered:
        raise RError("'relevel' only for unordered factors")
    levels = [str(c) for c in x.cat.categories]
    refs = to_character(ref) if is_character(ref) else to_numeric(ref)
    if len(refs) != 1:
        raise RError("'ref' must be of length one")
    if is_character(ref):
        pos = levels.index(refs[0]) + 1 if refs[0] in levels else None
    else:
        pos = None if np.isnan(float(refs[0])) else int(refs[0])
    if pos is None:
        raise RError("'ref' must be an existing level")
    if pos < 1 or pos > len(levels):
        raise RError(f"ref = {pos} must be in 1L:{len(levels)}")
    order = [levels[pos - 1]] + [lev for j, lev in enumerate(levels) if j != pos - 1]
    return make_factor(x, order, exclude=None, env=ctx.env)


def interaction(factors: list[Any], sep: str = ".", lex_order: bool = False,
                drop: bool = False, env: Optional[REnv] = None) -> pd.Series:
    """The factor of all level combinations; the first factor varies fastest unless
    ``lex_order``.

    R: base::interaction
    """
    facs = [f if is_factor(f) else make_factor(f, env=env) for f in factors]
    slow_first = facs if lex_order else facs[::-1]
    sizes = [len(f.cat.categories) for f in slow_first]
    n = max(len(f) for f in facs)
    codes = np.zeros(n, dtype=np.int64)
    missing = np.zeros(n, dtype=bool)
    for f, size in zip(slow_first, sizes):
        c = rep_len(f.cat.codes.to_numpy().astype(np.int64), n)
        missing |= c < 0
        codes = codes * size + np.maximum(c, 0)
    combos = itertools.product(*[[str(v) for v in f.cat.categories] for f in slow_first])
    labels = [sep.join(combo if lex_order else combo[::-1]) for combo in combos]
    codes = np.where(missing, -1, codes)
    if drop:
        used = np.unique(codes[codes >= 0])
        labels = [labels[j] for j in used]
        codes = np.where(codes >= 0, np.searchsorted(used, codes), -1)
    cat = pd.Categorical.from_codes(codes, categories=pd.Index(labels, dtype=CHARACTER))
    return wrap(cat, env)


@_register("interaction", ("...", "drop", "sep", "lex.order"), required=())
def _interaction(ctx: CallContext, dots: list, drop: Any = False, sep: Any = ".",
                 lex_order: Any = False) -> pd.Series:
    """R: base::interaction(..., drop = FALSE, sep = ".", lex.order = FALSE)."""
    if not dots:
        raise RError("No factors specified")
    return interaction([d.value for d in dots], sep=str(sep),
                       lex_order=_flag(lex_order, "lex.order"), drop=_flag(drop, "drop"),
                       env=ctx.env)


@_register("C", ("object", "contr", "how.many", "..."), required=("object",),
           quoted=("contr",))
def _contrasts_of(ctx: CallContext, object: Any, contr: Optional[Node] = None,
                  how_many: Any = None, dots: list = ()) -> pd.Series:
    """Record contrasts on a factor for ``model.matrix``.

    R: stats::C(object, contr, how.many)

    A bare ``poly``, ``helmert``, ``sum``, ``treatment`` or ``SAS`` names R's contrast
    function; a name is kept as a name (resolved with the levels at model-matrix time),
    a function or matrix is turned into the matrix now, as R's ``contrasts<-`` does.
    """
    if not is_factor(object) or len(object.cat.categories) == 0:
        raise RError("object not interpretable as a factor")
    levels = [str(c) for c in object.cat.categories]
    if contr is None:
        spec: Any = "contr.poly" if object.cat.ordered else "contr.treatment"
    elif isinstance(contr, Symbol) and contr.name in SHORTHANDS:
        spec = SHORTHANDS[contr.name]
    elif isinstance(contr, Symbol) and contr.name in CONTRAST_FUNCTIONS:
        spec = CONTRAST_FUNCTIONS[contr.name]
    else:
        spec = ctx.evaluate(contr)
        if isinstance(spec, RMatrix):
            spec = pd.DataFrame(spec.values, columns=list(spec.colnames)) \
                if spec.colnames is not None else spec.values
    if len(levels) < 2:
        raise RError("contrasts can be applied only to factors with 2 or more levels")
    if not isinstance(spec, str):
        many = len(levels) - 1 if how_many is None else int(to_numeric(how_many)[0])
        cm = contrast_matrix(spec, levels, how_many=many)
        spec = pd.DataFrame(cm.matrix, index=pd.Index(levels),
                            columns=None if cm.colnames is None else list(cm.colnames))
    out = object.copy(deep=False)
    out.attrs = {**object.attrs, CONTRASTS_ATTR: spec}
    return out


# ---------------------------------------------------------------------------------------
# Vectors: c, cbind, ifelse, pmin, pmax, summaries
# ---------------------------------------------------------------------------------------

_KIND_ORDER = {"logical": 0, "integer": 1, "double": 2, "character": 3}


def _kind(v: Any) -> str:
    if is_character(v):
        return "character"
    if is_logical(v):
        return "logical"
    if is_factor(v):
        return "integer"
    values = to_numeric(v)
    return "integer" if values.dtype.kind in "iu" else "double"


def _as_kind(v: Any, kind: str) -> np.ndarray:
    if kind == "character":
        return to_character(v)
    values = to_numeric(v)
    return values.astype(float) if kind != "integer" else values


def _combine(parts: list[np.ndarray], kind: str, env: REnv) -> Any:
    values = np.concatenate(parts) if parts else np.zeros(0)
    if kind == "character":
        return character_value(values.astype(object), env)
    if kind == "logical":
        na = np.isnan(values.astype(float))
        return logical_value(np.where(na, 0, values) != 0, na, env)
    return wrap(values, env)


@_register("c", ("...",), required=())
def _c(ctx: CallContext, dots: list) -> Any:
    """R: base::c — concatenation with type promotion (factors combine their levels)."""
    values = [d.value for d in dots if d.value is not None]
    if not values:
        return None
    if all(is_factor(v) for v in values):
        levels = list(dict.fromkeys(str(c) for v in values for c in v.cat.categories))
        chars = np.concatenate([to_character(v) for v in values])
        return make_factor(wrap(pd.array(chars, dtype=CHARACTER)), levels,
                           ordered=False, env=ctx.env)
    kind = max((_kind(v) for v in values), key=_KIND_ORDER.__getitem__)
    return _combine([_as_kind(v, kind).reshape(-1) for v in values], kind, ctx.env)


@_register("cbind", ("...", "deparse.level"), required=())
def _cbind(ctx: CallContext, dots: list, deparse_level: Any = 1) -> RMatrix:
    """R: base::cbind — columns named by argument names or bare symbols.

    With ``deparse.level = 1`` an argument that is a symbol names its column; other
    expressions give ``""``; no names at all gives ``colnames = None``.
    """
    columns, names = [], []
    n = max((len(d.value) if isinstance(d.value, (pd.Series, RMatrix)) else 1
             for d in dots if d.value is not None), default=0)
    for d in dots:
        v = d.value
        if v is None:
            continue
        if is_character(v):
            raise RError("rglm: cbind() of character vectors is not supported")
        if isinstance(v, RMatrix):
            columns.append(v.values)
            names.extend(v.colnames or ("",) * v.values.shape[1])
            continue
        columns.append(rep_len(to_numeric(v).astype(float), n)[:, None])
        names.append(d.name if d.name else (d.node.name if isinstance(d.node, Symbol) else ""))
    values = np.hstack(columns) if columns else np.zeros((0, 0))
    index = ctx.env.index if ctx.env.n == values.shape[0] else None
    return RMatrix(values, tuple(names) if any(names) else None, index)


def _recycled(v: Any, kind: str, n: int) -> np.ndarray:
    return rep_len(_as_kind(v, kind), n)


@_register("ifelse", ("test", "yes", "no"), required=("test", "yes", "no"))
def _ifelse(ctx: CallContext, test: Any, yes: Any, no: Any) -> Any:
    """R: base::ifelse — the result's type is promoted only by the branches used;
    a factor branch contributes its integer codes (as in R)."""
    cond, na = to_logical(test)
    n = cond.size
    use_yes, use_no = (cond & ~na).any(), (~cond & ~na).any()
    kinds = ["logical"] + ([_kind(yes)] if use_yes else []) + ([_kind(no)] if use_no else [])
    kind = max(kinds, key=_KIND_ORDER.__getitem__)
    out = np.full(n, None if kind == "character" else np.nan,
                  dtype=object if kind == "character" else float)
    if use_yes:
        out = np.where(cond & ~na, _recycled(yes, kind, n), out)
    if use_no:
        out = np.where(~cond & ~na, _recycled(no, kind, n), out)
    if kind == "integer" and not np.isnan(out.astype(float)).any():
        out = out.astype(np.int64)
    result = _combine([out], kind, ctx.env)
    if isinstance(test, pd.Series) and len(result) == len(test):
        result.index = test.index
    return result


def _parallel(fname: str, reducers: tuple[np.ufunc, np.ufunc]):
    def impl(ctx: CallContext, dots: list, na_rm: Any = False) -> Any:
        values = [d.value for d in dots]
        if not values:
            raise RError("no arguments")
        if any(is_character(v) or is_factor(v) for v in values):
            raise RError(f"rglm: {fname}() of character or factor values is not supported")
        arrays = [to_numeric(v) for v in values]
        n = max(a.size for a in arrays) if all(a.size for a in arrays) else 0
        stacked = np.vstack([rep_len(a.astype(float), n) for a in arrays])
        # fmin/fmax skip NaN (all NaN: NaN, silently, as R's NA); minimum/maximum keep it
        skip, keep = reducers
        with np.errstate(all="ignore"):
            out = (skip if _flag(na_rm, "na.rm") else keep).reduce(stacked, axis=0)
        if all(a.dtype.kind in "iu" for a in arrays) and not np.isnan(out).any():
            out = out.astype(np.int64)
        template = next((v for v in values if isinstance(v, (pd.Series, RMatrix))), None)
        return _like(out, template, ctx.env)
    return impl


_register("pmin", ("...", "na.rm"), required=())(_parallel("pmin", (np.fmin, np.minimum)))
_register("pmax", ("...", "na.rm"), required=())(_parallel("pmax", (np.fmax, np.maximum)))


def _summary(fname: str, reducer: Callable[[np.ndarray], float], min_count: int = 0):
    def impl(ctx: CallContext, x: Any, na_rm: Any = False, dots: list = (),
             y: Any = None) -> float:
        values = _math_input(x, fname).astype(float).reshape(-1)
        if _flag(na_rm, "na.rm"):
            values = values[~np.isnan(values)]
        elif np.isnan(values).any():
            return float("nan")
        if values.size < min_count:
            return float("nan")
        return float(reducer(values))
    return impl


_register("mean", ("x", "...", "na.rm"))(_summary("mean", np.mean, 1))
_register("sd", ("x", "na.rm"))(_summary("sd", lambda v: np.std(v, ddof=1), 2))
_register("var", ("x", "y", "na.rm"))(_summary("var", lambda v: np.var(v, ddof=1), 2))
_register("median", ("x", "na.rm", "..."))(_summary("median", np.median, 1))


@_register(("sum", "min", "max"), ("...", "na.rm"), required=())
def _sum_min_max(ctx: CallContext, dots: list, na_rm: Any = False) -> float:
    """R: base::sum / min / max over all arguments."""
    fname = ctx.call.fname
    values = np.concatenate([_math_input(d.value, fname).astype(float).reshape(-1)
                             for d in dots]) if dots else np.zeros(0)
    if _flag(na_rm, "na.rm"):
        values = values[~np.isnan(values)]
    if fname == "sum":
        integer = all(not is_character(d.value) and to_numeric(d.value).dtype.kind in "iu"
                      for d in dots)
        return int(values.sum()) if integer and not np.isnan(values).any() \
            else float(values.sum())
    if values.size == 0:
        rwarn(f"no non-missing arguments to {fname}; returning "
              f"{'Inf' if fname == 'min' else '-Inf'}")
        return float("inf") if fname == "min" else float("-inf")
    return float(values.min() if fname == "min" else values.max())


@_register("length", ("x",))
def _length(ctx: CallContext, x: Any) -> int:
    """R: base::length."""
    if isinstance(x, RMatrix):
        return int(x.values.size)
    return len(x) if isinstance(x, pd.Series) else (0 if x is None else 1)


# ---------------------------------------------------------------------------------------
# Stateful transforms: poly and scale
# ---------------------------------------------------------------------------------------

def _numeric_input(x: Any, fname: str) -> np.ndarray:
    if is_character(x) or is_factor(x):
        raise RError(f"non-numeric argument to {fname}")
    return to_numeric(x).astype(float)


def _matrix_index(n: int, x: Any, env: REnv) -> Optional[pd.Index]:
    if isinstance(x, (pd.Series, RMatrix)) and len(x) == n and x.index is not None:
        return x.index
    return env.index if env.n == n else None


@_register("poly", ("x", "...", "degree", "coefs", "raw", "simple"))
def _poly(ctx: CallContext, x: Any, dots: list = (), degree: Any = 1, coefs: Any = None,
          raw: Any = False, simple: Any = False) -> RMatrix:
    """R: stats::poly(x, ..., degree = 1, coefs = NULL, raw = FALSE).

    A single extra positional number is the degree, as in R (``poly(x, 2)``). While
    fitting, the orthogonal polynomial coefficients are recorded in ``ctx.state``; with a
    :class:`FrozenState` holding this call, new data are coded from them.
    """
    if dots:
        if len(dots) == 1 and not isinstance(dots[0].value, (pd.Series, RMatrix)):
            degree = dots[0].value
        else:
            raise RError("rglm: poly() of several variables is not supported")
    deg = int(to_numeric(degree)[0]) if not isinstance(degree, (int, float)) else int(degree)
    values = _numeric_input(x, "poly")
    if _flag(raw, "raw"):
        out = poly_raw(values, deg)
    else:
        fitted = ctx.state.get(ctx.key) if isinstance(ctx.state, FrozenState) else None
        if isinstance(fitted, PolyCoefs):
            out = poly_predict(values, fitted, deg)
        else:
            out, fitted = poly_fit(values, deg)
            if isinstance(ctx.state, MutableMapping):
                ctx.state[ctx.key] = fitted
    return RMatrix(out, poly_colnames(deg), _matrix_index(out.shape[0], x, ctx.env))


def _center_arg(value: Any, name: str) -> Union[bool, np.ndarray]:
    if isinstance(value, (bool, np.bool_)) or is_logical(value):
        return _flag(value, name)
    return to_numeric(value).astype(float)


@_register("scale", ("x", "center", "scale"))
def _scale(ctx: CallContext, x: Any, center: Any = True, scale: Any = True) -> RMatrix:
    """R: base::scale(x, center = TRUE, scale = TRUE).

    While fitting, the centre and scale used are recorded in ``ctx.state``; with a
    :class:`FrozenState` holding this call, new data reuse them.
    """
    if isinstance(x, RMatrix):
        values, names = x.values, x.colnames
    else:
        values, names = _numeric_input(x, "scale"), None
    fitted = ctx.state.get(ctx.key) if isinstance(ctx.state, FrozenState) else None
    if isinstance(fitted, ScaleCoefs):
        out = scale_predict(values, fitted)
    else:
        out, fitted = scale_fit(values, _center_arg(center, "center"),
                                _center_arg(scale, "scale"))
        if isinstance(ctx.state, MutableMapping):
            ctx.state[ctx.key] = fitted
    return RMatrix(out, names, _matrix_index(out.shape[0], x, ctx.env))


# ---------------------------------------------------------------------------------------
# Regression splines: bs and ns (R's splines package)
# ---------------------------------------------------------------------------------------

def _number_arg(value: Any, name: str) -> Optional[np.ndarray]:
    """A numeric argument as float64 values (None stays None: R's NULL)."""
    if value is None:
        return None
    if is_character(value) or is_factor(value):
        raise RError(f"non-numeric argument '{name}'")
    return to_numeric(value).astype(float).reshape(-1)


def _scalar_arg(value: Any, name: str) -> Optional[float]:
    values = _number_arg(value, name)
    return None if values is None or values.size == 0 else float(values[0])


def _spline(ctx: CallContext, x: Any, fit: Callable[[np.ndarray], tuple]) -> RMatrix:
    """The basis of ``x``: from the recorded knots when coding new data, else fitted
    (recording the knots, R's ``makepredictcall``)."""
    values = _numeric_input(x, ctx.call.fname or "bs")
    recorded = ctx.state.get(ctx.key) if isinstance(ctx.state, FrozenState) else None
    if isinstance(recorded, SplineBasis):
        out = spline_predict(values, recorded)
    else:
        out, recorded = fit(values)
        if isinstance(ctx.state, MutableMapping):
            ctx.state[ctx.key] = recorded
    return RMatrix(out, spline_colnames(out.shape[1]), _matrix_index(out.shape[0], x, ctx.env))


@_register("bs", ("x", "df", "knots", "degree", "intercept", "Boundary.knots",
                  "warn.outside"))
def _bs(ctx: CallContext, x: Any, df: Any = None, knots: Any = None, degree: Any = 3,
        intercept: Any = False, Boundary_knots: Any = None, warn_outside: Any = True
        ) -> RMatrix:
    """R: splines::bs(x, df = NULL, knots = NULL, degree = 3, intercept = FALSE,
    Boundary.knots = range(x), warn.outside = TRUE).

    New data are coded with the fitting data's knots; as R's ``makepredictcall.bs``
    keeps only ``x`` of the call, the other arguments are then those recorded.
    """
    return _spline(ctx, x, lambda v: bs(
        v, df=_scalar_arg(df, "df"), knots=_number_arg(knots, "knots"),
        degree=_scalar_arg(degree, "degree"), intercept=_flag(intercept, "intercept"),
        boundary_knots=_number_arg(Boundary_knots, "Boundary.knots"),
        warn_outside=_flag(warn_outside, "warn.outside")))


@_register("ns", ("x", "df", "knots", "intercept", "Boundary.knots"))
def _ns(ctx: CallContext, x: Any, df: Any = None, knots: Any = None, intercept: Any = False,
        Boundary_knots: Any = None) -> RMatrix:
    """R: splines::ns(x, df = NULL, knots = NULL, intercept = FALSE,
    Boundary.knots = range(x)).

    New data are coded with the fitting data's knots (R's ``makepredictcall.ns``).
    """
    return _spline(ctx, x, lambda v: ns(
        v, df=_scalar_arg(df, "df"), knots=_number_arg(knots, "knots"),
        intercept=_flag(intercept, "intercept"),
        boundary_knots=_number_arg(Boundary_knots, "Boundary.knots")))


# ---------------------------------------------------------------------------------------
# Contrast functions (for C(f, contr.treatment(3, base = 2)) and the like)
# ---------------------------------------------------------------------------------------

def _contrast_value(frame: pd.DataFrame) -> RMatrix:
    names = None if isinstance(frame.columns, pd.RangeIndex) else \
        tuple(str(c) for c in frame.columns)
    return RMatrix(frame.to_numpy(dtype=float), names, None)


def _contrast_n(n: Any) -> Any:
    if is_character(n) or is_factor(n):
        return list(to_character(n))
    values = to_numeric(n)
    return values[0] if values.size == 1 else list(values)


@_register("contr.treatment", ("n", "base", "contrasts", "sparse"), required=("n",))
def _contr_treatment(ctx: CallContext, n: Any, base: Any = 1, contrasts: Any = True,
                     sparse: Any = False) -> RMatrix:
    """R: stats::contr.treatment."""
    return _contrast_value(contr_treatment(_contrast_n(n), int(to_numeric(base)[0]),
                                           _flag(contrasts, "contrasts")))


def _simple_contrast(fname: str):
    def impl(ctx: CallContext, n: Any, contrasts: Any = True, sparse: Any = False) -> RMatrix:
        return _contrast_value(CONTRAST_FUNCTIONS[fname](_contrast_n(n),
                                                         contrasts=_flag(contrasts, "contrasts")))
    return impl


for _name in ("contr.sum", "contr.helmert", "contr.SAS"):
    _register(_name, ("n", "contrasts", "sparse"), required=("n",))(_simple_contrast(_name))


@_register("contr.poly", ("n", "scores", "contrasts", "sparse"), required=("n",))
def _contr_poly(ctx: CallContext, n: Any, scores: Any = None, contrasts: Any = True,
                sparse: Any = False) -> RMatrix:
    """R: stats::contr.poly."""
    sc = None if scores is None else to_numeric(scores).astype(float)
    return _contrast_value(contr_poly(_contrast_n(n), sc, _flag(contrasts, "contrasts")))
