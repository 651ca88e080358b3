"""coeftest against R's lmtest: the numbers and print.coeftest's text.

Expected values: the "coeftest" cases of ``tests/reference/sandwich.json`` (written by
``tests/reference/make_sandwich.R``), each with R's table, method, df and printed text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


@pytest.mark.r_cases("sandwich", "cases", where=lambda c: c["kind"] == "coeftest")
def test_coeftest_matches_r(case, sandwich_case, r_values, same_printed, noise_among):
    from rglm.inference.coeftest import CoefTest

    ct, texts, _ = sandwich_case(case)
    assert isinstance(ct, CoefTest)
    assert list(ct.table.columns) == case["colnames"]
    assert list(ct.table.index) == case["rownames"]
    expected = r_values(case["values"])
    actual = ct.table.to_numpy(dtype=float)
    assert np.array_equal(np.isnan(actual), np.isnan(expected))
    noise = noise_rows(expected[:, 0])
    ok = ~np.isnan(expected)
    ok[noise, 0] = ok[noise, 2] = False
    np.testing.assert_allclose(actual[ok], expected[ok], rtol=case["tol"], atol=0)
    scale = np.nanmax(np.abs(expected[:, 0]))
    np.testing.assert_allclose(actual[noise, 0], expected[noise, 0], rtol=0,
                               atol=case["tol"] * scale)
    np.testing.assert_allclose(actual[noise, 2], expected[noise, 2], rtol=0, atol=1e-8)
    assert ct.method == case["method"]
    assert ct.df == float(r_values(case["df"]))
    assert ct.nobs == case["nobs"]
    # the estimates that are zero in exact arithmetic print as noise of the machine's
    # BLAS (any digits and sign, the columns around them moved as R would move them)
    same_printed(str(ct), case["print"], noise_among(expected[:, 0]), case["id"])
    assert texts == case["warnings"]


def noise_rows(estimates: np.ndarray) -> np.ndarray:
    """Estimates that are rounding noise around an exact zero (Dobson's treatment
    effects are ~1e-15 next to an intercept of 3.04): their digits cannot be matched."""
    scale = np.nanmax(np.abs(estimates))
    return ~np.isnan(estimates) & (np.abs(estimates) < 1e-10 * scale)


def test_reference_has_default_and_robust_prints(reference):
    ids = {c["id"] for c in reference("sandwich")["cases"] if c["kind"] == "coeftest"}
    assert "dobson_poisson__coeftest_default" in ids
    assert "dobson_poisson__coeftest_vcovHC_function" in ids


# ---- behaviour ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dobson_fit(dataset):
    import rglm

    return rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(),
                    data=dataset("dobson"))


def test_default_is_summary_table_for_known_dispersion(dobson_fit):
    """With df = Inf and the model covariance, coeftest repeats summary.glm's z table."""
    import rglm
    from rglm.inference.coeftest import coeftest

    ct = coeftest(dobson_fit)
    s = rglm.summary(dobson_fit)
    np.testing.assert_allclose(ct.table.to_numpy(), s.coefficients.to_numpy(), rtol=1e-12)


def test_zero_df_gives_z_tests_and_positive_df_t_tests(dobson_fit):
    from rglm.inference.coeftest import coeftest

    assert coeftest(dobson_fit, df=0).method == "z test of coefficients"
    t = coeftest(dobson_fit, df=4)
    assert t.method == "t test of coefficients"
    assert list(t.table.columns)[2:] == ["t value", "Pr(>|t|)"]


def test_unnamed_matrix_is_used_positionally(dobson_fit):
    from rglm.inference.coeftest import coeftest
    from rglm.inference.sandwich import vcovHC

    v = vcovHC(dobson_fit, type="HC0")
    a = coeftest(dobson_fit, vcov=v)
    b = coeftest(dobson_fit, vcov=v.to_numpy())
    np.testing.assert_array_equal(a.table.to_numpy(), b.table.to_numpy())


def test_wrong_size_matrix_is_an_error(dobson_fit):
    from rglm.errors import RError
    from rglm.inference.coeftest import coeftest

    with pytest.raises(RError):
        coeftest(dobson_fit, vcov=np.eye(3))


def test_negative_variance_gives_nan_not_na(dobson_fit):
    from rglm.errors import RWarning
    from rglm.inference.coeftest import coeftest

    names = list(dobson_fit.coefficients.index)
    v = pd.DataFrame(np.diag([1.0, -1.0, 1.0, 1.0, 1.0]), index=names, columns=names)
    with pytest.warns(RWarning, match="NaNs produced"):
        ct = coeftest(dobson_fit, vcov=v)
    row = str(ct).splitlines()[5]
    assert row.split()[0] == "outcome2" and row.split()[2] == "NaN"


def test_indexing_like_r_matrix(dobson_fit):
    from rglm.inference.coeftest import coeftest

    ct = coeftest(dobson_fit)
    assert ct["Std. Error"].equals(ct.table["Std. Error"])
    assert ct["outcome2", "Estimate"] == ct.table.loc["outcome2", "Estimate"]


def test_notebook_renderings(dobson_fit):
    from rglm.inference.coeftest import coeftest

    ct = coeftest(dobson_fit)
    assert "| outcome2" in ct.to_markdown()
    assert ct._repr_html_().startswith('<div class="rglm-table">')
