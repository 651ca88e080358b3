"""What a plot shows, as plain data: one frozen :class:`PlotData` record per panel.

The numbers are those R's plot functions pass to the graphics calls (``plot.window``,
``points``, ``lines``, ``text``, ``abline``, ``axis``), so that they can be checked
against R and reused (``fig.plot_data``); :mod:`rglm.plots.draw` turns them into
matplotlib artists and computes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

__all__ = ["PlotData", "Labels", "Line", "ABLine", "Axis", "Text", "Segments"]


@dataclass(frozen=True)
class Labels:
    """Points labelled by name (R's ``text(x, y, labels, pos = pos)``).

    ``x``, ``y`` are the labelled points; ``pos`` R's side of the point for each label
    (1 below, 2 left, 3 above, 4 right).
    """

    x: np.ndarray
    y: np.ndarray
    text: tuple[str, ...]
    pos: tuple[int, ...]


@dataclass(frozen=True)
class Line:
    """A polyline (R's ``lines(x, y)``); ``style`` "dashed", "dotted" or "solid"."""

    x: np.ndarray
    y: np.ndarray
    style: str = "solid"
    color: str = "black"


@dataclass(frozen=True)
class ABLine:
    """R's ``abline()``: ``y = a + b x`` (``a``, ``b`` given), or horizontal lines at
    ``h``, or vertical ones at ``v``."""

    a: Optional[float] = None
    b: Optional[float] = None
    h: tuple[float, ...] = ()
    v: tuple[float, ...] = ()
    style: str = "dotted"
    color: str = "gray"


@dataclass(frozen=True)
class Axis:
    """An axis with ticks of its own (R's ``axis(side, at, labels)``; 1 bottom, 4 right)."""

    side: int
    at: np.ndarray
    labels: tuple[str, ...]
    color: str = "black"


@dataclass(frozen=True)
class Text:
    """Free text at a point (contour labels; R's ``text()`` without a point label);
    ``x`` NaN: in the margin under the x axis (R's ``mtext(side = 1)``)."""

    x: float
    y: float
    text: str
    color: str = "black"


@dataclass(frozen=True)
class Segments:
    """Vertical bars from zero (R's ``type = "h"``) or error bars: from (x, y0) to
    (x, y1) -- used by caterpillar and term plots."""

    x: np.ndarray
    y0: np.ndarray
    y1: np.ndarray
    horizontal: bool = False


@dataclass(frozen=True)
class PlotData:
    """One panel of a plot, as R computes it.

    Attributes
    ----------
    name : str
        Which panel (``"which=1"`` for plot.lm's first; a term; a coefficient).
    caption : str
        The panel's title (R's ``mtext`` caption or ``main``).
    xlab, ylab : str
        Axis labels; a plotmath label is R's expression deparsed
        (``sqrt(abs(`Std. Pearson resid.`))``).
    x, y : numpy.ndarray
        The points (NaN: not drawn, as R skips NA).
    type : str
        R's plot type of the points: "p" points, "+" crosses, "h" vertical bars, "l" a
        line, "n" none.
    xlim, ylim : tuple of float
        The limits R gives ``plot.window`` (before its 4% extension).
    smooth : (x, y) arrays or None
        The smoother (``panel.smooth``'s lowess), drawn as ``smooth_style`` in
        ``smooth_color`` (plot.lm: solid red; termplot: dashed darkred).
    labels : Labels or None
        The labelled points.
    lines, ablines, axes, texts, segments
        Everything else drawn: curves, reference lines, axes with labels of their own,
        free text, bars.
    sub : str
        The sub-caption (the model's call, abbreviated as R does).
    legend : str or None
        A legend's text (plot.lm's "Cook's distance").
    log_x, log_y : bool
        Axes on a log scale.
    message : str or None
        What R says instead of drawing (an empty panel).
    point_color : str
        The points' colour (termplot's partial residuals are gray).
    """

    name: str
    caption: str
    xlab: str
    ylab: str
    x: np.ndarray
    y: np.ndarray
    type: str = "p"
    xlim: Optional[tuple[float, float]] = None
    ylim: Optional[tuple[float, float]] = None
    smooth: Optional[tuple[np.ndarray, np.ndarray]] = None
    labels: Optional[Labels] = None
    lines: tuple[Line, ...] = ()
    ablines: tuple[ABLine, ...] = ()
    axes: tuple[Axis, ...] = ()
    texts: tuple[Text, ...] = ()
    segments: tuple[Segments, ...] = ()
    sub: str = ""
    legend: Optional[str] = None
    log_x: bool = False
    log_y: bool = False
    message: Optional[str] = None
    point_color: str = "black"
    smooth_color: str = "red"
    smooth_style: str = "solid"
