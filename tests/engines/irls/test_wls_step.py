"""The IRLS's least-squares step: factor every iteration, complete only the last.

R keeps the QR decomposition and effects of the last weighted least-squares step only, so
:func:`rglm.engines.irls.wls.wls_step` stops after the BLAS-3 kernel's two passes and
:attr:`~rglm.engines.irls.wls.WlsStep.lsfit` finishes one step on demand; when the kernel declines
(dqrdc2 would pivot) the exact port's complete fit is used as it is.
"""

from __future__ import annotations

import numpy as np
import pytest

import rglm.engines.irls.wls as wls
from rglm import families
from rglm.engines.irls.irls import glm_fit
from rglm.engines.irls.setup import mu_eta_at
from rglm.linalg.fastqr import fast_dqrls
from rglm.linalg.qr import dqrls

GLM_TOL = 1e-11


def _weighted(rng, n=400, p=5):
    x = np.column_stack([np.ones(n), rng.standard_normal((n, p - 1))])
    w = rng.uniform(0.5, 2.0, n)
    return np.asfortranarray(x * w[:, None]), rng.standard_normal(n) * w


def test_a_factored_step_leaves_the_design_until_completed():
    xw, zw = _weighted(np.random.default_rng(1))
    original = xw.copy()
    step = wls.wls_step(xw, zw, GLM_TOL)
    assert step.fit is None and step.factor is not None
    np.testing.assert_array_equal(xw, original)  # the work array is still the design
    expected = fast_dqrls(original, zw, GLM_TOL)
    np.testing.assert_array_equal(step.coefficients, expected.coefficients)
    assert step.rank == 5 and list(step.pivot) == [0, 1, 2, 3, 4]
    fit = step.lsfit
    assert step.lsfit is fit  # completed once: the third pass consumes xw
    assert np.shares_memory(fit.qr.qr, xw)
    np.testing.assert_array_equal(fit.qr.qr, expected.qr.qr)
    np.testing.assert_array_equal(fit.effects, expected.effects)
    exact = dqrls(original, zw, GLM_TOL)
    np.testing.assert_allclose(fit.qr.qr, exact.qr.qr, rtol=1e-12, atol=1e-12)


def test_a_pivoting_step_is_the_exact_port_complete():
    rng = np.random.default_rng(2)
    xw, zw = _weighted(rng)
    collinear = np.asfortranarray(np.column_stack([xw, xw[:, 1] + xw[:, 2]]))
    expected = dqrls(collinear.copy(order="F"), zw, GLM_TOL)
    step = wls.wls_step(collinear, zw, GLM_TOL)
    assert step.fit is not None and step.factor is None and step.lsfit is step.fit
    assert step.rank == expected.qr.rank == 5
    np.testing.assert_array_equal(step.pivot, expected.qr.pivot)
    np.testing.assert_array_equal(step.coefficients, expected.coefficients)
    np.testing.assert_array_equal(step.lsfit.qr.qr, expected.qr.qr)


@pytest.mark.parametrize("family", [families.poisson(), families.binomial(),
                                    families.Gamma(link="log")], ids=lambda f: f.family)
def test_completing_only_the_last_step_is_completing_every_step(family, monkeypatch):
    """The pending step of the last iteration finds its work array intact."""
    rng = np.random.default_rng(3)
    n = 600
    x = np.asfortranarray(np.column_stack([np.ones(n), rng.standard_normal((n, 3))]))
    eta = x @ np.array([0.3, 0.2, -0.1, 0.05])
    y = {"poisson": rng.poisson(np.exp(eta)).astype(float),
         "binomial": (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float),
         "Gamma": rng.gamma(2.0, np.exp(eta) / 2)}[family.family]
    lazy = glm_fit(x, y, family=family)
    completed = []

    def complete_every_step(*args, **kwargs):
        step = wls.wls_step(*args, **kwargs)
        completed.append(step.lsfit)  # at once, before the next step refills the array
        return step

    monkeypatch.setattr("rglm.engines.irls.irls.wls_step", complete_every_step)
    eager = glm_fit(x, y, family=family)
    assert lazy.iter == eager.iter == len(completed)
    for name in ("coefficients", "fitted_values", "weights", "effects", "R"):
        np.testing.assert_array_equal(getattr(lazy, name), getattr(eager, name), err_msg=name)
    np.testing.assert_array_equal(lazy.qr.qr, eager.qr.qr)
    np.testing.assert_array_equal(lazy.qr.qraux, eager.qr.qraux)
    assert (lazy.deviance, lazy.aic) == (eager.deviance, eager.aic)


def test_mu_eta_of_the_log_link_is_the_mean_itself():
    log = families.poisson()
    eta = np.linspace(-3, 3, 7)
    mu = log.linkinv(eta)
    assert mu_eta_at(log, eta, mu) is mu
    np.testing.assert_array_equal(log.mu_eta(eta), mu)
    logit = families.binomial()
    np.testing.assert_array_equal(mu_eta_at(logit, eta, logit.linkinv(eta)), logit.mu_eta(eta))
