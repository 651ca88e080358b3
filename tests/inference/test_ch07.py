"""MASS's ``scripts/ch07.R`` (Venables & Ripley, chapter 7: generalized linear models)
translated statement by statement and run in rglm, against R's run of the script.

Expected output and numbers: ``tests/reference/ch07.json``, written by
``tests/reference/make_ch07.R``, which lists every statement of ch07.R in order (and
checks that the list is the script) with its rglm translation, or the reason there is
none. The translations run here in one namespace, in order, as the script runs in R,
inside ``with rglm.options():`` so that the script's ``options(width = 65, digits = 5)``
(its second statement) ends with the run. For every statement this file compares what
it printed with R's text (rounding noise aside: ``ContHigh`` of ``house.glm0`` is zero in
exact arithmetic), its numbers with R's (1e-8 relative), and its warnings and messages;
a statement without translation is reported as skipped, with its reason.
"""

from __future__ import annotations

import contextlib
import io
import math
import traceback
from typing import Any, NamedTuple, Optional

import numpy as np
import pytest

REF = "ch07"
TOL = 1e-8


class Outcome(NamedTuple):
    """What running one statement gave."""

    output: str
    warnings: list
    messages: list
    values: dict  # name -> numbers (or the text of the error evaluating them)
    error: Optional[str]


def _numbers(value: Any) -> np.ndarray:
    """A value as R's ``c(as.matrix(x))``: numbers column by column."""
    if hasattr(value, "table") and hasattr(value, "heading"):  # an anova-like record
        value = value.table
    if hasattr(value, "to_numpy"):
        value = value.to_numpy(dtype=np.float64, na_value=np.nan)
    return np.asarray(value, dtype=np.float64).ravel(order="F")


@pytest.fixture(scope="module")
def ch07(reference):
    """Run every translated statement once, in order; id -> Outcome."""
    import scipy.stats  # noqa: F401  (the translations use scipy.stats, as R uses stats)

    import rglm
    from rglm.errors import RWarning

    ref = reference(REF)
    ns = {"rglm": rglm, "np": np, "pd": __import__("pandas"), "math": math,
          "scipy": __import__("scipy")}
    ns.update({name: rglm.datasets.load(name) for name in ref["datasets"]})
    outcomes = {}
    import warnings

    with rglm.options(digits=7, width=80):  # the script's options() end with the block
        for st in ref["statements"]:
            if st["py"] is None:
                continue
            out, err = io.StringIO(), io.StringIO()
            error = None
            with warnings.catch_warnings(record=True) as caught, \
                    contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                warnings.simplefilter("always")
                try:
                    exec(st["py"], ns)  # noqa: S102 - the translated script
                except Exception:  # noqa: BLE001 - reported by the statement's tests
                    error = traceback.format_exc()
            values = {}
            for val in st["values"]:
                try:
                    values[val["name"]] = _numbers(eval(val["py"], ns))  # noqa: S307
                except Exception:  # noqa: BLE001
                    values[val["name"]] = traceback.format_exc()
            outcomes[st["id"]] = Outcome(
                out.getvalue(), [str(w.message) for w in caught
                                 if issubclass(w.category, RWarning)],
                err.getvalue().splitlines(), values, error)
    return outcomes


def _statements(ref):
    return {st["id"]: st for st in ref["statements"]}


statements = pytest.mark.r_cases(REF, _statements)


def _ran(st, request) -> Outcome:
    if st["skip"] is not None:
        pytest.skip(f"ch07.R: {st['r']!r} -- {st['skip']}")
    got = request.getfixturevalue("ch07")[st["id"]]
    assert got.error is None, f"{st['py']}\nraised:\n{got.error}"
    return got


def _expected_output(case) -> str:
    """R's printout as the translation prints it: Python's ``print(x)`` ends with a
    newline after ``str(x)``, which (R's text of an rglm object, like R's printout)
    already ends with one -- one empty line more than R's console shows."""
    return case["output"] + "\n" * case["py"].count("print(")


@statements
def test_output(case, request, same_printed, noise_among):
    got = _ran(case, request)
    if case["output_skip"] is not None:
        pytest.skip(f"ch07.R: {case['r']!r} prints what rglm does not: {case['output_skip']}")
    want = _expected_output(case)
    numbers = [v["numbers"] for v in case["values"]]
    noise = noise_among(numbers, columns=True) if numbers else None
    if noise is None:
        assert got.output == want
    else:
        same_printed(got.output, want, noise, case["id"])


@statements
def test_values(case, request, assert_close):
    got = _ran(case, request)
    for val in case["values"]:
        value = got.values[val["name"]]
        assert not isinstance(value, str), f"{val['py']} raised:\n{value}"
        assert_close(value, val["numbers"], TOL, f"{case['id']}: {val['name']}")


@statements
def test_warnings_and_messages(case, request):
    got = _ran(case, request)
    assert got.warnings == case["warnings"]
    assert got.messages == case["messages"]


def test_every_statement_is_translated_or_says_why(reference):
    for st in reference(REF)["statements"]:
        assert (st["py"] is None) != (st["skip"] is None), st["id"]
