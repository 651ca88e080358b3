"""The caller's namespace: Python's analogue of R's calling environment.

R evaluates formula variables missing from ``data`` in the formula's environment, and
``update()`` re-evaluates a call in ``parent.frame()``. rglm uses the namespace of the code
that called into the package. A leaf module: every layer may import it.
"""

from __future__ import annotations

import functools
import sys
from typing import Any, Mapping, Optional

__all__ = ["caller_namespace", "outside_rglm", "name_in", "variable_names"]

# The frame of functools.singledispatch's dispatching wrapper (one code object for all
# wrappers): R's generics (rglm.generics) call their methods through it, and it belongs
# to the call into rglm, not to the caller.
_DISPATCH_CODE = functools.singledispatch(lambda obj: obj).__code__


def outside_rglm(frame):
    """The first frame, from ``frame`` outwards, of code that is not rglm's (nor a
    generic's dispatch)."""
    while frame is not None and (
            frame.f_globals.get("__name__", "").split(".")[0] == "rglm"
            or frame.f_code is _DISPATCH_CODE):
        frame = frame.f_back
    return frame


def caller_namespace() -> dict[str, Any]:
    """Globals then locals of the first stack frame outside the rglm package."""
    frame = outside_rglm(sys._getframe(1))
    if frame is None:
        return {}
    ns = dict(frame.f_globals)
    ns.update(frame.f_locals)
    return ns


def name_in(namespace: Mapping[str, Any], obj: Any) -> Optional[str]:
    """The name a caller's variable holding exactly ``obj`` has, if any (R's
    ``deparse(substitute(x))`` for an argument passed as a variable)."""
    for key, val in namespace.items():
        if val is obj and not key.startswith("_"):
            return key
    return None


def variable_names(objects, frame) -> list:
    """Per object, the name of the variable holding it in ``frame`` (locals first, then
    globals), or None: R's ``deparse(substitute(...))`` of the models passed to
    ``anova``/``lrtest``/``AIC``. ``frame`` is the caller's (:func:`outside_rglm`)."""
    scopes = [] if frame is None else [frame.f_locals, frame.f_globals]
    out = []
    for obj in objects:
        found = None
        for scope in scopes:
            found = name_in(scope, obj)
            if found is not None:
                break
        out.append(found)
    return out
