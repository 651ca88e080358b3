"""R's regression splines ``bs()`` and ``ns()``, with the knots that code new data.

R: ``splines::bs``, ``splines::ns``, ``splines::splineDesign``, ``predict.bs``/``ns``,
``makepredictcall.bs``/``ns``.

``bs`` is the B-spline basis of a piecewise polynomial of the given degree; ``ns`` the
basis of a natural cubic spline (linear beyond the boundary knots). Fitting computes the
knots from the data (quantiles of ``x``); :class:`SplineBasis` records them, as R's
``makepredictcall`` rewrites the call with ``knots =``, ``Boundary.knots =`` (and
``degree =``, ``intercept =``), so that new data are coded with the fitting data's knots.

Conventions: ``x`` is a 1-D float64 array (NaN for NA, giving NA rows); the basis is a
new n × k float64 array; inputs are never written to. Loops run over the spline's
degree, never over observations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from scipy.linalg import blas

from rglm.errors import RError, rwarn

__all__ = ["SplineBasis", "bs", "ns", "spline_predict", "spline_design", "spline_colnames"]

# R's bs(): the pivot for extrapolation lies this fraction of the way from the boundary
# knot to the next knot (0 in R <= 3.2.2, 1/4 since).
_PIVOT_FRACTION = 0.25

_OUTSIDE_WARNING = "some 'x' values beyond boundary knots may cause ill-conditioned bases"


@dataclass(frozen=True)
class SplineBasis:
    """R's attributes of a ``bs()``/``ns()`` basis: what codes new data identically.

    Attributes
    ----------
    kind : str
        ``"bs"`` or ``"ns"``.
    degree : int
        The polynomial degree (3 for ``ns``).
    knots : tuple of float
        The interior knots (empty for none).
    boundary_knots : tuple of float
        The two boundary knots, sorted.
    intercept : bool
        Whether the basis keeps its first column.
    """

    kind: str
    degree: int
    knots: tuple[float, ...]
    boundary_knots: tuple[float, float]
    intercept: bool


def spline_colnames(ncol: int) -> tuple[str, ...]:
    """R's column names of a spline basis: ``"1".."ncol"``."""
    return tuple(str(j) for j in range(1, ncol + 1))


# ---------------------------------------------------------------------------------------
# B-splines: splineDesign
# ---------------------------------------------------------------------------------------

def _cursor(knots: np.ndarray, x: np.ndarray, order: int) -> tuple[np.ndarray, np.ndarray]:
    """The index of the first knot beyond each ``x`` (splines.c ``set_cursor``), and
    whether ``x`` sits on the last usable knot (``boundary``).

    The right end of the last interval belongs to it: there the cursor is moved back to
    the last legitimate position, as in R.
    """
    last = knots.size - order
    curs = np.searchsorted(knots, x, side="right")
    boundary = (curs > last) & (x == knots[last])
    return np.where(boundary, last, curs), boundary


def _differences(knots: np.ndarray, x: np.ndarray, curs: np.ndarray,
                 count: int) -> tuple[np.ndarray, np.ndarray]:
    """``rdel[:, i] = t[curs + i] - x`` and ``ldel[:, i] = x - t[curs - 1 - i]``."""
    steps = np.arange(count)
    rdel = knots[curs[:, None] + steps] - x[:, None]
    ldel = x[:, None] - knots[curs[:, None] - 1 - steps]
    return rdel, ldel


def _basis_values(knots: np.ndarray, x: np.ndarray, curs: np.ndarray,
                  order: int) -> np.ndarray:
    """The ``order`` B-splines not zero at each ``x`` (splines.c ``basis_funcs``).

    Notes
    -----
    The Cox–de Boor triangle: ``b_r <- saved + rdel_r b_r / (rdel_r + ldel_{j-1-r})``,
    carried along each row. Where two knots coincide the denominator is 0 and R skips
    the division (keeping ``b_0`` when ``rdel_0`` is 0 too); so does this.
    """
    rdel, ldel = _differences(knots, x, curs, order - 1)
    b = np.zeros((x.size, order))
    b[:, 0] = 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        for j in range(1, order):
            saved = np.zeros(x.size)
            for r in range(j):
                den = rdel[:, r] + ldel[:, j - 1 - r]
                ok = den != 0
                term = b[:, r] / np.where(ok, den, 1.0)
                keep = ~ok & (r == 0) & (rdel[:, r] == 0)
                b[:, r] = np.where(ok, saved + rdel[:, r] * term,
                                   np.where(keep, b[:, r], saved))
                saved = np.where(ok, ldel[:, j - 1 - r] * term, 0.0)
            b[:, j] = saved
    return b


def _derivative_values(knots: np.ndarray, x: np.ndarray, curs: np.ndarray,
                       boundary: np.ndarray, order: int, nder: int) -> np.ndarray:
    """The ``nder``-th derivatives of the ``order`` B-splines not zero at each ``x``
    (splines.c ``evaluate`` with unit coefficient vectors).

    Notes
    -----
    Differencing the coefficients ``nder`` times (``a_k <- o (a_{k+1} - a_k) /
    (t[curs + k] - t[curs - o + k])``, ``o`` the remaining degree), then de Boor's
    recursion on what is left. All ``order`` unit vectors and all points at once: axis
    0 the point, axis 1 the B-spline, axis 2 the coefficient.
    """
    n = x.size
    a = np.broadcast_to(np.eye(order), (n, order, order)).copy()
    outer = order - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        for _ in range(nder):
            k = np.arange(outer)
            den = knots[curs[:, None] + k] - knots[curs[:, None] - outer + k]
            a[:, :, :outer] = outer * (a[:, :, 1:outer + 1] - a[:, :, :outer]) / den[:, None, :]
            outer -= 1
        rdel, ldel = _differences(knots, x, curs, outer)
        for o in range(outer - 1, -1, -1):
            k = np.arange(o + 1)
            lo, ro = ldel[:, o - k], rdel[:, k]
            a[:, :, :o + 1] = ((a[:, :, 1:o + 2] * lo[:, None, :]
                                + a[:, :, :o + 1] * ro[:, None, :]) / (ro + lo)[:, None, :])
    values = a[:, :, 0]
    if nder == order - 1:
        values = np.where(boundary[:, None], 0.0, values)  # R: "value is arbitrary"
    return values


def spline_design(knots: Sequence[float], x: np.ndarray, order: int = 4,
                  derivs: Sequence[int] | int = 0) -> np.ndarray:
    """The B-spline design matrix: ``len(x)`` rows, ``len(knots) - order`` columns.

    R: splines::splineDesign(knots, x, ord, derivs, outer.ok = FALSE)

    Parameters
    ----------
    knots : sequence of float
        The full knot sequence (sorted here, as R sorts it).
    x : numpy.ndarray
        Points inside ``[knots[order - 1], knots[-order]]``.
    order : int
        Degree + 1.
    derivs : int or sequence of int
        The derivative to evaluate, recycled along ``x``.
    """
    knots = np.sort(np.asarray(knots, dtype=float))
    x = np.asarray(x, dtype=float).reshape(-1)
    nk = knots.size
    derivs = np.atleast_1d(np.asarray(derivs, dtype=np.int64))
    if nk <= 0:
        raise RError("must have at least 'ord' knots")
    if derivs.size > x.size:
        raise RError("length of 'derivs' is larger than length of 'x'")
    if derivs.size < 1:
        raise RError("empty 'derivs'")
    if order > nk or order < 1:
        raise RError("'ord' must be positive integer, at most the number of knots")
    if nk < 2 * order - 1:
        raise RError(f"need at least 2*ord -1 (={2 * order - 1}) knots")
    if np.isnan(x).any():
        raise RError("missing value where TRUE/FALSE needed")
    if ((x < knots[order - 1]) | (knots[nk - order] < x)).any():
        raise RError(f"the 'x' data must be in the range {_format_g(knots[order - 1])} to "
                     f"{_format_g(knots[nk - order])} unless you set 'outer.ok = TRUE'")
    if (derivs >= order).any():
        bad = int(np.argmax(derivs >= order))
        raise RError(f"derivs = {derivs[bad]} >= ord = {order}, but should be in "
                     "{0,..,ord-1}" if derivs.size == 1 else
                     f"derivs[{bad + 1}] = {derivs[bad]} >= ord = {order}, but should be "
                     "in {0,..,ord-1}")
    curs, boundary = _cursor(knots, x, order)
    der = derivs[np.arange(x.size) % derivs.size]
    values = np.empty((x.size, order))
    for d in np.unique(der):  # one pass per derivative order asked for
        rows = der == d
        values[rows] = (_basis_values(knots, x[rows], curs[rows], order) if d == 0 else
                        _derivative_values(knots, x[rows], curs[rows], boundary[rows],
                                           order, int(d)))
    design = np.zeros((x.size, nk - order))
    columns = (curs - order)[:, None] + np.arange(order)
    design[np.arange(x.size)[:, None], columns] = values
    return design


def _format_g(v: float) -> str:
    """C's ``%g`` (R's gettextf)."""
    return f"{v:g}"


# ---------------------------------------------------------------------------------------
# Knots
# ---------------------------------------------------------------------------------------

def _quantile7(x: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """R's ``quantile(x, probs, type = 7)`` of NA-free ``x``.

    ``(1 - h) x[lo] + h x[hi]`` at ``1 + (n - 1) p = lo + h``, computed only where the
    two order statistics differ, as R does (so ties give the tied value exactly).
    """
    s = np.sort(x)
    index = 1.0 + max(s.size - 1, 0) * probs
    lo = np.floor(index).astype(np.int64)
    hi = np.ceil(index).astype(np.int64)
    qs = s[lo - 1]
    upper = s[hi - 1]
    mix = (index > lo) & (upper != qs)
    h = index - lo
    return np.where(mix, (1.0 - h) * qs + h * upper, qs)


def _quantile_knots(x: np.ndarray, count: int) -> np.ndarray:
    """``count`` interior knots at the quantiles ``1/(count+1), ..., count/(count+1)``.

    R: ``quantile(x, seq.int(0, 1, length.out = count + 2)[-c(1, count + 2)])``;
    ``seq.int`` gives ``i * (1 / (count + 1))``.
    """
    if x.size == 0:
        raise RError("rglm: no values of 'x' to place the knots at")
    probs = np.arange(1, count + 1) * (1.0 / (count + 1))
    return _quantile7(x, probs)


def _shove_knots(knots: np.ndarray, boundary: np.ndarray, fail: bool) -> np.ndarray:
    """Automatic knots that fall on a boundary knot moved inside (R >= 4.3.0).

    Each knot equal to the left boundary knot moves right by 1/8 of the gap to the next
    larger knot; each equal to the right one, left by 1/8 of the gap to the next smaller
    one. When all of them sit on one boundary knot, ``ns`` stops and ``bs`` warns and
    keeps them (``fail``).
    """
    lo_in = knots.min() in boundary
    hi_in = knots.max() in boundary
    if not (lo_in or hi_in):
        return knots
    knots = knots.copy()
    warned = False
    for at_right, flagged in ((False, lo_in), (True, hi_in)):
        if not flagged:
            continue
        pivot = boundary[1] if at_right else boundary[0]
        on = knots == pivot
        side = "right" if at_right else "left"
        if on.all():
            if fail:
                raise RError(f"all interior knots match {side} boundary knot")
            rwarn(f"all interior knots match {side} boundary knot")
            warned = True
            continue
        if at_right:
            knots[on] = knots[on] - (pivot - knots[knots < pivot].max()) / 8
        else:
            knots[on] = knots[on] + (knots[knots > pivot].min() - pivot) / 8
    if not warned:
        rwarn("shoving 'interior' knots matching boundary knots to inside")
    return knots


def _whole(value: float, name: str) -> int:
    if not np.isfinite(value) or value != np.trunc(value):
        raise RError(f"rglm: '{name}' = {value:g} is not a whole number (not supported)")
    return int(value)


def _prepare(x: np.ndarray, boundary_knots: Optional[Sequence[float]], ns_single: bool
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The non-NA values, their NA mask, the boundary knots and which values lie beyond
    them (only given boundary knots can leave values outside)."""
    x = np.asarray(x, dtype=float).reshape(-1)
    nax = np.isnan(x)
    xs = x[~nax]
    if boundary_knots is not None:
        bk = np.sort(np.asarray(boundary_knots, dtype=float).reshape(-1))
        if bk.size != 2 or not np.isfinite(bk).all():
            raise RError("rglm: 'Boundary.knots' must be two finite numbers")
        outside = (xs < bk[0]) | (xs > bk[1])
    else:
        if xs.size == 0:
            raise RError("rglm: 'x' has no non-missing values to place the boundary knots at")
        # ns() of a single value (and default boundary knots): knots around it, as R does
        bk = xs * np.array([7.0, 9.0]) / 8 if ns_single and xs.size == 1 \
            else np.array([xs.min(), xs.max()])
        outside = np.zeros(xs.size, dtype=bool)
    return xs, nax, bk, outside


def _interior(xs: np.ndarray, outside: np.ndarray, df: Optional[float],
              knots: Optional[Sequence[float]], fixed: int, bk: np.ndarray,
              fail: bool) -> np.ndarray:
    """The interior knots: given ones, or ``df - fixed`` quantiles of the values inside
    the boundary knots (``fixed``: the columns a spline without interior knots has,
    which R reports as the df used when ``df`` is too small)."""
    if df is not None and knots is None:
        count = _whole(df, "df") - fixed
        if count < 0:
            count = 0
            rwarn(f"'df' was too small; have used {fixed}")
        if count == 0:
            return np.zeros(0)
        return _shove_knots(_quantile_knots(xs[~outside], count), bk, fail)
    given = np.zeros(0) if knots is None else np.asarray(knots, dtype=float).reshape(-1)
    if not np.isfinite(given).all():
        raise RError("non-finite knots")
    return given


def _with_na_rows(basis: np.ndarray, nax: np.ndarray) -> np.ndarray:
    if not nax.any():
        return basis
    out = np.full((nax.size, basis.shape[1]), np.nan)
    out[~nax] = basis
    return out


# ---------------------------------------------------------------------------------------
# bs and ns
# ---------------------------------------------------------------------------------------

def bs(x: np.ndarray, df: Optional[float] = None, knots: Optional[Sequence[float]] = None,
       degree: float = 3, intercept: bool = False,
       boundary_knots: Optional[Sequence[float]] = None,
       warn_outside: bool = True) -> tuple[np.ndarray, SplineBasis]:
    """B-spline basis for a polynomial spline, and the knots that reproduce it.

    R: splines::bs(x, df = NULL, knots = NULL, degree = 3, intercept = FALSE,
    Boundary.knots = range(x), warn.outside = TRUE)

    Parameters
    ----------
    x : numpy.ndarray
        The predictor (NaN is NA: an NA row).
    df : float, optional
        Degrees of freedom: ``df - degree - 1 + intercept`` interior knots at quantiles
        of ``x`` (those inside given boundary knots). Ignored when ``knots`` are given.
    knots : sequence of float, optional
        The interior knots.
    degree : float
        Polynomial degree (truncated to an integer, as R's ``as.integer``).
    intercept : bool
        Keep the first B-spline (the columns then sum to 1).
    boundary_knots : sequence of float, optional
        Default: the range of the non-NA ``x``. Values beyond them are extrapolated.
    warn_outside : bool
        Warn when values lie beyond the boundary knots.

    Returns
    -------
    (numpy.ndarray, SplineBasis)

    Notes
    -----
    Beyond a boundary knot the basis is the Taylor polynomial of degree ``degree`` of
    the splines at a pivot a quarter of the way from the boundary knot to the next
    knot, as in R. Automatic knots that coincide with a boundary knot (heavily tied
    data) are moved inside with a warning, as R >= 4.3.0 does.
    """
    degree = int(np.trunc(degree))
    order = degree + 1
    if order <= 1:
        raise RError("'degree' must be integer >= 1")
    intercept = bool(intercept)
    xs, nax, bk, outside = _prepare(x, boundary_knots, ns_single=False)
    interior = _interior(xs, outside, df, knots, order - (1 - intercept), bk, fail=False)
    aknots = np.sort(np.concatenate([np.repeat(bk, order), interior]))
    if outside.any():
        if warn_outside:
            rwarn(_OUTSIDE_WARNING)
        basis = _bs_outside(xs, aknots, bk, order, outside)
    else:
        basis = spline_design(aknots, xs, order)
    if not intercept:
        basis = basis[:, 1:]
    return _with_na_rows(basis, nax), SplineBasis("bs", degree, tuple(map(float, interior)),
                                                   (float(bk[0]), float(bk[1])), intercept)


def _bs_outside(xs: np.ndarray, aknots: np.ndarray, bk: np.ndarray, order: int,
                outside: np.ndarray) -> np.ndarray:
    """The basis where some values lie beyond the boundary knots: B-splines inside,
    the Taylor expansion at a pivot near each boundary outside."""
    degree = order - 1
    basis = np.zeros((xs.size, aknots.size - order))
    factorials = np.cumprod(np.concatenate([[1.0], np.arange(1.0, order)]))
    pivots = ((xs < bk[0], (1 - _PIVOT_FRACTION) * bk[0] + _PIVOT_FRACTION * aknots[order]),
              (xs > bk[1], (1 - _PIVOT_FRACTION) * bk[1]
               + _PIVOT_FRACTION * aknots[aknots.size - order - 1]))
    for rows, pivot in pivots:
        if rows.any():
            powers = (xs[rows] - pivot)[:, None] ** np.arange(degree + 1)[None, :]
            taylor = spline_design(aknots, np.full(order, pivot), order, np.arange(order))
            basis[rows] = powers @ (taylor / factorials[:, None])
    inside = ~outside
    if inside.any():
        basis[inside] = spline_design(aknots, xs[inside], order)
    return basis


def ns(x: np.ndarray, df: Optional[float] = None, knots: Optional[Sequence[float]] = None,
       intercept: bool = False, boundary_knots: Optional[Sequence[float]] = None
       ) -> tuple[np.ndarray, SplineBasis]:
    """Basis of a natural cubic spline, and the knots that reproduce it.

    R: splines::ns(x, df = NULL, knots = NULL, intercept = FALSE,
    Boundary.knots = range(x))

    Parameters
    ----------
    x : numpy.ndarray
        The predictor (NaN is NA: an NA row).
    df : float, optional
        Degrees of freedom: ``df - 1 - intercept`` interior knots at quantiles of ``x``
        (those inside given boundary knots). Ignored when ``knots`` are given.
    knots : sequence of float, optional
        The interior knots.
    intercept : bool
        Keep the constant in the span of the basis.
    boundary_knots : sequence of float, optional
        Default: the range of the non-NA ``x``. The spline is linear beyond them.

    Returns
    -------
    (numpy.ndarray, SplineBasis)

    Notes
    -----
    The cubic B-splines on the knots (boundary knots four-fold) are projected on the
    null space of their second derivatives at the two boundary knots, ``C``: with the
    LINPACK QR ``C' = QR`` (Householder reflections, as R's ``qr``), the basis is
    ``B Q`` without its first two columns. The columns depend on Q's particular
    reflections, so R's QR is used, not another basis of the same null space. Beyond
    a boundary knot each B-spline is continued by its tangent there.
    """
    intercept = bool(intercept)
    xs, nax, bk, outside = _prepare(x, boundary_knots, ns_single=True)
    interior = _interior(xs, outside, df, knots, 1 + intercept, bk, fail=True)
    aknots = np.sort(np.concatenate([np.repeat(bk, 4), interior]))
    if outside.any():
        basis = np.zeros((xs.size, aknots.size - 4))
        for rows, pivot in ((xs < bk[0], bk[0]), (xs > bk[1], bk[1])):
            if rows.any():
                line = np.column_stack([np.ones(rows.sum()), xs[rows] - pivot])
                basis[rows] = line @ spline_design(aknots, np.full(2, pivot), 4, [0, 1])
        inside = ~outside
        if inside.any():
            basis[inside] = spline_design(aknots, xs[inside], 4)
    else:
        basis = spline_design(aknots, xs, 4)
    const = spline_design(aknots, bk, 4, [2, 2])
    if not intercept:
        const, basis = const[:, 1:], basis[:, 1:]
    basis = _natural_projection(const, basis)
    return _with_na_rows(basis, nax), SplineBasis("ns", 3, tuple(map(float, interior)),
                                                   (float(bk[0]), float(bk[1])), intercept)


def _natural_projection(const: np.ndarray, basis: np.ndarray) -> np.ndarray:
    """``t(qr.qty(qr(t(const)), t(basis)))[, -(1:2)]``: the basis in the coordinates of
    the null space of ``const`` (2 × k) that R's LINPACK QR gives.

    Notes
    -----
    dqrdc2's two Householder reflections of the k × 2 matrix ``const'`` -- the column
    scaled by ``1 / nrmxl`` (``nrmxl`` its norm with the sign of its leading entry), the
    leading entry increased by one and kept in ``qraux`` -- then dqrsl's ``Q'y`` with
    them, each reflection applied to all rows of the basis at once. The two rows of
    ``const`` (second derivatives at the two boundary knots) are never collinear, so
    dqrdc2 pivots nothing here. (rglm.linalg.qr holds the general dqrdc2/dqrsl; the
    formula layer sits beside linalg, not above it, so it cannot import them.)
    """
    a = np.array(const.T, dtype=float, order="F")
    k = a.shape[0]
    qraux = np.zeros(2)
    for l in range(2):
        if l + 1 == k:  # dqrdc2 makes no reflection in the last row
            break
        col = a[l:, l]
        nrmxl = float(blas.dnrm2(col))
        if nrmxl == 0.0:
            continue
        if col[0] != 0.0:
            nrmxl = np.copysign(nrmxl, col[0])
        col *= 1.0 / nrmxl
        col[0] += 1.0
        if l == 0:
            a[:, 1] += (-(col @ a[:, 1]) / col[0]) * col
        qraux[l] = col[0]
        col[0] = -nrmxl
    y = np.array(basis.T, dtype=float)
    for l in range(min(2, k - 1)):
        if qraux[l] == 0.0:
            continue
        u = a[l:, l].copy()
        u[0] = qraux[l]
        y[l:] += np.multiply.outer(u, -(u @ y[l:]) / qraux[l])
    return y.T[:, 2:]


def spline_predict(x: np.ndarray, basis: SplineBasis) -> np.ndarray:
    """The basis of a fit evaluated at new ``x`` with the fit's knots.

    R: ``predict.bs``/``predict.ns``, or model.frame on the call ``makepredictcall``
    rewrote: ``bs(x, degree =, knots =, Boundary.knots =, intercept =)``. The boundary
    knots are given, so values beyond them are extrapolated (``bs`` warning, as R's
    rewritten call keeps only ``x`` of the original and so warns by default).
    """
    if basis.kind == "bs":
        return bs(x, knots=basis.knots, degree=basis.degree, intercept=basis.intercept,
                  boundary_knots=basis.boundary_knots)[0]
    return ns(x, knots=basis.knots, intercept=basis.intercept,
              boundary_knots=basis.boundary_knots)[0]
