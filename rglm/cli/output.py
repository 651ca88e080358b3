"""How the command writes its results: R's printed text, markdown, HTML or JSON.

* ``text``: each result's ``print()``, one after the other, as an R session prints them;
* ``markdown`` / ``html``: each result's table (``to_markdown()``, ``to_html()``), the
  same cells as the text (:mod:`rglm.render.tables`), separated by an empty line;
* ``json``: one object whose members are the results as records (broom's ``tidy`` and
  ``glance`` columns where rglm has them, else the result's table), numbers as JSON
  numbers, NA and NaN as ``null``.
"""

from __future__ import annotations

import json
import math
from typing import Any, Sequence

import numpy as np
import pandas as pd

__all__ = ["FORMATS", "write_results", "records"]

FORMATS = ("text", "markdown", "html", "json")


def _plain(value: Any) -> Any:
    """A cell as a JSON value: NA/NaN/inf as None, numpy scalars as Python's."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if not math.isfinite(float(value)) else float(value)
    return value if isinstance(value, (int, str)) else str(value)


def records(frame: pd.DataFrame, row_name: str = "term") -> list[dict]:
    """A DataFrame as a list of records; a meaningful index (not 0..n-1) becomes the
    first member, ``row_name``."""
    frame = pd.DataFrame(frame)
    keep_index = not (isinstance(frame.index, pd.RangeIndex)
                      and frame.index.start == 0 and frame.index.step == 1)
    out = []
    for label, row in zip(frame.index, frame.itertuples(index=False, name=None)):
        rec = {row_name: str(label)} if keep_index else {}
        rec.update({str(c): _plain(v) for c, v in zip(frame.columns, row)})
        out.append(rec)
    return out


def write_results(results: Sequence[tuple[str, Any, Any]], fmt: str, out) -> None:
    """Write ``(name, printable object, JSON value)`` triples in format ``fmt``."""
    if fmt == "json":
        doc = {name: value for name, _, value in results}
        out.write(json.dumps(doc, indent=2, allow_nan=False) + "\n")
        return
    pieces = []
    for _, obj, _ in results:
        if fmt == "text":
            pieces.append(str(obj))
        elif fmt == "markdown":
            pieces.append(obj.to_markdown())
        else:
            pieces.append(obj._repr_html_())
    out.write(("" if fmt == "text" else "\n").join(pieces))
