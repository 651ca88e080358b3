"""The fitted finite mixture: :class:`FMM`, an immutable object around the engine's record.

What Stata's ``fmm`` stores in ``e()`` is here by R's conventions: the class models'
coefficients as a DataFrame (rows R's term names, columns the classes ``1..k``), the
ancillaries per class, the class-probability coefficients, the labelled variance, every
start's log likelihood. ``print(fit)`` prints Stata's table (:mod:`.summary`).

R: (none; Stata: ``fmm #: glm``'s ``e()``)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import numpy as np
import pandas as pd

from rglm.engines.em import MixtureFitRecord
from rglm.formula.design import ModelSpec
from rglm.models.mixture.family import FamilySpec
from rglm.models.mixture.names import ANCILLARY_DISPLAY
from rglm.render.display import Tabled

__all__ = ["FMM"]


@dataclass(frozen=True, repr=False)
class FMM(Tabled):
    """A fitted mixture of ``k`` GLMs (Stata's ``fmm k: glm``).

    Attributes
    ----------
    record : MixtureFitRecord
        The engine's fit (estimates, variance, posteriors, starts).
    formula, lcprob : str
        The class model's formula and the class-probability formula (None without).
    depvar : str
        The outcome's name.
    family : FamilySpec
        Family, link, trials.
    lclabel : str
        The latent variable's name (``Class``).
    labels : tuple of str
        The parameters' labels (:mod:`rglm.models.mixture.names`), in the order of
        ``vcov``.
    row_names : pandas.Index
        The data's labels of the rows used.
    x_spec, z_spec : ModelSpec
        How new data are coded (``predict(newdata=)``).
    offset_arg, exposure_arg, trials_arg : optional
        The ``offset``, ``exposure`` and binomial trials arguments as given (evaluated
        in ``newdata`` again).
    cluster_name : str or None
        The cluster variable of ``vce=("cluster", name)``.
    n_dropped : int
        Rows left out for missing values.
    user_constraints : tuple of str
        The user's constraints as Stata lists them above the table.
    """

    record: MixtureFitRecord
    formula: str
    lcprob: Optional[str]
    depvar: str
    family: FamilySpec
    lclabel: str
    labels: tuple
    row_names: pd.Index = field(compare=False)
    x_spec: ModelSpec = field(compare=False)
    z_spec: Optional[ModelSpec] = field(compare=False)
    offset_arg: Any = field(default=None, compare=False)
    exposure_arg: Any = field(default=None, compare=False)
    trials_arg: Any = field(default=None, compare=False)
    cluster_name: Optional[str] = None
    n_dropped: int = 0
    user_constraints: tuple = ()

    R_CLASS = ("fmm",)

    # ---- sizes and scalars (Stata's e() scalars) ------------------------------------

    @property
    def k(self) -> int:
        """The number of classes (``e(k)`` of the latent class)."""
        return self.record.k

    @property
    def classes(self) -> pd.Index:
        """The classes ``1..k`` as column labels. Categorical: rglm prints an integer
        label ``i`` as R's row name ``i + 1`` (:mod:`rglm.render.rframes`); a class
        number is a name, printed as it is."""
        return self._class_index(range(1, self.k + 1))

    def _class_index(self, classes) -> pd.Index:
        return pd.CategoricalIndex(list(classes), categories=range(1, self.k + 1),
                                   name=self.lclabel)

    @property
    def loglik(self) -> float:
        """``e(ll)``."""
        return float(self.record.loglik)

    @property
    def nobs(self) -> float:
        """``e(N)``: the sum of fweights, else the rows."""
        return float(self.record.nobs)

    @property
    def rank(self) -> int:
        """``e(rank)``: the free parameters."""
        return int(self.record.rank)

    @property
    def converged(self) -> bool:
        return bool(self.record.converged)

    @property
    def gradient_norm(self) -> float:
        return float(self.record.gradient_norm)

    @property
    def vce(self) -> str:
        """The variance estimator (``oim``, ``opg``, ``robust``, ``cluster``)."""
        return self.record.vce

    @property
    def notes(self) -> tuple:
        return self.record.notes

    # ---- parameters ----------------------------------------------------------------------

    @property
    def theta(self) -> pd.Series:
        """Every parameter (ancillaries on their log scale), by label: ``e(b)``."""
        return pd.Series(np.array(self.record.theta), index=pd.Index(self.labels))

    @property
    def coefficients(self) -> pd.DataFrame:
        """The class models' coefficients: rows R's term names, columns the classes."""
        _, b, _ = self.record.layout.unpack(self.record.theta)
        return pd.DataFrame(b, index=pd.Index(self.record.problem.xnames), columns=self.classes)

    @property
    def lcprob_coefficients(self) -> pd.DataFrame:
        """The multinomial logit of the class probabilities: rows the terms of ``lcprob``
        (``(Intercept)`` alone without it), columns the classes other than the base."""
        layout = self.record.layout
        g, _, _ = layout.unpack(self.record.theta)
        others = list(layout.others)
        return pd.DataFrame(g[:, [j - 1 for j in others]],
                            index=pd.Index(self.record.problem.znames),
                            columns=self._class_index(others))

    @property
    def ancillary(self) -> Optional[pd.DataFrame]:
        """Each class's ancillary parameter in Stata's metric: its estimation scale
        (``lnvar``, ``lnalpha``, ``lndelta``, ``logs``, ``ln_p``, ``lnphi``) and its
        exponential (``var(e.y)``, ``alpha``, ``delta``, ``s``, ``p``, ``phi``); None
        for families without one."""
        name = self.record.problem.family.ancillary
        if name is None:
            return None
        anc = np.asarray(self.record.ancillary, dtype=np.float64)
        natural = ANCILLARY_DISPLAY[name].format(y=self.depvar)
        return pd.DataFrame([anc, np.exp(anc)], index=pd.Index([name, natural]),
                            columns=self.classes)

    @property
    def base(self) -> int:
        """The base class of the class-probability model (``lcbase``)."""
        return self.record.layout.base

    @property
    def starts(self) -> pd.DataFrame:
        """Every start: its log likelihood after the EM iterations and, for the ones
        maximised, after the direct maximisation; its status."""
        rows = self.record.starts
        return pd.DataFrame({
            "em_loglik": [r.em_loglik for r in rows],
            "em_iterations": [r.em_iterations for r in rows],
            "loglik": [r.loglik for r in rows],
            "status": [r.status for r in rows],
        }, index=pd.Index([r.draw for r in rows], name="draw"))

    # ---- per observation ---------------------------------------------------------------

    def _by_row(self, values: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(np.array(values), index=self.row_names, columns=self.classes)

    @property
    def prior(self) -> pd.DataFrame:
        """Each row's class probabilities ``pi_ik`` (Stata's ``predict, classpr``)."""
        return self._by_row(self.record.prior)

    @property
    def posterior(self) -> pd.DataFrame:
        """Each row's posterior class probabilities (``predict, classposteriorpr``)."""
        return self._by_row(self.record.posterior)

    # ---- printing -----------------------------------------------------------------------

    def format(self, eform: bool = False, level: float = 95.0) -> str:
        """Stata's ``fmm`` output (:class:`rglm.models.mixture.summary.FMMSummary`)."""
        from rglm.models.mixture.summary import summary_fmm

        return summary_fmm(self, eform=eform, level=level).format()

    def table_page(self, floatfmt=None, digits=None, signif_stars: bool = True) -> list:
        """The printout's tables for markdown/HTML (:meth:`FMMSummary.table_page`)."""
        from rglm.models.mixture.summary import summary_fmm

        return summary_fmm(self).table_page()
