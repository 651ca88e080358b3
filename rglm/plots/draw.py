"""Draw :class:`~rglm.plots.records.PlotData` panels with matplotlib (R's look, roughly).

Computes nothing: every coordinate comes from the records. matplotlib is imported here
only, when a figure is drawn (the optional extra ``rglm[plot]``); without it
:func:`figure` raises an :class:`~rglm.errors.RError` saying how to install it.
"""

from __future__ import annotations

import math
import re
from typing import Sequence

import numpy as np

from rglm.errors import RError
from rglm.plots.records import PlotData
from rglm.plots.rgraphics import usr_range

__all__ = ["figure", "display_label", "require_matplotlib"]

_STYLES = {"solid": "-", "dashed": "--", "dotted": ":"}
#: R's label.pos / text(pos=) sides -> (offset in points, horizontal, vertical alignment)
_POS = {1: ((0, -3), "center", "top"), 2: ((-3, 0), "right", "center"),
        3: ((0, 3), "center", "bottom"), 4: ((3, 0), "left", "center")}


def require_matplotlib():
    """Import matplotlib's pyplot, or say how to get it."""
    try:
        import matplotlib
        import matplotlib.pyplot as plt
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise RError("plotting needs matplotlib: pip install 'rglm[plot]'") from err
    return matplotlib, plt


def _mathrm(text: str) -> str:
    return r"\mathrm{" + text.replace(" ", r"\ ") + "}"


def display_label(label: str) -> str:
    """A label as matplotlib shows it: R's plotmath expressions of the plots (deparsed
    in the records) as mathtext, anything else unchanged."""
    m = re.fullmatch(r"sqrt\(abs\(`(.+)`\)\)", label)
    if m:
        return r"$\sqrt{|" + _mathrm(m.group(1)) + r"|}$"
    m = re.fullmatch(r"abs\(`(.+)`\)", label)
    if m:
        return f"|{m.group(1)}|"
    m = re.fullmatch(r'"(.*)" \* (.+)', label)
    if m:
        math_part = re.sub(r"(\w+)\[(\w+)\]", r"\1_{\2}", m.group(2))
        return m.group(1) + "$" + math_part + "$"
    return label


def _limits(ax, panel: PlotData) -> None:
    if panel.xlim is not None and all(map(math.isfinite, panel.xlim)):
        lim = panel.xlim
        if panel.log_x:
            ax.set_xscale("log")
            lo, hi = usr_range(tuple(np.log10(lim)))
            ax.set_xlim(10 ** lo, 10 ** hi)
        else:
            ax.set_xlim(*usr_range(lim))
    if panel.ylim is not None and all(map(math.isfinite, panel.ylim)):
        lim = panel.ylim
        if panel.log_y:
            ax.set_yscale("log")
            lo, hi = usr_range(tuple(np.log10(lim)))
            ax.set_ylim(10 ** lo, 10 ** hi)
        else:
            ax.set_ylim(*usr_range(lim))


def _draw_panel(ax, panel: PlotData, small: float) -> None:
    ax.set_title(display_label(panel.caption), fontsize=10)
    if panel.message is not None:
        ax.set_axis_off()
        ax.text(0.5, 0.5, panel.message, ha="center", va="center", fontsize=small,
                transform=ax.transAxes, wrap=True)
        return
    ax.set_xlabel(display_label(panel.xlab))
    ax.set_ylabel(display_label(panel.ylab))
    _limits(ax, panel)
    if panel.type == "p":
        ax.scatter(panel.x, panel.y, s=18, facecolors="none",
                   edgecolors=panel.point_color, linewidths=0.8)
    elif panel.type == "+":
        ax.scatter(panel.x, panel.y, s=30, marker="+", color=panel.point_color)
    elif panel.type == "h":
        ax.vlines(panel.x, 0, panel.y, colors="black", linewidth=1)
    elif panel.type == "l":
        ax.plot(panel.x, panel.y, color="black", linewidth=1)
    for seg in panel.segments:
        if seg.horizontal:
            ax.hlines(seg.x, seg.y0, seg.y1, colors="black", linewidth=1)
        else:
            ax.vlines(seg.x, seg.y0, seg.y1, colors="black", linewidth=1)
    for line in panel.lines:
        ax.plot(line.x, line.y, _STYLES[line.style], color=line.color, linewidth=1)
    if panel.smooth is not None:
        ax.plot(panel.smooth[0], panel.smooth[1], _STYLES[panel.smooth_style],
                color=panel.smooth_color, linewidth=1)
    for ab in panel.ablines:
        style = dict(linestyle=_STYLES[ab.style], color=ab.color, linewidth=1)
        for h in ab.h:
            ax.axhline(h, **style)
        for v in ab.v:
            ax.axvline(v, **style)
        if ab.a is not None and ab.b is not None:
            ax.axline((0.0, ab.a), slope=ab.b, **style)
    for axis in panel.axes:
        # R's axis() leaves out ticks at non-finite positions (plot.lm's h = 1 tick of
        # Cook's dist vs Leverage sits at h/(1 - h) = Inf)
        keep = np.isfinite(axis.at)
        at, labels = axis.at[keep], [t for t, k in zip(axis.labels, keep) if k]
        if axis.side == 1:
            ax.set_xticks(at, labels)
        elif axis.side == 2:
            ax.set_yticks(at, labels, fontsize=small)
        elif axis.side == 4:
            right = ax.twinx()
            right.set_ylim(ax.get_ylim())
            right.set_yticks(at, labels, color=axis.color, fontsize=small)
            right.tick_params(length=0)
    for text in panel.texts:
        if math.isnan(text.x):  # a margin text under the axis (R's mtext)
            ax.annotate(text.text, (0.0, 0.0), xycoords="axes fraction",
                        xytext=(0, -28), textcoords="offset points", fontsize=small)
        else:
            ax.annotate(text.text, (text.x, text.y), xytext=(2, 0),
                        textcoords="offset points", fontsize=small, color=text.color,
                        annotation_clip=False)
    if panel.labels is not None:
        lab = panel.labels
        for x, y, t, p in zip(lab.x, lab.y, lab.text, lab.pos):
            offset, ha, va = _POS.get(p, _POS[4])
            ax.annotate(t, (x, y), xytext=offset, textcoords="offset points",
                        ha=ha, va=va, fontsize=small, annotation_clip=False)
    if panel.legend:
        from matplotlib.lines import Line2D

        handle = Line2D([], [], linestyle="--", color="gray")
        ax.legend([handle], [panel.legend], loc="lower left", frameon=False,
                  fontsize=small, labelcolor="gray")


def figure(panels: Sequence[PlotData], ncol: int | None = None, size: float = 4.0):
    """A matplotlib Figure with one axes per panel (two columns when there are several,
    as ``par(mfrow = c(2, 2))``), the sub-caption under them; ``fig.plot_data`` holds
    the records."""
    _, plt = require_matplotlib()
    n = max(len(panels), 1)
    ncol = ncol or (1 if n == 1 else 2)
    nrow = math.ceil(n / ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(size * ncol * 1.1, size * nrow),
                             squeeze=False)
    small = 8.0
    for ax, panel in zip(axes.ravel(), panels):
        _draw_panel(ax, panel, small)
    for ax in axes.ravel()[len(panels):]:
        ax.set_axis_off()
    subs = {p.sub for p in panels if p.sub}
    if len(subs) == 1:
        fig.text(0.5, 0.005, subs.pop(), ha="center", va="bottom", fontsize=9)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    fig.plot_data = tuple(panels)
    return fig
