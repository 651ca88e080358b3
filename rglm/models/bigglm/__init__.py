"""``bigglm()`` (biglm): glm over data in chunks, bigger than memory, serially or on Dask.

Importing the package registers bigglm's methods of R's generics (:mod:`.methods`).
"""

from rglm.models.bigglm import methods as _methods  # noqa: F401  (registers the methods)
