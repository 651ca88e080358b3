"""The data of a finite-mixture fit, checked once: :class:`MixtureProblem`.

A problem holds everything that does not depend on the number of classes: the family
and its prepared response, the class model's design ``x`` and the class-probability
design ``z`` (Stata's ``lcprob()``; an intercept alone when there is none), offset,
weights and their Stata type, clusters, and the constraints (``lcinvariant`` and linear
equality constraints on named parameters).

Conventions: n rows; ``x`` is (n, p), ``z`` is (n, q); arrays are private copies,
read-only. Parameter names are ``"class:<k>:<term>"`` (a class's coefficient or its
ancillary, named as the family names it: ``"class:2:lnalpha"``) and
``"lcprob:<k>:<term>"`` (class k's multinomial-logit coefficient), classes numbered
from 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

import numpy as np

from rglm.errors import RError
from rglm.families.densities import FmmFamily, Response

__all__ = ["MixtureProblem", "mixture_problem", "Constraint", "LCINVARIANT_CLASSES",
           "WEIGHT_TYPES"]

LCINVARIANT_CLASSES = ("cons", "coef", "errvar", "scale")
COLLAPSE_RANGE = 15.0
WEIGHT_TYPES = ("fweight", "pweight", "iweight")


@dataclass(frozen=True)
class Constraint:
    """One linear equality constraint ``sum(coefs[name] * theta[name]) == rhs``.

    Stata: ``constraint define # [name] = value`` / ``[a] - [b] = 0``.
    """

    coefs: tuple[tuple[str, float], ...]
    rhs: float = 0.0


@dataclass(frozen=True)
class MixtureProblem:
    """A finite mixture of GLMs without its number of classes.

    Attributes
    ----------
    family : FmmFamily
        The outcome model of every class.
    response : Response
        The outcome, checked for the family's support.
    x : ndarray (n, p)
        Design of the class models (the same columns in every class).
    z : ndarray (n, q)
        Design of the class-probability model (multinomial logit).
    offset : ndarray (n,)
        Added to every class's linear predictor.
    weights : ndarray (n,)
        Observation weights (ones without weights).
    weight_type : str
        ``"fweight"`` (also for unweighted fits), ``"pweight"`` or ``"iweight"``.
    cluster : ndarray (n,) of int or None
        Cluster codes 0..G-1 for ``vce="cluster"``.
    xnames, znames : tuple of str
        Column names of ``x`` and ``z``.
    lcinvariant : frozenset of str
        Parameter classes held equal across classes: a subset of ``cons``, ``coef``,
        ``errvar``, ``scale``.
    constraints : tuple of Constraint
        Further linear equality constraints on named parameters.
    z_intercept_only : bool
        Whether ``z`` is a column of ones (the class probabilities are then the same
        for every row).
    has_offset : bool
        Whether any offset is nonzero.
    ancillary_limit : float or None
        For families whose mixture likelihood is unbounded (``FmmFamily.collapse``):
        how far a class's ancillary may go in the collapsing direction,
        ``collapse * anc <= ancillary_limit``; :data:`COLLAPSE_RANGE` log units beyond the
        one-class moment estimate (a class variance 3e-7 times the whole sample's).
        Points beyond it count as infeasible, so no optimiser follows a class that
        shrinks onto one observation towards an infinite log likelihood.
    """

    family: FmmFamily
    response: Response
    x: np.ndarray
    z: np.ndarray
    offset: np.ndarray
    weights: np.ndarray
    weight_type: str
    cluster: Optional[np.ndarray]
    xnames: tuple[str, ...]
    znames: tuple[str, ...]
    lcinvariant: frozenset
    constraints: tuple[Constraint, ...] = ()
    z_intercept_only: bool = False
    has_offset: bool = False
    ancillary_limit: Optional[float] = None

    @property
    def n(self) -> int:
        return int(self.x.shape[0])

    @property
    def p(self) -> int:
        return int(self.x.shape[1])

    @property
    def q(self) -> int:
        return int(self.z.shape[1])

    @property
    def nobs(self) -> float:
        """Stata's ``e(N)``: the sum of the weights for fweights (replication counts),
        the number of rows for pweights and iweights."""
        if self.weight_type == "fweight":
            return float(self.weights.sum())
        return float(self.n)


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def _matrix(values, n: int, what: str) -> np.ndarray:
    try:
        m = np.array(values, dtype=np.float64, order="F")
    except (TypeError, ValueError):
        raise RError(f"'{what}' must be a numeric matrix") from None
    if m.ndim == 1:
        m = m.reshape(-1, 1, order="F")
    if m.ndim != 2 or m.shape[0] != n:
        raise RError(f"'{what}' must have one row per observation ({n})")
    if not np.isfinite(m).all():
        raise RError(f"NA/NaN/Inf in '{what}'")
    return m


def _vector(values, n: int, what: str, default: float) -> np.ndarray:
    if values is None:
        return np.full(n, default)
    try:
        v = np.array(values, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise RError(f"'{what}' must be numeric") from None
    if v.size != n:
        raise RError(f"number of {what} is {v.size} should equal {n} (number of observations)")
    if not np.isfinite(v).all():
        raise RError(f"NA/NaN/Inf in '{what}'")
    return v


def _lcinvariant(value) -> frozenset:
    items = [value] if isinstance(value, str) else list(value or ())
    out = set()
    for item in items:
        if item == "none":
            continue
        if item == "all":
            out.update(LCINVARIANT_CLASSES)
        elif item in LCINVARIANT_CLASSES:
            out.add(item)
        else:
            listed = ", ".join(f'"{c}"' for c in ("none", *LCINVARIANT_CLASSES, "all"))
            raise RError(f"'lcinvariant' should be one of {listed}")
    return frozenset(out)


def _constraints(value) -> tuple[Constraint, ...]:
    out = []
    for item in value or ():
        if isinstance(item, Constraint):
            out.append(item)
            continue
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], Mapping):
            coefs, rhs = item
        elif isinstance(item, Mapping):
            coefs, rhs = item, 0.0
        else:
            raise RError("a constraint is a Constraint, a mapping of parameter names to "
                         "coefficients, or a (mapping, value) pair")
        out.append(Constraint(tuple((str(k), float(v)) for k, v in coefs.items()), float(rhs)))
    return tuple(out)


def _cluster_codes(cluster, n: int) -> Optional[np.ndarray]:
    if cluster is None:
        return None
    values = np.asarray(cluster).reshape(-1)
    if values.size != n:
        raise RError(f"'cluster' has {values.size} values, should equal {n} (number of "
                     f"observations)")
    try:
        _, codes = np.unique(values, return_inverse=True)
    except TypeError:
        raise RError("'cluster' values cannot be compared") from None
    return codes.astype(np.intp)


def mixture_problem(y, x, family: FmmFamily, *, z=None, offset=None, weights=None,
                    weight_type: str = "fweight", trials=None, cluster=None,
                    xnames: Optional[Sequence[str]] = None,
                    znames: Optional[Sequence[str]] = None,
                    lcinvariant="none", constraints=()) -> MixtureProblem:
    """Check and freeze the data of a mixture fit (nothing of the caller's is kept).

    R: (none; Stata: the data of ``fmm #: glm``)

    Parameters
    ----------
    y : array_like (n,)
        Outcome (successes for ``binomial``).
    x : array_like (n, p)
        Class-model design (its intercept column included).
    family : FmmFamily
    z : array_like (n, q), optional
        Class-probability design; default an intercept column ``"(Intercept)"``.
    offset, weights, trials, cluster : array_like (n,), optional
    weight_type : {"fweight", "pweight", "iweight"}
        Stata's weight semantics: fweights are replication counts (integers);
        pweights are sampling weights (robust variance); iweights are importance
        weights.
    xnames, znames : sequence of str, optional
    lcinvariant : str or sequence of str
        ``"none"`` (default), ``"cons"``, ``"coef"``, ``"errvar"``, ``"scale"``,
        ``"all"``, or several.
    constraints : sequence
        Each a :class:`Constraint`, a mapping ``{name: coefficient}`` (``== 0``), or a
        pair ``(mapping, value)``.
    """
    resp = family.prepare(y, trials)
    n = resp.n
    xm = _matrix(x, n, "x")
    zm = np.ones((n, 1), order="F") if z is None else _matrix(z, n, "z")
    if xnames is None:
        xnames = [f"x{j + 1}" for j in range(xm.shape[1])]
    if znames is None:
        znames = ["(Intercept)"] if z is None else [f"z{j + 1}" for j in range(zm.shape[1])]
    if len(xnames) != xm.shape[1] or len(znames) != zm.shape[1]:
        raise RError("the names do not match the columns of the design")
    w = _vector(weights, n, "weights", 1.0)
    if (w < 0).any():
        raise RError("negative weights not allowed")
    if weight_type not in WEIGHT_TYPES:
        listed = ", ".join(f'"{t}"' for t in WEIGHT_TYPES)
        raise RError(f"'weight_type' should be one of {listed}")
    if weight_type == "fweight" and (w != np.round(w)).any():
        raise RError("may not use noninteger frequency weights")
    if not (w > 0).any():
        raise RError("no observations with positive weight")
    off = _vector(offset, n, "offset", 0.0)
    limit = None
    if family.collapse:
        _, anc0 = family.start(resp, w)
        limit = family.collapse * anc0 + COLLAPSE_RANGE
    return MixtureProblem(
        ancillary_limit=limit,
        family=family, response=resp, x=_frozen(xm), z=_frozen(zm),
        offset=_frozen(off), weights=_frozen(w), has_offset=bool(off.any()),
        weight_type=weight_type, cluster=_cluster_codes(cluster, n),
        xnames=tuple(str(s) for s in xnames), znames=tuple(str(s) for s in znames),
        lcinvariant=_lcinvariant(lcinvariant), constraints=_constraints(constraints),
        z_intercept_only=bool(zm.shape[1] == 1 and (zm == 1.0).all()))
