"""Inputs a real data set brings (issue #7 section 4): R's answer or a clear error.

R's side is tests/reference/inputs.json, written by tests/reference/make_inputs.R (see
its header for each section).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import tracemalloc
import warnings

import numpy as np
import pandas as pd
import pytest

import rglm
from rglm.errors import RError, RWarning, collecting_warnings, rwarn
from rglm.formula import memory
from rglm.formula.contrasts import contrast_matrix
from rglm.formula.deparse import deparse
from rglm.formula.design import model_matrix
from rglm.formula.frame import model_frame
from rglm.formula.parse import parse_formula
from rglm.formula.terms import terms
from rglm.inference.update import update_formula

TOL = 1e-8


# ---- a formula without a response -----------------------------------------------------


@pytest.mark.r_cases("inputs", lambda ref: ref["one_sided"]["cases"])
def test_one_sided_formula_is_refused_before_fitting(case, reference, r_eval):
    # R's glm fails too, but by accident deep inside glm.fit (after two warnings about
    # iterations that never ran): rglm refuses up front, in the words of R's own check.
    assert case["r_error"]
    expected = reference("inputs")["one_sided"]["error"]
    with pytest.raises(RError) as err:
        r_eval(case["py"], case["data"])
    assert str(err.value) == expected


def test_one_sided_formula_warns_nothing(reference, dataset):
    dobson = dataset("dobson")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(RError):
            rglm.glm("~ outcome", data=dobson)
    assert caught == []


def test_one_sided_formula_in_bigglm(reference, dataset):
    with pytest.raises(RError) as err:
        rglm.bigglm("~ outcome", data=dataset("dobson"))
    assert str(err.value) == reference("inputs")["one_sided"]["error"]


def test_one_sided_formula_still_gives_its_model_frame(dataset):
    # R: glm(~ outcome, method = "model.frame") returns the frame; only fitting fails.
    mf = rglm.glm("~ outcome", data=dataset("dobson"), method="model.frame")
    assert list(mf.columns) == ["outcome"]


# ---- long formulas ----------------------------------------------------------------------


def _wide(ref: dict) -> pd.DataFrame:
    """make_inputs.R's integer recipe, repeated exactly."""
    n, k, m = ref["n"], ref["k"], ref["modulus"]
    i = np.arange(1, n + 1, dtype=np.int64)[:, None]
    j = np.arange(1, k + 1, dtype=np.int64)[None, :]
    x = (i * i * j + 3 * i * j * j + 7 * i + j) % m - 504
    wide = pd.DataFrame(x.astype(np.float64), columns=[f"x{c}" for c in range(1, k + 1)])
    wide["y"] = ((37 * i[:, 0] ** 2 + 11 * i[:, 0]) % 101).astype(np.float64)
    return wide


@pytest.fixture(scope="module")
def long_fit(reference):
    ref = reference("inputs")["long_formula"]
    wide = _wide(ref)
    np.testing.assert_array_equal(wide.iloc[:, :ref["k"]].sum().to_numpy(),
                                  np.asarray(ref["checks"]["x_sums"], dtype=float))
    np.testing.assert_array_equal(wide["y"].to_numpy(), np.asarray(ref["checks"]["y"]))
    formula = " + ".join(f"x{c}" for c in range(1, ref["k"] + 1))
    fit = rglm.glm("y ~ " + formula, data=wide)
    return ref, fit, rglm.summary(fit)


def test_500_terms_fit_as_r(long_fit, assert_close):
    ref, fit, summary = long_fit
    assert_close(fit.coefficients, ref["coefficients"], TOL, "coefficients")
    assert_close(summary.coefficients["Std. Error"], ref["se"], TOL, "se")


def test_500_terms_print_as_r(long_fit):
    ref, fit, summary = long_fit
    assert deparse(fit.call) == ref["call_deparse"]
    assert deparse(fit.terms.formula) == ref["formula_deparse"]
    assert str(fit) == ref["print"]
    assert str(summary) == ref["summary_print"]


@pytest.mark.slow
def test_500_terms_update_as_r(long_fit, assert_close):
    ref, fit, _ = long_fit
    new = rglm.update(fit, ". ~ . - x1")
    assert deparse(new.formula_node) == ref["update_formula"]
    assert_close(new.coefficients, ref["update_coefficients"], TOL, "coefficients")


def test_2000_terms_through_the_formula_layer(reference):
    ref = reference("inputs")["deep_formula"]
    text = "y ~ " + " + ".join(f"x{c}" for c in range(1, ref["k"] + 1))
    node = parse_formula(text)
    assert deparse(node) == ref["deparse"]
    assert len(terms(node).term_labels) == ref["term_labels"]
    updated = update_formula(node, ". ~ . - x1 - x2000 + z")
    assert deparse(parse_formula(updated)) == ref["update_deparse"]


def test_500_deep_expression_evaluates_as_r(long_fit, assert_close):
    ref, fit, _ = long_fit
    inside = rglm.glm("y ~ I(" + " + ".join(f"x{c}" for c in range(1, ref["k"] + 1)) + ")",
                      data=fit.data)
    assert_close(inside.coefficients, ref["inside_coefficients"], TOL, "coefficients")


def test_parser_nesting_limit_is_rs(reference):
    ref = reference("inputs")["deep_formula"]
    assert list(terms(parse_formula(ref["nested_ok"])).term_labels) == ref["nested_ok_labels"]
    with pytest.raises(RError) as err:
        parse_formula(ref["nested_too_deep"])
    assert str(err.value) == ref["nested_error"]


def test_runaway_nesting_is_an_error_not_a_crash():
    # R parses these; rglm's parser and evaluator stop with R's words for nesting too
    # deep instead of a RecursionError (chains of binary operators are not limited)
    with pytest.raises(RError, match="^contextstack overflow at line 1$"):
        parse_formula("y ~ " + "-" * 5000 + "x")
    from rglm.formula import ast
    from rglm.formula.evaluate import evaluate
    from rglm.formula.values import REnv

    node = ast.Symbol("x")
    for _ in range(5000):
        node = ast.call("-", node)
    with pytest.raises(RError, match=r"^evaluation nested too deeply: infinite recursion"):
        evaluate(node, REnv.from_data(pd.DataFrame({"x": [1.0, 2.0]}), {}))


def test_deep_formulas_compare_hash_print_and_pickle():
    import copy
    import pickle

    text = "y ~ " + " + ".join(f"x{c}" for c in range(1, 5001))
    a, b = parse_formula(text), parse_formula(text)
    assert a == b and hash(a) == hash(b)
    assert a != parse_formula(text + " + z")
    assert repr(a).startswith("Call(fn=Symbol(name='~'), args=(Arg(name=None, value=Symbol(")
    assert pickle.loads(pickle.dumps(a)) == a
    assert copy.deepcopy(a) == a


# ---- duplicated row labels -------------------------------------------------------------


def _dup_models(ref):
    return {m["id"]: m for m in ref["duplicated_labels"]["models"]}


@pytest.mark.r_cases("inputs", lambda ref: ref["duplicated_labels"]["cases"])
def test_duplicated_row_labels_give_rs_numbers(case, reference, r_eval, assert_close):
    dup = reference("inputs")["duplicated_labels"]
    model = _dup_models(reference("inputs"))[case["model"]]
    fit = r_eval(model["py"], ["airquality"], setup=dup["setup"]).value
    assert not fit.row_names.is_unique
    got = r_eval(case["py"], bindings={"fit": fit}).value
    assert list(got.index) == case["rownames"]
    assert_close(got, case["values"], TOL, case["id"])


@pytest.fixture(scope="module")
def label_pairs():
    """The same fits made on data with unique and with duplicated row labels."""
    from rglm.datasets import load

    aq = load("airquality")
    aq["g"] = pd.Categorical(np.asarray(aq["Day"] % 4).astype(str))
    dup = aq.set_axis([f"m{m}" for m in aq["Month"]])
    new = aq.iloc[:12].copy()
    new.loc[new.index[3], "Wind"] = np.nan
    pairs = []
    for kw in ({}, {"na_action": "na.exclude", "subset": "Day != 5"},
               {"weights": "Day", "offset": "log(Temp)"}):
        fits = [rglm.glm("Ozone ~ Solar.R + Wind + g", family=rglm.poisson, data=d, **kw)
                for d in (aq, dup)]
        pairs.append((fits, (new, new.set_axis(["r"] * len(new)))))
    return pairs


_GENERICS = {
    "residuals": lambda f, nd: [rglm.residuals(f, t) for t in
                                ("deviance", "pearson", "working", "response", "partial")],
    "predict": lambda f, nd: rglm.predict(f, se_fit=True)["se.fit"],
    "predict_newdata": lambda f, nd: rglm.predict(f, newdata=nd, se_fit=True)["se.fit"],
    "predict_newdata_omit": lambda f, nd: rglm.predict(f, newdata=nd, na_action="na.omit"),
    "influence": lambda f, nd: [rglm.hatvalues(f), rglm.rstandard(f), rglm.rstudent(f),
                                rglm.cooks_distance(f), rglm.dfbetas(f), rglm.covratio(f)],
    "estfun": lambda f, nd: rglm.estfun(f),
    "vcovHC": lambda f, nd: [rglm.vcovHC(f, type=t) for t in ("HC0", "HC3", "HC4m")],
    "vcovCL": lambda f, nd: [rglm.vcovCL(f, cluster=c, type=t)
                             for c in ("Month", "~ Month + Day") for t in ("HC0", "HC2", "HC3")],
    "vcovCL_vector": lambda f, nd: rglm.vcovCL(f, cluster=np.asarray(rglm.model_frame(f)["g"])),
}


@pytest.mark.parametrize("generic", list(_GENERICS))
def test_results_do_not_depend_on_row_labels(label_pairs, generic):
    # Everything per observation is aligned with the model frame by position; labels
    # are only carried along.
    for (unique, duplicated), (new, new_dup) in label_pairs:
        a, b = _GENERICS[generic](unique, new), _GENERICS[generic](duplicated, new_dup)
        for x, y in zip(a if isinstance(a, list) else [a], b if isinstance(b, list) else [b]):
            np.testing.assert_array_equal(np.asarray(x, dtype=float),
                                          np.asarray(y, dtype=float))


# ---- a factor of 1e5 levels -------------------------------------------------------------


@pytest.fixture
def big(reference):
    ref = reference("inputs")["big_factor"]
    n, k = ref["n"], ref["k"]
    codes = np.arange(n) % k
    f = pd.Categorical.from_codes(codes, categories=[f"L{i}" for i in range(1, k + 1)])
    y = np.resize([0.0, 1.0, 3.0], n)
    return ref, pd.DataFrame({"f": f, "y": y})


def test_factor_of_1e5_levels_gets_rs_allocation_error(big, monkeypatch):
    # The memory available is fixed so that the outcome is the same on every machine.
    ref, data = big
    monkeypatch.setattr(memory, "available_memory", lambda: 64 * 2 ** 30)
    tracemalloc.start()
    try:
        with pytest.raises(RError) as err:
            rglm.glm("y ~ f", data=data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(err.value).startswith(ref["error"] + " (the model matrix: 1000000 rows x "
                                     "100000 columns; 64.0 Gb available)")
    assert peak < 2 ** 30  # no 1e5 x 1e5 contrast matrix (74.5 Gb) on the way


def test_numpys_memory_error_becomes_rs(monkeypatch):
    def refuse(*args, **kwargs):
        raise MemoryError
    monkeypatch.setattr(memory, "available_memory", lambda: None)
    monkeypatch.setattr(memory.np, "zeros", refuse)
    with pytest.raises(RError, match=r"^cannot allocate vector of size 1\.5 Mb \(the model "
                                     r"matrix: 1000 rows x 200 columns\)$"):
        memory.allocate((1000, 200), "the model matrix")


def test_r_sizes():
    # R's memory.c: Kb without decimals up to 1 Mb, then Mb, then Gb with one decimal
    assert memory.r_size(8 * 1e5 * 1e6) == "745.1 Gb"
    assert memory.r_size(8 * 1e5 * 1e5) == "74.5 Gb"
    assert memory.r_size(2 ** 20) == "1024 Kb"
    assert memory.r_size(2 ** 20 + 1024) == "1.0 Mb"


@pytest.mark.parametrize("spec", ["contr.treatment", "contr.SAS", "contr.sum", "contr.helmert"])
def test_codings_of_many_levels_need_no_dense_matrix(spec):
    levels = [f"L{i}" for i in range(100_000)]
    tracemalloc.start()
    try:
        cm = contrast_matrix(spec, levels)
        codes = np.array([0, 1, 2, 99_998, 99_999, 100_000])  # the last is NA
        cols = [cm.column(codes, j, na=True) for j in (0, 1, 99_997, 99_998)]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50 * 2 ** 20
    small = contrast_matrix(spec, levels[:6]).matrix
    for j, col in zip((0, 1, 99_997, 99_998), cols):
        assert np.isnan(col[-1])
        expected = _structured_entry(spec, np.array([0, 1, 2, 99_998, 99_999]), j, 100_000)
        np.testing.assert_array_equal(col[:-1], expected)
    # the structure agrees with the matrices R's functions give (checked against R in
    # tests/formula/test_contrasts.py) on a small factor
    for j in range(5):
        np.testing.assert_array_equal(small[:, j],
                                      _structured_entry(spec, np.arange(6), j, 6))


def _structured_entry(spec: str, level: np.ndarray, j: int, k: int) -> np.ndarray:
    if spec == "contr.treatment":
        return (level == j + 1).astype(float)
    if spec == "contr.SAS":
        return (level == j).astype(float)
    if spec == "contr.sum":
        return (level == j).astype(float) - (level == k - 1)
    return np.where(level <= j, -1.0, np.where(level == j + 1, j + 1.0, 0.0))


def test_model_matrix_of_a_large_factor_is_its_indicators():
    rng = np.random.default_rng(7)
    k, n = 1500, 4000
    codes = rng.integers(0, k, n)
    f = pd.Categorical.from_codes(codes, categories=[f"L{i}" for i in range(k)])
    data = pd.DataFrame({"f": f, "x": rng.normal(size=n), "y": rng.normal(size=n)})
    for formula, first in (("y ~ x + f", 1), ("y ~ f - 1", 0)):
        mm = model_matrix(model_frame(formula, data))
        used = np.unique(codes)  # unused levels are dropped, as glm() does
        onehot = (codes[:, None] == used[None, first:]).astype(float)
        cols = [j for j, name in enumerate(mm.colnames) if name.startswith("f")]
        np.testing.assert_array_equal(mm.x[:, cols], onehot)
        assert [mm.colnames[j] for j in cols] == [f"fL{i}" for i in used[first:]]


# ---- warnings: every time, as R -----------------------------------------------------------


def test_each_warning_is_shown_every_time_with_default_filters(tmp_path, reference):
    # Python's default filter shows a warning once per place; R warns every time. Run
    # with the interpreter's own filters (pytest changes them).
    model = next(m for m in reference("glm_models")["models"]
                 if m["id"] == "mtcars_complete_separation")
    script = tmp_path / "separation.py"
    lines = ["import rglm", "from rglm.datasets import load", 'mtcars = load("mtcars")',
             "for _ in range(3):", "    " + model["py"], model["py"], model["py"]]
    script.write_text("\n".join(lines) + "\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         env=env, cwd=tmp_path, check=True)
    shown = [re.match(r"^(.*):(\d+): RWarning: (.*)$", line)
             for line in out.stderr.splitlines()]
    shown = [m.groups() for m in shown if m]
    # each time, attributed to the user's lines (5: the loop, 6 and 7), not to rglm's
    assert shown == [(str(script), line, text) for line in ("5", "5", "5", "6", "7")
                     for text in model["warnings"]], out.stderr


def test_users_filters_still_apply(dataset):
    mtcars = dataset("mtcars")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RWarning)
        with pytest.raises(RWarning, match="algorithm did not converge"):
            rglm.glm("I(mpg > 20) ~ mpg", family=rglm.binomial, data=mtcars)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=RWarning)
        rglm.glm("I(mpg > 20) ~ mpg", family=rglm.binomial, data=mtcars)
    assert caught == []


def test_collecting_warnings_is_local_to_the_thread():
    inside, done = threading.Event(), threading.Event()

    def collect():
        with collecting_warnings() as messages:
            rwarn("collected")
            inside.set()
            done.wait(10)
        assert messages == ["collected"]

    worker = threading.Thread(target=collect)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        worker.start()
        inside.wait(10)
        rwarn("issued meanwhile")
        done.set()
        worker.join()
    assert [str(w.message) for w in caught] == ["issued meanwhile"]


_BIGGLM_MODELS = ("infert_binomial_log_start_step_halving", "cbpp_proportion_no_weights_warns",
                  "mtcars_complete_separation")


@pytest.mark.r_cases("glm_models", "models", where=lambda m: m["id"] in _BIGGLM_MODELS)
def test_bigglm_warns_as_glm(case, r_eval):
    py = case["py"].replace("rglm.glm(", "rglm.bigglm(", 1)[:-1] + ", chunksize=7)"
    got = r_eval(py, case["data"], every_warning=True)
    assert got.warnings == case["warnings"]


def test_bigglm_leaves_the_warnings_machinery_alone(dataset):
    # warnings.catch_warnings swaps the process-wide filter list (and, recording, the
    # function that shows warnings) for every thread; bigglm must not.
    cbpp = dataset("cbpp")
    seen = []

    def blocks():
        for start in range(0, len(cbpp), 10):
            seen.append((warnings.filters, warnings._showwarnmsg_impl))
            yield cbpp.iloc[start:start + 10]

    with pytest.warns(RWarning, match="non-integer #successes"):
        before = (warnings.filters, warnings._showwarnmsg_impl)
        rglm.bigglm("incidence/size ~ period", family=rglm.binomial, data=blocks)
    assert seen and all(a is before[0] and b is before[1] for a, b in seen)
