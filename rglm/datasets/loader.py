"""Read the datasets shipped with rglm (``data/<name>.csv`` + ``data/<name>.json``).

The files are written by ``tests/reference/make_datasets.R`` from R's own copies of the
data (R: ``utils::data``), so that R and rglm fit byte-identical inputs. The JSON
sidecar records what a CSV cannot: R's column types, factor levels in R's order, whether
a factor is ordered, and the row names where they carry information.
"""

from __future__ import annotations

import functools
import json
import math
import site
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from rglm.errors import RError

__all__ = ["DatasetInfo", "data_dir", "describe", "list_datasets", "load"]


@dataclass(frozen=True)
class DatasetInfo:
    """What R's help page says about a dataset.

    Attributes
    ----------
    name : str
        The dataset's name, as in R (``"mtcars"``, ``"Insurance"``).
    title : str
        The title of R's help page (for ``dobson``, ``budworm`` and ``clotting``, which
        come from the examples of ``?glm``, a description written for rglm).
    source : str
        The "Source" section of R's help page, as plain text.
    nrow : int
        Number of rows.
    columns : tuple of str
        Column names, in R's order.
    """

    name: str
    title: str
    source: str
    nrow: int
    columns: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.name}: {self.title}\nSource: {self.source}"


def _candidate_dirs() -> list[Path]:
    """Places the data files can be, in order of preference.

    A source checkout or an editable install keeps them in the top-level ``data/``
    (two levels above this package); a normal install puts them where setup.cfg's
    ``data_files`` sends them, ``<prefix>/share/rglm/data``.
    """
    here = Path(__file__).resolve()
    dirs = [here.parents[2] / "data"]
    prefixes = [sys.prefix, sys.base_prefix]
    user_base = getattr(site, "USER_BASE", None)
    if user_base:
        prefixes.append(user_base)
    dirs += [Path(p) / "share" / "rglm" / "data" for p in prefixes]
    return dirs


@functools.cache
def data_dir() -> Path:
    """Return the folder holding the shipped datasets.

    Returns
    -------
    pathlib.Path
        The first candidate folder that holds at least one ``*.json`` sidecar.

    Raises
    ------
    FileNotFoundError
        If no candidate folder holds the data files.
    """
    for d in _candidate_dirs():
        if d.is_dir() and any(d.glob("*.json")):
            return d
    searched = ", ".join(str(d) for d in _candidate_dirs())
    raise FileNotFoundError(f"rglm data files not found (searched: {searched})")


def list_datasets() -> list[str]:
    """Names of the shipped datasets, sorted as R's ``data()`` lists them.

    R: ``utils::data()``.

    Returns
    -------
    list of str
        Dataset names, sorted case-insensitively.
    """
    names = [p.stem for p in data_dir().glob("*.json")]
    return sorted(names, key=lambda n: (n.lower(), n))


@functools.cache
def _metadata(name: str) -> dict:
    if name not in list_datasets():
        # R: data("x") warns "data set 'x' not found"; here it is an error because
        # there is nothing to return.
        raise RError(f"data set \u2018{name}\u2019 not found")
    with open(data_dir() / f"{name}.json", encoding="utf-8") as fh:
        return json.load(fh)


def describe(name: str) -> DatasetInfo:
    """Title and source of a dataset, from R's help page.

    R: ``help(name)``.

    Parameters
    ----------
    name : str
        Dataset name, as listed by :func:`list_datasets`.

    Returns
    -------
    DatasetInfo
    """
    meta = _metadata(name)
    return DatasetInfo(
        name=meta["name"],
        title=meta["title"],
        source=meta["source"],
        nrow=int(meta["nrow"]),
        columns=tuple(c["name"] for c in meta["columns"]),
    )


# Text columns get what pandas itself gives text (read_csv, Series(["a"])): "str" on
# pandas 3, object on pandas 2.2, whose "str" alias would turn None into "None".
_TEXT = pd.Series(["a"]).dtype


def _as_float(text: np.ndarray) -> np.ndarray:
    # Python's float() rounds decimal text correctly; pandas' default CSV float parser
    # does not always, and an exact round trip against R is the point of these files.
    return np.array([math.nan if s is None else float(s) for s in text], dtype=np.float64)


def _column(text: list[str | None], spec: dict) -> pd.Series | pd.Categorical | np.ndarray:
    """Turn one CSV column (text, None for NA) into the type its sidecar names."""
    kind = spec["type"]
    has_na = any(s is None for s in text)
    if kind == "numeric":
        return _as_float(text)
    if kind == "integer":
        if has_na:
            return pd.array([None if s is None else int(s) for s in text], dtype="Int64")
        return np.array([int(s) for s in text], dtype=np.int64)
    if kind == "logical":
        values = [None if s is None else s == "TRUE" for s in text]
        return pd.array(values, dtype="boolean") if has_na else np.array(values, dtype=bool)
    if kind == "character":
        return pd.array(text, dtype=_TEXT)
    if kind == "factor":
        return pd.Categorical(text, categories=list(spec["levels"]),
                              ordered=bool(spec["ordered"]))
    raise ValueError(f"unknown column type {kind!r} in the sidecar")


@functools.cache
def _read(name: str) -> pd.DataFrame:
    """Parse a dataset once; :func:`load` hands out copies."""
    meta = _metadata(name)
    # Everything as text first: the sidecar, not pandas' guessing, decides the types.
    raw = pd.read_csv(data_dir() / f"{name}.csv", dtype=str, keep_default_na=False,
                      na_values=[""])
    columns = {}
    for spec in meta["columns"]:
        text = [None if pd.isna(s) else s for s in raw[spec["name"]].tolist()]
        columns[spec["name"]] = _column(text, spec)
    index = None
    if "row_names" in meta:
        index = pd.Index(meta["row_names"], dtype=_TEXT)
    frame = pd.DataFrame(columns, index=index)
    if len(frame) != meta["nrow"]:
        raise ValueError(f"{name}.csv has {len(frame)} rows, its sidecar says {meta['nrow']}")
    return frame


def load(name: str) -> pd.DataFrame:
    """Load a dataset shipped with rglm, with R's column types.

    R: ``data(name)``.

    Parameters
    ----------
    name : str
        Dataset name, e.g. ``"dobson"``, ``"mtcars"``, ``"Insurance"``.

    Returns
    -------
    pandas.DataFrame
        A fresh copy on every call (changing it does not affect later calls), with
        ``attrs["name"] = name``. Column types follow R: numeric -> float64 (NA ->
        NaN); integer -> int64, or nullable ``Int64`` when the column has NA; logical
        -> bool (nullable ``boolean`` with NA); character -> ``str``; factor ->
        ``pandas.Categorical`` with R's level order and ``ordered`` flag.

        Index: where the R data frame has meaningful row names (``mtcars``'s car
        names, ``birthwt``'s subject ids) they become a string index; otherwise the
        frame has pandas' default ``RangeIndex`` (0, 1, ...), which stands for R's
        automatic row names "1", "2", ...

    Raises
    ------
    rglm.errors.RError
        If there is no dataset of that name.

    Examples
    --------
    >>> from rglm.datasets import load
    >>> load("esoph")["agegp"].cat.ordered
    True
    """
    frame = _read(name).copy(deep=True)
    frame.attrs["name"] = name
    return frame
