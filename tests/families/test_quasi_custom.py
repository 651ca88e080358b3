"""quasi(variance = <list>) against R: the family R's quasi() makes of a variance list.

Expected values: the ``custom`` and ``errors`` sections of ``tests/reference/tweedie.json``
(``tests/reference/make_tweedie.R``); whole ``glm()`` fits with variance lists (``mu^1.5``,
``mu(1-mu)^2``, a list without ``initialize`` started from ``mustart``) and the errors glm()
gives for incomplete lists are in ``glm_models.json`` (``make_reference.R``).
"""

from __future__ import annotations

import numpy as np
import pytest

from rglm.errors import RError
from rglm.families import Initialized, quasi
from rglm.formula.ast import Call, String, Symbol
from rglm.formula.deparse import deparse

# elementwise formulas (the user's own, the same in R and here)
TOL = 1e-12

custom = pytest.mark.r_cases("tweedie", "custom", ids="label")


def _family(case, r_eval):
    return r_eval(case["py"], setup=case["py_setup"]).value


@custom
def test_family_elements(case, r_eval, r_values, assert_close, reference):
    fam = _family(case, r_eval)
    assert (fam.family, fam.link, fam.varfun) == (case["family"], case["link"], case["varfun"])
    assert str(fam) == case["print"]
    assert "\n".join(deparse(fam.call)) == case["deparse"]
    y, mu, wt = (r_values(case[k]) for k in ("y", "mu", "wt"))
    assert_close(fam.variance(mu), case["variance"], TOL, "variance")
    dr = fam.dev_resids(y, mu, wt)
    assert_close(dr, case["dev_resids"], TOL, "dev.resids")
    assert_close(fam.aic(y, np.ones_like(y), mu, wt, float(np.sum(dr))), case["aic"], TOL, "aic")
    assert [fam.validmu(r_values(m)) for m in reference("tweedie")["mu_cases"]] == \
        case["validmu"]
    init = fam.initialize(y, wt)
    for name in ("y", "weights", "n", "mustart"):
        assert_close(getattr(init, name), case["initialize"][name], TOL, name)


# ---- the Python side of a variance list ---------------------------------------------------


def _dev_mu15(y, mu, wt):
    return 4 * wt * (np.sqrt(y) - np.sqrt(mu)) ** 2 / np.sqrt(mu)


def _mu15(**extra):
    """The variance list of make_tweedie.R's ``vmu15``, as a Python user writes it."""
    lists = {"name": "mu^1.5", "varfun": lambda mu: mu ** 1.5,
             "validmu": lambda mu: np.all(mu > 0), "dev.resids": _dev_mu15,
             "initialize": lambda y, weights: y + 0.1 * (y == 0)}
    lists.update(extra)
    return lists


def test_dev_resids_spelled_as_an_attribute(dataset):
    import rglm

    quine = dataset("quine")
    written_r = _mu15()
    written_py = _mu15()
    written_py["dev_resids"] = written_py.pop("dev.resids")
    a = rglm.glm("Days ~ Eth + Sex", family=quasi(link="log", variance=written_r), data=quine)
    b = rglm.glm("Days ~ Eth + Sex", family=quasi(link="log", variance=written_py), data=quine)
    np.testing.assert_array_equal(a.coefficients, b.coefficients)
    assert a.deviance == b.deviance
    both = _mu15(dev_resids=written_r["dev.resids"])
    with pytest.raises(RError, match="both"):
        quasi(variance=both)


def test_initialize_may_return_the_whole_record(dataset):
    import rglm

    quine = dataset("quine")

    def start_all(y, weights):
        return Initialized(y, weights, np.ones_like(y), y + 0.1 * (y == 0))

    a = rglm.glm("Days ~ Eth + Sex", family=quasi(link="log", variance=_mu15()), data=quine)
    b = rglm.glm("Days ~ Eth + Sex", family=quasi(link="log", variance=_mu15(
        initialize=start_all)), data=quine)
    np.testing.assert_array_equal(a.coefficients, b.coefficients)


def test_the_functions_cannot_write_into_the_fit(dataset):
    """R's functions get copies; here they get read-only views of the fit's vectors."""
    import rglm

    def clobber(mu):
        mu[:] = 1.0
        return mu

    with pytest.raises(ValueError, match="read-only"):
        rglm.glm("Days ~ Eth", family=quasi(link="log", variance=_mu15(varfun=clobber)),
                 data=dataset("quine"))


def test_an_inline_list_deparses_with_the_functions_names():
    """R deparses a list written inline with its functions' source; Python keeps none,
    so a function is named by the caller's variable holding it, else by its own name,
    else (a lambda) by the component's name."""

    def vf15(mu):
        return mu ** 1.5

    fam = quasi(link="log", variance={"name": "mu^1.5", "varfun": vf15,
                                      "validmu": lambda mu: np.all(mu > 0)})
    listed = fam.call.args[1].value
    assert fam.call.args[1].name == "variance"
    assert isinstance(listed, Call) and listed.fn == Symbol("list")
    assert [a.name for a in listed.args] == ["name", "varfun", "validmu"]
    assert [a.value for a in listed.args] == [String("mu^1.5"), Symbol("vf15"),
                                              Symbol("validmu")]


def test_a_variable_holding_the_list_deparses_by_its_name():
    vmu15 = _mu15()
    fam = quasi(variance=vmu15)
    assert fam.call.args[0].name == "variance"
    assert fam.call.args[0].value == Symbol("vmu15")
    assert fam.varfun == "mu^1.5"
