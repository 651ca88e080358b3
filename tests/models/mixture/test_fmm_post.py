"""Stata's fmm postestimation against R (``make_fmm_post.R``): ``estat lcprob`` (prior
and posterior class probabilities), ``estat lcmean``, and ``predict`` of every
statistic, for the fitted rows and as ``newdata``.

R computes the margins' standard errors from numDeriv's Richardson Jacobian of the
margins and the inverse of its numerical Hessian (each ~1e-8 relative; the Hessian's
inverse inherits the conditioning of the information, as the SEs of
tests/models/mixture/test_fmm_reference.py): 1e-5. Margins and predictions are
functions of the estimates, which agree to ~1e-7: 1e-6. patent_lcprob's Hessian is
nearly singular (make_fmm.R): its standard errors are not compared.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import rglm


def _post(ref):
    return ref["post"]


@pytest.mark.r_cases("fmm_post", _post)
def test_lcprob_is_rs(case, fmm_fit, assert_close):
    fit = fmm_fit(case["id"])
    prior = rglm.lcprob(fit)
    assert_close(prior["Margin"], case["lcprob"], 1e-6, "lcprob", noise_ratio=0)
    post = rglm.lcprob(fit, posterior=True)
    assert_close(post["Margin"], case["lcprob_post"], 1e-6, "posterior", noise_ratio=0)
    if case["se_check"]:
        assert_close(prior["Std. err."], case["lcprob_se"], 1e-5, "lcprob se", noise_ratio=0)
        assert_close(post["Std. err."], case["lcprob_post_se"], 1e-5, "posterior se",
                     noise_ratio=0)


@pytest.mark.r_cases("fmm_post", _post)
def test_lcmean_is_rs(case, fmm_fit, assert_close):
    fit = fmm_fit(case["id"])
    means = rglm.lcmean(fit)
    assert list(means.table.index) == list(range(1, fit.k + 1))
    assert_close(means["Margin"], case["lcmean"], 1e-6, "lcmean", noise_ratio=0)
    if case["se_check"]:
        assert_close(means["Std. err."], case["lcmean_se"], 1e-5, "lcmean se",
                     noise_ratio=0)


_STATISTICS = {
    "prior": {"type": "classpr"},
    "posterior": {"type": "classposteriorpr"},
    "mu": {"type": "mu"},
    "eta": {"type": "eta"},
    "marginal_mu": {"type": "mu", "marginal": True},
    "pmarginal_mu": {"type": "mu", "pmarginal": True},
    "marginal_density": {"type": "density", "marginal": True},
}


@pytest.mark.r_cases("fmm_post", _post)
def test_predictions_are_rs(case, fmm_fit, assert_close):
    fit = fmm_fit(case["id"])
    rows = np.array(case["rows"]) - 1
    for key, kwargs in _STATISTICS.items():
        got = rglm.predict(fit, **kwargs)
        assert_close(got.to_numpy()[rows], case[key], 1e-6, key, noise_ratio=0)
    logf = np.log(rglm.predict(fit, type="density").to_numpy()[rows])
    assert_close(logf, case["log_density"], 1e-6, "log density", noise_ratio=0)


@pytest.mark.r_cases("fmm_post", _post)
def test_predictions_for_newdata_are_rs(case, fmm_fit, fmm_case, fmm_args, assert_close):
    """The same rows as new data: designs, lcprob, offset/exposure, trials and the
    outcome evaluated in them again."""
    fit = fmm_fit(case["id"])
    data, _ = fmm_args(fmm_case(case["id"]))
    new = data.iloc[np.array(case["rows"]) - 1]
    for key, kwargs in _STATISTICS.items():
        got = rglm.predict(fit, newdata=new, **kwargs)
        assert list(got.index) == list(new.index)
        assert_close(got.to_numpy(), case[key], 1e-6, key, noise_ratio=0)


def test_predict_class_and_errors(fmm_fit):
    fit = fmm_fit("npreg_poisson")
    mu = rglm.predict(fit)
    one = rglm.predict(fit, class_=2)
    assert isinstance(mu, pd.DataFrame) and isinstance(one, pd.Series)
    np.testing.assert_array_equal(one.to_numpy(), mu[2].to_numpy())
    np.testing.assert_allclose(rglm.fitted(fit), rglm.predict(fit, marginal=True))
    with pytest.raises(rglm.RError, match="'marginal' is only for"):
        rglm.predict(fit, type="eta", marginal=True)
    with pytest.raises(rglm.RError, match="'class_' must be a class 1..2"):
        rglm.predict(fit, class_=3)
    with pytest.raises(rglm.RError, match="'type' should be one of"):
        rglm.predict(fit, type="response")
    new = rglm.datasets.load("NPreg").drop(columns="yp").head()
    with pytest.raises(rglm.RError, match="object 'yp' not found"):
        rglm.predict(fit, newdata=new, type="classposteriorpr")
    # statistics that do not need the outcome do not look for it
    assert rglm.predict(fit, newdata=new, type="classpr").shape == (5, 2)


def test_nooffset_drops_the_exposure(fmm_fit):
    fit = fmm_fit("sim_poisson_exposure")
    eta = rglm.predict(fit, type="eta")
    bare = rglm.predict(fit, type="eta", nooffset=True)
    trials = rglm.datasets.load("fmmsim")["trials"].to_numpy()
    np.testing.assert_allclose((eta - bare).to_numpy(), np.log(trials)[:, None] * [1, 1],
                               rtol=1e-12)


def test_margins_print_statas_tables(fmm_fit):
    fit = fmm_fit("sim_bernoulli")
    text = str(rglm.lcmean(fit))
    assert text.startswith("Latent class marginal means")
    # means of a bernoulli outcome are probabilities: logit intervals, no tests
    assert "P>|z|" in text and rglm.lcmean(fit)["z"].isna().all()
    nose = str(rglm.lcprob(fit, se=False))
    assert "Delta-method" not in nose and "Margin" in nose
