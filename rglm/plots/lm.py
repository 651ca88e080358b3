"""The panels of R's ``plot.lm`` for glm fits (current R, >= 4.3), as plain data.

R: ``stats:::plot.lm(x, which = c(1, 2, 3, 5), ..., id.n = 3)``. Written against the
generics (``residuals``, ``predict``, ``weights``, ``hatvalues``, ``rstandard``,
``cooks_distance``, ``coef``, ``model_frame``), so every glm-like kind (glm, glm.nb)
gets it. What R does, panel by panel (``w``: prior weights; rows with ``w == 0`` are left
out, R's PR#6640; ``rs``/``rds``: standardized Pearson/deviance residuals, NaN at
leverage one with R's warning; the smoother is ``panel.smooth``'s
``lowess(f = 2/3, iter = 0)`` -- R uses no robustness iterations for a glm):

1. *Residuals vs Fitted*: Pearson residuals against the linear predictor.
2. *Q-Q Residuals*: since R 4.3 a half-normal plot of ``|rds|`` against
   ``qnorm((ppoints(n) + 1)/2)``, with the line through the quartiles.
3. *Scale-Location*: ``sqrt(|rs|)`` against the linear predictor.
4. *Cook's distance*: bars by observation number.
5. *Residuals vs Leverage*: ``rs`` against the leverages, with Cook's distance contours
   0.5 and 1 (``+-sqrt(level p (1 - h)/h)``); constant leverages: against the factor
   level combinations, or nothing (a message) without factors.
6. *Cook's dist vs Leverage*: Cook's distances against ``h/(1 - h)``, with lines of
   constant standardized residual through the origin.

The ``id.n`` largest values are labelled by row name: the largest ``|r|`` (1), ``|rds|``
(2), ``|rs|`` (3) and Cook's distances (4-6).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from rglm import generics
from rglm.engines.lowess import lowess
from rglm.errors import RError, rwarn
from rglm.formula.ast import Arg, Call
from rglm.formula.deparse import deparse
from rglm.inference.spline import seq_length_out
from rglm.models.glm.result import r_row_names
from rglm.plots.records import ABLine, Axis, Labels, Line, PlotData, Text
from rglm.plots.rgraphics import (extendrange, finite_range, paste_number, ppoints, pretty,
                                 usr_range)
from rglm.render.rformat import format_number
from rglm.report import message
from scipy.stats import norm

__all__ = ["plot_lm_data", "CAPTIONS", "sub_caption"]

#: R's default captions (plotmath ones deparsed)
CAPTIONS = ("Residuals vs Fitted", "Q-Q Residuals", "Scale-Location", "Cook's distance",
            "Residuals vs Leverage",
            "\"Cook's dist vs Leverage* \" * h[ii]/(1 - h[ii])")
_CONSTANT_CAPTION = "Constant Leverage:\n Residuals vs Factor Levels"
_YLAB_PEARSON = "Std. Pearson resid."


def sub_caption(fit) -> str:
    """The call with only its formula, as R's plot.lm writes it under the panels:
    ``glm(counts ~ outcome + treatment)``; abbreviated to 75 characters + " ..."."""
    call = fit.call
    if isinstance(call, Call):
        formula = [a for a in call.args if a.name == "formula"]
        if formula:
            call = Call(call.fn, (Arg(None, formula[0].value),))
        lines = deparse(call, width_cutoff=80)
    else:
        lines = [str(call)]
    first = lines[0]
    if len(lines) > 1 or len(first) > 75:
        return first[:75] + " ..."
    return first


def _order_desc(values: np.ndarray) -> np.ndarray:
    """R's ``sort.list(v, decreasing = TRUE)`` / ``order(-v)``: largest first, ties in
    order of appearance, NA last."""
    key = np.where(np.isnan(values), np.inf, -values)
    return np.argsort(key, kind="stable")


def _label_pos(x: np.ndarray, usr: tuple[float, float]) -> tuple[int, ...]:
    """R's ``label.pos[(x > mean(usr[1:2])) + 1]`` with ``label.pos = c(4, 2)``."""
    mid = (usr[0] + usr[1]) / 2
    return tuple(2 if v > mid else 4 for v in x)


def _smooth(x: np.ndarray, y: np.ndarray, iter: int):
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        return None
    sm = lowess(x[ok], y[ok], f=2 / 3, iter=iter)
    return (sm.x, sm.y)


def _drop_inf(values: np.ndarray, hii: np.ndarray, warn: bool = True) -> np.ndarray:
    """R's ``dropInf``: NaN where the leverage is one, with R's warning."""
    one = hii >= 1.0
    if one.any():
        if warn:
            where = ", ".join(str(i + 1) for i in np.flatnonzero(one))
            rwarn(f"not plotting observations with leverage one:\n  {where}")
        values = np.where(one, np.nan, values)
    return values


class _Diagnostics:
    """What the panels share, computed once (R's plot.lm preamble)."""

    def __init__(self, fit, which, id_n):
        self.fit = fit
        r = generics.residuals(fit, type="pearson")
        yh = generics.predict(fit)
        w = generics.weights(fit).to_numpy(dtype=float)
        keep = w != 0
        self.r = r.to_numpy(dtype=float)[keep]
        self.yh = np.asarray(yh, dtype=float)[keep]
        self.labels = np.array(r_row_names(r.index), dtype=object)[keep]
        self.n = self.r.size
        show = set(which)
        if id_n < 0 or id_n > self.n:
            raise RError(f"'id.n' must be in {{1,..,{self.n}}}")
        self.id_n = id_n
        if show & {2, 3, 4, 5, 6}:
            # R computes s <- sqrt(summary(x)$dispersion) here, unused for a glm: its
            # warnings (zero weights) are R's, so it is computed too
            generics.summary(fit)
            self.hii = generics.hatvalues(fit).to_numpy(dtype=float)
            if show & {4, 5, 6}:
                self.cook = generics.cooks_distance(fit).to_numpy(dtype=float)
        if show & {2, 3, 5}:
            self.rs = _drop_inf(generics.rstandard(fit, type="pearson").to_numpy(float),
                                self.hii)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # R: suppressWarnings(dropInf(...))
                self.rds = _drop_inf(
                    generics.rstandard(fit, type="deviance").to_numpy(float), self.hii)
        self.rank = int(generics.coef(fit, complete=False).size)
        self.sub = sub_caption(fit)
        self.iter = 0  # R: iter.smooth = if (isGlm) 0 else 3

    def top(self, values: np.ndarray) -> np.ndarray:
        return _order_desc(values)[: self.id_n]

    def labelled(self, idx, x, y, usr_x) -> Labels | None:
        if self.id_n == 0:
            return None
        return Labels(np.asarray(x, float), np.asarray(y, float),
                      tuple(str(t) for t in self.labels[idx]), _label_pos(x, usr_x))


def _residuals_fitted(d: _Diagnostics) -> PlotData:
    ylim = finite_range(d.r)
    if d.id_n > 0:
        ylim = extendrange(ylim, 0.08)
    xlim = finite_range(d.yh)
    idx = d.top(np.abs(d.r))
    return PlotData("which=1", CAPTIONS[0], "Predicted values", "Pearson Residuals",
                    d.yh, d.r, xlim=xlim, ylim=ylim, smooth=_smooth(d.yh, d.r, d.iter),
                    labels=d.labelled(idx, d.yh[idx], d.r[idx], usr_range(xlim)),
                    ablines=(ABLine(h=(0.0,)),), sub=d.sub)


def _halfnormal_qq(d: _Diagnostics) -> PlotData:
    absr = np.abs(d.rds)
    ok = ~np.isnan(absr)
    x = np.full(absr.size, np.nan)
    ranks = np.argsort(np.argsort(absr[ok], kind="stable"), kind="stable")
    x[ok] = norm.ppf((ppoints(int(ok.sum())) + 1) / 2)[ranks]
    ylim = (0.0, float(np.nanmax(absr)) * 1.075)
    xlim = finite_range(x)
    # qqline(absr, distribution = qhalfnorm): the line through the quartiles
    yq = np.quantile(absr[ok], [0.25, 0.75])
    xq = norm.ppf((np.array([0.25, 0.75]) + 1) / 2)
    slope = (yq[1] - yq[0]) / (xq[1] - xq[0])
    intercept = yq[0] - slope * xq[0]
    idx = d.top(np.abs(d.rds))
    return PlotData("which=2", CAPTIONS[1], "Theoretical Quantiles",
                    "abs(`Std. Deviance resid.`)", x, absr, xlim=xlim, ylim=ylim,
                    labels=d.labelled(idx, x[idx], absr[idx], usr_range(xlim)),
                    ablines=(ABLine(a=float(intercept), b=float(slope), color="#7F7F7F"),),
                    sub=d.sub)


def _scale_location(d: _Diagnostics) -> PlotData:
    y = np.sqrt(np.abs(d.rs))
    xlim = finite_range(d.yh)
    ylim = (0.0, float(np.nanmax(y)))
    idx = d.top(np.abs(d.rs))
    return PlotData("which=3", CAPTIONS[2], "Predicted values",
                    "sqrt(abs(`Std. Pearson resid.`))", d.yh, y, xlim=xlim, ylim=ylim,
                    smooth=_smooth(d.yh, y, d.iter),
                    labels=d.labelled(idx, d.yh[idx], y[idx], usr_range(xlim)), sub=d.sub)


def _cooks(d: _Diagnostics) -> PlotData:
    x = np.arange(1.0, d.cook.size + 1.0)
    idx = d.top(d.cook)
    ymax = d.cook[idx[0]] * 1.075 if d.id_n > 0 else float(np.nanmax(d.cook))
    labels = None
    if d.id_n > 0:
        labels = Labels(x[idx], d.cook[idx], tuple(str(t) for t in d.labels[idx]),
                        (3,) * idx.size)
    return PlotData("which=4", CAPTIONS[3], "Obs. number", "Cook's distance", x, d.cook,
                    type="h", xlim=(1.0, float(x.size)), ylim=(0.0, float(ymax)),
                    labels=labels, sub=d.sub)


def _leverage_constant(d: _Diagnostics, r_hat) -> bool:
    return bool(np.all(np.asarray(r_hat) == 0)
                or (r_hat[1] - r_hat[0]) < 1e-10 * float(np.nanmean(d.hii)))


def _residuals_leverage(d: _Diagnostics, cook_levels=(0.5, 1.0)) -> PlotData:
    r_hat = (float(np.nanmin(d.hii)), float(np.nanmax(d.hii)))
    ylim = finite_range(d.rs)
    idx = None
    if d.id_n > 0:
        ylim = extendrange(ylim, 0.08)
        idx = d.top(d.cook)
    if _leverage_constant(d, r_hat):
        return _residuals_factor_levels(d, r_hat, ylim, idx)
    xx = np.where(d.hii >= 1, np.nan, d.hii)
    xlim = (0.0, float(np.nanmax(xx)))
    usr = usr_range(xlim)
    p = d.rank
    hh = seq_length_out(min(r_hat[0], r_hat[1] / 100), usr[1], 101)
    lines = []
    with np.errstate(divide="ignore", invalid="ignore"):
        for crit in cook_levels:
            cl_h = np.sqrt(crit * p * (1 - hh) / hh)
            lines += [Line(hh, cl_h, "dashed", "gray"), Line(hh, -cl_h, "dashed", "gray")]
    xmax = min(0.99, usr[1])
    ymult = np.sqrt(p * (1 - xmax) / xmax)
    aty = np.sqrt(np.asarray(cook_levels)) * ymult
    levels = list(reversed(cook_levels)) + list(cook_levels)
    axis = Axis(4, np.concatenate([-aty[::-1], aty]),
                tuple(paste_number(v) for v in levels), color="gray")
    labels = None if idx is None else d.labelled(idx, xx[idx], d.rs[idx], usr)
    return PlotData("which=5", CAPTIONS[4], "Leverage", _YLAB_PEARSON, xx, d.rs,
                    xlim=xlim, ylim=ylim, smooth=_smooth(xx, d.rs, d.iter), labels=labels,
                    lines=tuple(lines), ablines=(ABLine(h=(0.0,), v=(0.0,)),),
                    axes=(axis,), sub=d.sub, legend="Cook's distance")


def _residuals_factor_levels(d: _Diagnostics, r_hat, ylim, idx) -> PlotData:
    """plot.lm's panel 5 when all leverages are equal: against the factor level
    combinations, or nothing (R's message) when the model has no factor."""
    xlevels = getattr(d.fit, "xlevels", None) or {}
    if not xlevels:
        text = format_number(float(np.mean(r_hat)))
        msg = (f"hat values (leverages) are all = {text}\n and there are no factor "
               "predictors; no plot no. 5")
        message(msg + "\n")
        return PlotData("which=5", "", "", "", np.empty(0), np.empty(0), type="n",
                        sub=d.sub, message=msg)
    names = list(xlevels)
    nlev = np.array([len(xlevels[v]) for v in names], dtype=float)
    nf = len(names)
    ff = np.ones(1) if nf == 1 else np.cumprod(np.r_[1.0, nlev[:0:-1]])[::-1]
    frame = generics.model_frame(d.fit)
    w = generics.weights(d.fit).to_numpy(dtype=float)
    codes = np.column_stack([
        pd.Categorical(frame[v], categories=list(xlevels[v])).codes for v in names
    ]).astype(float)[w != 0]
    facval = codes @ ff
    xlim = (-0.5, float(np.sum((nlev - 1) * ff)) + 0.5)
    first = np.arange(1, nlev[0] + 1)
    axis = Axis(1, ff[0] * (first - 0.5) - 0.5, tuple(str(v) for v in xlevels[names[0]]))
    vlines = ABLine(v=tuple(ff[0] * np.arange(0, nlev[0] + 1) - 0.5), style="dashed")
    labels = None if idx is None else d.labelled(idx, facval[idx], d.rs[idx],
                                                 usr_range(xlim))
    return PlotData("which=5", _CONSTANT_CAPTION, "Factor Level Combinations",
                    _YLAB_PEARSON, facval, d.rs, xlim=xlim, ylim=ylim,
                    smooth=_smooth(facval, d.rs, d.iter), labels=labels,
                    ablines=(vlines, ABLine(h=(0.0,))), axes=(axis,),
                    texts=(Text(np.nan, np.nan, f"{names[0]} :"),))


def _cooks_leverage(d: _Diagnostics) -> PlotData:
    with np.errstate(divide="ignore", invalid="ignore"):
        g = _drop_inf(d.hii / (1 - d.hii), d.hii)
    xlim = (0.0, float(np.nanmax(g)))
    ylim = (0.0, float(np.nanmax(d.cook)) * 1.025)
    athat = pretty(d.hii)
    with np.errstate(divide="ignore", invalid="ignore"):
        axis = Axis(1, athat / (1 - athat), tuple(paste_number(v) for v in athat))
        bval = pretty(np.sqrt(d.rank * d.cook / g), 5)
    xmax, ymax = usr_range(xlim)[1], usr_range(ylim)[1]
    p = d.rank
    ablines, lines, texts = [], [], []
    for b in bval:
        bi2 = b * b
        if p * ymax > bi2 * xmax:
            # R draws abline(0, bi2) -- slope bi2, while its label sits on y = bi2 x / p
            ablines.append(ABLine(a=0.0, b=float(bi2), style="dashed", color="black"))
            texts.append(Text(xmax, bi2 * xmax / p, paste_number(b)))
        else:
            xi = p * ymax / bi2
            lines.append(Line(np.array([0.0, xi]), np.array([0.0, ymax]), "dashed"))
            texts.append(Text(xi, ymax, paste_number(b)))
    idx = d.top(d.cook)
    labels = d.labelled(idx, g[idx], d.cook[idx], usr_range(xlim))
    return PlotData("which=6", CAPTIONS[5], "\"Leverage  \" * h[ii]", "Cook's distance",
                    g, d.cook, xlim=xlim, ylim=ylim, smooth=_smooth(g, d.cook, d.iter),
                    labels=labels, lines=tuple(lines), ablines=tuple(ablines),
                    axes=(axis,), texts=tuple(texts), sub=d.sub)


_PANELS = {1: _residuals_fitted, 2: _halfnormal_qq, 3: _scale_location, 4: _cooks,
           5: _residuals_leverage, 6: _cooks_leverage}


def plot_lm_data(fit, which=(1, 2, 3, 5), id_n: int = 3) -> tuple[PlotData, ...]:
    """The data of R's diagnostic plots of a glm fit, one record per panel.

    R: ``plot(fit, which = c(1, 2, 3, 5), id.n = 3)`` (``stats:::plot.lm``, R >= 4.3).

    Parameters
    ----------
    fit : GLM or NegBinGLM
        The fit.
    which : sequence of int
        Panels among 1..6 (see the module docstring), drawn in increasing order as R.
    id_n : int
        How many extreme points to label by row name.

    Returns
    -------
    tuple of PlotData
    """
    if isinstance(which, (int, np.integer)):
        which = (int(which),)
    which = list(which)
    if not which or any(not isinstance(k, (int, np.integer)) or k < 1 or k > 6
                        for k in which):
        raise RError("'which' must be in 1:6")
    d = _Diagnostics(fit, which, int(id_n))
    return tuple(_PANELS[k](d) for k in sorted(set(which)))
