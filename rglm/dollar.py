"""R's ``$`` on a list: exact name first, else a unique partial match.

R: ``x$name`` on a list (``?Extract``: "``$`` does partial matching on names"). R users
write ``fit$df.resid`` for ``fit$df.residual``, ``summary(fit)$coef`` for
``summary(fit)$coefficients`` and ``nb$SE`` for ``nb$SE.theta``, and MASS's scripts do so
throughout; the fitted objects' ``fit["..."]`` accepts the same abbreviations. A prefix that
matches several components matches none (R gives ``NULL``); rglm raises a ``KeyError`` that
names the candidates, so the user sees why.

A leaf module: it imports nothing of rglm's.
"""

from __future__ import annotations

from typing import Iterable

__all__ = ["match_component"]


def match_component(name: str, names: Iterable[str]) -> str:
    """The component ``name`` selects among ``names`` under R's ``$`` rules.

    An exact match wins; otherwise the one name ``name`` is a prefix of (the partial
    matching ``$`` does on lists). ``KeyError`` when none matches or the prefix is
    ambiguous (the message lists the components it abbreviates)."""
    names = list(names)
    if name in names:
        return name
    partial = [n for n in names if n.startswith(name)]
    if len(partial) == 1:
        return partial[0]
    if partial:
        raise KeyError(f"{name!r} is ambiguous: it abbreviates "
                       + ", ".join(repr(n) for n in partial))
    raise KeyError(name)
