"""R's term algebra: a formula's variables, and its terms as bit sets.

R: steps 1 and 2 of ``termsform`` (C, ``src/library/stats/src/model.c``): ``ExtractVars``
and ``InstallVar`` collect the variables, ``EncodeVars`` and the operators ``PlusTerms``,
``InteractTerms``, ``CrossTerms``, ``PowerTerms``, ``InTerms``, ``NestTerms``,
``DeleteTerms`` turn the right-hand side into terms.

A *variable* is any expression that is not a formula operator (``x``, ``log(u)``,
``poly(x, 2)``, ``offset(log(n))``). A *term* is a set of variables, represented as in R
by a bit set (a Python ``int`` whose bit ``i`` stands for variable ``i``). The operators
act on ordered sets of terms:

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

Empty terms and later repeats are dropped as they arise (R's ``TrimRepeats``).

Conventions: an ordered set of terms is a ``dict`` with None values (insertion order,
O(1) membership), so that ``a + b`` extends ``a``'s set in place and a chain of ``n``
terms costs ``n`` steps, not ``n^2``. The recursive walks are
:func:`~rglm.formula.ast.trampoline` steps (``yield child`` where R recurses): a formula
of thousands of terms is a ``+`` chain as deep as it is long.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Generator, Iterable, Iterator, Optional, Sequence

from ..errors import RError
from .ast import Call, Constant, Node, Number, Symbol, trampoline, walk

__all__ = ["Encoded", "encode_formula", "term_union", "term_bits"]

_FORMULA_OPS = frozenset({"+", ":", "*", "%in%", "/", "^", "-", "("})

TermSet = dict
"""An ordered set of terms (bit sets): a dict with None values."""


@dataclass(frozen=True)
class Encoded:
    """The outcome of termsform's steps 1 and 2.

    Attributes
    ----------
    variables : tuple of Node
        Every variable, the response first, then in order of first appearance (R's
        ``varlist``, ``attr(, "variables")``).
    terms : tuple of int
        The right-hand side's terms as bit sets, in formula order, without empty
        terms or repeats; offset terms still included.
    intercept : bool
        Whether the formula keeps the intercept.
    have_dot : bool
        Whether the right-hand side uses ``.``.
    """

    variables: tuple
    terms: tuple
    intercept: bool
    have_dot: bool


def encode_formula(lhs: Optional[Node], rhs: Node,
                   framenames: Optional[Sequence[str]]) -> Encoded:
    """The variables and terms of ``lhs ~ rhs``.

    R: termsform's step 1 (``ExtractVars``: the variables) and step 2 (``EncodeVars``:
    the terms as bit sets).

    Parameters
    ----------
    lhs : Node or None
        The response expression (installed first), None for a one-sided formula.
    rhs : Node
        The right-hand side.
    framenames : sequence of str or None
        The data's column names that ``.`` stands for (those on the left-hand side
        already removed), or None without data.
    """
    encoder = _Encoder(framenames)
    if lhs is not None:
        encoder.install(lhs)
    trampoline(encoder.extract_step, rhs)
    terms_ = trampoline(encoder.encode_step, rhs)
    return Encoded(tuple(encoder.variables), tuple(terms_), encoder.intercept,
                   encoder.have_dot)


# --------------------------------------------------------------------------------------
# Variables: R's isZeroOne, MatchVar, InstallVar
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


_NAN = "NaN"  # the key of every NaN literal: a string never equals a float


def _match_key(var: Node) -> object:
    """A hashable key, equal for two variables exactly when they are one variable.

    R: ``MatchVar``, as rglm applies it: structural equality, with argument names,
    numbers compared by value (``1L`` matches ``1``; a ``NaN`` literal matches
    ``NaN``). The key is the tree in pre-order with each call's argument names (its
    arity) in its token, which determines the tree; one dictionary look-up per
    variable keeps a formula of ``n`` call variables linear, not ``n^2`` tree compares.
    """
    if isinstance(var, Symbol):
        return var
    return tuple(_key_token(node) for node in walk(var))


def _key_token(node: Node) -> object:
    if isinstance(node, Call):
        return ("call", tuple(a.name for a in node.args))
    if isinstance(node, Number):
        return ("num", node.value if node.value == node.value else _NAN)
    return node  # Symbol, String, Constant: frozen dataclasses, equal by class and value


# --------------------------------------------------------------------------------------
# Terms: R's TrimRepeats and the operators of EncodeVars
# --------------------------------------------------------------------------------------

def _trim(terms_: Iterable[int]) -> TermSet:
    """R's TrimRepeats: drop empty terms and later duplicates."""
    return dict.fromkeys(t for t in terms_ if t)


def term_union(terms_: Iterable[int]) -> int:
    """The bit set of every variable of the terms (R: ``OrBits`` over a list)."""
    out = 0
    for t in terms_:
        out |= t
    return out


def term_bits(term: int) -> tuple:
    """The variable indices of a term, increasing (R: ``GetBit`` over the variables)."""
    out = []
    while term:
        low = term & -term
        out.append(low.bit_length() - 1)
        term ^= low
    return tuple(out)


def _interact_terms(left: TermSet, right: TermSet) -> TermSet:
    """``a:b`` (R: InteractTerms)."""
    return _trim(l | r for l in left for r in right)


def _cross_terms(left: TermSet, right: TermSet) -> TermSet:
    """``a * b`` = ``a + b + a:b`` (R: CrossTerms)."""
    return _trim([*left, *right, *(l | r for l in left for r in right)])


def _in_terms(left: TermSet, right: TermSet) -> TermSet:
    """``a %in% b`` (R: InTerms)."""
    allright = term_union(right)
    return _trim(l | allright for l in left)


def _nest_terms(left: TermSet, right: TermSet) -> TermSet:
    """``a / b`` (R: NestTerms)."""
    allleft = term_union(left)
    return _trim([*left, *(r | allleft for r in right)])


_BINARY: dict[str, Callable[[TermSet, TermSet], TermSet]] = {
    ":": _interact_terms, "*": _cross_terms, "%in%": _in_terms, "/": _nest_terms,
}


def _power_of(exponent: Node) -> int:
    """The ``n`` of ``(a)^n``, which must be a number above 1."""
    value = exponent.value if isinstance(exponent, Number) else (
        1.0 if _is_number(exponent, 1.0) else 0.0)
    if value != value or int(value) <= 1:
        raise RError("invalid power in formula")
    return int(value)


def _first_duplicate(names: Sequence[str]) -> Optional[str]:
    seen: set = set()
    for name in names:
        if name in seen:
            return name
        seen.add(name)
    return None


EncodeStep = Generator[Node, TermSet, TermSet]


class _Encoder:
    """The state R keeps in globals while expanding one formula: the variable list, the
    intercept and the sign (``parity``) under which ``0`` and ``1`` are read."""

    def __init__(self, framenames: Optional[Sequence[str]]):
        self.variables: list = []
        self.framenames = framenames
        self.have_dot = False
        self.intercept = True
        self.parity = True
        self._index: dict = {}  # _match_key -> position in variables
        self._frame_installed = False

    def install(self, var: Node) -> int:
        """The position of ``var`` in the variable list, appended if new (R: InstallVar)."""
        if not (isinstance(var, (Symbol, Call)) or _is_zero_one(var)):
            raise RError("invalid term in model formula")
        key = _match_key(var)
        i = self._index.get(key)
        if i is None:
            i = self._index[key] = len(self.variables)
            self.variables.append(var)
        return i

    def extract_step(self, node: Node) -> Iterator[Node]:
        """Install the variables of ``node`` (R: ExtractVars)."""
        if _is_zero_one(node):
            return
        if isinstance(node, Symbol):
            self._extract_symbol(node)
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
        elif op in _FORMULA_OPS:
            for a in args:
                yield a
        else:
            self.install(node)

    def _extract_symbol(self, node: Symbol) -> None:
        if node.name == ".":
            self.have_dot = True
        # R installs the data columns in place of *any* symbol met after a '.'; such a
        # symbol is only installed later, while encoding (so it comes last).
        if self.have_dot and self.framenames is not None:
            if not self._frame_installed:  # installing them again would change nothing
                for name in self.framenames:
                    self.install(Symbol(name))
                self._frame_installed = True
        else:
            self.install(node)

    def encode_step(self, node: Node) -> EncodeStep:
        """The terms of ``node``, in order (R: EncodeVars). Each result is a fresh set,
        the caller's to extend."""
        if _is_number(node, 1.0):
            self.intercept = self.parity
            return {}
        if _is_number(node, 0.0):
            self.intercept = not self.parity
            return {}
        if isinstance(node, Symbol):
            return self._encode_symbol(node)
        if not isinstance(node, Call):
            raise RError("invalid model formula in EncodeVars")
        op = node.fname
        args = [a.value for a in node.args]
        if op in ("~", "(") or (op == "+" and len(args) == 1):
            return (yield args[-1])
        if op == "+":
            return (yield from self._plus_terms(args))
        if op == "^":
            return (yield from self._power_terms(args))
        if op == "-":
            return (yield from self._delete_terms(args))
        combine = _BINARY.get(op)
        if combine is None:
            return {1 << self.install(node): None}
        left = yield args[0]
        right = yield args[1]
        return combine(left, right)

    def _encode_symbol(self, node: Symbol) -> TermSet:
        if node.name == "." and self.framenames is not None:
            dup = _first_duplicate(self.framenames)
            if dup is not None:
                raise RError(f"duplicated name '{dup}' in data frame using '.'")
            return _trim(1 << self.install(Symbol(name)) for name in self.framenames)
        return {1 << self.install(node): None}

    def _plus_terms(self, args: list) -> EncodeStep:
        """``a + b`` (R: PlusTerms)."""
        left = yield args[0]
        left.update((yield args[1]))
        return left

    def _power_terms(self, args: list) -> EncodeStep:
        """``(a)^n`` (R: PowerTerms)."""
        n = _power_of(args[1])
        left = yield args[0]
        right = left
        for _ in range(n - 1):
            right = _interact_terms(left, right)
        return right

    def _delete_terms(self, args: list) -> EncodeStep:
        """``a - b`` and unary ``- b`` (R: DeleteTerms); ``b`` is read with the sign
        flipped, so that ``- 1`` removes the intercept."""
        left = (yield args[0]) if len(args) == 2 else {}
        self.parity = not self.parity
        right = yield args[-1]
        self.parity = not self.parity
        for t in right:
            left.pop(t, None)
        return left
