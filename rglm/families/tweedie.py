"""statmod's ``tweedie()`` family: ``V(mu) = mu^p`` with a power link ``mu^q``.

R: statmod::tweedie (statmod 1.5.0). It differs from the ``stats`` families in ways that
change numbers or text, so they are kept:

* the link ``mu^q`` (``q = link.power``, default ``1 - var.power``) is statmod's own, not
  ``stats::power()``: ``linkinv`` is ``eta^(1/q)`` without ``power()``'s
  ``pmax(., eps)`` floor, ``valideta`` is always true, and the name is
  ``paste0("mu^", as.character(q))`` (``mu^-0.5``, ``mu^0.666666666666667``: 15
  significant digits, where ``power()`` rounds to 3); ``q = 0`` is the log link (its
  functions are ``make.link("log")``'s), named ``mu^0``;
* the unit deviance (:func:`~rglm.families.deviance.dev_tweedie`) puts ``0.1`` for
  ``y = 0`` inside its logarithms and negative powers;
* ``validmu`` is ``TRUE`` for ``p = 0``, ``all(mu >= 0)`` for ``p > 0``, ``all(mu > 0)``
  for ``p < 0``; ``initialize`` checks nothing (``mustart = y + 0.1 (y == 0)``);
* ``aic`` is ``NA``: statmod computes no likelihood (the Tweedie density is package
  tweedie's ``dtweedie``); and the family has no ``dispersion`` element, so
  ``summary()`` estimates the dispersion, as for every family but binomial and poisson.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rglm.errors import RError
from rglm.families import deviance as dv
from rglm.families import distributions as ds
from rglm.families import initialize as ini
from rglm.families import variance as vr
from rglm.families.elementwise import rpow
from rglm.families.family import MISSING, Family, exponent_node
from rglm.families.links import Link, make_link
from rglm.formula.ast import Arg, Call, String, Symbol
from rglm.render.rformat import format_number
from rglm.report import message

__all__ = ["tweedie", "tweedie_link"]

# R: tweedie()'s match() tables for character arguments.
_LINK_NAMES = {"identity": 1.0, "log": 0.0, "inverse": -1.0}
_VARIANCE_NAMES = {"gaussian": 0.0, "poisson": 1.0, "Gamma": 2.0, "gamma": 2.0,
                   "inverse.gaussian": 3.0}


def _as_character(value: float) -> str:
    """R's ``as.character()`` of a double: 15 significant digits."""
    return format_number(value, digits=15)


def _condition(value: Any, what: str) -> float:
    """The number statmod's ``if (x == 0)`` tests, with the errors R's ``if`` gives."""
    if value is None:
        raise RError("argument is of length zero")
    arr = np.asarray(value)
    if arr.size == 0:
        raise RError("argument is of length zero")
    if arr.size > 1:
        raise RError("the condition has length > 1")
    if arr.dtype.kind not in "biuf":
        raise RError(f"{what} should be a number")
    number = float(arr.reshape(()))
    if np.isnan(number):
        raise RError("missing value where TRUE/FALSE needed")
    return number


def _from_name(value: Any, table: dict, what: str) -> Any:
    """A character ``link.power`` / ``var.power`` looked up as statmod does (with its
    message); anything else as it is."""
    if not isinstance(value, str):
        return value
    if value not in table:
        raise RError(f"{what} should be a number")
    number = table[value]
    message(f"Setting {what} = {_as_character(number)}")
    return number


def tweedie_link(link_power: float) -> Link:
    """statmod's power link ``eta = mu^q`` (the log link for ``q = 0``).

    R: the link functions inside statmod::tweedie.

    Parameters
    ----------
    link_power : float
        ``q``.

    Returns
    -------
    Link
        Named ``mu^<as.character(q)>``; ``valideta`` always true.
    """
    q = float(link_power)
    name = "mu^" + _as_character(q)
    if q == 0:
        log = make_link("log")
        # make.link("log")'s functions: its linkinv *is* its mu.eta, which the IRLS uses
        return Link(name, log.linkfun, log.linkinv, log.mu_eta, _always_valid, 0.0)
    inv = 1 / q

    def linkfun(mu):
        return rpow(mu, q)

    def linkinv(eta):
        return rpow(eta, inv)

    def mu_eta(eta):
        return inv * rpow(eta, inv - 1)

    return Link(name, linkfun, linkinv, mu_eta, _always_valid, q)


def _always_valid(values) -> bool:
    return True


def _validmu(p: float):
    if p == 0:
        return _always_valid
    return vr.valid_nonnegative if p > 0 else vr.valid_positive


def _arg_node(value: Any):
    """How an argument deparses in ``tweedie(...)``: a string as a string, a number as
    the user would have written it (``1/3`` for 0.333...)."""
    if isinstance(value, str):
        return String(value)
    return exponent_node(float(np.asarray(value, dtype=np.float64).reshape(())))


def _call(var_power: Any, link_power: Any, var_given: bool) -> Call:
    args = []
    if var_given:
        args.append(Arg("var.power", _arg_node(var_power)))
    if link_power is not MISSING:
        args.append(Arg("link.power", _arg_node(link_power)))
    return Call(Symbol("tweedie"), tuple(args))


def tweedie(var_power=MISSING, link_power=MISSING) -> Family:
    """Tweedie family: ``V(mu) = mu^var_power``, link ``mu^link_power``.

    R: statmod::tweedie(var.power = 0, link.power = 1 - var.power)

    Parameters
    ----------
    var_power : float or str, default 0
        ``p``: 0 (normal), 1 (Poisson), 2 (gamma), 3 (inverse Gaussian), between 1 and 2
        (compound Poisson-gamma: exact zeros allowed), or any other number, as statmod
        accepts. ``"gaussian"``, ``"poisson"``, ``"Gamma"``/``"gamma"`` and
        ``"inverse.gaussian"`` set ``p`` with statmod's message (``Setting var.power =
        1``); ``link_power`` must then be given, as in R, where the default ``1 -
        var.power`` fails on a string.
    link_power : float or str, default ``1 - var_power``
        ``q``: 0 is the log link, 1 the identity, -1 the inverse; ``"identity"``,
        ``"log"`` and ``"inverse"`` set it with a message.

    Returns
    -------
    Family
        ``family`` ``"Tweedie"``, ``link`` ``"mu^<q>"``, ``aic`` NA, ``dispersion``
        None (no such element: ``summary()`` estimates it); ``var_power`` and
        ``link_power`` hold ``p`` and ``q`` (R keeps them in the closures' environment).

    Raises
    ------
    RError
        R's errors: ``link.power should be a number`` / ``var.power should be a number``
        for other strings, ``missing value where TRUE/FALSE needed`` for NaN, ``non-numeric
        argument to binary operator`` for a string ``var_power`` without ``link_power``.
    """
    var_given = var_power is not MISSING
    p_arg = var_power if var_given else 0.0
    if link_power is MISSING:
        if isinstance(p_arg, str):
            # R evaluates the default 1 - var.power before it looks at var.power
            raise RError("non-numeric argument to binary operator")
        q = 1 - _condition(p_arg, "var.power")
    else:
        q = _condition(_from_name(link_power, _LINK_NAMES, "link.power"), "link.power")
    link = tweedie_link(q)
    p = _condition(_from_name(p_arg, _VARIANCE_NAMES, "var.power"), "var.power")
    return Family("Tweedie", link.name, link, vr.var_mu_power(p), _validmu(p),
                  dv.dev_tweedie(p), ds.aic_quasi, ini.init_zero_shifted, None, None,
                  "tweedie", _call(var_power, link_power, var_given),
                  var_power=p, link_power=q)
