"""Where each parameter of a K-class mixture sits in the parameter vector ``theta``.

Layout (Stata's order of equations: the class-probability model first):

* for each class ``j`` other than the base, in increasing order: its q coefficients on
  the class-probability design ``z`` (``"lcprob:<j>:<term>"``);
* for each class ``k = 1..K``: its p coefficients (``"class:<k>:<term>"``) followed by
  its ancillary, if the family has one (``"class:<k>:<ancillary>"``).

The base class's class-probability coefficients are zero and not in ``theta``.
``pclass`` is each parameter's class for ``lcinvariant`` (Stata's ``e(b_pclass)``):
``lcprob``, ``cons`` (an intercept), ``coef``, ``errvar`` (gaussian variance) or
``scale`` (the other ancillaries).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

__all__ = ["Layout", "make_layout", "layout_of"]

INTERCEPT = "(Intercept)"


@functools.lru_cache(maxsize=None)
def _others(k: int, base: int) -> tuple[int, ...]:
    return tuple(j for j in range(1, k + 1) if j != base)


@dataclass(frozen=True)
class Layout:
    """The parameter layout of a K-class mixture (see the module notes).

    Attributes
    ----------
    k, p, q, n_anc : int
        Classes, class-model columns, class-probability columns, ancillaries per class.
    base : int
        The base class (1-based) of the multinomial logit.
    names, pclass : tuple of str
        Each parameter's name and ``lcinvariant`` class.
    """

    k: int
    p: int
    q: int
    n_anc: int
    base: int
    names: tuple[str, ...]
    pclass: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.names)

    @property
    def others(self) -> tuple[int, ...]:
        """The non-base classes (1-based), in the order of their blocks."""
        return _others(self.k, self.base)

    @property
    def n_gamma(self) -> int:
        return (self.k - 1) * self.q

    def gamma_slice(self, j: int) -> slice:
        """Block of class ``j``'s (1-based, not the base) class-probability coefficients."""
        i = j - 1 if j < self.base else j - 2
        return slice(i * self.q, (i + 1) * self.q)

    def class_slice(self, k: int) -> slice:
        """Block of class ``k``'s coefficients and ancillary (1-based)."""
        start = self.n_gamma + (k - 1) * (self.p + self.n_anc)
        return slice(start, start + self.p + self.n_anc)

    def beta_slice(self, k: int) -> slice:
        start = self.n_gamma + (k - 1) * (self.p + self.n_anc)
        return slice(start, start + self.p)

    def anc_index(self, k: int) -> int:
        """Position of class ``k``'s ancillary (the family must have one)."""
        return self.n_gamma + k * (self.p + self.n_anc) - 1

    def unpack(self, theta: np.ndarray):
        """``(G (q, K) with the base column zero, B (p, K), anc (K,) or None)``."""
        theta = np.asarray(theta, dtype=np.float64)
        g = np.zeros((self.q, self.k))
        if self.k > 1:
            blocks = theta[: self.n_gamma].reshape(self.k - 1, self.q).T
            g[:, [j - 1 for j in self.others]] = blocks
        comp = theta[self.n_gamma:].reshape(self.k, self.p + self.n_anc).T
        b = np.array(comp[: self.p], order="F")
        anc = comp[self.p].copy() if self.n_anc else None
        return g, b, anc

    def pack(self, g: np.ndarray, b: np.ndarray, anc) -> np.ndarray:
        """Inverse of :meth:`unpack` (``g``'s base column is dropped)."""
        parts = [np.asarray(g)[:, [j - 1 for j in self.others]].T.reshape(-1)]
        comp = np.asarray(b) if not self.n_anc else np.vstack([b, np.asarray(anc)[None, :]])
        parts.append(comp.T.reshape(-1))
        return np.concatenate(parts)


def make_layout(k: int, xnames, znames, ancillary=None, ancillary_class=None,
                base: int = 1) -> Layout:
    """The layout of ``k`` classes with class-model columns ``xnames``, class-probability
    columns ``znames``, and the family's ``ancillary`` name and ``lcinvariant`` class
    (None if it has none)."""
    names: list[str] = []
    pclass: list[str] = []
    for j in (j for j in range(1, k + 1) if j != base):
        names += [f"lcprob:{j}:{t}" for t in znames]
        pclass += ["lcprob"] * len(znames)
    for c in range(1, k + 1):
        names += [f"class:{c}:{t}" for t in xnames]
        pclass += ["cons" if t == INTERCEPT else "coef" for t in xnames]
        if ancillary is not None:
            names.append(f"class:{c}:{ancillary}")
            pclass.append(ancillary_class)
    return Layout(k=k, p=len(xnames), q=len(znames), n_anc=0 if ancillary is None else 1,
                  base=base, names=tuple(names), pclass=tuple(pclass))


def layout_of(problem, k: int, base: int = 1) -> Layout:
    """The layout of a :class:`~rglm.engines.em.problem.MixtureProblem` with ``k``
    classes."""
    fam = problem.family
    return make_layout(k, problem.xnames, problem.znames, fam.ancillary,
                       fam.ancillary_class, base)
