"""R's family constructors: ``gaussian()``, ``binomial()``, ..., ``negative.binomial()``.

Each assembles a :class:`~rglm.families.family.Family` from a link (chosen by R's rules,
:func:`~rglm.families.family.resolve_link`), a variance function, deviance residuals, an
aic, an initializer and a simulator, and records the call an R user would have written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable, Union

import numpy as np

from rglm.errors import RError
from rglm.families import deviance as dv
from rglm.families import distributions as ds
from rglm.families import initialize as ini
from rglm.families import simulate as sim
from rglm.families import variance as vr
from rglm.families.custom import custom_variance
from rglm.families.tweedie import tweedie
from rglm.render.rformat import format_number
from rglm.families.family import (MISSING, Family, constructor_call, ok_links_message,
                                  resolve_link)
from rglm.formula.ast import Constant, Number, String

__all__ = ["gaussian", "binomial", "poisson", "Gamma", "inverse_gaussian", "quasi",
           "quasibinomial", "quasipoisson", "negative_binomial", "tweedie", "as_family"]

_NAN = float("nan")


def _link(link: Any, family: str, default: str, ok_links: tuple):
    # ok_links in R's order: it is only used in the error message.
    return resolve_link(link, default, ok_links, ok_links_message(family, ok_links))


def gaussian(link=MISSING) -> Family:
    """Gaussian family: ``V(mu) = 1``.

    R: stats::gaussian. okLinks ``identity`` (default), ``log``, ``inverse``; any
    make.link name or :class:`~rglm.families.links.Link` is accepted too.
    """
    lk = _link(link, "gaussian", "identity", ("inverse", "log", "identity"))
    return Family("gaussian", lk.name, lk, vr.var_constant, vr.valid_any, dv.dev_gaussian,
                  ds.aic_gaussian, ini.init_gaussian(lk.name), sim.sim_gaussian, _NAN, "gaussian",
                  constructor_call("gaussian", lk, link))


def _binomial_family(name: str, link: Any, aic, simulator, dispersion) -> Family:
    lk = _link(link, name, "logit", ("logit", "probit", "cloglog", "cauchit", "log"))
    return Family(name, lk.name, lk, vr.var_mu_1mu, vr.valid_unit_finite, dv.dev_binomial,
                  aic, ini.init_binomial(name), simulator, dispersion, name,
                  constructor_call(name, lk, link))


def binomial(link=MISSING) -> Family:
    """Binomial family: ``V(mu) = mu(1 - mu)``, dispersion fixed at 1.

    R: stats::binomial. okLinks ``logit`` (default), ``probit``, ``cloglog``,
    ``cauchit``, ``log``.
    """
    return _binomial_family("binomial", link, ds.aic_binomial, sim.sim_binomial, 1.0)


def quasibinomial(link=MISSING) -> Family:
    """Quasi-binomial family: binomial variance, estimated dispersion, aic NA.

    R: stats::quasibinomial.
    """
    return _binomial_family("quasibinomial", link, ds.aic_quasi, None, _NAN)


def _poisson_family(name: str, label: str, link: Any, aic, simulator, dispersion) -> Family:
    lk = _link(link, name, "log", ("log", "identity", "sqrt"))
    return Family(name, lk.name, lk, vr.var_mu, vr.valid_positive_finite, dv.dev_poisson,
                  aic, ini.init_poisson(label), simulator, dispersion, name,
                  constructor_call(name, lk, link))


def poisson(link=MISSING) -> Family:
    """Poisson family: ``V(mu) = mu``, dispersion fixed at 1.

    R: stats::poisson. okLinks ``log`` (default), ``identity``, ``sqrt``.
    """
    return _poisson_family("poisson", "'Poisson'", link, ds.aic_poisson, sim.sim_poisson, 1.0)


def quasipoisson(link=MISSING) -> Family:
    """Quasi-Poisson family: Poisson variance, estimated dispersion, aic NA.

    R: stats::quasipoisson.
    """
    return _poisson_family("quasipoisson", "'quasiPoisson'", link, ds.aic_quasi, None, _NAN)


def Gamma(link=MISSING) -> Family:  # noqa: N802 - R's name
    """Gamma family: ``V(mu) = mu^2``.

    R: stats::Gamma. okLinks ``inverse`` (default), ``identity``, ``log``.
    """
    lk = _link(link, "Gamma", "inverse", ("inverse", "log", "identity"))
    init = ini.init_positive("non-positive values not allowed for the 'Gamma' family")
    return Family("Gamma", lk.name, lk, vr.var_mu2, vr.valid_positive_finite, dv.dev_gamma,
                  ds.aic_gamma, init, sim.sim_gamma, _NAN, "Gamma",
                  constructor_call("Gamma", lk, link))


def inverse_gaussian(link=MISSING) -> Family:
    """Inverse Gaussian family: ``V(mu) = mu^3``.

    R: stats::inverse.gaussian. okLinks ``1/mu^2`` (default), ``inverse``, ``identity``,
    ``log``.
    """
    lk = _link(link, "inverse.gaussian", "1/mu^2", ("inverse", "log", "identity", "1/mu^2"))
    init = ini.init_positive(
        "positive values only are allowed for the 'inverse.gaussian' family")
    return Family("inverse.gaussian", lk.name, lk, vr.var_mu3, vr.valid_any,
                  dv.dev_inverse_gaussian, ds.aic_inverse_gaussian, init,
                  sim.sim_inverse_gaussian, _NAN, "inverse.gaussian",
                  constructor_call("inverse.gaussian", lk, link))


# variance name -> (V(mu), validmu, dev.resids), as in R's quasi()
_QUASI_VARIANCES = {
    "constant": (vr.var_constant, vr.valid_any, dv.dev_gaussian),
    "mu(1-mu)": (vr.var_mu_1mu, vr.valid_unit, dv.dev_binomial),
    "mu": (vr.var_mu, vr.valid_positive, dv.dev_quasi_mu),
    "mu^2": (vr.var_mu2, vr.valid_positive, dv.dev_quasi_mu2),
    "mu^3": (vr.var_mu3, vr.valid_positive, dv.dev_inverse_gaussian),
}


def quasi(link=MISSING, variance=MISSING) -> Family:
    """Quasi-likelihood family with a chosen link and variance function.

    R: stats::quasi.

    Parameters
    ----------
    link : str or Link
        ``identity`` (default), ``logit``, ``probit``, ``cloglog``, ``inverse``, ``log``,
        ``1/mu^2``, ``sqrt``, any other make.link name, or a Link (e.g. ``power(1/3)``).
    variance : str or Mapping
        ``"constant"`` (default), ``"mu(1-mu)"``, ``"mu"``, ``"mu^2"`` or ``"mu^3"``
        (spaces are ignored, ``"mu ^ 2"``, as R does); or R's variance list, a mapping
        with ``varfun`` (``V(mu)``), ``validmu``, ``dev.resids`` (or ``dev_resids``),
        ``initialize`` and ``name`` (see :mod:`rglm.families.custom`): the family's
        ``varfun`` is then the list's ``name``, and the printed call shows the caller's
        variable holding the mapping (``quasi(link = "log", variance = vf)``).

    Raises
    ------
    RError
        ``'variance' "X" is invalid: possible values are ...`` for other strings (e.g.
        ``"mu^1.5"``: R's own message); R's errors for values that are neither
        (``$ operator is invalid for atomic vectors``).
    """
    ok = ("logit", "probit", "cloglog", "identity", "inverse", "log", "1/mu^2", "sqrt")
    lk = _link(link, "quasi", "identity", ok)
    if isinstance(variance, Mapping) or variance is None:
        # R takes any list here (one without varfun and validmu fails later, in glm), and
        # NULL, whose $varfun is NULL too
        custom = custom_variance({} if variance is None else variance, lk.name)
        node = Constant("NULL") if variance is None else custom.node
        return Family("quasi", lk.name, lk, custom.varfun, custom.validmu, custom.dev_resids,
                      ds.aic_quasi, custom.initialize, None, _NAN, "quasi",
                      constructor_call("quasi", lk, link, variance=node), varfun=custom.name)
    vname = "constant" if variance is MISSING else _variance_name(variance)
    if vname not in _QUASI_VARIANCES:
        raise RError(f"'variance' \"{vname}\" is invalid: possible values are "
                     '"mu(1-mu)", "mu", "mu^2", "mu^3" and "constant"')
    varfun, validmu, dev_resids = _QUASI_VARIANCES[vname]
    extra = {} if variance is MISSING else {"variance": String(str(variance))}
    return Family("quasi", lk.name, lk, varfun, validmu, dev_resids, ds.aic_quasi,
                  ini.init_quasi(vname), None, _NAN, "quasi",
                  constructor_call("quasi", lk, link, **extra), varfun=vname)


def _variance_name(variance: Any) -> str:
    """R's ``gsub(" ", "", vtemp)`` of the ``variance`` argument as written; R's error
    for a value that is neither a string nor a list (``variance$varfun`` fails)."""
    if isinstance(variance, str):
        return variance.replace(" ", "")
    if isinstance(variance, (list, tuple)) and variance and all(
            isinstance(v, str) for v in variance):
        # a character vector: deparsed as c("mu","mu^2"), never a valid name
        return "c(" + ",".join(f'"{v}"' for v in variance) + ")"
    if callable(variance):
        raise RError("object of type 'closure' is not subsettable")
    raise RError("$ operator is invalid for atomic vectors")


def negative_binomial(theta=MISSING, link=MISSING) -> Family:
    """Negative binomial family with known ``theta``: ``V(mu) = mu + mu^2/theta``.

    R: MASS::negative.binomial. okLinks ``log`` (default), ``identity``, ``sqrt``.
    The family name is ``"Negative Binomial(<format(round(theta, 4))>)"``; there is no
    ``dispersion`` element (None), so ``summary()`` estimates it unless told otherwise.

    Raises
    ------
    RError
        ``'theta' must be specified`` when ``theta`` is missing.
    """
    if theta is MISSING:
        raise RError("'theta' must be specified")
    theta = float(theta)
    lk = resolve_link(link, "log", ("log", "identity", "sqrt"), lambda arg: (
        f'"{arg}" link not available for negative binomial family; '
        'available links are "identity", "log" and "sqrt"'))
    name = f"Negative Binomial({format_number(np.round(theta, 4))})"
    return Family(name, lk.name, lk, vr.var_negbin(theta), vr.valid_positive,
                  dv.dev_negbin(theta), ds.aic_negbin(theta), ini.init_negbin,
                  sim.sim_negbin(theta), None, "negative.binomial",
                  constructor_call("negative.binomial", lk, link, theta=Number(theta)),
                  theta=theta)


_BY_NAME: dict[str, Callable[..., Family]] = {
    "gaussian": gaussian, "binomial": binomial, "poisson": poisson, "Gamma": Gamma,
    "inverse.gaussian": inverse_gaussian, "inverse_gaussian": inverse_gaussian,
    "quasi": quasi, "quasibinomial": quasibinomial, "quasipoisson": quasipoisson,
    "negative.binomial": negative_binomial, "negative_binomial": negative_binomial,
    "tweedie": tweedie,
}


def as_family(obj: Union[Family, Callable[[], Family], str]) -> Family:
    """Turn glm()'s ``family`` argument into a :class:`Family`.

    R: the family handling at the top of stats::glm — a character string names the
    constructor (``get(family, mode = "function")``), a function is called with no
    arguments, a family object is used as it is.

    Raises
    ------
    RError
        ``'family' not recognized`` for anything else.
    """
    if isinstance(obj, str):
        if obj not in _BY_NAME:
            # R looks the string up as a function: get(family, mode = "function").
            raise RError(f"object '{obj}' of mode 'function' was not found")
        obj = _BY_NAME[obj]
    if callable(obj) and not isinstance(obj, Family):
        obj = obj()
    if not isinstance(obj, Family):
        raise RError("'family' not recognized")
    return obj
