"""Simulation: shapes, weight handling and messages (draws are numpy's, not R's)."""

from __future__ import annotations

import numpy as np
import pytest

from rglm.errors import RError, RWarning
from rglm.families import (Gamma, binomial, gaussian, inverse_gaussian, negative_binomial,
                           poisson, quasibinomial, quasipoisson)

MU = np.array([0.5, 2.0, 10.0])


def _rng():
    return np.random.default_rng(20240601)


def test_poisson_shape_and_mean():
    sims = poisson().simulate(MU, 4000, None, _rng())
    assert sims.shape == (3, 4000)
    np.testing.assert_allclose(sims.mean(axis=1), MU, rtol=0.05)


def test_poisson_ignores_weights_with_warning():
    with pytest.warns(RWarning, match="^ignoring prior weights$"):
        poisson().simulate(MU, 2, np.array([1.0, 2.0, 1.0]), _rng())


def test_binomial_proportions():
    sims = binomial().simulate(np.array([0.2, 0.7]), 3000, np.array([4.0, 10.0]), _rng())
    assert sims.shape == (2, 3000)
    np.testing.assert_allclose(sims.mean(axis=1), [0.2, 0.7], rtol=0.05)
    assert np.all(np.isclose(sims[0] * 4, np.round(sims[0] * 4)))


def test_binomial_noninteger_weights():
    with pytest.raises(RError, match="^cannot simulate from non-integer prior.weights$"):
        binomial().simulate(np.array([0.2]), 1, np.array([1.5]), _rng())


@pytest.mark.parametrize("fam", [Gamma(), inverse_gaussian(), gaussian()],
                         ids=["Gamma", "inv.gauss", "gaussian"])
def test_continuous_families_mean(fam):
    sims = fam.simulate(MU, 4000, None, _rng(), dispersion=0.1)
    np.testing.assert_allclose(sims.mean(axis=1), MU, rtol=0.05)
    with pytest.raises(RError):
        fam.simulate(MU, 1, None, _rng())


def test_negative_binomial_mean_and_variance():
    sims = negative_binomial(2.0).simulate(np.array([5.0]), 20000, None, _rng())
    assert abs(sims.mean() - 5.0) < 0.2
    assert abs(sims.var() - (5.0 + 25.0 / 2.0)) < 1.5


@pytest.mark.parametrize("fam", [quasipoisson(), quasibinomial()],
                         ids=["quasipoisson", "quasibinomial"])
def test_no_simulator(fam):
    with pytest.raises(RError, match=f"^family '{fam.family}' not implemented$"):
        fam.simulate(MU, 1, None, _rng())
