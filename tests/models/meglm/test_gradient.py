"""meglm's analytic gradient in Stata's parameters, and the fits built on it
(rglm/models/meglm/gradient.py, fit.py).

No R reference: R has neither Stata's parametrisation nor the frozen rule. The checks
are against the package's own definitions, computed apart:

* the Cholesky factor's Jacobian equals central differences of
  :meth:`LevelCov.chol` (1e-7 relative: the quotient's error h^2 L''' / 6 ~ 1e-12 at
  h = 1e-6, rounding ~1e-10);
* the x-gradient equals central differences of the frozen-node value in x (1e-6
  relative per component, the brief's; at h = 1e-5 the quotient's own error, h^2 f'''/6
  plus rounding ~1e-13 |f| / h, is ~1e-8 on log likelihoods of a few hundred), at
  points away from the optimum (every component above 1e-3, so the check can fail);
  there the frozen rule at freshly adapted nodes is meglm's log likelihood (1e-10);
* the fit by the analytic path reaches the finite-difference path's optimum from the
  same start: log L to 1e-7 absolute, the parameters to 1e-4 (both optimisers stop
  within their tolerances of the same maximum; L-BFGS-B on finite differences has
  gtol 1e-7 in scaled coordinates).

MeglmLik is built by hand here, as the front end does (merged_problem, level_cov,
meglm_problem for ordinal and nbinomial responses). The data are simulated with fixed
seeds (inputs, not expected values).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

import rglm
from rglm.engines.mixed import mixed_problem
from rglm.engines.mixed.agq_gradient import aux_count
from rglm.engines.mixed.agq_response import MeglmFamily, meglm_problem
from rglm.errors import RError
from rglm.models.meglm.covariance import COVARIANCES, level_cov
from rglm.models.meglm.fit import maximise, numerical_hessian
from rglm.models.meglm.gradient import (FrozenMeglm, analytic_applies, chol_jacobian,
                                        engine_params)
from rglm.models.meglm.likelihood import MeglmLik, merged_problem


def simulate(seed: int, ngroups: int = 16, per: int = 10, nclass: int = 1):
    """x, z, a group g (and class c within g) with a random intercept and x slope per
    group, a class intercept, and the linear predictor ``eta``."""
    rng = np.random.default_rng(seed)
    n = ngroups * nclass * per
    g = np.repeat(np.arange(ngroups), nclass * per)
    c = np.repeat(np.arange(ngroups * nclass), per)
    x, z = rng.normal(size=n), rng.normal(size=n)
    b = rng.normal(size=(ngroups, 2)) @ np.array([[0.8, 0.0], [0.3, 0.5]]).T
    eta = 0.5 * x - 0.3 * z + b[g, 0] + b[g, 1] * x + 0.5 * rng.normal(size=c.max() + 1)[c]
    return pd.DataFrame({"x": x, "z": z, "g": pd.Categorical(g), "c": pd.Categorical(c),
                         "eta": eta}), rng


def _frames(formula: str, data: pd.DataFrame):
    from rglm.formula import model_frame, model_matrix, model_response
    from rglm.formula.bars import findbars, mk_reterms, nobars, sub_frame, subbars

    frame = model_frame(subbars(formula), data)
    rt = mk_reterms(findbars(formula), frame)
    fixed = sub_frame(frame, nobars(formula))
    mm = model_matrix(fixed)
    return mm, model_response(fixed), rt


def meglm_lik(formula: str, data: pd.DataFrame, family, covariance=None,
              intmethod: str = "mvaghermite", K: int = 5) -> MeglmLik:
    """The front end's MeglmLik: one term per grouping factor, each level's structure."""
    mm, y, rt = _frames(formula, data)
    if isinstance(family, MeglmFamily):
        X, names = mm.x, list(mm.colnames)
        if family.family == "ordinal":      # the cutpoints take the intercept's place
            keep = [i for i, nm in enumerate(names) if nm != "(Intercept)"]
            X, names = X[:, keep], [names[i] for i in keep]
        base = meglm_problem(X, y, rt, family, xnames=names)
    else:
        base = mixed_problem(mm.x, y, rt, family, xnames=mm.colnames)
    problem, blocks = merged_problem(base)
    levels = tuple(level_cov(t.group, t.cnms, blocks[t.group], covariance)
                   for t in problem.reterms.terms)
    return MeglmLik(problem=problem, levels=levels, intmethod=intmethod, intpoints=K,
                    crossed=False, naux=aux_count(problem))


def _bernoulli():
    d, rng = simulate(1)
    d["y"] = rng.binomial(1, expit(d["eta"])).astype(float)
    return d


def _gaussian():
    d, rng = simulate(2)
    d["y"] = d["eta"] + 0.7 * rng.normal(size=len(d))
    return d


def _poisson_nested():
    d, rng = simulate(3, ngroups=8, per=6, nclass=3)
    d["y"] = rng.poisson(np.exp(0.3 + 0.5 * d["eta"])).astype(float)
    return d


def _ordinal(nclass: int = 1):
    d, rng = simulate(4, ngroups=12 if nclass == 1 else 8, per=10 if nclass == 1 else 6,
                      nclass=nclass)
    latent = d["eta"] + rng.logistic(size=len(d))
    d["y"] = np.digitize(latent, [-1.0, 0.3, 1.5]).astype(float)
    return d


def _negbin():
    d, rng = simulate(5)
    mu = np.exp(0.5 + 0.6 * d["eta"])
    d["y"] = rng.poisson(rng.gamma(2.0, mu / 2.0)).astype(float)
    return d


def _gamma():
    d, rng = simulate(6)
    mu = np.exp(0.4 + 0.6 * d["eta"])
    d["y"] = rng.gamma(2.5, mu / 2.5)       # shape 2.5: s = 0.4, /logs = -0.92
    return d


ORDINAL = MeglmFamily("ordinal", "logit")
GAMMA = MeglmFamily("gamma", "log")


def _gamma_nested():
    d, rng = simulate(7, ngroups=8, per=6, nclass=3)
    d["y"] = rng.gamma(2.5, np.exp(0.3 + d["eta"]) / 2.5)
    return d

#: id -> (formula, data, family, covariance, x's aux and log sigma tail)
CASES = {
    "independent": ("y ~ x + z + (x | g)", _bernoulli, rglm.binomial(), "independent",
                    []),
    "exchangeable": ("y ~ x + z + (x | g)", _bernoulli, rglm.binomial(), "exchangeable",
                     []),
    "exchangeable3": ("y ~ x + (x + z | g)", _bernoulli, rglm.binomial(), "exchangeable",
                      []),
    "identity": ("y ~ x + z + (x | g)", _bernoulli, rglm.binomial(), "identity", []),
    "unstructured": ("y ~ x + z + (x | g)", _bernoulli, rglm.binomial(), "unstructured",
                     []),
    "blocked": ("y ~ x + z + (x | g) + (0 + z | g)", _bernoulli, rglm.binomial(), None,
                []),
    "gaussian": ("y ~ x + z + (x | g)", _gaussian, rglm.gaussian(), None, [np.log(0.9)]),
    "nested": ("y ~ x + (1 | g/c)", _poisson_nested, rglm.poisson(), None, []),
    "nested_slope": ("y ~ x + (x | g) + (1 | c)", _poisson_nested, rglm.poisson(),
                     None, []),
    "ordinal": ("y ~ x + z + (x | g)", _ordinal, ORDINAL, None, [-0.8, 0.2, 1.1]),
    "ordinal_nested": ("y ~ x + z + (1 | g/c)", lambda: _ordinal(3),
                       MeglmFamily("ordinal", "probit"), None, [-0.8, 0.2, 1.1]),
    "nbinomial_mean": ("y ~ x + z + (1 | g)", _negbin,
                       MeglmFamily("nbinomial", "log", "mean"), None, [-0.4]),
    "nbinomial_constant": ("y ~ x + z + (x | g)", _negbin,
                           MeglmFamily("nbinomial", "log", "constant"), None, [0.3]),
    "gamma": ("y ~ x + z + (x | g)", _gamma, GAMMA, None, [-0.5]),
    "gamma_nested": ("y ~ x + (1 | g/c)", lambda: _gamma_nested(), GAMMA, None, [-0.5]),
}


def _point(lik: MeglmLik, tail) -> np.ndarray:
    """A point away from the optimum: beta 0.2, -0.3, ..., each psi its start + 0.3."""
    p = lik.problem.p
    beta = 0.2 * np.resize([1.0, -1.5, 2.0], p)
    psis = [lv.start() + 0.3 for lv in lik.levels]
    return np.concatenate([beta] + psis + [np.asarray(tail, dtype=float)])


_LIKS: dict = {}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request):
    if request.param not in _LIKS:
        formula, data, family, cov, tail = CASES[request.param]
        lik = meglm_lik(formula, data(), family, cov)
        _LIKS[request.param] = (lik, _point(lik, tail))
    return _LIKS[request.param]


def test_case_layout(case):
    """The cases are what they claim: x in the layout of MeglmLik.parts."""
    lik, x = case
    assert len(x) == lik.npar
    assert analytic_applies(lik)


@pytest.mark.parametrize("kind,q", [(k, q) for k in COVARIANCES for q in (1, 2, 3)
                                    if q > 1 or k in ("independent", "identity")])
def test_chol_jacobian_equals_finite_differences(kind, q, assert_close):
    lv = level_cov("g", tuple(f"v{j}" for j in range(q)), [q], kind)
    psi = lv.start() + np.linspace(0.2, -0.4, lv.nparam)
    D = chol_jacobian(lv, psi)
    h = 1e-6
    fd = np.stack([(lv.chol(psi + h * e) - lv.chol(psi - h * e)) / (2 * h)
                   for e in np.eye(lv.nparam)], axis=-1)
    assert np.max(np.abs(D)) > 0.1
    assert_close(D.ravel(), fd.ravel(), 1e-7, f"dL/dpsi ({kind}, q={q})", atol=1e-9)


def test_frozen_value_at_adapted_nodes_is_the_log_likelihood(case):
    lik, x = case
    frozen = FrozenMeglm(lik, np.ones(len(x)))
    value, _ = frozen.value_grad(x, *frozen.nodes_of(lik.evaluate(x), x))
    ref = lik.loglik(x)
    assert abs(value - ref) <= 1e-10 * abs(ref)


def test_x_gradient_equals_finite_differences(case, assert_close):
    lik, x = case
    frozen = FrozenMeglm(lik, np.ones(len(x)))
    nodes = frozen.nodes_of(lik.evaluate(x), x)
    _, grad = frozen.value_grad(x, *nodes)
    h = 1e-5
    fd = np.array([(frozen.value_grad(x + h * e, *nodes)[0]
                    - frozen.value_grad(x - h * e, *nodes)[0]) / (2 * h)
                   for e in np.eye(len(x))])
    assert np.all(np.abs(grad) > 1e-3)    # away from the optimum: a real check
    assert_close(grad, fd, 1e-6, "x-gradient", noise_ratio=0)


def test_optimiser_scale_divides_the_gradient(case, assert_close):
    """On the optimiser's coordinates y = x * scale the gradient is grad_x / scale."""
    lik, x = case
    scale = np.linspace(0.5, 2.0, len(x))
    one, scaled = FrozenMeglm(lik, np.ones(len(x))), FrozenMeglm(lik, scale)
    nodes = one.nodes_of(lik.evaluate(x), x)
    v1, g1 = one.value_grad(x, *nodes)
    v2, g2 = scaled.value_grad(x * scale, *nodes)
    assert abs(v1 - v2) <= 1e-12 * abs(v1)
    assert_close(g2, g1 / scale, 1e-12, "scaled gradient")


def test_engine_params_do_not_depend_on_sigma():
    """The gaussian theta is L itself (MeglmLik.theta divides by sigma, evaluate
    multiplies back): log sigma moves only the engine's log sigma."""
    lik = meglm_lik("y ~ x + z + (x | g)", _gaussian(), rglm.gaussian())
    x = _point(lik, [np.log(0.9)])
    y = x.copy()
    y[-1] += 0.5
    a, b = engine_params(lik, x), engine_params(lik, y)
    assert np.array_equal(a[:-1], b[:-1]) and b[-1] == a[-1] + 0.5


def test_infeasible_cutpoints_raise_for_the_optimiser():
    """Cutpoints out of order: RError (maximise_frozen counts the point infeasible)."""
    lik = meglm_lik("y ~ x + z + (x | g)", _ordinal(), ORDINAL)
    x = _point(lik, [0.5, 0.2, 1.1])
    frozen = FrozenMeglm(lik, np.ones(len(x)))
    ok = _point(lik, [-0.8, 0.2, 1.1])
    nodes = frozen.nodes_of(lik.evaluate(ok), ok)
    with pytest.raises(RError, match="increasing"):
        frozen.value_grad(x, *nodes)


#: id -> (formula, data, family, covariance, intmethod, K, tail): fits compared
FITS = {
    "bernoulli_unstructured": ("y ~ x + z + (x | g)", _bernoulli, rglm.binomial(), None,
                               "mvaghermite", 5, []),
    "bernoulli_exchangeable": ("y ~ x + z + (x | g)", _bernoulli, rglm.binomial(),
                               "exchangeable", "mcaghermite", 5, []),
    "gaussian_ghermite": ("y ~ x + z + (1 | g)", _gaussian, rglm.gaussian(), None,
                          "ghermite", 9, [np.log(0.9)]),
    "nested_poisson": ("y ~ x + (1 | g/c)", _poisson_nested, rglm.poisson(), None,
                       "mvaghermite", 5, []),
    "ordinal": ("y ~ x + z + (1 | g)", _ordinal, ORDINAL, None, "mvaghermite", 7,
                [-0.8, 0.2, 1.1]),
    "nbinomial": ("y ~ x + z + (1 | g)", _negbin, MeglmFamily("nbinomial", "log", "mean"),
                  None, "mvaghermite", 7, [-0.4]),
    "gamma": ("y ~ x + z + (1 | g)", _gamma, GAMMA, None, "mvaghermite", 7, [-0.5]),
    "gamma_nested": ("y ~ x + (1 | g/c)", lambda: _gamma_nested(), GAMMA, None,
                     "mvaghermite", 5, [-0.5]),
}


_FITTED: dict = {}


def _fitted(fit_id: str) -> tuple:
    """(lik, analytic optimum, numeric optimum) of a FITS case, from the same start."""
    if fit_id not in _FITTED:
        formula, data, family, cov, method, K, tail = FITS[fit_id]
        lik = meglm_lik(formula, data(), family, cov, method, K)
        start = _point(lik, tail)
        sd = lik.problem.X.std(axis=0)
        scale = np.ones(lik.npar)
        scale[:lik.problem.p] = np.where(sd > 0, sd, 1.0)
        _FITTED[fit_id] = (lik, maximise(lik, start, scale),
                           maximise(lik, start, scale, gradient="numeric"))
    return _FITTED[fit_id]


@pytest.mark.parametrize("fit_id", sorted(FITS))
def test_analytic_fit_reaches_the_numeric_optimum(fit_id, assert_close):
    lik, a, n = _fitted(fit_id)
    assert (a.gradient, n.gradient) == ("analytic", "numeric")
    assert a.converged
    assert a.loglik == lik.loglik(a.x)
    assert abs(a.loglik - n.loglik) <= 1e-7
    assert_close(a.x, n.x, 1e-4, "x", atol=1e-4)


@pytest.mark.parametrize("fit_id, tol", [("ordinal", 1e-5), ("nbinomial", 1e-5),
                                         ("gamma", 1e-5),
                                         ("bernoulli_exchangeable", 1e-5),
                                         ("nested_poisson", 2e-3)])
def test_analytic_path_hessian(fit_id, tol, assert_close):
    """The analytic path's Hessian against second differences of MeglmLik.loglik (the
    numeric path's) at the same point, compared through the standard errors. One level:
    the same second differences of values re-adapted from nearby nodes (observed
    < 2e-6). Two nested levels: differences of the analytic gradient at re-adapted
    nodes, which miss terms of the order of the rule's error (observed 3.4e-4 here, with
    classes of 6 Poisson counts at 5 points; fit.py's module doc)."""
    lik, a, _ = _fitted(fit_id)
    ref = numerical_hessian(lik.loglik, a.x)
    se = lambda H: np.sqrt(np.diag(np.linalg.inv(-H)))  # noqa: E731
    assert_close(se(a.hessian), se(ref), tol, "standard errors", noise_ratio=0)


def test_laplace_and_weights_take_the_numeric_path():
    lik = meglm_lik("y ~ x + z + (1 | g)", _bernoulli(), rglm.binomial(),
                    intmethod="laplace", K=1)
    assert not analytic_applies(lik)
    with pytest.raises(RError, match="analytic gradients need"):
        maximise(lik, _point(lik, []), np.ones(lik.npar), gradient="analytic")
    one_point = meglm_lik("y ~ x + z + (1 | g)", _bernoulli(), rglm.binomial(), K=1)
    assert not analytic_applies(one_point)
    # sampling weights (the meglmvce attribute): the pseudo likelihood by differences
    fields = ("problem", "levels", "intmethod", "intpoints", "crossed")
    weighted = SimpleNamespace(**{f: getattr(one_point, f) for f in fields},
                               pweights=np.ones(one_point.problem.n))
    weighted.intpoints = 5
    assert analytic_applies(SimpleNamespace(**{**vars(weighted), "pweights": None}))
    assert not analytic_applies(weighted)


def test_bad_gradient_option():
    lik = meglm_lik("y ~ x + z + (1 | g)", _bernoulli(), rglm.binomial())
    with pytest.raises(RError, match="gradient must be one of"):
        maximise(lik, _point(lik, []), np.ones(lik.npar), gradient="exact")
