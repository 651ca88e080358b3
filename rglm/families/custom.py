"""A user's variance for ``quasi()``: R's ``quasi(variance = list(...))``.

R's ``quasi`` takes, besides the names ``"constant"``, ``"mu(1-mu)"``, ``"mu"``,
``"mu^2"`` and ``"mu^3"``, a list with components ``varfun`` (``V(mu)``), ``validmu``,
``dev.resids``, ``initialize`` and ``name``. It copies the five components into the
family as they are, checking nothing (a list without ``varfun`` and ``validmu`` takes
another path through quasi's code to the same place): what is missing fails later,
where glm.fit uses it, with the error R gives there.

Here the list is a mapping with R's component names (``dev.resids`` may also be written
``dev_resids``). The functions are the user's Python callables: ``varfun(mu)``,
``validmu(mu) -> bool``, ``dev_resids(y, mu, wt)`` (the weighted unit deviances) and
``initialize(y, weights)``, which returns ``mustart`` (``n`` is then 1 for every
observation, as R's own quasi variances set it) or a full
:class:`~rglm.families.initialize.Initialized` record. They see read-only arrays (R's
functions cannot change the fit's vectors either), and what they return is taken as
float64.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable, Optional

import numpy as np

from rglm.callerenv import caller_namespace, name_in
from rglm.errors import RError
from rglm.families.initialize import Initialized
from rglm.formula.ast import Arg, Call, Constant, Node, Number, String, Symbol

__all__ = ["CustomVariance", "custom_variance", "variance_node"]

def _key(name: Any) -> str:
    return "dev.resids" if name == "dev_resids" else str(name)


@dataclass(frozen=True)
class CustomVariance:
    """The family pieces made from a user's variance list.

    Attributes
    ----------
    varfun : callable or None
        The wrapped ``V(mu)``; None where the list has no function ``varfun`` (as in
        R, glm() then says the family is not a valid family object).
    validmu, dev_resids, initialize : callable
        The wrapped user functions (``validmu`` always true where the list has none, as
        glm.fit takes it; a missing ``dev.resids`` or ``initialize`` raises R's error
        where glm.fit would use it).
    name : str or None
        ``variance$name`` (the family's ``varfun``; R's NULL when absent).
    node : Node
        How the ``variance`` argument deparses in the family's call.
    """

    varfun: Optional[Callable]
    validmu: Callable
    dev_resids: Callable
    initialize: Callable
    name: Optional[str]
    node: Node


def _readonly(x: np.ndarray) -> np.ndarray:
    view = np.asarray(x, dtype=np.float64).view()
    view.flags.writeable = False
    return view


def _floats(values: Any, like: np.ndarray, what: str) -> np.ndarray:
    """A user function's result as a new float64 array of ``like``'s shape (one value is
    recycled, as R recycles it)."""
    out = np.array(values, dtype=np.float64, copy=True)
    if out.shape == like.shape:
        return out
    if out.size != 1:
        raise RError(f"'{what}' gave {out.size} values for {like.size} observations")
    return np.full(like.shape, out.reshape(()))


def _wrap_varfun(user: Callable) -> Callable:
    def variance(mu):
        mu = np.asarray(mu, dtype=np.float64)
        return _floats(user(_readonly(mu)), mu, "varfun")

    return variance


def _wrap_validmu(user: Callable) -> Callable:
    def validmu(mu) -> bool:
        with np.errstate(invalid="ignore"):
            return bool(np.all(user(_readonly(mu))))

    return validmu


def _always_valid(mu) -> bool:
    return True


def _wrap_dev_resids(user: Any) -> Callable:
    def dev_resids(y, mu, wt):
        if user is None:
            # glm.fit calls family$dev.resids, which is NULL: R finds no such function
            raise RError('could not find function "dev.resids"')
        if not callable(user):
            raise RError("attempt to apply non-function")
        y, mu, wt = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in (y, mu, wt)))
        return _floats(user(_readonly(y), _readonly(mu), _readonly(wt)), y, "dev.resids")

    return dev_resids


# R evaluates a NULL initialize, so mustart stays NULL and glm.fit goes on with
# eta = linkfun(NULL): what stops it then depends on the link (R 4.2.2 and R-devel alike).
_NO_MUSTART = {
    "logit": "REAL() can only be applied to a 'numeric', not a 'NULL'",
    "probit": "Non-numeric argument to mathematical function",
    "cauchit": "Non-numeric argument to mathematical function",
    "log": "non-numeric argument to mathematical function",
    "sqrt": "non-numeric argument to mathematical function",
    "identity": "NAs in d(mu)/d(eta)",
}
# the other links map NULL to numeric(0), whose variance the IRLS finds NA
_NO_MUSTART_OTHERWISE = "NAs in V(mu)"


def _wrap_initialize(user: Any, link: str) -> Callable:
    def initialize(y, weights, etastart=None, mustart=None, start=None) -> Initialized:
        y = np.array(y, dtype=np.float64, copy=True).reshape(-1)
        nobs = y.shape[0]
        w = (np.ones(nobs) if weights is None
             else np.array(np.broadcast_to(np.asarray(weights, dtype=np.float64), (nobs,))))
        if not callable(user):
            if etastart is None and start is None and mustart is None:
                raise RError(_NO_MUSTART.get(link, _NO_MUSTART_OTHERWISE))
            # glm.fit starts from etastart, start or mustart; no mustart is used
            return Initialized(y, w, np.ones(nobs), np.full(nobs, np.nan))
        out = user(_readonly(y), _readonly(w))
        if isinstance(out, Initialized):
            return Initialized(*(np.array(a, dtype=np.float64, copy=True).reshape(-1)
                                 for a in (out.y, out.weights, out.n, out.mustart)))
        return Initialized(y, w, np.ones(nobs), _floats(out, y, "initialize"))

    return initialize


def _component_node(key: str, value: Any, namespace: Mapping[str, Any]) -> Node:
    """An element of ``list(...)``: a caller's variable by its name, a function by its
    own name, a lambda by the component's name (Python keeps no R source to deparse), a
    string or a number as a constant."""
    # constants first: Python shares equal strings and small numbers between variables
    if isinstance(value, str):
        return String(value)
    if isinstance(value, (bool, np.bool_)):
        return Constant("TRUE" if value else "FALSE")
    if isinstance(value, (int, float, np.integer, np.floating)):
        return Number(float(value))
    name = name_in(namespace, value)
    if name is not None:
        return Symbol(name)
    own = getattr(value, "__name__", "")
    return Symbol(own if callable(value) and own.isidentifier() else key)


def variance_node(variance: Mapping, namespace: Mapping[str, Any]) -> Node:
    """R's ``deparse`` of the ``variance`` argument as written: the caller's variable
    holding the mapping (``variance = vf``), else ``list(name = "...", varfun = ...)``."""
    name = name_in(namespace, variance)
    if name is not None:
        return Symbol(name)
    return Call(Symbol("list"), tuple(
        Arg(_key(k), _component_node(_key(k), v, namespace)) for k, v in variance.items()))


def custom_variance(variance: Mapping, link: str) -> CustomVariance:
    """The family pieces of a variance list (R's ``quasi`` with ``variance = list(...)``).

    Parameters
    ----------
    variance : Mapping
        ``varfun``, ``validmu``, ``dev.resids`` (or ``dev_resids``), ``initialize``,
        ``name``; other entries are ignored, as R ignores them.
    link : str
        The family's link name (a list without ``initialize`` fails by it).

    Raises
    ------
    RError
        ``'variance' has both 'dev.resids' and 'dev_resids'``: one of the two spellings.
    """
    if "dev.resids" in variance and "dev_resids" in variance:
        raise RError("'variance' has both 'dev.resids' and 'dev_resids'")
    parts = {_key(k): v for k, v in variance.items()}
    varfun, validmu = parts.get("varfun"), parts.get("validmu")
    name = parts.get("name")
    return CustomVariance(
        varfun=_wrap_varfun(varfun) if callable(varfun) else None,
        # glm.fit: a NULL validmu is always true
        validmu=_wrap_validmu(validmu) if callable(validmu) else _always_valid,
        dev_resids=_wrap_dev_resids(parts.get("dev.resids")),
        initialize=_wrap_initialize(parts.get("initialize"), link),
        name=None if name is None else str(name),
        node=variance_node(variance, caller_namespace()))
