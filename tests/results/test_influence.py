"""Influence diagnostics of glm fits against R: influence(), hatvalues, rstandard,
rstudent, cooks.distance, dfbeta, dfbetas, covratio, influence.measures and its print.

Expected values: ``tests/reference/influence.json``, written by
``tests/reference/make_predict.R``. Zero-weight rows are absent from every vector, as in
R; ``na.exclude`` fits are padded (hat 0, sigma sqrt(deviance/df.residual)). The printed
``influence.measures`` table is compared only where no entry is rounding noise around an
exact zero (``print_noisy``): such digits cannot be reproduced.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

models = pytest.mark.r_cases("influence", "models")


@pytest.fixture(scope="module")
def check_matrix(assert_close, r_names):
    """``check_matrix(actual, expected, tol, what)``, column by column (each has its own
    scale, e.g. dfbetas of different terms)."""

    def check(actual: pd.DataFrame, expected: dict, tol: float, what: str) -> None:
        assert list(actual.columns) == expected["colnames"], f"{what}: colnames"
        assert r_names(actual.index) == expected["rownames"], f"{what}: rownames"
        for j, col in enumerate(expected["columns"]):
            assert_close(actual.iloc[:, j].to_numpy(dtype=float), col, tol,
                         f"{what}[{actual.columns[j]}]")

    return check


@pytest.fixture(scope="module")
def call(r_warnings):
    """``call(fn, *args, **kw)`` -> ``fn(*args, **kw)`` and the R warnings it issued."""

    def run(fn, *args, **kw):
        with r_warnings() as warned:
            out = fn(*args, **kw)
        return out, warned

    return run


@models
def test_influence_matches_r(case, predict_model, call, check_vector, check_matrix):
    from rglm.results.influence import influence

    infl, warned = call(influence, predict_model(case))
    assert warned == case["influence_warnings"]
    assert infl.keys() == ["hat", "coefficients", "sigma", "dev.res", "pear.res"]
    check_vector(infl.hat, case["hat"], case["tol"], "hat")
    check_matrix(infl.coefficients, case["coefficients"], case["tol"], "coefficients")
    check_vector(infl.sigma, case["sigma"], case["tol"], "sigma")
    check_vector(infl["dev.res"], case["dev_res"], case["tol"], "dev.res")
    check_vector(infl["pear.res"], case["pear_res"], case["tol"], "pear.res")


@pytest.mark.parametrize("name,kw,warn_key", [
    ("hatvalues", {}, None),  # R's hatvalues() is identical to influence()$hat
    ("rstandard", {}, "rstandard_warnings"),
    ("rstandard_pearson", {"type": "pearson"}, "rstandard_warnings"),
    ("rstudent", {}, None),
    ("cooks_distance", {}, "cooks_warnings"),
    ("covratio", {}, None),
])
@models
def test_diagnostic_vectors_match_r(case, name, kw, warn_key, predict_model, call,
                                    check_vector):
    from rglm.results import influence as infl

    fn = getattr(infl, name.replace("_pearson", ""))
    out, warned = call(fn, predict_model(case), **kw)
    assert warned == (case[warn_key] if warn_key else [])
    if name == "hatvalues":
        assert case["hatvalues_identical"]
        name = "hat"
    check_vector(out, case[name], case["tol"], name)


@pytest.mark.parametrize("name", ["dfbeta", "dfbetas"])
@models
def test_dfbeta_matches_r(case, name, predict_model, check_matrix):
    from rglm.results import influence as infl

    out = getattr(infl, name)(predict_model(case))
    if name == "dfbeta":  # R's dfbeta() is influence()$coefficients, renamed
        assert case["dfbeta_identical"]
        expected = dict(case["coefficients"], colnames=case["dfbeta_colnames"])
    else:
        expected = case[name]
    check_matrix(out, expected, case["tol"], name)


@models
def test_influence_measures_match_r(case, predict_model, call, check_matrix):
    from rglm.results.influence import influence_measures

    im, warned = call(influence_measures, predict_model(case))
    assert warned == case["measures_warnings"]
    check_matrix(im.infmat, case["infmat"], case["tol"], "infmat")
    expected = case["is_inf"]
    assert list(im.is_inf.columns) == expected["colnames"]
    for j, col in enumerate(expected["columns"]):
        got = [None if pd.isna(v) else bool(v) for v in im.is_inf.iloc[:, j]]
        assert got == col, f"is.inf[{expected['colnames'][j]}]"


@pytest.mark.r_cases("influence", "models", where=lambda m: not m["print_noisy"])
def test_influence_measures_print_matches_r(case, predict_model, call):
    from rglm.results.influence import influence_measures

    im, _ = call(influence_measures, predict_model(case))
    assert str(im) == case["print"]


@models
def test_influence_measures_summary_matches_r(case, predict_model, call):
    from rglm.results.influence import influence_measures

    im, _ = call(influence_measures, predict_model(case))
    assert im.format_summary() == case["summary_print"]


def test_influence_without_coefficients(predict_model):
    from rglm.results.influence import influence

    infl = influence(predict_model("dobson_poisson"), do_coef=False)
    assert infl.coefficients is None
    assert infl.keys() == ["hat", "sigma", "dev.res", "pear.res"]


def test_hat_values_sum_to_the_rank(predict_model):
    from rglm.results.influence import hatvalues

    for model_id in ("insurance_offset_argument", "warpbreaks_aliased"):
        fit = predict_model(model_id)
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
