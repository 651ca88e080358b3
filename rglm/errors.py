"""Errors and warnings that carry R's wording.

R signals conditions with ``stop()`` and ``warning()``; rglm raises :class:`RError`
and issues :class:`RWarning` with the same message text, so that users recognise them
and tests can compare against the text R produced.
"""

from __future__ import annotations

import warnings

__all__ = ["RError", "RWarning", "rwarn"]


class RError(ValueError):
    """An error raised where R calls ``stop()``; ``str(err)`` is R's message."""


class RWarning(UserWarning):
    """A warning issued where R calls ``warning()``; the message is R's text."""


def rwarn(message: str, stacklevel: int = 3) -> None:
    """Issue an :class:`RWarning` with R's message text."""
    warnings.warn(message, RWarning, stacklevel=stacklevel)
