"""An R expression parser producing :mod:`rglm.formula.ast` nodes.

R: ``base::parse`` (the grammar of ``src/main/gram.y``), restricted to expressions — the
part of R's language that appears in model formulas and in the arguments of ``glm()``
(``weights = log(Holders)``, ``subset = Age > 30``).

Operator precedence, tightest first (R's ``?Syntax``)::

    ::  :::                  namespace access
    $  @                     component / slot
    [  [[  (                 indexing, calls
    ^                        (right associative; binds tighter than unary minus: -2^2 = -4)
    -  +   (unary)
    :
    %any%  %in%  |>
    *  /
    +  -   (binary)
    <  >  <=  >=  ==  !=     (non-associative)
    !      (unary)
    &  &&
    |  ||
    ~      (unary and binary)
    ->  ->>                  (rightward assignment)
    <-  <<-                  (right associative)
    =                        (right associative)

Unary operators take as their operand everything that binds more tightly than
themselves, as in R: ``!a == b`` is ``!(a == b)``, ``-a:b`` is ``(-a):b``, ``-a^2`` is
``-(a^2)``, ``~ a + b`` is ``~(a + b)``.

A syntax error raises :class:`~rglm.errors.RError` with R's wording, e.g.
``<text>:1:6: unexpected ')'`` followed by the offending line and a caret.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import RError
from .ast import Arg, Call, Constant, Node, Number, String, Symbol

__all__ = ["parse_expr", "parse_formula", "tokenize", "Token"]

_CONSTANTS = frozenset(
    {"TRUE", "FALSE", "NULL", "NA", "Inf", "NaN",
     "NA_integer_", "NA_real_", "NA_character_", "NA_complex_"}
)
_RESERVED = frozenset({"if", "else", "repeat", "while", "function", "for", "next",
                       "break", "in"})

# Longest operators first so that "<=" wins over "<", "%in%" over "%", etc.
_OPERATORS = ("<<-", "->>", ":::", "::", "|>", "<-", "->", "<=", ">=", "==", "!=",
              "&&", "||", "[[", "+", "-", "*", "/", "^", "<", ">", "!", "&", "|",
              "~", "?", ":", "=", "$", "@", "(", ")", "[", "]", "{", "}", ",", ";")

# The operators in the order above (the first that matches wins, so longer ones first):
# one regex match instead of a startswith() per operator.
_OPERATOR = re.compile("|".join(map(re.escape, _OPERATORS)))
_NUMBER = re.compile(
    r"(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[Li]?"
)
_NAME = re.compile(r"(?:[^\W\d_]|\.(?![0-9]))[\w.]*|\.")
_SPECIAL = re.compile(r"%[^%\n]*%")


@dataclass(frozen=True)
class Token:
    """A lexical token: ``kind`` is one of ``num str sym op special eof``."""

    kind: str
    text: str
    value: object
    pos: int


def _read_string(text: str, start: int) -> tuple[str, int]:
    """Read a quoted string starting at ``start``; return (value, end position)."""
    quote = text[start]
    out = []
    i = start + 1
    escapes = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"',
               "'": "'", "`": "`", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
    while i < len(text):
        ch = text[i]
        if ch == quote:
            return "".join(out), i + 1
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt == "x":
                m = re.match(r"[0-9a-fA-F]{1,2}", text[i + 2:])
                if m:
                    out.append(chr(int(m.group(0), 16)))
                    i += 2 + len(m.group(0))
                    continue
            if nxt in "uU":
                m = re.match(r"\{?([0-9a-fA-F]{1,8})\}?", text[i + 2:])
                if m:
                    out.append(chr(int(m.group(1), 16)))
                    i += 2 + len(m.group(0))
                    continue
            out.append(escapes.get(nxt, nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    raise _SyntaxError("unexpected INCOMPLETE_STRING", start)


class _SyntaxError(Exception):
    def __init__(self, what: str, pos: int, end: int | None = None):
        super().__init__(what)
        self.what = what
        self.pos = pos
        self.end = pos + 1 if end is None else end


def _number_value(lexeme: str) -> Number:
    is_int = lexeme.endswith("L")
    body = lexeme[:-1] if lexeme[-1] in "Li" else lexeme
    value = float(int(body, 16)) if body[:2].lower() == "0x" else float(body)
    return Number(value, is_int=is_int)


def tokenize(text: str) -> list[Token]:
    """Split R source text into tokens (R: the lexer of ``base::parse``)."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in " \t\r\f\n":
            i += 1
            continue
        if ch == "#":
            while i < n and text[i] != "\n":
                i += 1
            continue
        if ch in "\"'":
            value, end = _read_string(text, i)
            tokens.append(Token("str", text[i:end], value, i))
            i = end
            continue
        if ch == "`":
            end = text.find("`", i + 1)
            if end < 0:
                raise _SyntaxError("unexpected INCOMPLETE_STRING", i)
            tokens.append(Token("sym", text[i:end + 1], text[i + 1:end], i))
            i = end + 1
            continue
        m = _NUMBER.match(text, i)
        if m and (ch.isdigit() or (ch == "." and i + 1 < n and text[i + 1].isdigit())):
            tokens.append(Token("num", m.group(0), _number_value(m.group(0)), i))
            i = m.end()
            continue
        m = _NAME.match(text, i)
        if m:
            word = m.group(0)
            kind = "const" if word in _CONSTANTS else "sym"
            if word in _RESERVED:
                kind = "reserved"
            tokens.append(Token(kind, word, word, i))
            i = m.end()
            continue
        if ch == "%":
            m = _SPECIAL.match(text, i)
            if not m:
                raise _SyntaxError("unexpected input", i)
            tokens.append(Token("special", m.group(0), m.group(0), i))
            i = m.end()
            continue
        m = _OPERATOR.match(text, i)
        if not m:
            raise _SyntaxError("unexpected input", i)
        tokens.append(Token("op", m.group(0), m.group(0), i))
        i = m.end()
    tokens.append(Token("eof", "", None, n))
    return tokens


# Binding powers (left, right) of the binary operators; a larger number binds tighter.
# Right-associative operators have right < left.
_BINARY = {
    "?": (1, 2),
    "=": (4, 3), "<-": (6, 5), "<<-": (6, 5),
    "->": (7, 8), "->>": (7, 8),
    "~": (9, 10),
    "||": (11, 12), "|": (11, 12),
    "&&": (13, 14), "&": (13, 14),
    # 15/16 is unary '!'
    "==": (17, 18), "!=": (17, 18), "<": (17, 18), ">": (17, 18), "<=": (17, 18),
    ">=": (17, 18),
    "+": (19, 20), "-": (19, 20),
    "*": (21, 22), "/": (21, 22),
    "%%": (23, 24), "|>": (23, 24),
    ":": (25, 26),
    # 27 is unary minus / plus
    "^": (30, 29),
    "$": (31, 32), "@": (31, 32),
    "::": (33, 34), ":::": (33, 34),
}
_UNARY = {"~": 10, "!": 16, "-": 28, "+": 28, "?": 2}
_COMPARISON = frozenset({"==", "!=", "<", ">", "<=", ">="})


def _describe(tok: Token) -> str:
    """R's wording for an unexpected token (``unexpected symbol`` etc.)."""
    if tok.kind == "eof":
        return "unexpected end of input"
    if tok.kind == "num":
        return "unexpected numeric constant"
    if tok.kind == "str":
        return "unexpected string constant"
    if tok.kind == "sym":
        return "unexpected symbol"
    if tok.kind == "const":
        return "unexpected NULL_CONST" if tok.text == "NULL" else "unexpected numeric constant"
    if tok.kind == "special":
        return "unexpected SPECIAL"
    if tok.kind == "reserved":
        return f"unexpected '{tok.text}'"
    named = {"<-": "assignment", "<<-": "assignment", "->": "assignment",
             "->>": "assignment", "=": "'='", "==": "'=='", "!=": "'!='", "<=": "'<='",
             ">=": "'>='", "&&": "'&&'", "||": "'||'", "[[": "'[['", "::": "NS_GET",
             ":::": "NS_GET_INT", "|>": "PIPE"}
    return "unexpected " + named.get(tok.text, f"'{tok.text}'")


# R's parser keeps the open brackets on a stack of 50 entries ("(", "[", "{" one each,
# "[[" two) and stops with "contextstack overflow" beyond (gram.y, CONTEXTSTACK_SIZE).
_CONTEXTS = {"(": 1, "[": 1, "{": 1, "[[": 2}
_CONTEXTSTACK_SIZE = 50


class _ContextOverflow(Exception):
    def __init__(self, pos: int):
        super().__init__(pos)
        self.pos = pos


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0  # entries on R's context stack

    def peek(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        if tok.kind == "op":
            if tok.text in _CONTEXTS:
                self.depth += _CONTEXTS[tok.text]
                if self.depth > _CONTEXTSTACK_SIZE:
                    raise _ContextOverflow(tok.pos)
            elif tok.text in (")", "]", "}"):
                self.depth -= 1
        return tok

    def fail(self, tok: Token) -> None:
        raise _SyntaxError(_describe(tok), tok.pos, tok.pos + max(len(tok.text), 1))

    def expect(self, text: str) -> Token:
        tok = self.peek()
        if tok.kind != "op" or tok.text != text:
            self.fail(tok)
        return self.advance()

    # --- expressions -------------------------------------------------------------
    def expression(self, min_bp: int = 0) -> Node:
        left = self.prefix()
        while True:
            tok = self.peek()
            if tok.kind == "op" and tok.text in ("(", "[", "[["):
                if 35 < min_bp:
                    break
                left = self.postfix(left)
                continue
            if tok.kind == "special":
                op = tok.text
                lbp, rbp = _BINARY["%%"]
            elif tok.kind == "op" and tok.text in _BINARY:
                op = tok.text
                lbp, rbp = _BINARY[op]
            else:
                break
            if lbp < min_bp:
                break
            self.advance()
            if op in ("::", ":::"):
                # gram.y: SYMBOL NS_GET SYMBOL (or a string) -- the name alone, so that
                # splines::ns(x) calls `splines::ns` rather than namespacing `ns(x)`
                name = self.advance()
                if name.kind not in ("sym", "str"):
                    self.fail(name)
                left = Call(Symbol(op), (Arg(None, left), Arg(None, self._leaf(name))))
                continue
            right = self.expression(rbp)
            if op in _COMPARISON and isinstance(left, Call) and left.fname in _COMPARISON \
                    and len(left.args) == 2:
                # R's comparison operators are non-associative: a < b < c is an error.
                raise _SyntaxError(f"unexpected '{op}'", tok.pos, tok.pos + len(op))
            if op in ("->", "->>"):
                left = Call(Symbol("<-" if op == "->" else "<<-"),
                            (Arg(None, right), Arg(None, left)))
            else:
                left = Call(Symbol(op), (Arg(None, left), Arg(None, right)))
        return left

    @staticmethod
    def _leaf(tok: Token) -> Node:
        value = tok.value
        return Symbol(value) if tok.kind == "sym" else String(value)  # type: ignore[arg-type]

    def prefix(self) -> Node:
        tok = self.advance()
        if tok.kind == "num":
            return tok.value  # type: ignore[return-value]
        if tok.kind == "str":
            return String(tok.value)  # type: ignore[arg-type]
        if tok.kind == "const":
            return Constant(tok.text)
        if tok.kind == "sym":
            return Symbol(tok.value)  # type: ignore[arg-type]
        if tok.kind == "op":
            if tok.text in _UNARY:
                operand = self.expression(_UNARY[tok.text])
                return Call(Symbol(tok.text), (Arg(None, operand),))
            if tok.text == "(":
                inner = self.expression(0)
                self.expect(")")
                return Call(Symbol("("), (Arg(None, inner),))
            if tok.text == "{":
                body = []
                while not (self.peek().kind == "op" and self.peek().text == "}"):
                    if self.peek().kind == "op" and self.peek().text == ";":
                        self.advance()
                        continue
                    if self.peek().kind == "eof":
                        self.fail(self.peek())
                    body.append(Arg(None, self.expression(0)))
                self.advance()
                return Call(Symbol("{"), tuple(body))
        self.fail(tok)
        raise AssertionError  # pragma: no cover

    def postfix(self, fn: Node) -> Node:
        tok = self.advance()
        if tok.text == "(":
            args = self.arglist(")")
            return Call(fn, args)
        if tok.text == "[":
            args = self.arglist("]")
            return Call(Symbol("["), (Arg(None, fn),) + args)
        args = self.arglist("]")
        self.expect("]")
        return Call(Symbol("[["), (Arg(None, fn),) + args)

    def arglist(self, close: str) -> tuple[Arg, ...]:
        args: list[Arg] = []
        if self.peek().kind == "op" and self.peek().text == close:
            self.advance()
            return ()
        while True:
            tok = self.peek()
            nxt = self.tokens[self.i + 1]
            name = None
            if tok.kind in ("sym", "str", "const") and nxt.kind == "op" and nxt.text == "=":
                name = tok.value if tok.kind != "const" else tok.text
                self.i += 2
            cur = self.peek()
            if cur.kind == "op" and cur.text in (",", close):
                value: Node = Symbol("")  # an empty argument, as in x[, 1]
            else:
                value = self.expression(5)
            args.append(Arg(name, value))  # type: ignore[arg-type]
            sep = self.advance()
            if sep.kind == "op" and sep.text == close:
                return tuple(args)
            if not (sep.kind == "op" and sep.text == ","):
                self.fail(sep)


def _syntax_error(text: str, err: _SyntaxError) -> RError:
    if err.pos >= len(text.rstrip()) and err.what == "unexpected end of input":
        # R reports the end of input as column 0 of the line after the last one.
        lines = text.rstrip("\n").split("\n")
        return RError(f"<text>:{len(lines) + 1}:0: {err.what}\n"
                      f"{len(lines)}: {lines[-1]}\n   ^")
    line_start = text.rfind("\n", 0, err.pos) + 1
    line_no = text.count("\n", 0, err.pos) + 1
    col = err.pos - line_start + 1
    # R shows the line up to the end of the offending token, with the caret one column
    # to the right of the token's first character.
    line = text[line_start:err.end]
    prefix = f"{line_no}: "
    caret = " " * (len(prefix) + col) + "^"
    return RError(f"<text>:{line_no}:{col}: {err.what}\n{prefix}{line}\n{caret}")


def parse_expr(text: str) -> Node:
    """Parse one R expression.

    R: ``str2lang(text)`` (``parse(text = text)[[1]]``).

    Parameters
    ----------
    text : str
        R source of a single expression, e.g. ``"log(Holders)"`` or ``"Age > 30"``.

    Returns
    -------
    Node
        The expression as :mod:`rglm.formula.ast` nodes; operators and parentheses are
        :class:`~rglm.formula.ast.Call` nodes, as in R.

    Raises
    ------
    RError
        On a syntax error, with R's message (``<text>:1:6: unexpected ')'`` plus the line
        and a caret under the offending position).
    """
    if not isinstance(text, str):
        raise RError("argument is not a character string")
    parser = None
    try:
        parser = _Parser(text)
        if parser.peek().kind == "eof":
            raise _SyntaxError("unexpected end of input", len(text))
        node = parser.expression(0)
        tok = parser.peek()
        if tok.kind != "eof":
            parser.fail(tok)
    except _SyntaxError as err:
        raise _syntax_error(text, err) from None
    except _ContextOverflow as err:
        raise RError(f"contextstack overflow at line {text.count(chr(10), 0, err.pos) + 1}") \
            from None
    except RecursionError:
        # Only hundreds of chained prefix or right-associative operators (- - - x,
        # x^x^x) get here, which R parses; R's words for its own nesting limit.
        raise RError(f"contextstack overflow at line {text.count(chr(10)) + 1}") from None
    return node


def parse_formula(text: str) -> Call:
    """Parse an R model formula such as ``"cbind(s, f) ~ x * f + offset(log(n))"``.

    R: ``stats::as.formula`` applied to a character string.

    Parameters
    ----------
    text : str
        A one- or two-sided formula.

    Returns
    -------
    Call
        The ``~`` call: ``Call(Symbol("~"), (lhs, rhs))`` or ``Call(Symbol("~"), (rhs,))``.

    Raises
    ------
    RError
        On a syntax error (see :func:`parse_expr`), or ``invalid formula`` when the text
        is a valid expression that is not a ``~`` call.
    """
    node = parse_expr(text)
    if not (isinstance(node, Call) and node.fname == "~"):
        raise RError(f"invalid formula: {text.strip()!s} is not a '~' call")
    return node
