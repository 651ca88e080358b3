"""The inputs of a mixed-model fit, as one frozen record.

R: what ``glFormula``/``lFormula`` hand to ``mkGlmerDevfun``/``mkLmerDevfun``: the
fixed-effects matrix X, the response module (y, prior weights, offset, family, and for
a binomial response the trial totals) and the random-effects structure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np
import pandas as pd

from rglm.errors import RError
from rglm.families import Family
from rglm.formula.bars import ReTerms

from .structure import Structure, structure_of

__all__ = ["MixedProblem", "mixed_problem", "weights_offset"]


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=np.float64)  # a copy: the caller's arrays stay the caller's
    a.setflags(write=False)
    return a


@dataclass(frozen=True)
class MixedProblem:
    """A mixed model's data, ready for the engine.

    Attributes
    ----------
    X : numpy.ndarray
        n x p fixed-effects model matrix (full column rank).
    y : numpy.ndarray
        The response as the family's ``initialize`` returns it (proportions for a
        two-column binomial response).
    weights : numpy.ndarray
        Prior weights (times the trial totals for a two-column binomial response).
    offset : numpy.ndarray
        The offset (zeros when none).
    family : Family or None
        None for a linear mixed model (lmer).
    n_trials : numpy.ndarray
        The family's ``n`` (binomial trial totals; ones otherwise), used by its aic.
    mustart : numpy.ndarray or None
        The family's starting means (glmer).
    reterms : ReTerms
        The random-effects structure.
    structure : Structure
        Its engine form (pattern of Z Lambda, kind).
    xnames : tuple of str
        Column names of X.
    """

    X: np.ndarray = field(repr=False)
    y: np.ndarray = field(repr=False)
    weights: np.ndarray = field(repr=False)
    offset: np.ndarray = field(repr=False)
    family: Optional[Family]
    n_trials: np.ndarray = field(repr=False)
    mustart: Optional[np.ndarray] = field(repr=False)
    reterms: ReTerms = field(repr=False)
    structure: Structure = field(repr=False)
    xnames: tuple

    @property
    def n(self) -> int:
        return self.X.shape[0]

    @property
    def p(self) -> int:
        return self.X.shape[1]


def weights_offset(n: int, weights=None, offset=None) -> tuple:
    """(prior weights, offset) of n rows: ones and zeros by default; R's check of the
    weights (``all(weights >= 0) is not TRUE``)."""
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    if w.shape != (n,) or np.any(~np.isfinite(w)) or np.any(w < 0):
        raise RError("all(weights >= 0) is not TRUE")
    off = np.zeros(n) if offset is None else np.broadcast_to(
        np.asarray(offset, dtype=np.float64), (n,))
    return w, off


def _is_categorical(y) -> bool:
    return isinstance(y, pd.Categorical) or (isinstance(y, pd.Series)
                                             and isinstance(y.dtype, pd.CategoricalDtype))


def mixed_problem(X, y, reterms: ReTerms, family: Optional[Family] = None,
                  weights=None, offset=None, xnames=None, etastart=None,
                  mustart=None) -> MixedProblem:
    """Assemble a :class:`MixedProblem`.

    R: the response module of ``lme4::mkRespMod`` (``family$initialize`` evaluated for a
    GLMM; its ``y``, ``weights``, ``n`` and ``mustart`` are kept).

    Parameters
    ----------
    X : array (n, p)
    y : array (n,) or (n, 2)
        A two-column binomial response is (successes, failures).
    reterms : ReTerms
    family : Family, optional
        None for lmer.
    weights, offset : array (n,), optional
    xnames : sequence of str, optional
    etastart, mustart : array (n,), optional
        Starting values for glmer's initial PIRLS (R's ``etastart``/``mustart``).

    Raises
    ------
    RError
        ``NA/NaN/Inf in 'y'``, ``response must be numeric``, negative weights, and the
        family's own checks (R's texts).
    """
    if family is not None and family.family == "binomial" and _is_categorical(y):
        # R's binomial initialize: a factor response is "not the first level".
        codes = np.asarray(getattr(y, "codes", None) if hasattr(y, "codes") else y.cat.codes)
        if np.any(codes < 0):
            raise RError("NA/NaN/Inf in 'y'")
        y = (codes != 0).astype(np.float64)
    elif _is_categorical(y):
        raise RError("response must be numeric")
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise RError("'X' must be a matrix")
    n = X.shape[0]
    yarr = np.asarray(y, dtype=np.float64)
    if yarr.shape[0] != n or reterms.n != n:
        raise RError("variable lengths differ")
    if not np.all(np.isfinite(yarr)):
        raise RError("NA/NaN/Inf in 'y'")
    w, off = weights_offset(n, weights, offset)
    if family is None:
        yv, wv, ntr, mu0 = yarr, w, np.ones(n), None
    else:
        init = family.initialize(yarr, w, etastart=etastart, mustart=mustart)
        yv, wv, ntr, mu0 = init.y, init.weights, init.n, init.mustart
        if etastart is not None:
            mu0 = family.linkinv(np.asarray(etastart, dtype=np.float64))
        elif mustart is not None:
            mu0 = np.asarray(mustart, dtype=np.float64)
    names = tuple(xnames) if xnames is not None else tuple(f"X{j + 1}" for j in range(X.shape[1]))
    return MixedProblem(X=_frozen(X), y=_frozen(yv), weights=_frozen(wv), offset=_frozen(off),
                        family=family, n_trials=_frozen(ntr),
                        mustart=None if mu0 is None else _frozen(mu0),
                        reterms=reterms, structure=structure_of(reterms), xnames=names)
