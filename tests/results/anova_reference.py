"""Shared helpers of test_anova.py, test_drop1.py and test_step.py (not a test module).

Expected values: ``tests/reference/anova.json``, written by
``tests/reference/make_anova.R`` (R's anova/drop1/add1/step; anova() with R >= 4.4's
rules, emulated on R 4.2 as that script explains). Each model's ``py`` is fitted once
(in a namespace holding ``rglm`` and the datasets); each case's ``py`` is evaluated with
the models bound to their ids, its RWarnings and printed output collected.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import io
import json
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

REFERENCE = json.loads((Path(__file__).resolve().parents[1] / "reference" /
                        "anova.json").read_text("utf-8"))
MODELS = {m["id"]: m for m in REFERENCE["models"]}
CASES = {c["id"]: c for c in REFERENCE["cases"]}

TOL = 1e-8
# Values this much smaller than the largest of their column are rounding noise around
# an exact zero (Dobson's treatment effect is exactly 0; R prints 6.2172e-15): compared
# with the absolute tolerance TOL x (largest of the column).
NOISE_RATIO = 1e-10

# Public names this area adds to ``rglm`` (the lead exports them from rglm/__init__.py);
# bound here too, so the tests run before that happens.
_PUBLIC = {"anova": "rglm.results.anova", "drop1": "rglm.results.drop1",
           "add1": "rglm.results.drop1", "step": "rglm.results.step",
           "extractAIC": "rglm.results.loglik"}


def public_rglm():
    """``rglm`` with the names above available."""
    import rglm

    for name, module in _PUBLIC.items():
        if not hasattr(rglm, name):
            setattr(rglm, name, getattr(importlib.import_module(module), name))
    return rglm


def cases_of(kind: str) -> list[str]:
    return [c["id"] for c in REFERENCE["cases"] if c["kind"] == kind]


@functools.cache
def _datasets() -> dict:
    rglm = public_rglm()
    names = sorted({d for m in REFERENCE["models"] for d in m["data"]})
    return {name: rglm.datasets.load(name) for name in names}


def base_namespace() -> dict:
    ns = {"rglm": public_rglm(), "math": math}
    ns.update(_datasets())
    return ns


@functools.cache
def fitted(model_id: str):
    """The model of ``model_id``, fitted once (fit-time warnings are not the case's)."""
    ns = base_namespace()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return eval(MODELS[model_id]["py"], ns)  # noqa: S307 - our own reference code


def run_case(case: dict):
    """Evaluate the case's ``py`` once: (value, RWarning texts in order, printed output)."""
    return _run_case(case["id"])


@functools.cache
def _run_case(case_id: str):
    case = CASES[case_id]
    rglm = public_rglm()
    ns = base_namespace()
    for model_id in case["models"]:
        ns[model_id] = fitted(model_id)
    out = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out):
        warnings.simplefilter("always")
        value = eval(case["py"], ns)  # noqa: S307 - our own reference code
    texts = [str(w.message) for w in caught if issubclass(w.category, rglm.RWarning)]
    return value, texts, out.getvalue()


def run_error(case: dict) -> str:
    """Evaluate a case R answered with an error; the RError's text."""
    rglm = public_rglm()
    ns = base_namespace()
    for model_id in case["models"]:
        ns[model_id] = fitted(model_id)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            eval(case["py"], ns)  # noqa: S307 - our own reference code
        except rglm.RError as err:
            return str(err)
    raise AssertionError(f"{case['id']}: rglm raised no error, R said {case['error']!r}")


def as_float(value) -> float:
    if value is None:
        return math.nan
    if isinstance(value, str):
        return {"NaN": math.nan, "Inf": math.inf, "-Inf": -math.inf}[value]
    return float(value)


def assert_close(actual, expected: list, what: str, tol: float = TOL, atol: float = 0.0) -> None:
    """Relative comparison; NA/NaN positions must agree; noise around 0 absolutely
    (``atol`` too, for a column that holds nothing but noise)."""
    exp = np.array([as_float(v) for v in expected], dtype=float)
    act = np.asarray(actual, dtype=float)
    assert act.shape == exp.shape, f"{what}: shape {act.shape}, R has {exp.shape}"
    nan_e, nan_a = np.isnan(exp), np.isnan(act)
    assert (nan_e == nan_a).all(), f"{what}: NA positions {nan_a}, R has {nan_e}"
    ok = ~nan_e
    e, a = exp[ok], act[ok]
    inf = np.isinf(e)
    assert (a[inf] == e[inf]).all(), f"{what}: infinities differ"
    e, a = e[~inf], a[~inf]
    if e.size == 0:
        return
    scale = np.max(np.abs(e))
    noise = np.abs(e) <= NOISE_RATIO * scale
    bound = np.where(noise, tol * scale, tol * np.abs(e)) + atol
    bad = np.abs(a - e) > bound
    assert not bad.any(), f"{what}: rglm {a[bad]}, R {e[bad]}"


def assert_table(frame, ref: dict, what: str, nan_mask=None, atol: float = 0.0) -> None:
    """A DataFrame against R's table: names, then each column (NaN vs NA too)."""
    assert list(frame.columns) == ref["colnames"], f"{what}: columns"
    assert [str(r) for r in frame.index] == ref["rownames"], f"{what}: rows"
    for j, (name, col) in enumerate(zip(ref["colnames"], ref["columns"])):
        values = frame[name]
        if not pd.api.types.is_numeric_dtype(values):
            assert list(values) == col, f"{what}: column {name}"
            continue
        assert_close(values.to_numpy(dtype=float), col, f"{what}: column {name}", atol=atol)
        r_nan = np.array([v == "NaN" for v in col])
        got_nan = np.zeros(len(col), dtype=bool) if nan_mask is None else nan_mask[:, j]
        assert (r_nan == got_nan).all(), f"{what}: NaN (not NA) cells of {name}"


def load(module: str):
    """A module of rglm (for tests of internal helpers)."""
    return importlib.import_module(module)
