"""Format one number the way R's ``format()`` / ``as.character()`` would.

Family and link *names* embed numbers (``power(1/3)`` is ``"mu^0.333"``,
``negative.binomial(1.598)`` is ``"Negative Binomial(1.598)"``), so this package needs
R's choice between fixed and scientific notation for a single double. Kept private and
minimal: the full formatter (common formatting of vectors) lives in ``rglm.printing``.
"""

from __future__ import annotations

import math

__all__ = ["format_number"]


def format_number(x: float, digits: int = 7) -> str:
    """Format a single double as R's ``format(x, digits = digits)`` does.

    R: base::format (formatReal) for a length-one numeric vector, ``scipen = 0``.
    ``as.character(x)`` corresponds to ``digits = 15``.

    Parameters
    ----------
    x : float
        The number.
    digits : int
        Significant digits (R's ``digits`` option, 7 by default).

    Returns
    -------
    str
        Fixed notation when it is no wider than scientific notation, as in R.
    """
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Inf" if x > 0 else "-Inf"
    if x == 0:
        return "0"
    mantissa, exponent = f"{abs(x):.{digits - 1}e}".split("e")
    kp = int(exponent)
    sig = mantissa.replace(".", "").rstrip("0") or "0"
    nsig = len(sig)
    neg = 1 if x < 0 else 0
    # Widths compared exactly as formatReal does (fixed wins ties).
    rgt = max(0, nsig - kp - 1)
    left = kp + 1 if kp >= 0 else 1
    width_fixed = neg + left + (rgt + 1 if rgt > 0 else 0)
    width_sci = neg + (nsig + 1 if nsig > 1 else 1) + (4 if abs(kp) < 100 else 5)
    if width_fixed <= width_sci:
        return f"{x:.{rgt}f}"
    mant = sig[0] + ("." + sig[1:] if nsig > 1 else "")
    return f"{'-' if neg else ''}{mant}e{'-' if kp < 0 else '+'}{abs(kp):02d}"
