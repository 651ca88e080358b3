"""lme4's convergence checks and singularity rule, as data (texts and codes).

R: ``lme4:::checkConv``, ``lme4:::checkHess``, ``lme4::isSingular``,
``lme4:::check.boundary``. The engine only records the messages; the front end issues
them (lme4: a message for a singular fit, warnings for the others).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from .control import ConvCheck

__all__ = ["ConvResult", "is_singular", "check_conv", "check_hess", "SINGULAR_MESSAGE",
           "HELP_SUFFIX"]

SINGULAR_MESSAGE = "boundary (singular) fit: see help('isSingular')"

#: lme4 >= 1.1-38 ends the gradient and degenerate-Hessian messages with this pointer.
HELP_SUFFIX = "\n  See ?lme4::convergence and ?lme4::troubleshooting."


@dataclass(frozen=True)
class ConvResult:
    """lme4's ``optinfo$conv$lme4``.

    Attributes
    ----------
    code : tuple of int
        lme4's codes (empty: no problem; -1 gradient, -3/-4 Hessian, 2/3 unidentifiable).
    messages : tuple of str
        The texts, in lme4's order (the singular message first when singular).
    warnings : tuple of (str, str)
        (action, text) for each condition lme4 signals: ``message`` for the singular
        fit, else the check's action ("warning"); Hessian messages of one check joined
        by ";" as lme4's single warning.
    """

    code: tuple = ()
    messages: tuple = ()
    warnings: tuple = field(default=())


def is_singular(theta: np.ndarray, lower: np.ndarray, tol: float = 1e-4) -> bool:
    """Any theta with lower bound 0 below ``tol`` (R: ``lme4::isSingular``)."""
    theta = np.asarray(theta)
    return bool(np.any(theta[np.asarray(lower) == 0] < tol))


def check_hess(H: np.ndarray, tol: float, hesstype: str = "") -> tuple:
    """(codes, messages) of lme4's Hessian check (R: ``lme4:::checkHess``)."""
    try:
        ev = np.linalg.eigvalsh(H)
    except (np.linalg.LinAlgError, ValueError):
        return (-6,), ("Problem with Hessian check (infinite or missing values?)",)
    if not np.all(np.isfinite(ev)):
        return (-6,), ("Problem with Hessian check (infinite or missing values?)",)
    neg = int(np.sum(ev < -tol))
    if neg:
        return (-3,), (f"Model failed to converge: degenerate {hesstype} Hessian with "
                       f"{neg} negative eigenvalues{HELP_SUFFIX}",)
    zero = int(np.sum(np.abs(ev) < tol))
    try:
        np.linalg.cholesky(H)
        chol_ok = True
    except np.linalg.LinAlgError:
        chol_ok = False
    if zero or not chol_ok:
        return (-4,), (f"{hesstype} Hessian is numerically singular: parameters are not "
                       "uniquely determined",)
    codes, msgs = [], []
    if ev.max() * tol > 1:
        codes.append(2)
        msgs.append("Model is nearly unidentifiable: very large eigenvalue\n - Rescale "
                    "variables?")
    if ev.min() / ev.max() < tol:
        codes.append(3)
        msgs.append("Model is nearly unidentifiable: large eigenvalue ratio\n - Rescale "
                    "variables?")
    return tuple(codes), tuple(msgs)


def _fmt_g(x: float) -> str:
    # R's %g: 6 significant digits, trailing zeros dropped.
    return f"{x:g}"


def check_conv(gradient: Optional[np.ndarray], hessian: Optional[np.ndarray],
               coefs: np.ndarray, lower: np.ndarray, grad: ConvCheck,
               singular: ConvCheck, hess: ConvCheck) -> ConvResult:
    """lme4's post-fit checks on the derivatives at the optimum.

    R: ``lme4:::checkConv(derivs, coefs, ctrl, lbound)``; ``gradient``/``hessian`` None
    when no derivatives were computed (``calc.derivs = FALSE``, or skipped). ``lower``
    are the optimiser's bounds for all of ``coefs`` (lme4's ``rho$lower``, -inf for
    beta): as in lme4 the fixed-effect block is checked separately only when there are
    more coefficients than bounds.
    """
    coefs = np.asarray(coefs, dtype=np.float64)
    ntheta = len(lower)
    codes: list = []
    msgs: list = []
    warns: list = []
    if singular.action != "ignore" and is_singular(coefs[:ntheta], lower, singular.tol):
        msgs.append(SINGULAR_MESSAGE)
        warns.append((singular.action, SINGULAR_MESSAGE))
        return ConvResult((), tuple(msgs), tuple(warns))
    if is_singular(coefs[:ntheta], lower, singular.tol):
        return ConvResult()
    if gradient is None or hessian is None:
        return ConvResult()
    if np.any(np.isnan(gradient)):
        return ConvResult((-5,), ("Gradient contains NAs",), ())
    if grad.action != "ignore":
        text = None
        try:
            R = np.linalg.cholesky(hessian).T  # R's chol(): upper, R'R = H
            sc = np.linalg.solve(R, gradient)
            ok = np.all(np.isfinite(sc))
        except np.linalg.LinAlgError:
            ok = False
        if not ok:
            codes.append(-1)
            text = "unable to evaluate scaled gradient"
        else:
            m = float(np.max(np.minimum(np.abs(sc), np.abs(gradient))))
            if m > grad.tol:
                codes.append(-1)
                # lme4 takes which.max() of the maximum itself: the component is always 1.
                text = (f"Model failed to converge with max|grad| = {_fmt_g(m)} "
                        f"(tol = {_fmt_g(grad.tol)}, component 1){HELP_SUFFIX}")
        if text is not None:
            msgs.append(text)
            warns.append((grad.action, text))
        if grad.relTol is not None:
            rel = float(np.max(np.abs(gradient / coefs)))
            if rel > grad.relTol:
                codes.append(-2)
                t2 = (f"Model failed to converge with max|relative grad| = {_fmt_g(rel)} "
                      f"(tol = {_fmt_g(grad.relTol)})")
                msgs.append(t2)
                warns.append((grad.action, t2))
    if hess.action != "ignore":
        if len(coefs) > ntheta:
            c, m = check_hess(hessian[ntheta:, ntheta:], hess.tol, "fixed-effect")
            if any(v != 0 for v in c):
                codes = list(c)
                msgs.extend(m)
                warns.append((hess.action, ";".join(m)))
        c, m = check_hess(hessian, hess.tol)
        if any(v != 0 for v in c):
            codes = list(c)
            msgs.extend(m)
            warns.append((hess.action, ";".join(m)))
    return ConvResult(tuple(codes), tuple(msgs), tuple(warns))
