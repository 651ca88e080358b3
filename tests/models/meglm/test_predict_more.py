"""predict() of meglm fits (rglm/models/meglm/predict.py): an ordinal fit's outcome
probabilities (Stata's ``predict p*, pr``) and new data with random coefficients.

No R reference: ``ordinal::clmm`` has no predict, lme4 has no ordinal models. The
probabilities are checked against the cumulative-link formula written out here per
category (P(lo) = F(k1 - eta), P(mid) = F(k2 - eta) - F(k1 - eta), P(hi) = 1 - F(k2 -
eta), with the links' CDFs from scipy), at the fit's own cutpoints, coefficients and
empirical Bayes means (``rglm.ranef``); random coefficients on new data against
X beta + sum_c z_c b_c written out. Data simulated with fixed seeds (inputs, not
expected values).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import special

import rglm
from rglm.errors import RError


def _ordinal_data(seed=21, G=20, m=10) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = G * m
    g = np.repeat(np.arange(G), m)
    x = rng.normal(size=n)
    latent = 0.8 * x + rng.normal(size=G)[g] + rng.logistic(size=n)
    y = np.array(["lo", "mid", "hi"])[np.digitize(latent, [-0.5, 1.0])]
    return pd.DataFrame({"y": pd.Categorical(y, categories=["lo", "mid", "hi"],
                                             ordered=True),
                         "x": x, "g": pd.Categorical([f"g{i}" for i in g])})


_FITS: dict = {}


def _fit(key, formula, data, **kw):
    if key not in _FITS:
        _FITS[key] = rglm.meglm(formula, data, **kw)
    return _FITS[key]


CDF = {"logit": special.expit, "probit": special.ndtr,
       "cloglog": lambda x: 1.0 - np.exp(-np.exp(x))}


@pytest.mark.parametrize("link", ["logit", "cloglog"])
def test_ordinal_probabilities_by_hand(link):
    d = _ordinal_data()
    before = d.copy()
    fit = _fit(f"ordinal-{link}", "y ~ x + (1 | g)", d, family="ordinal", link=link)
    assert fit.categories == ("lo", "mid", "hi")
    F = CDF[link]
    k1, k2 = fit.aux.to_numpy()
    fixed = fit.coefficients["x"] * d["x"].to_numpy()
    b = rglm.ranef(fit)["g"].loc[d["g"].astype(str), "(Intercept)"].to_numpy()
    for eta, kw in ((fixed + b, {}), (fixed, {"re_form": np.nan})):
        want = np.column_stack([F(k1 - eta), F(k2 - eta) - F(k1 - eta),
                                1.0 - F(k2 - eta)])
        got = rglm.predict(fit, **kw)
        assert list(got.columns) == ["lo", "mid", "hi"]
        np.testing.assert_allclose(got.to_numpy(), want, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(got.to_numpy().sum(axis=1), 1.0, rtol=1e-14)
        np.testing.assert_array_equal(rglm.predict(fit, type="pr", **kw).to_numpy(),
                                      got.to_numpy())
        new = rglm.predict(fit, newdata=d.iloc[::7], **kw)
        np.testing.assert_allclose(new.to_numpy(), want[::7], rtol=1e-12, atol=1e-15)
    # eta: the linear predictor without cutpoints, on new data too
    np.testing.assert_allclose(rglm.predict(fit, newdata=d.iloc[:5], type="eta").to_numpy(),
                               (fixed + b)[:5], rtol=1e-13)
    pd.testing.assert_frame_equal(d, before)


def test_ordinal_numeric_categories():
    d = _ordinal_data()
    d["y"] = d["y"].cat.codes.map({0: 1, 1: 3, 2: 7}).astype(float)
    fit = _fit("ordinal-numbers", "y ~ x + (1 | g)", d, family="ordinal")
    assert fit.categories == (1, 3, 7)
    assert list(rglm.predict(fit, re_form=np.nan).columns) == [1, 3, 7]


def _slope_data(seed=22, G=15, m=12) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = G * m
    g = np.repeat(np.arange(G), m)
    x, z = rng.normal(size=n), rng.normal(size=n)
    b = rng.normal(size=(G, 3)) * [0.6, 0.4, 0.3]
    eta = 0.3 + 0.5 * x - 0.2 * z + b[g, 0] + b[g, 1] * x + b[g, 2] * z
    return pd.DataFrame({"y": rng.poisson(np.exp(eta)).astype(float), "x": x, "z": z,
                         "g": pd.Categorical([f"g{i}" for i in g])})


@pytest.mark.parametrize("formula, slopes", [
    ("y ~ x + z + (x | g)", ["(Intercept)", "x"]),
    ("y ~ x + z + (x | g) + (0 + z | g)", ["(Intercept)", "x", "z"]),
])
def test_new_data_with_random_slopes(formula, slopes):
    d = _slope_data()
    fit = _fit(formula, formula, d, family="poisson")
    # the estimation rows as new data: the fitted values
    np.testing.assert_allclose(rglm.predict(fit, newdata=d).to_numpy(),
                               rglm.predict(fit).to_numpy(), rtol=1e-12)
    # new rows: other x and z, groups shuffled
    rng = np.random.default_rng(5)
    new = pd.DataFrame({"x": rng.normal(size=9), "z": rng.normal(size=9),
                        "g": rng.choice(d["g"].cat.categories, size=9)},
                       index=np.arange(100, 109))
    before = new.copy()
    re = rglm.ranef(fit)["g"]
    beta = fit.coefficients
    eta = beta["(Intercept)"] + beta["x"] * new["x"] + beta["z"] * new["z"]
    cols = {"(Intercept)": np.ones(9), "x": new["x"].to_numpy(), "z": new["z"].to_numpy()}
    assert sorted(re.columns) == sorted(slopes)
    for c in slopes:
        eta = eta + cols[c] * re.loc[new["g"], c].to_numpy()
    got = rglm.predict(fit, newdata=new, type="eta")
    assert list(got.index) == list(range(100, 109))
    np.testing.assert_allclose(got.to_numpy(), eta.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(rglm.predict(fit, newdata=new).to_numpy(),
                               np.exp(eta.to_numpy()), rtol=1e-12)
    pd.testing.assert_frame_equal(new, before)
    # an unseen group: the fixed part with allow_new_levels, an error otherwise
    odd = new.assign(g=["zz"] + list(new["g"][1:]))
    with pytest.raises(RError, match="new levels detected in newdata: zz"):
        rglm.predict(fit, newdata=odd)
    got = rglm.predict(fit, newdata=odd, type="eta", allow_new_levels=True).to_numpy()
    fixed = rglm.predict(fit, newdata=odd, type="eta", re_form=np.nan).to_numpy()
    assert got[0] == pytest.approx(fixed[0], rel=1e-14)
    np.testing.assert_allclose(got[1:], eta.to_numpy()[1:], rtol=1e-12)


def test_new_data_missing_a_slope_variable():
    d = _slope_data()
    fit = _fit("y ~ x + z + (x | g)", "y ~ x + z + (x | g)", d, family="poisson")
    with pytest.raises(RError, match="not found"):
        rglm.predict(fit, newdata=d[["z", "g"]])
