"""Computation and text apart (docs/architecture.md): nothing below the front ends writes
to a stream itself.

R's code writes progress and diagnostics with ``cat()`` and ``message()``; rglm's with
:func:`rglm.report.cat` and :func:`rglm.report.message`, the one place that touches
standard output and standard error (so that a test, a notebook or a caller redirecting
the streams sees everything). Only ``rglm.report`` and the command line (``rglm.cli``,
``rglm.__main__``) may name ``sys.stdout``/``sys.stderr`` or call ``print()``.
"""

from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1] / "rglm"
ALLOWED = ("report", "cli", "__main__.py")
STREAMS = {"stdout", "stderr", "__stdout__", "__stderr__"}


def _writes(tree: ast.AST) -> list[str]:
    """The places in a module that write to a stream without rglm.report."""
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr in STREAMS
                and isinstance(node.value, ast.Name) and node.value.id == "sys"):
            found.append(f"line {node.lineno}: sys.{node.attr}")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id == "print"):
            found.append(f"line {node.lineno}: print()")
        elif isinstance(node, ast.ImportFrom) and node.module == "sys":
            found += [f"line {node.lineno}: from sys import {a.name}" for a in node.names
                      if a.name in STREAMS]
    return found


MODULES = sorted(p for p in ROOT.rglob("*.py")
                 if p.relative_to(ROOT).parts[0] not in ALLOWED)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_stream_writes_below_the_front_ends(path):
    assert _writes(ast.parse(path.read_text())) == []


def test_the_check_sees_stream_writes():
    source = ("import sys\nfrom sys import stderr\ndef f():\n    sys.stdout.write('x')\n"
              "    print('y', file=sys.stderr)\n")  # honesty: code under test
    assert len(_writes(ast.parse(source))) == 4
