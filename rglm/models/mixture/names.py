"""The names of an fmm fit's parameters (Stata's ``e(b)`` pattern with R's term names),
and ``constraints`` written with them.

The engine numbers its parameters ``lcprob:<k>:<term>`` and ``class:<k>:<term>``
(:mod:`rglm.engines.em.layout`). The fitted object labels them as Stata's ``fmm`` labels
``e(b)`` -- an equation, a colon, the coefficient, classes as ``k.Class`` --, with the
terms R's model matrix names (``(Intercept)``, ``healthpoor``, ``I(x^2)``):

================================  =====================================================
parameter                         label
================================  =====================================================
class-probability coefficient     ``2.Class:(Intercept)``, ``2.Class:RDS``
class model coefficient           ``visits:1.Class#hospital``, ``visits:1.Class#(Intercept)``
ancillary (estimation scale)      ``/visits:1.Class#lnalpha``, ``/yn:2.Class#lnvar``
================================  =====================================================

(``Class`` is ``lclabel``.) ``vcov``, ``confint`` and ``constraints`` use these labels;
a constraint may also name the engine's parameters.

Constraints (Stata's ``constraint define``): each a string ``"[a] = [b]"``,
``"[a] - 2*[b] = 0.5"``, ``"[a] = 0"`` -- labels in brackets, numbers, ``+``, ``-``,
``*`` -- or a mapping ``{label: coefficient}`` (the sum equals 0), or a pair
``(mapping, value)``.
"""

from __future__ import annotations

import re
from typing import Mapping, Sequence

from rglm.engines.em import Constraint, Layout
from rglm.errors import RError

__all__ = ["parameter_labels", "engine_names", "parse_constraints", "constraint_text",
           "ANCILLARY_DISPLAY"]

#: The ancillary on its estimation scale -> (Stata's name of its exponential, on the
#: natural scale). The gaussian variance is displayed as ``var(e.<depvar>)``.
ANCILLARY_DISPLAY = {"lnvar": "var(e.{y})", "lnphi": "phi", "lnalpha": "alpha",
                     "lndelta": "delta", "logs": "s", "ln_p": "p"}


def parameter_labels(layout: Layout, depvar: str, lclabel: str) -> tuple:
    """The label of each parameter of ``layout`` (module notes)."""
    out = []
    for i, name in enumerate(layout.names):
        kind, k, term = name.split(":", 2)
        if kind == "lcprob":
            out.append(f"{k}.{lclabel}:{term}")
        elif layout.n_anc and i == layout.anc_index(int(k)):
            out.append(f"/{depvar}:{k}.{lclabel}#{term}")
        else:
            out.append(f"{depvar}:{k}.{lclabel}#{term}")
    return tuple(out)


def engine_names(labels: Sequence[str], layout: Layout) -> dict:
    """Label -> the engine's name, for both spellings."""
    table = {lab: eng for lab, eng in zip(labels, layout.names)}
    table.update({eng: eng for eng in layout.names})
    return table


_TOKEN = re.compile(r"\s*(?:(\[[^\]]*\])|(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)"
                    r"|([+\-*=]))")


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise RError(f"cannot read the constraint '{text}' at '{text[pos:].strip()}': "
                         f"write labels in brackets, e.g. '[a] - [b] = 0'")
        label, number, op = m.groups()
        out.append(("label", label[1:-1].strip()) if label else
                   ("number", number) if number else ("op", op))
        pos = m.end()
    return out


def _side(tokens: list, sign: float, coefs: dict) -> float:
    """Add one side's terms (times ``sign``) to ``coefs``; return its constant."""
    constant = 0.0
    i, n = 0, len(tokens)
    if n == 0:
        raise RError("a constraint side is empty")
    while i < n:
        s = 1.0
        while i < n and tokens[i] in (("op", "+"), ("op", "-")):
            s *= -1.0 if tokens[i][1] == "-" else 1.0
            i += 1
        factor = 1.0
        if i < n and tokens[i][0] == "number":
            factor = float(tokens[i][1])
            i += 1
            if i < n and tokens[i] == ("op", "*"):
                i += 1
            elif i >= n or tokens[i][0] != "label":
                constant += s * factor * sign
                continue
        if i >= n or tokens[i][0] != "label":
            raise RError("a constraint term is a number, a [label], or number*[label]")
        coefs[tokens[i][1]] = coefs.get(tokens[i][1], 0.0) + s * factor * sign
        i += 1
    return constant


def _parse_text(text: str) -> tuple[dict, float]:
    tokens = _tokens(text)
    if tokens.count(("op", "=")) != 1:
        raise RError(f"the constraint '{text}' needs one '='")
    at = tokens.index(("op", "="))
    coefs: dict = {}
    left = _side(tokens[:at], 1.0, coefs)
    right = _side(tokens[at + 1:], -1.0, coefs)
    # sum(left terms) + left const = sum(right terms) + right const
    return coefs, 0.0 - (left + right)  # 0.0 - : never a negative zero


def parse_constraints(value, labels: Sequence[str], layout: Layout) -> tuple:
    """``constraints`` (module notes) as the engine's :class:`Constraint` records.

    Raises
    ------
    RError
        Unreadable text, or a label that names no parameter (the labels are listed).
    """
    if value is None:
        return ()
    if isinstance(value, (str, Mapping)) or (isinstance(value, tuple) and len(value) == 2
                                              and isinstance(value[0], Mapping)):
        value = [value]
    names = engine_names(labels, layout)
    out = []
    for item in value:
        if isinstance(item, Constraint):
            out.append(item)
            continue
        if isinstance(item, str):
            coefs, rhs = _parse_text(item)
        elif isinstance(item, Mapping):
            coefs, rhs = dict(item), 0.0
        elif isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], Mapping):
            coefs, rhs = dict(item[0]), float(item[1])
        else:
            raise RError("a constraint is a string '[a] = [b]', a mapping {label: "
                         "coefficient}, or a pair (mapping, value)")
        unknown = [c for c in coefs if c not in names]
        if unknown:
            raise RError(f"constraint refers to unknown parameter '{unknown[0]}'; the "
                         f"parameters are: {', '.join(labels)}")
        out.append(Constraint(tuple((names[c], float(v)) for c, v in coefs.items()),
                              float(rhs)))
    return tuple(out)


def constraint_text(con: Constraint, labels: Sequence[str], layout: Layout) -> str:
    """A constraint as Stata lists it above the table: ``[a] - [b] = 0``."""
    label_of = dict(zip(layout.names, labels))
    parts = []
    for name, coef in con.coefs:
        lab = f"[{label_of.get(name, name)}]"
        mag = abs(coef)
        term = lab if mag == 1 else f"{mag:g}*{lab}"
        if not parts:
            parts.append(term if coef > 0 else f"-{term}")
        else:
            parts.append(f"{'+' if coef > 0 else '-'} {term}")
    return f"{' '.join(parts)} = {con.rhs + 0.0:g}"
