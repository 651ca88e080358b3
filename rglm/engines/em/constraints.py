"""Linear equality constraints by reparameterisation: ``theta = theta0 + N phi``.

``lcinvariant`` holds a parameter class equal across classes (each class's parameter
equals class 1's); user constraints are rows ``R theta = r`` on named parameters. The
optimiser works on the free vector ``phi``; gradient and Hessian in ``phi`` are
``N' g`` and ``N' H N``, and a variance in ``theta`` is ``N V_phi N'``.

Without user constraints ``N`` is a 0/1 matrix tying parameters (``phi`` holds the
distinct values, in the order of their first appearance) and ``theta0 = 0``; with them,
``N`` is an orthonormal basis of the null space of all the rows and ``theta0`` the
least-norm solution of ``R theta = r``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg

from rglm.errors import RError
from rglm.engines.em.layout import Layout

__all__ = ["FreeMap", "free_map", "tied_slots"]


@dataclass(frozen=True)
class FreeMap:
    """The affine map from free parameters to ``theta``.

    Attributes
    ----------
    theta0 : ndarray (P,)
    basis : ndarray (P, F)
        ``N``; F is the number of free parameters (Stata's ``e(rank)``).
    pinv : ndarray (F, P)
        ``N^+``: ``phi = N^+ (theta - theta0)`` for a ``theta`` that satisfies the
        constraints.
    permutable : bool
        Whether relabelling the classes keeps the constraints (true for
        ``lcinvariant`` alone, which treats all classes alike).
    """

    theta0: np.ndarray
    basis: np.ndarray
    pinv: np.ndarray
    permutable: bool = True

    @property
    def n_free(self) -> int:
        return int(self.basis.shape[1])

    def to_theta(self, phi: np.ndarray) -> np.ndarray:
        return self.theta0 + self.basis @ phi

    def to_phi(self, theta: np.ndarray) -> np.ndarray:
        return self.pinv @ (np.asarray(theta, dtype=np.float64) - self.theta0)

    def project(self, theta: np.ndarray) -> np.ndarray:
        """The nearest ``theta`` (for ties: the average of tied values) that satisfies
        the constraints."""
        return self.to_theta(self.to_phi(theta))


def tied_slots(layout: Layout, lcinvariant) -> np.ndarray:
    """For each parameter, the position of the parameter it equals (itself if free):
    class k's parameters of a tied class point at class 1's."""
    slot = np.arange(layout.size)
    if layout.k < 2 or not lcinvariant:
        return slot
    first = np.arange(layout.class_slice(1).start, layout.class_slice(1).stop)
    for k in range(2, layout.k + 1):
        own = np.arange(layout.class_slice(k).start, layout.class_slice(k).stop)
        for o, f in zip(own, first):
            if layout.pclass[o] in lcinvariant:
                slot[o] = f
    return slot


def _user_rows(layout: Layout, constraints) -> tuple[np.ndarray, np.ndarray]:
    index = {name: i for i, name in enumerate(layout.names)}
    rows = np.zeros((len(constraints), layout.size))
    rhs = np.zeros(len(constraints))
    for r, con in enumerate(constraints):
        for name, coef in con.coefs:
            if name not in index:
                raise RError(f"constraint refers to unknown parameter '{name}'")
            rows[r, index[name]] += coef
        rhs[r] = con.rhs
    return rows, rhs


def free_map(layout: Layout, lcinvariant=frozenset(), constraints=()) -> FreeMap:
    """The reparameterisation of ``layout`` under ``lcinvariant`` and ``constraints``.

    Raises
    ------
    RError
        A constraint naming an unknown parameter, or constraints with no solution.
    """
    slot = tied_slots(layout, lcinvariant)
    if not constraints:
        free = np.unique(slot)
        basis = (slot[:, None] == free[None, :]).astype(np.float64)
        pinv = basis.T / basis.sum(axis=0)[:, None]
        return FreeMap(np.zeros(layout.size), basis, pinv, True)
    user, rhs = _user_rows(layout, constraints)
    ties = np.flatnonzero(slot != np.arange(layout.size))
    tie_rows = np.zeros((ties.size, layout.size))
    tie_rows[np.arange(ties.size), ties] = 1.0
    tie_rows[np.arange(ties.size), slot[ties]] = -1.0
    rows = np.vstack([tie_rows, user])
    target = np.concatenate([np.zeros(ties.size), rhs])
    theta0, *_ = linalg.lstsq(rows, target)
    if not np.allclose(rows @ theta0, target, rtol=1e-10, atol=1e-10 * max(1.0, np.abs(target).max())):
        raise RError("the constraints are inconsistent (they have no solution)")
    basis = linalg.null_space(rows)
    if basis.shape[1] == 0:
        raise RError("the constraints leave no free parameter")
    return FreeMap(theta0, basis, basis.T.copy(), False)
