"""``glm()``: the front end, the fitted object (R's ``c("glm", "lm")``) and its methods.

Importing the package registers glm's methods of R's generics (:mod:`.methods`), so they
are in place whenever a :class:`~rglm.models.glm.result.GLM` exists.
"""

from rglm.models.glm import methods as _methods  # noqa: F401  (registers the methods)
