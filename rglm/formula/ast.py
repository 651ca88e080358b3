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

Depth: ``y ~ x1 + ... + x2000`` is a left-nested chain 2000 calls deep, which R walks
without trouble. Nothing here or in the walks over these trees (:func:`walk`,
:func:`trampoline`, and ``==``, ``hash``, ``repr``, pickling of a :class:`Call`) uses
Python recursion, whose limit (1000 frames) such a formula would exceed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Generator, Iterator, Union

__all__ = ["Symbol", "Number", "String", "Constant", "Arg", "Call", "Node", "call", "sym",
           "walk", "trampoline"]


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
    """A call ``fn(args...)``; operators and parentheses are calls too (see module doc).

    Equality, hashing, ``repr`` and pickling walk the tree with an explicit stack (the
    methods the dataclass would generate recurse once per level).
    """

    fn: "Node"
    args: tuple[Arg, ...] = ()

    @property
    def fname(self) -> Union[str, None]:
        """The function's name when ``fn`` is a symbol, else None."""
        return self.fn.name if isinstance(self.fn, Symbol) else None

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if other.__class__ is not Call:
            return NotImplemented
        for a, b in zip(_tokens(self), _tokens(other)):  # type: ignore[arg-type]
            if a.__class__ is not b.__class__ or (a is not b and a != b):
                return False
        # a stream ends where its tree ends: equal prefixes mean equal trees
        return True

    def __hash__(self) -> int:
        cached = self.__dict__.get("_hash")
        if cached is None:
            cached = hash(tuple(_tokens(self)))
            object.__setattr__(self, "_hash", cached)
        return cached

    def __repr__(self) -> str:
        # the dataclass's format: Call(fn=..., args=(Arg(name=None, value=...), ...))
        parts: list[str] = []
        stack: list[Any] = [self]
        while stack:
            item = stack.pop()
            if item.__class__ is str:
                parts.append(item)
            elif item.__class__ is Call:
                pieces: list[Any] = ["Call(fn=", item.fn, ", args=("]
                for i, arg in enumerate(item.args):
                    pieces += [", " if i else "", f"Arg(name={arg.name!r}, value=",
                               arg.value, ")"]
                pieces.append(",))" if len(item.args) == 1 else "))")
                stack.extend(reversed(pieces))
            else:
                parts.append(repr(item))
        return "".join(parts)

    def __reduce__(self):
        return (_rebuild, (tuple(_tokens(self)),))


class _CallMark(tuple):
    """The token that opens a call in :func:`_tokens`: its argument names (None for a
    positional argument); the call's function and argument values follow."""


def _tokens(node: "Node") -> Iterator[Any]:
    """The tree in pre-order as a flat stream: a :class:`_CallMark` for each call, the
    leaves as themselves. The stream determines the tree (each mark gives its arity)."""
    stack: list[Any] = [node]
    while stack:
        item = stack.pop()
        if item.__class__ is Call:
            yield _CallMark(a.name for a in item.args)
            stack.extend(a.value for a in reversed(item.args))
            stack.append(item.fn)
        else:
            yield item


def _rebuild(tokens: tuple) -> "Node":
    """The tree of a :func:`_tokens` stream (unpickling a :class:`Call`)."""
    stack: list[Any] = []
    for token in reversed(tokens):
        if token.__class__ is _CallMark:
            fn = stack.pop()
            stack.append(Call(fn, tuple(Arg(name, stack.pop()) for name in token)))
        else:
            stack.append(token)
    return stack.pop()


Node = Union[Symbol, Number, String, Constant, Call]


def sym(name: str) -> Symbol:
    """Shorthand for :class:`Symbol`."""
    return Symbol(name)


def call(fn: str, *args: Node, **kwargs: Node) -> Call:
    """Build ``fn(args..., name = value...)`` from nodes (keyword order is kept)."""
    arglist = [Arg(None, a) for a in args] + [Arg(k, v) for k, v in kwargs.items()]
    return Call(Symbol(fn), tuple(arglist))


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, in pre-order: a call, its function, then its arguments'
    values (R: what ``all.names`` visits). Iterative, so any depth is fine."""
    stack: list[Node] = [node]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, Call):
            stack.extend(a.value for a in reversed(item.args))
            stack.append(item.fn)


Step = Callable[[Any], Generator[Any, Any, Any]]


def trampoline(step: Step, root: Any) -> Any:
    """Run a recursive algorithm over a tree without Python recursion.

    ``step(node)`` is a generator function written as the recursive function would be,
    except that where it would call itself on a child it writes ``result = yield child``;
    its ``return`` value is the node's result. This driver keeps the pending steps on a
    list, so the depth of the tree is bounded by memory, not by the recursion limit.

    Returns
    -------
    The result of ``step(root)``.
    """
    stack = [step(root)]
    value = None
    while stack:
        try:
            child = stack[-1].send(value)
        except StopIteration as done:
            stack.pop()
            value = done.value
        else:
            stack.append(step(child))
            value = None
    return value
