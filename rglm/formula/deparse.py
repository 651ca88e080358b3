"""R's ``deparse()``: language objects back to source text, with R's line breaking.

This is the one deparser of rglm. It lives in :mod:`rglm.formula` because the formula
layer needs single-line deparsing for term labels and must not import the printing layer;
the print methods use it for the ``Call:`` lines.

Conventions (R's ``src/main/deparse.c`` behaviour, R >= 4.0):

* operators are :class:`~rglm.formula.ast.Call` nodes; spaced binary operators
  (``+ - * ~ == != < > <= >= & | && || <- = %*%`` and user ``%op%``) are written
  ``a op b`` and may break the line after ``"op "``; unspaced ones (``/ ^ : %% %/% $ @ ::
  :::``) are written ``a/b``; one-argument ``+ - ~ !`` are prefix operators without space;
* parentheses are only added where the operands' precedence requires them (parsed code
  keeps its own ``(`` calls);
* after each ``", "`` between arguments and after a spaced binary operator, the line is
  ended when it is longer than ``width_cutoff`` bytes; the broken line keeps its trailing
  space and the following lines are indented by one more level (4 spaces for levels 1-4,
  2 spaces beyond).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Iterator, Optional

from rglm.formula.ast import Arg, Call, Constant, Node, Number, String, Symbol, trampoline

__all__ = ["deparse", "deparse1", "is_syntactic_name", "quote_name", "deparse_number",
           "deparse_string"]

# R's precedence levels (Defn.h PREC_*), lowest binds loosest.
PREC_FN, PREC_EQ, PREC_LEFT, PREC_RIGHT, PREC_TILDE, PREC_OR, PREC_AND, PREC_NOT = range(8)
PREC_COMPARE, PREC_SUM, PREC_PROD, PREC_PERCENT, PREC_COLON, PREC_SIGN = range(8, 14)
PREC_POWER, PREC_SUBSET, PREC_DOLLAR, PREC_NS = 14, 15, 15, 16

# Operator kinds (R's PPkind).
BINARY, BINARY2, UNARY, ASSIGN, DOLLAR, SUBSET, PAREN, FUNCALL = (
    "binary", "binary2", "unary", "assign", "dollar", "subset", "paren", "funcall")


@dataclass(frozen=True)
class _OpInfo:
    kind: str
    prec: int
    right_assoc: bool = False


# R's names.c table, restricted to what can appear in model calls and formulas.
_OPS: dict[str, _OpInfo] = {
    "+": _OpInfo(BINARY, PREC_SUM), "-": _OpInfo(BINARY, PREC_SUM),
    "*": _OpInfo(BINARY, PREC_PROD), "/": _OpInfo(BINARY2, PREC_PROD),
    "^": _OpInfo(BINARY2, PREC_POWER, True),
    "%%": _OpInfo(BINARY2, PREC_PERCENT), "%/%": _OpInfo(BINARY2, PREC_PERCENT),
    "%*%": _OpInfo(BINARY, PREC_PERCENT),
    ":": _OpInfo(BINARY2, PREC_COLON),
    "==": _OpInfo(BINARY, PREC_COMPARE), "!=": _OpInfo(BINARY, PREC_COMPARE),
    "<": _OpInfo(BINARY, PREC_COMPARE), ">": _OpInfo(BINARY, PREC_COMPARE),
    "<=": _OpInfo(BINARY, PREC_COMPARE), ">=": _OpInfo(BINARY, PREC_COMPARE),
    "!": _OpInfo(UNARY, PREC_NOT),
    "&": _OpInfo(BINARY, PREC_AND), "&&": _OpInfo(BINARY, PREC_AND),
    "|": _OpInfo(BINARY, PREC_OR), "||": _OpInfo(BINARY, PREC_OR),
    "~": _OpInfo(BINARY, PREC_TILDE),
    "<-": _OpInfo(ASSIGN, PREC_LEFT, True), "<<-": _OpInfo(ASSIGN, PREC_LEFT, True),
    "=": _OpInfo(ASSIGN, PREC_EQ, True),
    "$": _OpInfo(DOLLAR, PREC_DOLLAR), "@": _OpInfo(DOLLAR, PREC_DOLLAR),
    "::": _OpInfo(BINARY2, PREC_NS), ":::": _OpInfo(BINARY2, PREC_NS),
    "[": _OpInfo(SUBSET, PREC_SUBSET), "[[": _OpInfo(SUBSET, PREC_SUBSET),
    "(": _OpInfo(PAREN, PREC_FN),
}

_RESERVED = frozenset({
    "if", "else", "repeat", "while", "function", "for", "next", "break", "TRUE", "FALSE",
    "NULL", "Inf", "NaN", "NA", "NA_integer_", "NA_real_", "NA_character_",
    "NA_complex_", "in"})

_USER_BINOP = re.compile(r"^%[^%]*%$")


def _is_user_binop(name: str) -> bool:
    return bool(_USER_BINOP.match(name)) and name not in _OPS


def is_syntactic_name(name: str) -> bool:
    """Whether ``name`` can be written without back quotes.

    R: ``isValidName`` (src/main/gram.y) — a letter, or a dot not followed by a digit,
    then letters, digits, dots and underscores; not a reserved word.
    """
    if name in ("...",):
        return True
    if not name or name in _RESERVED:
        return False
    if re.fullmatch(r"\.\.[0-9]+", name):
        return True
    first = name[0]
    if first == ".":
        if len(name) > 1 and name[1].isdigit():
            return False
    elif not first.isalpha():
        return False
    return all(c.isalnum() or c in "._" for c in name[1:])


def quote_name(name: str) -> str:
    """Back-quote a non-syntactic name (R: ``quotify(name, '`')``)."""
    if is_syntactic_name(name):
        return name
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`"


_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
            "\v": "\\v", "\\": "\\\\", '"': '\\"', "\0": "\\0"}


def deparse_string(value: str) -> str:
    """A string in double quotes with R's escapes (R: ``EncodeString(s, quote = '"')``)."""
    out = []
    for ch in value:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append("\\%03o" % ord(ch))
        elif not ch.isprintable():
            out.append("\\u%04x" % ord(ch) if ord(ch) <= 0xFFFF else "\\U%08x" % ord(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def deparse_number(value: float, is_int: bool = False) -> str:
    """One number as ``deparse()`` writes it.

    R: ``formatReal`` with 15 significant digits (``R_print.digits = DBL_DIG`` in deparse),
    fixed notation unless scientific is narrower; integers get the ``L`` suffix.
    """
    if is_int:
        if isinstance(value, float) and math.isnan(value):
            return "NA_integer_"
        return "%dL" % int(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Inf" if value > 0 else "-Inf"
    if value == 0:
        return "0"
    # '%.14e' rounds the exact binary value to 15 significant digits, as formatReal's
    # scaled long-double computation does except within ~1e-19 of a rounding tie.
    mant, exp = ("%.14e" % abs(value)).split("e")
    kpower = int(exp)
    nsig = len(mant.replace(".", "").rstrip("0")) or 1
    neg = value < 0
    rgt = max(0, nsig - kpower - 1)
    width_fixed = neg + max(kpower + 1, 1) + rgt + (rgt > 0)
    e_digits = 2 if abs(kpower) >= 100 else 1
    width_sci = neg + (nsig > 1) + (nsig - 1) + 4 + e_digits
    if width_fixed <= width_sci:
        return "%.*f" % (rgt, value)
    return "%.*e" % (nsig - 1, value)


class _Buffer:
    """The line buffer of R's deparser: current line, its byte length, indent level."""

    def __init__(self, cutoff: Optional[int]) -> None:
        self.cutoff = cutoff
        self.lines: list[str] = []
        self.parts: list[str] = []
        self.len = 0
        self.indent = 0
        self.startline = True

    def put(self, text: str) -> None:
        if self.startline:
            self.startline = False
            for level in range(1, self.indent + 1):
                self.put("    " if level <= 4 else "  ")
        self.parts.append(text)
        self.len += len(text.encode("utf-8"))

    def writeline(self) -> None:
        self.lines.append("".join(self.parts))
        self.parts = []
        self.len = 0
        self.startline = True

    def linebreak(self, broke: bool) -> bool:
        """R's ``linebreak()``: end the line if it is too long; returns the new flag."""
        if self.cutoff is not None and self.len > self.cutoff:
            if not broke:
                broke = True
                self.indent += 1
            self.writeline()
        return broke


class _Deparser:
    """R's ``deparse2buff``, written as :func:`~rglm.formula.ast.trampoline` steps: where
    R recurses into an operand or argument, a step yields it, so that a formula of
    thousands of terms (a left-nested ``+`` chain as deep as it is long) deparses."""

    def __init__(self, cutoff: Optional[int], backtick: bool) -> None:
        self.buf = _Buffer(cutoff)
        self.backtick = backtick

    def name(self, name: str) -> str:
        return quote_name(name) if self.backtick else name

    def run(self, node: Node) -> None:
        trampoline(self.node, node)

    def node(self, node: Node) -> Iterator[Node]:
        buf = self.buf
        if isinstance(node, Symbol):
            buf.put(self.name(node.name) if node.name else "")
        elif isinstance(node, Number):
            buf.put(deparse_number(node.value, node.is_int))
        elif isinstance(node, String):
            buf.put(deparse_string(node.value))
        elif isinstance(node, Constant):
            buf.put(node.name)
        elif isinstance(node, Call):
            yield from self.call(node)
        else:
            raise TypeError("cannot deparse %r" % (node,))

    def args(self, args: tuple[Arg, ...]) -> Iterator[Node]:
        """R's ``args2buff``: ``a, name = b`` with a possible break after each ``", "``."""
        broke = False
        for i, arg in enumerate(args):
            if arg.name is not None:
                self.buf.put(arg.name if arg.name == "..." else self.name(arg.name))
                self.buf.put(" = ")
            if not (isinstance(arg.value, Symbol) and arg.value.name == ""):
                yield arg.value
            if i < len(args) - 1:
                self.buf.put(", ")
                broke = self.buf.linebreak(broke)
        if broke:
            self.buf.indent -= 1

    def operand(self, op: _OpInfo, arg: Node, left: bool) -> Iterator[Node]:
        parens = _needs_parens(op, arg, left)
        if parens:
            self.buf.put("(")
        yield arg
        if parens:
            self.buf.put(")")

    def call(self, node: Call) -> Iterator[Node]:
        buf = self.buf
        fname = node.fname
        nargs = len(node.args)
        info = _op_info(fname, nargs) if fname is not None else None
        unnamed = all(a.name is None for a in node.args)
        if info is None or not unnamed:
            if fname is not None:
                buf.put(self.name(fname))
            else:
                yield node.fn
            buf.put("(")
            yield from self.args(node.args)
            buf.put(")")
            return
        a = [arg.value for arg in node.args]
        if info.kind == PAREN:
            buf.put("(")
            yield a[0]
            buf.put(")")
        elif info.kind == SUBSET:
            yield from self.operand(info, a[0], True)
            buf.put(fname)
            yield from self.args(node.args[1:])
            buf.put("]" if fname == "[" else "]]")
        elif info.kind == UNARY:
            buf.put(fname)
            yield from self.operand(info, a[0], False)
        elif info.kind in (BINARY, ASSIGN):
            yield from self.operand(info, a[0], True)
            buf.put(" " + fname + " ")
            broke = buf.linebreak(False) if info.kind == BINARY else False
            yield from self.operand(info, a[1], False)
            if broke:
                buf.indent -= 1
        else:  # BINARY2, DOLLAR: no spaces around the operator
            yield from self.operand(info, a[0], True)
            buf.put(fname)
            yield from self.operand(info, a[1], False)


def _op_info(fname: str, nargs: int) -> Optional[_OpInfo]:
    """How R prints a call to ``fname`` with ``nargs`` arguments (None: as a function)."""
    info = _OPS.get(fname)
    if info is None:
        if _is_user_binop(fname) and nargs == 2:
            return _OpInfo(BINARY, PREC_PERCENT)
        return None
    if info.kind in (BINARY, BINARY2):
        if nargs == 1:
            return _OpInfo(UNARY, PREC_SIGN if info.prec == PREC_SUM else info.prec)
        if nargs != 2:
            return None
    elif info.kind in (UNARY, PAREN):
        if nargs != 1:
            return None
    elif info.kind in (ASSIGN, DOLLAR):
        if nargs != 2:
            return None
    elif info.kind == SUBSET and nargs < 1:
        return None
    return info


def _needs_parens(main: _OpInfo, arg: Node, left: bool) -> bool:
    """R's ``needsparens``: whether an operand must be parenthesised to re-parse."""
    if not isinstance(arg, Call) or arg.fname is None:
        return False
    if any(a.name is not None for a in arg.args):
        return False
    fname, nargs = arg.fname, len(arg.args)
    base = _OPS.get(fname)
    if base is None:
        if not (_is_user_binop(fname) and nargs == 2):
            return False
        prec = PREC_PERCENT
    elif base.kind in (BINARY, BINARY2):
        if nargs == 1:
            # a prefix operator on the right needs no parentheses ("--a", "a + -1")
            if not left:
                return False
        elif nargs != 2:
            return False
        prec = PREC_SIGN if (nargs == 1 and base.prec == PREC_SUM) else base.prec
        # a < b < c is not valid syntax
        if main.prec == PREC_COMPARE and prec == PREC_COMPARE:
            return True
    elif base.kind == UNARY:
        if not left:
            return False
        prec = base.prec
    elif base.kind in (ASSIGN, DOLLAR):
        prec = base.prec
    else:
        return False
    return main.prec > prec or (main.prec == prec and left == main.right_assoc)


def _default_backtick(node: Node) -> bool:
    # deparse(backtick = mode(expr) %in% c("call", "expression", "(", "function")).
    return isinstance(node, Call)


def deparse(node: Node, width_cutoff: int = 60, backtick: Optional[bool] = None) -> list[str]:
    """Deparse a language object into lines, breaking as R does.

    R: ``base::deparse(expr, width.cutoff = 60)``.

    Parameters
    ----------
    node : Node
        The expression (:mod:`rglm.formula.ast`).
    width_cutoff : int
        Bytes after which a line is broken at the next ``", "`` or spaced binary operator.
    backtick : bool, optional
        Back-quote non-syntactic names; default as R: True for calls, False for a bare
        symbol.

    Returns
    -------
    list of str
        The lines; continuation lines are indented and broken lines keep their trailing
        space.
    """
    d = _Deparser(width_cutoff, _default_backtick(node) if backtick is None else backtick)
    d.run(node)
    d.buf.writeline()
    return d.buf.lines


def deparse1(node: Node, backtick: Optional[bool] = None) -> str:
    """Deparse on a single line, never breaking (term labels, ``deparse1()``).

    R: ``base::deparse1(expr, collapse = " ")`` for expressions short enough not to break;
    the C-level one-line deparser used by ``terms.formula`` for term labels.
    """
    d = _Deparser(None, _default_backtick(node) if backtick is None else backtick)
    d.run(node)
    d.buf.writeline()
    return d.buf.lines[0]
