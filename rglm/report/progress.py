"""The progress display of a chunked fit: one bar (or line) per pass over the data.

R: none (``biglm::bigglm`` is silent unless ``quiet = FALSE``). tqdm is used when it is
installed; otherwise a plain line on stderr is rewritten in place. Off by default.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator, Optional

__all__ = ["Progress"]


class _Silent:
    def advance(self, rows: int) -> None:
        pass


class _Line:
    """A line on stderr, rewritten after every block: ``bigglm: iteration 3: 12 chunks, ...``."""

    def __init__(self, label: str, total: Optional[int]):
        self._label, self._total = label, total
        self.rows = self.chunks = 0

    def advance(self, rows: int) -> None:
        self.rows += rows
        self.chunks += 1
        of = f" of {self._total:,}" if self._total else ""
        sys.stderr.write(f"\rbigglm: {self._label}: {self.chunks} chunks, "
                         f"{self.rows:,}{of} rows")
        sys.stderr.flush()

    def close(self) -> None:
        if self.chunks == 0:
            sys.stderr.write(f"\rbigglm: {self._label}")
        sys.stderr.write("\n")
        sys.stderr.flush()


class _Bar:
    """A tqdm bar counting rows."""

    def __init__(self, tqdm, label: str, total: Optional[int]):
        self._bar = tqdm(total=total, desc=f"bigglm {label}", unit=" rows", leave=False,
                         file=sys.stderr, dynamic_ncols=True)
        self.rows = 0

    def advance(self, rows: int) -> None:
        self.rows += rows
        self._bar.update(rows)

    def close(self) -> None:
        self._bar.close()


class Progress:
    """Shows each pass's progress; remembers the row count of a full pass as the total.

    Parameters
    ----------
    enabled : bool
        False: show nothing.
    total_rows : int, optional
        Rows per pass, when known beforehand (a DataFrame's length).
    """

    def __init__(self, enabled: bool = False, total_rows: Optional[int] = None):
        self.enabled = bool(enabled)
        self.total_rows = total_rows
        try:
            from tqdm.auto import tqdm
        except ImportError:  # tqdm is an optional extra
            tqdm = None
        self._tqdm = tqdm

    @contextmanager
    def pass_over(self, label: str) -> Iterator[object]:
        """A display for one pass; ``advance(rows)`` after each block."""
        if not self.enabled:
            yield _Silent()
            return
        display = _Bar(self._tqdm, label, self.total_rows) if self._tqdm else \
            _Line(label, self.total_rows)
        try:
            yield display
        finally:
            display.close()
        if display.rows:
            self.total_rows = display.rows
