"""Robust and cluster standard errors of ``meglm``: the sandwich on top-level scores.

Stata: ``meglm ..., vce(robust)`` (clustered at the highest level: the top-level
groups are the clusters), ``vce(cluster clustvar)`` (each top-level group within one
cluster of ``clustvar``), and sampling weights, which imply ``vce(robust)``.

With log L(x) = sum_s l_s(x) over the top-level groups s (their pseudo log likelihood
terms w_s (log L_s + c_s) when weighted, :attr:`QuadLik.group_contrib
<rglm.engines.mixed.agq_vector.QuadLik.group_contrib>`), the score of cluster c is
S_c = sum_{s in c} d l_s / d x, and

    V = H^-1 (sum_c S_c S_c') H^-1 * G / (G - 1),

H the Hessian of log L at the estimates (the OIM's, :mod:`.fit`), G the number of
clusters: Stata's small-sample factor for ``vce(cluster)`` (the top-level groups for
``vce(robust)``), in x's scales; the variance components' standard errors follow by the
delta method as for ``vce(oim)``.

The scores are numerical, as the Hessian is: central differences of the vector of
group terms, 2 * npar evaluations of the integrated likelihood for all groups at once
(step 1e-5 * max(1, |x_j|): truncation error O(h^2) ~ 1e-10, the quadrature's
rounding and adaptation tolerances ~ 1e-13 / h ~ 1e-8 relative).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import numpy as np
import pandas as pd

from rglm.errors import RError, rwarn

from .likelihood import MeglmLik

__all__ = ["ClusterVce", "parse_vce", "cluster_vce", "group_scores", "sandwich",
           "VCE_NAMES"]

VCE_NAMES = ("oim", "robust", "cluster")

_REL_STEP = 1e-5


@dataclass(frozen=True)
class ClusterVce:
    """How the top-level groups form the sandwich's clusters.

    Attributes
    ----------
    kind : {"robust", "cluster"}
    name : str
        The variable of Stata's ``(Std. err. adjusted for N clusters in name)``: the
        top grouping factor for ``robust``, ``clustvar`` for ``cluster``.
    of_group : numpy.ndarray (G_top,)
        The cluster (0..n_clusters-1) of each top-level group, groups in the order of
        their codes (the engine's order of ``group_loglik``).
    n_clusters : int
    """

    kind: str
    name: str
    of_group: np.ndarray = field(repr=False)
    n_clusters: int


def parse_vce(vce: Any) -> tuple:
    """``(kind, cluster column or None)`` of meglm's ``vce`` argument."""
    if isinstance(vce, (tuple, list)):
        if len(vce) == 2 and vce[0] == "cluster" and vce[1] is not None:
            return "cluster", vce[1]
        raise RError('\'vce\' is "oim", "robust" or ("cluster", column)')
    if vce == "cluster":
        raise RError('vce(cluster) needs a cluster variable: vce=("cluster", "column")')
    if vce not in VCE_NAMES:
        raise RError(f"vce({vce}) invalid: 'vce' is \"oim\", \"robust\" or "
                     "(\"cluster\", column)")
    return vce, None


def cluster_vce(kind: str, top_codes: np.ndarray, top_name: str,
                cluster: Optional[np.ndarray] = None,
                cluster_name: Optional[str] = None) -> ClusterVce:
    """The clusters of ``vce(robust)`` (each top-level group its own) or
    ``vce(cluster)``.

    Parameters
    ----------
    kind : {"robust", "cluster"}
    top_codes : numpy.ndarray (n,)
        Each row's top-level group (codes 0..G-1).
    top_name : str
        The top grouping factor's name.
    cluster : array (n,), optional
        Each row's cluster (any values without missing ones), for ``cluster``.
    cluster_name : str, optional

    Raises
    ------
    RError
        Stata's ``highest-level groups are not nested within clustvar`` when a top-level
        group spans clusters; missing cluster values.
    """
    top_codes = np.asarray(top_codes, dtype=np.int64)
    groups, top = np.unique(top_codes, return_inverse=True)
    if kind == "robust":
        return ClusterVce("robust", top_name, np.arange(groups.size), int(groups.size))
    values = _codes(cluster)
    pairs = np.unique(np.column_stack([top, values]), axis=0)
    if pairs.shape[0] != groups.size:
        raise RError(f"highest-level groups are not nested within {cluster_name}")
    of_group = np.empty(groups.size, dtype=np.int64)
    of_group[pairs[:, 0]] = pairs[:, 1]
    used, of_group = np.unique(of_group, return_inverse=True)
    return ClusterVce("cluster", str(cluster_name), of_group, int(used.size))


def _codes(values) -> np.ndarray:
    """Integer codes of a cluster variable (numbers, strings or categories)."""
    codes, _ = pd.factorize(pd.Series(values), sort=True)
    if np.any(codes < 0):
        raise RError("missing values in the cluster variable")
    return codes.astype(np.int64)


def group_scores(lik: MeglmLik, x: np.ndarray, rel: float = _REL_STEP) -> np.ndarray:
    """d l_s / d x of every top-level group: central differences of the engine's group
    terms (``QuadLik.group_contrib``), shape (G_top, npar)."""
    x = np.asarray(x, dtype=np.float64)
    h = rel * np.maximum(1.0, np.abs(x))
    cols = []
    try:
        for j, e in enumerate(np.diag(h)):
            up = lik.evaluate(x + e).group_contrib
            down = lik.evaluate(x - e).group_contrib
            cols.append((up - down) / (2.0 * h[j]))
    except (RError, np.linalg.LinAlgError):
        raise RError("robust variance not available: the likelihood cannot be "
                     "evaluated near the estimates") from None
    return np.column_stack(cols)


def sandwich(hessian: np.ndarray, scores: np.ndarray, vce: ClusterVce) -> np.ndarray:
    """H^-1 (sum_c S_c S_c') H^-1 * G / (G - 1) (module doc), NaN when H is singular
    or there is one cluster."""
    k = scores.shape[1]
    sums = np.zeros((vce.n_clusters, k))
    np.add.at(sums, vce.of_group, scores)
    G = vce.n_clusters
    if G < 2:
        rwarn("one cluster: robust standard errors not available")
        return np.full((k, k), np.nan)
    try:
        bread = np.linalg.inv(-np.asarray(hessian))
    except np.linalg.LinAlgError:
        rwarn("Hessian is not negative semidefinite: standard errors not available")
        return np.full((k, k), np.nan)
    V = bread @ (sums.T @ sums) @ bread.T * (G / (G - 1.0))
    return (V + V.T) / 2.0
