"""The chunked IRLS (rglm.engines.chunked.irls) against the in-memory glm_fit on the same rows.

glm_fit is itself checked against R's glm.fit (tests/engines/irls/test_glm_fit.py), so equality
with it to 1e-8 (in practice ~1e-14) is equality with R. The data are split into blocks
of awkward sizes so that factor levels, zero weights and offsets fall unevenly.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from rglm import families
from rglm.errors import RError, RWarning
from rglm.engines.irls import glm_fit
from rglm.engines.chunked.aic import aic_finish, aic_parts, gamma_aic_finish, gamma_aic_part
from rglm.engines.chunked.passes import Chunk, PassKernel, PassTotals
from rglm.engines.chunked.tsqr import combine_triangles, solve_triangle, triangle_of
from rglm.engines.chunked.irls import chunked_glm_fit
from rglm.linalg.qr import chol2inv, dqrls

RTOL = 1e-8


# -- helpers -------------------------------------------------------------------------------
def _chunks(x, y, weights=None, offset=None, size=37):
    n = x.shape[0]
    return [Chunk(np.asfortranarray(x[i:i + size]), y[i:i + size],
                  None if weights is None else weights[i:i + size],
                  None if offset is None else offset[i:i + size])
            for i in range(0, n, size)]


def _serial(chunks):
    def run(kernel, label):
        total = None
        for chunk in chunks:
            part = kernel(chunk)
            total = part if total is None else total.combine(part)
        return total
    return run


def _names(p, intercept=True):
    return (("(Intercept)",) if intercept else ()) + tuple(
        f"x{j}" for j in range(int(intercept), p))


def _fit_both(x, y, family, weights=None, offset=None, size=37, intercept=True, start=None,
              control=None):
    """(chunked result, glm_fit result, glm()'s null deviance) on the same data."""
    xnames = _names(x.shape[1], intercept)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = glm_fit(x, y, weights=weights, offset=offset, family=family, start=start,
                      intercept=intercept, xnames=xnames, control=control)
        null = ref.null_deviance
        if offset is not None and intercept:  # glm()'s refit, as R's glm() does
            null = glm_fit(x[:, [0]], y, weights=weights, offset=offset, family=family,
                           mustart=ref.fitted_values, control=control).deviance
        got = chunked_glm_fit(_serial(_chunks(x, y, weights, offset, size)), x.shape[1],
                              family, control=control, start=start, intercept=intercept,
                              offset_given=offset is not None, xnames=xnames)
    return got, ref, null


def _standard_errors(qr, rank):
    return np.sqrt(np.diag(chol2inv(np.asarray(qr.qr)[:rank, :rank])))


def assert_same(got, ref, null):
    np.testing.assert_allclose(got.coefficients, ref.coefficients, rtol=RTOL, atol=1e-12)
    assert np.array_equal(np.isnan(got.coefficients), np.isnan(ref.coefficients))
    assert got.rank == ref.rank
    assert list(got.qr.pivot) == list(ref.qr.pivot)
    np.testing.assert_allclose(_standard_errors(got.qr, got.rank),
                               _standard_errors(ref.qr, ref.rank), rtol=RTOL)
    np.testing.assert_allclose(got.deviance, ref.deviance, rtol=RTOL)
    np.testing.assert_allclose(got.null_deviance, null, rtol=RTOL)
    np.testing.assert_allclose(got.aic, ref.aic, rtol=RTOL)
    assert (got.iter, got.converged, got.boundary) == (ref.iter, ref.converged, ref.boundary)
    assert (got.df_residual, got.df_null) == (ref.df_residual, ref.df_null)
    positive = ref.weights > 0
    pearson = np.sum(ref.weights[positive] * ref.residuals[positive] ** 2)
    np.testing.assert_allclose(got.pearson, pearson, rtol=RTOL)
    assert got.n_zero_working == int(np.sum(ref.weights == 0))


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(20240611)
    n = 400
    x = np.column_stack([np.ones(n), rng.normal(size=n), rng.uniform(size=n)])
    eta = 0.5 + 0.3 * x[:, 1] - 0.4 * x[:, 2]
    trials = rng.integers(1, 8, n)
    successes = rng.binomial(trials, 1 / (1 + np.exp(-eta)))
    return {
        "x": x, "rng": rng,
        "count": rng.poisson(np.exp(eta)).astype(float),
        "binary": rng.binomial(1, 1 / (1 + np.exp(-eta))).astype(float),
        "cbind": np.column_stack([successes, trials - successes]).astype(float),
        "gamma": rng.gamma(2.0, np.exp(eta) / 2.0),
        "normal": rng.normal(eta),
        "wald": rng.wald(np.exp(eta), 3.0),
        "weights": rng.integers(0, 4, n).astype(float),
        "offset": np.log(rng.uniform(1, 3, n)),
    }


# -- equality with glm_fit -------------------------------------------------------------------
FAMILY_CASES = [
    ("count", families.poisson, {}), ("count", families.poisson, {"link": "sqrt"}),
    ("count", families.quasipoisson, {}),
    ("binary", families.binomial, {}), ("binary", families.binomial, {"link": "probit"}),
    ("binary", families.binomial, {"link": "cloglog"}), ("binary", families.quasibinomial, {}),
    ("cbind", families.binomial, {}),
    ("gamma", families.Gamma, {}), ("gamma", families.Gamma, {"link": "log"}),
    ("normal", families.gaussian, {}), ("gamma", families.gaussian, {"link": "log"}),
    ("wald", families.inverse_gaussian, {"link": "log"}),
    ("count", lambda: families.negative_binomial(2.0), {}),
]


@pytest.mark.parametrize("response,make,kw", FAMILY_CASES,
                         ids=[f"{c[0]}-{getattr(c[1], '__name__', 'negbin')}-{c[2]}"
                              for c in FAMILY_CASES])
def test_families_match_glm_fit(data, response, make, kw):
    got, ref, null = _fit_both(data["x"], data[response], make(**kw))
    assert_same(got, ref, null)
    assert got.passes == got.iter + 1 + (make(**kw).family == "Gamma")


@pytest.mark.parametrize("response,make", [("count", families.poisson),
                                           ("binary", families.binomial),
                                           ("normal", families.gaussian),
                                           ("gamma", families.Gamma)])
def test_prior_weights_with_zeros(data, response, make):
    w = data["weights"] + (0.5 if response == "gamma" else 0.0)
    got, ref, null = _fit_both(data["x"], data[response], make(), weights=w)
    assert_same(got, ref, null)


def test_gaussian_zero_weight_gives_infinite_aic_as_r(data):
    got, ref, null = _fit_both(data["x"], data["normal"], families.gaussian(),
                               weights=data["weights"])
    assert got.aic == np.inf == ref.aic


def test_offset_null_deviance_is_the_intercept_only_refit(data):
    got, ref, null = _fit_both(data["x"], data["count"], families.poisson(),
                               offset=data["offset"])
    assert_same(got, ref, null)
    assert null != ref.null_deviance
    assert got.passes > got.iter + 1  # the refit's own passes


def test_offset_without_intercept(data):
    got, ref, null = _fit_both(data["x"][:, 1:], data["count"], families.poisson(),
                               offset=data["offset"], intercept=False)
    assert_same(got, ref, null)


def test_starting_values(data):
    got, ref, null = _fit_both(data["x"], data["count"], families.poisson(),
                               start=[0.1, 0.1, 0.1])
    assert_same(got, ref, null)


def test_aliased_column_is_na_as_in_glm(data):
    x = data["x"]
    xa = np.column_stack([x, x[:, 1] + 2 * x[:, 2], data["rng"].normal(size=x.shape[0])])
    got, ref, null = _fit_both(xa, data["count"], families.poisson())
    assert_same(got, ref, null)
    assert np.isnan(got.coefficients[3]) and got.rank == 4


def test_empty_model(data):
    x = np.zeros((data["x"].shape[0], 0))
    got, ref, null = _fit_both(x, data["count"], families.poisson(), offset=data["offset"],
                               intercept=False)
    assert (got.rank, got.iter, got.qr) == (0, 0, None)
    np.testing.assert_allclose([got.deviance, got.null_deviance, got.aic],
                               [ref.deviance, ref.null_deviance, ref.aic], rtol=RTOL)


# -- R's glm.fit cases, fitted by blocks ----------------------------------------------------
R_FAMILIES = {"poisson": families.poisson, "binomial": families.binomial,
              "Gamma": families.Gamma, "gaussian": families.gaussian,
              "inverse.gaussian": families.inverse_gaussian}


def _r_vector(v):
    return None if v is None else np.array(
        [np.nan if e is None else e for e in np.atleast_1d(v).tolist()], dtype=float)


def _r_design(inp):
    """The case's design (written row by row) and column names."""
    names = inp["xnames"]
    names = [names] if isinstance(names, str) else names
    x = np.array(inp["x"], dtype=float)
    if x.size == 0:
        return np.zeros((len(np.atleast_1d(inp["y"])), 0)), names
    return x.reshape(len(np.atleast_1d(inp["y"])), -1), names


def _r_glm_fit_cases(ref):
    """fit.json's glm.fit cases a chunked fit can take (no etastart/mustart: bigglm has
    only ``start``), in name order."""
    return {name: case for name, case in sorted(ref["glm_fit"].items())
            if case["input"]["etastart"] is None and case["input"]["mustart"] is None}


@pytest.mark.r_cases("fit", _r_glm_fit_cases, arg="name,case")
def test_r_glm_fit_cases_by_blocks(name, case, capsys, r_warnings):
    """The loop is glm.fit's whichever engine computes the steps: R's numbers, warnings
    (in R's order), errors and trace lines, on blocks of 3 rows."""
    inp = case["input"]
    x, xnames = _r_design(inp)
    y = np.array(inp["y"], dtype=float)
    weights, offset = _r_vector(inp["weights"]), _r_vector(inp["offset"])
    fam = R_FAMILIES[inp["family"]["family"]](link=inp["family"]["link"])
    given = {k: inp[k] for k in ("intercept", "singular_ok") if inp[k] is not None}
    kwargs = dict(control=dict(inp["control"]) or None, start=_r_vector(inp["start"]),
                  xnames=xnames, **given)
    with r_warnings() as messages:
        try:
            # glm.fit's own null deviance: no intercept-only refit for an offset
            got, error = chunked_glm_fit(_serial(_chunks(x, y, weights, offset, size=3)),
                                         x.shape[1], fam, **kwargs), None
        except RError as err:
            got, error = None, str(err)
    expected = case["warnings"]
    assert messages == ([expected] if isinstance(expected, str) else list(expected))
    assert error == case["error"]
    trace = case["trace"] or []
    assert capsys.readouterr().out.splitlines() == ([trace] if isinstance(trace, str) else trace)
    if error is not None:
        return
    ref = case["result"]
    # As in test_glm_fit: coefficients that are 0 in exact arithmetic are compared
    # absolutely, relative to the size of eta.
    scale_eta = max(1.0, np.max(np.abs(_r_vector(ref["linear_predictors"]))))
    np.testing.assert_allclose(got.coefficients, _r_vector(ref["coefficients"]), rtol=RTOL,
                               atol=1e-12 * scale_eta, equal_nan=True)
    np.testing.assert_allclose([got.deviance, got.aic, got.null_deviance],
                               [ref["deviance"], ref["aic"], ref["null_deviance"]], rtol=RTOL)
    assert (got.rank, got.iter, got.converged, got.boundary, got.df_residual, got.df_null) == (
        ref["rank"], ref["iter"], ref["converged"], ref["boundary"], ref["df_residual"],
        ref["df_null"])


def test_step_halving_out_of_bounds():
    # poisson identity: the full steps leave the valid region (mu <= 0), as in R
    x = np.column_stack([np.ones(40), np.linspace(0, 1, 40)])
    y = np.r_[np.zeros(20), np.random.default_rng(1).poisson(5, 20)].astype(float)
    got, ref, null = _fit_both(x, y, families.poisson("identity"), start=[0.5, 1.0], size=6)
    assert got.boundary
    # The intercept tends to 0 (about 4e-19 after 25 iterations): rounding noise of the
    # two QR methods, compared absolutely as in assert_same.
    np.testing.assert_allclose(got.coefficients, ref.coefficients, rtol=1e-10, atol=1e-12)
    assert got.iter == ref.iter and got.deviance == pytest.approx(ref.deviance, rel=RTOL)


def test_warnings_are_glm_fits():
    # Every iteration halves its step here: glm.fit warns each time (25 times), and so
    # does the chunked fit, although each of its steps runs over 7 blocks.
    x = np.column_stack([np.ones(40), np.linspace(0, 1, 40)])
    y = np.r_[np.zeros(20), np.random.default_rng(1).poisson(5, 20)].astype(float)
    with pytest.warns(RWarning) as record:
        chunked_glm_fit(_serial(_chunks(x, y, size=6)), 2, families.poisson("identity"),
                        start=[0.5, 1.0], xnames=_names(2))
    with pytest.warns(RWarning) as expected:
        glm_fit(x, y, family=families.poisson("identity"), start=[0.5, 1.0],
                xnames=_names(2))
    texts = [str(w.message) for w in record]
    assert texts == [str(w.message) for w in expected]
    assert texts.count("step size truncated: out of bounds") == 25
    assert texts[-3:] == ["glm.fit: algorithm did not converge",
                          "glm.fit: algorithm stopped at boundary value",
                          "glm.fit: fitted rates numerically 0 occurred"]


def test_no_valid_coefficients_without_start():
    x = np.column_stack([np.ones(40), np.linspace(0, 1, 40)])
    y = np.r_[np.zeros(20), np.random.default_rng(1).poisson(5, 20)].astype(float)
    with pytest.raises(RError, match="no valid set of coefficients has been found"):
        chunked_glm_fit(_serial(_chunks(x, y, size=6)), 2, families.poisson("identity"),
                        xnames=_names(2))


def test_maxit_not_converged(data):
    got, ref, null = _fit_both(data["x"], data["count"], families.poisson(),
                               control={"maxit": 2})
    assert not got.converged
    assert_same(got, ref, null)


def test_binomial_non_integer_warning_once(data):
    y = data["binary"] * 0.5 + 0.2
    with pytest.warns(RWarning) as record:
        got = chunked_glm_fit(_serial(_chunks(data["x"], y)), 3, families.binomial(),
                              xnames=_names(3))
    texts = [str(w.message) for w in record]
    assert texts == ["non-integer #successes in a binomial glm!"]
    _, ref, null = _fit_both(data["x"], y, families.binomial())
    assert_same(got, ref, null)


def test_binomial_aic_chooses_m_over_all_chunks(data):
    # The first chunks have one trial per row, later ones more: R's aic uses the trial
    # totals for every row because *some* row has n > 1.
    rng = np.random.default_rng(5)
    n = data["x"].shape[0]
    trials = np.where(np.arange(n) < 250, 1, rng.integers(1, 5, n))
    s = rng.binomial(trials, 0.4)
    y = np.column_stack([s, trials - s]).astype(float)
    got, ref, null = _fit_both(data["x"], y, families.binomial(), weights=data["weights"] + 1)
    assert_same(got, ref, null)


def test_separation_matches_glm_fit_closely():
    rng = np.random.default_rng(7)
    x = np.column_stack([np.ones(60), np.r_[np.zeros(30), np.ones(30)] + rng.normal(0, .01, 60)])
    y = np.r_[np.zeros(30), np.ones(30)]
    got, ref, _ = _fit_both(x, y, families.binomial(), size=7)
    # eta ~ 20: 1 - mu carries few digits in any computation
    np.testing.assert_allclose(got.coefficients, ref.coefficients, rtol=1e-7)
    assert (got.iter, got.converged) == (ref.iter, ref.converged)


def test_singular_not_ok_is_an_error(data):
    x = np.column_stack([data["x"], data["x"][:, 1]])
    with pytest.raises(RError, match="singular fit encountered"):
        chunked_glm_fit(_serial(_chunks(x, data["count"])), 4, families.poisson(),
                        xnames=_names(4), singular_ok=False)


def test_bad_start_length(data):
    with pytest.raises(RError, match="length of 'start' should equal 3"):
        chunked_glm_fit(_serial(_chunks(data["x"], data["count"])), 3, families.poisson(),
                        start=[0.0, 1.0], xnames=_names(3))


def test_chunk_order_does_not_matter(data):
    chunks = _chunks(data["x"], data["count"], size=50)
    a = chunked_glm_fit(_serial(chunks), 3, families.poisson(), xnames=_names(3))
    b = chunked_glm_fit(_serial(chunks[::-1]), 3, families.poisson(), xnames=_names(3))
    np.testing.assert_allclose(a.coefficients, b.coefficients, rtol=1e-12)
    np.testing.assert_allclose(a.deviance, b.deviance, rtol=1e-12)


# -- the pieces ------------------------------------------------------------------------------
def test_tsqr_equals_one_qr_of_all_rows():
    rng = np.random.default_rng(3)
    a = rng.normal(size=(500, 5))
    whole = triangle_of(a.copy(order="F"))
    t = np.zeros((5, 5))
    for i in range(0, 500, 71):
        t = combine_triangles(t, triangle_of(a[i:i + 71].copy(order="F")))
    np.testing.assert_allclose(np.abs(t), np.abs(whole), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(t.T @ t, a.T @ a, rtol=1e-12)


def test_triangle_of_fewer_rows_than_columns():
    t = triangle_of(np.ones((2, 4), order="F"))
    assert t.shape == (4, 4) and not t[2:].any()
    assert triangle_of(np.zeros((0, 3))).shape == (3, 3)


@pytest.mark.parametrize("scale", [1e-6, 1e-9, 1e-10, 1e-12, 1e-14])
def test_pivot_decisions_match_dqrdc2_on_the_rows(scale):
    # Column norms are invariant under Q, so dqrdc2 on R drops the same near-collinear
    # columns as dqrdc2 on the weighted design (tol 1e-11, as glm.fit).
    rng = np.random.default_rng(11)
    x = rng.normal(size=(300, 4))
    x[:, 2] = x[:, 0] - x[:, 1] + scale * rng.normal(size=300)
    y = rng.normal(size=300)
    t = triangle_of(np.column_stack([x, y]).copy(order="F"))
    got, ref = solve_triangle(t, 1e-11), dqrls(x, y, 1e-11)
    assert got.qr.rank == ref.qr.rank
    assert list(got.qr.pivot) == list(ref.qr.pivot)
    if ref.qr.rank == 4:
        np.testing.assert_allclose(got.coefficients, ref.coefficients,
                                   rtol=1e-14 / scale * 10)


def test_pass_totals_combine_is_associative():
    rng = np.random.default_rng(4)
    parts = [PassTotals(nobs=i, dev=float(i), triangle=triangle_of(rng.normal(size=(9, 3))),
                        aic=np.array([1.0 * i])) for i in range(1, 4)]
    left = parts[0].combine(parts[1]).combine(parts[2])
    right = parts[0].combine(parts[1].combine(parts[2]))
    assert left.nobs == right.nobs == 6 and left.dev == right.dev
    np.testing.assert_allclose(np.abs(left.triangle), np.abs(right.triangle), rtol=1e-12)


def test_kernel_does_not_modify_the_chunk(data):
    chunk = _chunks(data["x"], data["count"], data["weights"], data["offset"], size=400)[0]
    before = [a.copy() for a in (chunk.x, chunk.y, chunk.weights, chunk.offset)]
    PassKernel(family=families.poisson(), point=np.array([0.1, 0.2, 0.3]), wtdmu=1.0)(chunk)
    for a, b in zip(before, (chunk.x, chunk.y, chunk.weights, chunk.offset)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("make", [families.gaussian, families.poisson, families.binomial,
                                  families.inverse_gaussian, families.quasipoisson,
                                  lambda: families.negative_binomial(1.5)])
def test_aic_parts_add_up_to_the_family_aic(data, make):
    fam = make()
    y = {"binomial": data["binary"]}.get(fam.family, data["gamma"] + 1.0)
    if fam.family in ("poisson", "quasipoisson") or fam.family.startswith("Negative"):
        y = data["count"]
    n, mu, wt = np.ones(y.size), np.clip(y * 0.8 + 0.1, 0.05, 0.95) if fam.family == "binomial" \
        else y * 0.9 + 0.5, data["weights"] + 1
    dev = float(np.sum(fam.dev_resids(y, mu, wt)))
    parts = sum(aic_parts(fam, y[i:i + 33], n[i:i + 33], mu[i:i + 33], wt[i:i + 33])
                for i in range(0, y.size, 33))
    expected = fam.aic(y, n, mu, wt, dev)
    if np.isnan(expected):
        assert np.isnan(aic_finish(fam, parts, dev))
    else:
        np.testing.assert_allclose(aic_finish(fam, parts, dev), expected, rtol=1e-12)


def test_gamma_aic_from_its_own_pass(data):
    fam = families.Gamma()
    y, mu, wt = data["gamma"], data["gamma"] * 0.9 + 0.1, data["weights"] + 1
    dev = float(np.sum(fam.dev_resids(y, mu, wt)))
    disp = dev / np.sum(wt)
    total = sum(gamma_aic_part(y[i:i + 50], mu[i:i + 50], wt[i:i + 50], disp)
                for i in range(0, y.size, 50))
    np.testing.assert_allclose(gamma_aic_finish(total), fam.aic(y, None, mu, wt, dev),
                               rtol=1e-12)
