"""Bounded minimisation of the (noisy, derivative-free) mixed-model objectives.

R: lme4 minimises with ``minqa::bobyqa`` (glmer stage 1), its own ``Nelder_Mead``
(glmer stage 2) and NLopt's BOBYQA (lmer); scipy has none of them.

rglm's choice (timed with bench/mixed_bench.py, reported in NEWS): BFGS on the
parameters divided by a scale (1 for theta; for beta the standard errors of the stage-1
fit, so the variables are of unit curvature), with central-difference gradients, then a
Newton polish with lme4's finite-difference Hessian (``deriv12``), which the convergence
checks and the default vcov need anyway. The objectives are smooth between the points
where PIRLS changes its number of iterations; central differences of step 1e-5 stay in
one piece near an optimum. lme4's optimisers stop at an absolute change of the deviance
of 1e-5 (Nelder-Mead) or 2e-7 in theta (bobyqa); this one stops at a projected gradient
of 1e-6 in the scaled variables and then takes Newton steps, so it reaches the optimum
at least as closely.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

__all__ = ["OptResult", "deriv12", "minimize_bounded", "newton_polish"]


@dataclass(frozen=True)
class OptResult:
    """What a minimisation gave.

    Attributes
    ----------
    par : numpy.ndarray
    fval : float
    feval : int
        Objective evaluations.
    converged : bool
    message : str
    """

    par: np.ndarray
    fval: float
    feval: int
    converged: bool
    message: str


def deriv12(fun: Callable, x: np.ndarray, delta: float = 1e-4,
            fx: Optional[float] = None) -> tuple:
    """Central finite-difference gradient and Hessian.

    R: ``lme4:::deriv12(fun, x, delta = 1e-4, fx)`` as ``optwrap`` calls it (no bounds:
    theta may step below its lower bound). Costs ``2 n^2 - n (+1)`` evaluations.

    Returns
    -------
    (gradient, Hessian, evaluations)
    """
    x = np.asarray(x, dtype=np.float64)
    n = len(x)
    evals = 0
    if fx is None:
        fx = fun(x)
        evals += 1
    H = np.empty((n, n))
    g = np.empty(n)
    e = np.eye(n) * delta
    for j in range(n):
        fadd = fun(x + e[j])
        fsub = fun(x - e[j])
        evals += 2
        H[j, j] = fadd / delta**2 - 2.0 * fx / delta**2 + fsub / delta**2
        g[j] = (fadd - fsub) / (2.0 * delta)
        for i in range(j):
            v = (fun(x + e[i] + e[j]) - fun(x + e[i] - e[j]) - fun(x - e[i] + e[j])
                 + fun(x - e[i] - e[j])) / (4.0 * delta**2)
            evals += 4
            H[i, j] = H[j, i] = v
    return g, H, evals


def curvature_scale(fun: Callable, x0: np.ndarray, lower: np.ndarray, f0: float,
                    h: float = 1e-3) -> tuple:
    """Per-parameter scales from second differences: sqrt(2 / f''), the standard error a
    deviance-scale curvature implies (so that the optimiser's variables are of unit
    curvature). One-sided at a lower bound. Returns (scale, evaluations)."""
    n = len(x0)
    scale = np.ones(n)
    for j in range(n):
        hj = h * max(1.0, abs(x0[j]))
        e = np.zeros(n)
        e[j] = hj
        if x0[j] - hj >= lower[j]:
            c = (fun(x0 + e) - 2.0 * f0 + fun(x0 - e)) / hj**2
        else:
            c = (fun(x0 + 2 * e) - 2.0 * fun(x0 + e) + f0) / hj**2
        if np.isfinite(c) and c > 0:
            scale[j] = np.sqrt(2.0 / c)
    return np.clip(scale, 1e-6, 1e6), 2 * n


def minimize_bounded(fun: Callable, x0: np.ndarray, lower: np.ndarray,
                     scale: Optional[np.ndarray] = None, *, step: float = 1e-4,
                     gtol: float = 2e-4, maxfun: int = 10000) -> OptResult:
    """Minimise ``fun`` subject to ``x >= lower`` by projected BFGS with central differences.

    Parameters
    ----------
    fun : callable
    x0, lower : arrays
    scale : array, optional
        The optimiser works on ``(x - x0) / scale``; by default the scales come from
        :func:`curvature_scale` (standard-error units).
    step : float
        Difference step in the scaled variables.
    gtol : float
        Projected-gradient tolerance in standard-error units: 2e-4 leaves the deviance
        ~1e-8 above its minimum (lme4's Nelder-Mead stops at changes of 1e-5), above the
        noise of a central difference of an objective of ~1e4 (~1e-5 at step 1e-4);
        the Newton polish goes further.
    maxfun : int
        Evaluation budget (lme4's ``maxfun``: 10000).
    """
    x0 = np.asarray(x0, dtype=np.float64)
    lower = np.asarray(lower, dtype=np.float64)
    count = [0]
    best = [np.inf, x0.copy()]
    rescale = scale is None
    x_start, res = x0, None
    # A stall (see _projected_bfgs) means the scales, taken from the curvature at the
    # start, are wrong near the optimum (sleepstudy's random slope: its theta moves from
    # 1 to 0.018, its curvature by ~1e4): the scales are taken again where the
    # optimiser stopped and it goes on from there, at most twice.
    for attempt in range(3 if rescale else 1):
        f_start = fun(x_start)
        count[0] += 1
        if rescale:
            scale, e = curvature_scale(fun, x_start, lower, f_start)
            count[0] += e
        res = _run_bfgs(fun, x_start, lower, np.asarray(scale, dtype=np.float64), step,
                        gtol, maxfun, count, best)
        if res[3] != _STALLED or count[0] >= maxfun:
            break
        if attempt and res[1] >= f_start - 1e-13 * max(1.0, abs(f_start)):
            break
        x_start = res[0]
    x, fx, converged, message = res
    if best[0] < fx:  # a difference step found a lower point than the last iterate
        x, fx = best[1], float(best[0])
    return OptResult(par=x, fval=fx, feval=count[0], converged=converged, message=message)


_STALLED = "relative reduction below tolerance"


def _run_bfgs(fun, x0, lower, s, step, gtol, maxfun, count, best) -> tuple:
    """One run of :func:`_projected_bfgs` on ``(x - x0) / s``: (x, f, converged,
    message)."""
    lo = np.where(np.isfinite(lower), (lower - x0) / s, -np.inf)

    def f(y):
        x = x0 + s * y
        count[0] += 1
        v = fun(x)
        if v < best[0]:
            best[0], best[1] = v, x.copy()
        return v

    def fg(y, fy=None):
        if fy is None:
            fy = f(y)
        g = np.empty_like(y)
        for j in range(len(y)):
            yp = y.copy()
            ym = y.copy()
            yp[j] += step
            ym[j] -= step
            h_lo = step
            if ym[j] < lo[j]:  # one-sided at a bound
                ym[j] = y[j]
                h_lo = 0.0
            fp, fm = f(yp), (f(ym) if h_lo else fy)
            g[j] = (fp - fm) / (step + h_lo)
        if not np.all(np.isfinite(g)):
            g = np.nan_to_num(g, nan=0.0, posinf=1e10, neginf=-1e10)
        return fy, g

    res_x, res_fun, converged, message = _projected_bfgs(f, fg, np.zeros_like(x0), lo,
                                                          gtol, maxfun, count)
    return x0 + s * res_x, float(res_fun), converged, message


def newton_polish(fun: Callable, x: np.ndarray, fx: float, g: np.ndarray, H: np.ndarray,
                  lower: np.ndarray, *, min_decrease: float = 1e-9) -> Optional[tuple]:
    """One Newton step from (x, f, g, H) if it lowers ``fun`` by at least
    ``min_decrease`` and stays within bounds; (x_new, f_new, evaluations) or None."""
    try:
        L = np.linalg.cholesky(H)
    except np.linalg.LinAlgError:
        return None
    d = -np.linalg.solve(L.T, np.linalg.solve(L, g))
    if -(g @ d) / 2.0 < min_decrease:
        # Within the objective's noise of the optimum (a flat profiled REML deviance
        # varies by ~1e-11 between neighbouring points), the decrease cannot be seen but
        # the step is still the better estimate of the optimum -- it moves theta by
        # g/H, ~1e-6 for sleepstudy's intercept model, where BOBYQA at rhoend 1e-10
        # agrees to 1e-7. Taken unless it raises the objective beyond rounding.
        xn = x + d
        if not np.all((xn >= lower) | ~np.isfinite(lower)):
            return None
        fn = float(fun(xn))
        if fn <= fx + 1e-12 * max(1.0, abs(fx)):
            return xn, fn, 1
        return None
    evals = 0
    t = 1.0
    for _ in range(4):
        xn = x + t * d
        if np.all((xn >= lower) | ~np.isfinite(lower)):
            fn = fun(xn)
            evals += 1
            if fn < fx - min_decrease:
                return xn, float(fn), evals
        t /= 2.0
    return None


def _projected_bfgs(fval: Callable, fg: Callable, y: np.ndarray, lo: np.ndarray,
                    gtol: float, maxfun: int, count: list) -> tuple:
    """BFGS on the inverse Hessian with the lower bounds handled by projection.

    Variables at their bound whose gradient points outwards are held fixed for the step
    (an active set); the step is projected onto the bounds and accepted by an Armijo
    backtracking search (``fval(y)`` at each trial point, the difference gradient
    ``fg(y, f)`` only at the accepted one). Stops at a projected gradient below ``gtol``, when no step
    lowers the objective (its noise level), after five steps in a row that lower it by
    no more than 1e-11 relative (a stall), or when ``maxfun`` evaluations are spent.

    scipy's L-BFGS-B would do the same, but with a multithreaded OpenBLAS its cost per
    iteration on these tiny problems is ~10 ms (thread start-up in its level-1 BLAS
    calls) -- more than the objective itself; this is plain numpy on n-vectors.
    """
    n = len(y)
    y = np.maximum(y, lo)
    f, g = fg(y)
    Hinv = np.eye(n)
    fresh = True
    stalled = 0
    while True:
        if count[0] >= maxfun:
            return y, f, False, "maximum number of function evaluations reached"
        active = (y <= lo) & (g > 0)
        pg = np.where(active, 0.0, g)
        if np.max(np.abs(pg), initial=0.0) < gtol:
            return y, f, True, "projected gradient below tolerance"
        d = -(Hinv @ pg)
        d[active] = 0.0
        if not float(g @ d) < 0:
            Hinv, fresh = np.eye(n), True
            d = -pg
        t = 1.0
        accepted = False
        for _ in range(40):
            yn = np.maximum(y + t * d, lo)
            step = yn - y
            if np.any(step != 0):
                fn = fval(yn)
                if np.isfinite(fn) and fn <= f + 1e-4 * float(g @ step):
                    fn, gn = fg(yn, fn)
                    accepted = True
                    break
            t *= 0.5
        if not accepted:
            if fresh:
                return y, f, True, "no further decrease (noise level of the objective)"
            Hinv, fresh = np.eye(n), True
            continue
        # Steps that lower the objective by no more than its rounding, again and again: at
        # a kink of the objective (where PIRLS changes its number of iterations) or in a
        # direction whose curvature the scaling missed by orders of magnitude, the
        # difference gradient stays above gtol while the minimum is reached.
        stalled = stalled + 1 if f - fn <= 1e-11 * max(1.0, abs(f)) else 0
        if stalled >= 5:
            return yn, fn, True, _STALLED
        sk, yk = yn - y, gn - g
        sy = float(sk @ yk)
        if sy > 1e-12 * float(np.sqrt((sk @ sk) * (yk @ yk))):
            if fresh:
                Hinv = np.eye(n) * (sy / float(yk @ yk))
            rho = 1.0 / sy
            V = np.eye(n) - rho * np.outer(sk, yk)
            Hinv = V @ Hinv @ V.T + rho * np.outer(sk, sk)
            fresh = False
        y, f, g = yn, fn, gn
