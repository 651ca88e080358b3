"""glm_fit against R's glm.fit on raw matrices: every component, warnings, errors, trace.

Expected values: tests/reference/fit.json, made by tests/reference/make_fit.R.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from rglm import families
from rglm.errors import RError, RWarning
from rglm.engines.irls import glm_control, glm_fit


def glm_fit_cases(where=None):
    """Parametrize ``name, case`` with fit.json's "glm_fit" cases, in name order."""
    return pytest.mark.r_cases("fit", lambda ref: dict(sorted(ref["glm_fit"].items())),
                               arg="name,case", where=where)


@pytest.fixture(scope="module")
def cases(reference):
    return reference("fit")["glm_fit"]


FAMILIES = {
    "poisson": families.poisson, "binomial": families.binomial, "Gamma": families.Gamma,
    "gaussian": families.gaussian, "inverse.gaussian": families.inverse_gaussian,
}


# Complete separation: eta reaches +-23, where 1 - mu is ~1e-10 and carries only ~6
# significant digits in any double computation; working residuals (y - mu)/mu_eta then
# differ in the 8th digit between R and us although the coefficients agree to 1e-10.
ATOL = {("binomial_separation", "residuals"): 1e-6, ("binomial_separation", "effects"): 1e-10,
        ("poisson_identity_halving", "effects"): 1e-10}
# poisson identity ending on the boundary: mu[0] ~ 1e-10 is the difference of two O(1)
# terms, so it (and the working weight 1/mu ~ 8e9, the first rows of qr/R) is only good to
# ~1e-6 relative in any double computation; everything else still matches at 1e-8.
RTOL = {("poisson_identity_halving", "weights"): 1e-5, ("poisson_identity_halving", "qr"): 1e-5}


def _array(v, ndim=1):
    if v is None:
        return None
    arr = np.array([np.nan if e is None else e for e in np.atleast_1d(v).tolist()], dtype=float) \
        if ndim == 1 else np.array(v, dtype=float)
    return arr


def _strings(v):
    return [v] if isinstance(v, str) else list(v)


def _design(inp):
    x = np.array(inp["x"], dtype=float)
    names = inp["xnames"]
    if names is not None:
        names = [names] if isinstance(names, str) else names
        x = x.reshape(-1, len(names))
    elif x.size == 0:
        x = np.zeros((len(np.atleast_1d(inp["y"])), 0))
    return x, names


@pytest.fixture(scope="module")
def run(r_warnings):
    """``run(case)`` -> (the glm_fit, or None; R's error text, or None; RWarning texts)."""

    def fit_case(case):
        inp = case["input"]
        x, xnames = _design(inp)
        fam = inp["family"]
        y = np.array(inp["y"], dtype=float)
        control = dict(inp["control"]) if inp["control"] else None
        kwargs = dict(
            weights=_array(inp["weights"]), start=_array(inp["start"]),
            etastart=_array(inp["etastart"]), mustart=_array(inp["mustart"]),
            offset=_array(inp["offset"]), family=FAMILIES[fam["family"]](link=fam["link"]),
            control=control, xnames=xnames,
        )
        if inp["intercept"] is not None:
            kwargs["intercept"] = inp["intercept"]
        if inp["singular_ok"] is not None:
            kwargs["singular_ok"] = inp["singular_ok"]
        with r_warnings() as messages:
            try:
                fit = glm_fit(x, y, **kwargs)
                error = None
            except RError as err:
                fit, error = None, str(err)
        return fit, error, messages

    return fit_case


def _close(actual, expected, atol=0.0, rtol=1e-8):
    np.testing.assert_allclose(np.asarray(actual, dtype=float), expected, rtol=rtol, atol=atol,
                               equal_nan=True)


@glm_fit_cases(where=lambda c: c["result"] is not None)
def test_components_match_r(name, case, capsys, run):
    fit, error, _ = run(case)
    assert error is None
    ref = case["result"]
    scale_eta = max(1.0, np.max(np.abs(_array(ref["linear_predictors"]))))
    # Coefficients whose true value is 0 (the Dobson treatment effects) are rounding noise
    # of order 1e-15 in R and here alike: compared absolutely, relative to the size of eta.
    _close(fit.coefficients, _array(ref["coefficients"]), atol=1e-12 * scale_eta)
    for field in ("residuals", "fitted_values", "linear_predictors", "weights",
                  "prior_weights", "y"):
        _close(getattr(fit, field), _array(ref[field]), atol=ATOL.get((name, field), 1e-13),
               rtol=RTOL.get((name, field), 1e-8))
    for field in ("deviance", "aic", "null_deviance"):
        _close(getattr(fit, field), float(ref[field]), atol=1e-12)
    for field in ("rank", "iter", "df_residual", "df_null", "converged", "boundary"):
        assert getattr(fit, field) == ref[field], field


@glm_fit_cases(where=lambda c: c["result"] is not None and c["result"]["qr"] is not None)
def test_last_wls_components_match_r(name, case, capsys, run):
    fit, _, _ = run(case)
    ref = case["result"]
    rank, p = fit.rank, len(fit.coefficients)
    np.testing.assert_array_equal(fit.qr.pivot, np.atleast_1d(ref["qr"]["pivot"]))
    assert fit.qr.rank == ref["qr"]["rank"]
    assert fit.qr.tol == pytest.approx(ref["qr"]["tol"], rel=1e-15)
    qr_ref = np.array(ref["qr"]["qr"], dtype=float).reshape(fit.qr.qr.shape)
    scale = max(1.0, np.abs(qr_ref).max())
    rtol = RTOL.get((name, "qr"), 1e-8)
    # Columns pivoted out (beyond the rank) hold normalised rounding noise below row
    # `rank` in LINPACK's compact form; R's values there are not reproducible.
    _close(fit.qr.qr[:, :rank], qr_ref[:, :rank], atol=1e-12 * scale, rtol=rtol)
    _close(fit.qr.qr[:rank, rank:], qr_ref[:rank, rank:], atol=1e-12 * scale, rtol=rtol)
    _close(fit.qr.qraux[:rank], _array(ref["qr"]["qraux"])[:rank], atol=1e-12 * scale, rtol=rtol)
    r_ref = np.array(ref["R"], dtype=float).reshape(p, p)
    _close(fit.R[:rank], r_ref[:rank], atol=1e-12 * scale, rtol=rtol)
    _close(fit.R[rank:, rank:], r_ref[rank:, rank:], atol=1e-12 * scale, rtol=rtol)
    effects = _array(ref["effects"])
    _close(fit.effects, effects, atol=ATOL.get((name, "effects"), 1e-12 * max(1.0, np.abs(effects).max())))
    assert list(fit.pivoted_names) == _strings(ref["R_colnames"])
    assert list(fit.effects_names) == _strings(ref["effects_names"])


@glm_fit_cases()
def test_warnings_match_r(name, case, capsys, run):
    _, _, messages = run(case)
    expected = case["warnings"]
    assert messages == ([expected] if isinstance(expected, str) else list(expected))


@glm_fit_cases(where=lambda c: c["error"] is not None)
def test_errors_match_r(name, case, run):
    _, error, _ = run(case)
    assert error == case["error"]


@glm_fit_cases(where=lambda c: c["trace"])
def test_trace_lines_match_r(name, case, capsys, run):
    run(case)
    expected = case["trace"]
    expected = [expected] if isinstance(expected, str) else expected
    assert capsys.readouterr().out.splitlines() == expected


def test_inputs_are_not_modified(cases):
    case = cases["binomial_zero_weights"]["input"]
    x, names = _design(case)
    y = np.array(case["y"], dtype=float)
    w = np.array(case["weights"], dtype=float)
    copies = (x.copy(), y.copy(), w.copy())
    glm_fit(x, y, weights=w, family=families.binomial(), xnames=names)
    for before, after in zip(copies, (x, y, w)):
        np.testing.assert_array_equal(before, after)


def test_dataframe_columns_give_xnames(cases):
    case = cases["gamma_inverse"]["input"]
    x, names = _design(case)
    frame = pd.DataFrame(x, columns=names)
    fit = glm_fit(frame, np.array(case["y"]), family=families.Gamma())
    assert fit.xnames == tuple(names)


def test_default_family_is_gaussian(cases):
    case = cases["gaussian_offset"]["input"]
    x, names = _design(case)
    fit = glm_fit(x, np.array(case["y"]), offset=np.array(case["offset"]), xnames=names)
    assert fit.family.family == "gaussian"
    _close(fit.deviance, cases["gaussian_offset"]["result"]["deviance"])


def test_more_columns_than_rows_gives_na_not_an_error():
    # dqrdc2 caps the rank at the number of good rows, so R's "X matrix has rank %d, but
    # only %d observations" cannot trigger from glm.fit's own QR; the extra column is NA.
    fit = glm_fit(np.array([[1.0, 2.0]]), np.array([1.0]), xnames=["a", "b"])
    assert fit.rank == 1
    assert np.isnan(fit.coefficients[1])
    np.testing.assert_array_equal(fit.R, [[fit.qr.qr[0, 0], fit.qr.qr[0, 1]], [0.0, 1.0]])


def test_control_accepts_a_dict_and_a_record(cases):
    case = cases["binomial_cloglog_maxit2"]
    x, names = _design(case["input"])
    fam = families.binomial(link="cloglog")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RWarning)
        a = glm_fit(x, np.array(case["input"]["y"]), family=fam, control={"maxit": 2})
        b = glm_fit(x, np.array(case["input"]["y"]), family=fam, control=glm_control(maxit=2))
    assert a.iter == b.iter == 2
    np.testing.assert_array_equal(a.coefficients, b.coefficients)
