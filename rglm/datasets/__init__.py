"""Datasets shipped with rglm: R's data for the examples, tests and vignettes.

``load(name)`` returns a pandas DataFrame with R's column types (factors as ordered or
unordered Categoricals with R's level order); ``list_datasets()`` names them and
``describe(name)`` gives the title and source from R's help page.

The data are ``dobson``, ``budworm`` and ``clotting`` (the examples of ``?glm``), R's
``airquality``, ``esoph``, ``infert``, ``InsectSprays``, ``mtcars``, ``PlantGrowth``,
``ToothGrowth``, ``warpbreaks``, MASS's ``anorexia``, ``birthwt``, ``housing``,
``Insurance``, ``menarche``, ``quine``, ``ships`` and lme4's ``cbpp``.
"""

from rglm.datasets.loader import DatasetInfo, data_dir, describe, list_datasets, load

__all__ = ["DatasetInfo", "data_dir", "describe", "list_datasets", "load"]
