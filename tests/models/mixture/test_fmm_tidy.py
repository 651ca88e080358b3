"""broom-style tidy/glance of fmm fits: the numbers of Stata's fmm table (rglm's summary,
itself checked against Stata's logs and the exact-ML references) in broom's columns."""

from __future__ import annotations

import numpy as np
import pytest

import rglm


@pytest.fixture(scope="module", params=[("yn ~ x", "gaussian"), ("yp ~ x", "poisson")],
                ids=["gaussian", "poisson"])
def fit(request, dataset):
    formula, family = request.param
    return rglm.fmm(formula, dataset("NPreg"), 2, family=family)


def _summary_rows(fit):
    """(component, equation, term) -> the six numbers of the summary's row."""
    out = {}
    summ = rglm.summary(fit)
    eq = None
    for row in summ.lcprob_rows:
        if row.kind == "equation":
            eq = int(row.label.split(".")[0])
        elif row.kind == "coef":
            out[(eq, "Class", row.label)] = row.values
    for k, (_, rows) in enumerate(summ.classes, start=1):
        for row in rows:
            if row.kind == "equation":
                eq = row.label
            elif row.kind == "coef":
                out[(k, eq, row.label)] = row.values
    return out


def test_tidy_has_the_numbers_of_stata_table(fit):
    tidy = rglm.tidy(fit, conf_int=True)
    rows = _summary_rows(fit)
    checked = 0
    for r in tidy.itertuples(index=False):
        term = "_cons" if r.term == "(Intercept)" else r.term
        key = (r.component, r.equation, term)
        if key not in rows:  # ancillary parameters: the table shows var(e.y), not lnvar
            assert r.equation.startswith("/")
            continue
        want = np.array(rows[key], dtype=float)
        got = np.array([r.estimate, r[4], r.statistic, r[6], r[7], r[8]], dtype=float)
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-300)
        checked += 1
    assert checked == 5  # one class-probability row, two coefficients per class


def test_tidy_estimates_are_the_parameter_vector(fit):
    tidy = rglm.tidy(fit)
    np.testing.assert_array_equal(tidy["estimate"].to_numpy(), fit.theta.to_numpy())
    np.testing.assert_allclose(tidy["std.error"].to_numpy() ** 2,
                               np.diag(rglm.vcov(fit).to_numpy()), rtol=1e-12)
    assert list(tidy.columns) == ["component", "equation", "term", "estimate", "std.error",
                                  "statistic", "p.value"]


def test_exponentiate_leaves_ancillary_parameters(fit):
    plain, expo = rglm.tidy(fit), rglm.tidy(fit, exponentiate=True)
    anc = plain["equation"].str.startswith("/").to_numpy()
    np.testing.assert_array_equal(expo["estimate"][anc], plain["estimate"][anc])
    np.testing.assert_allclose(expo["estimate"][~anc], np.exp(plain["estimate"][~anc]))


def test_glance(fit):
    g = rglm.glance(fit)
    ll = rglm.logLik(fit)
    assert g.loc[0, "logLik"] == float(ll) and g.loc[0, "df"] == ll.df
    assert g.loc[0, "AIC"] == pytest.approx(-2 * float(ll) + 2 * ll.df, rel=1e-12)
    assert g.loc[0, "nobs"] == 200 and g.loc[0, "k"] == 2
