"""print.default layouts (named/unnamed vectors, matrices) against R 4.2."""

from __future__ import annotations

import numpy as np
import pytest

from rglm.render.vector import (format_strings, print_char_matrix, print_named_vector,
                                  print_numeric_matrix, print_numeric_vector, print_vector)


def values(strings):
    """R doubles stored by make_printing.R as "%.17g" strings; "NA" -> None."""
    return [None if s == "NA" else float(s) for s in strings]


@pytest.mark.r_cases("printing", "numeric_vectors", ids=None)
def test_numeric_vector(case):
    got = print_numeric_vector(values(case["x"]), case["names"], digits=case["digits"],
                               na_print=case["na_print"], gap=case["gap"])
    assert got == case["out"]


@pytest.mark.r_cases("printing", "char_vectors", ids=None)
def test_char_vector(case):
    if case["names"] is None:
        got = print_vector(case["x"], gap=case["gap"], right=False)
    else:
        got = print_named_vector(case["x"], case["names"], gap=case["gap"])
    assert got == case["out"]


@pytest.mark.r_cases("printing", "char_matrices", ids=None)
def test_char_matrix(case):
    got = print_char_matrix(case["cells"], case["rownames"], case["colnames"],
                            right=case["right"])
    assert got == case["out"]


def test_numeric_matrix(reference):
    case = reference("printing")["numeric_matrix"]
    x = np.array([values(row) for row in case["x"]], dtype=object)  # None marks NA
    got = print_numeric_matrix(x, case["rownames"], case["colnames"])
    assert got == case["out"]
    assert print_numeric_matrix(x, case["rownames"], case["colnames"], digits=3) == case["out3"]


def test_format_strings():
    assert format_strings(["Null", "Residual"], "right") == ["    Null", "Residual"]
    assert format_strings(["***", "*", ""]) == ["***", "*  ", "   "]
