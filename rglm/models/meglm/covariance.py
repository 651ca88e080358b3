"""Covariance structures of one level's random effects, and their parameters.

Stata: ``meglm ... || g: x, covariance(independent | exchangeable | identity |
unstructured)``; R: lme4's bars give two of them (``(x | g)`` unstructured, ``(x || g)``
or separate terms independent) and blocks of them (``(x | g) + (0 + z | g)``).

Parameters of a level with q effects, on scales free of bounds (as Stata's ``ml``
works on log standard deviations and transformed correlations):

=================  ===============================================================
``independent``    log sd_j, j = 1..q
``identity``       log sd (one, shared)
``exchangeable``   log sd (shared) and z, the common correlation
                   rho = lo + (1 - lo) / (1 + exp(-z)) with lo = -1 / (q - 1),
                   the smallest rho keeping Sigma positive definite
``unstructured``   the lower triangle of Sigma's Cholesky factor L (column-wise,
                   lme4's order), its diagonal on the log scale; a ``mask`` keeps
                   only the blocks of lme4's terms (zeros elsewhere stay zero: the
                   Cholesky factor of a block-diagonal matrix is block diagonal)
=================  ===============================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from rglm.errors import RError

__all__ = ["COVARIANCES", "LevelCov", "level_cov"]

COVARIANCES = ("independent", "exchangeable", "identity", "unstructured")


def _colwise_tril(q: int) -> tuple:
    """(rows, cols) of a q x q lower triangle, column by column (lme4's theta order)."""
    ii, jj = np.tril_indices(q)
    order = np.lexsort((ii, jj))
    return ii[order], jj[order]


@dataclass(frozen=True)
class LevelCov:
    """One grouping factor's covariance structure.

    Attributes
    ----------
    group : str
        The grouping factor (``district``, ``class:school``).
    names : tuple of str
        Its effects' column names, in the order of Z's columns.
    kind : str
        One of :data:`COVARIANCES` (``"unstructured"`` with a block mask for lme4's
        terms side by side is reported as ``"blocked"``).
    mask : numpy.ndarray (q, q) of bool
        The free elements of L's lower triangle (``unstructured`` only).
    """

    group: str
    names: tuple
    kind: str
    mask: np.ndarray = field(repr=False)

    @property
    def q(self) -> int:
        return len(self.names)

    @property
    def label(self) -> str:
        """Stata's name of the structure (``Independent``, ``Unstructured``)."""
        if self.kind == "unstructured" and not self.mask.all():
            return "Blocked"
        return self.kind.capitalize()

    @property
    def _free(self) -> tuple:
        ii, jj = _colwise_tril(self.q)
        keep = self.mask[ii, jj]
        return ii[keep], jj[keep]

    @property
    def nparam(self) -> int:
        if self.kind == "independent":
            return self.q
        if self.kind == "identity":
            return 1
        if self.kind == "exchangeable":
            return 2 if self.q > 1 else 1
        return len(self._free[0])

    def start(self, variances=None) -> np.ndarray:
        """Every variance 1, every covariance 0 (Stata's ``startvalues(fixedonly)``);
        or the given ``variances`` (one per ``var()`` of :meth:`labels`, in the order
        of :attr:`names`), covariances 0 (a point of Stata's ``startgrid()``)."""
        if self.kind == "exchangeable" and self.q > 1:
            # rho = 0: (1 - lo) / (1 + exp(-z)) = -lo, i.e. z = log(-lo)
            psi = np.array([0.0, np.log(1.0 / (self.q - 1))])
        else:
            psi = np.zeros(self.nparam)
        if variances is None:
            return psi
        logsd = 0.5 * np.log(np.asarray(variances, dtype=np.float64))
        if self.kind == "unstructured":
            ii, jj = self._free
            psi[ii == jj] = logsd[ii[ii == jj]]
            return psi
        psi[:len(logsd)] = logsd[:len(psi)]
        return psi

    def chol(self, psi: np.ndarray) -> np.ndarray:
        """L (q x q lower triangular) with L L' = Sigma."""
        q = self.q
        if self.kind == "independent":
            return np.diag(np.exp(psi))
        if self.kind == "identity":
            return np.exp(psi[0]) * np.eye(q)
        if self.kind == "exchangeable":
            if q == 1:
                return np.exp(psi[:1]).reshape(1, 1)
            return np.linalg.cholesky(self.sigma(psi))
        ii, jj = self._free
        L = np.zeros((q, q))
        vals = np.where(ii == jj, np.exp(psi), psi)
        L[ii, jj] = vals
        return L

    def sigma(self, psi: np.ndarray) -> np.ndarray:
        """The covariance matrix Sigma of the level's effects."""
        if self.kind == "exchangeable" and self.q > 1:
            lo = -1.0 / (self.q - 1)
            rho = lo + (1.0 - lo) / (1.0 + np.exp(-psi[1]))
            R = np.full((self.q, self.q), rho)
            np.fill_diagonal(R, 1.0)
            return np.exp(2.0 * psi[0]) * R
        L = self.chol(psi)
        return L @ L.T

    @property
    def display_names(self) -> tuple:
        """Stata's names of the effects: ``_cons`` for the intercept, listed last."""
        names = ["_cons" if n == "(Intercept)" else n for n in self.names]
        return tuple(names[i] for i in self.display_order)

    @property
    def display_order(self) -> np.ndarray:
        cons = [i for i, n in enumerate(self.names) if n == "(Intercept)"]
        return np.array([i for i in range(self.q) if i not in cons] + cons, dtype=np.int64)

    def _pairs(self) -> list:
        """(i, j) of the covariances reported, in Stata's display order."""
        o = self.display_order
        out = []
        for a in range(self.q):
            for b in range(a + 1, self.q):
                i, j = o[a], o[b]
                if self.kind == "unstructured" and not self.mask[max(i, j), min(i, j)]:
                    continue
                out.append((i, j, a, b))
        return out

    def labels(self) -> tuple:
        """Stata's row labels: ``var(x)``, ``var(_cons)``, ``cov(x,_cons)``; one shared
        ``var(x _cons)`` (and ``cov(x _cons)``) for identity and exchangeable."""
        names = self.display_names
        if self.kind in ("identity", "exchangeable"):
            joined = " ".join(names)
            out = (f"var({joined})",)
            return out + ((f"cov({joined})",) if self.kind == "exchangeable" and self.q > 1
                          else ())
        out = tuple(f"var({n})" for n in names)
        if self.kind == "unstructured":
            out += tuple(f"cov({names[a]},{names[b]})" for _, _, a, b in self._pairs())
        return out

    def components(self, psi: np.ndarray) -> np.ndarray:
        """The reported parameters, as :meth:`labels` names them: variances, then
        the covariances the structure estimates."""
        S = self.sigma(psi)
        if self.kind == "identity":
            return S[:1, 0].copy()
        if self.kind == "exchangeable":
            return S[:2, 0].copy() if self.q > 1 else S[:1, 0].copy()
        var = np.diag(S)[self.display_order]
        if self.kind == "independent":
            return var
        cov = [S[i, j] for i, j, _, _ in self._pairs()]
        return np.concatenate([var, cov])

    def cov_rows(self) -> list:
        """For each covariance of :meth:`components`, the positions there of the two
        variances it joins (one shared variance for exchangeable)."""
        if self.kind == "exchangeable" and self.q > 1:
            return [(0, 0)]
        if self.kind != "unstructured":
            return []
        return [(a, b) for _, _, a, b in self._pairs()]

    def is_variance(self) -> np.ndarray:
        """Which of :meth:`labels` are variances (their CIs are on the log scale)."""
        return np.array([lab.startswith("var(") for lab in self.labels()])


def level_cov(group: str, names: tuple, blocks: list, covariance) -> LevelCov:
    """The structure of one level: ``covariance`` if given, else what lme4's terms say.

    Parameters
    ----------
    group : str
    names : tuple of str
        The effects of the level (all its terms' columns).
    blocks : list of int
        How many columns each lme4 term of the level has (``(x | g)``: [2];
        ``(1 | g) + (0 + x | g)``: [1, 1]).
    covariance : str or None

    Raises
    ------
    RError
        An unknown structure.
    """
    q = len(names)
    if covariance is None:
        mask = np.zeros((q, q), dtype=bool)
        start = 0
        for p in blocks:
            mask[start:start + p, start:start + p] = True
            start += p
        mask = np.tril(mask)
        kind = "independent" if all(p == 1 for p in blocks) else "unstructured"
        return LevelCov(group, tuple(names), kind, mask)
    if covariance not in COVARIANCES:
        raise RError(f"covariance({covariance}) for {group!r}: must be one of "
                     f"{', '.join(COVARIANCES)}")
    if q == 1 and covariance in ("exchangeable", "unstructured"):
        # Stata's structures of several effects; a single effect has one variance
        raise RError(f"covariance({covariance}) for {group!r} needs at least two random "
                     f"effects at that level; it has one ({names[0]})")
    return LevelCov(group, tuple(names), covariance, np.tril(np.ones((q, q), dtype=bool)))
