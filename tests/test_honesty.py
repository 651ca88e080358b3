"""The tests take R's numbers and text from committed R scripts, never typed by hand.

Every expected value comes from a ``tests/reference/make_*.R`` script writing JSON (see
``tests/reference/README.md``). What a hand-typed expectation looks like, and what this
module refuses in the test files:

* a float literal, or a number inside a string literal other than a docstring, with
  more than ``MAX_DIGITS`` significant digits (copied from R's output: ``-23.380659``,
  ``"... taken to be 0.002446059)"``);
* a string literal of two or more non-blank lines that is not a docstring (a pasted
  printout: a summary, an anova table);
* a data file under ``tests/`` that no ``make_*.R`` script names (hand-made JSON);
* ``pytest.importorskip`` of rglm's own modules, which turns an import error of rglm into
  a skip instead of a failure.

A literal that must stay anyway (an input that is not an expected value) says why in
a comment ``# honesty: <reason>`` on its line (for a string, on any of its lines).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REFERENCE = TESTS / "reference"

#: Six significant digits pass (``0.1709``, ``1e-8``, ``123456``); seven do not.
MAX_DIGITS = 6

_WAIVER = re.compile(r"#.*\bhonesty:\s*\S")


def _test_sources() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if "__pycache__" not in p.parts)


def significant_digits(token: str) -> int:
    """The significant digits of a float literal's text (leading and trailing zeros of
    the mantissa do not count: ``0.000120`` has 2, ``123456.0`` has 6)."""
    mantissa = re.split(r"[eE]", token.replace("_", ""))[0]
    return len(mantissa.replace(".", "").strip("0"))


def waived_lines(source: str) -> set[int]:
    """The lines holding a comment ``# ... honesty: <reason>``."""
    return {tok.start[0] for tok in tokenize.generate_tokens(io.StringIO(source).readline)
            if tok.type == tokenize.COMMENT and _WAIVER.match(tok.string)}


def long_float_literals(source: str) -> list[tuple[int, str]]:
    """(line, literal) of the float literals with more than MAX_DIGITS digits."""
    found = []
    waived = waived_lines(source)
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type != tokenize.NUMBER:
            continue
        text = tok.string
        if re.fullmatch(r"0[xXoObB][0-9a-fA-F_]+|[0-9_]+|.*[jJ]", text):
            continue  # integers, hex/octal/binary, complex
        if significant_digits(text) > MAX_DIGITS and tok.start[0] not in waived:
            found.append((tok.start[0], text))
    return found


# a decimal number written in a text: 0.002446059, 1.5e-08, 3e5 (not 1.2.3, x1.5, 10)
_NUMBER_IN_TEXT = re.compile(r"(?<![\w.])(?:\d*\.\d+(?:[eE][-+]?\d+)?|\d+\.?\d*[eE][-+]?\d+)"
                             r"(?![\w.])")


def long_numbers_in_strings(source: str) -> list[tuple[int, str]]:
    """(line, number) of numbers with more than MAX_DIGITS digits written inside string
    literals other than docstrings (R's text typed by hand: "... taken to be 0.002446059")."""
    tree = ast.parse(source)
    waived = waived_lines(source)
    docs = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            span = range(node.lineno, (node.end_lineno or node.lineno) + 1)
            if not waived.isdisjoint(span):
                continue
            found += [(node.lineno, m.group()) for m in _NUMBER_IN_TEXT.finditer(node.value)
                      if significant_digits(m.group()) > MAX_DIGITS]
    return found


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def multiline_string_literals(source: str) -> list[tuple[int, str]]:
    """(line, start of text) of non-docstring string literals of 2+ non-blank lines."""
    tree = ast.parse(source)
    waived = waived_lines(source)
    docs = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and id(node) not in docs
                and sum(bool(line.strip()) for line in node.value.splitlines()) >= 2):
            span = range(node.lineno, (node.end_lineno or node.lineno) + 1)
            if waived.isdisjoint(span):
                found.append((node.lineno, node.value[:40]))
    return found


def rglm_importorskips(source: str) -> list[tuple[int, str]]:
    """(line, module) of ``pytest.importorskip("rglm...")`` calls."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "importorskip" and node.args
                and isinstance(node.args[0], ast.Constant)
                and str(node.args[0].value).split(".")[0] == "rglm"):
            found.append((node.lineno, node.args[0].value))
    return found


def _report(check) -> list[str]:
    out = []
    for path in _test_sources():
        for line, what in check(path.read_text(encoding="utf-8")):
            out.append(f"{path.relative_to(TESTS.parent)}:{line}: {what!r}")
    return out


def test_no_float_copied_from_r():
    assert _report(long_float_literals) == []
    assert _report(long_numbers_in_strings) == []


def test_no_printout_pasted_from_r():
    assert _report(multiline_string_literals) == []


def test_no_importorskip_of_rglm():
    assert _report(rglm_importorskips) == []


def test_every_reference_file_has_a_generator():
    scripts = "\n".join(p.read_text(encoding="utf-8") for p in REFERENCE.glob("make_*.R"))
    data = [p for p in TESTS.rglob("*") if p.suffix in (".json", ".csv")]
    assert data, "no reference files found"
    assert [str(p.relative_to(TESTS)) for p in data if p.name not in scripts] == []


# ---- the checks themselves --------------------------------------------------------------


def test_the_checks_find_what_they_look_for():
    sample = (
        'X = 0.002446059\n'
        'Y = 1e-8 + 0.1709 + 123456.0 + 20240607 + 0x1F + 2.5j\n'
        'Z = 3.14159265  # honesty: an input, not R\'s\n'
        'def f():\n'
        '    """Doc\n    string\n    lines."""\n'
        '    text = """\nCoefficients:\n(Intercept)  1.5\n"""\n'
        '    one = "\\nParameter: x down\\n"\n'
        '    pytest.importorskip("rglm.render")\n'
        '    pytest.importorskip("pyarrow")\n'
        '    t = """a\nb"""  # honesty: code, not a printout\n'
        '    u = "# honesty: inside a string is no waiver\\n1.2345678"\n'
        '    v = 1.2345678 + 0.0  # a comment without the word\n')  # honesty: a sample
    x, v = "0.002446059", "1.2345678"  # honesty: the numbers of the samples
    assert long_float_literals(sample) == [(1, x), (18, v)]
    assert [line for line, _ in multiline_string_literals(sample)] == [8, 17]
    assert long_numbers_in_strings(sample) == [(17, v)]  # u; `text` and X are not strings
    assert rglm_importorskips(sample) == [(13, "rglm.render")]
    text = f'assert "taken to be {x})" in out and "1.5e-08, v{v}, 1.2.3.4567"'
    assert long_numbers_in_strings(text) == [(1, x)]
    assert significant_digits("0.000120") == 2 and significant_digits("1.5e-300") == 2
