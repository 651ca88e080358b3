"""R's plots of fitted models: the plotted data as records (:mod:`.records`) computed as
R computes them, drawn with matplotlib (:mod:`.draw`, imported only when drawing).

The top of the house (above the model kinds): ``plot`` dispatches on what it is given --
a glm-like fit (R's ``plot.lm``), a profile (``plot.profile``), a mixed model's
``ranef`` (lme4's ``dotplot``) -- and ``termplot`` draws a fit's terms.
"""
