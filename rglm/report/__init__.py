"""Everything rglm writes for a person to read while it works, in one place.

R writes progress and diagnostics two ways: ``cat()`` to standard output (glm.fit's
``trace`` lines, step's trace) and ``message()`` to standard error ("Waiting for profiling
to be done..."). rglm's code below the front ends never writes to a stream itself; it calls
:func:`cat` or :func:`message`, which write to the streams current at the time of the call
(so pytest's capsys and contextlib.redirect_stdout capture them).
"""

from __future__ import annotations

import sys

__all__ = ["cat", "message"]


def cat(text: str) -> None:
    """Write ``text`` to standard output as it is. R: ``cat(text)``."""
    sys.stdout.write(text)
    sys.stdout.flush()


def message(text: str) -> None:
    """Write ``text`` and a newline to standard error. R: ``message(text)``."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()
