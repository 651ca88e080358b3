"""meglm's ordinal and nbinomial families, and startvalues/startgrid.

References: tests/reference/make_meglm_families.R -> meglm_families.json.

* Ordinal with one random intercept = ``ordinal::clmm``: nAGQ = 7 is adaptive
  Gauss-Hermite at the conditional mode (Stata's mcaghermite, 7 points), nAGQ = 1 the
  Laplace approximation with the observed curvature (Stata's laplace) -- the same
  integrals, so the same maxima.  Log likelihoods to 1e-8 relative (observed ~1e-11);
  estimates to 1e-4: both optimisers stop on a gradient tolerance (clmm gradTol 1e-10,
  meglm's L-BFGS-B gtol 1e-7 on finite-difference gradients) on a likelihood that is
  flat in the cutpoints' and variance's directions (observed differences ~2e-5).
* nbinomial (mean) Laplace vs ``lme4::glmer.nb``: lme4's Laplace takes PIRLS (Fisher)
  weights at the mode; Stata's -- and meglm's -- the observed curvature.  For NB2's
  log link (not canonical) they differ, so the fits are not equal (0.025 in log L
  here).  What is checked exactly: a Laplace approximation computed here apart from
  the engine (scipy: each group's mode, Fisher curvature) at glmer.nb's estimates is
  glmer.nb's logLik (1e-7, glmer.nb's outer theta optimisation), and with the observed
  curvature at meglm's estimates is meglm's log likelihood (1e-8); the two fits agree
  to the size of that difference.
* mvaghermite against a brute-force integral at the fitted parameters (scipy's
  adaptive ``quad`` per group on scipy.stats densities): 1e-8.
* Without random effects (meglm's fixedonly start, ``e(ll_c)``) = ``polr`` /
  ``glm.nb`` / the gamma GLM with ``MASS::gamma.shape`` to 1e-8 in log L.
* gamma (log link, ``/logs``): the density against scipy.stats.gamma, derivatives
  against differences, mvaghermite against brute force at the fitted parameters.
* The optimum does not depend on startvalues / startgrid.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, optimize, special, stats

import rglm
from rglm.errors import RError
from rglm.render.stata import format_g

TOL = 1e-8
#: estimates: the optimisers' gradient tolerances on a flat optimum (module docstring)
EST = 1e-4


@pytest.fixture(scope="module")
def ref(reference):
    return reference("meglm_families")


@pytest.fixture(scope="module")
def ord_data(ref):
    o = ref["ord"]
    return pd.DataFrame({"x": o["x"], "z": np.asarray(o["z"], dtype=float),
                         "g": pd.Categorical([f"g{i:02d}" for i in o["g"]]),
                         "y": pd.Categorical([f"c{i}" for i in o["y"]], ordered=True)})


@pytest.fixture(scope="module")
def nb_data(ref):
    n = ref["nb"]
    return pd.DataFrame({"x": n["x"], "g": pd.Categorical([f"h{i:02d}" for i in n["g"]]),
                         "y": np.asarray(n["y"], dtype=float)})


_FITS: dict = {}


@pytest.fixture(scope="module")
def fit_of():
    def fit(data, formula, **kw):
        key = (id(data), formula, repr(sorted(kw.items())))
        if key not in _FITS:
            _FITS[key] = rglm.meglm(formula, data, **kw)
        return _FITS[key]

    return fit


ORD = "y ~ x + z + (1 | g)"
NB = "y ~ x + (1 | g)"
CLMM = {"logit_agq7": ("logit", "mcaghermite", 7), "probit_agq7": ("probit", "mcaghermite", 7),
        "logit_laplace": ("logit", "laplace", 7)}


# ---- ordinal --------------------------------------------------------------------------

@pytest.mark.parametrize("case", list(CLMM))
def test_ordinal_equals_clmm(ref, ord_data, fit_of, case):
    c = next(c for c in ref["clmm"] if c["id"] == case)
    link, method, K = CLMM[case]
    m = fit_of(ord_data, ORD, family="ordinal", link=link, intmethod=method, intpoints=K)
    assert m.loglik == pytest.approx(c["logLik"], rel=TOL)
    np.testing.assert_allclose(m.coefficients.to_numpy(), c["beta"], rtol=EST, atol=EST)
    np.testing.assert_allclose(m.aux.to_numpy(), c["alpha"], rtol=EST, atol=EST)
    assert np.sqrt(m.varcomp["estimate"].iloc[0]) == pytest.approx(c["sd"], rel=EST)
    # Stata drops _cons: the cutpoints take its place
    assert list(m.coefficients.index) == ["x", "z"]
    assert m.aux_names == ("/cut1", "/cut2", "/cut3")


@pytest.mark.parametrize("link, method", [("logit", "logistic"), ("probit", "probit")])
def test_ordinal_start_and_lr_model_are_polr(ref, ord_data, fit_of, link, method):
    """The fixedonly start is the model without random effects, R's polr; its log
    likelihood is the LR test's e(ll_c)."""
    from rglm.models.meglm.start import fixed_only

    p = next(p for p in ref["polr"] if p["method"] == method)
    m = fit_of(ord_data, ORD, family="ordinal", link=link, intmethod="mcaghermite")
    assert m.ll_c == pytest.approx(p["logLik"], rel=TOL)
    f = fixed_only(m.lik.problem, m.lik.problem.family)
    np.testing.assert_allclose(f.beta, p["coefficients"], rtol=1e-6)
    np.testing.assert_allclose(f.aux, p["zeta"], rtol=1e-6)
    kind, chi2, df, _ = m.lr_test
    assert (kind, df) == ("chibar2", 1)
    assert chi2 == pytest.approx(2 * (c_ll := m.loglik) - 2 * p["logLik"], rel=1e-12)
    assert c_ll > p["logLik"]


def test_ordinal_response_forms_give_the_same_fit(ord_data, fit_of):
    """An ordered factor, its codes as numbers (any values: their order counts), and an
    unordered categorical (its categories' order) are the same response."""
    base = fit_of(ord_data, ORD, family="ordinal", intmethod="laplace")
    codes = ord_data["y"].cat.codes.to_numpy()
    as_numbers = ord_data.assign(y=np.array([-3.0, 0.5, 2.0, 10.0])[codes])
    unordered = ord_data.assign(y=pd.Categorical(ord_data["y"].astype(object),
                                                 categories=["c1", "c2", "c3", "c4"]))
    before = as_numbers.copy()
    for d in (as_numbers, unordered):
        m = rglm.meglm(ORD, d, family="ordinal", intmethod="laplace")
        assert m.loglik == pytest.approx(base.loglik, rel=1e-10)
        np.testing.assert_allclose(m.x, base.x, rtol=1e-6, atol=1e-6)
    pd.testing.assert_frame_equal(as_numbers, before)


def test_ordinal_wald_and_eform_leave_the_cutpoints(ord_data, fit_of):
    m = fit_of(ord_data, ORD, family="ordinal", intmethod="mcaghermite")
    chi2, df, _ = m.wald
    b, V = m.coefficients.to_numpy(), m.vcov.to_numpy()
    assert df == 2 and chi2 == pytest.approx(float(b @ np.linalg.solve(V, b)), rel=1e-12)
    text = m.summary(**{"or": True})
    assert "Odds ratio" in text
    cut = next(line for line in text.split("\n") if line.strip().startswith("/cut1"))
    assert cut.split("|")[1].split()[0] == format_g(m.aux.iloc[0])


def test_params_is_statas_e_b(ord_data, fit_of):
    m = fit_of(ord_data, ORD, family="ordinal", intmethod="mcaghermite")
    assert list(m.params.index) == ["x", "z", "/cut1", "/cut2", "/cut3", "/var(_cons[g])"]
    np.testing.assert_array_equal(m.params.to_numpy()[:5],
                                  np.concatenate([m.coefficients, m.aux]))
    assert m.params.iloc[5] == m.varcomp["estimate"].iloc[0]
    assert m.npar == 6 and rglm.logLik(m).df == 6
    assert m.vcov.shape == (2, 2)


@pytest.mark.parametrize("link, resid", [("logit", np.pi ** 2 / 3), ("probit", 1.0)])
def test_ordinal_estat_icc_on_the_latent_scale(ord_data, fit_of, link, resid):
    """Stata: estat icc after meologit/meoprobit -- the latent residual variance is the
    logistic's pi^2/3 or the normal's 1, as after melogit/meprobit."""
    m = fit_of(ord_data, ORD, family="ordinal", link=link, intmethod="mcaghermite")
    v = m.varcomp["estimate"].iloc[0]
    assert rglm.estat_icc(m)["icc"].iloc[0] == pytest.approx(v / (v + resid), rel=1e-14)


def test_ordinal_cloglog_has_no_icc(ord_data):
    m = rglm.meglm(ORD, ord_data, family="ordinal", link="cloglog", intmethod="laplace")
    with pytest.raises(RError, match="not available for family\\(ordinal\\)"):
        rglm.estat_icc(m)


# ---- nbinomial ------------------------------------------------------------------------

def _group_logf(data, beta, lnalpha, dispersion="mean"):
    """log f(y_i | b) for every row at nodes b (shape (nodes, n)): scipy.stats.nbinom."""
    X = np.column_stack([np.ones(len(data)), data["x"]])
    y = data["y"].to_numpy()
    d = np.exp(lnalpha)

    def logf(b, rows):
        mu = np.exp(X[rows] @ beta + b)
        if dispersion == "mean":
            return stats.nbinom.logpmf(y[rows], 1.0 / d, 1.0 / (1.0 + d * mu))
        return stats.nbinom.logpmf(y[rows], mu / d, 1.0 / (1.0 + d))

    return logf


def _per_group(data, logf, sd, finish):
    """sum over groups of ``finish(h, mode, rows)``: h(b) = sum_i logf(b, rows) +
    log N(b; 0, sd^2) of the group's rows, maximised at ``mode`` (scipy, bounded)."""
    codes = data["g"].cat.codes.to_numpy()
    total = 0.0
    for j in np.unique(codes):
        rows = np.flatnonzero(codes == j)

        def h(b, rows=rows):
            return np.sum(logf(b, rows)) + stats.norm.logpdf(b, scale=sd)

        mode = optimize.minimize_scalar(lambda b: -h(b), bounds=(-10 * sd, 10 * sd),
                                        method="bounded", options={"xatol": 1e-12}).x
        total += finish(h, mode, rows)
    return total


def _brute_force(data, beta, lnalpha, sd, dispersion="mean"):
    """sum over groups of log int prod_i f(y_i | b) N(b; 0, sd^2) db by scipy's quad
    (scaled by the maximum of the integrand, around its mode)."""
    return _per_group(data, _group_logf(data, beta, lnalpha, dispersion), sd,
                      _integral(sd))


def _integral(sd):
    def integral(h, mode, rows):
        top = h(mode)
        val, _ = integrate.quad(lambda b: np.exp(h(b) - top), mode - 12 * sd,
                                mode + 12 * sd, points=[mode], epsabs=0, epsrel=1e-13,
                                limit=200)
        return top + np.log(val)

    return integral


def _laplace(data, beta, lnalpha, sd, curvature):
    """The Laplace approximation per group, apart from the engine: h at its mode and
    -h'' there with the NB2 log link's observed curvature mu (1 + a y) / (1 + a mu)^2
    or Fisher's mu / (1 + a mu)."""
    X = np.column_stack([np.ones(len(data)), data["x"]])
    y = data["y"].to_numpy()
    a = np.exp(lnalpha)

    def laplace(h, mode, rows):
        mu = np.exp(X[rows] @ beta + mode)
        w = (mu * (1 + a * y[rows]) / (1 + a * mu) ** 2 if curvature == "observed"
             else mu / (1 + a * mu))
        return h(mode) + 0.5 * np.log(2 * np.pi) - 0.5 * np.log(np.sum(w) + sd ** -2)

    return _per_group(data, _group_logf(data, beta, lnalpha), sd, laplace)


def test_nbinomial_laplace_and_glmer_nb(ref, nb_data, fit_of):
    r = ref["glmer_nb"]
    # glmer.nb's logLik is the Fisher-weight Laplace approximation at its estimates, up
    # to lme4's PIRLS stopping rule: its Laplace value is not the converged one (cbpp:
    # 2.8e-4 in log L, glmm-behaviour.md section 1.3.2; here 2.5e-4)
    lme4 = _laplace(nb_data, np.array(r["beta"]), -np.log(r["theta"]), r["sd"], "fisher")
    assert lme4 == pytest.approx(r["logLik"], abs=1e-3)
    observed = _laplace(nb_data, np.array(r["beta"]), -np.log(r["theta"]), r["sd"],
                        "observed")
    assert abs(observed - lme4) > 1e-2  # the curvatures differ that much here
    m = fit_of(nb_data, NB, family="nbinomial", intmethod="laplace")
    beta, lnalpha = m.coefficients.to_numpy(), m.aux.iloc[0]
    sd = np.sqrt(m.varcomp["estimate"].iloc[0])
    # meglm's is the observed-curvature Laplace approximation (Stata's)
    assert m.loglik == pytest.approx(_laplace(nb_data, beta, lnalpha, sd, "observed"),
                                     rel=TOL)
    # the two approximations' maxima differ by the curvatures' difference only
    assert m.loglik == pytest.approx(r["logLik"], abs=0.05)
    np.testing.assert_allclose(beta, r["beta"], atol=0.03)
    assert np.exp(-lnalpha) == pytest.approx(r["theta"], rel=0.01)
    assert sd == pytest.approx(r["sd"], rel=0.01)
    assert m.aux_names == ("/lnalpha",)


@pytest.mark.parametrize("family, data, key, aux_of", [
    ("nbinomial", "nb_data", "glm_nb", lambda r: -np.log(r["theta"])),   # /lnalpha
    ("gamma", "gam_data", "gamma_glm", lambda r: -np.log(r["shape"])),   # /logs
])
def test_start_and_lr_model_are_the_ml_glm(ref, request, fit_of, family, data, key,
                                           aux_of):
    """The fixedonly start and e(ll_c): MASS::glm.nb; the gamma GLM's coefficients
    with MASS::gamma.shape's ML shape."""
    from rglm.models.meglm.start import fixed_only

    r = ref[key]
    m = fit_of(request.getfixturevalue(data), NB, family=family, intmethod="laplace")
    assert m.ll_c == pytest.approx(r["logLik"], rel=TOL)
    f = fixed_only(m.lik.problem, m.lik.problem.family)
    np.testing.assert_allclose(f.beta, r["coefficients"], rtol=1e-6)
    assert f.aux[0] == pytest.approx(aux_of(r), rel=1e-6)


@pytest.mark.parametrize("dispersion", ["mean", "constant"])
def test_nbinomial_mvaghermite_equals_brute_force(nb_data, fit_of, dispersion):
    """At 20 points the quadrature's error is below 1e-8 (at Stata's default 7 it is
    3e-4 for NB1 here: its integrands are less normal)."""
    m = fit_of(nb_data, NB, family=("nbinomial", dispersion), intpoints=20)
    sd = np.sqrt(m.varcomp["estimate"].iloc[0])
    exact = _brute_force(nb_data, m.coefficients.to_numpy(), m.aux.iloc[0], sd,
                         dispersion)
    assert m.loglik == pytest.approx(exact, rel=TOL)
    assert m.aux_names == (("/lnalpha",) if dispersion == "mean" else ("/lndelta",))


# ---- startvalues / startgrid ----------------------------------------------------------

@pytest.mark.parametrize("kw", [{"startvalues": "zero"}, {"startvalues": "constantonly"},
                                {"startgrid": True}, {"startgrid": [0.05, 3.0]},
                                {"startvalues": "zero", "startgrid": True}])
def test_the_optimum_does_not_depend_on_the_start(nb_data, fit_of, kw):
    base = fit_of(nb_data, NB, family="nbinomial", intmethod="laplace")
    m = rglm.meglm(NB, nb_data, family="nbinomial", intmethod="laplace", **kw)
    assert m.loglik == pytest.approx(base.loglik, rel=1e-9)
    np.testing.assert_allclose(m.x, base.x, rtol=EST, atol=EST)


@pytest.mark.parametrize("kw", [{"startvalues": "zero"}, {"startgrid": True}])
def test_ordinal_optimum_does_not_depend_on_the_start(ord_data, fit_of, kw):
    base = fit_of(ord_data, ORD, family="ordinal", intmethod="laplace")
    m = rglm.meglm(ORD, ord_data, family="ordinal", intmethod="laplace", **kw)
    assert m.loglik == pytest.approx(base.loglik, rel=1e-9)
    np.testing.assert_allclose(m.x, base.x, rtol=EST, atol=EST)


def test_startvalues_vector_is_statas_from(nb_data, fit_of):
    """Started at the optimum (fit.x's layout), the fit stays there."""
    base = fit_of(nb_data, NB, family="nbinomial", intmethod="laplace")
    m = rglm.meglm(NB, nb_data, family="nbinomial", intmethod="laplace",
                   startvalues=base.x)
    assert m.loglik == pytest.approx(base.loglik, rel=1e-12)


def test_start_vectors(nb_data, fit_of):
    from rglm.models.meglm.start import fixed_only, start_values

    m = fit_of(nb_data, NB, family="nbinomial", intmethod="laplace")
    lik, problem, fam = m.lik, m.lik.problem, m.lik.problem.family
    fixed = fixed_only(problem, fam)
    zero = start_values("zero", lik, problem, fam, fixed)
    np.testing.assert_array_equal(zero, np.zeros(4))  # beta, log sd, lnalpha
    const = start_values("constantonly", lik, problem, fam, fixed)
    y = nb_data["y"].to_numpy()
    # NB with a constant alone: exp(_cons) is the mean count
    assert const[0] == pytest.approx(np.log(y.mean()), rel=1e-7)
    assert const[1] == 0.0 and const[2] == 0.0
    fo = start_values(None, lik, problem, fam, fixed)
    np.testing.assert_array_equal(fo, np.concatenate([fixed.beta, [0.0], fixed.aux]))


def test_grid_search_takes_the_best_node(nb_data, fit_of):
    from rglm.models.meglm.start import grid_search

    m = fit_of(nb_data, NB, family="nbinomial", intmethod="laplace")
    x0 = m.x.copy()
    seen = []
    x, ll, points = grid_search(m.lik, x0, [0.1, 1.0, 10.0],
                                report=lambda node, v: seen.append(v))
    assert points == 3 and len(seen) == 3
    lls = [m.lik.loglik(np.concatenate([x0[:2], [0.5 * np.log(v)], x0[3:]]))
           for v in (0.1, 1.0, 10.0)]
    assert ll == max(lls) == pytest.approx(seen[int(np.argmax(lls))], rel=0)
    assert x[2] == pytest.approx(0.5 * np.log([0.1, 1.0, 10.0][int(np.argmax(lls))]))


def test_grid_over_two_levels_of_variances(dataset):
    """Independent (1 | herd) + (0 + pn | herd): every combination of the two
    variances, covariances 0."""
    from rglm.models.meglm.start import grid_search

    cbpp = dataset("cbpp")
    cbpp = cbpp.assign(pn=cbpp["period"].cat.codes.astype(float))
    m = rglm.meglm("cbind(incidence, size - incidence) ~ pn + (1 | herd) + (0 + pn | herd)",
                   cbpp, family="binomial", intmethod="laplace")
    seen = []
    grid_search(m.lik, m.x, [0.5, 2.0], report=lambda node, v: seen.append(v))
    assert len(seen) == 4
    # Stata's e(b) names of the random part: /var(x[level])
    assert list(m.params.index) == ["pn", "_cons", "/var(pn[herd])", "/var(_cons[herd])"]
    assert m.params["_cons"] == m.coefficients["(Intercept)"]
    lv = m.lik.levels[0]
    np.testing.assert_allclose(lv.sigma(lv.start([0.5, 2.0])), np.diag([0.5, 2.0]))


# ---- bad input ------------------------------------------------------------------------

@pytest.mark.parametrize("kw, text", [
    ({"family": "ordinal", "link": "log"}, "link(log) not allowed with family(ordinal)"),
    ({"family": "nbinomial", "link": "logit"},
     "link(logit) not allowed with family(nbinomial)"),
    ({"family": ("nbinomial", "quadratic")}, "family(nbinomial quadratic) invalid"),
    ({"family": ("ordinal", "mean")}, "family(ordinal mean) invalid"),
    ({"family": "nbinomial", "startvalues": "iv"}, "startvalues(iv) invalid"),
    ({"family": "nbinomial", "startvalues": [0.0, 1.0]},
     "startvalues: a vector of 4 finite values is needed"),
    ({"family": "nbinomial", "startgrid": [1.0, -2.0]},
     "startgrid: the variances must be positive numbers"),
])
def test_bad_options(nb_data, kw, text):
    with pytest.raises(RError) as err:
        rglm.meglm(NB, nb_data, **kw)
    assert text in str(err.value)


def test_ordinal_needs_two_categories(ord_data):
    one = ord_data.assign(y=np.ones(len(ord_data)))
    with pytest.raises(RError, match="at least 2 categories"):
        rglm.meglm(ORD, one, family="ordinal")


@pytest.mark.parametrize("values, text", [(-1.0, "negative"), (1.5, "integer")])
def test_nbinomial_counts(nb_data, values, text):
    bad = nb_data.copy()
    bad.loc[3, "y"] = values
    with pytest.raises(RError, match=text):
        rglm.meglm(NB, bad, family="nbinomial")


def test_crossed_factors_are_fitted_by_laplace(nb_data):
    # formerly refused; the values are checked in test_crossed.py
    crossed = nb_data.assign(k=pd.Categorical(np.arange(len(nb_data)) % 7))
    fit = rglm.meglm("y ~ x + (1 | g) + (1 | k)", crossed, family="nbinomial")
    assert fit.lik.crossed and fit.lik.intmethod == "laplace" and fit.converged


# ---- gamma ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def gam_data(ref):
    d = ref["gam"]
    return pd.DataFrame({"x": d["x"], "g": pd.Categorical([f"k{i:02d}" for i in d["g"]]),
                         "y": d["y"]})


def test_gamma_density_and_derivatives():
    from rglm.engines.mixed.agq_gamma import GammaLik

    rng = np.random.default_rng(3)
    y = rng.gamma(2.0, 1.5, 30)
    w = rng.uniform(0.5, 2.0, 30)
    eta = rng.normal(1.0, 0.7, size=(2, 30))
    ls = -0.3
    lik = GammaLik(y, w, ls)
    s = np.exp(ls)
    want = w * stats.gamma.logpdf(y, 1.0 / s, scale=np.exp(eta) * s)
    np.testing.assert_allclose(lik.logf(eta) - w * np.log(y), want, rtol=1e-12)
    assert lik.constant == pytest.approx(-np.sum(w * np.log(y)), rel=1e-14)
    h = 1e-5
    score, curv = lik.score_weight(eta)
    np.testing.assert_allclose(score, (lik.logf(eta + h) - lik.logf(eta - h)) / (2 * h),
                               rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(curv, -(lik.score_weight(eta + h)[0]
                                       - lik.score_weight(eta - h)[0]) / (2 * h),
                               rtol=1e-7, atol=1e-9)
    fd = (GammaLik(y, w, ls + h).logf(eta) - GammaLik(y, w, ls - h).logf(eta)) / (2 * h)
    np.testing.assert_allclose(lik.aux_scores(eta)[..., 0], fd, rtol=1e-7, atol=1e-9)


def test_gamma_names(gam_data, fit_of):
    m = fit_of(gam_data, NB, family="gamma", intmethod="laplace")
    assert m.aux_names == ("/logs",) and m.family == "gamma" and m.link == "log"


def test_gamma_mvaghermite_equals_brute_force(gam_data, fit_of):
    m = fit_of(gam_data, NB, family="gamma", intpoints=20)
    beta = m.coefficients.to_numpy()
    s = np.exp(m.aux.iloc[0])
    sd = np.sqrt(m.varcomp["estimate"].iloc[0])
    X = np.column_stack([np.ones(len(gam_data)), gam_data["x"]])
    y = gam_data["y"].to_numpy()

    def logf(b, rows):  # scipy's gamma: shape 1 / s, scale mu s
        return stats.gamma.logpdf(y[rows], 1.0 / s, scale=np.exp(X[rows] @ beta + b) * s)

    assert m.loglik == pytest.approx(_per_group(gam_data, logf, sd, _integral(sd)),
                                     rel=TOL)


def test_gamma_response_must_be_positive(gam_data):
    bad = gam_data.copy()
    bad.loc[5, "y"] = 0.0
    with pytest.raises(RError, match="non-positive values not allowed for the 'Gamma'"):
        rglm.meglm(NB, bad, family="gamma")
    with pytest.raises(RError, match=r"link\(identity\) not allowed with family\(gamma\)"):
        rglm.meglm(NB, gam_data, family="gamma", link="identity")
