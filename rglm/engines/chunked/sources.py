"""Where the blocks of rows come from, and the engine that runs a pass over them here.

R: ``biglm::bigglm``'s ``data`` argument, which may be a data frame or a function
``data(reset = FALSE)`` returning the next chunk; here the Python equivalents:

* a pandas DataFrame, cut into ``chunksize`` rows;
* a zero-argument callable returning an iterable of DataFrames (called once per pass,
  so it can be re-read: ``lambda: pd.read_csv(path, chunksize=100_000)``);
* a list or tuple of DataFrames;
* CSV path(s) (``.csv``, ``.csv.gz``, ``.tsv``, ``.txt``), read with ``pandas.read_csv``
  in ``chunksize`` rows, only the columns the model uses;
* Parquet path(s) (``.parquet``, ``.pq``), read in batches with pyarrow;
* a ``dask.dataframe.DataFrame``: see :mod:`rglm.engines.chunked.dask_engine`.

A plain iterator or generator can be read only once, but the fit reads the data once per
iteration: it is refused with an error saying what to pass instead.

An engine has ``first_block()`` (a block showing the columns and their types) and
``map_reduce(fn, label)``: ``fn`` applied to every block, results joined with their
``combine`` method.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence

import pandas as pd

from rglm.report.progress import Progress
from rglm.errors import RError

__all__ = ["SerialEngine", "block_reader", "is_dask_frame"]

_CSV_SUFFIXES = (".csv", ".csv.gz", ".csv.bz2", ".csv.zip", ".csv.xz", ".tsv", ".txt")
_PARQUET_SUFFIXES = (".parquet", ".pq")

Blocks = Callable[[], Iterable[pd.DataFrame]]


def is_dask_frame(data: Any) -> bool:
    """Whether ``data`` is a ``dask.dataframe.DataFrame`` (without importing dask)."""
    return type(data).__module__.split(".")[0] in ("dask", "dask_expr") \
        and hasattr(data, "to_delayed")


def _is_path(value: Any) -> bool:
    return isinstance(value, (str, os.PathLike))


def _kind_of(path: str) -> str:
    lower = path.lower()
    if lower.endswith(_PARQUET_SUFFIXES):
        return "parquet"
    if lower.endswith(_CSV_SUFFIXES):
        return "csv"
    raise RError(f"cannot tell the format of '{path}': bigglm() reads CSV files "
                 f"({', '.join(_CSV_SUFFIXES)}) and Parquet files (.parquet, .pq)")


def _csv_blocks(paths: Sequence[str], chunksize: int, columns: Optional[set]) -> Blocks:
    def blocks() -> Iterator[pd.DataFrame]:
        for path in paths:
            sep = "\t" if path.lower().endswith(".tsv") else ","
            usecols = None if columns is None else (lambda name: name in columns)
            with pd.read_csv(path, sep=sep, chunksize=chunksize, usecols=usecols) as reader:
                yield from reader
    return blocks


def _parquet_blocks(paths: Sequence[str], chunksize: int, columns: Optional[set]) -> Blocks:
    try:
        import pyarrow.parquet as pq
    except ImportError as err:  # an optional extra
        raise RError("reading Parquet files needs pyarrow: pip install pyarrow") from err

    def blocks() -> Iterator[pd.DataFrame]:
        for path in paths:
            handle = pq.ParquetFile(path)
            names = handle.schema_arrow.names
            wanted = None if columns is None else [n for n in names if n in columns]
            for batch in handle.iter_batches(batch_size=chunksize, columns=wanted):
                yield batch.to_pandas()
    return blocks


def _frame_blocks(data: pd.DataFrame, chunksize: int) -> Blocks:
    def blocks() -> Iterator[pd.DataFrame]:
        n = len(data)
        for start in range(0, max(n, 1), chunksize):
            yield data.iloc[start:start + chunksize]
    return blocks


def _callable_blocks(data: Callable[[], Iterable[pd.DataFrame]]) -> Blocks:
    def blocks() -> Iterator[pd.DataFrame]:
        produced = data()
        if isinstance(produced, pd.DataFrame):
            yield produced
            return
        try:
            yield from produced
        except TypeError as err:
            raise RError("'data' is a function: it must return an iterable of data "
                         "frames (chunks)") from err
    return blocks


def block_reader(data: Any, chunksize: int, columns: Optional[set] = None) -> Blocks:
    """A zero-argument function giving a fresh iterator over the blocks of ``data``.

    Parameters
    ----------
    data : DataFrame, callable, list/tuple of DataFrames, path or list of paths
    chunksize : int
        Rows per block for DataFrames, CSV and Parquet.
    columns : set of str, optional
        The column names the model may use (CSV and Parquet read only these); None: all.

    Raises
    ------
    RError
        For a one-shot iterator (it cannot be read once per iteration), an unknown file
        format or an unsupported object.
    """
    if isinstance(data, pd.DataFrame):
        return _frame_blocks(data, chunksize)
    if _is_path(data) or (isinstance(data, (list, tuple)) and data
                          and all(_is_path(p) for p in data)):
        paths = [os.fspath(p) for p in ([data] if _is_path(data) else data)]
        kinds = {_kind_of(p) for p in paths}
        if len(kinds) > 1:
            raise RError("the files must all be CSV or all be Parquet")
        make = _parquet_blocks if kinds == {"parquet"} else _csv_blocks
        return make(paths, chunksize, columns)
    if callable(data):
        return _callable_blocks(data)
    if isinstance(data, Iterator):
        raise RError("'data' is an iterator, which can be read only once, but bigglm() "
                     "reads the data once per iteration: pass a function that returns a "
                     "new iterator each time it is called, e.g. "
                     "lambda: pd.read_csv(path, chunksize=100_000)")
    if isinstance(data, (list, tuple)):
        return lambda: iter(data)
    raise RError("'data' must be a data frame, a function returning an iterable of data "
                 "frames, a list of data frames, CSV or Parquet path(s), or a dask "
                 f"DataFrame, not {type(data).__name__}")


def _first(blocks: Blocks) -> pd.DataFrame:
    iterator = iter(blocks())
    try:
        first = next(iterator, None)
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            close()
    if first is None:
        raise RError("the data have no chunks")
    return first


@dataclass
class SerialEngine:
    """Runs each pass here, block after block (bounded memory: one block at a time).

    Attributes
    ----------
    blocks : callable
        From :func:`block_reader`.
    progress : Progress
    """

    blocks: Blocks
    progress: Progress

    description = "serial"

    def first_block(self) -> pd.DataFrame:
        """The first block (its columns and types shape the model)."""
        block = _first(self.blocks)
        _check_block(block, 1)
        return block

    def map_reduce(self, fn: Callable[[pd.DataFrame], Any], label: str) -> Any:
        """``fn`` on every block, the results joined by their ``combine`` method."""
        total = None
        with self.progress.pass_over(label) as display:
            for k, block in enumerate(self.blocks(), start=1):
                _check_block(block, k)
                try:
                    part = fn(block)
                except RError as err:
                    raise RError(f"in chunk {k}: {err}") from err
                total = part if total is None else total.combine(part)
                display.advance(len(block))
        if total is None:
            raise RError("the data have no chunks")
        return total


def _check_block(block: Any, k: int) -> None:
    if not isinstance(block, pd.DataFrame):
        raise RError(f"chunk {k} is a {type(block).__name__}, not a data frame")
