"""Each family's initialize against R: modified y/weights, n, mustart, errors, warnings."""

from __future__ import annotations

import numpy as np
import pytest

from rglm.errors import RError
from rglm.families import (Gamma, binomial, gaussian, inverse_gaussian, negative_binomial,
                           poisson, quasi, quasibinomial, quasipoisson)

FAMILIES = {
    "binomial": binomial, "quasibinomial": quasibinomial, "poisson": poisson,
    "quasipoisson": quasipoisson, "Gamma": Gamma, "inverse.gaussian": inverse_gaussian,
    "Negative Binomial(2)": lambda link: negative_binomial(2),
}


def _family(r):
    if r["family"] == "quasi":
        return quasi(link=r["link"], variance=r["varfun"])
    if r["family"] == "gaussian":
        return gaussian(link=r["link"])
    return FAMILIES[r["family"]](link=r["link"])


def _v(x) -> np.ndarray:
    return np.atleast_1d(np.asarray(x, dtype=np.float64))


def _y(r) -> np.ndarray:
    if r["y_cols"] == 1:
        return _v(r["y_in"])
    return np.column_stack([_v(col) for col in r["y_in"]])


# Parametrized by label; the case itself is taken from the decoded ``ref`` fixture.
@pytest.mark.r_cases("families", lambda ref: [c["label"] for c in ref["initialize"]],
                     arg="label", ids=None)
def test_initialize_matches_r(ref, label, r_warnings):
    r = next(c for c in ref["initialize"] if c["label"] == label)
    fam = _family(r)
    y, w = _y(r), _v(r["weights_in"])
    y_before, w_before = y.copy(), w.copy()
    mustart = np.ones(len(y)) if r["mustart_given"] else None
    with r_warnings(every=True) as caught:
        if "error" in r:
            with pytest.raises(RError) as err:
                fam.initialize(y, w, mustart=mustart)
            assert str(err.value) == r["error"]
        else:
            init = fam.initialize(y, w, mustart=mustart)
            np.testing.assert_array_equal(init.y, _v(r["y"]))
            np.testing.assert_array_equal(init.weights, _v(r["weights"]))
            np.testing.assert_array_equal(init.n, _v(r["n"]))
            np.testing.assert_allclose(init.mustart, _v(r["mustart"]), rtol=1e-15)
            for arr in (init.y, init.weights, init.n, init.mustart):
                assert arr.dtype == np.float64
                assert not np.shares_memory(arr, y) and not np.shares_memory(arr, w)
    expected = r["warnings"] if isinstance(r["warnings"], list) else [r["warnings"]]
    assert caught == expected
    np.testing.assert_array_equal(y, y_before)  # inputs untouched (NaN compares equal)
    np.testing.assert_array_equal(w, w_before)


def test_default_weights_are_ones():
    init = poisson().initialize(np.array([0.0, 2.0]), None)
    np.testing.assert_array_equal(init.weights, [1.0, 1.0])
    np.testing.assert_array_equal(init.mustart, [0.1, 2.1])


def test_binomial_one_column_matrix_is_a_vector():
    init = binomial().initialize(np.array([[0.0], [1.0]]), np.ones(2))
    np.testing.assert_array_equal(init.y, [0.0, 1.0])
    np.testing.assert_array_equal(init.mustart, [0.25, 0.75])


def test_initialized_is_frozen():
    init = Gamma().initialize(np.array([1.0, 2.0]), np.ones(2))
    with pytest.raises(AttributeError):
        init.y = np.zeros(2)
