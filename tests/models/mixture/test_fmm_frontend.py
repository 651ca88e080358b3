"""``rglm.fmm()``'s arguments: the ways to say the same model give R's fit.

Each test writes a reference model of ``tests/reference/fmm.json`` another way --
``cbind()`` trials, a factor response, rglm family objects, constraints for
``lcinvariant``, ``offset()`` / ``offset=`` for ``exposure=``, rows with missing values
added -- and checks R's optimum (tolerances of test_fmm_reference.py), or checks two
spellings against each other where R has no separate reference.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import rglm


def _same_fit(a, b, rtol=1e-6):
    assert a.loglik == pytest.approx(b.loglik, abs=1e-7)
    np.testing.assert_allclose(a.theta.to_numpy(), b.theta.to_numpy(), rtol=rtol, atol=1e-8)


def _is_case(fit, case):
    assert fit.loglik == pytest.approx(case["loglik"], abs=1e-6)
    np.testing.assert_allclose(fit.theta.to_numpy(), case["theta"], rtol=1e-5, atol=1e-7)


def test_cbind_response_gives_the_trials(fmm_case, fmm_args):
    case = fmm_case("sim_binomial")
    data, kwargs = fmm_args(case)
    kwargs.update(formula="cbind(y_binom, trials - y_binom) ~ x", family="binomial")
    fit = rglm.fmm(data=data, **kwargs)
    _is_case(fit, case)
    assert fit.depvar == "y_binom"


def test_rglm_family_objects(fmm_case, fmm_args):
    for case_id, family in (("sim_binomial_probit", rglm.binomial(link="probit")),
                            ("sim_gamma", rglm.Gamma(link="log")),
                            ("npreg_poisson", rglm.poisson()),
                            ("npreg_gaussian", rglm.gaussian),
                            ("nmes_nb2", rglm.negative_binomial(1.0))):
        case = fmm_case(case_id)
        data, kwargs = fmm_args(case)
        if case_id == "sim_binomial_probit":
            kwargs.pop("link")
            kwargs["formula"] = "cbind(y_binom, trials - y_binom) ~ x"
        kwargs["family"] = family
        _is_case(rglm.fmm(data=data, **kwargs), case)


def test_factor_response_is_not_the_first_level(fmm_case, fmm_args):
    case = fmm_case("sim_bernoulli")
    data, kwargs = fmm_args(case)
    data["y_bern"] = pd.Categorical(np.where(data["y_bern"] == 1, "yes", "no"))
    _is_case(rglm.fmm(data=data, **kwargs), case)


def test_lcinvariant_as_constraints(fmm_case, fmm_args):
    """lcinvariant(cons) written as a constraint, as text and as a mapping."""
    case = fmm_case("npreg_poisson_cons")
    data, kwargs = fmm_args(case)
    kwargs.pop("lcinvariant")
    text = rglm.fmm(data=data, constraints="[yp:1.Class#(Intercept)] = [yp:2.Class#(Intercept)]",
                    **kwargs)
    _is_case(text, case)
    assert text.user_constraints == ("[yp:1.Class#(Intercept)] - [yp:2.Class#(Intercept)] = 0",)
    mapping = rglm.fmm(data=data, constraints={"yp:1.Class#(Intercept)": 1,
                                               "yp:2.Class#(Intercept)": -1}, **kwargs)
    _is_case(mapping, case)
    assert " ( 1)  [yp:1.Class#(Intercept)] - [yp:2.Class#(Intercept)] = 0" in str(text)


def test_a_fixed_coefficient_is_an_offset(fmm_args, fmm_case):
    """A coefficient fixed to 1 by a constraint in every class is the same model as
    that variable in the offset (and is printed as constrained)."""
    case = fmm_case("npreg_poisson")
    data, kwargs = fmm_args(case)
    kwargs["startvalues"] = "factor"
    fixed = rglm.fmm(data=data, constraints=["0.1 * [yp:1.Class#x] = 0.1",
                                             "[yp:2.Class#x] = 1"], **kwargs)
    offset = rglm.fmm(data=data, **{**kwargs, "formula": "yp ~ 1"}, offset="x")
    assert fixed.loglik == pytest.approx(offset.loglik, abs=1e-7)
    np.testing.assert_allclose(rglm.coef(fixed).loc["(Intercept)"],
                               rglm.coef(offset).loc["(Intercept)"], rtol=1e-6)
    assert "(constrained)" in str(fixed)


def test_exposure_offset_argument_and_offset_term_agree(fmm_case, fmm_args, fmm_fit):
    case = fmm_case("sim_poisson_exposure")
    data, kwargs = fmm_args(case)
    kwargs.pop("exposure")
    by_arg = rglm.fmm(data=data, offset="log(trials)", **kwargs)
    by_term = rglm.fmm(data=data, **{**kwargs, "formula": "y_pois ~ x + offset(log(trials))"})
    _is_case(by_arg, case)
    _is_case(by_term, case)
    np.testing.assert_allclose(rglm.predict(by_term, type="eta"),
                               rglm.predict(fmm_fit("sim_poisson_exposure"), type="eta"),
                               rtol=1e-6)


def test_rows_with_missing_values_are_left_out(fmm_case, fmm_args):
    case = fmm_case("sim_lognormal_lcprob")
    data, kwargs = fmm_args(case)
    n = len(data)
    extra = data.iloc[:3].copy()
    extra.index = [n + 10, n + 11, n + 12]
    extra.loc[n + 10, "x"] = np.nan
    extra.loc[n + 11, "z"] = np.nan          # in lcprob only
    extra.loc[n + 12, "y_lognormal"] = np.nan
    padded = pd.concat([data, extra])
    kwargs["startvalues"] = ("classid", np.concatenate([kwargs["startvalues"][1], [1, 1, 1]]))
    fit = rglm.fmm(data=padded, **kwargs)
    _is_case(fit, case)
    assert fit.n_dropped == 3
    assert list(fit.posterior.index) == list(data.index)


def test_noconstant(fmm_args, fmm_case):
    """``- 1`` is Stata's noconstant: the same as intercepts constrained to 0."""
    data, kwargs = fmm_args(fmm_case("npreg_poisson"))
    kwargs["startvalues"] = "factor"
    none = rglm.fmm(data=data, **{**kwargs, "formula": "yp ~ x - 1"})
    zero = rglm.fmm(data=data, constraints=["[yp:1.Class#(Intercept)] = 0",
                                            "[yp:2.Class#(Intercept)] = 0"], **kwargs)
    assert list(rglm.coef(none).index) == ["x"]
    assert none.loglik == pytest.approx(zero.loglik, abs=1e-7)
    np.testing.assert_allclose(rglm.coef(none).loc["x"], rglm.coef(zero).loc["x"], rtol=1e-6)


def test_fweights_are_replicated_rows(fmm_args, fmm_case):
    case = fmm_case("sim_poisson_lcprob_fw")
    data, kwargs = fmm_args(case)
    long = data.loc[data.index.repeat(data["fw"])]
    weighted = rglm.fmm(data=data, **kwargs)
    kwargs.pop("weights"), kwargs.pop("weight_type")
    kwargs["startvalues"] = ("classid", np.repeat(kwargs["startvalues"][1], data["fw"]))
    replicated = rglm.fmm(data=long, **kwargs)
    _same_fit(weighted, replicated)
    assert rglm.nobs(weighted) == rglm.nobs(replicated) == len(long)


def test_lcbase_and_lclabel(fmm_fit, fmm_args, fmm_case):
    data, kwargs = fmm_args(fmm_case("patent_lcprob"))
    fit = rglm.fmm(data=data, lcbase=2, lclabel="Type", **kwargs)
    ref = fmm_fit("patent_lcprob")
    assert fit.loglik == pytest.approx(ref.loglik, abs=1e-7)
    assert list(fit.lcprob_coefficients.columns) == [1, 3]
    assert fit.labels[0] == "1.Type:(Intercept)"
    g = ref.lcprob_coefficients
    # re-expressed against class 2: g_1 - g_2 = -g_2 and g_3 - g_2
    np.testing.assert_allclose(fit.lcprob_coefficients[1], -g[2], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(fit.lcprob_coefficients[3], g[3] - g[2], rtol=1e-5, atol=1e-7)
    assert "2.Type       |  (base outcome)" in str(fit)


def test_random_starts_find_rs_optimum_and_are_recorded(fmm_case):
    case = fmm_case("npreg_poisson")
    data = rglm.datasets.load("NPreg")
    fit = rglm.fmm("yp ~ x", data, 2, family="poisson",
                   startvalues={"method": "randomid", "draws": 5}, seed=3)
    _is_case(fit, case)
    starts = fit.starts
    assert len(starts) == 5 and (starts["status"] == "ok").all()
    # Stata: the best start after the EM goes on to the maximisation
    assert starts["loglik"].notna().sum() == 1
    assert starts["loglik"].max() == pytest.approx(fit.loglik, abs=1e-9)
    again = rglm.fmm("yp ~ x", data, 2, family="poisson",
                     startvalues={"method": "randomid", "draws": 5}, seed=3)
    np.testing.assert_array_equal(again.theta, fit.theta)


def test_other_start_methods(fmm_case):
    case = fmm_case("npreg_gaussian")
    data = rglm.datasets.load("NPreg")
    classes = np.array(case["classid"])
    data["p1"] = (classes == 1) * 0.8 + 0.1
    data["p2"] = 1.0 - data["p1"]
    data["c"] = classes
    for start in (("classpr", ["p1", "p2"]), ("classid", "c"),
                  {"method": "jitter", "jitter": (1.0, 1.0), "draws": 5},
                  ("from", rglm.fmm("yn ~ x", data, 2).theta)):
        _is_case(rglm.fmm("yn ~ x", data, 2, startvalues=start, seed=1), case)


def test_progress_lines(capsys):
    data = rglm.datasets.load("NPreg")
    rglm.fmm("yp ~ x", data, 2, family="poisson", startvalues=("randomid", 3), seed=1,
             progress=True)
    out = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in out[:3]] == ["start 1", "start 2", "start 3"]
    assert "(EM) log likelihood" in out[0] and "Newton iterations" in out[-1]


def test_non_convergence_is_a_warning_with_the_gradient_norm(fmm_fit, r_warnings):
    from dataclasses import replace

    from rglm.models.mixture.frontend import _warn_about

    record = replace(fmm_fit("npreg_poisson").record, converged=False, gradient_norm=0.25)
    with r_warnings() as texts:
        _warn_about(record)
    assert texts == ["convergence not achieved: the gradient norm is 0.25 (the "
                     "tolerance is 1e-06)"]


def test_the_callers_data_is_not_modified():
    data = rglm.datasets.load("fmmsim")
    data.loc[3, "x"] = np.nan
    before = data.copy(deep=True)
    fit = rglm.fmm("y_pois ~ x", data, 2, family="poisson", lcprob="~ z", weights="fw",
                   exposure="trials", startvalues=("classid", "cls"))
    rglm.predict(fit, newdata=data, type="classposteriorpr")
    pd.testing.assert_frame_equal(data, before)
    assert data.index.equals(before.index)
