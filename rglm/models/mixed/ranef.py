"""Conditional modes of the random effects and the per-level coefficients.

R: ``lme4::ranef(fit, condVar = TRUE)`` (a list of data frames, one per grouping factor,
with the conditional variances as ``"postVar"`` attributes), its ``print`` and
``as.data.frame`` methods, and ``coef.merMod`` (fixed effects plus the modes, level by
level).

The modes are ``b = Lambda u`` at the optimum; the conditional variances of term k at
level j are ``sigma^2 T_k (A^-1)_jj T_k'`` with A = Lambda' Z' W Z Lambda + I (the
engine's ``cond_var``; sigma = 1 for binomial and Poisson). With several terms on one
grouping factor (``(1 | g) + (0 + x | g)``) the factor's data frame has the columns of all
of them, and the variances are kept per term, as lme4 keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional

import numpy as np
import pandas as pd

from rglm.render.display import Tabled
from rglm.render.mixed import format_ranef, ranef_page

__all__ = ["Ranef", "CoefMer", "ranef_of", "coef_of"]


class _ByFactor:
    """A read-only mapping grouping factor -> DataFrame over ``self.frames`` (pairs), as
    R's list returned by ``ranef()``/``coef()``: ``x["herd"]`` (a copy), ``keys()``,
    ``items()``, iteration over the names."""

    def __getitem__(self, name: str) -> pd.DataFrame:
        for key, frame in self.frames:
            if key == name:
                return frame.copy()
        raise KeyError(name)

    def __iter__(self):
        return (k for k, _ in self.frames)

    def __len__(self) -> int:
        return len(self.frames)

    def keys(self) -> list:
        return [k for k, _ in self.frames]

    def items(self) -> list:
        return [(k, f.copy()) for k, f in self.frames]


@dataclass(frozen=True, repr=False, eq=False)
class Ranef(_ByFactor, Tabled):
    """``ranef(fit)``: grouping factor -> DataFrame of conditional modes (rows: levels,
    columns: random effects). A read-only mapping; ``print()`` gives R's
    ``print(ranef(fit))``; :meth:`as_data_frame` is R's ``as.data.frame(ranef(fit,
    condVar = TRUE))``.

    Attributes
    ----------
    frames : tuple of (str, pandas.DataFrame)
        Per grouping factor, in lme4's order.
    cond_var : tuple or None
        Per grouping factor, the conditional covariance blocks of each of its terms:
        ``((columns, array (levels, p, p)), ...)``; None when ``condVar = False``.
    """

    frames: tuple
    cond_var: Optional[tuple] = field(default=None, repr=False)


    def values(self) -> list:
        return [f.copy() for _, f in self.frames]

    def cond_var_of(self, name: str) -> list:
        """The conditional covariance blocks of a grouping factor's terms: a list of
        ``(columns, array (levels, p, p))`` (R: the ``"postVar"`` attribute)."""
        if self.cond_var is None:
            raise KeyError("ranef() was called with condVar=False")
        k = self.keys().index(name)
        return [(cols, arr.copy()) for cols, arr in self.cond_var[k]]

    def as_data_frame(self) -> pd.DataFrame:
        """R: ``as.data.frame(ranef(fit, condVar = TRUE))``: columns ``grpvar, term,
        grp, condval, condsd``; per grouping factor, per column, one row per level."""
        parts = []
        for k, (name, frame) in enumerate(self.frames):
            levels = np.asarray(frame.index, dtype=object)
            sd_of = {}
            if self.cond_var is not None:
                for cols, arr in self.cond_var[k]:
                    d = np.sqrt(np.einsum("kii->ki", arr))
                    for c, col in enumerate(cols):
                        sd_of[col] = d[:, c]
            for col in frame.columns:
                parts.append(pd.DataFrame({
                    "grpvar": name, "term": col, "grp": levels,
                    "condval": frame[col].to_numpy(dtype=float),
                    "condsd": sd_of.get(col, np.full(len(levels), np.nan))}))
        out = pd.concat(parts, ignore_index=True)
        for c in ("grpvar", "term", "grp"):
            out[c] = out[c].astype("str")
        if self.cond_var is None:
            out = out.drop(columns="condsd")
        return out

    def format(self) -> str:
        """R: ``print(ranef(fit))``."""
        return format_ranef(self.frames, self.cond_var is not None)

    def table_page(self, floatfmt=None, digits=None, signif_stars: bool = True) -> list:
        """What ``print()`` shows, as tables for markdown/HTML (one per grouping factor)."""
        return ranef_page(self.frames, self.cond_var is not None)


def ranef_of(reterms, b: np.ndarray, cond_var: Optional[tuple]) -> Ranef:
    """The Ranef of modes ``b`` (lme4's layout: per term, level-major) and per-term
    conditional variances (None: not computed)."""
    groups: dict = {}
    for k, t in enumerate(reterms.terms):
        start, stop = reterms.Gp[k], reterms.Gp[k + 1]
        block = np.asarray(b[start:stop], dtype=float).reshape(t.nl, t.p)
        entry = groups.setdefault(t.group, {"levels": t.levels, "cols": [], "blocks": [],
                                            "cv": []})
        entry["cols"].extend(t.cnms)
        entry["blocks"].append(block)
        if cond_var is not None:
            entry["cv"].append((tuple(t.cnms), np.asarray(cond_var[k])))
    frames, cvs = [], []
    for name in reterms.flist:
        e = groups[name]
        values = np.concatenate(e["blocks"], axis=1)
        frame = pd.DataFrame(values, index=pd.Index(list(e["levels"]), dtype="str"),
                             columns=list(e["cols"]))
        frames.append((name, frame))
        cvs.append(tuple(e["cv"]))
    return Ranef(frames=tuple(frames), cond_var=None if cond_var is None else tuple(cvs))


@dataclass(frozen=True, repr=False, eq=False)
class CoefMer(_ByFactor, Tabled):
    """``coef(fit)``: grouping factor -> DataFrame of per-level coefficients (the fixed
    effects plus that level's random effects). R: ``coef.merMod`` (class ``coef.mer``)."""

    frames: tuple


    def format(self) -> str:
        """R: ``print(coef(fit))``."""
        return format_ranef(self.frames, False)

    def table_page(self, floatfmt=None, digits=None, signif_stars: bool = True) -> list:
        """What ``print()`` shows, as tables for markdown/HTML (one per grouping factor)."""
        return ranef_page(self.frames, False)


def coef_of(fixef: pd.Series, re: Mapping) -> CoefMer:
    """R's ``coefMer``: for each grouping factor, the fixed effects repeated per level,
    with columns of random effects that are not fixed effects prepended as zeros, plus
    the modes."""
    frames = []
    all_cols = [c for name in re for c in re[name].columns]
    missing = [c for c in dict.fromkeys(all_cols) if c not in fixef.index]
    base = pd.concat([pd.Series(0.0, index=missing), fixef.astype(float)]) \
        if missing else fixef.astype(float)
    for name in re:
        modes = re[name]
        values = np.tile(base.to_numpy(), (len(modes), 1))
        frame = pd.DataFrame(values, index=modes.index, columns=list(base.index))
        for col in modes.columns:
            frame[col] = frame[col].to_numpy() + modes[col].to_numpy()
        frames.append((name, frame))
    return CoefMer(frames=tuple(frames))
