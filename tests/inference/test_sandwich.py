"""Robust covariances (vcovHC, vcovCL, estfun, bread, meat*) against R's sandwich package.

Expected values: ``tests/reference/sandwich.json``, written by
``tests/reference/make_sandwich.R``. Each model has ``r`` and ``py`` (its rglm
translation); each case has R code using ``fit`` and its translation, evaluated here with
``fit``, ``rglm`` and the datasets bound.

Not recorded on purpose: hat-value types (HC2-HC5) for a fit with zero prior weights.
R's ``hatvalues()`` then has fewer entries than the model has rows and sandwich recycles
it ("longer object length is not a multiple of shorter object length"), pairing the
wrong observations; rglm gives the zero-weight rows a hat value of 0 instead (their
scores are 0, so they add nothing).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

matrix_cases = pytest.mark.r_cases("sandwich", "cases", where=lambda c: c["kind"] == "matrix")
error_cases = pytest.mark.r_cases("sandwich", "cases", where=lambda c: c["kind"] == "error")


def assert_matrix_close(actual: np.ndarray, expected: np.ndarray, tol: float, what: str):
    """Entry-wise relative comparison; for a covariance matrix an entry whose correlation
    is below 1e-7 (rounding noise around a zero covariance) is compared on the scale
    ``sqrt(v_ii v_jj)`` instead; for other matrices values below 1e-10 of their column's
    largest are compared on that column's scale."""
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} vs R {expected.shape}"
    assert np.array_equal(np.isnan(actual), np.isnan(expected)), f"{what}: NA pattern differs"
    ok = ~np.isnan(expected)
    square = expected.shape[0] == expected.shape[1]
    if square:
        d = np.sqrt(np.abs(np.diag(expected)))
        scale = np.outer(d, d)
        floor = 1e-7
    else:
        scale = np.broadcast_to(np.nanmax(np.abs(expected), axis=0), expected.shape)
        floor = 1e-10
    bound = tol * np.abs(expected)
    small = np.abs(expected) < floor * scale
    bound[small] = (tol * floor * scale)[small]
    diff = np.abs(actual - expected)
    bad = ok & (diff > bound)
    if bad.any():
        i, j = map(int, np.argwhere(bad)[0])
        raise AssertionError(f"{what}: {int(bad.sum())} entries differ beyond tol={tol}; "
                             f"[{i}, {j}]: rglm {actual[i, j]!r}, R {expected[i, j]!r}")


# ---- R reference ------------------------------------------------------------------------


@matrix_cases
def test_matrix_matches_r(case, sandwich_case, r_values):
    value, texts, _ = sandwich_case(case)
    assert isinstance(value, pd.DataFrame)
    assert list(value.columns) == case["colnames"]
    if case["rownames"] is not None and value.shape[0] == value.shape[1]:
        assert list(value.index) == case["rownames"]
    assert_matrix_close(value.to_numpy(dtype=float), r_values(case["values"]), case["tol"],
                        case["id"])
    assert texts == case["warnings"]


@error_cases
def test_error_matches_r(case, sandwich_case):
    from rglm.errors import RError

    with pytest.raises(RError) as err:
        sandwich_case(case)
    assert str(err.value) == case["error"]


def test_reference_covers_the_brief(reference):
    """>= 8 models, every HC type, one- and two-way clustering, errors."""
    ref = reference("sandwich")
    matrix = [c for c in ref["cases"] if c["kind"] == "matrix"]
    assert len(ref["models"]) >= 8
    types = {c["id"].rsplit("__vcovHC_", 1)[1] for c in matrix if "__vcovHC_" in c["id"]}
    assert {"const", "HC", "HC0", "HC1", "HC2", "HC3", "HC4", "HC4m", "HC5"} <= types
    assert any("two_way" in c["id"] for c in matrix)
    assert any(c["kind"] == "error" for c in ref["cases"])


# ---- properties -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mtcars_fit(dataset):
    import rglm

    return rglm.glm("mpg ~ wt + hp", data=dataset("mtcars"))


@pytest.fixture(scope="module")
def infert_fit(dataset):
    import rglm

    return rglm.glm("case ~ spontaneous + induced", family=rglm.binomial(),
                    data=dataset("infert"))


def test_const_equals_model_covariance_for_gaussian(mtcars_fit):
    """For a gaussian fit the "const" sandwich is the usual covariance sigma^2 (X'X)^-1."""
    import rglm

    from rglm.inference.sandwich import vcovHC

    np.testing.assert_allclose(vcovHC(mtcars_fit, type="const").to_numpy(),
                               rglm.vcov(mtcars_fit).to_numpy(), rtol=1e-10)


def test_hc0_is_cl_with_singleton_clusters(infert_fit):
    from rglm.inference.sandwich import vcovCL, vcovHC

    np.testing.assert_allclose(vcovCL(infert_fit, type="HC0", cadjust=False).to_numpy(),
                               vcovHC(infert_fit, type="HC0").to_numpy(), rtol=1e-12)


def test_scores_sum_to_zero_at_the_estimate(infert_fit):
    from rglm.inference.sandwich import estfun

    ef = estfun(infert_fit)
    assert ef.shape == (len(infert_fit.row_names), 3)
    np.testing.assert_allclose(ef.sum(axis=0), 0.0, atol=1e-8 * np.abs(ef).sum().max())


def test_hat_values_sum_to_rank(infert_fit):
    from rglm.inference.sandwich import _hat_values

    h = _hat_values(infert_fit)
    assert h.shape == (len(infert_fit.row_names),)
    assert math.isclose(h.sum(), infert_fit.rank, rel_tol=1e-12)


@pytest.mark.parametrize("spelling", ["name", "formula", "series", "array", "list"])
def test_cluster_spellings_agree(mtcars_fit, dataset, spelling):
    from rglm.inference.sandwich import vcovCL

    mtcars = dataset("mtcars")
    cluster = {"name": "cyl", "formula": "~ cyl", "series": mtcars["cyl"],
               "array": mtcars["cyl"].to_numpy(), "list": list(mtcars["cyl"])}[spelling]
    expected = vcovCL(mtcars_fit, cluster=mtcars["cyl"]).to_numpy()
    np.testing.assert_array_equal(vcovCL(mtcars_fit, cluster=cluster).to_numpy(), expected)


def test_two_way_spellings_agree(mtcars_fit, dataset):
    from rglm.inference.sandwich import vcovCL

    mtcars = dataset("mtcars")
    a = vcovCL(mtcars_fit, cluster=["cyl", "gear"]).to_numpy()
    for cluster in ("~ cyl + gear", mtcars[["cyl", "gear"]],
                    [mtcars["cyl"], mtcars["gear"].to_numpy()],
                    mtcars[["cyl", "gear"]].to_numpy()):
        np.testing.assert_allclose(vcovCL(mtcars_fit, cluster=cluster).to_numpy(), a,
                                   rtol=1e-14)


def test_clustering_is_invariant_to_row_order(dataset):
    import rglm

    from rglm.inference.sandwich import vcovCL

    mtcars = dataset("mtcars")
    shuffled = mtcars.iloc[np.random.default_rng(1).permutation(len(mtcars))]
    a = vcovCL(rglm.glm("mpg ~ wt + hp", data=mtcars), cluster="cyl", type="HC2")
    b = vcovCL(rglm.glm("mpg ~ wt + hp", data=shuffled), cluster="cyl", type="HC2")
    np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), rtol=1e-9)


def test_unknown_column_is_an_error(mtcars_fit):
    from rglm.errors import RError
    from rglm.inference.sandwich import vcovCL

    with pytest.raises(RError, match="object 'nope' not found"):
        vcovCL(mtcars_fit, cluster="nope")


def test_singular_cluster_hc3_is_an_error(dataset):
    """A cluster that is one level of a regressor makes I - H_gg singular (R: solve())."""
    import rglm

    from rglm.errors import RError
    from rglm.inference.sandwich import vcovCL

    fit = rglm.glm("Days ~ Eth + Sex + Age + Lrn", family=rglm.quasipoisson,
                   data=dataset("quine"))
    with pytest.raises(RError, match="system is computationally singular"):
        vcovCL(fit, cluster="Age", type="HC3")


def test_partial_type_names_match_like_r(mtcars_fit):
    from rglm.inference.sandwich import vcovHC

    np.testing.assert_array_equal(vcovHC(mtcars_fit, type="con").to_numpy(),
                                  vcovHC(mtcars_fit, type="const").to_numpy())


def test_matrix_power_inverts():
    from rglm.inference.sandwich import _matrix_power

    rng = np.random.default_rng(0)
    a = rng.normal(size=(4, 4))
    spd = a @ a.T + 4 * np.eye(4)
    half = _matrix_power(spd, -0.5)
    np.testing.assert_allclose(half @ spd @ half, np.eye(4), atol=1e-12)
    general = spd @ np.diag([1.0, 2.0, 3.0, 4.0])  # similar to an SPD matrix: real spectrum
    half = _matrix_power(general, -0.5)
    np.testing.assert_allclose(half @ half @ general, np.eye(4), atol=1e-10)


def test_results_do_not_modify_the_fit(infert_fit):
    from rglm.inference.sandwich import vcovCL, vcovHC

    before = infert_fit.fit.weights.copy(), infert_fit.fit.residuals.copy()
    vcovHC(infert_fit, type="HC5")
    vcovCL(infert_fit, cluster="stratum", type="HC3")
    np.testing.assert_array_equal(infert_fit.fit.weights, before[0])
    np.testing.assert_array_equal(infert_fit.fit.residuals, before[1])


def test_na_exclude_gives_the_same_as_na_omit(dataset):
    """sandwich treats every na.action as "omit": nothing is padded."""
    import rglm

    from rglm.inference.sandwich import vcovCL, vcovHC

    aq = dataset("airquality")
    omit = rglm.glm("Ozone ~ Solar.R + Wind + Temp", family=rglm.poisson, data=aq)
    excl = rglm.glm("Ozone ~ Solar.R + Wind + Temp", family=rglm.poisson, data=aq,
                    na_action="na.exclude")
    np.testing.assert_array_equal(vcovHC(excl, type="HC4").to_numpy(),
                                  vcovHC(omit, type="HC4").to_numpy())
    np.testing.assert_array_equal(vcovCL(excl, cluster=aq["Month"], type="HC2").to_numpy(),
                                  vcovCL(omit, cluster=aq["Month"], type="HC2").to_numpy())
