"""Bad input to ``rglm.fmm()``: an RError saying what is wrong (R's wording where R has
one), never a traceback from deep inside numpy or pandas."""

from __future__ import annotations

import numpy as np
import pytest

import rglm


@pytest.fixture(scope="module")
def sim():
    return rglm.datasets.load("fmmsim")


def _error(match, *args, **kwargs):
    with pytest.raises(rglm.RError, match=match):
        rglm.fmm(*args, **kwargs)


@pytest.mark.parametrize("k", [0, -1, 1.5, True, "2"])
def test_k_must_be_a_positive_integer(sim, k):
    _error("'k' must be a positive integer", "y_pois ~ x", sim, k, family="poisson")


def test_k_is_required(sim):
    _error('argument "k" is missing, with no default', "y_pois ~ x", sim, family="poisson")


def test_k_larger_than_the_data_allow(sim):
    small = sim.head(20)
    _error("30 classes need 89 parameters, more than the 20 observations allow",
           "y_pois ~ x", small, 30, family="poisson")


@pytest.mark.parametrize("family,link,match", [
    ("poisson", "identity", "link \"identity\" not available for poisson family; "
                            "available links are 'log'"),
    ("gamma", "inverse", "link \"inverse\" not available for gamma family"),
    ("bernoulli", "log", "link \"log\" not available for bernoulli family; available "
                         "links are 'logit', 'probit', 'cloglog'"),
    ("student", None, "'family' should be one of"),
    (("nbinomial", "quadratic"), None, "'dispersion' should be one of \"mean\", \"constant\""),
    (("poisson", 2), None, "the poisson family takes no option"),
])
def test_family_and_link(sim, family, link, match):
    _error(match, "y_pois ~ x", sim, 2, family=family, link=link)


def test_r_families_fmm_does_not_have(sim):
    _error("link \"inverse\" not available for gamma family", "y_gamma ~ x", sim, 2,
           family=rglm.Gamma())
    _error("the 'quasipoisson' family is not one of fmm's families", "y_pois ~ x", sim, 2,
           family=rglm.quasipoisson())


@pytest.mark.parametrize("family,column,value,match", [
    ("poisson", "y_pois", -1.0, "negative values not allowed for the 'poisson' family"),
    (("nbinomial", "mean"), "y_pois", -2.0, "negative values not allowed for the "
                                           "'nbinomial' family"),
    ("beta", "y_beta", 1.0, r"y values must be 0 < y < 1 for the beta family"),
    ("gamma", "y_gamma", 0.0, "non-positive values not allowed for the 'gamma' family"),
    ("lognormal", "y_lognormal", -1.0, "non-positive values not allowed"),
    ("weibull", "y_weibull", 0.0, "non-positive values not allowed"),
    ("bernoulli", "y_bern", 2.0, "y values must be 0 or 1 for the bernoulli family"),
])
def test_responses_outside_the_support(sim, family, column, value, match):
    data = sim.copy()
    data.loc[7, column] = value
    _error(match, f"{column} ~ x", data, 2, family=family)


def test_binomial_trials(sim):
    _error("y values must be 0 <= y <= trials", "y_binom ~ x", sim, 2,
           family=("binomial", 1))
    _error("the trials are given twice", "cbind(y_binom, trials - y_binom) ~ x", sim, 2,
           family=("binomial", "trials"))
    _error("a matrix response", "cbind(y_binom, trials - y_binom) ~ x", sim, 2,
           family="poisson")
    _error("binomial trials must be positive integers", "y_binom ~ x", sim, 2,
           family=("binomial", 2.5))


def test_formulas(sim):
    _error("'formula' must have both left and right hand sides", "~ x", sim, 2)
    _error("'lcprob' must be a one-sided formula", "y_pois ~ x", sim, 2, family="poisson",
           lcprob="y_pois ~ z")
    _error("object 'nothere' not found", "y_pois ~ nothere", sim, 2, family="poisson")
    data = sim.copy()
    data["f"] = "a"
    data["yf"] = data["f"].astype("category")
    _error("a factor response is only allowed for the bernoulli and binomial families",
           "yf ~ x", data, 2, family="poisson")
    data["x"] = np.nan
    _error(r"0 \(non-NA\) cases", "y_pois ~ x", data, 2, family="poisson")


@pytest.mark.parametrize("kwargs,match", [
    ({"vce": "cluster"}, r"vce\(cluster\) needs a cluster variable"),
    ({"vce": "bootstrap"}, "'vce' should be one of"),
    ({"vce": ("cluster", "nothere")}, "object 'nothere' not found"),
    ({"lcinvariant": "slopes"}, "'lcinvariant' should be one of"),
    ({"lcbase": 3}, r"'lcbase' must be a class 1\.\.2"),
    ({"lclabel": "my class"}, "'lclabel' must be a name"),
    ({"weights": "z"}, "negative weights not allowed"),
    ({"weights": "fw", "weight_type": "aweight"}, "'weight_type' should be one of"),
    ({"weights": "x"}, "may not use noninteger frequency weights"),
    ({"offset": "x", "exposure": "trials"}, "only one of 'offset' and 'exposure'"),
    ({"exposure": "x - 1"}, "'exposure' must be positive"),
    ({"constraints": "[y_pois:1.Class#w] = 0"}, "constraint refers to unknown parameter "
                                               "'y_pois:1.Class#w'; the parameters are"),
    ({"constraints": "[y_pois:1.Class#x] 0"}, "needs one '='"),
    ({"constraints": "y_pois:1.Class#x = 0"}, "cannot read the constraint"),
    ({"constraints": ["[y_pois:1.Class#x] = 0", "[y_pois:1.Class#x] = 1"]},
     "the constraints are inconsistent"),
    ({"startvalues": "classid"}, "startvalues 'classid' needs the classes"),
    ({"startvalues": "kmeans"}, "'startvalues' should be one of"),
    ({"startvalues": ("classid", "cl")}, "'classid' must give each observation a class"),
    ({"startvalues": {"method": "randomid", "draws": 0}}, "'draws' must be a positive"),
    ({"emopts": {"iterations": 5}}, "unknown 'emopts' entry 'iterations'"),
    ({"seed": 1.5}, "'seed' must be an integer"),
])
def test_options(sim, kwargs, match):
    _error(match, "y_pois ~ x", sim, 2, family="poisson", **kwargs)
