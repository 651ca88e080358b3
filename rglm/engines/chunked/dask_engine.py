"""Passes over a ``dask.dataframe.DataFrame``, computed where its partitions live.

R: none (``biglm::bigglm`` reads chunks in one R process). Each pass maps every
partition to its small partial result (the ``(p+1) × (p+1)`` triangle, deviance and
counts: :class:`~rglm.engines.chunked.passes.PassTotals`) and joins them pairwise in a tree of
TSQR combines; only those partial results travel, never rows. Within a partition the
rows are processed ``chunksize`` at a time, so a worker's memory stays bounded too.

The computation runs on whatever scheduler dask uses: the default ``dask.distributed``
``Client`` if the user made one, e.g. on a real cluster::

    from dask.distributed import Client
    import dask.dataframe as dd
    client = Client("tcp://scheduler:8786")          # becomes the default scheduler
    ddf = dd.read_parquet("s3://bucket/claims/*.parquet")
    fit = rglm.bigglm("claims ~ age + region + offset(log(exposure))", ddf,
                      family=rglm.poisson())

Workers need rglm (and numpy, scipy, pandas) installed. Warnings raised on remote
workers stay in the workers' logs.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

import pandas as pd

from rglm.report.progress import Progress
from rglm.errors import RError

__all__ = ["DaskEngine"]


def _blockwise(fn: Callable[[pd.DataFrame], Any], frame: pd.DataFrame, chunksize: int) -> Any:
    """``fn`` on a partition, ``chunksize`` rows at a time, results combined."""
    total = None
    for start in range(0, max(len(frame), 1), chunksize):
        part = fn(frame.iloc[start:start + chunksize])
        total = part if total is None else total.combine(part)
    return total


def _combine(a: Any, b: Any) -> Any:
    return a.combine(b)


class DaskEngine:
    """Runs each pass as one dask graph: partitions → partial results → a combine tree.

    Parameters
    ----------
    frame : dask.dataframe.DataFrame
    chunksize : int
        Rows processed at a time within a partition.
    progress : Progress
        One line per pass (the per-block progress is the dask dashboard's job).
    """

    description = "dask"

    def __init__(self, frame: Any, chunksize: int, progress: Progress):
        self._frame = frame
        self._chunksize = int(chunksize)
        self._progress = progress
        self._partitions = frame.to_delayed()
        if not self._partitions:
            raise RError("the dask DataFrame has no partitions")

    def first_block(self) -> pd.DataFrame:
        """An empty frame with the partitions' columns and types (no data is moved)."""
        return self._frame._meta

    def map_reduce(self, fn: Callable[[pd.DataFrame], Any], label: str) -> Any:
        """``fn`` on every partition's blocks, combined in a binary tree, on the cluster."""
        import dask

        step = dask.delayed(functools.partial(_blockwise, fn, chunksize=self._chunksize),
                            pure=False)
        level = [step(part) for part in self._partitions]
        join = dask.delayed(_combine, pure=False)
        while len(level) > 1:
            pairs = [join(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
            level = pairs + ([level[-1]] if len(level) % 2 else [])
        with self._progress.pass_over(label) as display:
            (total,) = dask.compute(level[0])
            display.advance(getattr(total, "nobs", 0) + getattr(total, "n_dropped", 0))
        return total
