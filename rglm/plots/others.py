"""R's other model plots as data: ``termplot``, ``plot(profile(fit))`` and lme4's
``dotplot(ranef(fit, condVar = TRUE))``.

* ``termplot`` (R: ``stats::termplot``): each term's contribution to the linear predictor
  (``predict(type = "terms")``) against its carrier variable -- the innermost first
  argument of the term, ``u`` for ``log(u)`` -- as a red line (a horizontal segment per
  level for a factor, ``level +- 0.4``), with ``+-2`` standard errors (orange, dashed)
  and the partial residuals (gray points, optionally smoothed by ``panel.smooth``:
  lowess, span 2/3, 3 iterations); the y limits common to all terms by default.
* ``plot.profile`` (R >= 4.4: ``stats:::plot.profile``, before MASS's; the same code):
  per profiled coefficient, the statistic (``z`` or ``tau``; R labels it "tau" either
  way) against the coefficient's values, the interpolating spline R's ``spline()``
  gives (fmm, ``3 n`` points), a cross at the estimate (``tau == 0``).
* ``dotplot.ranef.mer`` (lme4): per grouping factor and term, the conditional modes with
  ``+-qnorm(0.975)`` conditional standard deviations, levels ordered by the first
  term's modes (``reorder(factor(levels), first column)``), a vertical line at 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm

from rglm import generics
from rglm.engines.lowess import lowess
from rglm.errors import RError, rwarn
from rglm.formula.ast import Call, Symbol
from rglm.formula.parse import parse_formula
from rglm.inference.spline import spline
from rglm.plots.records import ABLine, Axis, Line, PlotData, Segments
from rglm.plots.rgraphics import finite_range

__all__ = ["termplot_data", "profile_plot_data", "ranef_dotplot_data"]


# ---- termplot ------------------------------------------------------------------------


def _carrier_name(label: str) -> str:
    """R's ``carrier.name``: the innermost first argument of a term (``u`` for
    ``log(u)``, ``x`` for ``poly(x, 2)``)."""
    node = parse_formula("~ " + label).args[-1].value
    while isinstance(node, Call) and node.args:
        node = node.args[0].value
    return node.name if isinstance(node, Symbol) else label


def _range(*arrays) -> tuple[float, float]:
    values = np.concatenate([np.ravel(np.asarray(a, float)) for a in arrays])
    return finite_range(values)


def termplot_data(fit, partial_resid: bool = False, se: bool = False, terms=None,
                  smooth: bool = False, ylim="common") -> tuple[PlotData, ...]:
    """The panels of R's ``termplot(model, partial.resid, se, terms, smooth =
    panel.smooth, ylim)`` for a glm fit, one per term of the model frame.

    Parameters
    ----------
    fit : GLM
    partial_resid : bool
        Add the partial residuals (``residuals(fit, "partial")``).
    se : bool
        Add the curves at ``+-2`` standard errors.
    terms : list of str, optional
        Terms to plot (default: all).
    smooth : bool
        Smooth the partial residuals of numeric terms (R's ``smooth = panel.smooth``).
    ylim : "common", "free" or (low, high)
        Common y limits for all panels (R's default), each its own, or given.
    """
    pred = generics.predict(fit, type="terms", se_fit=se, terms=terms)
    tms = pred.fit if se else pred
    se_fit = pred.se_fit if se else None
    names = list(tms.columns)
    if any(":" in n for n in names):
        rwarn("'model' appears to involve interactions: see the help page")
    frame = generics.model_frame(fit)
    t = tms.to_numpy(dtype=float)
    s = se_fit.to_numpy(dtype=float) if se else None
    pres = None
    if partial_resid or smooth:
        pres = generics.residuals(fit, type="partial")
        pres = pres[names].to_numpy(dtype=float)
    if isinstance(ylim, str) and ylim not in ("common", "free"):
        raise RError("'ylim' must be \"common\", \"free\" or two numbers")

    def limits(cols):
        if not isinstance(ylim, str):
            return (float(ylim[0]), float(ylim[1]))
        parts = [t[:, cols]]
        if se:
            parts += [t[:, cols] + 1.05 * 2 * s[:, cols], t[:, cols] - 1.05 * 2 * s[:, cols]]
        if partial_resid:
            parts.append(pres[:, cols])
        return _range(*parts)

    common = limits(slice(None)) if ylim == "common" else None
    data = getattr(fit, "data", None)
    panels = []
    for i, name in enumerate(names):
        if name not in frame.columns:
            continue
        ylims = common if common is not None else limits([i])
        column = frame[name]
        ylab = f"Partial for {name}"
        if isinstance(column.dtype, pd.CategoricalDtype):
            levels = list(column.cat.categories)
            codes = column.cat.codes.to_numpy() + 1.0
            lines = []
            for j in range(len(levels)):
                rows = np.flatnonzero(codes == j + 1)
                if rows.size == 0:
                    continue
                r = rows[0]
                jf = np.array([j + 1 - 0.4, j + 1 + 0.4])
                lines.append(Line(jf, np.repeat(t[r, i], 2), "solid", "red"))
                if se:
                    tt = 2 * s[r, i]
                    lines += [Line(jf, np.repeat(t[r, i] + tt, 2), "dashed", "orange"),
                              Line(jf, np.repeat(t[r, i] - tt, 2), "dashed", "orange")]
            x = codes
            xlims = (0.5, len(levels) + 0.5)
            axes = (Axis(1, np.arange(1.0, len(levels) + 1), tuple(map(str, levels))),)
            smoothed = None
        else:
            carrier = _carrier_name(name)
            source = data if data is not None and carrier in getattr(data, "columns", ()) \
                else frame
            if carrier not in source.columns:
                raise RError(f"object '{carrier}' not found")
            xx = source[carrier]
            if source is data:
                xx = xx.loc[tms.index] if len(xx) != len(tms) else xx
            x = pd.to_numeric(xx).to_numpy(dtype=float)
            oo = np.argsort(x, kind="stable")
            lines = [Line(x[oo], t[oo, i], "solid", "red")]
            if se:
                tt = 2 * s[oo, i]
                lines += [Line(x[oo], t[oo, i] + tt, "dashed", "orange"),
                          Line(x[oo], t[oo, i] - tt, "dashed", "orange")]
            xlims = finite_range(x)
            axes = ()
            smoothed = None
            # R: panel.smooth replaces the points of a numeric term's partial
            # residuals, so there is no smoother without them
            if smooth and partial_resid:
                ok = np.isfinite(x) & np.isfinite(pres[:, i])
                sm = lowess(x[ok], pres[ok, i], f=2 / 3, iter=3)
                smoothed = (sm.x, sm.y)
        y = pres[:, i] if partial_resid else np.full(x.size, np.nan)
        panels.append(PlotData(
            name=name, caption="", xlab=_carrier_name(name), ylab=ylab, x=x, y=y,
            type="p" if partial_resid else "n", xlim=xlims, ylim=ylims,
            smooth=smoothed, lines=tuple(lines), axes=axes, point_color="gray",
            smooth_color="darkred", smooth_style="dashed"))
    return tuple(panels)


# ---- plot(profile(fit)) -----------------------------------------------------------------


def profile_plot_data(prof) -> tuple[PlotData, ...]:
    """The panels of R's ``plot(profile(fit))`` (``plot.profile``), one per profiled
    coefficient (coefficients whose profile is NULL are left out)."""
    panels = []
    for name in prof:
        table = prof[name]
        if table is None:
            continue
        tau = table.iloc[:, 0].to_numpy(dtype=float)
        parval = table["par.vals"][name].to_numpy(dtype=float)
        sp = spline(parval, tau)
        at_zero = tau == 0
        lines = (Line(np.asarray(sp.x), np.asarray(sp.y), "solid", "black"),)
        cross = (np.array([parval[at_zero][0]]), np.array([0.0])) if at_zero.sum() == 1 \
            else (np.empty(0), np.empty(0))
        panels.append(PlotData(name=name, caption="", xlab=name, ylab="tau",
                               x=cross[0], y=cross[1], type="+",
                               xlim=finite_range(parval), ylim=finite_range(tau),
                               lines=lines))
    return tuple(panels)


# ---- dotplot(ranef(fit, condVar = TRUE)) --------------------------------------------------


def _reorder(levels: list, score: np.ndarray) -> np.ndarray:
    """R's ``reorder(factor(levels), score)``: positions 1..L of each level, the levels
    sorted by score, ties in ``factor()``'s (sorted) level order."""
    alpha = np.argsort(np.argsort(np.asarray(levels, dtype=str), kind="stable"),
                       kind="stable")
    order = np.lexsort((alpha, score))
    pos = np.empty(len(levels))
    pos[order] = np.arange(1.0, len(levels) + 1)
    return pos


def ranef_dotplot_data(re, level: float = 0.95) -> tuple[PlotData, ...]:
    """The panels of lme4's ``dotplot(ranef(fit, condVar = TRUE))``: one per grouping
    factor and term."""
    rng = norm.ppf((1 + level) / 2)
    table = re.as_data_frame()
    panels = []
    for grp in re:
        frame = re[grp]
        levels = [str(v) for v in frame.index]
        first = frame.iloc[:, 0].to_numpy(dtype=float)
        pos = _reorder(levels, first)
        sub = table[table["grpvar"] == grp]
        for term in frame.columns:
            rows = sub[sub["term"] == term]
            cond = frame[term].to_numpy(dtype=float)
            sd = rows.set_index(rows["grp"].astype(str))["condsd"].reindex(levels) \
                .to_numpy(dtype=float) if "condsd" in rows else np.full(len(levels), np.nan)
            lo, hi = cond - rng * sd, cond + rng * sd
            ylabels = tuple(levels[k] for k in np.argsort(pos))
            panels.append(PlotData(
                name=f"{grp}: {term}", caption=f"{grp}\n{term}", xlab="", ylab="",
                x=cond, y=pos, type="p", xlim=_range(lo, hi),
                ylim=(0.5, len(levels) + 0.5),
                segments=(Segments(pos, lo, hi, horizontal=True),),
                ablines=(ABLine(v=(0.0,), style="solid", color="gray"),),
                axes=(Axis(2, np.arange(1.0, len(levels) + 1), ylabels),)))
    return tuple(panels)
