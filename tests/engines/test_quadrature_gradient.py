"""Analytic gradients of the quadrature rule and the fit built on them
(rglm/engines/mixed/agq_gradient.py, agq_gradient_nested.py, agq_fit.py).

No R reference: lme4 has neither the rule for vector random effects nor its gradient.
The checks are against the engine's own definitions, computed apart:

* the frozen rule at freshly adapted nodes is ``marginal_loglik`` (1e-10 relative: the
  same sums in another order);
* its gradient equals central finite differences of the frozen rule (1e-6 relative,
  the brief's; the difference quotient's own error, h^2 f''' / 6 + rounding / h, is
  ~1e-9 at h = 1e-5 on these log likelihoods of a few hundred);
* with meglm's ordinal and nbinomial responses (their cutpoints or log dispersion an
  extra block of parameters) the same two checks, and the fused ordinal logit equals
  the general tails (1e-13);
* the fit on analytic gradients reaches the optimum of the finite-difference fit to 1e-6
  in the log likelihood (the brief's): the two optimisers stop at different points
  within their tolerances, and the analytic one at the stationary point of the rule
  with its nodes frozen there, which differs from the adaptive rule's optimum by the
  rule's error (module doc of agq_gradient), ~1e-8 here.

The data are simulated here with fixed seeds (inputs, not expected values).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

import rglm
from rglm.engines.mixed import mixed_problem
from rglm.engines.mixed.agq_fit import fit_quadrature
from rglm.engines.mixed.agq_gradient import FrozenLevel
from rglm.engines.mixed.agq_gradient_nested import FrozenNesting
from rglm.engines.mixed.agq_response import MeglmFamily
from rglm.engines.mixed.agq_vector import marginal_loglik
from rglm.errors import RError

FAMILIES = {"bernoulli": rglm.binomial, "poisson": rglm.poisson,
            "gaussian": rglm.gaussian}


def problem_of(formula: str, data: pd.DataFrame, family):
    from rglm.formula import model_frame, model_matrix, model_response
    from rglm.formula.bars import findbars, mk_reterms, nobars, sub_frame, subbars

    frame = model_frame(subbars(formula), data)
    rt = mk_reterms(findbars(formula), frame)
    fixed = sub_frame(frame, nobars(formula))
    mm = model_matrix(fixed)
    return mixed_problem(mm.x, model_response(fixed), rt, family, xnames=mm.colnames)


def simulate(seed: int, family: str, ngroups: int = 20, per: int = 15,
             nclass: int = 1) -> pd.DataFrame:
    """A random intercept and x slope per group g (and an intercept per class c)."""
    rng = np.random.default_rng(seed)
    n = ngroups * nclass * per
    g = np.repeat(np.arange(ngroups), nclass * per)
    c = np.repeat(np.arange(ngroups * nclass), per)
    x, z = rng.normal(size=n), rng.normal(size=n)
    b = rng.normal(size=(ngroups, 2)) @ np.array([[0.8, 0.0], [0.3, 0.5]]).T
    eta = 0.2 + 0.5 * x - 0.3 * z + b[g, 0] + b[g, 1] * x \
        + 0.6 * rng.normal(size=ngroups * nclass)[c]
    y = {"bernoulli": lambda: rng.binomial(1, expit(eta)),
         "poisson": lambda: rng.poisson(np.exp(eta)),
         "gaussian": lambda: eta + rng.normal(size=n)}[family]()
    # rows shuffled: the engine's order is not the data's
    perm = rng.permutation(n)
    return pd.DataFrame({"y": y.astype(float)[perm], "x": x[perm], "z": z[perm],
                         "g": pd.Categorical([f"g{i}" for i in g[perm]]),
                         "c": pd.Categorical([f"c{i}" for i in c[perm]])})


# formula, family, a point (theta, beta[, log sigma]) away from the optimum
CASES = {
    "bernoulli_slope": ("y ~ x + z + (x | g)", "bernoulli",
                        [0.7, 0.2, 0.4, 0.1, 0.4, -0.2]),
    "poisson_indep": ("y ~ x + (1 | g) + (0 + x | g)", "poisson", [0.6, 0.45, 0.1, 0.4]),
    "gaussian_slope": ("y ~ x + z + (x | g)", "gaussian",
                       [0.7, 0.2, 0.4, 0.1, 0.4, -0.2, np.log(1.1)]),
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request):
    formula, family, point = CASES[request.param]
    problem = problem_of(formula, simulate(5, family), FAMILIES[family]())
    return problem, np.asarray(point, dtype=float)


def _adapted(problem, x, method, K):
    nt, p = problem.structure.ntheta, problem.p
    sigma = float(np.exp(x[nt + p])) if len(x) > nt + p else None
    return marginal_loglik(problem, x[:nt], x[nt:nt + p], intmethod=method, intpoints=K,
                           sigma=sigma)


@pytest.mark.parametrize("method", ["mvaghermite", "mcaghermite", "ghermite"])
def test_frozen_rule_at_adapted_nodes_is_the_log_likelihood(case, method):
    problem, x = case
    lik = _adapted(problem, x, method, 5)
    value, _ = FrozenLevel(problem, 5).value_grad(x, lik.centre, lik.scale)
    assert abs(value - lik.loglik) <= 1e-10 * abs(lik.loglik)


@pytest.mark.parametrize("method", ["mvaghermite", "mcaghermite"])
def test_warm_adaptation_is_marginal_loglik(case, method):
    """FrozenLevel.adapt, started from the nodes of a nearby point, reaches
    marginal_loglik's value (1e-10: the adaptations' tolerances)."""
    problem, x = case
    near = _adapted(problem, x * 1.01, method, 5)
    value, _, _ = FrozenLevel(problem, 5).adapt(x, method, near.centre, near.scale)
    ref = _adapted(problem, x, method, 5).loglik
    assert abs(value - ref) <= 1e-10 * abs(ref)


@pytest.mark.parametrize("method", ["mvaghermite", "mcaghermite", "ghermite"])
def test_gradient_equals_finite_differences(case, method):
    problem, x = case
    lik = _adapted(problem, x, method, 5)
    frozen = FrozenLevel(problem, 5)
    _, grad = frozen.value_grad(x, lik.centre, lik.scale)
    h = 1e-5
    fd = np.array([(frozen.value_grad(x + h * e, lik.centre, lik.scale)[0]
                    - frozen.value_grad(x - h * e, lik.centre, lik.scale)[0]) / (2 * h)
                   for e in np.eye(len(x))])
    assert np.all(np.abs(grad) > 1e-3)  # away from the optimum: a real check
    assert np.all(np.abs(grad - fd) <= 1e-6 * np.abs(fd))


def test_gradient_does_not_modify_its_inputs(case):
    problem, x = case
    lik = _adapted(problem, x, "mvaghermite", 3)
    a, S, x0 = lik.centre.copy(), lik.scale.copy(), x.copy()
    FrozenLevel(problem, 3).value_grad(x, lik.centre, lik.scale)
    assert np.array_equal(a, lik.centre) and np.array_equal(S, lik.scale)
    assert np.array_equal(x0, x)


@pytest.mark.parametrize("method", ["mvaghermite", "mcaghermite"])
def test_analytic_fit_reaches_the_numeric_optimum(case, method):
    problem, _ = case
    fast = fit_quadrature(problem, intmethod=method, intpoints=5)
    slow = fit_quadrature(problem, intmethod=method, intpoints=5, gradient="numeric")
    assert fast.gradient == "analytic" and slow.gradient == "numeric"
    assert fast.converged and slow.converged
    assert fast.refreshes > 1
    assert abs(fast.loglik - slow.loglik) <= 1e-6
    # the parameters agree to the optimisers' tolerances
    np.testing.assert_allclose(fast.beta, slow.beta, rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(np.abs(fast.theta), np.abs(slow.theta), rtol=1e-3,
                               atol=1e-4)
    # the reported log likelihood is the adaptive one at the reported parameters
    x = np.concatenate([fast.theta, fast.beta]
                       + ([[np.log(fast.sigma)]] if fast.sigma is not None else []))
    # the same sums in another order on other numpy versions: equal to the last bits
    assert _adapted(problem, x, method, 5).loglik == pytest.approx(fast.loglik, rel=1e-13)


def test_ghermite_fit_is_exact_in_one_pass(case):
    """Non-adaptive nodes never move: the first optimisation is the optimum."""
    problem, _ = case
    fit = fit_quadrature(problem, intmethod="ghermite", intpoints=7)
    slow = fit_quadrature(problem, intmethod="ghermite", intpoints=7, gradient="numeric")
    assert fit.converged and fit.refreshes == 1
    assert fit.loglik >= slow.loglik - 1e-6


def test_numeric_where_the_analytic_gradient_does_not_apply():
    data = simulate(6, "bernoulli", ngroups=8, per=6, nclass=3)
    single = problem_of("y ~ x + (1 | g)", data, rglm.binomial())
    assert fit_quadrature(single, intmethod="laplace").gradient == "numeric"
    assert fit_quadrature(single, intmethod="mvaghermite", intpoints=1).gradient \
        == "numeric"
    with pytest.raises(RError, match="analytic gradients need one grouping factor or "
                                     "two nested ones"):
        fit_quadrature(single, intmethod="laplace", gradient="analytic")
    with pytest.raises(RError, match="gradient must be one of"):
        fit_quadrature(single, gradient="exact")


def test_crossed_factors_are_refused_first():
    data = simulate(6, "bernoulli", ngroups=8, per=6, nclass=3)
    data["h"] = pd.Categorical(np.arange(len(data)) % 5)
    crossed = problem_of("y ~ x + (1 | g) + (1 | h)", data, rglm.binomial())
    with pytest.raises(RError, match="are crossed, not nested"):
        fit_quadrature(crossed, intmethod="mvaghermite", intpoints=3)


def test_intpoints_guard_before_the_frozen_rule():
    data = simulate(7, "bernoulli", ngroups=6, per=5)
    problem = problem_of("y ~ x + (x + z | g)", data, rglm.binomial())
    with pytest.raises(RError, match="intpoints = 50 is too large for 3 random effects"):
        fit_quadrature(problem, intmethod="mvaghermite", intpoints=50)


def test_analytic_fit_on_the_boundary():
    """No slope variance in the data: the optimum has theta on its bound (a singular
    fit); the analytic optimiser stops there too."""
    rng = np.random.default_rng(3)
    g = rng.integers(0, 30, 600)
    x = rng.normal(size=600)
    eta = 0.2 + 0.5 * x + 0.7 * rng.normal(size=30)[g]
    data = pd.DataFrame({"y": rng.binomial(1, expit(eta)).astype(float), "x": x,
                         "g": pd.Categorical(g)})
    problem = problem_of("y ~ x + (x | g)", data, rglm.binomial())
    fast = fit_quadrature(problem, intmethod="mvaghermite", intpoints=5)
    slow = fit_quadrature(problem, intmethod="mvaghermite", intpoints=5,
                          gradient="numeric")
    assert fast.converged and fast.theta[2] < 1e-6 and slow.theta[2] < 1e-6
    assert abs(fast.loglik - slow.loglik) <= 1e-6


# ---- two nested levels -----------------------------------------------------------------

NESTED = {
    "bernoulli_intercepts": ("y ~ x + (1 | g/c)", "bernoulli", [0.6, 0.5, 0.1, 0.4]),
    "poisson_outer_slope": ("y ~ x + (x | g) + (1 | c)", "poisson",
                            [0.5, 0.6, 0.2, 0.3, 0.1, 0.4]),
    "gaussian_intercepts": ("y ~ x + (1 | g/c)", "gaussian",
                            [0.6, 0.5, 0.1, 0.4, np.log(1.2)]),
}


@pytest.fixture(scope="module", params=sorted(NESTED))
def nested(request):
    formula, family, point = NESTED[request.param]
    data = simulate(6, family, ngroups=8, per=6, nclass=3)
    return problem_of(formula, data, FAMILIES[family]()), np.asarray(point, dtype=float)


@pytest.mark.parametrize("method", ["mvaghermite", "mcaghermite", "ghermite"])
def test_nested_frozen_rule_and_gradient(nested, method):
    """The frozen recursive rule at freshly adapted nodes is marginal_loglik's value
    (its inner rules adapted from u = 0 here, from the profile's modes there: equal to
    the modes' tolerance), and its gradient is central differences' (1e-6)."""
    problem, x = nested
    lik = _adapted(problem, x, method, 4)
    frozen = FrozenNesting(problem, 4)
    nodes = frozen.nodes_of(lik, x, method)
    value, grad = frozen.value_grad(x, *nodes)
    assert abs(value - lik.loglik) <= 1e-10 * abs(lik.loglik)
    # its own adaptive value (fused log density, rows in its order) is marginal_loglik's
    assert abs(frozen.adapted_value(x, method) - lik.loglik) <= 1e-12 * abs(lik.loglik)
    h = 1e-5
    fd = np.array([(frozen.value_grad(x + h * e, *nodes)[0]
                    - frozen.value_grad(x - h * e, *nodes)[0]) / (2 * h)
                   for e in np.eye(len(x))])
    assert np.all(np.abs(grad) > 1e-3)
    assert np.all(np.abs(grad - fd) <= 1e-6 * np.abs(fd))


@pytest.mark.parametrize("method", ["mvaghermite", "mcaghermite"])
def test_nested_analytic_fit_reaches_the_numeric_optimum(method):
    """(1 | g/c), Bernoulli: the analytic fit's log likelihood is the numeric fit's to
    1e-6 or higher (the finite-difference optimiser can stop short on the
    mean-variance rule, whose value carries the moment iterations' tolerance)."""
    data = simulate(8, "bernoulli", ngroups=8, per=6, nclass=3)
    problem = problem_of("y ~ x + (1 | g/c)", data, rglm.binomial())
    fast = fit_quadrature(problem, intmethod=method, intpoints=3)
    slow = fit_quadrature(problem, intmethod=method, intpoints=3, gradient="numeric")
    assert fast.gradient == "analytic" and fast.converged
    assert fast.loglik >= slow.loglik - 1e-6
    x = np.concatenate([fast.theta, fast.beta])
    # the same sums in another order on other numpy versions: equal to the last bits
    assert _adapted(problem, x, method, 3).loglik == pytest.approx(fast.loglik, rel=1e-13)


# ---- meglm's families with parameters of their own (aux) -------------------------------

def aux_problem(formula: str, data: pd.DataFrame, family):
    """A problem of meglm's ordinal (no intercept: the cutpoints take its place) or
    nbinomial response (agq_response.meglm_problem)."""
    from rglm.engines.mixed.agq_response import meglm_problem
    from rglm.formula import model_frame, model_matrix, model_response
    from rglm.formula.bars import findbars, mk_reterms, nobars, sub_frame, subbars

    frame = model_frame(subbars(formula), data)
    rt = mk_reterms(findbars(formula), frame)
    fixed = sub_frame(frame, nobars(formula))
    mm = model_matrix(fixed)
    keep = [i for i, nm in enumerate(mm.colnames)
            if not (family.family == "ordinal" and nm == "(Intercept)")]
    return meglm_problem(mm.x[:, keep], model_response(fixed), rt, family,
                         xnames=[mm.colnames[i] for i in keep])


def aux_data(seed: int, family: str, **kw) -> pd.DataFrame:
    """simulate()'s design with an ordinal (4 categories) or negative binomial y."""
    data = simulate(seed, "gaussian", **kw)
    rng = np.random.default_rng(seed + 100)
    eta = data["y"].to_numpy() - 0.2
    if family == "ordinal":
        y = np.digitize(eta + rng.logistic(size=len(eta)), [-1.0, 0.3, 1.5])
    else:
        y = rng.poisson(rng.gamma(2.0, np.exp(0.5 * eta) / 2.0))
    return data.assign(y=y.astype(float))


# formula, family, nested, a point (theta, beta, aux) away from the optimum
AUX = {
    "ordinal_logit": ("y ~ x + z + (x | g)", MeglmFamily("ordinal", "logit"), False,
                      [0.7, 0.2, 0.4, 0.4, -0.2, -0.9, 0.1, 1.2]),
    "ordinal_probit": ("y ~ x + z + (1 | g)", MeglmFamily("ordinal", "probit"), False,
                       [0.7, 0.3, -0.2, -0.6, 0.1, 0.8]),
    "ordinal_nested": ("y ~ x + (1 | g/c)", MeglmFamily("ordinal", "logit"), True,
                       [0.6, 0.5, 0.4, -0.9, 0.1, 1.2]),
    "nb_mean": ("y ~ x + z + (x | g)", MeglmFamily("nbinomial", "log", "mean"), False,
                [0.5, 0.1, 0.3, 0.5, 0.3, -0.2, -0.5]),
    "nb_constant_nested": ("y ~ x + (1 | g/c)",
                           MeglmFamily("nbinomial", "log", "constant"), True,
                           [0.4, 0.3, 0.5, 0.3, 0.2]),
}


@pytest.fixture(scope="module", params=sorted(AUX))
def aux_case(request):
    formula, family, is_nested, point = AUX[request.param]
    kw = {"ngroups": 8, "per": 6, "nclass": 3} if is_nested else {}
    problem = aux_problem(formula, aux_data(7, family.family, **kw), family)
    rule = (FrozenNesting if is_nested else FrozenLevel)(problem, 4)
    return problem, rule, np.asarray(point, dtype=float)


def _aux_adapted(problem, x, method, K):
    nt, p = problem.structure.ntheta, problem.p
    return marginal_loglik(problem, x[:nt], x[nt:nt + p], intmethod=method, intpoints=K,
                           aux=x[nt + p:])


@pytest.mark.parametrize("method", ["mvaghermite", "mcaghermite", "ghermite"])
def test_aux_frozen_rule_and_gradient(aux_case, method):
    """Ordinal cutpoints and the nbinomial log dispersion: the frozen rule at freshly
    adapted nodes is marginal_loglik's value (1e-10), and its gradient -- the aux block
    included -- is central differences' (1e-6 relative, as above)."""
    problem, rule, x = aux_case
    assert rule.naux == len(x) - problem.structure.ntheta - problem.p
    lik = _aux_adapted(problem, x, method, 4)
    nodes = rule.nodes_of(lik, x, method)
    value, grad = rule.value_grad(x, *nodes)
    assert abs(value - lik.loglik) <= 1e-10 * abs(lik.loglik)
    adapted = rule.adapted_value(x, method, *nodes)
    assert abs(adapted - lik.loglik) <= 1e-10 * abs(lik.loglik)
    h = 1e-5
    fd = np.array([(rule.value_grad(x + h * e, *nodes)[0]
                    - rule.value_grad(x - h * e, *nodes)[0]) / (2 * h)
                   for e in np.eye(len(x))])
    assert np.all(np.abs(grad) > 1e-3)
    assert np.all(np.abs(grad - fd) <= 1e-6 * np.abs(fd))


def test_ordinal_logit_closed_form_is_the_general_path():
    """The fused ordinal logit (agq_gradient._OrdinalLogit) against OrdinalLik's general
    tails, including linear predictors far out: log f to 1e-13 relative, the score,
    curvature and cutpoint scores to 1e-12 (absolute: they are differences of
    probabilities, whose rounding is absolute)."""
    from rglm.engines.mixed.agq_gradient import _fast
    from rglm.engines.mixed.agq_ordinal import OrdinalLik

    rng = np.random.default_rng(3)
    n = 60
    y = np.r_[0.0, 1.0, 2.0, 3.0, rng.integers(0, 4, n - 4)]
    w = rng.uniform(0.5, 2.0, n)
    general = OrdinalLik(y, w, "logit", [-1.0, 0.2, 1.5])
    fused = _fast(general)
    assert type(fused).__name__ == "_OrdinalLogit"
    eta = rng.normal(scale=3.0, size=(5, n))
    eta[0, :8] = [40.0, -40.0, 300.0, -300.0, 0.0, 25.0, -25.0, 1e-9]
    a, b = general.logf(eta), fused.logf(eta)
    assert np.all(np.abs(a - b) <= 1e-13 * np.abs(a) + 1e-300)
    for got, want in zip(fused.score_weight(eta), general.score_weight(eta)):
        assert np.max(np.abs(got - want)) <= 1e-12
    assert np.max(np.abs(fused.aux_scores(eta) - general.aux_scores(eta))) <= 1e-12
    # the per-row scores sum to the summed ones
    assert np.allclose(general.aux_scores(eta[1]).sum(axis=0), general.cut_score(eta[1]),
                       rtol=1e-13, atol=0)


@pytest.mark.parametrize("dispersion", ["mean", "constant"])
def test_nbinomial_aux_scores_sum_to_lndisp_score(dispersion):
    from rglm.engines.mixed.agq_negbin import NegBinLik

    rng = np.random.default_rng(4)
    y = rng.poisson(3.0, size=40).astype(float)
    nb = NegBinLik(y, rng.uniform(0.5, 2.0, 40), dispersion, -0.3)
    eta = rng.normal(scale=0.5, size=40) + 1.0
    rows = nb.aux_scores(eta)
    assert rows.shape == (40, 1)
    assert abs(rows.sum() - nb.lndisp_score(eta)) <= 1e-12 * abs(nb.lndisp_score(eta))
    # d log f_i / d lndisp by central differences, row by row: the quotient's error at
    # h = 1e-5 is ~1e-10 (h^2 f''' / 6) plus ~1e-9 of rounding (log f up to ~10)
    h = 1e-5
    up = NegBinLik(y, nb.w, dispersion, -0.3 + h).logf(eta)
    down = NegBinLik(y, nb.w, dispersion, -0.3 - h).logf(eta)
    assert np.allclose(rows[:, 0], (up - down) / (2 * h), rtol=1e-6, atol=1e-8)


def test_fit_quadrature_keeps_r_families_only():
    """fit_quadrature has no aux block: an ordinal problem is refused by the analytic
    path's family check (its finite-difference path has no aux either)."""
    problem = aux_problem("y ~ x + (1 | g)", aux_data(9, "ordinal"),
                          MeglmFamily("ordinal", "logit"))
    with pytest.raises(RError, match="analytic gradients need"):
        fit_quadrature(problem, gradient="analytic")
