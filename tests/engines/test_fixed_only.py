"""Ordinal and negative binomial fits without random effects
(rglm/engines/mixed/fixed_only.py) against R.

References: tests/reference/make_ordinal.R -> ordinal.json (MASS::polr with methods
logistic/probit/cloglog, MASS::glm.nb).  NB1 (Stata's ``nbreg, dispersion(constant)``)
has no R oracle in MASS: it is checked against a brute-force maximisation here of a log
likelihood written with scipy.stats.nbinom (no engine code), and its density against
scipy's pointwise.

Tolerances: log likelihood 1e-8 relative (the issue's); estimates 1e-6 -- set by polr's
optimiser (optim BFGS, reltol 1e-14, whose own optimum is only that precise in the
parameters: the likelihood is flat to second order there); polr's vcov 1e-5 relative to
its largest entry (optimHess's finite-difference Hessian against ours).
"""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, special, stats

from rglm.datasets import load
from rglm.engines.mixed.fixed_only import fit_negbin, fit_ordinal
from rglm.errors import RError
from rglm.formula import model_frame, model_matrix, model_response

REF = json.loads((pathlib.Path(__file__).parents[1] / "reference" / "ordinal.json")
                 .read_text())
LINKS = {"logistic": "logit", "probit": "probit", "cloglog": "cloglog"}


def _data(name: str) -> pd.DataFrame:
    if name == "sim":
        s = REF["sim"]
        y = pd.Categorical.from_codes(np.array(s["y"]) - 1, [f"c{k}" for k in range(1, 6)],
                                      ordered=True)
        return pd.DataFrame({"x": s["x"], "z": s["z"], "y": y})
    return load(name)


def _design(formula: str, data: pd.DataFrame):
    mf = model_frame(formula, data)
    mm = model_matrix(mf)
    return mm.x, list(mm.colnames), model_response(mf)


def _ordinal_inputs(rec):
    data = _data(rec["data"])
    X, names, y = _design(rec["formula"], data)
    assert names[0] == "(Intercept)" and names[1:] == rec["coef_names"]
    w = None if rec["weights"] is None else data[rec["weights"]].to_numpy(float)
    return X[:, 1:], np.asarray(pd.Categorical(y).codes), w


@pytest.mark.parametrize("rec", REF["polr"], ids=lambda r: r["id"])
def test_ordinal_equals_polr(rec):
    X, codes, w = _ordinal_inputs(rec)
    fit = fit_ordinal(X, codes, LINKS[rec["method"]], weights=w)
    assert fit.converged
    assert fit.loglik == pytest.approx(rec["logLik"], rel=1e-8)
    np.testing.assert_allclose(fit.beta, rec["coefficients"], rtol=0, atol=1e-6)
    np.testing.assert_allclose(fit.aux, rec["zeta"], rtol=0, atol=1e-6)
    V = np.array(rec["vcov"])
    np.testing.assert_allclose(fit.vcov, V, rtol=0, atol=1e-5 * np.abs(V).max())


def test_ordinal_weights_equal_replicated_rows():
    rec = REF["polr"][0]
    X, codes, w = _ordinal_inputs(rec)
    reps = w.astype(int)
    fw = fit_ordinal(X, codes, "logit", weights=w)
    fr = fit_ordinal(np.repeat(X, reps, axis=0), np.repeat(codes, reps))
    assert fr.loglik == pytest.approx(fw.loglik, rel=1e-10)
    np.testing.assert_allclose(fr.beta, fw.beta, atol=1e-7)


def test_ordinal_offset_shifts_cutpoints():
    # An offset of c everywhere is the same model with every cutpoint moved by c.
    rec = REF["polr"][3]
    X, codes, _ = _ordinal_inputs(rec)
    f0 = fit_ordinal(X, codes, "probit")
    f1 = fit_ordinal(X, codes, "probit", offset=np.full(len(codes), 0.75))
    assert f1.loglik == pytest.approx(f0.loglik, rel=1e-10)
    np.testing.assert_allclose(f1.aux, f0.aux + 0.75, atol=1e-7)


@pytest.mark.parametrize("rec", REF["glm_nb"], ids=lambda r: r["id"])
def test_nb2_equals_glm_nb(rec):
    X, names, y = _design(rec["formula"], _data(rec["data"]))
    assert names == rec["coef_names"]
    fit = fit_negbin(X, np.asarray(y, float), "mean")
    assert fit.converged
    assert fit.loglik == pytest.approx(rec["logLik"], rel=1e-8)
    np.testing.assert_allclose(fit.beta, rec["coefficients"], rtol=0, atol=1e-6)
    # Stata's lnalpha = -log(theta)
    assert np.exp(-fit.aux[0]) == pytest.approx(rec["theta"], rel=1e-6)


def _nb1_loglik(x, X, y):
    """NB1 by scipy: size mu / delta, probability 1 / (1 + delta)."""
    mu, delta = np.exp(X @ x[:-1]), np.exp(x[-1])
    return float(np.sum(stats.nbinom.logpmf(y, mu / delta, 1.0 / (1.0 + delta))))


def test_nb1_against_brute_force():
    X, _, y = _design(REF["glm_nb"][0]["formula"], load("quine"))
    y = np.asarray(y, float)
    fit = fit_negbin(X, y, "constant")
    assert fit.converged
    assert fit.loglik == pytest.approx(_nb1_loglik(np.append(fit.beta, fit.aux), X, y),
                                       rel=1e-12)
    # Brute force: Nelder-Mead from a start away from ours, to its tightest tolerances.
    x0 = np.append(np.zeros(X.shape[1]), 0.0)
    x0[0] = np.log(y.mean())
    bf = optimize.minimize(lambda x: -_nb1_loglik(x, X, y), x0, method="Nelder-Mead",
                           options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 200000,
                                    "maxfev": 200000, "adaptive": True})
    bf = optimize.minimize(lambda x: -_nb1_loglik(x, X, y), bf.x, method="Powell",
                           options={"xtol": 1e-10, "ftol": 1e-15, "maxiter": 100000})
    # Our optimum is at least as high, and the brute-force one agrees to 1e-8.
    assert fit.loglik >= -bf.fun - 1e-9
    assert fit.loglik == pytest.approx(-bf.fun, rel=1e-8)
    np.testing.assert_allclose(np.append(fit.beta, fit.aux), bf.x, atol=1e-3)


def test_nb1_variance_is_constant_multiple_of_mean():
    from rglm.engines.mixed.agq_negbin import NegBinLik

    ys = np.arange(0, 400, dtype=float)
    eta, lndelta = 1.3, np.log(0.8)
    lik = NegBinLik(ys, np.ones_like(ys), "constant", lndelta)
    p = np.exp(lik.logf(np.full_like(ys, eta)) - special.gammaln(ys + 1))
    mu = np.exp(eta)
    assert p.sum() == pytest.approx(1.0, abs=1e-12)
    assert (ys * p).sum() == pytest.approx(mu, rel=1e-10)
    assert ((ys - mu) ** 2 * p).sum() == pytest.approx(mu * 1.8, rel=1e-10)


def test_bad_input():
    X = np.ones((4, 1))
    with pytest.raises(RError, match="at least 2 categories"):
        fit_ordinal(X, np.zeros(4), ncat=1)
    with pytest.raises(RError, match="empty categories"):
        fit_ordinal(X, np.array([0, 0, 2, 2.0]))
    with pytest.raises(RError, match="category codes"):
        fit_ordinal(X, np.array([0, 1, 1.5, 2]))
    with pytest.raises(RError, match="link 'cauchit' not available"):
        fit_ordinal(X, np.array([0, 1, 1, 2.0]), "cauchit")
    with pytest.raises(RError, match="negative values not allowed"):
        fit_negbin(X, np.array([0, -1, 2, 3.0]))
    with pytest.raises(RError, match="non-integer counts"):
        fit_negbin(X, np.array([0, 1.5, 2, 3.0]))
    with pytest.raises(RError, match='"mean" or "constant"'):
        fit_negbin(X, np.array([0, 1, 2, 3.0]), "quadratic")
    with pytest.raises(RError, match="weights >= 0"):
        fit_negbin(X, np.array([0, 1, 2, 3.0]), weights=np.array([1, -1, 1, 1.0]))


def test_inputs_not_modified():
    rec = REF["polr"][3]
    X, codes, _ = _ordinal_inputs(rec)
    Xc, cc = X.copy(), codes.copy()
    fit_ordinal(X, codes, "logit")
    np.testing.assert_array_equal(X, Xc)
    np.testing.assert_array_equal(codes, cc)
