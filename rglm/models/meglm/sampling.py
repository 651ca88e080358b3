"""meglm's sampling weights and variance options, from the caller's arguments.

Stata: ``meglm y x [pweight=w1] || psu:, pweight(w2) ..., vce(robust | cluster c)``;
here ``weights="w1"``, ``level_weights={"psu": "w2"}``, ``vce="robust"`` or
``("cluster", "c")``. Checks as Stata's: weights non-negative and not missing, a
level's weights constant within its groups, one weight type (pweights here), none with
the Laplace approximation or crossed factors; pweights imply ``vce(robust)``. The
numbers are the engine's (:class:`~rglm.engines.mixed.agq_vector.PWeights`) and
:mod:`.robust`'s.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

import numpy as np
import pandas as pd

from rglm.engines.mixed.agq_vector import PWeights
from rglm.errors import RError

from .robust import ClusterVce, cluster_vce

__all__ = ["WEIGHT_TYPES", "raw_column", "sampling_weights", "vce_clusters"]

#: Stata's weight types; meglm here fits sampling weights only.
WEIGHT_TYPES = ("pweight", "fweight", "iweight")


def raw_column(value, data, frame, namespace, what: str) -> np.ndarray:
    """A column (by name, from ``data`` or the caller's namespace) or values, at the
    model frame's rows, as given (numbers, strings or categories)."""
    if isinstance(value, str):
        if data is not None and value in data.columns:
            value = data[value]
        elif value in namespace:
            value = namespace[value]
        else:
            raise RError(f"variable {value} not found ({what})")
    arr = np.asarray(value.to_numpy() if isinstance(value, pd.Series) else value)
    if arr.ndim != 1:
        raise RError(f"{what} must be one column")
    pos = frame.positions
    if pos is None or len(arr) == frame.nrow:
        if len(arr) != frame.nrow:
            raise RError(f"{what}: {len(arr)} values for {frame.nrow} observations")
        return arr
    return arr[pos]


def _weights(value, column, what: str) -> np.ndarray:
    values = column(value, what)
    try:
        w = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise RError(f"{what} must be numeric") from None
    if np.any(np.isnan(w)):
        raise RError(f"{what}: missing values not allowed")
    if np.any(w < 0):
        raise RError(f"negative weights encountered ({what})")
    if not np.all(np.isfinite(w)):
        raise RError(f"{what} must be finite")
    return w


def _level_of(key: str, groups: tuple) -> str:
    """The problem's grouping factor named by ``key`` (a nested level by its own
    variable, ``class`` for ``class:school``, or lme4's name)."""
    hits = [g for g in groups if g == key] or [g for g in groups if g.split(":")[0] == key]
    if len(hits) != 1:
        raise RError(f"level_weights: {key!r} is not a level of the model "
                     f"(levels: {', '.join(g.split(':')[0] for g in groups)})")
    return hits[0]


def sampling_weights(weights: Any, level_weights: Optional[Mapping[str, Any]],
                     weight_type: str, column, problem, intmethod: str,
                     crossed: bool) -> Optional[PWeights]:
    """The engine's weights record (None when there are no weights).

    Parameters
    ----------
    weights : column name or values, optional
        Observation-level sampling weights (Stata's ``[pweight=w]``).
    level_weights : {level: column name or values}, optional
        Per grouping factor (Stata's ``|| level:, pweight(w)``), constant within its
        groups.
    weight_type : str
        ``"pweight"`` (Stata's ``fweight``/``iweight`` are refused).
    column : callable (value, what) -> array at the frame's rows
    problem : MixedProblem
        One random-effects term per grouping factor.
    intmethod : str
    crossed : bool

    Raises
    ------
    RError
        Another weight type, weights with ``laplace`` or crossed factors, missing or
        negative weights, a level's weights not constant within its groups, an unknown
        level.
    """
    if weights is None and not level_weights:
        return None
    if weight_type not in WEIGHT_TYPES:
        raise RError(f"weight_type must be one of {', '.join(map(repr, WEIGHT_TYPES))}")
    if weight_type != "pweight":
        raise RError(f"{weight_type}s are not supported by meglm here: use sampling "
                     "weights (weight_type=\"pweight\")")
    if crossed:
        raise RError("weights not allowed with crossed random effects")
    if intmethod == "laplace":
        raise RError("weights not allowed with intmethod(laplace)")
    if level_weights is not None and not isinstance(level_weights, Mapping):
        raise RError("level_weights must be a dict {level: weight column}")
    obs = None if weights is None else _weights(weights, column, "weights")
    terms = {t.group: t for t in problem.reterms.terms}
    levels = {}
    for key, value in (level_weights or {}).items():
        g = _level_of(str(key), tuple(terms))
        w = _weights(value, column, f"pweight({value if isinstance(value, str) else key})")
        codes = np.asarray(terms[g].codes)
        levels_, first = np.unique(codes, return_index=True)
        per_group = np.zeros(terms[g].nl)
        per_group[levels_] = w[first]
        if np.any(w != per_group[codes]):
            raise RError(f"weights not constant within groups defined by {key}")
        levels[g] = w
    return PWeights(obs=obs, levels=levels)


def vce_clusters(kind: str, cluster: Any, raw, problem, top: str,
                 crossed: bool) -> Optional[ClusterVce]:
    """The clusters of ``vce(robust)``/``vce(cluster)`` (None for ``oim``).

    ``raw(value, what)`` reads the cluster variable at the frame's rows; ``top`` is
    the outermost grouping factor.
    """
    if kind == "oim":
        return None
    if crossed:
        raise RError(f"vce({kind}) not allowed with crossed random effects")
    (term,) = [t for t in problem.reterms.terms if t.group == top]
    name = top.split(":")[0]
    if kind == "robust":
        return cluster_vce("robust", term.codes, name)
    values = raw(cluster, "vce(cluster)")
    label = cluster if isinstance(cluster, str) else "cluster"
    return cluster_vce("cluster", term.codes, name, values, label)
