"""LINPACK ``dqrls`` results from BLAS-3 kernels, for full-rank tall matrices.

:func:`rglm.linalg.qr.dqrls` reproduces R's ``dqrdc2`` literally: one BLAS-2 sweep
over the trailing columns per Householder step, memory bound and slow for a large
design (about a second per IRLS iteration at 10^6 x 21). When ``dqrdc2`` would
pivot nothing, its output is simply *the* Householder QR of ``x``: the reflectors
are unique once the sign rule is fixed (``R[l, l] = -sign(alpha_l) * norm``, shared
by LINPACK and LAPACK ``dlarfg``). This module computes that same factorisation
with three streaming passes over ``x`` (matrix products on row blocks that fit in
cache) and returns ``None`` whenever ``dqrdc2`` could decide anything differently,
so that the caller falls back to the exact port. :func:`factor_unpivoted` stops
after the second pass (R and the coefficients, ``x`` untouched), for a caller that
needs the Householder vectors and ``Q'y`` of its last solve only.

Conventions:
    ``n`` rows, ``p`` columns, ``n > p``; ``k`` right-hand sides (``y`` is a vector
    or an ``(n, k)`` matrix). ``S`` is the diagonal matrix of the signs ``s``.

Threads: the first pass is one BLAS call (``x'x``); the second and third make two or
three calls per row block of :data:`_BLOCK_BYTES` (some 300 blocks at 10^6 x 21). Each is
short, so OpenBLAS's busy-waiting threads gain little on them and collapse when the
cores are shared: with 2 threads on a 2-core machine running other work the second pass
took 4 times as long as with one. On a loaded or shared machine run with
``OPENBLAS_NUM_THREADS=1`` (or ``threadpoolctl``); rglm sets no thread count itself. The
block size fixes the order in which the cross-products are summed, hence the last bits
of every result: changing it changes them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import lapack

from rglm.linalg.qr import QR, LSFit, triangular_solve

__all__ = ["fast_dqrls", "factor_unpivoted", "UnpivotedFactor"]

#: A column is accepted only when ``|R_ll|`` is at least this many times the
#: ``tol * ||x_l||`` that dqrdc2 tests against. dqrdc2 tests a down-dated norm, whose
#: error is a few hundred ulps of the column norm at worst (it recomputes the norm when
#: the down-dating factor falls below 1e-6), and our ``|R_ll|`` differs from the
#: exact one by ``cond * eps``: three orders of magnitude keep both far from the line.
_MARGIN = 1e3

#: The first Cholesky QR step must leave ``Q~'Q~`` within this of the identity. Then
#: ``cond(Q~) < 1.2`` and the second step is exact to rounding (CholeskyQR2 theory);
#: a larger defect means ``x`` is too ill-conditioned for the Gram matrix.
_ORTHOGONALITY_DEFECT = 0.1

#: LINPACK's sign choice at step ``l`` is ``-sign(alpha_l)``. Where ``alpha_l`` is
#: tiny its sign is rounding noise, possibly different in R, so we decline; the
#: noise in ``alpha_l`` (an entry of an orthonormal Q) grows like ``eps / ratio_l``.
_SIGN_NOISE = 1e5 * np.finfo(float).eps

#: Rows per block: about 512 KiB of float64 (a typical L2 cache), so that a block stays
#: in cache between the products that read it; measured faster than 1-8 MiB blocks.
_BLOCK_BYTES = 1 << 19


@dataclass(frozen=True)
class UnpivotedFactor:
    """What :func:`fast_dqrls` knows after reading ``x`` twice (``x`` still untouched).

    dqrdc2 pivots nothing, so ``rank = p`` and the pivot is the identity; the triangular
    factor, the leading effects and the coefficients are final. :meth:`complete` makes
    the third pass that writes the Householder vectors, ``Q'y`` and the residuals.
    An IRLS can take :attr:`coefficients` at every iteration and complete only the last.

    Attributes
    ----------
    r : ndarray, shape (p, p)
        R with LINPACK's signs (the upper triangle of dqrdc2's ``qr``).
    qraux : ndarray, shape (p,)
        ``tau``: the first elements of LINPACK's Householder vectors.
    coefficients : ndarray, shape (p,) or (p, k)
    effects_head : ndarray, shape (p, k)
        The first ``p`` entries of ``Q'y``.
    rh : ndarray, shape (p, p)
        ``S R``: the triangular factor with a positive diagonal. Passed back as
        ``preconditioner`` when factoring a similar matrix (the next IRLS step's).
    unit_lower : ndarray, shape (p, p)
        The Householder vectors' top block, unit lower triangular (LAPACK's ``V1``).
    inv_m : ndarray, shape (p, p)
        Maps a row of ``x`` to the row of LINPACK's compact Householder vectors.
    w_over_tau : ndarray, shape (p, k)
        ``w / tau``: below row ``p``, ``Q'y = y - (x M^-1) (w / tau)``.
    tol : float
    """

    r: np.ndarray
    qraux: np.ndarray
    coefficients: np.ndarray
    effects_head: np.ndarray
    rh: np.ndarray
    unit_lower: np.ndarray
    inv_m: np.ndarray
    w_over_tau: np.ndarray
    tol: float

    def complete(self, x, y, *, overwrite_x: bool = False, residuals: bool = True) -> LSFit:
        """The :class:`~rglm.linalg.qr.LSFit` of ``dqrls(x, y, tol)``; one more pass over ``x``.

        ``x`` and ``y`` must be the arrays given to :func:`factor_unpivoted`, unchanged.
        With ``overwrite_x`` (and ``x`` Fortran-ordered float64) the compact ``qr`` is
        written into ``x``. Without ``residuals`` (``glm.fit`` discards them) the fit's
        ``residuals`` are None, which saves an n-vector.
        """
        x = np.asarray(x, dtype=np.float64)
        y2 = np.asarray(y, dtype=np.float64).reshape(x.shape[0], -1)
        n, p = x.shape
        out = x if overwrite_x and _reusable(x) else np.empty((n, p), order="F")
        coefficients = self.coefficients.reshape(p, -1) if residuals else None
        effects, resid = _third_pass(x, y2, self.inv_m, coefficients, self.w_over_tau, out)
        out[:p] = np.triu(self.r) + np.tril(self.unit_lower * self.qraux, -1)
        effects[:p] = self.effects_head
        if self.coefficients.ndim == 1:
            effects = effects[:, 0]
            resid = None if resid is None else resid[:, 0]
        qr = QR(qr=out, qraux=self.qraux, pivot=np.arange(p), rank=p, tol=self.tol)
        return LSFit(qr=qr, coefficients=self.coefficients, residuals=resid,
                     effects=effects, pivoted=False)


def fast_dqrls(x, y, tol: float = 1e-7, *, overwrite_x: bool = False) -> LSFit | None:
    """Least squares by QR, as R's ``dqrls``, through BLAS-3 kernels; ``None`` to decline.

    R: ``.Call(C_Cdqrls, x, y, tol)`` (Fortran ``dqrls``/``dqrdc2``/``dqrsl``) when no
    column is pivoted. Same record as :func:`rglm.linalg.qr.dqrls`: the compact ``qr``
    (R above the diagonal, LINPACK-scaled Householder vectors below), ``qraux``, the
    identity pivot, ``rank = p``, coefficients, residuals and ``effects = Q'y``.

    Parameters
    ----------
    x : array_like, shape (n, p)
        Not modified, unless ``overwrite_x`` and ``x`` is a Fortran-ordered float64
        array; its memory is then reused for ``qr`` -- but only when a fit is returned.
    y : array_like, shape (n,) or (n, k)
    tol : float
        dqrdc2's rank tolerance (``glm.fit`` uses ``min(1e-7, epsilon / 1000)``).
    overwrite_x : bool
        Let the compact ``qr`` be written into ``x`` (saves an n x p copy).

    Returns
    -------
    LSFit or None
        ``None`` ("use :func:`~rglm.linalg.qr.dqrls`") in the cases listed at
        :func:`factor_unpivoted`; ``x`` is then untouched.
    """
    x = np.asarray(x, dtype=np.float64)  # once, for both phases
    factor = factor_unpivoted(x, y, tol)
    return None if factor is None else factor.complete(x, y, overwrite_x=overwrite_x)


def factor_unpivoted(x, y, tol: float = 1e-7, *,
                     preconditioner: np.ndarray | None = None) -> UnpivotedFactor | None:
    """The first two passes of :func:`fast_dqrls`: rank decisions, R, coefficients.

    R: the ``dqrdc2`` + back-substitution part of ``C_Cdqrls``, when no column is pivoted.

    Parameters
    ----------
    x : array_like, shape (n, p)
        Read only.
    y : array_like, shape (n,) or (n, k)
    tol : float
        dqrdc2's rank tolerance.
    preconditioner : ndarray, shape (p, p), optional
        The :attr:`UnpivotedFactor.rh` of a similar matrix (the previous IRLS step's
        weighted design). When ``x`` times its inverse is nearly orthonormal it takes
        the place of the first Cholesky step, saving a pass over ``x``; otherwise it is
        ignored. The factorisation is the same either way, to rounding.

    Returns
    -------
    UnpivotedFactor or None
        ``None`` ("use the exact port") when ``p == 0``, ``p >= n``, anything is
        non-finite (the exact path raises R's errors), a column is zero or not
        comfortably independent of the columns before it (dqrdc2 might pivot), ``x``
        is too ill-conditioned for the Gram matrix, or a Householder sign is within
        rounding of zero.

    Notes
    -----
    Let ``D`` hold the column norms. CholeskyQR2 gives the thin QR ``x = Q1 Rh`` with
    ``diag(Rh) > 0``: ``chol(D^-1 x'x D^-1) = R1``, ``Q~ = x (R1 D)^-1``,
    ``chol(Q~'Q~) = R2``, ``Rh = R2 R1 D``, ``Q1 = Q~ R2^-1``. The second step only needs
    ``Q~`` to be well conditioned (``Q~'Q~`` within 0.1 of the identity), so any upper
    triangular ``P`` with that property may replace ``R1 D``: between IRLS iterations
    the weights change little, and the previous ``Rh`` serves (``Rh = R2 P``).

    Householder QR is invariant to a non-zero scaling of each partially reduced
    column, so the reflectors of ``x`` are those of ``Q1``, whose triangular factor
    is the sign matrix ``S``: ``Q1 = (I - Y T Y')[S; 0] = [S; 0] - Y (T Y1' S)``.
    Hence ``Q1 - [S; 0] = Y U`` is an LU factorisation without pivoting, with
    ``U = -T Y1' S``; choosing ``s_l = -sign(alpha_l)`` on the fly, as ``dlarfg``
    does, makes every pivot ``alpha_l - s_l`` at least 1 in magnitude (Ballard et
    al., "Reconstructing Householder vectors from tall-skinny QR", 2015). Then
    ``R = S Rh`` and ``tau_l = -s_l U_ll``.

    LAPACK's reflector ``H = I - tau v v'`` (``v_1 = 1``) is LINPACK's
    ``H = I - u u' / u_1`` with ``u = tau v``: so ``qraux = tau`` and the stored
    sub-diagonal is ``tau * v``. For rows below ``p`` that is
    ``Q1[p:] U^-1 diag(tau) = x[p:] M^-1`` with ``M = diag(1/tau) U R2 P``.

    ``Q'y``: its first ``p`` entries are ``S Q1'y = S R2^-T Q~'y``; the rest are
    ``y - Y w`` with ``w = T'Y'y = Y1^-1 (y[:p] - S Q1'y)``. Residuals are
    ``y - x b``.
    """
    prepared = _prepare(x, y)
    if prepared is None:
        return None
    x, y2 = prepared
    p = x.shape[1]
    orthogonal = None
    if preconditioner is not None and np.shape(preconditioner) == (p, p):
        orthogonal = _preconditioned_step(x, y2, np.asarray(preconditioner, dtype=np.float64))
    if orthogonal is None:
        orthogonal = _cholesky_qr2(x, y2)
        if orthogonal is None:
            return None
    r2, p_matrix, inv_p, qty_tilde, ratio = orthogonal
    if not np.all(ratio >= _MARGIN * tol):
        return None
    top = triangular_solve(r2, (x[:p] @ inv_p).T, trans=1).T  # Q1[:p]
    reflectors = _householder_from_q(top, ratio)
    if reflectors is None:
        return None
    signs, unit_lower, upper = reflectors
    tau = -signs * np.diag(upper)
    rh = r2 @ p_matrix
    r_x = signs[:, None] * rh  # S R2 P
    effects_head = signs[:, None] * triangular_solve(r2, qty_tilde, trans=1)
    coefficients = triangular_solve(r_x, effects_head)
    w = triangular_solve(unit_lower, y2[:p] - effects_head, lower=True, unit_diagonal=True)
    # M = diag(1/tau) U R2 P: x[p:] M^-1 is one product by a p x p inverse.
    inv_m = inv_p @ _upper_inverse((upper @ r2) / tau[:, None])
    return UnpivotedFactor(
        r=np.triu(r_x), qraux=tau,
        coefficients=coefficients[:, 0] if np.ndim(y) == 1 else coefficients,
        effects_head=effects_head, rh=np.triu(rh), unit_lower=unit_lower, inv_m=inv_m,
        w_over_tau=w / tau[:, None], tol=float(tol))


def _cholesky_qr2(x, y2):
    """Both CholeskyQR steps: ``(R2, P = R1 D, P^-1, Q~'y, |R_ll| / ||x_l||)`` or None."""
    first = _first_cholesky_step(x)
    if first is None:
        return None
    inv_p1, r1, norms = first
    second = _second_step(x, y2, inv_p1)
    if second is None:
        return None
    r2, qty_tilde = second
    # |R_ll| / ||x_l|| = R2_ll * R1_ll: the quantity dqrdc2 compares with tol.
    return r2, r1 * norms, inv_p1, qty_tilde, np.diag(r2) * np.diag(r1)


def _preconditioned_step(x, y2, p_matrix):
    """The second CholeskyQR step on ``x P^-1``: as :func:`_cholesky_qr2`, or None when
    ``x P^-1`` is not nearly orthonormal up to column scaling (then the caller makes
    both steps).

    The weights of a new IRLS step rescale the columns of ``x P^-1``; Cholesky is blind
    to that (van der Sluis), so the test is made on the column-equilibrated Gram matrix.
    """
    if not (np.isfinite(p_matrix).all() and np.all(np.diag(p_matrix) > 0.0)):
        return None
    inv_p = _upper_inverse(np.triu(p_matrix))
    gram2, qty_tilde = _second_pass(x, y2, inv_p)
    scale = np.sqrt(np.diag(gram2))
    if not np.all(scale > 0.0):
        return None
    equilibrated = gram2 / np.outer(scale, scale)
    r2 = _cholesky(gram2)
    if r2 is None or np.abs(equilibrated - np.eye(len(scale))).max() > _ORTHOGONALITY_DEFECT:
        return None
    rh = r2 @ p_matrix
    # ||x_l|| = ||Rh[:, l]|| (x = Q1 Rh with orthonormal Q1).
    ratio = np.diag(rh) / np.sqrt(np.einsum("ij,ij->j", rh, rh))
    return r2, p_matrix, inv_p, qty_tilde, ratio


def _second_step(x, y2, inv_p) -> tuple[np.ndarray, np.ndarray] | None:
    """``(R2 = chol(Q~'Q~), Q~'y)`` for ``Q~ = x inv_p``; None unless ``Q~`` is nearly
    orthonormal (``Q~'Q~`` within :data:`_ORTHOGONALITY_DEFECT` of the identity)."""
    p = x.shape[1]
    gram2, qty_tilde = _second_pass(x, y2, inv_p)
    r2 = _cholesky(gram2)
    if r2 is None or np.abs(gram2 - np.eye(p)).max() > _ORTHOGONALITY_DEFECT:
        return None
    return r2, qty_tilde


def _prepare(x, y) -> tuple[np.ndarray, np.ndarray] | None:
    """``x`` as float64 (no copy if it is already) and ``y`` as (n, k); ``None`` to decline."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 2 or y.ndim not in (1, 2) or y.shape[0] != x.shape[0]:
        return None
    n, p = x.shape
    if p == 0 or p >= n or not np.isfinite(y).all():
        return None
    return x, y.reshape(n, -1)


def _reusable(x: np.ndarray) -> bool:
    """Whether ``x`` can hold the compact ``qr`` (``overwrite_x``)."""
    return x.dtype == np.float64 and x.flags.f_contiguous and x.flags.writeable


def _cholesky(a: np.ndarray) -> np.ndarray | None:
    """Upper Cholesky factor (LAPACK ``dpotrf``); ``None`` if not positive definite."""
    factor, info = lapack.dpotrf(a, lower=0, clean=1)
    return factor if info == 0 else None


def _upper_inverse(r: np.ndarray) -> np.ndarray:
    """Inverse of an upper-triangular matrix (LAPACK ``dtrtri``)."""
    inverse, info = lapack.dtrtri(r, lower=0)
    if info != 0:  # unreachable: callers pass factors with a positive diagonal
        raise np.linalg.LinAlgError("singular triangular factor")
    return inverse


def _first_cholesky_step(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """First CholeskyQR step on the column-equilibrated Gram matrix.

    Returns ``((R1 D)^-1, R1, diag(D))`` with ``R1 = chol(D^-1 x'x D^-1)``, or ``None``
    when ``x`` has a non-finite entry (it reaches the Gram diagonal), a zero column, or a
    Gram matrix that is not numerically positive definite. Equilibrating first makes
    the step blind to column scaling, as dqrdc2's relative test is.
    """
    with np.errstate(all="ignore"):  # overflow and inf * 0 just mean "decline"
        gram = x.T @ x
    norms = np.sqrt(np.diag(gram))
    if not (np.isfinite(gram).all() and np.all(norms > 0.0)):
        return None
    r1 = _cholesky(gram / np.outer(norms, norms))
    if r1 is None:
        return None
    return _upper_inverse(r1) / norms[:, None], r1, norms


def _row_blocks(n: int, p: int):
    """Slices of consecutive rows, each about ``_BLOCK_BYTES`` of an n x p float64 matrix."""
    step = max(p, _BLOCK_BYTES // (8 * p))
    return (slice(start, min(start + step, n)) for start in range(0, n, step))


def _second_pass(x, y2, inv_p) -> tuple[np.ndarray, np.ndarray]:
    """``Q~'Q~`` and ``Q~'y`` for ``Q~ = x inv_p``, never holding ``Q~`` whole.

    Each block of ``[Q~ | y]`` is formed in one work array and its cross-product taken
    in one call: two BLAS calls a block instead of three, and no new array per block.
    """
    n, p = x.shape
    k = y2.shape[1]
    blocks = list(_row_blocks(n, p))
    work = np.empty((blocks[0].stop - blocks[0].start, p + k), order="F")
    cross = np.zeros((p + k, p + k))
    for rows in blocks:
        block = work[: rows.stop - rows.start]
        np.matmul(x[rows], inv_p, out=block[:, :p])
        block[:, p:] = y2[rows]
        cross += block.T @ block
    return cross[:p, :p], cross[:p, p:]


def _third_pass(x, y2, inv_m, coefficients, w_over_tau, out):
    """Write ``x M^-1`` into ``out`` block by block; return ``(y - Y w, y - x b)``.

    ``out`` may be ``x`` itself: each block of ``x`` is read before it is replaced.
    The residuals are None when ``coefficients`` is.
    """
    effects = np.empty_like(y2)
    residuals = None if coefficients is None else np.empty_like(y2)
    work = _block_work(x)
    for rows in _row_blocks(*x.shape):
        block = x[rows]
        if residuals is not None:
            residuals[rows] = y2[rows] - block @ coefficients
        stored = work[: rows.stop - rows.start]
        np.matmul(block, inv_m, out=stored)
        effects[rows] = y2[rows] - stored @ w_over_tau
        out[rows] = stored
    return effects, residuals


def _block_work(x: np.ndarray) -> np.ndarray:
    """A C-ordered work array for one row block of ``x`` (as ``block @ a`` would be)."""
    first = next(_row_blocks(*x.shape))
    return np.empty((first.stop - first.start, x.shape[1]))


def _householder_from_q(top: np.ndarray, ratio: np.ndarray):
    """LU of ``Q1[:p] - S`` without pivoting, ``S`` chosen as ``dlarfg`` would.

    Returns ``(s, Y1, U)`` (``Y1`` unit lower triangular) or ``None`` when some
    ``alpha_l`` is non-zero but within rounding noise of zero: R's sign there could
    be either. An exact zero is kept (LINPACK then takes ``s = -1``): it comes from
    structural zeros, such as sorted dummy columns, that both computations share.
    """
    p = top.shape[0]
    a = top.copy()
    signs = np.empty(p)
    for l in range(p):
        alpha = a[l, l]
        if alpha != 0.0 and abs(alpha) < _SIGN_NOISE / ratio[l]:
            return None
        signs[l] = 1.0 if alpha < 0.0 else -1.0
        a[l, l] -= signs[l]
        a[l + 1:, l] /= a[l, l]
        a[l + 1:, l + 1:] -= np.outer(a[l + 1:, l], a[l, l + 1:])
    return signs, np.tril(a, -1) + np.eye(p), np.triu(a)
