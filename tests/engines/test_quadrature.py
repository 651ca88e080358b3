"""The quadrature engine against brute force (rglm/engines/mixed/agq_*.py).

Expected values are computed here, apart from the engine: each group's integral over
its spherical random effects u ~ N(0, I) by scipy's adaptive ``nquad`` (q = 2) or the
trapezoidal rule on a fine grid around the mode (q = 3, nested levels) -- exponentially
accurate for these smooth, rapidly decaying integrands, and checked against a coarser
grid --; conditional densities from scipy.stats, modes from scipy.optimize; for the
gaussian family the closed form (a multivariate normal per group). The data are
simulated here with fixed seeds (inputs, not expected values).

Tolerance 1e-8 relative on the log likelihood (the issue's), once intpoints is large
enough; smaller intpoints must be further away (convergence as intpoints grows).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, optimize, stats
from scipy.special import expit, logsumexp

import rglm
from rglm.engines.mixed import GlmmDeviance, mixed_problem
from rglm.engines.mixed.agq_vector import marginal_loglik
from rglm.errors import RError

TOL = 1e-8


# ---- problems ------------------------------------------------------------------------

def problem_of(formula: str, data: pd.DataFrame, family):
    from rglm.formula import model_frame, model_matrix, model_response
    from rglm.formula.bars import findbars, mk_reterms, nobars, sub_frame, subbars
    from rglm.formula.response import model_offset

    frame = model_frame(subbars(formula), data)
    rt = mk_reterms(findbars(formula), frame)
    fixed = sub_frame(frame, nobars(formula))
    mm = model_matrix(fixed)
    return mixed_problem(mm.x, model_response(fixed), rt, family, xnames=mm.colnames,
                         offset=model_offset(fixed))


def simulate(seed: int, ngroups: int, per: int, family: str, T: np.ndarray, beta,
             nclass: int = 1) -> pd.DataFrame:
    """Groups g (optionally classes c within g) with covariates x, z and a response
    drawn from the model with random effects (1, x, z)[:q] T u."""
    rng = np.random.default_rng(seed)
    n = ngroups * nclass * per
    g = np.repeat(np.arange(ngroups), nclass * per)
    c = np.tile(np.repeat(np.arange(nclass), per), ngroups)
    x, z = rng.normal(size=n), rng.normal(size=n)
    q = T.shape[0]
    re = (np.column_stack([np.ones(n), x, z])[:, :q] * (rng.normal(size=(ngroups, q))
                                                        @ T.T)[g]).sum(1)
    eta = beta[0] + beta[1] * x + re
    if nclass > 1:
        eta = eta + 0.8 * rng.normal(size=ngroups * nclass)[g * nclass + c]
    y = {"bernoulli": lambda: rng.binomial(1, expit(eta)),
         "poisson": lambda: rng.poisson(np.exp(eta)),
         "gaussian": lambda: eta + rng.normal(size=n)}[family]()
    return pd.DataFrame({"y": y.astype(float), "x": x, "z": z,
                         "g": pd.Categorical([f"g{i}" for i in g]),
                         "c": pd.Categorical([f"c{i}" for i in c])})


def tri(theta, p: int) -> np.ndarray:
    """lme4's lower-triangular T from theta (filled column by column)."""
    T = np.zeros((p, p))
    T[tuple(np.array([(i, j) for j in range(p) for i in range(j, p)]).T)] = theta
    return T


# ---- brute force ---------------------------------------------------------------------

def logdens(family: str, y, eta, sigma=None):
    """log f(y | eta) summed over the last axis (canonical links; "probit": bernoulli
    with the probit link)."""
    if family == "bernoulli":
        return stats.bernoulli.logpmf(y, expit(eta)).sum(-1)
    if family == "probit":
        return stats.bernoulli.logpmf(y, stats.norm.cdf(eta)).sum(-1)
    if family == "poisson":
        return stats.poisson.logpmf(y, np.exp(eta)).sum(-1)
    return stats.norm.logpdf(y, eta, sigma).sum(-1)


def mode_sd(h, q: int) -> tuple:
    """Mode of h and the SD along each axis (finite-difference Hessian)."""
    m = optimize.minimize(lambda u: -h(u[None, :])[0], np.zeros(q), method="BFGS",
                          options={"gtol": 1e-10}).x
    e = np.eye(q) * 1e-4
    H = np.array([[-(h(np.array([m + e[i] + e[j], m + e[i] - e[j], m - e[i] + e[j],
                                 m - e[i] - e[j]])) @ [1, -1, -1, 1]) / 4e-8
                   for j in range(q)] for i in range(q)])
    return m, np.sqrt(np.diag(np.linalg.inv(H)))


def grid_log_integral(h, q: int, npts: int, width: float = 12.0) -> float:
    """log of int exp(h(u)) du: trapezoidal rule, ``npts`` per axis, mode +- width SDs."""
    m, sd = mode_sd(h, q)
    axes = [np.linspace(m[j] - width * sd[j], m[j] + width * sd[j], npts) for j in range(q)]
    pts = np.stack(np.meshgrid(*axes, indexing="ij"), -1).reshape(-1, q)
    return float(logsumexp(h(pts)) + sum(np.log(a[1] - a[0]) for a in axes))


def nquad_log_integral(h, q: int, width: float = 12.0) -> float:
    """log of int exp(h(u)) du by scipy.integrate.nquad over mode +- width SDs."""
    m, sd = mode_sd(h, q)
    top = h(m[None, :])[0]
    val, _ = integrate.nquad(lambda *u: np.exp(h(np.array(u)[None, :])[0] - top),
                             [(m[j] - width * sd[j], m[j] + width * sd[j]) for j in range(q)],
                             opts={"epsabs": 0.0, "epsrel": 1e-13, "limit": 200})
    return float(top + np.log(val))


def log_prior(u) -> np.ndarray:
    return stats.norm.logpdf(u).sum(-1)


def brute_single(data, family, T, beta, cols, integral, sigma=None) -> float:
    """sum over groups of log int prod_i f(y_i | x_i beta + r_i T u) phi(u) du."""
    r = np.column_stack([np.ones(len(data)), data["x"], data["z"]])[:, :len(cols)]
    total = 0.0
    for lev in data["g"].cat.categories:
        d = data[data["g"] == lev]
        sel = (data["g"] == lev).to_numpy()
        eta0 = beta[0] + beta[1] * d["x"].to_numpy()
        R = r[sel] @ T                                         # (n_g, q)

        def h(u, eta0=eta0, R=R, y=d["y"].to_numpy()):
            return logdens(family, y, eta0 + u @ R.T, sigma) + log_prior(u)

        total += integral(h, T.shape[0])
    return total


# ---- single level, q = 2 and 3 -------------------------------------------------------

CASE2 = dict(seed=11, ngroups=5, per=8, family="bernoulli", theta=[0.9, 0.4, 0.6],
             beta=[-0.3, 0.5], formula="y ~ x + (x | g)")
CASE3 = dict(seed=5, ngroups=4, per=6, family="poisson", theta=[0.5, 0.2, -0.1, 0.4, 0.1, 0.3],
             beta=[0.2, 0.3], formula="y ~ x + (x + z | g)")


def _case(spec):
    q = {3: 2, 6: 3}[len(spec["theta"])]
    T = tri(np.array(spec["theta"]), q)
    data = simulate(spec["seed"], spec["ngroups"], spec["per"], spec["family"], T,
                    spec["beta"])
    fam = rglm.binomial() if spec["family"] == "bernoulli" else rglm.poisson()
    return data, problem_of(spec["formula"], data, fam), T, q


@pytest.fixture(scope="module")
def case2():
    data, pr, T, q = _case(CASE2)
    ref = brute_single(data, CASE2["family"], T, CASE2["beta"], range(q),
                       lambda h, q: grid_log_integral(h, q, 161))
    return pr, ref


@pytest.fixture(scope="module")
def case3():
    data, pr, T, q = _case(CASE3)
    ref = brute_single(data, CASE3["family"], T, CASE3["beta"], range(q),
                       lambda h, q: grid_log_integral(h, q, 81))
    coarse = brute_single(data, CASE3["family"], T, CASE3["beta"], range(q),
                          lambda h, q: grid_log_integral(h, q, 61))
    assert abs(ref - coarse) < 1e-12 * abs(ref)  # the grid has converged
    return pr, ref


def _ll(pr, spec, method, K):
    return marginal_loglik(pr, spec["theta"], spec["beta"], intmethod=method,
                           intpoints=K).loglik


@pytest.mark.parametrize("method,K", [("mvaghermite", 12), ("mcaghermite", 15)])
def test_non_canonical_link_equals_fine_grid(method, K):
    """Bernoulli with the probit link: the curvature is the Fisher weight's (lme4's),
    not the observed one, which moves the nodes but not the integral."""
    data, _, T, q = _case(CASE2)
    pr = problem_of(CASE2["formula"], data, rglm.binomial("probit"))
    ref = brute_single(data, "probit", T, CASE2["beta"], range(q),
                       lambda h, q: grid_log_integral(h, q, 161))
    assert abs(_ll(pr, CASE2, method, K) - ref) <= TOL * abs(ref)


def _errors(pr, spec, method, ref) -> np.ndarray:
    """|log L - ref| at 2, 4, 8 and 16 points per dimension: strictly decreasing."""
    errs = np.array([abs(_ll(pr, spec, method, K) - ref) for K in (2, 4, 8, 16)])
    assert np.all(np.diff(errs) < 0)
    return errs


@pytest.mark.parametrize("method,K", [("mvaghermite", 12), ("mcaghermite", 15),
                                      ("ghermite", 40)])
def test_two_effects_equal_nquad(case2, method, K):
    pr, ref = case2
    assert abs(_ll(pr, CASE2, method, K) - ref) <= TOL * abs(ref)


@pytest.mark.parametrize("method,K", [("mvaghermite", 12), ("mcaghermite", 15),
                                      ("ghermite", 30)])
def test_three_effects_equal_fine_grid(case3, method, K):
    pr, ref = case3
    assert abs(_ll(pr, CASE3, method, K) - ref) <= TOL * abs(ref)


@pytest.mark.parametrize("method", ["mvaghermite", "mcaghermite", "ghermite"])
def test_error_shrinks_as_intpoints_grow(case2, method):
    pr, ref = case2
    errs = _errors(pr, CASE2, method, ref)
    assert errs[0] > 1e-4 * abs(ref)  # a coarse rule is visibly off: the test can fail
    if method != "ghermite":  # the adaptive rules: 1e-10 at 16 points per dimension
        assert errs[-1] < 1e-10 * abs(ref)


def test_fine_grid_equals_nquad_for_one_group():
    """The brute-force grid itself against scipy's adaptive cubature (one group of
    the q = 2 case: nquad costs seconds per group)."""
    data, _, T, q = _case(CASE2)
    one = data[data["g"] == "g0"].assign(g=lambda d: d["g"].cat.remove_unused_categories())
    by_grid = brute_single(one, "bernoulli", T, CASE2["beta"], range(q),
                           lambda h, q: grid_log_integral(h, q, 161))
    by_nquad = brute_single(one, "bernoulli", T, CASE2["beta"], range(q),
                            lambda h, q: nquad_log_integral(h, q))
    assert abs(by_grid - by_nquad) < 1e-11 * abs(by_nquad)


# ---- two nested levels ---------------------------------------------------------------

NESTED = dict(seed=3, ngroups=3, nclass=3, per=4, theta=[0.7, 0.9], beta=[-0.2, 0.6])


def brute_nested(data, family, t_in, t_out, beta, npts: int, width: float = 10.0):
    """sum over g of log int phi(v) prod_c [int phi(u) prod_i f du] dv: the trapezoidal
    rule on [-width, width] at both levels (the prior bounds the posterior's spread)."""
    grid = np.linspace(-width, width, npts)
    lstep = np.log(grid[1] - grid[0])
    total = 0.0
    for _, ds in data.groupby("g", observed=True):
        outer = np.zeros(npts)
        for _, dc in ds.groupby("c", observed=True):
            eta = (beta[0] + beta[1] * dc["x"].to_numpy())[None, None, :] \
                + t_out * grid[:, None, None] + t_in * grid[None, :, None]
            lf = logdens(family, dc["y"].to_numpy(), eta) + stats.norm.logpdf(grid)
            outer += logsumexp(lf, axis=1) + lstep
        total += logsumexp(outer + stats.norm.logpdf(grid)) + lstep
    return float(total)


@pytest.fixture(scope="module")
def nested_case():
    spec = NESTED
    data = simulate(spec["seed"], spec["ngroups"], spec["per"], "bernoulli",
                    np.array([[spec["theta"][1]]]), spec["beta"], nclass=spec["nclass"])
    pr = problem_of("y ~ x + (1 | g/c)", data, rglm.binomial())
    assert pr.structure.terms[0].group == "c:g"  # theta = (inner, outer), lme4's order
    args = (data, "bernoulli", spec["theta"][0], spec["theta"][1], spec["beta"])
    ref = brute_nested(*args, npts=801)
    assert abs(ref - brute_nested(*args, npts=401)) < 1e-12 * abs(ref)  # converged
    return pr, ref


@pytest.mark.parametrize("method,K", [("mvaghermite", 12), ("mcaghermite", 15),
                                      ("ghermite", 40)])
def test_nested_levels_equal_fine_grid(nested_case, method, K):
    pr, ref = nested_case
    assert abs(_ll(pr, NESTED, method, K) - ref) <= TOL * abs(ref)


@pytest.mark.parametrize("method", ["mvaghermite", "mcaghermite", "ghermite"])
def test_nested_error_shrinks_as_intpoints_grow(nested_case, method):
    pr, ref = nested_case
    errs = _errors(pr, NESTED, method, ref)
    assert errs[0] > 1e-5 * abs(ref)


# ---- gaussian: the closed form --------------------------------------------------------

def gaussian_closed_form(data, beta, sigma, blocks) -> float:
    """sum over g of log N(y_g; X beta, sigma^2 I + V_g V_g'), V = the columns of
    Z Lambda given as ``blocks(d)`` for the rows d of a group."""
    total = 0.0
    for _, d in data.groupby("g", observed=True):
        V = blocks(d)
        cov = sigma ** 2 * np.eye(len(d)) + V @ V.T
        total += stats.multivariate_normal.logpdf(
            d["y"].to_numpy(), beta[0] + beta[1] * d["x"].to_numpy(), cov)
    return float(total)


GAUSS_SIGMA = 1.1


@pytest.fixture(scope="module")
def gaussian_cases():
    """(problem, theta, beta, exact log L): a 2-vector per group, and a nested model
    with a 2-vector outer level (x | g) and intercepts of classes (1 | g:c)."""
    beta = [0.4, -0.7]
    T = tri(np.array([0.8, 0.3, 0.5]), 2)
    d1 = simulate(21, 5, 6, "gaussian", T, beta)
    p1 = problem_of("y ~ x + (x | g)", d1, rglm.gaussian())
    ref1 = gaussian_closed_form(d1, beta, GAUSS_SIGMA,
                                lambda d: np.column_stack([np.ones(len(d)), d["x"]]) @ T)
    d2 = simulate(22, 3, 4, "gaussian", T, beta, nclass=3)
    p2 = problem_of("y ~ x + (x | g) + (1 | g:c)", d2, rglm.gaussian())
    assert [t.group for t in p2.structure.terms] == ["g:c", "g"]
    t_in = 0.6

    def nested_blocks(d):
        classes = pd.get_dummies(d["c"].astype(str)).to_numpy(dtype=float)
        return np.column_stack([t_in * classes,
                                np.column_stack([np.ones(len(d)), d["x"]]) @ T])

    ref2 = gaussian_closed_form(d2, beta, GAUSS_SIGMA, nested_blocks)
    return [(p1, [0.8, 0.3, 0.5], beta, ref1), (p2, [t_in, 0.8, 0.3, 0.5], beta, ref2)]


@pytest.mark.parametrize("method,K", [("laplace", 1), ("mcaghermite", 3),
                                      ("mvaghermite", 2), ("mvaghermite", 5)])
def test_gaussian_equals_closed_form(gaussian_cases, method, K):
    """The Laplace approximation is exact for a gaussian response (identity link), and
    so is every adaptive rule, whatever its points (the integrand is a Gaussian times
    the rule's own density)."""
    for pr, theta, beta, ref in gaussian_cases:
        got = marginal_loglik(pr, theta, beta, intmethod=method, intpoints=K,
                              sigma=GAUSS_SIGMA).loglik
        assert abs(got - ref) <= TOL * abs(ref)


# ---- the existing Laplace and AGQ engine (lme4's formulas) ----------------------------

def _exact_deviance(pr, theta):
    dev = GlmmDeviance(pr, exact=True)
    dev.initialize(np.asarray(theta, dtype=float))
    return dev


def test_laplace_equals_the_laplace_engine(case2, nested_case):
    """-2 log L (Laplace) = lme4's Laplace formula aic + |u|^2 + log|L|^2 at the
    converged modes (GlmmDeviance(exact=True)): a 2-vector and nested intercepts."""
    for (pr, _), spec in ((case2, CASE2), (nested_case, NESTED)):
        want = _exact_deviance(pr, spec["theta"]).laplace(spec["theta"], spec["beta"])
        got = -2.0 * _ll(pr, spec, "laplace", 1)
        assert abs(got - want) <= 1e-10 * abs(want)


@pytest.mark.parametrize("K", [2, 5, 11])
def test_scalar_mcaghermite_equals_the_agq_engine(K):
    """One scalar random effect: lme4's nAGQ formula (GlmmDeviance.agq, which leaves out
    the data constant) at converged modes."""
    spec = dict(CASE3, theta=[0.7], formula="y ~ x + (1 | g)")
    data = simulate(spec["seed"], 6, 5, "poisson", np.array([[0.7]]), spec["beta"])
    pr = problem_of(spec["formula"], data, rglm.poisson())
    want = _exact_deviance(pr, spec["theta"]).agq(spec["theta"], spec["beta"], K)
    got = marginal_loglik(pr, spec["theta"], spec["beta"], intmethod="mcaghermite",
                          intpoints=K)
    assert abs(got.lme4_objective - want) <= 1e-10 * abs(want)
    assert got.constant < 0  # Poisson counts above 1: log y! is part of log L


# ---- bad input -----------------------------------------------------------------------

@pytest.mark.parametrize("K,message", [
    (0, "intpoints must be a positive integer"),
    (2.5, "intpoints must be a positive integer"),
    (True, "intpoints must be a positive integer"),
    (101, "at most 100 points"),
    (47, "3 * 47^3 = 311469 node coordinates"),  # honesty: the guard's own arithmetic
])
def test_intpoints_guard(case3, K, message):
    pr, _ = case3
    with pytest.raises(RError, match=message.replace("*", r"\*").replace("^", r"\^")):
        marginal_loglik(pr, CASE3["theta"], CASE3["beta"], intpoints=K)


def test_nested_guard_counts_both_levels(gaussian_cases):
    """(x | g) + (1 | g:c): the work per group grows as intpoints^(2 + 1)."""
    pr, theta, beta, _ = gaussian_cases[1]
    with pytest.raises(RError, match="for 3 random effects"):
        marginal_loglik(pr, theta, beta, intpoints=47, sigma=GAUSS_SIGMA)


def test_bad_structures_and_families(case2):
    pr, _ = case2
    data = simulate(1, 4, 6, "poisson", np.eye(1), [0.0, 0.1]).assign(
        h=lambda d: pd.Categorical(np.tile(["a", "b", "c"], 8)))
    crossed = problem_of("y ~ x + (1 | g) + (1 | h)", data, rglm.poisson())
    with pytest.raises(RError, match="'g' and 'h' are crossed, not nested"):
        marginal_loglik(crossed, [1.0, 1.0], [0.0, 0.1])
    gamma = problem_of("y ~ x + (1 | g)", data.assign(y=data["y"] + 1), rglm.Gamma())
    with pytest.raises(RError, match="not 'Gamma'"):
        marginal_loglik(gamma, [1.0], [0.0, 0.1])
    halves = problem_of("y ~ x + (1 | g)", data.assign(y=data["y"] + 0.5), rglm.poisson())
    with pytest.raises(RError, match="non-integer poisson responses have no likelihood"):
        marginal_loglik(halves, [1.0], [0.0, 0.1])
    gauss = problem_of("y ~ x + (1 | g)", data, rglm.gaussian())
    with pytest.raises(RError, match="needs a positive 'sigma'"):
        marginal_loglik(gauss, [1.0], [0.0, 0.1])
    with pytest.raises(RError, match="intmethod must be one of"):
        marginal_loglik(pr, CASE2["theta"], CASE2["beta"], intmethod="adaptive")
    with pytest.raises(RError, match="need 3 theta and 2 beta values"):
        marginal_loglik(pr, [1.0], CASE2["beta"])


@pytest.mark.parametrize("method", ["mvaghermite", "ghermite"])
def test_offset_is_a_known_coefficient(case2, nested_case, method):
    """offset(0.3 * x) with beta gives the log likelihood of no offset with the slope
    raised by 0.3 (single level and nested)."""
    for spec, formula in ((CASE2, CASE2["formula"]), (NESTED, "y ~ x + (1 | g/c)")):
        if spec is CASE2:
            data = _case(CASE2)[0]
        else:
            data = simulate(spec["seed"], spec["ngroups"], spec["per"], "bernoulli",
                            np.array([[spec["theta"][1]]]), spec["beta"],
                            nclass=spec["nclass"])
        with_offset = problem_of(formula.replace("~ x", "~ x + offset(0.3 * x)"), data,
                                 rglm.binomial())
        plain = problem_of(formula, data, rglm.binomial())
        shifted = np.asarray(spec["beta"]) + [0.0, 0.3]
        got = marginal_loglik(with_offset, spec["theta"], spec["beta"], intmethod=method,
                              intpoints=5).loglik
        want = marginal_loglik(plain, spec["theta"], shifted, intmethod=method,
                               intpoints=5).loglik
        assert abs(got - want) <= 1e-12 * abs(want)
