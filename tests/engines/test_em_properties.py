"""Properties of the mixture engine that need no reference numbers: constraints checked
by refitting reparameterised models, weights as replicated rows, invariance to row
order and class labels, reproducibility with a seed, non-convergence as data, and bad
input. The fits compare with each other, never with typed numbers."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pytest

from rglm.engines.em import (Constraint, EmControl, MlControl, StartValues, evaluate,
                             fit_mixture, mixture_problem, mixture_vcov, permute_classes)
from rglm.errors import RError
from rglm.families.densities import fmm_family

# A fit and its refit are the same maximisation of the same function from different
# parameterisations: both stop at a gradient norm below 1e-9 (the Newton polish), so
# estimates agree to ~1e-8.
TOL = dict(rtol=1e-6, atol=1e-8)


@functools.cache
def npreg():
    from rglm.datasets import load

    return load("NPreg")


def npreg_problem(y="yp", family="poisson", **kw):
    d = npreg()
    x = np.column_stack([np.ones(len(d)), d["x"].to_numpy()])
    return mixture_problem(d[y].to_numpy(), x, fmm_family(family), xnames=["(Intercept)", "x"],
                           **kw)


def _start(seed=1, draws=3):
    return StartValues("randomid", draws=draws, seed=seed)


@functools.cache
def poisson_fit():
    return fit_mixture(npreg_problem(), 2, start=_start(), polish=3)


def test_same_seed_same_fit_other_seed_other_starts():
    a = fit_mixture(npreg_problem(), 2, start=_start(seed=5))
    b = fit_mixture(npreg_problem(), 2, start=_start(seed=5))
    c = fit_mixture(npreg_problem(), 2, start=_start(seed=6))
    np.testing.assert_array_equal(a.theta, b.theta)
    assert [s.em_loglik for s in a.starts] == [s.em_loglik for s in b.starts]
    assert [s.em_loglik for s in a.starts] != [s.em_loglik for s in c.starts]
    for method in ("randompr", "jitter"):
        one = fit_mixture(npreg_problem(), 2, start=StartValues(method, draws=2, seed=3))
        two = fit_mixture(npreg_problem(), 2, start=StartValues(method, draws=2, seed=3))
        np.testing.assert_array_equal(one.theta, two.theta)
        assert len(one.starts) == 2


def test_all_starts_are_recorded():
    fit = fit_mixture(npreg_problem(), 2, start=_start(draws=4), polish=2)
    assert [s.draw for s in fit.starts] == [1, 2, 3, 4]
    assert all(np.isfinite(s.em_loglik) for s in fit.starts)
    polished = [s for s in fit.starts if np.isfinite(s.loglik)]
    assert len(polished) == 2
    assert max(s.loglik for s in polished) == pytest.approx(fit.loglik, abs=1e-9)


def test_lcinvariant_is_the_equality_constraint():
    """lcinvariant(coef) == the linear constraint [1.x] - [2.x] = 0, and lcinvariant
    (cons) == [1._cons] - [2._cons] = 0: the same optimum, the same standard errors."""
    for pclass, term in (("coef", "x"), ("cons", "(Intercept)")):
        tied = fit_mixture(npreg_problem(lcinvariant=pclass), 2, start=_start(), polish=3)
        con = Constraint(((f"class:1:{term}", 1.0), (f"class:2:{term}", -1.0)), 0.0)
        user = fit_mixture(npreg_problem(constraints=[con]), 2, start=_start(), polish=3)
        assert tied.loglik == pytest.approx(user.loglik, abs=1e-8)
        np.testing.assert_allclose(tied.theta, user.theta, **TOL)
        np.testing.assert_allclose(tied.se, user.se, rtol=1e-6)
        i, j = tied.names.index(f"class:1:{term}"), tied.names.index(f"class:2:{term}")
        assert tied.theta[i] == tied.theta[j] and tied.se[i] == tied.se[j]
        assert tied.rank == 4


def test_errvar_ties_the_gaussian_variances():
    tied = fit_mixture(npreg_problem("yn", "gaussian", lcinvariant="errvar"), 2,
                       start=_start(), polish=3)
    con = {"class:1:lnvar": 1.0, "class:2:lnvar": -1.0}
    user = fit_mixture(npreg_problem("yn", "gaussian", constraints=[con]), 2,
                       start=_start(), polish=3)
    assert tied.loglik == pytest.approx(user.loglik, abs=1e-8)
    np.testing.assert_allclose(tied.theta, user.theta, **TOL)
    assert tied.ancillary[0] == tied.ancillary[1]


def test_a_fixed_slope_is_an_offset():
    """Constraining both classes' slope to the same value is the model without the
    slope and that value times x as offset."""
    d = npreg()
    value = 0.05
    fixed = fit_mixture(npreg_problem(constraints=[({"class:1:x": 1.0}, value),
                                                   ({"class:2:x": 1.0}, value)]),
                        2, start=_start(), polish=3)
    offset = mixture_problem(d["yp"].to_numpy(), np.ones((len(d), 1)), fmm_family("poisson"),
                             xnames=["(Intercept)"], offset=value * d["x"].to_numpy())
    refit = fit_mixture(offset, 2, start=_start(), polish=3)
    assert fixed.loglik == pytest.approx(refit.loglik, abs=1e-8)
    keep = [fixed.names.index(n) for n in ("lcprob:2:(Intercept)", "class:1:(Intercept)",
                                           "class:2:(Intercept)")]
    np.testing.assert_allclose(fixed.theta[keep], refit.theta, **TOL)
    np.testing.assert_allclose(fixed.se[keep], refit.se, rtol=1e-6)
    slopes = [fixed.names.index("class:1:x"), fixed.names.index("class:2:x")]
    np.testing.assert_allclose(fixed.theta[slopes], value, rtol=1e-12)
    assert (fixed.se[slopes] == 0).all()


def test_constraints_naming_one_class_keep_the_fitted_labels():
    """Fixing class 2's slope only: relabelling would move the constraint to class 1,
    so the classes stay as fitted (and the fit says so)."""
    fit = fit_mixture(npreg_problem(constraints=[({"class:2:x": 1.0}, 0.0)]), 2,
                      start=_start(), polish=3)
    assert fit.theta[fit.names.index("class:2:x")] == 0.0
    assert fit.order == (0, 1)
    assert fit.rank == 4
    if not fit.problem.weights @ fit.eta[:, 0] < fit.problem.weights @ fit.eta[:, 1]:
        assert any("fitted order" in note for note in fit.notes)


def test_frequency_weights_are_replicated_rows():
    from rglm.datasets import load

    d = load("fmmsim")
    x = np.column_stack([np.ones(len(d)), d["x"].to_numpy()])
    fw = d["fw"].to_numpy()
    rows = np.repeat(np.arange(len(d)), fw)
    weighted = mixture_problem(d["y_pois"].to_numpy(), x, fmm_family("poisson"),
                               weights=fw, cluster=d["cl"].astype(str).to_numpy())
    replicated = mixture_problem(d["y_pois"].to_numpy()[rows], x[rows], fmm_family("poisson"),
                                 cluster=d["cl"].astype(str).to_numpy()[rows])
    start = StartValues("factor")
    a = fit_mixture(weighted, 2, start=start)
    b = fit_mixture(replicated, 2, start=start)
    assert a.loglik == pytest.approx(b.loglik, rel=1e-12)
    np.testing.assert_allclose(a.theta, b.theta, **TOL)
    assert a.nobs == b.nobs == fw.sum()
    for vce in ("oim", "opg", "robust", "cluster"):
        np.testing.assert_allclose(np.diag(mixture_vcov(a, vce)), np.diag(mixture_vcov(b, vce)),
                                   rtol=1e-6, err_msg=vce)


def test_row_order_does_not_matter():
    base = poisson_fit()
    d = npreg()
    perm = np.random.default_rng(3).permutation(len(d))
    x = np.column_stack([np.ones(len(d)), d["x"].to_numpy()])[perm]
    problem = mixture_problem(d["yp"].to_numpy()[perm], x, fmm_family("poisson"),
                              xnames=["(Intercept)", "x"])
    classes = base.posterior.argmax(axis=1)[perm] + 1
    fit = fit_mixture(problem, 2, start=StartValues("classid", classid=classes))
    assert fit.loglik == pytest.approx(base.loglik, abs=1e-9)
    np.testing.assert_allclose(fit.theta, base.theta, **TOL)
    np.testing.assert_allclose(fit.posterior, base.posterior[perm], rtol=1e-6, atol=1e-9)


def test_class_labels_do_not_matter():
    """The log likelihood is invariant to relabelling; the canonical order is the
    fitted one relabelled (ascending mean linear predictor), whatever the start."""
    base = poisson_fit()
    layout = base.layout
    swapped = permute_classes(layout, base.theta, [1, 0])
    assert evaluate(base.problem, layout, swapped).loglik == pytest.approx(base.loglik,
                                                                           rel=1e-14)
    location = base.problem.weights @ base.eta
    assert location[0] < location[1]
    raw = fit_mixture(npreg_problem(), 2, start=StartValues(
        "classid", classid=2 - base.posterior.argmax(axis=1)), order="as_fitted")
    assert raw.order == (0, 1)
    np.testing.assert_allclose(raw.theta, swapped, **TOL)
    canonical = fit_mixture(npreg_problem(), 2, start=StartValues(
        "classid", classid=2 - base.posterior.argmax(axis=1)))
    assert canonical.order == (1, 0)
    np.testing.assert_allclose(canonical.theta, base.theta, **TOL)


def test_lcbase_reexpresses_the_class_model():
    base = poisson_fit()
    other = fit_mixture(npreg_problem(), 2, start=_start(), polish=3, lcbase=2)
    assert other.names[0] == "lcprob:1:(Intercept)"
    assert other.loglik == pytest.approx(base.loglik, abs=1e-9)
    assert other.theta[0] == pytest.approx(-base.theta[0], rel=1e-7)
    np.testing.assert_allclose(other.theta[1:], base.theta[1:], **TOL)
    np.testing.assert_allclose(other.class_prob, base.class_prob, rtol=1e-8)
    np.testing.assert_allclose(other.class_prob_se, base.class_prob_se, rtol=1e-6)


def test_irls_mstep_reaches_the_same_maximum():
    """The M-step by rglm's IRLS (flexmix's) and the default Newton M-step lead to the
    same maximum."""
    base = poisson_fit()
    fit = fit_mixture(npreg_problem(), 2, start=_start(), polish=3, em=EmControl(mstep="irls"))
    assert fit.loglik == pytest.approx(base.loglik, abs=1e-9)
    np.testing.assert_allclose(fit.theta, base.theta, **TOL)


def test_non_convergence_is_data_not_an_exception(r_warnings):
    with r_warnings(every=True) as texts:
        fit = fit_mixture(npreg_problem(), 2, start=StartValues("factor"),
                          em=EmControl(iterate=1), ml=MlControl(iterate=1))
    assert texts == []
    assert not fit.converged
    assert fit.gradient_norm > 1e-6 and fit.iterations == 1


def test_an_empty_class_is_reseeded():
    n = len(npreg())
    pr = np.column_stack([np.ones(n), np.full(n, 1e-12)])
    fit = fit_mixture(npreg_problem(), 2, start=StartValues("classpr", classpr=pr))
    assert any("reseeded" in note for note in fit.notes)
    assert (fit.class_prob > 0.1).all()
    assert fit.converged


def test_pweights_imply_robust():
    d = npreg()
    problem = npreg_problem(weights=np.ones(len(d)) * 2, weight_type="pweight")
    fit = fit_mixture(problem, 2, start=_start(), polish=3)
    assert fit.vce == "robust" and fit.nobs == len(d)
    np.testing.assert_allclose(fit.vcov, mixture_vcov(fit, "robust"), rtol=1e-12)
    with pytest.raises(RError, match="not allowed with pweights"):
        mixture_vcov(fit, "opg")


def test_records_are_frozen_and_the_callers_data_untouched():
    d = npreg()
    y = d["yp"].to_numpy().copy()
    x = np.column_stack([np.ones(len(d)), d["x"].to_numpy()])
    y0, x0 = y.copy(), x.copy()
    problem = mixture_problem(y, x, fmm_family("poisson"))
    fit = fit_mixture(problem, 2, start=StartValues("factor"))
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(x, x0)
    assert not np.shares_memory(problem.x, x)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fit.loglik = 0.0
    for arr in (fit.theta, fit.vcov, fit.posterior, problem.x, problem.weights):
        with pytest.raises(ValueError):
            arr[0] = 1.0


@pytest.mark.parametrize("call,pattern", [
    (lambda p: fit_mixture(p, 0), "'k' must be a positive integer"),
    (lambda p: fit_mixture(p, 2.0), "'k' must be a positive integer"),
    (lambda p: fit_mixture(p, 70), "more than the 200 observations allow"),
    (lambda p: fit_mixture(p, 2, vce="jackknife"), "'vce' should be one of"),
    (lambda p: fit_mixture(p, 2, vce="cluster"), "needs a cluster variable"),
    (lambda p: fit_mixture(p, 2, order="sorted"), "'order' should be one of"),
    (lambda p: fit_mixture(p, 2, lcbase=3), "'lcbase' must be a class 1..2"),
    (lambda p: fit_mixture(p, 2, polish=0), "'polish' must be a positive integer"),
    (lambda p: fit_mixture(p, 2, start=StartValues("kmeans")), "'startvalues' should be one of"),
    (lambda p: fit_mixture(p, 2, start=StartValues("randomid", draws=0)), "'draws' must be"),
    (lambda p: fit_mixture(p, 2, start=StartValues("classid", classid=np.ones(200))),
     "must use every class"),
    (lambda p: fit_mixture(p, 2, start=StartValues("classid", classid=np.ones(3))),
     "must give each observation a class"),
    (lambda p: fit_mixture(p, 2, start=StartValues("classpr", classpr=-np.ones((200, 2)))),
     "nonnegative 200 x 2 matrix"),
    (lambda p: fit_mixture(p, 2, start=StartValues("from", theta=np.zeros(3))),
     "'from' must give 5 finite values"),
    (lambda p: fit_mixture(p, 2, em=EmControl(mstep="sgd")), "'mstep' should be one of"),
])
def test_bad_arguments(call, pattern):
    with pytest.raises(RError, match=pattern):
        call(npreg_problem())


def test_bad_problems():
    d = npreg()
    x = np.column_stack([np.ones(len(d)), d["x"].to_numpy()])
    y = d["yp"].to_numpy()
    pois = fmm_family("poisson")
    cases = [
        (dict(weights=np.full(len(d), 1.5)), "noninteger frequency weights"),
        (dict(weights=-np.ones(len(d))), "negative weights"),
        (dict(weights=np.zeros(len(d))), "no observations with positive weight"),
        (dict(weight_type="aweight"), "'weight_type' should be one of"),
        (dict(lcinvariant="slopes"), "'lcinvariant' should be one of"),
        (dict(offset=np.ones(3)), "number of offset is 3 should equal 200"),
        (dict(z=np.ones((3, 1))), "'z' must have one row per observation"),
        (dict(cluster=np.ones(3)), "'cluster' has 3 values"),
    ]
    for kwargs, pattern in cases:
        with pytest.raises(RError, match=pattern):
            mixture_problem(y, x, pois, **kwargs)
    with pytest.raises(RError, match="NA/NaN/Inf in 'x'"):
        mixture_problem(y, np.column_stack([x[:, 0], np.full(len(d), np.nan)]), pois)
    with pytest.raises(RError, match="negative values not allowed"):
        mixture_problem(-y, x, pois)
    with pytest.raises(RError, match="unknown parameter 'class:3:x'"):
        fit_mixture(mixture_problem(y, x, pois, xnames=["(Intercept)", "x"],
                                    constraints=[{"class:3:x": 1.0}]), 2)
    with pytest.raises(RError, match="inconsistent"):
        fit_mixture(mixture_problem(y, x, pois, xnames=["(Intercept)", "x"],
                                    constraints=[({"class:1:x": 1.0}, 1.0),
                                                 ({"class:1:x": 1.0}, 2.0)]), 2)


def test_a_class_collapsing_onto_a_point_is_stopped_and_said():
    """A gaussian class shrinking onto one observation sends the likelihood to +inf: the
    variance stops at its limit (15 log units below the sample's), the log likelihood
    stays finite, and the fit says the maximum is degenerate."""
    rng = np.random.default_rng(4)
    y = rng.normal(size=40)
    x = np.ones((40, 1))
    problem = mixture_problem(y, x, fmm_family("gaussian"), xnames=["(Intercept)"])
    limit = -problem.ancillary_limit  # lnvar >= -limit
    theta = np.array([-3.0, 0.0, 0.0, y[0], limit + 0.5])
    fit = fit_mixture(problem, 2, start=StartValues("from", theta=theta), order="as_fitted")
    assert np.isfinite(fit.loglik)
    assert fit.ancillary.min() >= limit
    assert any("collapses onto a few observations" in note for note in fit.notes)


def test_separation_is_said():
    x = np.linspace(0.0, 1.0, 60)
    y = (x > 0.5).astype(float)
    problem = mixture_problem(y, np.column_stack([np.ones(60), x]), fmm_family("bernoulli"))
    fit = fit_mixture(problem, 2, start=StartValues("randomid", draws=2, seed=1))
    assert any("fitted probabilities numerically 0 or 1" in note for note in fit.notes)
