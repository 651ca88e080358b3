"""Linear hypotheses written as text, turned into a hypothesis matrix.

R: ``car:::makeHypothesis(cnames, hypothesis, rhs)``, which ``car::linearHypothesis``
calls on a character hypothesis: ``"x1 = x2"``, ``"x1 + 2*x2 = 3"``, ``"2 x1 - x2"``
(``= 0`` implied), one row of the matrix per string.

The grammar is car's, reproduced with its quirks, since users' hypotheses rely on it:

* each coefficient name is first replaced by a token of its own (``@1@``, ``@2@``, ...,
  longest names first, so that ``woolB:tensionM`` is not read as ``woolB``);
* blanks and ``*`` are dropped, each side is split into summands at ``+`` and ``-``;
* a summand is a coefficient with an optional numeric multiplier before it (``2``,
  ``-0.5``; none is 1, a bare ``-`` is -1), or a number; a coefficient may appear once;
* the right-hand side minus the left gives the row: coefficients on the left, the
  constants on the right.
"""

from __future__ import annotations

import re
from typing import Sequence, Union

import numpy as np

from rglm.errors import RError, rwarn
from rglm.formula.deparse import deparse_number

__all__ = ["make_hypothesis", "r_as_numeric"]

# what R's as.numeric() reads from a string: decimal or hexadecimal numbers, Inf, NA, NaN
_NUMBER = re.compile(r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|0[xX][0-9a-fA-F]+"
                     r"|Inf|inf|NaN|NA)")
# parseTerms(): a summand's leading multiplier (signs, blanks, digits, points)
_MULTIPLIER = re.compile(r"^[- 0-9.]+")


def r_as_numeric(texts: Sequence[str]) -> np.ndarray:
    """R's ``as.numeric()`` of strings: NaN (R's NA) for what is not a number, with R's
    warning ``NAs introduced by coercion`` (once) when such a string is not ``"NA"``."""
    out = np.empty(len(texts))
    coerced = False
    for i, text in enumerate(texts):
        t = text.strip()
        if _NUMBER.fullmatch(t) and t != "NA":
            out[i] = float.fromhex(t) if t.lower().lstrip("+-").startswith("0x") \
                else float(t.replace("Inf", "inf"))
        else:
            out[i] = np.nan
            coerced = coerced or t != "NA"
    if coerced:
        rwarn("NAs introduced by coercion")
    return out


def _summands(side: str) -> list[str]:
    """car's ``stripchars``: one side of the equation without blanks and ``*``, split into
    summands at ``+`` and before ``-``; empty pieces dropped."""
    side = side.replace("\n", " ").replace("\t", " ").replace(" ", "").replace("*", "")
    return [s for s in side.replace("-", "+-").split("+") if s]


def _component(summand: str) -> str:
    """car's ``parseTerms``: the summand without its leading multiplier and blanks."""
    return _MULTIPLIER.sub("", summand, count=1).replace(" ", "")


def _multiplier(texts: list[str]) -> float:
    """car's ``char2num``, summed: ``""`` is 1, ``"-"`` is -1, others numbers."""
    values = r_as_numeric(["1" if t == "" else "-1" if t == "-" else t for t in texts])
    return float(values.sum())


def _coefficient(token: str, summands: list[str], hypothesis: str) -> float:
    """The multiplier of the coefficient whose token is ``token`` on one side (0 if it
    does not appear). R: car's ``coefvector``."""
    found = [s for s in summands if _component(s) == token]
    if not found:
        return 0.0
    if len(found) > 1:
        raise RError(f'The hypothesis "{hypothesis}" is not well formed.')
    # R's strsplit(): the text around the token, a trailing empty piece dropped
    pieces = found[0].split(token)
    if pieces and pieces[-1] == "":
        pieces.pop()
    value = _multiplier(pieces)
    if np.isnan(value):
        raise RError(f'The hypothesis "{hypothesis}" is not well formed: contains '
                     "non-numeric coefficients.")
    return value


def _constant(summands: list[str], tokens: list[str], hypothesis: str) -> float:
    """The sum of the summands that are not coefficients. R: car's ``constants``."""
    rest = [s for s in summands if _component(s) not in tokens]
    value = float(r_as_numeric(rest).sum()) if rest else 0.0
    if np.isnan(value):
        raise RError(f'The hypothesis "{hypothesis}" is not well formed: contains bad '
                     "coefficient/variable names.")
    return value


def _tokens(cnames: Sequence[str], hypothesis: str) -> tuple[list[str], str]:
    """A token per coefficient name and the hypothesis with the names replaced by them,
    longest names first (R's ``order(nchar(cnames), decreasing = TRUE)``: ties keep
    their order)."""
    mark = next((m for m in "@#~" if not any(m in name for name in cnames)), None)
    if mark is None:
        raise RError(f'The hypothesis "{hypothesis}" is not well formed: contains '
                     "non-standard coefficient names.")
    tokens = [f"{mark}{i + 1}{mark}" for i in range(len(cnames))]
    text = hypothesis
    for i in sorted(range(len(cnames)), key=lambda i: -len(cnames[i])):
        text = text.replace(cnames[i], tokens[i])
    return tokens, text


def _one_hypothesis(cnames: Sequence[str], hypothesis: str,
                    rhs: Union[None, str, float]) -> np.ndarray:
    """The row ``(coefficients..., rhs)`` of one hypothesis."""
    tokens, text = _tokens(cnames, hypothesis)
    sides = text.split("=")
    if sides and sides[-1] == "":  # R's strsplit drops a trailing empty piece
        sides.pop()
    if rhs is None:
        if len(sides) > 2:
            raise RError(f'The hypothesis "{hypothesis}" is not well formed: contains '
                         "more than one = sign.")
        lhs, right = (sides[0] if sides else ""), (sides[1] if len(sides) == 2 else "0")
    else:
        if len(sides) >= 2:
            raise RError(f'The hypothesis "{hypothesis}" is not well formed: contains a = '
                         "sign although rhs was specified.")
        # R reads the rhs as text: a number through as.character() (15 significant
        # digits), a string as it is (a number, or an error: names are not replaced)
        right = rhs if isinstance(rhs, str) else deparse_number(float(rhs))
        lhs = sides[0] if sides else ""
    left_terms, right_terms = _summands(lhs), _summands(right)
    row = [_coefficient(t, left_terms, hypothesis) for t in tokens]
    row = np.array(row) - np.array([_coefficient(t, right_terms, hypothesis) for t in tokens])
    const = _constant(right_terms, tokens, hypothesis) - _constant(left_terms, tokens,
                                                                   hypothesis)
    return np.append(row, const)


def make_hypothesis(cnames: Sequence[str], hypothesis: Sequence[str],
                    rhs: Union[None, str, float, Sequence[Union[str, float]]] = None
                    ) -> tuple[np.ndarray, np.ndarray]:
    """The hypothesis matrix and right-hand side of hypotheses written as text.

    R: ``car:::makeHypothesis(cnames, hypothesis, rhs)``.

    Parameters
    ----------
    cnames : sequence of str
        The coefficient names (of the non-aliased coefficients).
    hypothesis : sequence of str
        One hypothesis per string, e.g. ``"x1 = x2"``, ``"2*x1 + x2 = 1"``.
    rhs : float, str or a sequence of them, optional
        Right-hand sides (recycled); then the strings must hold no ``=``. As in R they
        are read as text (a number written as a string is that number).

    Returns
    -------
    (L, rhs) : (ndarray of shape (q, p), ndarray of shape (q,))

    Raises
    ------
    RError
        car's ``The hypothesis "..." is not well formed...`` errors (after R's warning
        ``NAs introduced by coercion`` where a name is not a coefficient's).
    """
    q = len(hypothesis)
    if rhs is not None:
        rhs = [rhs] if isinstance(rhs, (str, int, float, np.number)) else list(rhs)
        if not rhs:
            raise RError("attempt to replicate an object of type 'NULL'")
        rhs = [rhs[i % len(rhs)] for i in range(q)]  # R's rep(rhs, length.out = q)
    rows = [_one_hypothesis(cnames, h, None if rhs is None else rhs[i])
            for i, h in enumerate(hypothesis)]
    full = np.vstack(rows) if rows else np.empty((0, len(cnames) + 1))
    return full[:, :-1], full[:, -1]
