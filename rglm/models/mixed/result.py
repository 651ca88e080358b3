"""The fitted mixed model: lme4's ``merMod`` (``glmerMod``, ``lmerMod``), immutable.

A :class:`MerMod` holds the engine's frozen record (:class:`rglm.engines.mixed.MixedFit`:
theta, beta, u, the deviance components, vcov, conditional variances, optimiser info),
the inputs it was fitted to (:class:`rglm.engines.mixed.MixedProblem`: X, y, prior
weights, offset, the random-effects structure), the model frame, and what the front end
adds (the call as R prints it, the control, the family, the data for ``update``). The
statistics lme4 computes from its slots are computed here, lazily, from these; the
generics (``rglm.fixef``, ``rglm.VarCorr``, ``rglm.predict``, ...) are registered in
:mod:`rglm.models.mixed.methods`.

Vectors by observation are pandas Series indexed like the model frame's rows (the labels
of the rows of ``data`` that were used); ``na.exclude`` pads them, as R's ``naresid``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Optional

import numpy as np
import pandas as pd

from rglm.engines.mixed import MixedFit, MixedProblem
from rglm.families import Family
from rglm.formula import ast
from rglm.formula.deparse import deparse1
from rglm.formula.design import ModelSpec
from rglm.formula.frame import ModelFrame
from rglm.render.display import Tabled

__all__ = ["MerMod", "GlmerMod", "LmerMod", "method_title", "pad_excluded"]


def method_title(glmm: bool, REML: bool, nAGQ: int) -> str:
    """lme4's ``methTitle(dims)``: how the fit was made (R pastes a missing suffix as
    an empty string, hence the blank after ``maximum likelihood`` for lmer)."""
    kind = "Generalized linear" if glmm else "Linear"
    if REML:
        how = "REML"
    elif glmm:
        how = ("maximum likelihood (Laplace Approximation)" if nAGQ == 1 else
               f"maximum likelihood (Adaptive Gauss-Hermite Quadrature, nAGQ = {nAGQ})")
    else:
        how = "maximum likelihood "
    return f"{kind} mixed model fit by {how}"


def pad_excluded(values: np.ndarray, frame: ModelFrame, every: bool = False) -> pd.Series:
    """A vector by row of the model frame as R returns it: indexed by the frame's row
    labels and, for ``na.exclude``, padded with NaN at the rows the NA action dropped
    (R: ``naresid``/``napredict``). With ``every``, padded for any NA action (omit too):
    a table by row of the data."""
    s = pd.Series(np.asarray(values, dtype=np.float64), index=frame.row_names)
    na = frame.na_action
    if na is None or (na.kind != "exclude" and not every):
        return s
    n = len(values) + len(na.positions)
    out = np.full(n, np.nan)
    kept = np.ones(n, dtype=bool)
    kept[na.positions] = False
    out[kept] = s.to_numpy()
    labels = np.empty(n, dtype=object)
    labels[kept] = np.asarray(frame.row_names, dtype=object)
    labels[na.positions] = np.asarray(na.labels, dtype=object)
    index = pd.Index(list(labels))
    if pd.api.types.is_integer_dtype(frame.row_names.dtype):
        index = index.astype(frame.row_names.dtype)
    return pd.Series(out, index=index)


@dataclass(frozen=True, repr=False, eq=False)
class MerMod(Tabled):
    """A fitted mixed model. R: class ``merMod``.

    Attributes
    ----------
    call : Call
        R's matched call (``glmer(formula = ..., data = cbpp, family = binomial)``).
    formula_node : Call
        The formula as lme4 stores it (``||`` terms expanded).
    engine : MixedFit
        The engine's record: theta, beta, u, b, deviance components, vcov, conditional
        variances, optimiser information.
    problem : MixedProblem
        The inputs: X (full rank), y, prior weights, offset, family, random effects.
    frame : ModelFrame
        The model frame (R: ``fit@frame``).
    spec : ModelSpec
        How the fixed-effects matrix codes new data.
    family : Family
        R: ``family(fit)`` (``gaussian()`` for lmer).
    control : GlmerControl or LmerControl
    data : pandas.DataFrame or None
        The data the call names, for ``update``.
    fit_messages : tuple of str
        lme4's "fit warnings" (rank-deficient X, predictor scales).
    col_dropped : tuple of str
        Fixed-effect columns dropped as aliased.
    x_keep : tuple of int or None
        The columns of the coded fixed-effects matrix that were kept (None: all).
    """

    R_CLASS = ("merMod",)

    call: ast.Call
    formula_node: ast.Call
    engine: MixedFit = field(repr=False)
    problem: MixedProblem = field(repr=False)
    frame: ModelFrame = field(repr=False)
    spec: ModelSpec = field(repr=False)
    family: Family
    control: Any
    data: Optional[pd.DataFrame] = field(default=None, repr=False)
    fit_messages: tuple = ()
    col_dropped: tuple = ()
    x_keep: Optional[tuple] = None

    # ---- what lme4's devcomp$dims says -------------------------------------------------

    @property
    def is_glmm(self) -> bool:
        """R: ``isGLMM(fit)``."""
        return isinstance(self, GlmerMod)

    @property
    def is_lmm(self) -> bool:
        """R: ``isLMM(fit)``."""
        return not self.is_glmm

    @property
    def REML(self) -> bool:
        """R: ``isREML(fit)``."""
        return bool(self.engine.REML)

    @property
    def nAGQ(self) -> int:
        """The number of quadrature points (1: Laplace; 0: nAGQ = 0; lmer: 1)."""
        return int(self.engine.nAGQ)

    @property
    def use_sc(self) -> bool:
        """Whether the model has a scale parameter (lme4's ``dims["useSc"]``): lmer, and
        glmer families other than binomial and poisson."""
        return bool(self.engine.use_sc)

    @property
    def n(self) -> int:
        """Rows of the model frame (R: ``nobs(fit)``)."""
        return self.problem.n

    @property
    def p(self) -> int:
        return self.problem.p

    @property
    def npar(self) -> int:
        """Estimated parameters: fixed effects, theta and the scale (lme4's ``npar``)."""
        return self.p + len(self.engine.theta) + int(self.use_sc)

    @property
    def xnames(self) -> tuple:
        """Fixed-effect coefficient names."""
        return tuple(self.problem.xnames)

    @property
    def reterms(self):
        """The random-effects structure (:class:`rglm.formula.bars.ReTerms`)."""
        return self.problem.reterms

    @property
    def row_names(self) -> pd.Index:
        return self.frame.row_names

    @property
    def na_action(self):
        return self.frame.na_action

    @property
    def formula(self) -> str:
        """R: ``formula(fit)`` deparsed."""
        return deparse1(self.formula_node)

    @property
    def r_class(self) -> str:
        return self.R_CLASS[0]

    @property
    def title(self) -> str:
        """lme4's ``methTitle``."""
        return method_title(self.is_glmm, self.REML, self.nAGQ)

    @property
    def optimizer_name(self) -> str:
        """The optimiser lme4 records in ``optinfo$optimizer``: glmer's second stage (its
        first for nAGQ = 0), lmer's only one. rglm's engine minimises with its own
        method; lme4's name is what lme4's printouts show."""
        names = tuple(self.engine.optinfo.optimizer)
        if not names:
            return ""
        if self.is_glmm and self.nAGQ == 0:
            return names[0]
        return names[-1]

    @cached_property
    def _flist_names(self) -> tuple:
        return tuple(self.reterms.flist)

    def group_names(self) -> tuple:
        """The grouping factors' names (R: ``names(fit@flist)``)."""
        return self._flist_names

    # ``format(digits=4)`` (R's print.merMod) and ``table_page()`` (its tables for
    # markdown/HTML) are attached by rglm.models.mixed.methods,
    # which sees the printing code: this module stays below it.


@dataclass(frozen=True, repr=False, eq=False)
class GlmerMod(MerMod):
    """A generalized linear mixed model fitted by :func:`rglm.glmer`. R: ``glmerMod``."""

    R_CLASS = ("glmerMod", "merMod")


@dataclass(frozen=True, repr=False, eq=False)
class LmerMod(MerMod):
    """A linear mixed model fitted by :func:`rglm.lmer`. R: ``lmerMod``."""

    R_CLASS = ("lmerMod", "merMod")
