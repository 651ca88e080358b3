"""Whole glm() fits against R: every component, the printed fit and its summary.

Expected values: ``tests/reference/glm_models.json``, written by
``tests/reference/make_reference.R`` (see ``tests/reference/README.md``). Each model
carries ``r`` (the R code R evaluated) and ``py`` (its rglm translation, evaluated here in
a namespace holding ``rglm`` and the datasets named in ``data``).

``rglm`` is imported inside the tests, not at module level, so that this file collects
(and the suite-level checks run) even while the package is half built.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np
import pytest

DATA_DIR = Path(__file__).resolve().parents[3] / "data"

models = pytest.mark.r_cases("glm_models", "models", arg="ref")


# ---- helpers ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fitted(r_fit, r_eval):
    """``fitted(model)`` -> (the fit, the RWarnings it issued), fitted once per session
    (a model with ``py_setup``, which binds what its call names besides the data -- a
    quasi variance list --, once per module)."""
    done = {}

    def fit(model: dict):
        if model.get("py_setup"):
            if model["id"] not in done:
                value, warned, _ = r_eval(model["py"], model["data"], setup=model["py_setup"])
                done[model["id"]] = value, warned
            return done[model["id"]]
        value, warned, _ = r_fit(model["py"], model["data"])
        return value, warned

    return fit


@pytest.fixture(scope="module")
def summarised(fitted, r_warnings):
    """``summarised(model)`` -> ``rglm.summary`` of its fit and the RWarnings that issued,
    computed once."""
    import rglm

    done = {}

    def summary(model: dict):
        if model["id"] not in done:
            fit, _ = fitted(model)
            with r_warnings() as warned:
                value = rglm.summary(fit)
            done[model["id"]] = value, warned
        return done[model["id"]]

    return summary


@functools.cache
def has_real_row_names(dataset: str) -> bool:
    return "row_names" in json.loads((DATA_DIR / f"{dataset}.json").read_text("utf-8"))


def expected_labels(ref: dict) -> list[str]:
    """R's row names as rglm labels its vectors.

    rglm indexes the observation vectors by the data's own index, so they align with
    the DataFrame. A dataset with real row names (mtcars, birthwt) has them as its
    index: the labels are R's. Otherwise the DataFrame has pandas' default RangeIndex
    0, 1, ..., which stands for R's automatic row names "1", "2", ...: R's name k is
    label k - 1 (a subset or na.omit keeps the original numbering in both).
    """
    if any(has_real_row_names(name) for name in ref["data"]):
        return ref["row_names"]
    return [str(int(name) - 1) for name in ref["row_names"]]


# ---- the reference suite itself --------------------------------------------------------


def test_reference_suite_covers_the_brief(reference):
    ref = reference("glm_models")
    by_id = {m["id"]: m for m in ref["models"]}
    errors = {e["id"]: e for e in ref["errors"]}
    assert len(by_id) >= 40
    assert len(by_id) == len(ref["models"]) and len(errors) == len(ref["errors"])
    pairs = {(m["family"], m["link"]) for m in by_id.values()}
    for family, links in {
        "gaussian": ["identity", "log", "inverse"],
        "binomial": ["logit", "probit", "cauchit", "cloglog", "log"],
        "poisson": ["log", "identity", "sqrt"],
        "Gamma": ["inverse", "identity", "log", "mu^0.333"],
        "inverse.gaussian": ["1/mu^2", "inverse", "identity", "log"],
        "quasibinomial": ["logit"],
        "quasipoisson": ["log"],
    }.items():
        for link in links:
            assert (family, link) in pairs, (family, link)
    assert sum(f == "quasi" for f, _ in pairs) >= 3
    assert any(m["warnings"] for m in by_id.values())
    assert any(m["na_action"] and m["na_action"]["class"] == "exclude" for m in by_id.values())
    for case in [*by_id.values(), *errors.values()]:
        for name in case["data"]:
            assert (DATA_DIR / f"{name}.csv").exists(), name
    for model in by_id.values():
        # A looser tolerance must say why (R at a numerical edge).
        assert model["tol"] == 1e-8 or model["tol_reason"], model["id"]


# ---- components ----------------------------------------------------------------------


@models
def test_scalars(ref, fitted, assert_close):
    fit, _ = fitted(ref)
    tol = ref["tol"]
    for name in ("deviance", "null_deviance", "aic"):
        assert_close(getattr(fit, name), ref[name], tol, name)
    for name in ("iter", "rank", "df_residual", "df_null"):
        assert int(getattr(fit, name)) == ref[name], name
    assert bool(fit.converged) is ref["converged"]
    assert bool(fit.boundary) is ref["boundary"]
    assert fit.family.family == ref["family"]
    assert fit.family.link == ref["link"]


@models
def test_coefficients_and_standard_errors(ref, fitted, assert_close, summarised):
    fit, _ = fitted(ref)
    coef = fit.coefficients
    assert [str(n) for n in coef.index] == (ref["coef_names"] or [])
    assert_close(coef, ref["coefficients"], ref["tol"], "coefficients")

    summary, _ = summarised(ref)
    table = summary.coefficients
    # The summary table holds the non-aliased coefficients only (R: coef(summary(fit))).
    assert [str(n) for n in table.index] == (ref["summary_coef_names"] or [])
    se = [v for v in ref["se"] if v is not None]
    assert_close(table["Std. Error"], se, ref["tol"], "Std. Error")
    assert_close(summary.dispersion, ref["dispersion"], ref["tol"], "dispersion")


@models
def test_observation_vectors(ref, fitted, assert_close):
    fit, _ = fitted(ref)
    for name in ("fitted_values", "linear_predictors", "residuals", "weights",
                 "prior_weights", "y"):
        vector = getattr(fit, name)
        assert_close(vector, ref[name], ref["tol"], name)
        assert [str(i) for i in vector.index] == expected_labels(ref), f"{name} index"


@models
def test_offset(ref, fitted, assert_close):
    fit, _ = fitted(ref)
    if ref["offset"] is None:
        assert fit.offset is None
    else:
        assert_close(fit.offset, ref["offset"], ref["tol"], "offset")


@models
def test_qr_effects_and_R(ref, fitted, assert_close):
    fit, _ = fitted(ref)
    if ref["R"] is None:  # an empty model (y ~ 0): R stores no effects, R or qr
        assert fit.rank == 0
        return
    tol, rank = ref["tol"], ref["rank"]
    assert_close(fit.effects, ref["effects"], tol, "effects")
    if hasattr(fit.effects, "index"):
        assert [str(n) for n in fit.effects.index] == ref["effects_names"]

    assert list(np.asarray(fit.qr.pivot)) == ref["qr_pivot"]
    assert int(fit.qr.rank) == ref["qr_rank"]
    # Entries past the rank come from a Householder step on the negligible remainder of
    # an aliased column: rounding noise in R as in rglm (e.g. R[3, 3] = 3e-14 and
    # qraux[3] = 1.23 for lot2 ~ log(u) + log(u^2)). Only the first `rank` rows of R and
    # entries of qraux are determined.
    assert_close(np.asarray(fit.qr.qraux)[:rank], ref["qraux"][:rank], tol, "qraux")
    R = fit.R
    assert [str(n) for n in R.columns] == ref["R_names"]
    assert [str(n) for n in R.index] == ref["R_names"]
    got = R.to_numpy(dtype=np.float64, na_value=np.nan)
    want = ref["R"]
    assert got.shape == (len(want), len(want[0]))
    assert_close(got[:rank].ravel(), [v for row in want[:rank] for v in row], tol, "R")
    assert np.all(np.tril(got, -1) == 0), "R: strictly lower triangle must be 0"


@models
def test_levels_contrasts_and_na_action(ref, fitted):
    fit, _ = fitted(ref)
    # R has NULL (no predictors) and named list() (no factor predictors); both are
    # "no entries" to a user, so None and {} are treated alike.
    assert {k: list(v) for k, v in (fit.xlevels or {}).items()} == (ref["xlevels"] or {})
    assert dict(fit.contrasts or {}) == (ref["contrasts"] or {})
    na = ref["na_action"]
    if na is None:
        assert fit.na_action is None
    else:
        assert fit.na_action.kind == na["class"]
        assert [int(i) for i in fit.na_action.rows] == [i - 1 for i in na["rows"]]


@models
def test_warnings(ref, fitted, summarised):
    _, caught = fitted(ref)
    assert caught == ref["warnings"]
    _, caught_summary = summarised(ref)
    assert caught_summary == ref["summary_warnings"]


# ---- printed text ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def assert_same_text(same_printed, noise_among):
    """``assert_same_text(got, want, ref)``: rglm's text is R's, up to rounding noise.

    A coefficient that is zero in exact arithmetic prints as rounding noise (R prints
    Dobson's treatment2 as 1.218e-15, rglm as 3.713e-16 or -2.470e-16, depending on the
    BLAS kernel: r-glm-behaviour.md §10), which forces its column into scientific
    notation -- rglm must reproduce that -- and whose sign may widen the column. R's
    printings of the model's noise coefficients (``noise_among``; models without any are
    compared byte for byte) are compared as noise by conftest's ``compare_printed``: any
    digits and sign, the columns around them moved as R would move them; every other
    character is R's.
    """

    def check(got: str, want: str, ref: dict) -> None:
        coefs = [c for c in ref["coefficients"] if c is not None]
        same_printed(got, want, noise_among(coefs), ref["id"])

    return check


@models
def test_print_glm(ref, fitted, assert_same_text):
    fit, _ = fitted(ref)
    assert_same_text(str(fit), ref["print"], ref)


@models
def test_print_summary_glm(ref, fitted, summarised, assert_same_text):
    summary, _ = summarised(ref)
    assert_same_text(str(summary), ref["summary_print"], ref)


# ---- bad input -------------------------------------------------------------------------


@pytest.mark.r_cases("glm_models", "errors")
def test_errors(case, r_error):
    bindings = {"np": np}
    if case.get("py_setup"):
        exec(case["py_setup"], bindings)  # noqa: S102 - our own reference code
    assert case["error"] in r_error(case["py"], case["data"], bindings)
