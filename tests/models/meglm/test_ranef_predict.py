"""ranef() and predict() of meglm fits: empirical Bayes modes against lme4, means
against brute-force integration, predictions from their definition.

References: ``tests/reference/meglm_ranef.json`` (``make_meglm_ranef.R``: lme4's
conditional modes and postVar at given parameters, PIRLS converged to 1e-12). The
posterior means are checked against integrals computed here by a very fine trapezoid
grid (the integrands are smooth with Gaussian tails: on [-10, 10] with 801 points the
trapezoid rule is exact to rounding) and scipy's adaptive ``quad`` for the scalar case.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, special, stats

CBPP = "cbind(incidence, size - incidence) ~ period"


def _cbpp(dataset, prep=None):
    cbpp = dataset("cbpp")
    if prep:
        ns = {"pd": pd, "np": np, "cbpp": cbpp}
        exec(prep, ns)  # noqa: S102 - the reference's own lines
        cbpp = ns["cbpp"]
    return cbpp


def _psi(fit, theta):
    """Stata's parameters of each level from lme4's theta (column-wise lower
    triangles: log of the diagonal elements, the others as they are)."""
    out, off = [], 0
    for lv in fit.lik.levels:
        q = lv.q
        ii, jj = np.tril_indices(q)
        order = np.lexsort((ii, jj))  # column-wise, as lme4's theta
        ii, jj = ii[order], jj[order]
        block = np.asarray(theta[off:off + len(ii)], dtype=float)
        off += len(ii)
        diag = (ii == jj) if lv.kind == "unstructured" else np.ones(len(ii), dtype=bool)
        block = block.copy()
        block[diag] = np.log(block[diag])
        out.append(block)
    return np.concatenate(out)


def _at(fit, beta, theta, **lik):
    x = np.r_[np.asarray(beta, dtype=float), _psi(fit, theta)]
    new = dataclasses.replace(fit.lik, **lik) if lik else fit.lik
    assert np.allclose(new.theta(new.parts(x).psis, None), theta, rtol=1e-14)
    return dataclasses.replace(fit, x=x, lik=new)


_FITS: dict = {}


def _fit(dataset, formula, prep=None, **kw):
    import rglm

    key = (formula, prep, repr(sorted(kw.items())))
    if key not in _FITS:
        _FITS[key] = rglm.meglm(formula, _cbpp(dataset, prep), family="binomial", **kw)
    return _FITS[key]


_METHOD = {"cbpp_agq25": dict(intmethod="mcaghermite", intpoints=25),
           "cbpp_slope": dict(intmethod="laplace"), "cbpp_nested": dict(intmethod="laplace"),
           "cbpp_crossed": {}}  # crossed: Laplace, Stata's rule


@pytest.mark.r_cases("meglm_ranef", "cases")
def test_ebmodes_equal_lme4s_modes(case, dataset):
    """Stata's ebmodes are lme4's conditional modes, their variances lme4's postVar,
    at the same parameters (PIRLS and the engine's Newton both converged to ~1e-10:
    the modes agree to that, relatively 1e-8). lme4's postVar is computed from the
    factor L of its last PIRLS step, whose weights lag that step (a step of ~1e-6 at
    tolPwrss = 1e-12, the change in the pwrss being its square): they agree to 1e-7."""
    import rglm

    fit = _fit(dataset, case["formula"], case["prep"], **_METHOD[case["id"]])
    at = _at(fit, case["beta"], case["theta"])
    re = rglm.ranef(at, type="ebmodes")
    assert re.keys() == [f["group"] for f in case["factors"]]
    for f in case["factors"]:
        frame = re[f["group"]]
        assert list(frame.index) == f["levels"]
        assert list(frame.columns) == f["columns"]
        want = np.asarray(f["modes"]).reshape(len(f["levels"]), len(f["columns"]))
        scale = np.max(np.abs(want))
        np.testing.assert_allclose(frame.to_numpy(), want, rtol=1e-8, atol=1e-10 * scale)
        (cols, cv), = re.cond_var_of(f["group"])
        assert list(cols) == f["columns"]
        p = len(cols)
        np.testing.assert_allclose(cv.ravel(), np.asarray(f["postVar"]), rtol=1e-7)
        assert cv.shape == (len(f["levels"]), p, p)


# ---- posterior means: brute force ------------------------------------------------------


def _binomial_logf(y, n, eta):
    """log f of binomial counts at eta (... , rows), without the data constant."""
    return y * eta - n * np.logaddexp(0.0, eta)


def test_ebmeans_equal_adaptive_quad_one_level(dataset):
    """A scalar random intercept: E[b | y] and sd(b | y) per herd by scipy's quad."""
    import rglm

    fit = _fit(dataset, CBPP + " + (1 | herd)")
    re = rglm.ranef(fit, intpoints=30)
    frame, (_, cv) = re["herd"], re.cond_var_of("herd")[0]
    cbpp = _cbpp(dataset)
    X = fit.lik.problem.X
    eta0 = X @ fit.coefficients.to_numpy()
    sd = float(np.sqrt(fit.varcomp["estimate"].iloc[0]))
    herd = cbpp["herd"].astype(str).to_numpy()
    y = cbpp["incidence"].to_numpy(float)
    n = cbpp["size"].to_numpy(float)
    for g, level in enumerate(frame.index):
        rows = herd == level
        top = max(_binomial_logf(y[rows], n[rows], eta0[rows] + sd * u).sum()
                  - 0.5 * u * u for u in np.linspace(-4, 4, 81))

        def dens(u, k, rows=rows, top=top):
            logf = _binomial_logf(y[rows], n[rows], eta0[rows] + sd * u).sum()
            return u ** k * np.exp(logf - 0.5 * u * u - top)

        m = [integrate.quad(dens, -12, 12, args=(k,), epsabs=0, epsrel=1e-12,
                            limit=200)[0] for k in range(3)]
        mean = m[1] / m[0]
        var = m[2] / m[0] - mean ** 2
        assert frame.iloc[g, 0] == pytest.approx(sd * mean, rel=1e-8, abs=1e-12)
        assert cv[g, 0, 0] == pytest.approx(sd * sd * var, rel=1e-8)


def test_ebmeans_default_rule_is_the_fits(dataset):
    """Without intpoints the fit's own 7-point rule: close to the exact means, and
    for mvaghermite its fixed point (the engine's final centres) is the mean."""
    import rglm

    fit = _fit(dataset, CBPP + " + (1 | herd)")
    coarse = rglm.ranef(fit)["herd"].to_numpy()
    fine = rglm.ranef(fit, intpoints=30)["herd"].to_numpy()
    # the 7-point rule's error in a posterior mean: ~1e-5 of the effects' sd
    np.testing.assert_allclose(coarse, fine, rtol=0, atol=1e-5)
    assert not np.allclose(coarse, fine, rtol=0, atol=1e-9)
    centre = fit.lik.evaluate(fit.x).centre
    sd = float(np.sqrt(fit.varcomp["estimate"].iloc[0]))
    np.testing.assert_allclose(coarse[:, 0], sd * centre[:, 0], rtol=1e-6, atol=1e-9)


def test_ebmeans_nested_equal_fine_grid(dataset, reference):
    """Herds in regions: the herds' means integrate over the region's effect
    (E[u_c | y] = int p(v | y) E[u_c | v, y] dv), both levels against a fine grid."""
    import rglm

    case = next(c for c in reference("meglm_ranef")["cases"] if c["id"] == "cbpp_nested")
    fit = _fit(dataset, case["formula"], case["prep"], intmethod="laplace")
    at = _at(fit, case["beta"], case["theta"], intmethod="mvaghermite", intpoints=20)
    re = rglm.ranef(at)
    cbpp = _cbpp(dataset, case["prep"])
    eta0 = fit.lik.problem.X @ np.asarray(case["beta"])
    s_in, s_out = case["theta"]
    herd = cbpp["herd"].astype(int).to_numpy() - 1
    region = cbpp["region"].astype(int).to_numpy() - 1
    y = cbpp["incidence"].to_numpy(float)
    n = cbpp["size"].to_numpy(float)
    grid = np.linspace(-10, 10, 801)
    H = herd.max() + 1
    # sum of log f over each herd's rows at each (v, u): (herds, v, u)
    per_herd = np.stack([
        _binomial_logf(y[herd == h, None, None], n[herd == h, None, None],
                       eta0[herd == h, None, None] + s_out * grid[None, :, None]
                       + s_in * grid[None, None, :]).sum(axis=0) for h in range(H)])
    per_herd -= 0.5 * grid[None, None, :] ** 2
    top = per_herd.max(axis=2, keepdims=True)
    w = np.exp(per_herd - top)
    L = integrate.trapezoid(w, grid, axis=2)                          # (H, v)
    N1 = integrate.trapezoid(w * grid, grid, axis=2) / L
    N2 = integrate.trapezoid(w * grid ** 2, grid, axis=2) / L
    logL = np.log(L) + top[..., 0]
    herd_region = np.zeros(H, dtype=int)
    herd_region[herd] = region
    R = region.max() + 1
    outer = np.zeros((R, grid.size))
    np.add.at(outer, herd_region, logL)
    outer -= 0.5 * grid[None, :] ** 2
    P = np.exp(outer - outer.max(axis=1, keepdims=True))
    P /= integrate.trapezoid(P, grid, axis=1)[:, None]
    ev = integrate.trapezoid(P * grid, grid, axis=1)
    vv = integrate.trapezoid(P * grid ** 2, grid, axis=1) - ev ** 2
    Ph = P[herd_region]
    eu = integrate.trapezoid(Ph * N1, grid, axis=1)
    vu = integrate.trapezoid(Ph * N2, grid, axis=1) - eu ** 2

    inner = re["herd:region"]
    assert list(inner.index) == [f"{h + 1}:{herd_region[h] + 1}" for h in range(H)]
    np.testing.assert_allclose(inner.iloc[:, 0].to_numpy(), s_in * eu, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(re.cond_var_of("herd:region")[0][1][:, 0, 0], s_in ** 2 * vu,
                               rtol=1e-8)
    np.testing.assert_allclose(re["region"].iloc[:, 0].to_numpy(), s_out * ev, rtol=1e-8)
    np.testing.assert_allclose(re.cond_var_of("region")[0][1][:, 0, 0], s_out ** 2 * vv,
                               rtol=1e-8)


def test_ranef_shape_and_arguments(dataset):
    import rglm
    from rglm.errors import RError

    fit = _fit(dataset, CBPP + " + (1 | herd)")
    re = rglm.ranef(fit, condVar=False)
    assert re.keys() == ["herd"] and list(re["herd"].columns) == ["(Intercept)"]
    assert list(re.as_data_frame().columns) == ["grpvar", "term", "grp", "condval"]
    assert list(rglm.ranef(fit).as_data_frame().columns) == ["grpvar", "term", "grp",
                                                            "condval", "condsd"]
    with pytest.raises(RError, match="should be one of"):
        rglm.ranef(fit, type="ebmedians")
    with pytest.raises(RError, match="intpoints"):
        rglm.ranef(fit, intpoints=0)


# ---- predict ---------------------------------------------------------------------------


def test_predict_by_definition(dataset):
    """eta = X beta (+ Z b with the EB means unless re_form = NA); mu its inverse logit;
    new data give the fitted rows' values."""
    import rglm

    fit = _fit(dataset, CBPP + " + (1 | herd)")
    cbpp = _cbpp(dataset)
    before = cbpp.copy()
    fixed = fit.lik.problem.X @ fit.coefficients.to_numpy()
    means = rglm.ranef(fit)["herd"]
    b = means.loc[cbpp["herd"].astype(str), "(Intercept)"].to_numpy()
    eta = rglm.predict(fit, type="eta")
    np.testing.assert_allclose(eta.to_numpy(), fixed + b, rtol=1e-13)
    np.testing.assert_allclose(rglm.predict(fit).to_numpy(), special.expit(fixed + b),
                               rtol=1e-13)
    np.testing.assert_allclose(rglm.predict(fit, type="eta", re_form=np.nan).to_numpy(),
                               fixed, rtol=1e-13)
    np.testing.assert_allclose(rglm.predict(fit, re_form="NA").to_numpy(),
                               special.expit(fixed), rtol=1e-13)
    new = rglm.predict(fit, newdata=cbpp, type="eta")
    assert new.index.equals(cbpp.index)
    np.testing.assert_allclose(new.to_numpy(), eta.to_numpy(), rtol=1e-13)
    np.testing.assert_allclose(rglm.predict(fit, newdata=cbpp, re_form="~0").to_numpy(),
                               special.expit(fixed), rtol=1e-13)
    pd.testing.assert_frame_equal(cbpp, before)


def test_predict_new_levels(dataset):
    import rglm
    from rglm.errors import RError

    fit = _fit(dataset, CBPP + " + (1 | herd)")
    cbpp = _cbpp(dataset).head(2).copy()
    cbpp["herd"] = ["99", "1"]
    with pytest.raises(RError, match="new levels detected in newdata: 99"):
        rglm.predict(fit, newdata=cbpp)
    got = rglm.predict(fit, newdata=cbpp, type="eta", allow_new_levels=True).to_numpy()
    fixed = rglm.predict(fit, newdata=cbpp, type="eta", re_form=np.nan).to_numpy()
    b1 = rglm.ranef(fit)["herd"].loc["1", "(Intercept)"]
    np.testing.assert_allclose(got, fixed + np.array([0.0, b1]), rtol=1e-13)
    with pytest.raises(RError, match="should be one of"):
        rglm.predict(fit, type="probability")
    with pytest.raises(RError, match="re_form"):
        rglm.predict(fit, re_form="~ (1 | herd)")


def test_gaussian_posterior_means_are_its_modes(dataset):
    """Gaussian responses: the posterior of the effects is normal, so the means (by the
    quadrature rule, both nested levels) are the joint modes and the rule's posterior
    variances the inverse joint curvature's blocks -- two independent computations."""
    import rglm

    fit = rglm.meglm("strength ~ 1 + (1 | batch/cask)", dataset("Pastes"))
    means, modes = rglm.ranef(fit), rglm.ranef(fit, type="ebmodes")
    assert means.keys() == modes.keys() == ["cask:batch", "batch"]
    for k in means.keys():
        scale = np.max(np.abs(modes[k].to_numpy()))
        np.testing.assert_allclose(means[k].to_numpy(), modes[k].to_numpy(), rtol=0,
                                   atol=1e-10 * scale)
        np.testing.assert_allclose(means.cond_var_of(k)[0][1], modes.cond_var_of(k)[0][1],
                                   rtol=1e-10)
