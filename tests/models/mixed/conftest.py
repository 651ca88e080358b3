"""Plumbing of the mixed-model tests: lme4's models of ``tests/reference/mixed.json``
(``make_mixed.R``), fitted once per session, with the warnings and messages they issued.

* ``mixed_fit(model_id)`` -> ``MixedEval(value, conditions)``: the rglm fit of a model's
  ``py`` (its datasets bound under their names, an ``update`` case's base fit under the
  base's id) and its conditions as ``[(type, text)]`` in order (RWarnings as
  ``"warning"``, text written through ``rglm.report.message`` as ``"message"``);
* ``mixed_eval(code, data, bindings)`` -> ``MixedEval`` of any snippet (not cached);
* ``close_print(got, want, rel)`` -> the differences between two printouts whose numbers
  come from optimisers stopping at different places (see :func:`print_differences`).
"""

from __future__ import annotations

import contextlib
import io
import math
import re
import warnings
from typing import Any, NamedTuple

import numpy as np
import pytest

REF = "mixed"


class MixedEval(NamedTuple):
    value: Any
    conditions: list  # [(type, text)]


class _Writes(io.StringIO):
    """A stream remembering each write: ``rglm.report.message`` writes one message (and
    its newline) per call."""

    def __init__(self):
        super().__init__()
        self.writes = []

    def write(self, text):
        self.writes.append(text)
        return super().write(text)


def _evaluate(code: str, data=(), bindings=None) -> MixedEval:
    import rglm
    from rglm.datasets import load
    from rglm.errors import RWarning

    ns = {"rglm": rglm, "np": np, "math": math}
    ns.update({name: load(name) for name in data})
    ns.update(bindings or {})
    err = _Writes()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stderr(err):
        warnings.simplefilter("always")
        value = eval(code, ns)  # noqa: S307 - our own reference code
    conditions = [("warning", str(w.message)) for w in caught
                  if issubclass(w.category, RWarning)]
    conditions += [("message", m[:-1] if m.endswith("\n") else m) for m in err.writes]
    return MixedEval(value, conditions)


@pytest.fixture(scope="session")
def mixed_models(reference) -> dict:
    """mixed.json's models by id."""
    return {m["id"]: m for m in reference(REF)["models"]}


_FITS: dict = {}


@pytest.fixture(scope="session")
def mixed_fit(mixed_models):
    """``mixed_fit(model_id)`` -> the model's rglm fit and its conditions (cached)."""

    def fit(model_id: str) -> MixedEval:
        if model_id not in _FITS:
            case = mixed_models[model_id]
            bindings = {}
            if case.get("base"):
                bindings[case["base"]] = fit(case["base"]).value
            _FITS[model_id] = _evaluate(case["py"], case["data"], bindings)
        return _FITS[model_id]

    return fit


@pytest.fixture(scope="session")
def mixed_eval():
    """``mixed_eval(code, data=(), bindings=None)`` -> MixedEval (not cached)."""
    return _evaluate


# ---- printouts at an optimiser's tolerance ---------------------------------------------

_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def _tokens(line: str) -> list:
    return [(m.group(), m.start(), m.end()) for m in re.finditer(r"\S+", line)]


def _unit(text: str) -> float:
    """One unit of the last printed digit of a number token."""
    mant, _, exp = text.lower().partition("e")
    dec = len(mant.split(".")[1]) if "." in mant else 0
    return 10.0 ** (-dec) * (10.0 ** int(exp) if exp else 1.0)


def print_differences(got: str, want: str, rel: float) -> list:
    """The differences between rglm's printout and R's when both print numbers an
    optimiser left at its tolerance: the same lines and tokens; every token that is
    not a number equal to R's; every number within ``rel`` (relative) or one unit of
    R's last printed digit of R's; and every token ending where R's does as long as
    all numbers of the line have R's widths."""
    problems = []
    gl, wl = got.split("\n"), want.split("\n")
    if len(gl) != len(wl):
        return [f"{len(gl)} lines, R has {len(wl)}"]
    widths_kept = []
    for i, (g, w) in enumerate(zip(gl, wl), start=1):
        gt, wt = _tokens(g), _tokens(w)
        if len(gt) != len(wt):
            problems.append(f"line {i}: {g!r} vs R's {w!r}")
            widths_kept.append(False)
            continue
        same_widths = True
        for (a, _, ae), (b, _, be) in zip(gt, wt):
            if _NUMBER.match(b) and _NUMBER.match(a):
                x, y = float(a), float(b)
                if abs(x - y) > max(rel * abs(y), 1.0001 * _unit(b)):
                    problems.append(f"line {i}: {a} vs R's {b}")
                same_widths &= len(a) == len(b)
            elif a != b:
                problems.append(f"line {i}: {a!r} vs R's {b!r} in {w!r}")
        widths_kept.append(same_widths)
    # the layout: R's, in every block of lines (a table) whose numbers have R's widths
    # (a wider number widens its column and moves what follows it)
    start = 0
    for end in [k for k, w in enumerate(wl) if not w.strip()] + [len(wl)]:
        if all(widths_kept[start:end]):
            for k in range(start, end):
                if gl[k] != wl[k] and [e for _, _, e in _tokens(gl[k])] + [len(gl[k])] != \
                        [e for _, _, e in _tokens(wl[k])] + [len(wl[k])]:
                    problems.append(f"line {k + 1}: layout {gl[k]!r} vs R's {wl[k]!r}")
        start = end + 1
    return problems


@pytest.fixture(scope="session")
def close_print():
    """``close_print(got, want, rel)`` -> the list of differences
    (:func:`print_differences`)."""
    return print_differences
