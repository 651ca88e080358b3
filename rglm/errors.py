"""Errors and warnings that carry R's wording.

R signals conditions with ``stop()`` and ``warning()``; rglm raises :class:`RError`
and issues :class:`RWarning` with the same message text, so that users recognise them
and tests can compare against the text R produced.

R prints a warning every time it is signalled: three fits that separate give three
"fitted probabilities numerically 0 or 1 occurred". Python's default filter shows a
warning once per (text, category, line), remembered in the registry of the module the
line belongs to; a warning issued from a line inside rglm would therefore be shown once
per process, and so would one issued by a loop of the user's. :func:`rwarn` attributes
the warning to the line that called into rglm and passes no registry, so that nothing
remembers it: the default action ("default") shows it every time, while the user's own
filters ("ignore", "error", "once", a ``catch_warnings`` block) still apply. No filter is
installed; nothing process-wide changes.

A computation that R does once but rglm repeats (bigglm evaluates the model frame, the
family's initialize and its aic on every block in every pass) collects its messages with
:func:`collecting_warnings`, which is local to the thread (a context variable, not the
process-wide ``warnings.catch_warnings``), and issues each once with
:class:`WarningsOnce`.
"""

from __future__ import annotations

import contextvars
import os
import sys
import warnings
from contextlib import contextmanager
from typing import Iterable, Iterator, Optional

__all__ = ["RError", "RWarning", "rwarn", "collecting_warnings", "WarningsOnce"]

# the directory of the rglm package: frames whose code lies under it are rglm's own
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


class RError(ValueError):
    """An error raised where R calls ``stop()``; ``str(err)`` is R's message."""


class RWarning(UserWarning):
    """A warning issued where R calls ``warning()``; the message is R's text."""


def _inside_rglm(frame) -> bool:
    return os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE_DIR)


def _calling_frame():
    """The frame of the line that called into rglm: the caller of the outermost rglm
    frame on the stack (frames of the standard library between rglm's own, such as
    ``functools.singledispatch``'s dispatcher, are skipped that way too)."""
    frame = sys._getframe(1)  # rwarn's own frame, inside rglm
    outermost = frame
    while frame is not None:
        if _inside_rglm(frame):
            outermost = frame
        frame = frame.f_back
    return outermost.f_back or outermost


# where rwarn puts its messages instead of issuing them (see collecting_warnings)
_SINK: contextvars.ContextVar[Optional[list]] = contextvars.ContextVar("rglm_warning_sink",
                                                                      default=None)


def rwarn(message: str) -> None:
    """Issue an :class:`RWarning` with R's message text, every time, as R does.

    R: ``warning(message)``. The warning is attributed to the user's line that called
    into rglm (see the module notes). Inside :func:`collecting_warnings` (in the same
    thread) the message is collected instead.
    """
    sink = _SINK.get()
    if sink is not None:
        sink.append(message)
        return
    frame = _calling_frame()
    # as warnings.warn does, except for the registry (None: nothing remembers the
    # warning) and without the module's globals (the source line comes from linecache)
    warnings.warn_explicit(message, RWarning, frame.f_code.co_filename, frame.f_lineno,
                           module=frame.f_globals.get("__name__", "<string>"),
                           registry=None)


@contextmanager
def collecting_warnings() -> Iterator[list]:
    """``with collecting_warnings() as messages:`` -- the texts :func:`rwarn` is given in
    the block, in order, collected in ``messages`` instead of issued.

    Only the current thread (context) is affected: a block running on a worker thread
    collects its own. Should the block raise, its messages are passed on (issued, or
    collected by an enclosing block) before the error propagates, as R shows the
    warnings signalled before an error.
    """
    messages: list = []
    token = _SINK.set(messages)
    try:
        yield messages
    except BaseException:
        _SINK.reset(token)
        for message in dict.fromkeys(messages):
            rwarn(message)
        raise
    _SINK.reset(token)


class WarningsOnce:
    """Issues each distinct message once: for what R computes once and rglm per block.

    ``once.issue(messages)`` issues (:func:`rwarn`) those of ``messages`` not issued
    before by this object, in order.
    """

    def __init__(self) -> None:
        self._issued: set = set()

    def issue(self, messages: Iterable[str]) -> None:
        for message in messages:
            if message not in self._issued:
                self._issued.add(message)
                rwarn(message)
