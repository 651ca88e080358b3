"""``fmm()``: finite mixtures of GLMs (Stata's ``fmm k: glm``) on rglm's formulas.

Importing the package registers the fit's methods of R's generics (:mod:`.methods`).
"""

from rglm.models.mixture import methods as _methods  # noqa: F401  (registers the methods)
