"""The caller's namespace: Python's analogue of R's calling environment.

R evaluates formula variables missing from ``data`` in the formula's environment, and
``update()`` re-evaluates a call in ``parent.frame()``. rglm uses the namespace of the code
that called into the package. A leaf module: every layer may import it.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["caller_namespace"]


def caller_namespace() -> dict[str, Any]:
    """Globals then locals of the first stack frame outside the rglm package."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__", "").split(".")[0] == "rglm":
        frame = frame.f_back
    if frame is None:
        return {}
    ns = dict(frame.f_globals)
    ns.update(frame.f_locals)
    return ns
