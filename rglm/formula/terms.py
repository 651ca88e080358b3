"""R's terms object: the expansion of a model formula into variables and terms.

R: ``stats::terms.formula`` (C ``termsform`` in ``src/library/stats/src/model.c``).

:func:`terms` runs termsform's steps, one function each:

1. the variables (R: ``ExtractVars``) and
2. the terms as bit sets (R: ``EncodeVars``), both in :mod:`rglm.formula.encode`, which
   documents the operators; ``.`` stands for the data's columns not used on the
   left-hand side;

   a. the variable names (``deparse``);
   b. the offsets: terms containing an ``offset()`` variable are removed (their
      variables stay in ``variables`` and are listed in ``offsets``);

3. the terms sorted by order (number of variables), stably;
4. the ``factors`` matrix (R's ``TermCode``);
5. the term labels;
6. ``.`` replaced by the data's columns in the returned formula (R's ``ExpandDots``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from typing import Generator, Iterable, Optional, Sequence, Union

import numpy as np

from ..errors import RError
from .ast import Arg, Call, Node, Number, Symbol, trampoline, walk
from .deparse import deparse1
from .encode import encode_formula, term_bits, term_union
from .parse import parse_expr, parse_formula

__all__ = ["Terms", "terms", "drop_terms", "delete_response", "formula_rhs_from_labels",
           "expand_dots"]


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
# terms(): termsform's steps
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
    formula = _model_formula(formula)
    lhs = formula.args[0].value if len(formula.args) == 2 else None
    rhs = formula.args[-1].value
    framenames = _frame_names(data_names, lhs)
    encoded = encode_formula(lhs, rhs, framenames)
    if encoded.have_dot and framenames is None:
        raise RError("'.' in formula and no 'data' argument")
    names = _variable_names(encoded.variables)
    offsets = _offset_positions(names, first=0 if lhs is None else 1)
    ordered = _order_terms(_drop_offset_terms(encoded.terms, offsets), keep_order)
    term_vars = tuple(term_bits(t) for t in ordered)
    return Terms(
        formula=_substitute_dot(formula, framenames) if encoded.have_dot else formula,
        variables=encoded.variables,
        variable_names=names,
        response=None if lhs is None else 0,
        term_labels=_term_labels(term_vars, names),
        factors=_factor_pattern(ordered, term_vars, len(names)),
        order=tuple(len(tv) for tv in term_vars),
        intercept=encoded.intercept,
        offsets=offsets,
        response_node=lhs,
        term_vars=term_vars,
    )


def _model_formula(formula: Union[str, Call]) -> Call:
    """The parsed ``~`` call, checked to be a one- or two-sided formula (R: termsform's
    "Do we have a model formula?")."""
    if isinstance(formula, str):
        formula = parse_formula(formula)
    if not (isinstance(formula, Call) and formula.fname == "~" and len(formula.args) in (1, 2)):
        raise RError("argument is not a valid model")
    return formula


def _frame_names(data_names: Optional[Iterable[str]], lhs: Optional[Node]) -> Optional[list]:
    """The columns ``.`` stands for: the data's names less every name used on the
    left-hand side (R: termsform's ``framenames`` and ``CheckRHS``); None without data."""
    if data_names is None:
        return None
    framenames = [str(n) for n in data_names]
    if lhs is None:
        return framenames
    used = {n.name for n in walk(lhs) if isinstance(n, Symbol)}
    return [n for n in framenames if n not in used]


def _variable_names(variables: tuple) -> tuple:
    """Step 2a: each variable deparsed, back-quoted where not syntactic (R: the row
    names of ``attr(, "factors")``)."""
    return tuple(deparse1(v, backtick=True) for v in variables)


def _offset_positions(names: tuple, first: int) -> tuple:
    """Step 2b: the positions of the ``offset()`` variables from ``first`` on (the
    response is not one), found as R finds them: by the deparsed name's start."""
    return tuple(i for i in range(first, len(names)) if names[i].startswith("offset("))


def _drop_offset_terms(terms_: tuple, offsets: tuple) -> list:
    """Step 2b: the terms without those containing an offset variable."""
    offmask = term_union(1 << i for i in offsets)
    return [t for t in terms_ if not t & offmask]


def _order_terms(terms_: list, keep_order: bool) -> list:
    """Step 3: the terms by order (number of variables), otherwise in formula order
    (R: reordering by ``BitCount`` unless ``keep.order``); Python's sort is stable."""
    return list(terms_) if keep_order else sorted(terms_, key=int.bit_count)


def _factor_pattern(ordered: list, term_vars: tuple, nvar: int) -> np.ndarray:
    """Step 4: R's ``factors`` matrix, variables by terms: 0 where the variable is not
    in the term, else its :func:`_term_code`. Read-only."""
    fac = np.zeros((nvar, len(ordered)), dtype=np.int64)
    cells = [(i, j, _term_code(ordered, j, i)) for j, tv in enumerate(term_vars) for i in tv]
    if cells:
        rows, cols, codes = zip(*cells)
        fac[list(rows), list(cols)] = codes
    fac.setflags(write=False)
    return fac


def _term_code(ordered: list, j: int, var: int) -> int:
    """R's TermCode: 1 (contrasts) if the term without ``var`` is empty or contained in an
    earlier term, else 2 (indicators for every level)."""
    rest = ordered[j] & ~(1 << var)
    if rest == 0:
        return 1
    for t in ordered[:j]:
        if rest & ~t == 0:
            return 1
    return 2


def _term_labels(term_vars: tuple, names: tuple) -> tuple:
    """Step 5: each term's variable names joined by ``:``, in variable order."""
    return tuple(":".join(names[i] for i in tv) for tv in term_vars)


def _substitute_dot(formula: Call, framenames: Optional[list]) -> Call:
    """Step 6: the formula with ``.`` replaced by the data's columns joined by ``+``
    (unchanged when there are none)."""
    if not framenames:
        return formula
    value = _plus_chain([Symbol(n) for n in framenames])
    new_rhs = expand_dots(formula.args[-1].value, value)
    return Call(formula.fn, formula.args[:-1] + (Arg(None, new_rhs),))


# --------------------------------------------------------------------------------------
# '.' expansion of a formula (R's ExpandDots)
# --------------------------------------------------------------------------------------

def _paren(node: Node) -> Call:
    return Call(Symbol("("), (Arg(None, node),))


def expand_dots(node: Node, value: Node) -> Node:
    """Replace ``.`` by ``value`` (``a + b + c``), parenthesised where R does.

    R: ``ExpandDots`` (C, ``model.c``), used by ``terms.formula`` with ``data`` and by
    ``update.formula``.
    """
    return trampoline(functools.partial(_expand_dots_step, value=value), node)


# Where a '.' argument of an operator is parenthesised, by the operator of the value put
# in its place: e.g. '. * a' with '. = b + c' becomes '(b + c) * a'.
_PM = ("+", "-")
_DOT_PARENS = {"+": ((), ()), "-": (_PM, _PM), "*": (_PM, _PM), "/": (_PM, _PM),
               ":": (_PM + ("*", "/"), _PM), "^": (_PM + ("*", "/", ":"), _PM)}


def _expand_dots_step(node: Node, value: Node) -> Generator[Node, Node, Node]:
    if isinstance(node, Symbol):
        return value if node.name == "." else node
    if not isinstance(node, Call):
        return node
    parens = _DOT_PARENS.get(node.fname)
    if parens is None or (node.fname in (":", "^") and len(node.args) != 2):
        fn = yield node.fn
        new = []
        for a in node.args:
            new.append((yield a.value))
        return Call(fn, tuple(Arg(a.name, v) for a, v in zip(node.args, new)))
    op = value.fname if isinstance(value, Call) else None
    new = []
    for k, arg in enumerate(node.args):
        if isinstance(arg.value, Symbol) and arg.value.name == "." and op in parens[min(k, 1)]:
            new.append(_paren(value))
        else:
            new.append((yield arg.value))
    return Call(node.fn, tuple(Arg(a.name, v) for a, v in zip(node.args, new)))


def _plus_chain(nodes: Sequence[Node]) -> Node:
    out = nodes[0]
    for n in nodes[1:]:
        out = Call(Symbol("+"), (Arg(None, out), Arg(None, n)))
    return out


# --------------------------------------------------------------------------------------
# Derived terms objects
# --------------------------------------------------------------------------------------

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
