"""Saving and loading fitted models without pickle (R: ``saveRDS``/``readRDS``).

:func:`save` writes one zip archive of JSON metadata and numpy arrays; :func:`load` reads
it back running no code from the file. See :mod:`rglm.io.api`.
"""

from rglm.io.api import load, save

__all__ = ["save", "load"]
