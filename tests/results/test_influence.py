"""Influence diagnostics of glm fits against R: influence(), hatvalues, rstandard,
rstudent, cooks.distance, dfbeta, dfbetas, covratio, influence.measures and its print.

Expected values: ``tests/reference/influence.json``, written by
``tests/reference/make_predict.R``. Zero-weight rows are absent from every vector, as in
R; ``na.exclude`` fits are padded (hat 0, sigma sqrt(deviance/df.residual)). The printed
``influence.measures`` table is compared only where no entry is rounding noise around an
exact zero (``print_noisy``): such digits cannot be reproduced.
"""

from __future__ import annotations

import functools
import json
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REF = json.loads((Path(__file__).resolve().parents[1] / "reference" / "influence.json")
                 .read_text("utf-8"))
MODELS = {m["id"]: m for m in REF["models"]}
IDS = list(MODELS)
NOISE_RATIO = 1e-10


def as_array(values) -> np.ndarray:
    conv = {"NaN": math.nan, "Inf": math.inf, "-Inf": -math.inf}
    return np.array([math.nan if v is None else conv.get(v, v) for v in values], dtype=float)


def assert_close(actual, expected, tol: float, what: str) -> None:
    """Relative comparison; values below NOISE_RATIO x max are noise around 0, compared
    absolutely at tol x max."""
    act = np.asarray(actual, dtype=float).ravel()
    exp = as_array(expected)
    assert act.shape == exp.shape, f"{what}: {act.shape} vs R {exp.shape}"
    assert np.array_equal(np.isnan(act), np.isnan(exp)), f"{what}: NaN pattern differs"
    fin = np.isfinite(exp)
    if fin.any():
        big = np.max(np.abs(exp[fin]))
        scale = np.where(np.abs(exp[fin]) < NOISE_RATIO * big, big, np.abs(exp[fin]))
        err = np.abs(act[fin] - exp[fin])
        assert np.all(err <= tol * scale), f"{what}: max rel err {np.max(err / scale):.3g}"


def r_names(index: pd.Index) -> list:
    if pd.api.types.is_integer_dtype(index.dtype):
        return [str(int(v) + 1) for v in index]
    return [str(v) for v in index]


def check_vector(actual: pd.Series, expected: dict, tol: float, what: str) -> None:
    assert r_names(actual.index) == expected["names"], f"{what}: names"
    assert_close(actual.to_numpy(dtype=float), expected["values"], tol, what)


def check_matrix(actual: pd.DataFrame, expected: dict, tol: float, what: str) -> None:
    """Column by column (each has its own scale, e.g. dfbetas of different terms)."""
    assert list(actual.columns) == expected["colnames"], f"{what}: colnames"
    assert r_names(actual.index) == expected["rownames"], f"{what}: rownames"
    for j, col in enumerate(expected["columns"]):
        assert_close(actual.iloc[:, j].to_numpy(dtype=float), col, tol,
                     f"{what}[{actual.columns[j]}]")


def r_warnings(record) -> list:
    from rglm.errors import RWarning

    return [str(w.message) for w in record if issubclass(w.category, RWarning)]


@functools.cache
def fitted_model(model_id: str):
    import rglm
    from rglm.datasets import load

    ns = {"rglm": rglm, "pd": pd, "np": np}
    for name in ("dobson", "budworm", "birthwt", "clotting", "mtcars",
                 "InsectSprays", "Insurance", "ships", "anorexia", "warpbreaks",
                 "airquality", "ToothGrowth"):
        ns[name] = load(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return eval(MODELS[model_id]["py"], ns)


def call(fn, *args, **kw):
    """``fn(*args)`` and the R warnings it issued."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        out = fn(*args, **kw)
    return out, r_warnings(record)


@pytest.mark.parametrize("model_id", IDS)
def test_influence_matches_r(model_id):
    from rglm.results.influence import influence

    m = MODELS[model_id]
    infl, warned = call(influence, fitted_model(model_id))
    assert warned == m["influence_warnings"]
    assert infl.keys() == ["hat", "coefficients", "sigma", "dev.res", "pear.res"]
    check_vector(infl.hat, m["hat"], m["tol"], "hat")
    check_matrix(infl.coefficients, m["coefficients"], m["tol"], "coefficients")
    check_vector(infl.sigma, m["sigma"], m["tol"], "sigma")
    check_vector(infl["dev.res"], m["dev_res"], m["tol"], "dev.res")
    check_vector(infl["pear.res"], m["pear_res"], m["tol"], "pear.res")


@pytest.mark.parametrize("name,kw,warn_key", [
    ("hatvalues", {}, None),  # R's hatvalues() is identical to influence()$hat
    ("rstandard", {}, "rstandard_warnings"),
    ("rstandard_pearson", {"type": "pearson"}, "rstandard_warnings"),
    ("rstudent", {}, None),
    ("cooks_distance", {}, "cooks_warnings"),
    ("covratio", {}, None),
])
@pytest.mark.parametrize("model_id", IDS)
def test_diagnostic_vectors_match_r(model_id, name, kw, warn_key):
    from rglm.results import influence as infl

    m = MODELS[model_id]
    fn = getattr(infl, name.replace("_pearson", ""))
    out, warned = call(fn, fitted_model(model_id), **kw)
    assert warned == (m[warn_key] if warn_key else [])
    if name == "hatvalues":
        assert m["hatvalues_identical"]
        name = "hat"
    check_vector(out, m[name], m["tol"], name)


@pytest.mark.parametrize("name", ["dfbeta", "dfbetas"])
@pytest.mark.parametrize("model_id", IDS)
def test_dfbeta_matches_r(model_id, name):
    from rglm.results import influence as infl

    m = MODELS[model_id]
    out = getattr(infl, name)(fitted_model(model_id))
    if name == "dfbeta":  # R's dfbeta() is influence()$coefficients, renamed
        assert m["dfbeta_identical"]
        expected = dict(m["coefficients"], colnames=m["dfbeta_colnames"])
    else:
        expected = m[name]
    check_matrix(out, expected, m["tol"], name)


@pytest.mark.parametrize("model_id", IDS)
def test_influence_measures_match_r(model_id):
    from rglm.results.influence import influence_measures

    m = MODELS[model_id]
    im, warned = call(influence_measures, fitted_model(model_id))
    assert warned == m["measures_warnings"]
    check_matrix(im.infmat, m["infmat"], m["tol"], "infmat")
    expected = m["is_inf"]
    assert list(im.is_inf.columns) == expected["colnames"]
    for j, col in enumerate(expected["columns"]):
        got = [None if pd.isna(v) else bool(v) for v in im.is_inf.iloc[:, j]]
        assert got == col, f"is.inf[{expected['colnames'][j]}]"


@pytest.mark.parametrize("model_id", [i for i in IDS if not MODELS[i]["print_noisy"]])
def test_influence_measures_print_matches_r(model_id):
    from rglm.results.influence import influence_measures

    im, _ = call(influence_measures, fitted_model(model_id))
    assert str(im) == MODELS[model_id]["print"]


@pytest.mark.parametrize("model_id", IDS)
def test_influence_measures_summary_matches_r(model_id):
    from rglm.results.influence import influence_measures

    im, _ = call(influence_measures, fitted_model(model_id))
    assert im.format_summary() == MODELS[model_id]["summary_print"]


def test_influence_without_coefficients():
    from rglm.results.influence import influence

    infl = influence(fitted_model("dobson_poisson"), do_coef=False)
    assert infl.coefficients is None
    assert infl.keys() == ["hat", "sigma", "dev.res", "pear.res"]


def test_hat_values_sum_to_the_rank():
    from rglm.results.influence import hatvalues

    for model_id in ("insurance_offset_argument", "warpbreaks_aliased"):
        fit = fitted_model(model_id)
        assert math.isclose(hatvalues(fit).sum(), fit.rank, rel_tol=1e-10)


@pytest.mark.parametrize("names,expected", [
    (["outcome2", "treatment2", "log(u)", "(Intercept)", "poly(Temp, 2)1"],
     ["otc2", "trt2", "lg()", "(In)", "p(T2"]),
    (["sexM:ldose", "I(x^2)", "spontaneous", "District2", "Group.L", "ab cd ef gh"],
     ["sxM:", "I(^2", "spnt", "Dst2", "Gr.L", "aceg"]),
    (["woolB:tensionM", "Age^4", "x", "  padded  "], ["wB:M", "Ag^4", "x", "pddd"]),
    (["alpha1", "alpha2", "alphabet"], ["alp1", "alp2", "alph"]),
])
def test_abbreviate_as_r(names, expected):
    """R 4.2: abbreviate(names) (the first three rows were checked in R; the clash rule
    lengthens clashing names by one character at a time)."""
    from rglm.results.influence import abbreviate

    assert abbreviate(names) == expected


def test_make_names_as_r():
    from rglm.printing.influence import make_names

    assert make_names(["dfb.1_", "dfb.lg()", "dfb.sxM:", "cov.r", "1x", "if", "a", "a"]) == \
        ["dfb.1_", "dfb.lg..", "dfb.sxM.", "cov.r", "X1x", "if.", "a", "a.1"]
