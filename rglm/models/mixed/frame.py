"""The model frame, random-effects structure and fixed-effects matrix of a mixed model.

R: ``lme4::lFormula`` / ``lme4::glFormula`` (``mkFormula``): the frame of the formula
with its bars replaced by ``+`` (so that an NA in any variable, the grouping variables
included, drops the row under ``na.action``), ``mkReTrms`` on that frame with lme4's
checks (``checkNlevels``, ``checkZdims``), and ``model.matrix`` of the formula without
bars on the same frame, made full rank (``chkRank.drop.cols``, a message) and checked
for the scales of its columns (``checkScaleX``, a warning).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

import numpy as np

from rglm.errors import RError, rwarn
from rglm.formula import ast
from rglm.formula.bars import (ReTerms, check_nlevels, check_zdims, expand_double_verts,
                               findbars, mk_reterms, nobars, sub_frame, subbars)
from rglm.formula.design import ModelMatrix, model_matrix
from rglm.formula.frame import ModelFrame, model_frame
from rglm.formula.response import model_offset, model_response, model_weights
from rglm.linalg.qr import dqrdc2
from rglm.report import message

__all__ = ["MixedFrames", "mixed_frames", "expanded_formula", "SCALE_MESSAGE"]

#: checkScaleX's warning (lme4 >= 1.1-38 adds the pointer to ``autoscale``).
SCALE_MESSAGE = ("Some predictor variables are on very different scales: consider "
                 "rescaling. \nYou may also use (g)lmerControl(autoscale = TRUE) to "
                 "improve numerical stability.")


@dataclass(frozen=True)
class MixedFrames:
    """What ``lFormula``/``glFormula`` return, and what the front end needs of it.

    Attributes
    ----------
    formula : Call
        The formula as stored (``||`` expanded: lme4's ``expandDoubleVerts``).
    frame : ModelFrame
        The full model frame (R: ``fit@frame``).
    reterms : ReTerms
    fixed : ModelMatrix
        ``model.matrix`` of the fixed part (all columns; ``keep`` says which are used).
    keep : numpy.ndarray
        0-based columns of ``fixed.x`` kept after dropping aliased ones.
    response : numpy.ndarray
        y (n,) or a two-column binomial response (n, 2).
    weights, offset : numpy.ndarray or None
    messages : tuple of str
        The texts lme4 attaches to X (rank deficiency, scales): ``fit warnings``.
    """

    formula: ast.Call
    frame: ModelFrame = field(repr=False)
    reterms: ReTerms = field(repr=False)
    fixed: ModelMatrix = field(repr=False)
    keep: np.ndarray = field(repr=False)
    response: Any = field(repr=False)
    weights: Optional[np.ndarray] = field(repr=False)
    offset: Optional[np.ndarray] = field(repr=False)
    messages: tuple = ()

    @property
    def X(self) -> np.ndarray:
        """The full-rank fixed-effects matrix."""
        x = self.fixed.x
        return x if len(self.keep) == x.shape[1] else np.asfortranarray(x[:, self.keep])

    @property
    def xnames(self) -> tuple:
        return tuple(self.fixed.colnames[j] for j in self.keep)


def expanded_formula(formula_node: ast.Call) -> ast.Call:
    """The formula with ``(x || g)`` written as ``((1 | g) + (0 + x | g))`` (lme4's
    ``expandDoubleVerts`` on the right-hand side; current lme4 stores it so for glmer as
    for lmer)."""
    args = list(formula_node.args)
    args[-1] = ast.Arg(args[-1].name, expand_double_verts(args[-1].value))
    return ast.Call(formula_node.fn, tuple(args))


def _rank_drop(x: np.ndarray, names: tuple) -> tuple:
    """lme4's ``chkRank.drop.cols(X, "message+drop.cols", tol = 1e-7)``: LINPACK QR
    with R's pivoting; the columns of the first ``rank`` pivots are kept, with a
    message when any is dropped."""
    p = x.shape[1]
    if p == 0:
        return np.arange(0), None
    qr = dqrdc2(np.array(x, dtype=np.float64, order="F"), tol=1e-7)
    if qr.rank == p:
        return np.arange(p), None
    k = p - qr.rank
    text = ("fixed-effect model matrix is rank deficient so dropping "
            f"{k} column{'s' if k > 1 else ''} / coefficient{'s' if k > 1 else ''}")
    message(text)
    return np.sort(np.asarray(qr.pivot[:qr.rank])), text


def _scale_check(x: np.ndarray) -> Optional[str]:
    """lme4's ``checkScaleX(X, "warning", tol = 1e3)``: among the columns that are not
    all 0/1, any standard deviation beyond 1e3 or below 1e-3, or two of them more
    than a factor 1e3 apart."""
    if x.shape[0] < 2 or x.shape[1] == 0:
        return None
    cont = ~np.all((x == 0) | (x == 1), axis=0)
    if not cont.any():
        return None
    sd = np.std(x[:, cont], axis=0, ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        logsd = np.abs(np.log(sd))
        spread = np.log(sd.max()) - np.log(sd.min()) if sd.size > 1 else 0.0
    if np.any(logsd > np.log(1e3)) or spread > np.log(1e3):
        rwarn(SCALE_MESSAGE)
        return SCALE_MESSAGE
    return None


def mixed_frames(formula_node: ast.Call, data, *, subset=None, weights=None,
                 offset=None, na_action: str = "na.omit", contrasts=None,
                 env: Optional[Mapping[str, Any]] = None, glmm: bool) -> MixedFrames:
    """Model frame, random-effects structure and fixed-effects matrix.

    R: ``lFormula(formula, data, subset, weights, na.action, offset, contrasts)`` (lmer)
    and ``glFormula(...)`` (glmer: ``allow.n = TRUE``, as many levels as rows allowed).

    Raises
    ------
    RError
        lme4's texts: ``0 (non-NA) cases``, ``No random effects terms specified in
        formula``, ``grouping factors must have > 1 sampled level``, ``number of levels
        of each grouping factor must be < number of observations (problems: g)``, the
        ``number of observations (=n) <= number of random effects`` check.
    """
    formula = expanded_formula(formula_node)
    if len(formula.args) != 2:
        raise RError("'formula' must have both left and right hand sides")
    bars = findbars(formula)
    frame = model_frame(subbars(formula), data, subset=subset, weights=weights,
                        offset=offset, na_action=na_action, env=env)
    n = frame.nrow
    if n == 0 and not glmm:
        raise RError("0 (non-NA) cases")
    reterms = mk_reterms(bars, frame)
    check_nlevels(reterms, n, allow_n=glmm)
    check_zdims(reterms, n, allow_n=glmm)
    fixed_frame = sub_frame(frame, nobars(formula))
    mm = model_matrix(fixed_frame, contrasts=contrasts)
    keep, rank_msg = _rank_drop(mm.x, tuple(mm.colnames))
    x = mm.x if len(keep) == mm.x.shape[1] else mm.x[:, keep]
    scale_msg = _scale_check(x)
    w = model_weights(frame)
    off = model_offset(frame)
    return MixedFrames(formula=formula, frame=frame, reterms=reterms, fixed=mm,
                       keep=keep, response=model_response(fixed_frame), weights=w,
                       offset=off, messages=tuple(m for m in (rank_msg, scale_msg) if m))
