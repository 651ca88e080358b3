"""glmer's and lmer's fitting procedures: stages, post-fit derivatives, vcov, condVar.

R: ``lme4::glmer`` (``mkGlmerDevfun`` -> ``optimizeGlmer`` stage 1 -> ``updateGlmerDevfun``
-> ``optimizeGlmer`` stage 2 -> ``checkConv`` -> ``mkMerMod``) and ``lme4::lmer``
(``mkLmerDevfun`` -> ``optimizeLmer`` -> ``checkConv`` -> ``mkMerMod``);
glmm-behaviour.md sections 1.7-1.11 and 2.

Nothing is printed or warned here: messages are data in the returned record
(``optinfo.conv``, ``vcov_warnings``), for the front end to issue as lme4 does.
"""

from __future__ import annotations

import time
from functools import partial
from typing import Any, Callable, Mapping, Optional, Union

import numpy as np
import scipy.linalg as sla

from rglm.errors import RError

from ._threads import single_blas_thread
from .checks import check_conv, ConvResult, is_singular
from .control import GlmerControl, LmerControl
from .glmm_deviance import GlmmDeviance
from .lmm_deviance import LmmDeviance
from .optimize import deriv12, minimize_bounded, newton_polish
from .problem import MixedProblem
from .results import DevComp, MixedFit, OptInfo
from .system import factor_at, fixed_block

__all__ = ["fit_glmer", "fit_lmer"]

Progress = Optional[Callable[[str, Mapping[str, Any]], None]]

_NO_SCALE_FAMILIES = ("binomial", "poisson")


def _report(progress: Progress, stage: str, **info) -> None:
    if progress is not None:
        progress(stage, info)


def _start_parts(start, ntheta: int):
    """lme4's ``start``: a theta vector or a mapping with ``theta`` and/or ``fixef``."""
    if start is None:
        return None, None
    if isinstance(start, Mapping):
        bad = [k for k in start if k not in ("theta", "fixef")]
        if bad:
            raise RError(f"bad name(s) for start vector ({', '.join(bad)}); should be "
                         "'theta' and/or 'fixef'")
        th, fx = start.get("theta"), start.get("fixef")
    else:
        th, fx = start, None
    th = None if th is None else np.asarray(th, dtype=np.float64)
    if th is not None and th.shape != (ntheta,):
        raise RError(f"incorrect number of theta components (!={ntheta})")
    return th, (None if fx is None else np.asarray(fx, dtype=np.float64))


def _calc_derivs(control, n: int, npar: int) -> bool:
    if control.calc_derivs is not None:
        return bool(control.calc_derivs)
    return n < control.check_conv_nobsmax and npar < control.check_conv_nparmax


def _derivs_and_polish(fun, par, fval, lower, polish: bool):
    """deriv12 at the optimiser's result, then one Newton step with that Hessian when
    it lowers the objective (the quasi-Newton stops at a gradient of ~1e-3 standard
    errors; one Newton step from there is accurate to the square of that). The
    derivatives are not recomputed after the step: the Hessian moves by far less than
    its finite-difference error over ~1e-3 standard errors, and the gradient there is
    g + H d (exact for the local quadratic)."""
    g, H, evals = deriv12(fun, par, fx=fval)
    steps = 0
    if polish:
        res = newton_polish(fun, par, fval, g, H, lower)
        if res is not None:
            new, fval, e = res
            evals += e
            g = g + H @ (new - par)
            par = new
            steps = 1
    return par, fval, g, H, evals, steps


def _boundary(fun, par, fval, lower, ntheta, tol):
    """lme4's ``check.boundary``: theta within ``tol`` of its bound is tried at it."""
    evals = 0
    if tol <= 0:
        return par, fval, evals
    d = par[:ntheta] - lower
    edge = np.flatnonzero((d > 0) & (d < tol))
    if edge.size == 0:
        return par, fval, evals
    new = par.copy()
    for i in edge:
        trial = new.copy()
        trial[i] = lower[i]
        evals += 1
        if fun(trial) < fval:
            new[i] = lower[i]
    evals += 1
    return new, float(fun(new)), evals


def _cond_var(problem: MixedProblem, theta, factor, sigma: float) -> tuple:
    """sigma^2 T_k (A^-1)_jj T_k' for every level j of every term k."""
    blocks = factor.inverse_blocks()
    Ts = problem.structure.tmats(theta)
    return tuple(sigma * sigma * np.einsum("ab,kbc,dc->kad", T, B, T)
                 for T, B in zip(Ts, blocks))


def _glmm_cond_var(problem: MixedProblem, theta, sqrtw, sigma: float) -> tuple:
    """:func:`_cond_var` at a GLMM's final state: A refactored at the weights of the
    last PIRLS solve (the same numbers as that solve's factor)."""
    st = problem.structure
    return _cond_var(problem, theta, factor_at(st, st.zlambda(theta), sqrtw), sigma)


def _lmm_cond_var(problem: MixedProblem, REML: bool, theta, sigma: float) -> tuple:
    """:func:`_cond_var` at an LMM's theta (A refactored)."""
    state = LmmDeviance(problem, REML=REML).solve(theta)
    return _cond_var(problem, theta, state.factor, sigma)


def _hessian_vcov(H: np.ndarray, ntheta: int):
    """lme4: ``h <- solve(H)[beta, beta]; h + t(h)``, rejected when not positive
    definite (then the RX version is used, with lme4's warning)."""
    try:
        h = np.linalg.solve(H, np.eye(H.shape[0]))[ntheta:, ntheta:]
    except np.linalg.LinAlgError:
        return None
    V = h + h.T
    if not np.all(np.isfinite(V)) or np.linalg.eigvalsh((V + V.T) / 2).min() <= 0:
        return None
    return V


_VCOV_FALLBACK = ("variance-covariance matrix computed from finite-difference Hessian is\n"
                  "not positive definite or contains NA values: falling back to var-cov "
                  "estimated from RX")


def fit_glmer(problem: MixedProblem, nAGQ: int = 1, control: Optional[GlmerControl] = None,
              start: Union[None, np.ndarray, Mapping] = None,
              progress: Progress = None) -> MixedFit:
    """Fit a generalised linear mixed model as lme4's ``glmer`` does.

    R: ``lme4::glmer(formula, data, family, nAGQ, control, start)`` after
    ``glFormula``.

    Parameters
    ----------
    problem : MixedProblem
        With a family.
    nAGQ : int
        0 (stage 1 only: theta with beta profiled by PIRLS), 1 (Laplace) or up to 100
        (adaptive Gauss-Hermite; one scalar random-effects term only).
    control : GlmerControl, optional
    start : array or mapping, optional
        Starting theta, or ``{"theta": ..., "fixef": ...}`` (R's ``start``).
    progress : callable, optional
        Called as ``progress(stage, info)`` at ``"init"``, ``"stage1"``, ``"stage2"``,
        ``"derivatives"`` and ``"done"`` (info: values, evaluations, seconds).

    Returns
    -------
    MixedFit

    Raises
    ------
    RError
        lme4's texts: ``"quasi" families cannot be used in glmer``, ``nAGQ > 1 is only
        available for models with a single, scalar random-effects term``, PIRLS errors.
    """
    with single_blas_thread():
        return _fit_glmer(problem, nAGQ, control or GlmerControl(), start, progress)


def _fit_glmer(problem, nAGQ, control, start, progress) -> MixedFit:
    fam = problem.family
    if fam is None:
        raise RError("glmer needs a family: use fit_lmer for a linear mixed model")
    if fam.family.startswith("quasi"):
        raise RError('"quasi" families cannot be used in glmer')
    nAGQ = int(nAGQ)
    if not 0 <= nAGQ <= 100:
        raise RError("'nAGQ' must be between 0 and 100")
    st = problem.structure
    if nAGQ > 1 and st.kind != "diag":
        raise RError("nAGQ > 1 is only available for models with a single, scalar "
                     "random-effects term")
    t_start = time.perf_counter()
    ntheta = st.ntheta
    lower_t = np.asarray(st.lower, dtype=np.float64)
    maxfun = int(control.optCtrl.get("maxfun", 10000))
    dev = GlmmDeviance(problem, tol=control.tolPwrss, maxit=control.maxit,
                       exact=control.pirls == "exact")
    th_start, fx_start = _start_parts(start, ntheta)
    if fx_start is not None and nAGQ == 0:
        raise RError("should not specify both start$fixef and nAGQ==0")
    init = dev.initialize(st.reterms.theta)
    _report(progress, "init", iterations=init.iterations, seconds=time.perf_counter() - t_start)

    theta1 = st.reterms.theta.copy() if th_start is None else th_start
    feval1 = 0
    opt_msgs = []
    if control.nAGQ0initStep:
        x0 = theta1.copy()
        if np.all(x0 == 0):  # bobyqa's start rule in lme4's optwrap
            x0[:] = 0.001
        opt1 = minimize_bounded(dev.nagq0, x0, lower_t, maxfun=maxfun)
        feval1 = opt1.feval
        theta1 = opt1.par
        fval1 = dev.nagq0(theta1)  # optwrap's final evaluation: the state at the optimum
        if not opt1.converged:
            opt_msgs.append(f"convergence code 1 from L-BFGS-B: {opt1.message}")
        _report(progress, "stage1", theta=theta1.copy(), deviance=fval1, evaluations=feval1,
                seconds=time.perf_counter() - t_start)
    else:
        fval1 = dev.nagq0(theta1)

    g = H = None
    steps = 0
    extra = 0
    calc = False
    if nAGQ == 0:
        fun = dev.nagq0
        par, fval = theta1, fval1
        lower = lower_t
        feval = feval1
        if control.boundary_tol > 0:
            par, fval, e = _boundary(fun, par, fval, lower_t, ntheta, control.boundary_tol)
            extra += e
        calc = _calc_derivs(control, problem.n, ntheta)
        fval = fun(par)
        beta = dev.last.beta
        converged = not opt_msgs
        message = "L-BFGS-B"
    else:
        dev.set_lp0_from(dev.last)
        beta1 = dev.last.beta if fx_start is None else fx_start
        fun = dev.objective(nAGQ, ntheta)
        lower = np.concatenate([lower_t, np.full(problem.p, -np.inf)])
        opt = minimize_bounded(fun, np.concatenate([theta1, beta1]), lower, maxfun=maxfun)
        feval = opt.feval
        par, fval = opt.par, opt.fval
        converged = opt.converged
        message = opt.message
        if not opt.converged:
            opt_msgs.append(f"convergence code 1 from L-BFGS-B: {opt.message}")
        _report(progress, "stage2", par=par.copy(), deviance=fval, evaluations=feval,
                seconds=time.perf_counter() - t_start)
        calc = _calc_derivs(control, problem.n, len(lower))
        # lme4's optwrap computes no derivatives at a singular optimum (any theta within
        # 1e-4 of its bound): no Hessian-based vcov, only the singular-fit check.
        if calc and not is_singular(par[:ntheta], lower_t):
            par, fval, g, H, e, steps = _derivs_and_polish(fun, par, fval, lower, polish=True)
            extra += e
            _report(progress, "derivatives", evaluations=e, newton_steps=steps,
                    seconds=time.perf_counter() - t_start)
        par, fval, e = _boundary(fun, par, fval, lower_t, ntheta, control.boundary_tol)
        extra += e
        fval = fun(par)  # the state at the optimum, as optwrap's final call
        beta = par[ntheta:]
    extra += 1
    theta = np.asarray(par[:ntheta], dtype=np.float64)
    res = dev.last
    singular = is_singular(theta, lower_t)
    # lme4 passes the optimiser's lower bounds (theta's, and -Inf for beta in stage 2):
    # its separate fixed-effect Hessian check then never runs for glmer (checkConv).
    conv = check_conv(g, H, par, lower, control.check_conv_grad,
                      control.check_conv_singular, control.check_conv_hess) \
        if calc else ConvResult()

    use_sc = fam.family not in _NO_SCALE_FAMILIES and not fam.family.startswith("Negative")
    wrss = float(np.sum(problem.weights * (problem.y - res.mu) ** 2 / fam.variance(res.mu)))
    ussq = res.ussq
    pwrss = wrss + ussq
    n = problem.n
    sigma = float(np.sqrt(pwrss / n)) if use_sc else 1.0
    RX, _ = _rx(problem, res)
    unsc = sla.cho_solve((RX, False), np.eye(problem.p))
    vcov_rx = sigma * sigma * unsc
    vcov, method, vwarn = vcov_rx, "RX", ()
    if H is not None and nAGQ > 0:
        vh = _hessian_vcov(H, ntheta)
        if vh is None:
            vwarn = (_VCOV_FALLBACK,)
        else:
            vcov, method = vh, "Hessian"
    devcomp = DevComp(ldL2=res.ldL2, ldRX2=float(2 * np.sum(np.log(np.abs(np.diag(RX))))),
                      wrss=wrss, ussq=ussq, pwrss=pwrss, drsum=res.dev_resid_sum, dev=fval,
                      REML=np.nan, sigmaML=sigma if use_sc else np.nan, sigmaREML=np.nan)
    optinfo = OptInfo(optimizer=tuple(control.optimizer), method="L-BFGS-B + Newton",
                      feval=feval, feval_total=dev.evaluations,
                      conv_opt=0 if converged else 1, message=message,
                      warnings=tuple(opt_msgs), conv=conv, gradient=g, hessian=H,
                      stage1_theta=None if not control.nAGQ0initStep else theta1.copy(),
                      polish_steps=steps)
    fit = MixedFit(
        kind="glmer", nAGQ=nAGQ, REML=False, theta=theta, beta=np.asarray(beta, dtype=np.float64),
        u=res.u, b=st.b_of_u(theta, res.u), deviance=float(fval), devcomp=devcomp,
        sigma=sigma, use_sc=use_sc, eta=res.eta, mu=res.mu, vcov=vcov, vcov_rx=vcov_rx,
        vcov_method=method, vcov_warnings=vwarn,
        cond_var_fn=partial(_glmm_cond_var, problem, theta, res.sqrtw, sigma), RX=RX,
        singular=singular,
        optinfo=optinfo, xnames=problem.xnames, theta_names=st.reterms.theta_names,
        lower=lower_t)
    _report(progress, "done", deviance=fit.deviance, evaluations=dev.evaluations,
            seconds=time.perf_counter() - t_start)
    return fit


def _rx(problem: MixedProblem, res):
    """R_X at a PIRLS state's factor and weights (lme4's ``pp$RX()`` / ``unsc()``)."""
    sw2 = res.sqrtw * res.sqrtw
    WX = problem.X * sw2[:, None]
    return fixed_block(res.factor, res.U.rmatmat(WX), problem.X.T @ WX)


def _lmer_start(problem: MixedProblem) -> Optional[np.ndarray]:
    """lme4's ``mkLmerDevfun`` start for scalar intercept terms on distinct factors:
    theta_k = sqrt(var(group means of y) / (var(y) - sum of those variances))."""
    rt = problem.reterms
    if not all(c == ("(Intercept)",) for _, c in rt.cnms) or len(rt.flist) != len(rt.lower):
        return None
    y = problem.y
    n = len(y)
    if n < 2:
        return None
    v = []
    for _, codes in rt.flist.values():
        means = np.bincount(codes, weights=y) / np.bincount(codes)
        v.append(np.var(means[codes], ddof=1))
    ve = np.var(y, ddof=1) - sum(v)
    if not np.isfinite(ve) or ve <= 0:
        return None
    rel = np.asarray(v) / ve
    if np.all(rel >= rt.lower ** 2):
        return np.sqrt(rel)
    return None


def fit_lmer(problem: MixedProblem, REML: bool = True, control: Optional[LmerControl] = None,
             start: Union[None, np.ndarray, Mapping] = None,
             progress: Progress = None) -> MixedFit:
    """Fit a linear mixed model as lme4's ``lmer`` does.

    R: ``lme4::lmer(formula, data, REML, control, start)`` after ``lFormula``.

    Parameters
    ----------
    problem : MixedProblem
        Without a family.
    REML : bool
    control : LmerControl, optional
    start : array or mapping, optional
        Starting theta (R's ``start``).
    progress : callable, optional
        ``progress(stage, info)`` at ``"optimize"``, ``"derivatives"``, ``"done"``.

    Returns
    -------
    MixedFit
    """
    with single_blas_thread():
        return _fit_lmer(problem, REML, control or LmerControl(), start, progress)


def _fit_lmer(problem, REML, control, start, progress) -> MixedFit:
    if problem.family is not None:
        raise RError("fit_lmer is for linear mixed models: use fit_glmer with a family")
    t_start = time.perf_counter()
    st = problem.structure
    ntheta = st.ntheta
    lower = np.asarray(st.lower, dtype=np.float64)
    dev = LmmDeviance(problem, REML=bool(REML))
    th_start, _ = _start_parts(start, ntheta)
    theta0 = th_start if th_start is not None else _lmer_start(problem)
    if theta0 is None:
        theta0 = st.reterms.theta.copy()
    maxfun = int(control.optCtrl.get("maxeval", control.optCtrl.get("maxfun", 100000)))
    opt = minimize_bounded(dev, theta0, lower, maxfun=maxfun)
    par, fval, feval = opt.par, opt.fval, opt.feval
    opt_msgs = [] if opt.converged else [f"convergence code 1 from L-BFGS-B: {opt.message}"]
    if control.restart_edge:
        at = np.flatnonzero(par == lower)
        if at.size:
            d0 = dev(par)
            grads = []
            for i in at:
                th = par.copy()
                th[i] = lower[i] + 1e-5
                grads.append((dev(th) - d0) / 1e-5)
            if any(gv < 0 for gv in grads):
                opt = minimize_bounded(dev, par, lower, maxfun=maxfun)
                par, fval, feval = opt.par, opt.fval, feval + opt.feval
    _report(progress, "optimize", theta=par.copy(), deviance=fval, evaluations=feval,
            seconds=time.perf_counter() - t_start)
    g = H = None
    steps = 0
    calc = _calc_derivs(control, problem.n, ntheta)
    if calc and not is_singular(par, lower):  # lme4's optwrap: none at a singular fit
        par, fval, g, H, _, steps = _derivs_and_polish(dev, par, fval, lower, polish=True)
        _report(progress, "derivatives", newton_steps=steps,
                seconds=time.perf_counter() - t_start)
    par, fval, _ = _boundary(dev, par, fval, lower, ntheta, control.boundary_tol)
    state = dev.solve(par)
    theta = state.theta
    # lmer runs lme4's checkConv whatever the size (without derivatives: the
    # singular-fit check only).
    conv = check_conv(g, H, par, lower, control.check_conv_grad,
                      control.check_conv_singular, control.check_conv_hess)
    n, p = problem.n, problem.p
    sigma_ml = float(np.sqrt(state.pwrss / n))
    sigma_reml = float(np.sqrt(state.pwrss / (n - p)))
    sigma = sigma_reml if REML else sigma_ml
    unsc = sla.cho_solve((state.RX, False), np.eye(p))
    vcov = sigma * sigma * unsc
    b = st.b_of_u(theta, state.u)
    eta = problem.offset + problem.X @ state.beta + st.zlambda(theta).matvec(state.u)
    ussq = float(state.u @ state.u)
    ml_dev = state.deviance if not REML else np.nan
    devcomp = DevComp(ldL2=state.ldL2, ldRX2=state.ldRX2, wrss=state.pwrss - ussq, ussq=ussq,
                      pwrss=state.pwrss, drsum=np.nan, dev=ml_dev,
                      REML=state.deviance if REML else np.nan, sigmaML=sigma_ml,
                      sigmaREML=sigma_reml)
    optinfo = OptInfo(optimizer=tuple(control.optimizer), method="L-BFGS-B + Newton",
                      feval=feval, feval_total=dev.evaluations,
                      conv_opt=0 if not opt_msgs else 1, message=opt.message,
                      warnings=tuple(opt_msgs), conv=conv, gradient=g, hessian=H,
                      polish_steps=steps)
    fit = MixedFit(
        kind="lmer", nAGQ=1, REML=bool(REML), theta=theta, beta=state.beta, u=state.u, b=b,
        deviance=state.deviance, devcomp=devcomp, sigma=sigma, use_sc=True, eta=eta, mu=eta,
        vcov=vcov, vcov_rx=vcov, vcov_method="RX", vcov_warnings=(),
        cond_var_fn=partial(_lmm_cond_var, problem, bool(REML), theta, sigma),
        RX=state.RX,
        singular=is_singular(theta, lower), optinfo=optinfo, xnames=problem.xnames,
        theta_names=st.reterms.theta_names, lower=lower)
    _report(progress, "done", deviance=fit.deviance, evaluations=dev.evaluations,
            seconds=time.perf_counter() - t_start)
    return fit
