"""Variance estimators at the optimum: OIM, OPG, robust and cluster sandwiches.

With ``A = -N' H N`` (the observed information of the free parameters) and ``s_i`` the
rows' scores in ``theta`` (:func:`~rglm.engines.em.derivatives.row_scores`):

* ``oim``:     ``N A^-1 N'``
* ``opg``:     ``N (N' M N)^-1 N'``
* ``robust``:  ``N A^-1 (N' M N) A^-1 N' * c``, ``c = N_obs / (N_obs - 1)``
* ``cluster``: the same with the scores summed within clusters, ``c = G / (G - 1)``

Stata's weight semantics (fmm-behaviour.md section 3.3): fweights replicate rows, so
``M = sum w_i s_i s_i'`` and ``N_obs = sum w``; pweights and iweights scale each row's
contribution, ``M = sum (w_i s_i)(w_i s_i)'`` and ``N_obs`` = rows. pweights imply the
robust estimator (``oim`` is answered with ``robust``; ``opg`` is an error).

A singular information matrix (a class with no members, two identical classes) gives
NaN for the variances of the parameters in its null space, not numbers of no meaning.
"""

from __future__ import annotations

import numpy as np

from rglm.errors import RError
from rglm.engines.em.constraints import FreeMap
from rglm.engines.em.problem import MixtureProblem

__all__ = ["VCE_TYPES", "vcov_from", "resolve_vce", "meat"]

VCE_TYPES = ("oim", "opg", "robust", "cluster")

# eigenvalues below this fraction of the largest count as zero (a singular information)
_SINGULAR = 1e-13


def resolve_vce(problem: MixtureProblem, vce: str) -> str:
    """The estimator actually used: pweights turn ``oim`` into ``robust`` (Stata)."""
    if vce not in VCE_TYPES:
        listed = ", ".join(f'"{v}"' for v in VCE_TYPES)
        raise RError(f"'vce' should be one of {listed}")
    if vce == "cluster" and problem.cluster is None:
        raise RError("vce(cluster) needs a cluster variable")
    if problem.weight_type == "pweight":
        if vce == "opg":
            raise RError("vce(opg) not allowed with pweights")
        if vce == "oim":
            return "robust"
    return vce


def _inverse(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(A^-1, singular)`` for a symmetric ``A``: on a singular ``A``, the inverse on
    its range, and the mask of free parameters that load on its null space."""
    vals, vecs = np.linalg.eigh((a + a.T) / 2)
    top = np.abs(vals).max() if vals.size else 0.0
    null = vals <= _SINGULAR * top
    inv = (vecs[:, ~null] / vals[~null]) @ vecs[:, ~null].T
    singular = (np.abs(vecs[:, null]) > 1e-8).any(axis=1) if null.any() else \
        np.zeros(a.shape[0], dtype=bool)
    return inv, singular


def meat(problem: MixtureProblem, scores: np.ndarray, clustered: bool) -> tuple[np.ndarray, float]:
    """``(M, c)``: the sandwich's middle in ``theta`` and its small-sample factor."""
    w = problem.weights
    fweight = problem.weight_type == "fweight"
    if clustered:
        sums = np.zeros((int(problem.cluster.max()) + 1, scores.shape[1]))
        np.add.at(sums, problem.cluster, scores * w[:, None])
        g = sums.shape[0]
        return sums.T @ sums, g / (g - 1.0) if g > 1 else np.nan
    if fweight:
        m = (scores * w[:, None]).T @ scores
        n_obs = float(w.sum())
    else:
        sw = scores * w[:, None]
        m = sw.T @ sw
        n_obs = float(problem.n)
    return m, n_obs / (n_obs - 1.0) if n_obs > 1 else np.nan


def vcov_from(problem: MixtureProblem, fmap: FreeMap, hess: np.ndarray, scores, vce: str
              ) -> np.ndarray:
    """The variance of ``theta`` by ``vce`` (already resolved), given the Hessian of the
    log likelihood in ``theta`` and the rows' scores (None for ``oim``)."""
    n = fmap.basis
    info = -(n.T @ hess @ n)
    info_inv, singular = _inverse(info)
    if vce == "oim":
        v_free = info_inv
    else:
        m, c = meat(problem, scores, vce == "cluster")
        m_free = n.T @ m @ n
        if vce == "opg":
            v_free, sing_m = _inverse(m_free)
            singular = singular | sing_m
        else:
            v_free = info_inv @ m_free @ info_inv * c
    v_free = v_free.copy()
    v_free[singular, :] = 0.0
    v_free[:, singular] = 0.0
    v = n @ v_free @ n.T
    # a parameter fixed by the constraints has no variance: exactly 0, not +-1e-17
    loads = np.abs(n) > 1e-12
    fixed = ~loads.any(axis=1)
    v[fixed, :] = 0.0
    v[:, fixed] = 0.0
    unknown = loads[:, singular].any(axis=1)
    v[unknown, :] = np.nan
    v[:, unknown] = np.nan
    return (v + v.T) / 2
