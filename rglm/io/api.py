"""``save(fit, path)`` and ``load(path)``: R's ``saveRDS`` and ``readRDS`` for rglm's fits.

The file is open and inspectable (a zip archive of ``meta.json`` and ``.npy`` arrays,
:mod:`rglm.io.archive`; the object as tagged JSON, :mod:`rglm.io.codec`) and loading it
runs no code from it: there is no pickle anywhere. What is restored is the fitted object
itself, every stored number as it was computed -- the model is not refitted -- so every
component and every generic (print, summary, predict on new data, anova between loaded
fits, vcov, confint, residuals, influence measures) gives exactly what the original gave.
"""

from __future__ import annotations

from importlib import metadata
from typing import Any

from rglm.errors import RError
from rglm.generics import r_class
from rglm.io.archive import FORMAT, FORMAT_VERSION, read_archive, write_archive
from rglm.io.codec import Decoder, Encoder
from rglm.io.registry import MODELS

__all__ = ["save", "load"]


def _version() -> str:
    """The installed rglm's version (recorded in the file, for messages only)."""
    try:
        return metadata.version("rglm")
    except metadata.PackageNotFoundError:
        return "unknown"


def save(fit: Any, path) -> None:
    """Write a fitted model to a file.

    R: ``saveRDS(object, file)``.

    Parameters
    ----------
    fit : GLM, NegBinGLM, BigGLM, GlmerMod, LmerMod or FMM
        A model from :func:`rglm.glm`, :func:`rglm.glm_nb`, :func:`rglm.bigglm` (also as
        returned by ``step()``), :func:`rglm.glmer`, :func:`rglm.lmer` or :func:`rglm.fmm`.
    path : str, os.PathLike or binary file object
        Where to write (by convention ``*.rglm``). A file name is written through a
        temporary file and renamed, so a failed save leaves no partial file.

    Raises
    ------
    RError
        For an object of another kind, or one holding something that cannot be stored
        as data (a quasi family's variance given as Python functions, a data column of
        Python objects): the message names it.
    """
    if type(fit) not in MODELS:
        raise RError(f"cannot save an object of class '{type(fit).__name__}': save() "
                     "writes fits of glm(), glm_nb(), bigglm(), glmer(), lmer() and fmm()")
    encoder = Encoder()
    root = encoder.encode(fit, "the fit")
    meta = {"format": FORMAT, "version": FORMAT_VERSION, "rglm_version": _version(),
            "class": list(r_class(fit)), "root": root}
    write_archive(path, meta, encoder.arrays)


def load(path) -> Any:
    """Read a fitted model written by :func:`save`.

    R: ``readRDS(file)``.

    Only data is read: records are rebuilt from a fixed list of rglm's classes, families
    by calling their constructors, arrays with ``numpy.load(allow_pickle=False)``.

    Parameters
    ----------
    path : str, os.PathLike or binary file object

    Returns
    -------
    The fitted model, equal in every component to the one saved.

    Raises
    ------
    RError
        ``unknown input format`` for a file that is not an rglm file; a message naming
        the format version for a file this rglm cannot read; a message naming the
        problem for a damaged or tampered file (an unknown class, a pickled or object
        array, an unexpected member).
    """
    zf, archive = read_archive(path)
    with zf:
        try:
            decoder = Decoder(archive, str(archive.meta.get("rglm_version", "unknown")),
                              _version())
            fit = decoder.decode(archive.meta.get("root"))
        except RecursionError:
            raise RError("cannot load: the object is nested too deeply") from None
        if type(fit) not in MODELS:
            raise RError("cannot load: the file does not hold a fitted model")
        archive.check_all_read()
    return fit
