"""``rglm.plot``, ``rglm.plot_data`` and ``rglm.termplot``: R's ``plot()`` of what a fit
gives, dispatched on its class, as data or as a matplotlib Figure.

R: ``plot(fit)`` (``plot.lm``), ``plot(profile(fit))`` (``plot.profile``),
``lattice::dotplot(ranef(fit, condVar = TRUE))`` (lme4's ``dotplot.ranef.mer``; here
``plot(ranef(fit))``), ``termplot(fit)``. The data (:func:`plot_data`) needs numpy only;
drawing (:func:`plot`) imports matplotlib (``pip install 'rglm[plot]'``).
"""

from __future__ import annotations

from functools import singledispatch

from rglm.generics import no_applicable_method
from rglm.models.glm.profile import GLMProfile
from rglm.models.glm.result import GLM
from rglm.models.mixed.ranef import Ranef
from rglm.plots import draw
from rglm.plots.lm import plot_lm_data
from rglm.plots.others import profile_plot_data, ranef_dotplot_data, termplot_data

__all__ = ["plot", "plot_data", "termplot"]


@singledispatch
def plot_data(obj, *args, **kwargs):
    """The data R's ``plot(obj, ...)`` draws: a tuple of
    :class:`~rglm.plots.records.PlotData`, one per panel.

    * a glm or glm.nb fit: ``plot_data(fit, which=(1, 2, 3, 5), id_n=3)`` (R's
      ``plot.lm``; see :func:`rglm.plots.lm.plot_lm_data`);
    * ``rglm.profile(fit)``: R's ``plot.profile``;
    * ``rglm.ranef(fit)`` of a mixed model: lme4's ``dotplot`` (``level=0.95``).
    """
    raise no_applicable_method("plot", obj)


plot_data.register(GLM)(plot_lm_data)
plot_data.register(GLMProfile)(lambda prof: profile_plot_data(prof))
plot_data.register(Ranef)(lambda re, level=0.95: ranef_dotplot_data(re, level))


def plot(obj, *args, ncol=None, size: float = 4.0, **kwargs):
    """Draw what R's ``plot(obj, ...)`` draws; returns a matplotlib Figure whose
    ``plot_data`` attribute holds the panels' data (:func:`plot_data`).

    R: ``plot(fit, which = c(1, 2, 3, 5))`` for a glm, ``plot(profile(fit))``,
    ``dotplot(ranef(fit, condVar = TRUE))`` for a mixed model's ``ranef``.

    Parameters
    ----------
    obj
        A glm/glm.nb fit, a profile, or a mixed model's ``ranef``.
    *args, **kwargs
        Passed to :func:`plot_data` (``which=``, ``id_n=`` for a fit).
    ncol : int, optional
        Columns of panels (default 2 when there are several, as ``par(mfrow = c(2, 2))``).
    size : float
        Height of a panel in inches.
    """
    return draw.figure(plot_data(obj, *args, **kwargs), ncol=ncol, size=size)


def termplot(fit, partial_resid: bool = False, se: bool = False, terms=None,
             smooth: bool = False, ylim="common", plot: bool = True, ncol=None,
             size: float = 4.0):
    """R's ``termplot(model, partial.resid, se, terms, smooth = panel.smooth, ylim)``.

    Returns a matplotlib Figure (``fig.plot_data``: one
    :class:`~rglm.plots.records.PlotData` per term); ``plot=False`` returns the data
    only (R's ``plot = FALSE`` returns the curves' data too).
    """
    panels = termplot_data(fit, partial_resid=partial_resid, se=se, terms=terms,
                           smooth=smooth, ylim=ylim)
    if not plot:
        return panels
    return draw.figure(panels, ncol=ncol, size=size)
