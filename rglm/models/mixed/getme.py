"""Components of a fitted mixed model by name. R: ``lme4::getME(object, name)``.

Sparse matrices are ``scipy.sparse`` CSC matrices (Z is n x q, Lambda q x q), with no
stored zeros (lme4's ``drop0``); the model matrix X is a DataFrame with the coefficient
names; theta is a Series with lme4's names.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from rglm.errors import RError
from rglm.models.mixed.result import MerMod

__all__ = ["getME_mer", "GETME_NAMES"]

GETME_NAMES = ("X", "Z", "Zt", "y", "mu", "u", "b", "Gp", "Lambda", "Lambdat",
               "Lind", "RX", "sigma", "flist", "fixef", "beta", "theta", "REML",
               "is_REML", "n_rtrms", "n_rfacs", "N", "n", "p", "q", "p_i", "l_i", "q_i",
               "k", "m_i", "m", "cnms", "devcomp", "offset", "lower", "Tlist")


def _drop0(m) -> sp.csc_matrix:
    m = sp.csc_matrix(m, copy=True)
    m.eliminate_zeros()
    m.sort_indices()
    return m


def getME_mer(fit: MerMod, name: str):
    """One component of the fit. R: ``getME(fit, name)``.

    Names (lme4's): ``X``, ``Z``, ``Zt``, ``y``, ``mu``, ``u``, ``b``, ``Gp``,
    ``Lambda``, ``Lambdat``, ``Lind`` (0-based), ``RX``, ``sigma``, ``flist`` (grouping
    factor -> Categorical), ``fixef``, ``beta``, ``theta``, ``REML``, ``is_REML``,
    ``n_rtrms``, ``n_rfacs``, ``N``, ``n``, ``p``, ``q``, ``p_i``, ``l_i``, ``q_i``,
    ``k``, ``m_i``, ``m``, ``cnms`` (a tuple of (grouping factor, column names) pairs:
    names repeat for ``||`` terms), ``devcomp``, ``offset``, ``lower``, ``Tlist``
    (each term's T_k).

    Raises
    ------
    RError
        For a name lme4 does not have or rglm does not provide.
    """
    if not isinstance(name, str):
        return {nm: getME_mer(fit, nm) for nm in name}
    e, pr, rt = fit.engine, fit.problem, fit.reterms
    st = pr.structure
    terms = rt.terms
    simple = {
        "y": lambda: np.array(pr.y), "mu": lambda: np.array(e.mu),
        "u": lambda: np.array(e.u), "b": lambda: np.array(e.b),
        "Gp": lambda: np.array(rt.Gp), "Lind": lambda: np.array(rt.Lind),
        "sigma": lambda: float(e.sigma), "beta": lambda: np.array(e.beta),
        "REML": lambda: int(fit.REML), "is_REML": lambda: fit.REML,
        "n_rtrms": lambda: len(terms), "n_rfacs": lambda: len(rt.flist),
        "N": lambda: pr.n, "n": lambda: pr.n, "p": lambda: pr.p, "q": lambda: rt.q,
        "p_i": lambda: np.array([t.p for t in terms]),
        "l_i": lambda: np.array([len(lv) for lv, _ in rt.flist.values()]),
        "q_i": lambda: np.array([t.p * t.nl for t in terms]),
        "k": lambda: len(terms), "m_i": lambda: np.array([t.ntheta for t in terms]),
        "m": lambda: len(e.theta), "offset": lambda: np.array(pr.offset),
        "devcomp": lambda: e.devcomp,
        "cnms": lambda: tuple((t.group, tuple(t.cnms)) for t in terms),
        "Tlist": lambda: {t.group: T for t, T in zip(terms, st.tmats(e.theta))},
    }
    if name in simple:
        return simple[name]()
    if name == "X":
        return pd.DataFrame(np.array(pr.X), columns=list(fit.xnames), index=fit.row_names)
    if name == "Z":
        return _drop0(rt.Zt.T)
    if name == "Zt":
        return _drop0(rt.Zt)
    if name == "Lambdat":
        return _drop0(st.lambdat(e.theta))
    if name == "Lambda":
        return _drop0(st.lambdat(e.theta).T)
    if name == "RX":
        return pd.DataFrame(np.array(e.RX), index=list(fit.xnames), columns=list(fit.xnames))
    if name in ("fixef", "theta", "lower"):
        if name == "fixef":
            return pd.Series(np.array(e.beta), index=list(fit.xnames))
        values = e.theta if name == "theta" else e.lower
        return pd.Series(np.array(values, dtype=float), index=list(e.theta_names))
    if name == "flist":
        return {g: pd.Categorical.from_codes(codes, categories=list(levels))
                for g, (levels, codes) in rt.flist.items()}
    raise RError(f"Mixed-Effects extraction of '{name}' is not available for class "
                 f"\"{fit.r_class}\"")
