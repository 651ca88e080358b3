"""R's ``options()`` for printing: the settings every printer of rglm reads.

R: ``base::options`` / ``base::getOption``. ``rglm.options(digits=5, width=65)`` sets
options as R's ``options(digits = 5, width = 65)`` does and returns the old values (a
dict, which ``rglm.options(old)`` restores). Used in a ``with`` statement the settings
hold for the block only (R's ``op <- options(...); on.exit(options(op))``)::

    with rglm.options(digits=5, width=65):
        print(rglm.summary(fit))

The options rglm knows (:data:`DEFAULTS`, R's names; ``max_print`` may be written for
``max.print``):

* ``digits`` (7) -- significant digits of ``print``/``format``/``cat``; the print methods
  derive theirs from it (``print.glm``: ``max(3, digits - 3)``, ``printCoefmat``:
  ``max(3, digits - 2)``, ...);
* ``width`` (80) -- the line width at which vectors and matrices wrap;
* ``scipen`` (0) -- the penalty against scientific notation in ``formatReal``;
* ``max.print`` (99999) -- how many entries ``print`` shows of a vector, matrix or data
  frame;
* ``show.signif.stars`` (True), ``show.coef.Pvalues`` (True) -- ``printCoefmat``'s
  defaults;
* ``useFancyQuotes`` (True) -- curly quotes in the significance legend (R in a UTF-8
  locale).

Where the state lives, and why. R's options are global to the session. The statement
form, ``rglm.options(digits=5)``, therefore sets a process-wide value: it holds in every
thread, and in every later cell of a notebook (each cell may run in a copy of the
previous context, which a context variable would not survive). The ``with`` form is
local instead: on entering the block the change is taken back from the process-wide
values and made in a :class:`contextvars.ContextVar` layer, which the block's exit
resets. A temporary setting thus never leaks into other threads or asyncio tasks
printing at the same time (a thread starts with the process-wide values; a task copies
its creator's context, block included), and nested blocks restore each other in order.
Inside a block, ``rglm.options(...)`` changes the block's layer, which ends with it.

A leaf module: it imports nothing of rglm's but :mod:`rglm.errors`, so that the render
layer, whose functions read these values when called, can import it.
"""

from __future__ import annotations

import contextvars
import math
import threading
from typing import Any, Mapping, Optional

from rglm.errors import RError

__all__ = ["options", "getOption", "OptionValues", "DEFAULTS"]

#: R's defaults of the options rglm's printers read (R's names).
DEFAULTS: dict[str, Any] = {
    "digits": 7,
    "width": 80,
    "scipen": 0,
    "max.print": 99999,
    "show.signif.stars": True,
    "show.coef.Pvalues": True,
    "useFancyQuotes": True,
}

# the process-wide values, replaced (never modified) under the lock, so that a reader
# always sees a complete mapping without taking the lock
_global: dict[str, Any] = dict(DEFAULTS)
_lock = threading.Lock()
# the layer of the innermost ``with rglm.options(...)`` block of this context
_local: contextvars.ContextVar[Optional[dict]] = contextvars.ContextVar("rglm_options",
                                                                       default=None)


def _current() -> dict:
    layer = _local.get()
    return _global if layer is None else layer


def getOption(name: str, default: Any = None) -> Any:
    """The current value of an option. R: ``getOption(x, default = NULL)``.

    ``name`` is R's name (``"max.print"``; ``"max_print"`` is accepted too); an option
    rglm does not know gives ``default``.
    """
    return _current().get(_r_name(name), default)


def _r_name(name: str) -> str:
    if name in DEFAULTS:
        return name
    dotted = name.replace("_", ".")
    return dotted if dotted in DEFAULTS else name


def _as_int(value: Any) -> Optional[int]:
    """R's ``asInteger`` of an option value (truncation toward zero); None (R's NA) for
    anything that is not a finite number."""
    if isinstance(value, (bool, str)):
        return None
    try:  # Python and numpy numbers
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if math.isfinite(number) else None


def _checked(name: str, value: Any) -> Any:
    """The value stored for option ``name``, or R's error for an invalid one."""
    if name == "digits":
        v = _as_int(value)
        if v is None or not 1 <= v <= 22:
            raise RError("invalid 'digits' parameter, allowed 1...22")
        return v
    if name == "width":
        v = _as_int(value)
        if v is None or not 10 <= v <= 10000:
            raise RError("invalid 'width' parameter, allowed 10...10000")
        return v
    if name == "max.print":
        v = _as_int(value)
        if v is None or v < 1:
            raise RError("invalid value for 'max.print'")
        return v
    if name == "scipen":
        v = _as_int(value)
        if v is None:
            raise RError("invalid value for 'scipen'")
        return v
    if not isinstance(value, bool):
        raise RError(f"invalid value for '{name}': TRUE or FALSE (a bool) is needed")
    return value


def _changes(args: tuple, kwargs: dict) -> tuple[list, dict]:
    """The names asked for and the settings given, in R's names, checked."""
    asked: list[str] = []
    settings: dict[str, Any] = {}
    for arg in args:
        if isinstance(arg, Mapping):
            settings.update({_r_name(k): v for k, v in arg.items()})
        elif isinstance(arg, str):
            asked.append(_r_name(arg))
        else:
            raise RError("invalid argument")
    settings.update({_r_name(k): v for k, v in kwargs.items()})
    unknown = [k for k in list(settings) + asked if k not in DEFAULTS]
    if unknown:
        raise RError(f"rglm.options: unknown option '{unknown[0]}' (rglm's printers "
                     f"read {', '.join(DEFAULTS)})")
    return asked, {k: _checked(k, v) for k, v in settings.items()}


class OptionValues(dict):
    """What :func:`options` returns: option name -> value (R's names), the old values
    of the options it set. ``rglm.options(old)`` restores them; in a ``with`` statement
    the settings made by the call hold until the block ends (see the module notes).
    """

    def __init__(self, values: Mapping[str, Any], settings: Optional[dict] = None,
                 token: Optional[contextvars.Token] = None):
        super().__init__(values)
        self._settings = settings or {}
        self._set_in_layer = token  # the call changed a block's layer: how to undo it
        self._block: Optional[contextvars.Token] = None

    def __enter__(self) -> "OptionValues":
        if self._block is not None:
            raise RError("rglm.options(): a with-block setting cannot be entered twice")
        if self._set_in_layer is not None:
            _local.reset(self._set_in_layer)
        else:
            _restore_global(self._settings, dict(self))
        self._block = _local.set({**_current(), **self._settings})
        return self

    def __exit__(self, *exc) -> None:
        _local.reset(self._block)


def _restore_global(settings: dict, old: dict) -> None:
    """Take back a process-wide change: each option still holding the value the change
    gave it gets its old value again (another thread may have set it since)."""
    global _global
    with _lock:
        back = {k: old[k] for k, v in settings.items() if _global.get(k) is v}
        _global = {**_global, **back}


def options(*args: Any, **kwargs: Any) -> OptionValues:
    """Set or query printing options. R: ``options(...)``.

    Parameters
    ----------
    *args : str or mapping
        Names of options to query (``options("digits")``), or a mapping of settings
        (``options(old)``, R's ``options(op)``).
    **kwargs
        Settings, by R's names (``digits=5``, ``width=65``; ``max_print=`` or
        ``**{"max.print": 100}``).

    Returns
    -------
    OptionValues
        With settings: the old values of the options set (usable as a context manager,
        see the module notes). Without settings: the values asked for, or all of them.

    Raises
    ------
    RError
        R's errors for invalid values (``invalid 'digits' parameter, allowed 1...22``,
        ``invalid 'width' parameter, allowed 10...10000``, ``invalid value for
        'max.print'``); an option rglm does not know (R would store it; rglm refuses,
        since nothing would read it).
    """
    global _global
    asked, settings = _changes(args, kwargs)
    current = _current()
    if not settings:
        return OptionValues({k: current[k] for k in asked} if asked else dict(current))
    layer = _local.get()
    if layer is not None:
        old = {k: layer[k] for k in settings}
        token = _local.set({**layer, **settings})
        return OptionValues(old, settings, token)
    with _lock:
        old = {k: _global[k] for k in settings}
        _global = {**_global, **settings}
    return OptionValues(old, settings)
