"""The file: one zip archive holding ``meta.json`` and numpy arrays, and nothing else.

R: the container of ``saveRDS``/``readRDS`` (R's own serialisation), here an open one:
``unzip -l fit.rglm`` lists ``meta.json`` (the object's description, readable JSON) and
``arrays/<k>.npy`` (numpy's documented array format). Arrays are written with
``np.save(allow_pickle=False)`` and read with ``np.load(allow_pickle=False)``, so neither
side can run a pickle; reading checks the archive before trusting any of it:

* the members are exactly ``meta.json`` and arrays named ``arrays/<digits>.npy``
  (nothing else, no directories, no path that could escape, no duplicate names);
* ``meta.json`` says it is an rglm file of a format version this rglm reads;
* each array's dtype is plain data (booleans, numbers, fixed-width text, dates): an
  object array, which only pickle could hold, is refused by numpy before it is read.

Nothing is extracted to disk: members are read into memory.
"""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
import zipfile
import zlib
from typing import Any

import numpy as np

from rglm.errors import RError

__all__ = ["FORMAT", "FORMAT_VERSION", "META", "ArrayWriter", "Archive", "write_archive",
           "read_archive", "check_array"]

FORMAT = "rglm saved object"
#: bumped whenever a file written by this rglm could be misread by an older reader
FORMAT_VERSION = 1
META = "meta.json"
_ARRAY_NAME = re.compile(r"arrays/[0-9]{1,9}\.npy")
#: numpy dtype kinds that are plain data: bool, int, uint, float, complex, text, dates
_PLAIN_KINDS = frozenset("biufcUMm")
#: meta.json larger than this is not one we wrote for any model (guards json.loads)
_META_LIMIT = 1 << 30


def _bad(why: str) -> RError:
    return RError(f"cannot load: {why}")


def check_array(values: np.ndarray, where: str) -> np.ndarray:
    """``values`` if its dtype is plain data (what ``np.save(allow_pickle=False)`` writes
    and we chose to store); else R-style error naming ``where``."""
    if values.dtype.kind not in _PLAIN_KINDS or values.dtype.names is not None:
        raise RError(f"{where}: arrays of dtype {values.dtype} are not stored")
    return values


class ArrayWriter:
    """Collects the arrays of one object: ``add(a)`` gives the member name it will have."""

    def __init__(self) -> None:
        self.arrays: list[tuple[str, np.ndarray]] = []

    def add(self, values: np.ndarray, where: str) -> str:
        """Store ``values`` (``where`` names it in an error: ``the fit$y``)."""
        check_array(values, f"cannot save {where}")
        name = f"arrays/{len(self.arrays)}.npy"
        self.arrays.append((name, values))
        return name


def write_archive(path, meta: dict, arrays: ArrayWriter) -> None:
    """Write the archive to ``path`` (a file name: written to a temporary file beside it
    and renamed, so a failed save leaves no half-written file; or a binary file object)."""
    text = json.dumps(meta, ensure_ascii=True, allow_nan=False, separators=(",", ":"))

    def fill(target) -> None:
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(META, text)
            for name, values in arrays.arrays:
                with zf.open(name, "w", force_zip64=True) as member:
                    np.save(member, values, allow_pickle=False)

    if not isinstance(path, (str, os.PathLike)):
        fill(path)
        return
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    try:
        handle, tmp = tempfile.mkstemp(prefix=".rglm-", suffix=".tmp", dir=folder)
    except OSError as err:
        # R's saveRDS: cannot open file 'x': No such file or directory
        raise RError(f"cannot open file '{path}': {err.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            fill(out)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


class Archive:
    """An opened, checked archive: its metadata and its arrays, read on demand."""

    def __init__(self, zf: zipfile.ZipFile, meta: dict) -> None:
        self._zf = zf
        self.meta = meta
        self._read: set[str] = set()

    def check_all_read(self) -> None:
        """Refuse an archive holding arrays the object does not use (smuggled members)."""
        unused = sorted(set(self._zf.namelist()) - self._read - {META})
        if unused:
            raise _bad(f"unexpected member {unused[0]!r} (not part of the saved object)")

    def array(self, name: Any) -> np.ndarray:
        """The array stored under ``name``; refused unless it is a plain-data array."""
        if not isinstance(name, str) or not _ARRAY_NAME.fullmatch(name):
            raise _bad(f"invalid array reference {name!r}")
        self._read.add(name)
        try:
            data = self._zf.read(name)
        except KeyError:
            raise _bad(f"array {name} is missing") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as err:
            raise _bad(f"array {name} is damaged ({err})") from None
        try:
            values = np.load(io.BytesIO(data), allow_pickle=False)
        except (ValueError, OSError, EOFError) as err:
            # numpy refuses an object array (a pickle) here, before reading its payload
            raise _bad(f"array {name} is not a plain numpy array ({err})") from None
        return check_array(values, f"cannot load {name}")


def read_archive(path) -> tuple[zipfile.ZipFile, Archive]:
    """Open and check ``path`` (a file name or a binary file object).

    Raises
    ------
    RError
        ``unknown input format`` (R's readRDS) for a file that is not an rglm archive;
        a message naming the problem for a damaged or tampered one, or one written in a
        format version this rglm cannot read.
    """
    try:
        zf = zipfile.ZipFile(path, "r")
    except zipfile.BadZipFile:
        raise _bad("unknown input format (not an rglm file)") from None
    except FileNotFoundError:
        raise RError(f"cannot open file '{os.fspath(path)}': No such file or directory") \
            from None
    try:
        names = zf.namelist()
        if len(set(names)) != len(names):
            raise _bad("the archive holds two members of the same name")
        strange = [n for n in names if n != META and not _ARRAY_NAME.fullmatch(n)]
        if strange:
            raise _bad(f"unexpected member {strange[0]!r} (an rglm file holds only "
                       "meta.json and arrays/<k>.npy)")
        if META not in names:
            raise _bad("unknown input format (no meta.json)")
        if zf.getinfo(META).file_size > _META_LIMIT:
            raise _bad("meta.json is too large")
        try:
            meta = json.loads(zf.read(META).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise _bad("meta.json is not JSON") from None
        except RecursionError:
            raise _bad("meta.json is nested too deeply") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as err:
            raise _bad(f"meta.json is damaged ({err})") from None
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise _bad("unknown input format (not an rglm file)")
        version = meta.get("version")
        if version != FORMAT_VERSION:
            written = meta.get("rglm_version", "unknown")
            raise _bad(f"it was written in format version {version!r} (by rglm "
                       f"{written}); this rglm reads format version {FORMAT_VERSION} only")
    except BaseException:
        zf.close()
        raise
    return zf, Archive(zf, meta)
