"""``vcov(fit, use_hessian=False)`` on glmer fits with a Hessian-based vcov: the RX
matrix and lme4's warning that the two differ (``tests/reference/mixed_vcov.json``,
``make_mixed_vcov.R``)."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.mark.r_cases("mixed_vcov", "cases")
def test_rx_vcov_and_lme4s_warning(case, mixed_eval, mixed_models):
    """The warning's text exactly; the matrix to the tolerance of the standard errors
    (``tol["se"]`` of the same model in mixed.json: lme4's estimates are where its
    optimiser stopped, rglm's at the optimum, and vcov moves with them)."""
    import rglm

    fit = mixed_eval(case["py"], [case["data"]]).value
    assert fit.engine.vcov_method == "Hessian"
    got = mixed_eval("rglm.vcov(fit, use_hessian=False)", bindings={"fit": fit})
    assert [text for kind, text in got.conditions if kind == "warning"] == case["warnings"]
    V = got.value
    assert list(V.index) == case["names"] == list(V.columns)
    want = np.asarray(case["vcov_rx"], dtype=float)
    se = np.sqrt(np.diag(want))
    tol = mixed_models[case["id"]]["tol"]["se"]
    assert np.all(np.abs(V.to_numpy() - want) <= 4 * tol * np.outer(se, se))
    # the default is the Hessian-based matrix, without a warning
    default = mixed_eval("rglm.vcov(fit)", bindings={"fit": fit})
    assert default.conditions == []
    assert not np.allclose(default.value.to_numpy(), V.to_numpy(), rtol=1e-4, atol=0)
    assert rglm.vcov(fit).equals(default.value)
