"""Links against R's make.link()/power() values, plus inverse/derivative identities."""

from __future__ import annotations

import numpy as np
import pytest

from rglm.errors import RError
from rglm.families import Link, make_link, power
from rglm.families.links import EPS, LINK_NAMES

LINK_KEYS = ["logit", "probit", "cauchit", "cloglog", "identity", "log", "sqrt", "1/mu^2",
             "inverse", "power(1/3)", "power(2)", "power(0.5)", "power(0)", "power(1)",
             "power(-2)"]


def _link(key: str) -> Link:
    if key.startswith("power("):
        return power(eval(key[6:-1]))  # the exponents are literals written in this file
    return make_link(key)


def _v(x) -> np.ndarray:
    return np.atleast_1d(np.asarray(x, dtype=np.float64))


@pytest.mark.parametrize("key", LINK_KEYS)
def test_link_matches_r(ref, key):
    r = ref["links"][key]
    lk = _link(key)
    assert lk.name == r["name"]
    np.testing.assert_allclose(lk.linkfun(_v(r["mu"])), _v(r["linkfun"]), rtol=1e-13)
    np.testing.assert_allclose(lk.linkinv(_v(r["eta"])), _v(r["linkinv"]), rtol=1e-13)
    np.testing.assert_allclose(lk.mu_eta(_v(r["eta"])), _v(r["mu_eta"]), rtol=1e-13)
    got = [lk.valideta(_v(e)) for e in ref["valideta_cases"]]
    assert got == r["valideta"]


@pytest.mark.parametrize("key", ["logit", "probit", "cauchit", "cloglog", "log"])
def test_clamps_are_bit_exact(ref, key):
    # The thresholds change fits at the boundary: the clamped values must be R's exactly.
    r = ref["links"][key]
    eta = _v(r["eta"])
    clamped = (np.abs(eta) >= 30) if key == "logit" else (np.abs(eta) >= 8.2)
    if key in ("cloglog", "log"):
        clamped = np.abs(eta) >= 699
    got_inv = make_link(key).linkinv(eta)
    got_deriv = make_link(key).mu_eta(eta)
    if key == "probit":
        # scipy's ndtr and R's pnorm (Cody), numpy's and libm's exp, differ in the last
        # bits: the clamp itself is what matters.
        np.testing.assert_allclose(got_inv[clamped], _v(r["linkinv"])[clamped], rtol=1e-14)
        np.testing.assert_allclose(got_deriv[clamped], _v(r["mu_eta"])[clamped], rtol=1e-14)
    else:
        # The log link has no upper clamp: at eta >= 699 its values are exp() itself, whose
        # last bit differs between numpy builds and CPUs (numpy 1.26's exp(701) is one
        # ulp from libm's), so they are compared within 2 ulp; everything else exactly.
        plain = clamped & (eta > 0) if key == "log" else np.zeros_like(clamped)
        for got, want in ((got_inv, _v(r["linkinv"])), (got_deriv, _v(r["mu_eta"]))):
            exact = clamped & ~plain
            assert np.array_equal(got[exact], want[exact])
            np.testing.assert_allclose(got[plain], want[plain], rtol=2 * EPS)


def test_thresholds_are_rs(ref):
    from rglm.families import links
    assert links._PROBIT_THRESH == ref["thresholds"]["probit"]
    assert links._CAUCHIT_THRESH == ref["thresholds"]["cauchit"]


def test_logit_thresholds_exact():
    lk = make_link("logit")
    # R's logit_linkinv (family.c): tmp = DBL_EPSILON below eta = -30, then tmp/(1 + tmp)
    assert lk.linkinv(np.array([-31.0]))[0] == EPS / (1 + EPS)
    assert lk.mu_eta(np.array([31.0]))[0] == EPS
    assert lk.mu_eta(np.array([-31.0]))[0] == EPS


def test_power_names(ref):
    r = ref["power_names"]
    assert [power(lam).name for lam in _v(r["lambda"])] == r["name"]


def test_power_special_cases():
    assert power(0).name == "log"
    assert power(-1).name == "log"
    assert power(1).name == "identity"
    assert power(1).lambda_ == 1.0
    assert power(1 / 3).name == "mu^0.333"


@pytest.mark.parametrize("bad", ["a", None, float("nan"), True])
def test_power_invalid_lambda(ref, bad):
    with pytest.raises(RError) as err:
        power(bad)
    assert str(err.value) == ref["errors"]["power_character"]


def test_unknown_link(ref):
    with pytest.raises(RError) as err:
        make_link("foo")
    assert str(err.value) == ref["errors"]["make_link_unknown"]


def test_logit_out_of_range(ref):
    with pytest.raises(RError) as err:
        make_link("logit").linkfun(np.array([0.5, 1.5, -2]))
    assert str(err.value) == ref["errors"]["logit_range"]
    with pytest.raises(RError) as err:
        make_link("logit").linkfun(np.array([0.5, -0.25]))
    assert str(err.value) == ref["errors"]["logit_range_neg"]


# ---- identities (no R needed) ------------------------------------------------------------

UNIT_LINKS = ["logit", "probit", "cauchit", "cloglog"]
MU_UNIT = np.linspace(0.01, 0.99, 25)
MU_POS = np.geomspace(0.05, 50, 25)


@pytest.mark.parametrize("name", LINK_NAMES)
def test_linkinv_inverts_linkfun(name):
    mu = MU_UNIT if name in UNIT_LINKS else MU_POS
    lk = make_link(name)
    np.testing.assert_allclose(lk.linkinv(lk.linkfun(mu)), mu, rtol=1e-12)


@pytest.mark.parametrize("lam", [1 / 3, 0.5, 2, 3.7])
def test_power_inverts(lam):
    lk = power(lam)
    np.testing.assert_allclose(lk.linkinv(lk.linkfun(MU_POS)), MU_POS, rtol=1e-12)


@pytest.mark.parametrize("lk", [make_link(n) for n in LINK_NAMES] + [power(1 / 3), power(2)],
                         ids=lambda lk: lk.name)
def test_mu_eta_is_derivative(lk):
    mu = MU_UNIT if lk.name in UNIT_LINKS else MU_POS
    eta = lk.linkfun(mu)
    h = 1e-6 * np.maximum(np.abs(eta), 1e-3)
    numeric = (lk.linkinv(eta + h) - lk.linkinv(eta - h)) / (2 * h)
    np.testing.assert_allclose(lk.mu_eta(eta), numeric, rtol=1e-6)


@pytest.mark.parametrize("name", LINK_NAMES)
def test_inputs_not_modified(name):
    mu = MU_UNIT.copy()
    lk = make_link(name)
    out = lk.linkfun(mu)
    out2 = lk.linkinv(mu)
    out[...] = 0
    out2[...] = 0
    np.testing.assert_array_equal(mu, MU_UNIT)


def test_links_compare_by_name():
    assert power(1 / 3) == power(1 / 3)
    assert make_link("log") == make_link("log")
    assert make_link("log") != make_link("identity")
    assert power(0.5) != make_link("sqrt")
