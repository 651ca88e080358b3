"""The fitted ``meglm`` model: a frozen record and the statistics Stata reports.

Stata: ``meglm``'s ``e()`` results -- ``e(b)`` and ``e(V)`` (fixed effects, then the
variance components), ``e(ll)``, ``e(chi2)``/``e(df_m)``/``e(p)`` (the model's Wald
test), ``e(ll_c)``/``e(chi2_c)``/``e(df_c)``/``e(p_c)`` (the LR test against the model
without random effects), ``e(N_g)`` and the observations per group.

Conventions: the variance components' standard errors are the delta method applied to
the observed information of the parameters the likelihood is maximised over (log
standard deviations, Cholesky elements); their confidence intervals are Stata's: a
variance's on the log scale (exp(log v +- z se / v)), a covariance's on its own scale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Optional

import numpy as np
import pandas as pd
from scipy import stats

from rglm.errors import rwarn
from rglm.render.display import Tabled

from .families import aux_names
from .likelihood import MeglmLik
from .robust import ClusterVce, group_scores, sandwich

__all__ = ["MeglmFit", "LevelInfo"]


@dataclass(frozen=True)
class LevelInfo:
    """One grouping factor: its groups and the observations per group."""

    group: str
    ngroups: int
    obs_min: int
    obs_avg: float
    obs_max: int


def _jacobian(f, x: np.ndarray, rel: float = 1e-6) -> np.ndarray:
    """d f / d x by central differences (f cheap: no likelihood involved)."""
    h = rel * np.maximum(1.0, np.abs(x))
    cols = [(f(x + e) - f(x - e)) / (2.0 * hi) for e, hi in zip(np.diag(h), h)]
    return np.column_stack(cols)


@dataclass(frozen=True, repr=False)
class MeglmFit(Tabled):
    """A fitted multilevel GLM. Stata: what ``meglm`` leaves in ``e()``.

    Attributes
    ----------
    formula : str
    depvar : str
    family : str
        Stata's name (``bernoulli``, ``binomial``, ``poisson``, ``gaussian``,
        ``ordinal``, ``nbinomial``).
    link : str
    lik : MeglmLik
        The likelihood maximised (problem, levels, integration method and points).
    x : numpy.ndarray
        The parameters at the maximum, on the scales maximised over (beta, each
        level's psi, the family's own parameters, log sigma; :class:`.MeglmLik`);
        :attr:`params` is Stata's ``e(b)``.
    hessian : numpy.ndarray
        Of log L at ``x`` (numerical).
    loglik : float
    ll_c : float
        The log likelihood of the model without random effects (the GLM).
    levels_info : tuple of LevelInfo
        Outermost level first.
    converged : bool
    message : str
    evaluations : int
    nobs : int
    robust : ClusterVce, optional
        The clusters of ``vce(robust)``/``vce(cluster)`` (pweights imply robust); None
        for ``vce(oim)`` (:mod:`.robust`).
    """

    formula: str
    depvar: str
    family: str
    link: str
    lik: MeglmLik = field(repr=False)
    x: np.ndarray = field(repr=False)
    hessian: np.ndarray = field(repr=False)
    loglik: float
    ll_c: float
    levels_info: tuple
    converged: bool
    message: str
    evaluations: int
    nobs: int
    robust: Optional[ClusterVce] = field(default=None, repr=False)
    # the fixed part's coding (predict on new data): R's terms/xlevels/contrasts and the
    # columns kept after aliasing
    spec: Any = field(default=None, repr=False, compare=False)
    x_keep: tuple = field(default=(), repr=False, compare=False)
    # an ordinal response's categories in order (Stata's outcomes; predict's columns)
    categories: tuple = field(default=(), repr=False, compare=False)

    # ---- parameters ---------------------------------------------------------------------

    @property
    def intmethod(self) -> str:
        return self.lik.intmethod

    @property
    def intpoints(self) -> int:
        return self.lik.intpoints

    @property
    def xnames(self) -> tuple:
        return tuple(self.lik.problem.xnames)

    @property
    def p(self) -> int:
        return self.lik.problem.p

    @cached_property
    def vcov_x(self) -> np.ndarray:
        """The covariance of all parameters: the inverse of the observed information
        (``vce(oim)``), or the sandwich on the top-level clusters' scores
        (``vce(robust)``, ``vce(cluster)``, pweights; :mod:`.robust`)."""
        if self.robust is not None:
            return sandwich(self.hessian, self.group_scores, self.robust)
        info = -np.asarray(self.hessian)
        try:
            return np.linalg.inv(info)
        except np.linalg.LinAlgError:
            rwarn("Hessian is not negative semidefinite: standard errors not available")
            return np.full(info.shape, np.nan)

    @property
    def vce(self) -> str:
        """Stata's ``e(vce)``: ``"oim"``, ``"robust"`` or ``"cluster"``."""
        return "oim" if self.robust is None else self.robust.kind

    @property
    def weighted(self) -> bool:
        """Sampling weights were given (the log likelihood is a pseudo one)."""
        return self.lik.pweights is not None

    @cached_property
    def group_scores(self) -> np.ndarray:
        """d l_s / d x of each top-level group at the estimates (numerical;
        :func:`.robust.group_scores`)."""
        return group_scores(self.lik, self.x)

    @property
    def coefficients(self) -> pd.Series:
        """The fixed effects (R: ``fixef``; Stata: ``_b[]`` of the fixed part)."""
        return pd.Series(self.x[:self.p], index=list(self.xnames))

    @property
    def vcov(self) -> pd.DataFrame:
        """Their covariance matrix (R: ``vcov``)."""
        V = self.vcov_x[:self.p, :self.p]
        return pd.DataFrame(V, index=list(self.xnames), columns=list(self.xnames))

    # ---- the family's own parameters (ordinal cutpoints, nbinomial dispersion) --------

    @property
    def aux_names(self) -> tuple:
        """Stata's names of the family's own parameters: ``/cut1`` ... (ordinal),
        ``/lnalpha`` or ``/lndelta`` (nbinomial); () for the other families."""
        return aux_names(self.lik.problem.family, self.lik.naux)

    @property
    def _aux_index(self) -> np.ndarray:
        start = self.p + self.n_re_params
        return np.arange(start, start + self.lik.naux)

    @property
    def aux(self) -> pd.Series:
        """The family's own parameters (R: ``polr``'s/``clmm``'s ``zeta``/``alpha``
        for the cutpoints; glm.nb's theta = exp(-lnalpha)). Stata: ``_b[/cut1]``,
        ``_b[/lnalpha]``."""
        return pd.Series(self.x[self._aux_index], index=list(self.aux_names),
                         dtype=np.float64)

    def aux_at(self, level: float = 95.0) -> pd.DataFrame:
        """The family's own parameters as Stata's table shows them: ``term``,
        ``estimate``, ``std_err``, ``conf_low``, ``conf_high`` (Wald, ``level``%; no z
        test: Stata leaves z and P>|z| blank for them)."""
        i = self._aux_index
        est = self.x[i]
        se = np.sqrt(np.maximum(np.diag(self.vcov_x)[i], 0.0))
        z = stats.norm.ppf(0.5 + level / 200.0)
        return pd.DataFrame({"term": list(self.aux_names), "estimate": est,
                             "std_err": se, "conf_low": est - z * se,
                             "conf_high": est + z * se})

    @cached_property
    def params(self) -> pd.Series:
        """Stata's ``e(b)``: the fixed effects (``_cons`` last), the family's own
        parameters, then the random-effects parameters as reported
        (``/var(_cons[school])``, ``/cov(x[g],_cons[g])``, ``/var(e.y)``)."""
        vc = self.varcomp
        path = {}
        for k, info in enumerate(self.levels_info):
            path[info.group] = ">".join(i.group.split(":")[0]
                                        for i in self.levels_info[:k + 1])
        names = []
        for group, term in zip(vc["group"], vc["term"]):
            if group == "Residual":
                names.append("/" + term)
                continue
            head, inner = term[:-1].split("(", 1)
            g = path.get(group, group)
            inner = ",".join(" ".join(f"{nm}[{g}]" for nm in part.split(" "))
                             for part in inner.split(","))
            names.append(f"/{head}({inner})")
        # Stata's equation lists the constant last
        fixed = sorted(range(self.p), key=lambda j: self.xnames[j] == "(Intercept)")
        return pd.Series(np.concatenate([self.x[fixed], self.aux.to_numpy(),
                                         vc["estimate"].to_numpy()]),
                         index=[("_cons" if self.xnames[j] == "(Intercept)"
                                 else self.xnames[j]) for j in fixed]
                         + list(self.aux_names) + names, dtype=np.float64)

    @property
    def sigma(self) -> float:
        """The gaussian residual SD (Stata: sqrt(``var(e.y)``)); 1 otherwise."""
        s = self.lik.parts(self.x).sigma
        return 1.0 if s is None else s

    @property
    def level_order(self) -> list:
        """Indices of ``lik.levels`` outermost first (Stata's order of the levels)."""
        index = {lv.group: j for j, lv in enumerate(self.lik.levels)}
        return [index[i.group] for i in self.levels_info]

    def _components(self, x: np.ndarray) -> np.ndarray:
        _, psis, _, sigma = self.lik.parts(x)
        parts = [self.lik.levels[j].components(psis[j]) for j in self.level_order]
        if sigma is not None:
            parts.append(np.array([sigma ** 2]))
        return np.concatenate(parts)

    @cached_property
    def varcomp(self) -> pd.DataFrame:
        """The random-effects parameters as Stata's table shows them.

        Columns: ``group``, ``term`` (``var(x)``, ``cov(x,_cons)``, ``var(e.y)``),
        ``estimate``, ``std_err`` (delta method), ``conf_low``, ``conf_high``
        (95%; see :meth:`varcomp_at`).
        """
        return self.varcomp_at(95.0)

    def varcomp_at(self, level: float) -> pd.DataFrame:
        """:attr:`varcomp` with ``level``% intervals: a variance's computed on the log
        scale as Stata does, a covariance's on its own scale."""
        est = self._components(self.x)
        J = _jacobian(self._components, self.x)
        se = np.sqrt(np.maximum(np.diag(J @ self.vcov_x @ J.T), 0.0))
        groups, terms, isvar = [], [], []
        for j in self.level_order:
            lv = self.lik.levels[j]
            labels = lv.labels()
            groups += [lv.group] * len(labels)
            terms += list(labels)
            isvar += list(lv.is_variance())
        if self.lik.gaussian:
            groups.append("Residual")
            terms.append(f"var(e.{self.depvar})")
            isvar.append(True)
        isvar = np.array(isvar, dtype=bool)
        z = stats.norm.ppf(0.5 + level / 200.0)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            lo = np.where(isvar, est * np.exp(-z * se / est), est - z * se)
            hi = np.where(isvar, est * np.exp(z * se / est), est + z * se)
        return pd.DataFrame({"group": groups, "term": terms, "estimate": est,
                             "std_err": se, "conf_low": lo, "conf_high": hi})

    # ---- tests --------------------------------------------------------------------------

    @property
    def has_intercept(self) -> bool:
        return "(Intercept)" in self.xnames

    @cached_property
    def wald(self) -> tuple:
        """(chi2, df, p): the Wald test that every fixed effect but the constant is 0
        (Stata's ``Wald chi2(k)`` in the header)."""
        keep = [i for i, n in enumerate(self.xnames) if n != "(Intercept)"]
        if not keep:
            return (np.nan, 0, np.nan)
        b = self.x[keep]
        V = self.vcov_x[np.ix_(keep, keep)]
        chi2 = float(b @ np.linalg.solve(V, b))
        return chi2, len(keep), float(stats.chi2.sf(chi2, len(keep)))

    @property
    def n_re_params(self) -> int:
        """The random-effects parameters (Stata's ``e(df_c)``)."""
        return int(sum(lv.nparam for lv in self.lik.levels))

    @cached_property
    def lr_test(self) -> tuple:
        """(kind, chi2, df, p) of the LR test against the model without random effects:
        ``chibar2(01)`` (p halved) for one variance component on the boundary,
        ``chi2(k)`` otherwise (Stata's "conservative" note)."""
        chi2 = max(2.0 * (self.loglik - self.ll_c), 0.0)
        k = self.n_re_params
        if k == 1:
            return ("chibar2", chi2, 1, float(0.5 * stats.chi2.sf(chi2, 1)))
        return ("chi2", chi2, k, float(stats.chi2.sf(chi2, k)))

    # ---- information criteria -----------------------------------------------------------

    @property
    def npar(self) -> int:
        """Estimated parameters (Stata's ``e(k)``, R's logLik df)."""
        return len(self.x)

    @property
    def aic(self) -> float:
        return -2.0 * self.loglik + 2.0 * self.npar

    @property
    def bic(self) -> float:
        return -2.0 * self.loglik + np.log(self.nobs) * self.npar

    # ---- printing -----------------------------------------------------------------------

    def format(self, eform=False, level: float = 95.0) -> str:
        """Stata's ``meglm`` output (:mod:`rglm.models.meglm.printing`)."""
        from rglm.models.meglm.printing import format_meglm

        return format_meglm(self, eform=eform, level=level)

    def table_page(self, floatfmt=None, digits=None, signif_stars: bool = True):
        """The output's table for markdown/HTML."""
        from rglm.models.meglm.printing import meglm_page

        return meglm_page(self)

    def summary(self, eform: bool = False, level: float = 95.0, **kw) -> str:
        """Stata's output with ``eform=True``, ``or=True`` (odds ratios) or ``irr=True``
        (incidence-rate ratios): exponentiated fixed effects; or another confidence
        level. Returns the text (``print(fit.summary(irr=True))``)."""
        odds, irr = bool(kw.pop("or", False)), bool(kw.pop("irr", False))
        if kw:
            from rglm.errors import RError

            raise RError(f"unused argument(s): {', '.join(kw)}")
        kind = "or" if odds else "irr" if irr else bool(eform)
        return self.format(eform=kind, level=level)
