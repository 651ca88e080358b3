"""Bad input and options not implemented: R-style errors naming what is wrong, Stata's
note for crossed factors with an adaptive method, and the caller's data untouched."""

from __future__ import annotations

import pandas as pd
import pytest

from rglm.errors import RError

CBPP = "cbind(incidence, size - incidence) ~ period + (1 | herd)"


@pytest.fixture()
def cbpp(dataset):
    return dataset("cbpp")


@pytest.mark.parametrize("kw, text", [
    ({"intpoints": 0}, "intpoints must be a positive integer"),
    ({"covariance": "exchangeable"}, "needs at least two random effects"),
    ({"covariance": "banded"}, "must be one of independent, exchangeable"),
    ({"covariance": {"school": "identity"}}, "'school' is not a level of the model"),
    ({"intmethod": "quick"}, "intmethod(quick) invalid"),
    ({"link": "probit", "family": "poisson"}, "link(probit) not allowed with family(poisson)"),
    ({"family": "weibull"}, "family(weibull) unknown"),
    ({"family": None}, "family must be Stata's family name"),
])
def test_bad_input(cbpp, kw, text):
    import rglm

    kw = {"family": "binomial", **kw}
    with pytest.raises(RError) as err:
        rglm.meglm(CBPP, cbpp, **kw)
    assert text in str(err.value)


@pytest.mark.parametrize("family, link", [("gaussian", "log")])
def test_options_not_implemented_say_so(cbpp, family, link):
    """vce/weights (test_robust.py), the ordinal/nbinomial/gamma families
    (test_families.py) and crossed factors with every family (lme4's Laplace deviance
    for R's binomial and Poisson, lmer's exact likelihood for the gaussian, the general
    Laplace for ordinal/nbinomial/gamma: test_crossed.py) are implemented; the gaussian
    with the log link and crossed factors is not."""
    import rglm

    cbpp = cbpp.assign(incidence=cbpp["incidence"] + 1.0)  # positive, for gamma
    with pytest.raises(RError) as err:
        rglm.meglm("incidence ~ 1 + (1 | herd) + (1 | period)", cbpp, family=family,
                   link=link)
    what = f"family({family})" + (f" link({link})" if link else "")
    assert str(err.value) == (f"meglm: {what} with crossed random effects is "
                              "not supported yet (issue #11)")


def test_too_many_nodes_for_the_dimension(cbpp):
    """q * intpoints^q is guarded: 3 effects at 50 points are 375,000 node coordinates."""
    import rglm

    cbpp = cbpp.assign(pn=cbpp["period"].cat.codes.astype(float))
    with pytest.raises(RError, match="intpoints"):
        rglm.meglm("cbind(incidence, size - incidence) ~ 1 + (pn + I(pn^2) | herd)", cbpp,
                   family="binomial", intpoints=50)


def test_binomial_needs_its_trials(cbpp):
    import rglm

    with pytest.raises(RError, match="needs the number of trials"):
        rglm.meglm("incidence ~ period + (1 | herd)", cbpp, family="binomial")


def test_crossed_with_adaptive_method_is_laplace_with_a_note(cbpp, capsys):
    """Stata's rule: crossed random effects are integrated by the Laplace approximation;
    asking for an adaptive method gives its note."""
    import rglm

    fit = rglm.meglm("cbind(incidence, size - incidence) ~ 1 + (1 | herd) + (1 | period)",
                     cbpp, family="binomial", intmethod="mvaghermite")
    assert "crossed random effects model specified; option intmethod(laplace) implied" \
        in capsys.readouterr().err
    assert fit.intmethod == "laplace"
    text = str(fit)
    assert "Integration pts." not in text
    # crossed levels are listed each under its own name (not as a nesting path)
    labels = [line.split("|")[0].strip() for line in text.split("\n") if "|" in line]
    assert labels[-4:] == ["herd", "var(_cons)", "period", "var(_cons)"]


def test_crossed_default_has_no_note(cbpp, capsys, engine_case, assert_close):
    """Without intmethod the crossed model is Laplace's silently; its maximum is at
    least lme4's (verbagg would be slow here: cbpp's herd x period instead, compared
    with rglm.glmer, tested against lme4, to glmer's optimiser tolerance)."""
    import rglm

    formula = "cbind(incidence, size - incidence) ~ 1 + (1 | herd) + (1 | period)"
    fit = rglm.meglm(formula, cbpp, family="binomial")
    assert capsys.readouterr().err == ""
    g = rglm.glmer(formula, cbpp, family=rglm.binomial())
    assert_close(fit.loglik, float(rglm.logLik(g)), 1e-5, "log L")


def test_three_levels_are_refused(dataset):
    """(A gaussian model with crossed factors is fitted: test_fits.py.)"""
    import rglm

    g = dataset("grouseticks")
    with pytest.raises(RError, match="more than two nested levels"):
        rglm.meglm("TICKS ~ 1 + (1 | LOCATION/BROOD/INDEX)", g, family="poisson")


def test_callers_data_is_not_modified(cbpp):
    import rglm

    before = cbpp.copy(deep=True)
    rglm.meglm(CBPP, cbpp, family="binomial", intmethod="laplace")
    pd.testing.assert_frame_equal(cbpp, before)
