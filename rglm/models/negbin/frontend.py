"""``glm_nb()``: negative binomial regression with theta estimated. R: ``MASS::glm.nb``.

The same plumbing as :func:`rglm.glm` (model frame, response, design, weights, offset),
then MASS's alternation: an initial Poisson fit (or negative binomial at ``init_theta``),
and, until the log-likelihood and theta settle, a ``glm.fit`` at fixed theta started from
the current means followed by :func:`rglm.models.negbin.result.theta_ml` — evaluated, as in
MASS, at the means from *before* that refit. Every fit is :func:`rglm.engines.irls.irls.glm_fit`.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional, Union

import numpy as np
import pandas as pd

from rglm.models.call import build_call, caller_namespace, data_node, value_node
from rglm.models.glm.frontend import (NA_ACTIONS, _check_weights, _control_node, _extra,
                          require_response)
from rglm.errors import RError, rwarn
from rglm.families import negative_binomial, poisson
from rglm.engines.irls.control import GlmControl, as_control
from rglm.engines.irls.irls import glm_fit
from rglm.formula import ast
from rglm.formula.design import model_matrix
from rglm.formula.frame import model_frame
from rglm.formula.parse import parse_formula
from rglm.formula.response import model_offset, model_response, model_weights
from rglm.render.rformat import signif
from rglm.models.negbin.result import NegBinGLM, ThetaML, negbin_loglik, theta_ml
from rglm.render.negbin import glm_nb_trace
from rglm.report import message

__all__ = ["glm_nb"]

_LINKS = ("log", "identity", "sqrt")


def glm_nb(formula: Union[str, ast.Call], data: Optional[pd.DataFrame] = None,
           weights: Any = None, subset: Any = None, na_action: str = "na.omit",
           start: Any = None, etastart: Any = None, mustart: Any = None,
           control: Any = None, method: str = "glm.fit", model: bool = True, x: bool = False,
           y: bool = True, contrasts: Optional[Mapping[str, Any]] = None,
           init_theta: Optional[float] = None, link: str = "log"
           ) -> Union[NegBinGLM, pd.DataFrame]:
    """Fit a negative binomial GLM, estimating theta by maximum likelihood.

    R: ``MASS::glm.nb(formula, data, weights, subset, na.action, start = NULL, etastart,
    mustart, control = glm.control(...), method = "glm.fit", model = TRUE, x = FALSE,
    y = TRUE, contrasts = NULL, ..., init.theta, link = log)``.

    Parameters
    ----------
    formula : str
        An R model formula; offsets go in the formula (``+ offset(log(n))``), as glm.nb
        has no ``offset`` argument.
    data, weights, subset, na_action, start, etastart, mustart, contrasts, model, x, y
        As for :func:`rglm.glm`.
    control : GlmControl or dict, optional
        ``rglm.glm_control(...)``: ``maxit`` bounds the IRLS, theta.ml's Newton steps and
        the alternation; ``epsilon`` is the tolerance of the IRLS and of the alternation;
        ``trace=True`` reports each alternation on stderr.
    method : {"glm.fit", "model.frame"}
    init_theta : float, optional
        Starting theta; without it the first fit is Poisson.
    link : {"log", "identity", "sqrt"}
        The link, R's ``link = log`` (a name, printed unquoted in the call).

    Returns
    -------
    NegBinGLM
        ``print(fit)``, ``rglm.summary(fit)`` print as R; ``fit.theta``,
        ``fit.SE_theta``, ``fit.twologlik``, ``fit.th_warn``.

    Warnings
    --------
    R's, issued as :class:`rglm.RWarning`: theta.ml's ``iteration limit reached`` /
    ``estimate truncated at zero`` (each time theta is estimated), ``alternation limit
    reached``, and glm.fit's own.
    """
    namespace = caller_namespace()
    if link not in _LINKS:
        raise RError(f'"{link}" link not available for negative binomial family; '
                     'available links are "identity", "log" and "sqrt"')
    if na_action not in NA_ACTIONS:
        raise RError(f"invalid 'na.action' argument: {na_action!r}")
    if method not in ("glm.fit", "model.frame"):
        raise RError(f"unimplemented method: \u2018{method}\u2019")
    ctrl = as_control(control)
    formula_node = parse_formula(formula) if isinstance(formula, str) else formula
    if data is not None and not isinstance(data, pd.DataFrame):
        data = pd.DataFrame(data)

    mf = model_frame(formula_node, data, subset=subset, weights=weights,
                     etastart=etastart, mustart=mustart, na_action=na_action, env=namespace)
    if method == "model.frame":
        return mf.to_frame()
    require_response(formula_node)
    yv = model_response(mf)
    if isinstance(yv, pd.Categorical) or (isinstance(yv, np.ndarray) and yv.ndim != 1):
        raise RError("the response of a negative binomial model must be a numeric vector")
    mm = model_matrix(mf, contrasts=contrasts)
    n = mf.nrow
    w = model_weights(mf)
    w = np.ones(n) if w is None else _check_weights(w)
    off = model_offset(mf)
    intercept = bool(mf.terms.intercept)
    xnames = tuple(mm.colnames)

    fits = _alternate(mm.x, yv, w, off, start, _extra(mf, "(etastart)"),
                      _extra(mf, "(mustart)"), ctrl, intercept, xnames, init_theta, link)
    fit, th, twologlik, th_warn = fits
    null_dev = fit.null_deviance
    if off is not None and intercept:
        # MASS refits the intercept-only model with the final theta (no start values)
        j = xnames.index("(Intercept)")
        null_dev = glm_fit(np.asfortranarray(mm.x[:, [j]]), yv, weights=w, offset=off,
                           family=negative_binomial(th.theta, link=link),
                           control=_inner_control(ctrl), intercept=True,
                           xnames=("(Intercept)",)).deviance

    call = build_call("glm.nb", _call_args(
        formula_node, data, namespace, th.theta, link, weights=weights, subset=subset,
        na_action=na_action, start=start, etastart=etastart, mustart=mustart,
        control=control, method=method, model=model, x=x, y=y, contrasts=contrasts,
        init_theta=init_theta))
    return NegBinGLM(fit=fit, row_names=mf.row_names, call=call, formula_node=formula_node,
                     terms=mf.terms, data=data, offset_values=off, control=ctrl,
                     method=method, contrasts=mm.contrasts or None, xlevels=mm.xlevels,
                     na_action=mf.na_action, frame=mf if model else None, model_matrix=mm,
                     keep_x=x, keep_y=y, null_deviance=float(null_dev), theta=th.theta,
                     SE_theta=th.SE, twologlik=twologlik, th_warn=th_warn,
                     row_positions=mf.positions)


def _inner_control(ctrl: GlmControl) -> GlmControl:
    """MASS passes ``list(maxit, epsilon, trace = trace > 1)`` to every glm.fit."""
    return GlmControl(epsilon=ctrl.epsilon, maxit=ctrl.maxit, trace=False)


def _alternate(x, y, w, offset, start, etastart, mustart, ctrl: GlmControl,
               intercept: bool, xnames: tuple, init_theta: Optional[float], link: str):
    """MASS's alternation between glm.fit at fixed theta and theta.ml at fixed means.

    Returns the last glm.fit result (fitted with the previous theta), the last theta
    estimate, ``2 * loglik`` at that theta and the last means, and the theta warning.
    """
    inner = _inner_control(ctrl)
    fam0 = poisson(link=link) if init_theta is None else \
        negative_binomial(float(init_theta), link=link)
    fit = glm_fit(x, y, weights=w, start=start, etastart=etastart, mustart=mustart,
                  offset=offset, family=fam0, control=inner, intercept=intercept,
                  xnames=xnames)
    mu = fit.fitted_values
    n = float(np.sum(w))
    th: ThetaML = theta_ml(y, mu, n, w, limit=ctrl.maxit)
    fam = negative_binomial(th.theta, link=link)
    d1 = np.sqrt(2 * max(1, fit.df_residual))
    d2 = delta = 1.0
    lm = negbin_loglik(th.theta, mu, y, w)
    lm0 = lm + 2 * d1
    iteration = 0
    while True:
        iteration += 1
        if not (iteration <= ctrl.maxit
                and abs(lm0 - lm) / d1 + abs(delta) / d2 > ctrl.epsilon):
            break
        eta = fam.linkfun(mu)
        fit = glm_fit(x, y, weights=w, etastart=eta, offset=offset, family=fam,
                      control=inner, intercept=intercept, xnames=xnames)
        t0 = th.theta
        th = theta_ml(y, mu, n, w, limit=ctrl.maxit)
        fam = negative_binomial(th.theta, link=link)
        mu = fit.fitted_values
        delta = t0 - th.theta
        lm0 = lm
        lm = negbin_loglik(th.theta, mu, y, w)
        if ctrl.trace:
            dev = 2 * (negbin_loglik(th.theta, y, y, w) - lm)
            message(glm_nb_trace(iteration, th.theta, dev))
    th_warn = th.warn
    if iteration > ctrl.maxit:
        th_warn = "alternation limit reached"
        rwarn(th_warn)
    return fit, th, 2 * lm, th_warn


def _call_args(formula_node, data, namespace, theta: float, link: str, **kw) -> list:
    """``match.call()`` in glm.nb's formals order, then ``Call$init.theta <- signif(th,
    10)`` and ``Call$link <- link``: replaced where given, appended otherwise."""
    args: list = [("formula", formula_node)]
    if data is not None:
        args.append(("data", data_node(data, namespace)))
    for rname in ("weights", "subset"):
        if kw[rname] is not None:
            args.append((rname, value_node(kw[rname], namespace, rname)))
    if kw["na_action"] != "na.omit":
        args.append(("na.action", ast.Symbol(kw["na_action"])))
    for rname in ("start", "etastart", "mustart"):
        if kw[rname] is not None:
            args.append((rname, value_node(kw[rname], namespace, rname)))
    if kw["control"] is not None:
        args.append(("control", _control_node(kw["control"], namespace)))
    if kw["method"] != "glm.fit":
        args.append(("method", ast.String(kw["method"])))
    if kw["model"] is not True:
        args.append(("model", ast.Constant("FALSE")))
    if kw["x"]:
        args.append(("x", ast.Constant("TRUE")))
    if not kw["y"]:
        args.append(("y", ast.Constant("FALSE")))
    if kw["contrasts"] is not None:
        args.append(("contrasts", value_node(dict(kw["contrasts"]), namespace, "contrasts")))
    if kw["init_theta"] is not None:
        args.append(("init.theta", None))
    if link != "log":
        # an explicit non-default link is part of match.call(); "log" is taken as R's
        # default (an explicit `link = log` in R would put it before init.theta)
        args.append(("link", None))
    final = {"init.theta": ast.Number(float(signif(theta, 10))), "link": ast.Symbol(link)}
    for name, node in final.items():
        names = [k for k, _ in args]
        if name in names:
            args[names.index(name)] = (name, node)
        else:
            args.append((name, node))
    return args


#: glm.nb()'s R formals, in order (MASS: ``..., contrasts = NULL, ..., init.theta, link =
#: log``): the arguments update() accepts, as match.call() orders them.
GLM_NB_FORMALS = ("formula", "data", "weights", "subset", "na.action", "start", "etastart",
                  "mustart", "control", "method", "model", "x", "y", "contrasts",
                  "init.theta", "link")
