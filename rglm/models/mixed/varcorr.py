"""Variance components of a fitted mixed model. R: ``lme4::VarCorr`` and its
``print`` and ``as.data.frame`` methods.

For term k with relative covariance factor T_k (Lambda's diagonal block, filled from
theta), the covariance of its random effects is ``s^2 T_k T_k'`` with ``s`` the residual
standard deviation for a linear mixed model and 1 for a GLMM: current lme4 (>= 2.0-1)
reports theta itself for GLMMs with a dispersion (Gamma, inverse.gaussian, gaussian with
another link), where 1.1-31 multiplied by sigma, and it has a ``Residual`` row only for
linear mixed models.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd

from rglm.formula.dtypes import CHARACTER  # pandas 2.2 turns None into "None" in "str"
from rglm.render.display import Tabled
from rglm.render.mixed import VarCorrData, format_varcorr, varcorr_page

__all__ = ["VarCorrMer", "varcorr_of", "make_names_unique"]


def make_names_unique(names: Sequence[str]) -> list[str]:
    """R's ``make.names(names, unique = TRUE)``, which lme4 applies to the terms'
    grouping names when one repeats (``(1 | g) + (0 + x | g)``: ``g``, ``g.1``)."""
    if len(set(names)) == len(names):
        return list(names)
    valid = []
    for nm in names:
        v = re.sub(r"[^A-Za-z0-9._]", ".", nm)
        if not v or not (v[0].isalpha() or (v[0] == "." and not v[1:2].isdigit())):
            v = "X" + v
        valid.append(v)
    seen: dict = {}
    out = []
    taken = set(valid)
    for v in valid:
        if v not in seen:
            seen[v] = 0
            out.append(v)
            continue
        k = seen[v]
        while True:
            k += 1
            cand = f"{v}.{k}"
            if cand not in taken:
                break
        seen[v] = k
        taken.add(cand)
        out.append(cand)
    return out


@dataclass(frozen=True, repr=False, eq=False)
class VarCorrMer(Tabled):
    """The estimated covariance matrices of the random effects, term by term.

    R: a ``VarCorr.merMod`` object. ``print()`` gives R's ``print(VarCorr(fit))``
    (standard deviations with 5 significant digits, correlations with 3 decimals);
    :meth:`as_data_frame` is R's ``as.data.frame(VarCorr(fit))``; ``vc[name]`` the
    covariance matrix of a term as a DataFrame.

    Attributes
    ----------
    data : VarCorrData
        Group names, column names, standard deviations and correlations per term, and the
        residual standard deviation (None without a ``Residual`` row).
    covariances : tuple of numpy.ndarray
        The covariance matrix of each term.
    """

    data: VarCorrData
    covariances: tuple = field(repr=False)

    @property
    def groups(self) -> tuple:
        return tuple(self.data.groups)

    def __getitem__(self, name: str) -> pd.DataFrame:
        k = self.groups.index(name)
        cn = list(self.data.names[k])
        return pd.DataFrame(self.covariances[k].copy(), index=cn, columns=cn)

    def __len__(self) -> int:
        return len(self.groups)

    def __iter__(self):
        return iter(self.groups)

    def keys(self) -> tuple:
        return self.groups

    def as_data_frame(self) -> pd.DataFrame:
        """R: ``as.data.frame(VarCorr(fit))`` (``order = "cov.last"``): per term the
        variances (``var2`` NA), then the covariances of the lower triangle column by
        column; a ``Residual`` row for a linear mixed model. Columns ``grp, var1, var2,
        vcov, sdcor`` (sdcor: standard deviation or correlation)."""
        grp, var1, var2, vcov, sdcor = [], [], [], [], []
        d = self.data
        for g, names, sd, cor, cov in zip(d.groups, d.names, d.stddev, d.correlation,
                                          self.covariances):
            p = len(names)
            for i in range(p):
                grp.append(g), var1.append(names[i]), var2.append(None)
                vcov.append(cov[i, i]), sdcor.append(sd[i])
            for j in range(p):
                for i in range(j + 1, p):
                    grp.append(g), var1.append(names[j]), var2.append(names[i])
                    vcov.append(cov[i, j]), sdcor.append(cor[i, j])
        if d.residual is not None:
            grp.append("Residual"), var1.append(None), var2.append(None)
            vcov.append(d.residual ** 2), sdcor.append(d.residual)
        return pd.DataFrame({
            "grp": pd.array(grp, dtype=CHARACTER), "var1": pd.array(var1, dtype=CHARACTER),
            "var2": pd.array(var2, dtype=CHARACTER), "vcov": np.array(vcov, dtype=float),
            "sdcor": np.array(sdcor, dtype=float)})

    def format(self, digits: int = 5, comp: Sequence[str] = ("Std.Dev.",)) -> str:
        """R: ``print(VarCorr(fit), digits = 5, comp = "Std.Dev.")``."""
        return format_varcorr(self.data, digits, tuple(comp))

    def table_page(self, floatfmt=None, digits=None, signif_stars: bool = True):
        """What ``print()`` shows (digits 5, standard deviations), as a table for
        markdown/HTML."""
        return varcorr_page(self.data, 5 if digits is None else digits)


def varcorr_of(tmats: Sequence[np.ndarray], groups: Sequence[str],
               names: Sequence[Sequence[str]], scale: float,
               residual) -> VarCorrMer:
    """The VarCorr record from each term's T_k: covariance ``scale^2 T_k T_k'``."""
    covs, sds, cors = [], [], []
    for T in tmats:
        S = scale * scale * (T @ T.T)
        sd = np.sqrt(np.diag(S))
        with np.errstate(invalid="ignore", divide="ignore"):
            C = S / sd[:, None] / sd[None, :]
        np.fill_diagonal(C, 1.0)
        covs.append(S), sds.append(sd), cors.append(C)
    data = VarCorrData(groups=tuple(make_names_unique(list(groups))),
                       names=tuple(tuple(n) for n in names), stddev=tuple(sds),
                       correlation=tuple(cors), residual=residual)
    return VarCorrMer(data=data, covariances=tuple(covs))
