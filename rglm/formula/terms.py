"""R's terms object: the expansion of a model formula into variables and terms.

R: ``stats::terms.formula`` (C ``termsform`` in ``src/library/stats/src/model.c``).

A *variable* is any expression that is not a formula operator (``x``, ``log(u)``,
``poly(x, 2)``, ``offset(log(n))``). A *term* is a set of variables; it is represented
here, as in R, by a bit set (a Python ``int`` whose bit ``i`` stands for variable ``i``).
The operators act on lists of terms:

==============  ===============================================================
``a + b``       terms of ``a`` then terms of ``b``
``a:b``         every union of a term of ``a`` with a term of ``b``
``a * b``       ``a + b + a:b``
``a %in% b``    every term of ``a`` united with *all* variables of ``b``
``a / b``       ``a`` plus every term of ``b`` united with all variables of ``a``
``(a)^n``       all unions of up to ``n`` terms of ``a``
``a - b``       terms of ``a`` that are not terms of ``b``; ``- 1`` drops the intercept
``0``, ``1``    intercept off / on (inverted under ``-``), wherever they appear,
                including inside parentheses: ``(f - 1)`` removes the intercept
``.``           every data column not used on the left-hand side
==============  ===============================================================

Duplicated and empty terms are removed; terms containing an ``offset()`` variable are
removed (their variables stay in ``variables`` and are listed in ``offsets``); the
remaining terms are sorted by order (number of variables), stably.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from typing import Generator, Iterable, Iterator, Optional, Sequence, Union

import numpy as np

from ..errors import RError
from .ast import Arg, Call, Constant, Node, Number, Symbol, trampoline, walk
from .deparse import deparse1
from .parse import parse_expr, parse_formula

__all__ = ["Terms", "terms", "drop_terms", "delete_response", "formula_rhs_from_labels"]

_FORMULA_OPS = frozenset({"+", ":", "*", "%in%", "/", "^", "-", "("})


@dataclass(frozen=True)
class Terms:
    """R's ``terms`` object.

    R: the value of ``stats::terms(formula, data = data)`` and its attributes.

    Attributes
    ----------
    formula : Call
        The ``~`` call with ``.`` expanded (R: the terms object itself as a formula).
    variables : tuple of Node
        Every variable, response first, then in order of first appearance; ``offset()``
        calls included (R: ``attr(, "variables")``).
    variable_names : tuple of str
        ``deparse1`` of each variable (R: ``rownames(attr(, "factors"))``).
    response : int or None
        Index of the response in ``variables`` (always 0) or None (R: ``attr(,
        "response")`` is 1 / 0).
    term_labels : tuple of str
        The terms, variables joined by ``:`` in variable order (R: ``attr(,
        "term.labels")``).
    factors : numpy.ndarray
        ``len(variables) x len(term_labels)`` int matrix: 0 = variable not in the term,
        1 = coded by contrasts, 2 = coded by indicators for all levels (R: ``attr(,
        "factors")``). Read-only.
    order : tuple of int
        Number of variables in each term (R: ``attr(, "order")``).
    intercept : bool
        Whether the model has an intercept (R: ``attr(, "intercept")``).
    offsets : tuple of int
        0-based indices in ``variables`` of the ``offset()`` variables (R's ``attr(,
        "offset")`` holds the same positions 1-based).
    response_node : Node or None
        The left-hand side expression, or None for a one-sided formula.
    term_vars : tuple of tuple of int
        The variable indices of each term, increasing.
    """

    formula: Call
    variables: tuple
    variable_names: tuple
    response: Optional[int]
    term_labels: tuple
    factors: np.ndarray = field(compare=False, repr=False)
    order: tuple
    intercept: bool
    offsets: tuple
    response_node: Optional[Node]
    term_vars: tuple

    @property
    def is_empty_model(self) -> bool:
        """No terms and no intercept (R: ``is.empty.model``): ``y ~ 0``, ``y ~ -1 + offset(o)``."""
        return not self.term_labels and not self.intercept

    def predictor_variables(self) -> tuple:
        """Indices of the non-response variables (offsets included), as R's ``.getXlevels``."""
        return tuple(i for i in range(len(self.variables)) if i != self.response)


# --------------------------------------------------------------------------------------
# Step 1: extract the variables (R's ExtractVars / InstallVar)
# --------------------------------------------------------------------------------------

def _is_number(node: Node, value: Optional[float] = None) -> bool:
    if isinstance(node, Number):
        return value is None or node.value == value
    if isinstance(node, Constant) and node.name in ("TRUE", "FALSE"):
        # R's isNumeric() counts logicals: TRUE acts as 1, FALSE as 0.
        v = 1.0 if node.name == "TRUE" else 0.0
        return value is None or v == value
    return False


def _is_zero_one(node: Node) -> bool:
    return _is_number(node, 0.0) or _is_number(node, 1.0)


def _same_var(a: Node, b: Node) -> bool:
    """R's MatchVar: structural equality, numbers compared by value."""
    pairs = [(a, b)]
    while pairs:  # an explicit stack: variables such as I(x1 + ... + x999) are deep
        x, y = pairs.pop()
        if isinstance(x, Number) and isinstance(y, Number):
            if not (x.value == y.value or (x.value != x.value and y.value != y.value)):
                return False
        elif isinstance(x, Call) and isinstance(y, Call):
            if len(x.args) != len(y.args) or any(
                    p.name != q.name for p, q in zip(x.args, y.args)):
                return False
            pairs.append((x.fn, y.fn))
            pairs.extend((p.value, q.value) for p, q in zip(x.args, y.args))
        elif x != y:
            return False
    return True


class _Builder:
    """Holds the state R keeps in globals while expanding one formula.

    ``extract`` and ``encode`` are R's recursive ExtractVars and EncodeVars, written as
    :func:`~rglm.formula.ast.trampoline` steps (``yield child`` where R recurses), so that
    a formula of thousands of terms, a ``+`` chain as deep as it is long, expands.
    """

    def __init__(self, framenames: Optional[list]):
        self.variables: list = []
        self.framenames = framenames
        self.have_dot = False
        self.intercept = True
        self.parity = True
        # symbols already installed, by name: most variables are plain names, and a
        # linear search per variable would make a formula of n terms cost n^2 compares
        self._symbols: dict = {}

    # -- variables ---------------------------------------------------------------------
    def install(self, var: Node) -> int:
        if not (isinstance(var, (Symbol, Call)) or _is_zero_one(var)):
            raise RError("invalid term in model formula")
        if isinstance(var, Symbol):
            i = self._symbols.get(var.name)
            if i is not None:
                return i
        else:
            for i, v in enumerate(self.variables):
                if _same_var(v, var):
                    return i
        self.variables.append(var)
        if isinstance(var, Symbol):
            self._symbols[var.name] = len(self.variables) - 1
        return len(self.variables) - 1

    def extract(self, rhs: Node) -> None:
        trampoline(self._extract, rhs)

    def encode(self, rhs: Node) -> list:
        return trampoline(self._encode, rhs)

    def _extract(self, node: Node) -> Iterator[Node]:
        if _is_zero_one(node):
            return
        if isinstance(node, Symbol):
            if node.name == ".":
                self.have_dot = True
            # R installs the data columns in place of *any* symbol met after a '.'; such
            # a symbol is only installed later, while encoding (so it comes last).
            if self.have_dot and self.framenames is not None:
                for name in self.framenames:
                    self.install(Symbol(name))
            else:
                self.install(node)
            return
        if not isinstance(node, Call):
            raise RError("invalid model formula in ExtractVars")
        op = node.fname
        args = [a.value for a in node.args]
        if op == "~":
            raise RError("invalid model formula")
        if op == "^":
            if not _is_number(args[1]):
                raise RError("invalid power in formula")
            yield args[0]
            return
        if op in _FORMULA_OPS:
            for a in args:
                yield a
            return
        self.install(node)

    # -- terms -------------------------------------------------------------------------
    def _encode(self, node: Node) -> Generator[Node, dict, dict]:
        """R's EncodeVars: the terms (bit sets) of a formula expression, in order.

        Each result is an ordered set (a dict with None values) without empty terms, so
        that ``a + b`` adds ``b``'s terms to ``a``'s in place and a chain of n terms
        costs n steps, not n^2 (R's TrimRepeats).
        """
        if _is_number(node, 1.0):
            self.intercept = self.parity
            return {}
        if _is_number(node, 0.0):
            self.intercept = not self.parity
            return {}
        if isinstance(node, Symbol):
            if node.name == "." and self.framenames is not None:
                seen = set()
                for name in self.framenames:
                    if name in seen:
                        raise RError(f"duplicated name '{name}' in data frame using '.'")
                    seen.add(name)
                return _trim(1 << self.install(Symbol(name)) for name in self.framenames)
            return {1 << self.install(node): None}
        if not isinstance(node, Call):
            raise RError("invalid model formula in EncodeVars")
        op = node.fname
        args = [a.value for a in node.args]
        if op in ("~", "(") or (op == "+" and len(args) == 1):
            return (yield args[-1])
        if op == "+":
            left = yield args[0]
            left.update((yield args[1]))  # each result is fresh: ours to extend
            return left
        if op == "^":
            n = _power_of(args[1])
            left = yield args[0]
            right = left
            for _ in range(n - 1):
                right = _trim(l | r for l in left for r in right)
            return right
        if op == "-":
            left = (yield args[0]) if len(args) == 2 else {}
            self.parity = not self.parity
            right = yield args[-1]
            self.parity = not self.parity
            for t in right:
                left.pop(t, None)
            return left
        if op in (":", "*", "%in%", "/"):
            left = yield args[0]
            right = yield args[1]
            if op == ":":
                return _trim(l | r for l in left for r in right)
            if op == "*":
                return _trim([*left, *right, *(l | r for l in left for r in right)])
            if op == "%in%":
                allright = _union(right)
                return _trim(l | allright for l in left)
            allleft = _union(left)
            return _trim([*left, *(r | allleft for r in right)])
        return {1 << self.install(node): None}


def _power_of(exponent: Node) -> int:
    """The ``n`` of ``(a)^n``, which must be a number above 1."""
    value = exponent.value if isinstance(exponent, Number) else (
        1.0 if _is_number(exponent, 1.0) else 0.0)
    if value != value or int(value) <= 1:
        raise RError("invalid power in formula")
    return int(value)


def _union(terms_: list) -> int:
    out = 0
    for t in terms_:
        out |= t
    return out


def _trim(terms_: Iterable[int]) -> dict:
    """R's TrimRepeats: drop empty terms and later duplicates (an ordered set: a dict)."""
    return dict.fromkeys(t for t in terms_ if t)


def _bits(term: int) -> tuple:
    """The variable indices of a term, increasing."""
    out = []
    while term:
        low = term & -term
        out.append(low.bit_length() - 1)
        term ^= low
    return tuple(out)


def _term_code(sorted_terms: list, j: int, var: int) -> int:
    """R's TermCode: 1 (contrasts) if the term without ``var`` is empty or contained in an
    earlier term, else 2 (indicators for every level)."""
    rest = sorted_terms[j] & ~(1 << var)
    if rest == 0:
        return 1
    for t in sorted_terms[:j]:
        if rest & ~t == 0:
            return 1
    return 2


# --------------------------------------------------------------------------------------
# '.' expansion of the formula text (R's ExpandDots, as used by termsform)
# --------------------------------------------------------------------------------------

def _lhs_symbols(node: Node) -> set:
    return {n.name for n in walk(node) if isinstance(n, Symbol)}


def _paren(node: Node) -> Call:
    return Call(Symbol("("), (Arg(None, node),))


def _expand_dots(node: Node, value: Node) -> Node:
    """Replace ``.`` by ``value`` (``a + b + c``), parenthesised where R's ExpandDots does."""
    return trampoline(functools.partial(_expand_dots_step, value=value), node)


def _expand_dots_step(node: Node, value: Node) -> Generator[Node, Node, Node]:
    op = value.fname if isinstance(value, Call) else None
    if isinstance(node, Symbol):
        return value if node.name == "." else node
    if not isinstance(node, Call):
        return node
    f = node.fname
    args = [a.value for a in node.args]
    pm = ("+", "-")
    if f == "+":
        parens = [()] * len(args)
    elif f in ("-", "*", "/"):
        parens = [pm] * len(args)
    elif f == ":" and len(args) == 2:
        parens = [pm + ("*", "/"), pm]
    elif f == "^" and len(args) == 2:
        parens = [pm + ("*", "/", ":"), pm]
    else:
        fn = yield node.fn
        new = []
        for a in args:
            new.append((yield a))
        return Call(fn, tuple(Arg(a.name, v) for a, v in zip(node.args, new)))
    new = []
    for arg, paren_ops in zip(args, parens):
        if isinstance(arg, Symbol) and arg.name == "." and op in paren_ops:
            new.append(_paren(value))
        else:
            new.append((yield arg))
    return Call(node.fn, tuple(Arg(a.name, v) for a, v in zip(node.args, new)))


def _plus_chain(nodes: Sequence[Node]) -> Node:
    out = nodes[0]
    for n in nodes[1:]:
        out = Call(Symbol("+"), (Arg(None, out), Arg(None, n)))
    return out


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------

def terms(formula: Union[str, Call], data_names: Optional[Iterable[str]] = None,
          keep_order: bool = False) -> Terms:
    """Expand a model formula into R's terms object.

    R: ``stats::terms.formula(x, data = data, keep.order = FALSE)``.

    Parameters
    ----------
    formula : str or Call
        A ``~`` formula (text or parsed).
    data_names : iterable of str, optional
        Column names of the data, used to expand ``.`` (R's ``data`` argument). Names
        used anywhere on the left-hand side are excluded from ``.``.
    keep_order : bool
        Keep terms in formula order instead of sorting by order (R's ``keep.order``).

    Returns
    -------
    Terms

    Raises
    ------
    RError
        ``argument is not a valid model``, ``invalid power in formula``, ``invalid model
        formula``, ``'.' in formula and no 'data' argument``, ... (R's texts).
    """
    if isinstance(formula, str):
        formula = parse_formula(formula)
    if not (isinstance(formula, Call) and formula.fname == "~" and len(formula.args) in (1, 2)):
        raise RError("argument is not a valid model")
    has_response = len(formula.args) == 2
    lhs = formula.args[0].value if has_response else None
    rhs = formula.args[-1].value

    framenames = None
    if data_names is not None:
        framenames = [str(n) for n in data_names]
        if has_response:
            used = _lhs_symbols(lhs)
            framenames = [n for n in framenames if n not in used]

    b = _Builder(framenames)
    if has_response:
        b.install(lhs)
    b.extract(rhs)
    encoded = b.encode(rhs)
    if b.have_dot and framenames is None:
        raise RError("'.' in formula and no 'data' argument")

    variables = tuple(b.variables)
    names = tuple(deparse1(v, backtick=True) for v in variables)
    first = 1 if has_response else 0
    offsets = tuple(i for i in range(first, len(names)) if names[i].startswith("offset("))
    offmask = _union([1 << i for i in offsets])
    kept = [t for t in encoded if not t & offmask]

    counts = [bin(t).count("1") for t in kept]
    if keep_order:
        ordered = kept
    else:
        ordered = [t for k in range(max(counts, default=0) + 1)
                   for t, c in zip(kept, counts) if c == k]
    term_vars = tuple(_bits(t) for t in ordered)
    labels = tuple(":".join(names[i] for i in tv) for tv in term_vars)

    fac = np.zeros((len(variables), len(ordered)), dtype=np.int64)
    for j, tv in enumerate(term_vars):
        for i in tv:
            fac[i, j] = _term_code(ordered, j, i)
    fac.setflags(write=False)

    expanded = formula
    if b.have_dot and framenames:
        value = _plus_chain([Symbol(n) for n in framenames])
        new_rhs = _expand_dots(rhs, value)
        expanded = Call(formula.fn, formula.args[:-1] + (Arg(None, new_rhs),))

    return Terms(
        formula=expanded,
        variables=variables,
        variable_names=names,
        response=0 if has_response else None,
        term_labels=labels,
        factors=fac,
        order=tuple(len(tv) for tv in term_vars),
        intercept=b.intercept,
        offsets=offsets,
        response_node=lhs,
        term_vars=term_vars,
    )


def formula_rhs_from_labels(labels: Sequence[str], intercept: bool) -> Node:
    """The right-hand side ``a + b + ...`` (``- 1`` without intercept) built from term
    labels, as R's ``reformulate``."""
    parts = [parse_expr(lab) for lab in labels] or [Number(1.0)]
    rhs = _plus_chain(parts)
    if not intercept:
        rhs = Call(Symbol("-"), (Arg(None, rhs), Arg(None, Number(1.0))))
    return rhs


def drop_terms(t: Terms, keep: Iterable[int], keep_response: bool = False) -> Terms:
    """Terms object with only the terms at positions ``keep`` (0-based).

    R: ``stats::drop.terms(termobj, dropx, keep.response)`` (which names the terms to
    drop instead): the formula is rebuilt from the kept term labels (R's
    ``reformulate``), keeping the intercept; offsets are not carried over, as in R.
    Keeping no term gives ``~ 1`` (R errors there).
    """
    keep = list(keep)
    labels = [t.term_labels[i] for i in keep]
    rhs = formula_rhs_from_labels(labels, t.intercept)
    if keep_response and t.response_node is not None:
        formula = Call(Symbol("~"), (Arg(None, t.response_node), Arg(None, rhs)))
    else:
        formula = Call(Symbol("~"), (Arg(None, rhs),))
    return terms(formula)


def delete_response(t: Terms) -> Terms:
    """The terms without the response (for coding new data).

    R: ``stats::delete.response``.
    """
    if t.response is None:
        return t
    keep_rows = [i for i in range(len(t.variables)) if i != t.response]
    fac = t.factors[keep_rows, :].copy()
    fac.setflags(write=False)
    formula = Call(t.formula.fn, (t.formula.args[-1],))
    return replace(
        t,
        formula=formula,
        variables=tuple(t.variables[i] for i in keep_rows),
        variable_names=tuple(t.variable_names[i] for i in keep_rows),
        response=None,
        factors=fac,
        offsets=tuple(i - 1 for i in t.offsets),
        response_node=None,
        term_vars=tuple(tuple(i - 1 for i in tv) for tv in t.term_vars),
    )
