"""The R expression parser against R's own parser (tests/reference/make_formula.R)."""

from __future__ import annotations

import pytest

from rglm.errors import RError
from rglm.formula.ast import Arg, Call, Constant, Number, String, Symbol
from rglm.formula.deparse import deparse1
from rglm.formula.parse import parse_expr, parse_formula


@pytest.mark.r_cases("formula", "deparse", ids=lambda c: c["text"])
def test_parse_then_deparse_matches_r(case):
    assert deparse1(parse_expr(case["text"])) == case["deparsed"]


@pytest.mark.r_cases("formula", "parse", where=lambda c: c["error"], ids=lambda c: c["text"])
def test_syntax_errors_use_r_messages(case):
    with pytest.raises(RError) as err:
        parse_expr(case["text"])
    assert str(err.value) == case["error"]


def test_empty_arguments_parse():
    node = parse_expr("f(x,, )")
    assert isinstance(node, Call) and len(node.args) == 3


def _bin(op, a, b):
    return Call(Symbol(op), (Arg(None, a), Arg(None, b)))


def _un(op, a):
    return Call(Symbol(op), (Arg(None, a),))


@pytest.mark.parametrize("text, expected", [
    ("-2^2", _un("-", _bin("^", Number(2.0), Number(2.0)))),
    ("a^b^c", _bin("^", Symbol("a"), _bin("^", Symbol("b"), Symbol("c")))),
    ("-a:b", _bin(":", _un("-", Symbol("a")), Symbol("b"))),
    ("!a == b", _un("!", _bin("==", Symbol("a"), Symbol("b")))),
    ("a %in% b * c", _bin("*", _bin("%in%", Symbol("a"), Symbol("b")), Symbol("c"))),
    ("a + b:c", _bin("+", Symbol("a"), _bin(":", Symbol("b"), Symbol("c")))),
    ("a - b - c", _bin("-", _bin("-", Symbol("a"), Symbol("b")), Symbol("c"))),
    ("a & b | c", _bin("|", _bin("&", Symbol("a"), Symbol("b")), Symbol("c"))),
    ("~ a + b", _un("~", _bin("+", Symbol("a"), Symbol("b")))),
    ("1L", Number(1.0, is_int=True)),
    ("1e-3", Number(0.001)),
    ("0x10", Number(16.0)),
    (".5", Number(0.5)),
    ("Solar.R", Symbol("Solar.R")),
    ("`odd name`", Symbol("odd name")),
    ("TRUE", Constant("TRUE")),
    ("NA", Constant("NA")),
    ("Inf", Constant("Inf")),
    ("'a\\'b'", String("a'b")),
    ("as.factor(x)", Call(Symbol("as.factor"), (Arg(None, Symbol("x")),))),
    ("log(u, base = 2)", Call(Symbol("log"), (Arg(None, Symbol("u")),
                                             Arg("base", Number(2.0))))),
])
def test_precedence_and_literals(text, expected):
    assert parse_expr(text) == expected


def test_parse_formula_requires_tilde():
    assert parse_formula("y ~ x").fname == "~"
    assert len(parse_formula("~ x").args) == 1
    with pytest.raises(RError):
        parse_formula("y + x")


def test_parse_formula_reports_position():
    with pytest.raises(RError, match=r"<text>:1:6: unexpected '\)'"):
        parse_formula("y ~ x)")
