"""Influence diagnostics of glm fits against R: influence(), hatvalues, rstandard,
rstudent, cooks.distance, dfbeta, dfbetas, covratio, influence.measures and its print.

Expected values: ``tests/reference/influence.json``, written by
``tests/reference/make_predict.R``. Zero-weight rows are absent from every vector, as in
R; ``na.exclude`` fits are padded (hat 0, sigma sqrt(deviance/df.residual)). In the
printed ``influence.measures`` table, entries that are rounding noise around an exact zero
(``print_noisy``) are compared as noise.
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
    from rglm.models.glm.influence import influence

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
    from rglm.models.glm import influence as infl

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
    from rglm.models.glm import influence as infl

    out = getattr(infl, name)(predict_model(case))
    if name == "dfbeta":  # R's dfbeta() is influence()$coefficients, renamed
        assert case["dfbeta_identical"]
        expected = dict(case["coefficients"], colnames=case["dfbeta_colnames"])
    else:
        expected = case[name]
    check_matrix(out, expected, case["tol"], name)


@models
def test_influence_measures_match_r(case, predict_model, call, check_matrix):
    from rglm.models.glm.influence import influence_measures

    im, warned = call(influence_measures, predict_model(case))
    assert warned == case["measures_warnings"]
    check_matrix(im.infmat, case["infmat"], case["tol"], "infmat")
    expected = case["is_inf"]
    assert list(im.is_inf.columns) == expected["colnames"]
    for j, col in enumerate(expected["columns"]):
        got = [None if pd.isna(v) else bool(v) for v in im.is_inf.iloc[:, j]]
        assert got == col, f"is.inf[{expected['colnames'][j]}]"


def _with_values(im, columns: list, flags: list):
    """``im`` holding other numbers (R's): same row/column labels, NA mask and call."""
    from rglm.models.glm.influence import InfluenceMeasures

    values = pd.DataFrame({name: [math.nan if v is None else v for v in col]
                           for name, col in zip(im.infmat.columns, columns)},
                          index=im.infmat.index)
    is_inf = pd.DataFrame({name: pd.array(col, dtype="boolean")
                           for name, col in zip(im.is_inf.columns, flags)},
                          index=im.is_inf.index)
    return InfluenceMeasures(infmat=values, is_inf=is_inf, call=im.call, na_mask=im.na_mask)


@models
def test_influence_measures_print_matches_r(case, predict_model, call, same_printed,
                                           noise_among):
    """R's ``print.infl``, byte for byte on R's own numbers; end to end with the noise-aware
    comparison.

    Entries that are zero in exact arithmetic (``print_noisy``: e.g. dfbetas of Dobson's
    balanced design, ~1e-17) print as the rounding noise of the machine's BLAS, and R
    chooses a whole column's notation from them: where this machine computes such an entry
    as an exact 0 (numpy 1.26's kernels do) and R had noise, the column's layout
    legitimately differs from R's. The printing is then proven on R's numbers, and the
    numbers themselves in ``test_influence_measures_match_r``.
    """
    from rglm.models.glm.influence import influence_measures

    im, _ = call(influence_measures, predict_model(case))
    on_r_numbers = _with_values(im, case["infmat"]["columns"], case["is_inf"]["columns"])
    assert str(on_r_numbers) == case["print"]
    if not case["print_noisy"]:
        assert str(im) == case["print"]
        return
    noise = noise_among(case["infmat"]["columns"], columns=True)
    mine = im.infmat.to_numpy(dtype=float)
    theirs = on_r_numbers.infmat.to_numpy(dtype=float)
    zero_here = (mine == 0) != (theirs == 0)
    if not zero_here.any():
        same_printed(str(im), case["print"], noise, case["id"])


@models
def test_influence_measures_summary_matches_r(case, predict_model, call):
    from rglm.models.glm.influence import influence_measures

    im, _ = call(influence_measures, predict_model(case))
    assert im.format_summary() == case["summary_print"]


def test_influence_without_coefficients(predict_model):
    from rglm.models.glm.influence import influence

    infl = influence(predict_model("dobson_poisson"), do_coef=False)
    assert infl.coefficients is None
    assert infl.keys() == ["hat", "sigma", "dev.res", "pear.res"]


def test_hat_values_sum_to_the_rank(predict_model):
    from rglm.models.glm.influence import hatvalues

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
    from rglm.models.glm.influence import abbreviate

    assert abbreviate(names) == expected


def test_make_names_as_r():
    from rglm.render.influence import make_names

    assert make_names(["dfb.1_", "dfb.lg()", "dfb.sxM:", "cov.r", "1x", "if", "a", "a"]) == \
        ["dfb.1_", "dfb.lg..", "dfb.sxM.", "cov.r", "X1x", "if.", "a", "a.1"]
