"""deparse() against R's own output (tests/reference/printing.json, section "deparse")."""

from __future__ import annotations

import pytest

from rglm.formula.ast import Arg, Call, Constant, Number, String, Symbol
from rglm.formula.deparse import deparse, deparse1, deparse_number, is_syntactic_name
from rglm.formula.parse import parse_expr



def to_node(tree):
    """Build an AST node from make_printing.R's JSON picture of an R language object."""
    kind = tree["t"]
    if kind == "sym":
        return Symbol(tree["v"])
    if kind == "str":
        return String(tree["v"])
    if kind == "const":
        return Constant(tree["v"])
    if kind == "num":
        if tree["v"] == "NA":
            return Constant("NA_integer_" if tree["int"] else "NA_real_")
        return Number(float(tree["v"]), bool(tree["int"]))
    args = tuple(Arg(a["n"], to_node(a["v"])) for a in tree["args"])
    return Call(to_node(tree["fn"]), args)


@pytest.mark.r_cases("printing", "deparse", ids=lambda c: c["one"][:40])
def test_deparse_matches_r(case):
    node = to_node(case["ast"])
    assert deparse(node) == case["lines"]
    assert deparse(node, width_cutoff=30) == case["lines30"]
    assert deparse1(node) == case["one"]


def test_glm_call_breaks_after_comma_keeping_trailing_space():
    node = Call(Symbol("glm"), (
        Arg("formula", Call(Symbol("~"), (Arg(None, Symbol("lot1")),
                                          Arg(None, Call(Symbol("log"),
                                                         (Arg(None, Symbol("u")),)))))),
        Arg("family", Symbol("Gamma")), Arg("data", Symbol("clotting")),
        Arg("weights", Symbol("w"))))
    assert deparse(node) == [
        "glm(formula = lot1 ~ log(u), family = Gamma, data = clotting, ",
        "    weights = w)"]


def test_bare_symbol_is_not_backquoted_by_default():
    assert deparse(Symbol("a b")) == ["a b"]
    assert deparse1(Symbol("a b"), backtick=True) == "`a b`"


@pytest.mark.r_cases("printing", lambda ref: list(zip(ref["deparse_numbers"]["x"],
                                                       ref["deparse_numbers"]["out"])),
                     arg="value, text", ids=None)
def test_deparse_number(value, text):
    """R's deparse() of a double (printing.json, section "deparse_numbers")."""
    assert deparse_number(float(value)) == text


def test_syntactic_names():
    assert is_syntactic_name(".x") and is_syntactic_name("a_b.c") and is_syntactic_name("...")
    assert not is_syntactic_name(".2x") and not is_syntactic_name("if")
    assert not is_syntactic_name("_a") and not is_syntactic_name("a b")


@pytest.mark.r_cases("printing", "deparse", where=lambda c: c["text"] is not None,
                     ids=lambda c: c["text"][:40])
def test_parse_then_deparse_matches_r(case):
    node = parse_expr(case["text"])
    assert deparse(node) == case["lines"]
