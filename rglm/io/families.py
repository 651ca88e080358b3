"""A family as data: which constructor made it, with which arguments (and back).

R's ``saveRDS`` stores a family's functions with their environments; rglm stores none
of a family's functions (a file must never carry code). A family is written as its
constructor and the arguments that determine it -- the link (a name, or the exponent of
``power()``), quasi's variance name, the negative binomial's theta, tweedie's powers --
plus the call as the user wrote it, and is rebuilt on loading by calling the same
constructor. The rebuilt family is checked against every stored field, so a file
describing a family no constructor makes is refused rather than half-believed.

A quasi family whose variance is the user's own Python functions (R's
``quasi(variance = list(varfun = ...))``) cannot be saved: those functions are code.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Callable

from rglm.errors import RError
from rglm.families import (Gamma, binomial, gaussian, inverse_gaussian, make_link,
                           negative_binomial, poisson, power, quasi, quasibinomial,
                           quasipoisson, tweedie)
from rglm.families.family import Family
from rglm.families.links import Link
from rglm.formula.ast import String

__all__ = ["family_spec", "rebuild_family", "link_spec", "rebuild_link"]

#: constructor name (R's) -> how to call it with the stored arguments
_LINKED: dict[str, Callable[..., Family]] = {
    "gaussian": gaussian, "binomial": binomial, "quasibinomial": quasibinomial,
    "poisson": poisson, "quasipoisson": quasipoisson, "Gamma": Gamma,
    "inverse.gaussian": inverse_gaussian,
}
#: the fields that identify a family, compared after rebuilding it
_FIELDS = ("family", "link", "varfun", "theta", "var_power", "link_power", "dispersion")


def link_spec(link: Link) -> dict:
    """A link as data: its name, and the exponent of a ``power()`` link."""
    return {"name": link.name, "lambda": link.lambda_}


def rebuild_link(spec: Any) -> Link:
    """The link a :func:`link_spec` describes (``power(lambda)`` or ``make.link(name)``)."""
    if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
        raise RError("cannot load: invalid link description")
    lam = spec.get("lambda")
    link = make_link(spec["name"]) if lam is None else power(_number(lam))
    if link.name != spec["name"]:
        raise RError(f"cannot load: link '{spec['name']}' is not power({lam})")
    return link


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RError(f"cannot load: {value!r} is not a number")
    return float(value)


def family_spec(family: Family) -> dict:
    """A family as data (see the module notes). The call is stored by the caller."""
    ctor = family.constructor
    if ctor not in _LINKED and ctor not in ("quasi", "negative.binomial", "tweedie"):
        raise RError(f"cannot save a family made by '{ctor}'")
    if ctor == "quasi" and any(a.name == "variance" and not isinstance(a.value, String)
                               for a in family.call.args):
        raise RError("cannot save a quasi family whose variance is given as functions "
                     f"(variance '{family.varfun}'): a saved model carries no code; "
                     "refit it after loading")
    spec = {"constructor": ctor, "linkobj": link_spec(family.linkobj)}
    spec.update({name: getattr(family, name) for name in _FIELDS})
    return spec


def rebuild_family(spec: Any, call: Any) -> Family:
    """The family a :func:`family_spec` describes, with its call as the user wrote it.

    Raises
    ------
    RError
        When no constructor makes the described family (a damaged or tampered file).
    """
    if not isinstance(spec, dict):
        raise RError("cannot load: invalid family description")
    ctor = spec.get("constructor")
    if ctor == "tweedie":
        made = tweedie(var_power=_number(spec.get("var_power")),
                       link_power=_number(spec.get("link_power")))
    elif ctor == "negative.binomial":
        made = negative_binomial(_number(spec.get("theta")),
                                 link=rebuild_link(spec.get("linkobj")))
    elif ctor == "quasi":
        if not isinstance(spec.get("varfun"), str):
            raise RError("cannot load: invalid quasi variance")
        made = quasi(link=rebuild_link(spec.get("linkobj")), variance=spec["varfun"])
    elif ctor in _LINKED:
        made = _LINKED[ctor](link=rebuild_link(spec.get("linkobj")))
    else:
        raise RError(f"cannot load: unknown family constructor {ctor!r}")
    for name in _FIELDS:
        if not _same(getattr(made, name), spec.get(name)):
            raise RError(f"cannot load: the stored family's {name} ({spec.get(name)!r}) "
                         f"is not what {ctor}() makes ({getattr(made, name)!r})")
    if link_spec(made.linkobj) != spec.get("linkobj"):
        raise RError("cannot load: the stored family's link is not what "
                     f"{ctor}() makes")
    return dataclasses.replace(made, call=call)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b
