"""R's number-formatting primitives: round, signif, formatReal, zapsmall, format.pval.

Every printed number in rglm goes through this module, so that the digits, widths and
the choice between fixed and scientific notation are R's (``src/main/format.c``,
``src/nmath/fround.c``, ``src/nmath/fprec.c``, ``base::format.pval``, ``base::zapsmall``).

Conventions:

* inputs are array-likes of floats; ``None`` entries (or a boolean ``na`` mask) mark R's
  ``NA``, which prints as ``"NA"`` (or ``na_string``); a float NaN without the mask is
  R's ``NaN`` and prints ``"NaN"``;
* ``digits`` is R's number of significant digits; where R's default is
  ``getOption("digits")``, None reads the current :func:`rglm.options` (7 unless set);
* ``formatReal``'s choice of notation honours ``options(scipen)``, as R's does;
* nothing here mutates its inputs.
"""

from __future__ import annotations

import math
from typing import Optional

import numpy as np

from rglm.roptions import getOption

__all__ = ["option_digits", "fround", "signif", "format_info", "format_real", "encode_real", "format_number",
           "zapsmall", "format_pval", "signif_stars", "signif_legend", "SIGNIF_LEGEND",
           "as_values", "DBL_EPSILON"]

DBL_EPSILON = 2.220446049250313e-16
_DBL_DIG = 15
_MAX_DIGITS = 308
_LOG10_2 = 0.301029995663981195213738894724
_KP_MAX = 27  # largest power of ten exact in an x87 long double
_R_DEC_MIN_EXPONENT = -308  # floor(log10(DBL_MIN))

# 10^0 .. 10^27 as exact long doubles (R's tbl[] in format.c).
_TBL = [np.longdouble(1)]
for _ in range(_KP_MAX):
    _TBL.append(_TBL[-1] * np.longdouble(10))
_TBL_ARRAY = np.array(_TBL, dtype=np.longdouble)


def as_values(x, na=None) -> tuple[np.ndarray, np.ndarray]:
    """Split an input into float values and an NA mask.

    ``None`` entries and entries where ``na`` is true are R's ``NA``; they come back as NaN
    in the values with the mask set.
    """
    if isinstance(x, np.ndarray) and x.dtype != object:
        values = np.array(x, dtype=float)
        mask = np.zeros(values.shape, dtype=bool)
    else:
        obj = np.asarray(x, dtype=object)
        mask = np.frompyfunc(lambda v: v is None, 1, 1)(obj).astype(bool)
        values = np.where(mask, np.nan, obj).astype(float)
    if na is not None:
        mask = mask | np.asarray(na, dtype=bool)
        values = np.where(mask, np.nan, values)
    return values, mask


def _pow_di(x: float, n: int) -> float:
    """R's ``R_pow_di``: x^n by repeated squaring in double (1/x^|n| for negative n)."""
    result = 1.0
    if n == 0:
        return result
    neg = n < 0
    n = abs(n)
    while True:
        if n & 1:
            result *= x
        n >>= 1
        if not n:
            break
        x *= x
    return 1.0 / result if neg else result


def fround(x, digits: float = 0):
    """Round to ``digits`` decimal places the way R does.

    R: ``base::round(x, digits)`` (``fround`` in src/nmath/fround.c, R >= 4.0.0): of the two
    candidates ``floor(x*10^d)/10^d`` and ``ceiling(x*10^d)/10^d`` take the closer one,
    the one with an even last digit on a tie; non-integer ``digits`` are rounded with
    ``floor(digits + 0.5)`` (``zapsmall`` relies on it).

    Parameters
    ----------
    x : array_like or float
    digits : float
        Scalar number of decimal places (negative rounds to tens, hundreds, ...).

    Returns
    -------
    numpy.ndarray or float
        Same shape as ``x`` (a float for a scalar input).
    """
    scalar = np.ndim(x) == 0
    arr = np.array(x, dtype=float)
    if math.isnan(digits):
        out = arr + digits
    else:
        out = _fround_array(arr, float(digits))
    return float(out) if scalar else out


def _fround_array(x: np.ndarray, digits: float) -> np.ndarray:
    out = x.copy()
    work = np.isfinite(x) & (x != 0)
    if digits > _MAX_DIGITS + 15 or not work.any():
        return out
    if digits < -_MAX_DIGITS:
        out[work] = 0.0
        return out
    if digits == 0:
        return np.rint(x)
    dig = int(math.floor(digits + 0.5))
    ax = np.abs(x[work])
    sgn = np.sign(x[work])
    # logb(x) is the binary exponent; l10x ~ log10(x) decides whether rounding can matter
    _, e2 = np.frexp(ax)
    l10x = _LOG10_2 * (0.5 + (e2 - 1))
    with np.errstate(over="ignore", invalid="ignore"):
        if dig <= _MAX_DIGITS:
            p10 = _pow_di(10.0, dig)
            x10 = p10 * ax
            i10 = np.floor(x10)
            xd = i10 / p10
            xu = np.ceil(x10) / p10
        else:
            p10a = _pow_di(10.0, dig - _MAX_DIGITS)
            p10b = _pow_di(10.0, _MAX_DIGITS)
            x10 = (ax * p10b) * p10a
            i10 = np.floor(x10)
            xd = i10 / p10b / p10a
            xu = np.ceil(x10) / p10b / p10a
        du = xu - ax
        dd = ax - xd
        up = (du < dd) | ((du == dd) & (np.fmod(i10, 2.0) == 1))
        rounded = np.where(up, xu, xd)
    keep = l10x + dig > _DBL_DIG
    out[work] = sgn * np.where(keep, ax, rounded)
    return out


def signif(x, digits: int = 6):
    """Round to ``digits`` significant digits the way R does.

    R: ``base::signif(x, digits)`` (``fprec`` in src/nmath/fprec.c): scale by a power of ten
    so that the kept digits are integral, ``nearbyint`` (ties to even on the scaled double),
    scale back.

    Parameters
    ----------
    x : array_like or float
    digits : int
        Significant digits, rounded and clamped to at least 1; above 22 ``x`` is returned.

    Returns
    -------
    numpy.ndarray or float
    """
    scalar = np.ndim(x) == 0
    arr = np.array(x, dtype=float)
    out = arr.copy()
    dig = int(np.rint(digits))
    work = np.isfinite(arr) & (arr != 0)
    if dig <= 22 and work.any():
        dig = max(dig, 1)
        ax = np.abs(arr[work])
        sgn = np.sign(arr[work])
        l10 = np.log10(ax)
        e10 = (dig - 1 - np.floor(l10)).astype(int)
        res = np.empty_like(ax)
        for e in np.unique(e10):
            sel = e10 == e
            res[sel] = _fprec_group(ax[sel], l10[sel], int(e), dig)
        out[work] = sgn * res
    return float(out) if scalar else out


def _fprec_group(ax: np.ndarray, l10: np.ndarray, e10: int, dig: int) -> np.ndarray:
    """fprec for values sharing one decimal exponent e10."""
    max10e = _MAX_DIGITS
    res = np.empty_like(ax)
    normal = np.abs(l10) < max10e - 2
    if normal.any():
        v = ax[normal]
        p10 = 1.0
        e = e10
        if e > max10e:
            p10 = _pow_di(10.0, e - max10e)
            e = max10e
        if e > 0:
            pow10 = _pow_di(10.0, e)
            res[normal] = (np.rint((v * pow10) * p10) / pow10) / p10
        else:
            pow10 = _pow_di(10.0, -e)
            res[normal] = np.rint(v / pow10) * pow10
    if (~normal).any():
        v = ax[~normal]
        do_round = (max10e - l10[~normal]) >= _pow_di(10.0, -dig)
        e2 = dig + (22 if e10 > 0 else -22)
        p10 = _pow_di(10.0, e2)
        big = _pow_di(10.0, e10 - e2)
        with np.errstate(all="ignore"):
            v = (v * p10) * big
            v = np.where(do_round, v + 0.5, v)
            res[~normal] = np.floor(v) / p10 / big
    return res


def _scientific(r: np.ndarray, digits: int):
    """R's ``scientific()`` for positive finite r: (kpower, nsig, roundingwidens) arrays.

    ``alpha = r / 10^kp`` is computed in 80-bit long double with exact powers of ten, as R
    does on x86_64, then rounded half-even to ``digits`` significant digits.
    """
    n = r.size
    kpower = np.zeros(n, dtype=int)
    nsig = np.ones(n, dtype=int)
    widens = np.zeros(n, dtype=bool)
    if n == 0:
        return kpower, nsig, widens
    if digits >= _DBL_DIG + 1:
        for i, v in enumerate(r):
            text = "%#.*e" % (digits - 1, v)
            mant, exp = text.split("e")
            kpower[i] = int(exp)
            sig = mant.replace(".", "").rstrip("0")
            nsig[i] = max(len(sig), 1) if sig else 1
        return kpower, nsig, widens
    kp = np.floor(np.log10(r)).astype(int) - digits + 1
    rl = r.astype(np.longdouble)
    alpha_l = np.empty(n, dtype=np.longdouble)
    small = np.abs(kp) < 10
    pos = small & (kp > 0)
    neg = small & (kp < 0)
    zero = small & (kp == 0)
    alpha_l[pos] = rl[pos] / _TBL_ARRAY[kp[pos]]
    alpha_l[neg] = rl[neg] * _TBL_ARRAY[-kp[neg]]
    alpha_l[zero] = rl[zero]
    tiny = ~small & (kp <= _R_DEC_MIN_EXPONENT)
    other = ~small & ~tiny
    ten = np.longdouble(10)
    if tiny.any():
        alpha_l[tiny] = (r[tiny] * 1e303).astype(np.longdouble) / np.power(
            ten, (kp[tiny] + 303).astype(np.longdouble))
    if other.any():
        alpha_l[other] = rl[other] / np.power(ten, kp[other].astype(np.longdouble))
    low = alpha_l < _TBL_ARRAY[digits - 1]
    alpha_l = np.where(low, alpha_l * 10, alpha_l)
    kp = np.where(low, kp - 1, kp)
    alpha = np.rint(alpha_l).astype(float)
    # drop trailing zeros of the rounded mantissa
    nsig = np.full(n, digits, dtype=int)
    active = np.ones(n, dtype=bool)
    for _ in range(digits):
        alpha = alpha / 10.0
        integral = active & (alpha == np.floor(alpha))
        nsig = nsig - integral
        active = integral
        if not active.any():
            break
    none_left = nsig == 0
    nsig = np.where(none_left, 1, nsig)
    kp = np.where(none_left, kp + 1, kp)
    kpower = kp + digits - 1
    # 9996 at 3 digits is 1e+04 in scientific form but 9996 in fixed: rounding widens
    rgt = np.clip(digits - kpower, 0, _KP_MAX)
    fuzz = 0.5 / _TBL_ARRAY[rgt]
    inrange = (kpower > 0) & (kpower <= _KP_MAX)
    bound = _TBL_ARRAY[np.clip(kpower, 0, _KP_MAX)] - fuzz
    widens = inrange & (rl < bound)
    return kpower, nsig, widens


def _digits(digits: Optional[int]) -> int:
    """``digits``, or R's ``getOption("digits")`` when None."""
    return getOption("digits") if digits is None else digits


def option_digits(minus: int = 0, least: int = 1, digits: Optional[int] = None) -> int:
    """The digits a print method uses by default: ``max(least, getOption("digits") -
    minus)`` (``print.glm``: ``option_digits(3, 3)``; ``printCoefmat``:
    ``option_digits(2, 3)``), or ``digits`` when given."""
    if digits is not None:
        return digits
    return max(least, getOption("digits") - minus)


def format_info(x, digits: Optional[int] = None, nsmall: int = 0, na=None,
                na_width: int = 2) -> tuple[int, int, int]:
    """Common width, decimals and exponent flag for formatting numbers jointly.

    R: ``formatReal`` (src/main/format.c), used by ``format()``, ``print()``.

    Parameters
    ----------
    x : array_like
        Numbers (``None`` or the ``na`` mask mark NA).
    digits : int, optional
        Significant digits (R_print.digits; default ``getOption("digits")``).
    nsmall : int
        Minimum decimals in fixed notation (``format(nsmall=)``).
    na : array_like of bool, optional
        Which entries are NA.
    na_width : int
        Width of the NA string (2 for ``"NA"``, ``len(na.print)`` when printing).

    Returns
    -------
    (w, d, e) : tuple of int
        Field width, digits after the point, and 0 for fixed notation or the number of
        exponent digits minus one (1 or 2) for scientific notation.
    """
    digits = _digits(digits)
    values, mask = as_values(x, na)
    values = values.ravel()
    mask = mask.ravel()
    finite = np.isfinite(values)
    w = d = e = 0
    if finite.any():
        v = values[finite]
        nonzero = v != 0
        neg_i = (v < 0).astype(int)
        kpower = np.zeros(v.size, dtype=int)
        nsig = np.ones(v.size, dtype=int)
        widens = np.zeros(v.size, dtype=bool)
        kpower[nonzero], nsig[nonzero], widens[nonzero] = _scientific(
            np.abs(v[nonzero]), digits)
        left = kpower + 1 - widens
        sleft = neg_i + np.where(left <= 0, 1, left)
        right = nsig - left
        neg = int(neg_i.any())
        rgt = int(right.max())
        mxl = int(left.max())
        mnl = int(left.min())
        mxsl = int(sleft.max())
        mxns = int(nsig.max())
        if mxl < 0:
            mxsl = 1 + neg
        rgt = max(rgt, 0)
        width_fixed = mxsl + rgt + (rgt != 0)
        e = 2 if (mxl > 100 or mnl <= -99) else 1
        d = mxns - 1
        w = neg + (d > 0) + d + 4 + e
        if width_fixed <= w + getOption("scipen"):
            e = 0
            if nsmall > rgt:
                rgt = nsmall
                width_fixed = mxsl + rgt + (rgt != 0)
            d = rgt
            w = width_fixed
    if mask.any():
        w = max(w, na_width)
    other = ~finite & ~mask
    if other.any():
        nonfin = values[other]
        if np.isnan(nonfin).any() or (nonfin > 0).any():
            w = max(w, 3)
        if (nonfin < 0).any():
            w = max(w, 4)
    return w, d, e


def encode_real(x, w: int, d: int, e: int, na=None, na_string: str = "NA") -> list[str]:
    """Write numbers with a given (w, d, e), right-justified in width w.

    R: ``encodeReal0`` (src/main/printutils.c): ``%*.*f`` or ``%#*.*e``; -0 prints as 0.
    """
    values, mask = as_values(x, na)
    out = []
    for v, m in zip(values.ravel().tolist(), mask.ravel().tolist()):
        if m:
            s = na_string
        elif math.isnan(v):
            s = "NaN"
        elif math.isinf(v):
            s = "Inf" if v > 0 else "-Inf"
        else:
            if v == 0:
                v = 0.0
            if e:
                s = ("%#.*e" if d > 0 else "%.*e") % (d, v)
            else:
                s = "%.*f" % (d, v)
        out.append(s.rjust(w))
    return out


def format_real(x, digits: Optional[int] = None, nsmall: int = 0, na=None,
                na_string: str = "NA") -> list[str]:
    """Format numbers jointly: one common notation and width, right-justified.

    R: ``format(x, digits = digits, nsmall = nsmall)`` on a numeric vector (a matrix is
    formatted as one vector: pass it flattened); ``digits`` defaults to
    ``getOption("digits")``.

    Examples
    --------
    >>> format_real([124.8756, 4.9937], digits=5)
    ['124.8756', '  4.9937']
    """
    w, d, e = format_info(x, digits, nsmall, na, len(na_string))
    return encode_real(x, w, d, e, na, na_string)


def format_number(x, digits: Optional[int] = None) -> str:
    """One number as ``cat()`` writes it (formatted on its own, no padding).

    R: ``cat(x)`` (up to ``getOption("digits")`` significant digits unless ``digits``
    is given); Python ints are R integers (``cat(100000L)`` is ``100000`` while
    ``cat(1e5)`` is ``1e+05``).
    """
    if x is None:
        return "NA"
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return str(int(x))
    return format_real([float(x)], digits)[0]


def zapsmall(x, digits: Optional[int] = None):
    """Round values that are tiny relative to the largest to zero.

    R: ``base::zapsmall(x, digits = getOption("digits"))`` (R <= 4.3 form, same default
    result in 4.4):
    ``round(x, max(0, digits - log10(max|x|)))`` — a non-integer number of decimals.
    NaN entries are R's NA and are left alone.
    """
    digits = _digits(digits)
    scalar = np.ndim(x) == 0
    arr = np.array(x, dtype=float)
    ok = ~np.isnan(arr)
    if not ok.any():
        return float(arr) if scalar else arr
    mx = float(np.max(np.abs(arr[ok])))
    with np.errstate(divide="ignore"):
        dig = max(0.0, digits - math.log10(mx)) if mx > 0 else float(digits)
    out = fround(arr, dig)
    return float(out) if scalar else out


def format_pval(pv, digits: Optional[int] = None, eps: float = 2.220446e-16,
                na_form: str = "NA", na=None) -> list[str]:
    """Format p-values, writing the ones below ``eps`` as ``<eps``.

    R: ``base::format.pval(pv, digits = max(1, getOption("digits") - 2), eps,
    na.form)``: p-values with decimal exponent >= -3
    (or -4 when digits > 1) and the others are formatted as two separate joint groups;
    ``< eps`` entries use ``max(1, digits - 2)`` digits and a separating space unless the
    other entries are narrow (giving ``<2e-16``, ``< 2e-16`` or ``< 2.2e-16``).
    """
    if digits is None:
        digits = max(1, getOption("digits") - 2)
    values, mask = as_values(pv, na)
    values = values.ravel()
    mask = mask.ravel() | np.isnan(values)
    result = [na_form] * values.size
    idx = np.flatnonzero(~mask)
    p = values[idx]
    is0 = p < eps
    rr: list[str] = []
    if (~is0).any():
        q = p[~is0]
        with np.errstate(divide="ignore"):
            expo = np.floor(np.log10(np.where(q > 0, q, 1e-50)))
        fixp = (expo >= -3) | ((expo == -4) & (digits > 1))
        rr = [""] * q.size
        for group in (fixp, ~fixp):
            if group.any():
                for j, s in zip(np.flatnonzero(group), format_real(q[group], digits)):
                    rr[j] = s
        for j, s in zip(idx[~is0], rr):
            result[j] = s
    if is0.any():
        dig0 = max(1, digits - 2)
        if (~is0).any():
            nc = max(len(s) for s in rr)
            if dig0 > 1 and dig0 + 6 > nc:
                dig0 = max(1, nc - 7)
            sep = "" if (dig0 == 1 and nc <= 6) else " "
        else:
            sep = "" if dig0 == 1 else " "
        text = "<" + sep + format_real([eps], dig0)[0]
        for j in idx[is0]:
            result[j] = text
    return result


_STAR_CUTS = (0.001, 0.01, 0.05, 0.1)
_STARS = ("***", "**", "*", ".", " ")


def signif_stars(p, na=None) -> list[str]:
    """Significance symbols for p-values; NA gives "".

    R: ``symnum(p, corr = FALSE, na = FALSE, cutpoints = c(0, 0.001, 0.01, 0.05, 0.1, 1),
    symbols = c("***", "**", "*", ".", " "))``: right-closed intervals, 0 included.
    """
    values, mask = as_values(p, na)
    values = values.ravel()
    out = []
    for v, m in zip(values.tolist(), mask.ravel().tolist()):
        if m or math.isnan(v):
            out.append("")
            continue
        k = 0
        while k < len(_STAR_CUTS) and v > _STAR_CUTS[k]:
            k += 1
        out.append(_STARS[k])
    return out


def signif_legend(fancy_quotes: bool = True) -> str:
    """The legend of the significance stars (``attr(symnum(...), "legend")``).

    R: ``sQuote`` gives curly quotes in a UTF-8 locale, straight ones in the C locale.
    """
    lq, rq = ("\u2018", "\u2019") if fancy_quotes else ("'", "'")
    cuts = ("0", "0.001", "0.01", "0.05", "0.1", "1")
    parts = []
    for c, s in zip(cuts, _STARS + ("",)):
        parts.append(c)
        if s:
            parts.append(lq + s + rq)
    return " ".join(parts)


SIGNIF_LEGEND = signif_legend(True)
