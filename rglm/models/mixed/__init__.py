"""Mixed models: ``glmer()`` and ``lmer()`` with lme4's numbers and printed text.

R: lme4 (``glmer``, ``lmer``, and the ``merMod`` methods). Modules, in the order of the
pipeline: ``frame`` (lme4's ``lFormula``/``glFormula``), ``frontend`` (``glmer``,
``lmer``: call, engine, warnings), ``result`` (the fitted ``MerMod``), ``accessors``,
``varcorr``, ``ranef``, ``predict``, ``getme``, ``summary``, ``printing``, ``anova``
(likelihood-ratio tables, ``drop1``), ``tables`` (ICC, BLUP, diagnostics and
fixed-effects tables) and ``methods`` (the registrations on :mod:`rglm.generics`,
imported here so that whoever holds a fit has its methods). The numerical core is
:mod:`rglm.engines.mixed`; the text is :mod:`rglm.render.mixed`.
"""

from rglm.models.mixed import methods  # noqa: F401  (registers the generics)
from rglm.models.mixed.frontend import glmer, lmer
from rglm.models.mixed.result import GlmerMod, LmerMod, MerMod
from rglm.models.mixed.tables import blup_table, diagnostics, fixef_table, icc

__all__ = ["glmer", "lmer", "MerMod", "GlmerMod", "LmerMod", "icc", "blup_table",
           "diagnostics", "fixef_table"]
