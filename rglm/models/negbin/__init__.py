"""``glm.nb()`` (MASS): negative binomial GLMs with theta estimated by ML.

Importing the package registers glm.nb's methods of R's generics (:mod:`.methods`).
"""

from rglm.models.negbin import methods as _methods  # noqa: F401  (registers the methods)
