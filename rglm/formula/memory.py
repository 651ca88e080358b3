"""Allocations that cannot succeed are refused up front, with R's message.

R fails on them with ``cannot allocate vector of size 745.1 Gb`` (``src/main/memory.c``).
numpy may instead raise a bare ``MemoryError``, or, where the operating system
overcommits memory, hand out an array that the process is killed for filling. A large
array rglm would allocate (the model matrix) is therefore checked against the memory
available first.
"""

from __future__ import annotations

import math
import os
from typing import Optional

import numpy as np

from rglm.errors import RError

__all__ = ["r_size", "available_memory", "allocate"]


def r_size(nbytes: float) -> str:
    """A size in R's words: ``"745.1 Gb"``, ``"12.3 Mb"``, ``"512 Kb"`` (R: memory.c)."""
    kb = nbytes / 1024.0
    if kb > 1024.0 * 1024.0:
        return f"{kb / 1024.0 / 1024.0:.1f} Gb"
    if kb > 1024.0:
        return f"{kb / 1024.0:.1f} Mb"
    return f"{kb:.0f} Kb"


def available_memory() -> Optional[int]:
    """Bytes of memory available to a new allocation, if the system says (None if not).

    Linux: ``MemAvailable`` of /proc/meminfo; elsewhere the free physical pages.
    """
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, OSError, ValueError):
        return None


def allocate(shape: tuple[int, int], what: str, order: str = "F") -> np.ndarray:
    """``np.zeros(shape)`` of float64, or R's error when it cannot be had.

    Zeros, because the system hands out large zeroed blocks without writing them: a
    caller that fills only some entries (indicator columns) pays for those alone.

    Parameters
    ----------
    shape : (int, int)
        Rows and columns.
    what : str
        What the array is, for the message (``"the model matrix"``).

    Raises
    ------
    RError
        ``cannot allocate vector of size 745.1 Gb (the model matrix: 1000000 rows x
        99999 columns; 21.5 Gb available)`` when the array needs more than the memory
        available, or numpy cannot allocate it.
    """
    nbytes = 8 * math.prod(shape)
    available = available_memory()
    if available is not None and nbytes > available:
        raise _cannot(nbytes, shape, what, available)
    try:
        return np.zeros(shape, dtype=np.float64, order=order)
    except MemoryError:
        raise _cannot(nbytes, shape, what, available) from None


def _cannot(nbytes: int, shape: tuple[int, int], what: str, available: Optional[int]) -> RError:
    room = f"; {r_size(available)} available" if available is not None else ""
    return RError(f"cannot allocate vector of size {r_size(nbytes)} ({what}: {shape[0]} rows "
                  f"x {shape[1]} columns{room})")
