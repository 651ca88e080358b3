"""R's language objects, as immutable Python values.

R represents code as calls: ``a + b`` is the call ``"+"(a, b)``, ``(a)`` is ``"("(a)``,
``y ~ x`` is ``"~"(y, x)``. rglm keeps exactly that representation so that formulas and
calls can be deparsed the way R deparses them (``rglm.formula.deparse``) and evaluated
the way R evaluates them (``rglm.formula.evaluate``).

Conventions:

* operators (``+ - * / ^ : ~ %in% %% == != < > <= >= & | && || ! $ @``) and parentheses
  are :class:`Call` nodes whose ``fn`` is the :class:`Symbol` of the operator, with one
  argument (unary / parentheses) or two (binary);
* function calls such as ``log(u, base = 2)`` are ``Call(Symbol("log"),
  (Arg(None, Symbol("u")), Arg("base", Number(2.0))))``;
* ``TRUE``, ``FALSE``, ``NULL``, ``NA``, ``Inf``, ``NaN`` are :class:`Constant` nodes;
* back-quoted names (`` `odd name` ``) are ordinary :class:`Symbol` nodes; the deparser
  adds the back quotes again when the name is not syntactic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

__all__ = ["Symbol", "Number", "String", "Constant", "Arg", "Call", "Node", "call", "sym"]


@dataclass(frozen=True)
class Symbol:
    """A name (R ``symbol``), e.g. ``Solar.R`` or ``+`` in operator position."""

    name: str


@dataclass(frozen=True)
class Number:
    """A numeric constant. ``is_int`` marks R integer literals such as ``1L``."""

    value: float
    is_int: bool = False


@dataclass(frozen=True)
class String:
    """A character constant (deparsed in double quotes)."""

    value: str


@dataclass(frozen=True)
class Constant:
    """One of R's reserved constants: ``TRUE FALSE NULL NA Inf NaN``."""

    name: str


@dataclass(frozen=True)
class Arg:
    """One argument of a call: ``name = value`` or a positional ``value`` (name None)."""

    name: Union[str, None]
    value: "Node"


@dataclass(frozen=True)
class Call:
    """A call ``fn(args...)``; operators and parentheses are calls too (see module doc)."""

    fn: "Node"
    args: tuple[Arg, ...] = ()

    @property
    def fname(self) -> Union[str, None]:
        """The function's name when ``fn`` is a symbol, else None."""
        return self.fn.name if isinstance(self.fn, Symbol) else None


Node = Union[Symbol, Number, String, Constant, Call]


def sym(name: str) -> Symbol:
    """Shorthand for :class:`Symbol`."""
    return Symbol(name)


def call(fn: str, *args: Node, **kwargs: Node) -> Call:
    """Build ``fn(args..., name = value...)`` from nodes (keyword order is kept)."""
    arglist = [Arg(None, a) for a in args] + [Arg(k, v) for k, v in kwargs.items()]
    return Call(Symbol(fn), tuple(arglist))
