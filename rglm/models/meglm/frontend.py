"""``meglm()``: Stata's multilevel GLM on the quadrature engine.

Stata: ``meglm depvar indepvars || level: [revars], covariance() ..., family()
link() intmethod() intpoints() offset() exposure()``. Plumbing: the formula's frame and
random-effects structure as glmer's (:func:`rglm.models.mixed.frame.mixed_frames`, lme4's
bars), one random-effects term per grouping factor, each level's covariance structure
(:mod:`.covariance`), Stata's starting values (the fixed-effects GLM), the maximum of
the integrated likelihood (:mod:`.fit`), and the frozen result.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional, Union

import numpy as np
import pandas as pd

from rglm.engines.mixed import mixed_problem
from rglm.engines.mixed.agq_level import INTMETHODS, check_intpoints
from rglm.errors import RError
from rglm.families import binomial, gaussian, poisson
from rglm.formula import ast
from rglm.formula.deparse import deparse1
from rglm.formula.parse import parse_formula
from rglm.models.call import caller_namespace
from rglm.models.meglm.covariance import level_cov
from rglm.models.meglm.families import (AUX_FAMILIES, aux_family, aux_problem, n_aux,
                                        ordinal_categories)
from rglm.models.meglm.fit import maximise
from rglm.models.meglm.likelihood import (MeglmLik, crossed_deviance, level_nesting,
                                          merged_problem)
from rglm.models.meglm.result import LevelInfo, MeglmFit
from rglm.models.meglm.robust import parse_vce
from rglm.models.meglm.sampling import raw_column, sampling_weights, vce_clusters
from rglm.models.meglm.start import DEFAULT_GRID, fixed_only, grid_search, start_values
from rglm.models.mixed.frame import mixed_frames
from rglm.report import message

__all__ = ["meglm", "FAMILY_LINKS", "CROSSED_NOTE"]

#: Stata's families and their links (the first is the default).
FAMILY_LINKS = {"gaussian": ("identity", "log"), "bernoulli": ("logit", "probit", "cloglog"),
                "binomial": ("logit", "probit", "cloglog"), "poisson": ("log",),
                **AUX_FAMILIES}

#: Stata's families this front end does not fit yet.
_LATER: tuple = ()

#: Stata's note when a crossed model is given an adaptive method.
CROSSED_NOTE = "note: crossed random effects model specified; option intmethod(laplace) implied"


def _not_yet(what: str) -> RError:
    return RError(f"meglm: {what} is not supported yet (issue #11)")


def _family(family, link, trials):
    if isinstance(family, str):
        name, extra = family, None
    elif isinstance(family, tuple) and len(family) == 2:
        name, extra = family
    else:
        raise RError("family must be Stata's family name (\"bernoulli\", \"binomial\", "
                     "\"poisson\", \"gaussian\", \"ordinal\", \"nbinomial\"), or "
                     "(\"binomial\", trials) or (\"nbinomial\", \"mean\" | \"constant\")")
    name = str(name).lower()
    if name in _LATER:
        raise _not_yet(f"family({name})")
    if name not in FAMILY_LINKS:
        raise RError(f"family({name}) unknown: meglm's families are "
                     f"{', '.join(FAMILY_LINKS)}")
    links = FAMILY_LINKS[name]
    link = links[0] if link is None else str(link)
    if link not in links:
        raise RError(f"link({link}) not allowed with family({name}); "
                     f"allowed: {', '.join(links)}")
    if name in AUX_FAMILIES:
        return name, aux_family(name, link, extra), None
    if name == "binomial":
        trials = extra if trials is None else trials
    ctor = {"gaussian": gaussian, "poisson": poisson}.get(name, binomial)
    return name, ctor(link=link), trials


def _column(value, data, frame, namespace, what: str) -> np.ndarray:
    """A column name, a number or values, at the frame's rows, as numbers."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return np.full(frame.nrow, float(value))
    arr = raw_column(value, data, frame, namespace, what)
    try:
        return np.asarray(arr, dtype=np.float64)
    except (TypeError, ValueError):
        raise RError(f"{what} must be numeric") from None


def _covariance_of(covariance, groups: tuple) -> dict:
    """The structure asked for each grouping factor (None: what the bars say)."""
    if covariance is None or isinstance(covariance, str):
        return {g: covariance for g in groups}
    if not isinstance(covariance, Mapping):
        raise RError("covariance must be a string or a dict {level: structure}")
    out = {g: None for g in groups}
    for key, value in covariance.items():
        # a nested level is named as lme4 names it (``class:school``) or by its own
        # variable (``class``)
        hits = [g for g in groups if g == key or g.split(":")[0] == key]
        if not hits:
            raise RError(f"covariance(): {key!r} is not a level of the model "
                         f"(levels: {', '.join(groups)})")
        for g in hits:
            out[g] = value
    return out


def _level_info(problem, order: tuple) -> tuple:
    """Per grouping factor, outermost first: groups and observations per group."""
    out = []
    for g in order:
        (t,) = [t for t in problem.reterms.terms if t.group == g]
        counts = np.bincount(t.codes, minlength=t.nl)
        out.append(LevelInfo(group=g, ngroups=t.nl, obs_min=int(counts.min()),
                             obs_avg=float(counts.mean()), obs_max=int(counts.max())))
    return tuple(out)


def _response(frames, name: str, fam, trials, data, namespace):
    """(y, prior weights): Stata's bernoulli counts any nonzero as a success; a binomial
    response is successes out of ``trials`` (a number or a column) or R's
    ``cbind(successes, failures)``."""
    y = frames.response
    if isinstance(y, pd.Categorical) or (hasattr(y, "dtype")
                                         and isinstance(y.dtype, pd.CategoricalDtype)):
        if name != "bernoulli":
            raise RError(f"family({name}) needs a numeric response")
        codes = np.asarray(pd.Categorical(y).codes)
        return (codes != 0).astype(np.float64), None
    y = np.asarray(y, dtype=np.float64)
    if y.ndim == 2:
        if name != "binomial":
            raise RError(f"a two-column response needs family binomial, not {name}")
        return y, None
    if name == "bernoulli":
        return (y != 0).astype(np.float64), None
    if name == "binomial":
        if trials is None:
            raise RError("family(binomial) needs the number of trials: "
                         "family=('binomial', n or column), or cbind(successes, failures)")
        n = _column(trials, data, frames.frame, namespace, "binomial trials")
        if np.any(n <= 0) or np.any(y < 0) or np.any(y > n):
            raise RError("the binomial response must lie between 0 and the trials")
        return y / n, n
    return y, None


def meglm(formula: Union[str, ast.Call], data: Optional[pd.DataFrame] = None,
          family: Any = "gaussian", link: Optional[str] = None,
          intmethod: Optional[str] = None, intpoints: int = 7,
          covariance: Union[None, str, Mapping[str, str]] = None, vce: Any = "oim",
          weights: Any = None, level_weights: Optional[Mapping[str, Any]] = None,
          weight_type: str = "pweight", offset: Any = None, exposure: Any = None,
          startvalues: Any = None, startgrid: Any = None, progress: bool = False,
          trials: Any = None) -> MeglmFit:
    """Fit a multilevel generalized linear model by adaptive quadrature. Stata: ``meglm``.

    Parameters
    ----------
    formula : str
        lme4's bars for the random part: ``y ~ x + (1 | g)``, ``(x | g)``, ``(1 | g) +
        (0 + x | g)``, ``(1 | school/class)`` (nested), ``(1 | a) + (1 | b)`` (crossed:
        Laplace only, as Stata).
    data : pandas.DataFrame, optional
        Never modified.
    family : str or (str, trials) or (str, dispersion)
        ``"gaussian"``, ``"bernoulli"``, ``"binomial"`` (with ``trials=`` or
        ``("binomial", "n")``, or a ``cbind(s, f)`` response), ``"poisson"``,
        ``"ordinal"`` (Stata's ``meologit``/``meoprobit``: the response an ordered
        factor, a categorical or numbers, its categories the distinct observed values
        in order; no constant, cutpoints ``/cut1``... instead), ``"nbinomial"`` or
        ``("nbinomial", "mean" | "constant")`` (Stata's ``menbreg``: ``/lnalpha`` or
        ``/lndelta``), ``"gamma"`` (log link; ``/logs``, the log of the scale s,
        Var = s mu^2).
    link : str, optional
        Stata's default per family: identity, logit, logit, log, logit (ordinal: also
        probit, cloglog), log, log.
    intmethod : {"mvaghermite", "mcaghermite", "ghermite", "laplace"}, optional
        Default ``"mvaghermite"`` (``"laplace"`` for crossed factors).
    intpoints : int
        Points per random-effect dimension (7, Stata's default).
    covariance : str or dict, optional
        ``"independent"``, ``"exchangeable"``, ``"identity"``, ``"unstructured"`` for
        every level, or ``{level: structure}``. By default each level's structure is
        what lme4's bars say: ``(x | g)`` unstructured, ``(1 | g) + (0 + x | g)`` or
        ``(x || g)`` independent (Stata's default for random coefficients).
    offset : column name or values, optional
    exposure : column name or values, optional
        log(exposure) joins the offset (Poisson).
    vce : "oim", "robust" or ("cluster", column)
        Stata's ``vce()``: the observed information (default), or the sandwich on the
        top-level groups' scores (``robust``: clustered at the highest level;
        ``cluster``: each highest-level group within one cluster of the column);
        :mod:`rglm.models.meglm.robust`.
    weights : column name or values, optional
        Observation-level sampling weights (Stata's ``[pweight=w]``).
    level_weights : dict {level: column name or values}, optional
        Sampling weights of each level's groups (Stata's ``|| psu:, pweight(w)``),
        constant within the level's groups. Weights make the fit a pseudo-likelihood
        one (``Log pseudolikelihood``) with ``vce="robust"`` implied.
    weight_type : str
        ``"pweight"`` only (Stata's fweights and iweights are not supported).
    startvalues : {"fixedonly", "constantonly", "zero"} or array, optional
        Stata's ``startvalues()`` (default ``"fixedonly"``: the model without random
        effects, variances 1), or the starting vector in :attr:`MeglmFit.x`'s layout
        (Stata's ``from()``); see :mod:`rglm.models.meglm.start`.
    startgrid : True or sequence of float, optional
        Stata's ``startgrid``: start from the best of every combination of these
        variances (True: 0.1, 1, 10) for the random effects. Searched anyway when the
        starting values give no finite likelihood.
    progress : bool
        Report the stages on standard error.
    trials : column name or number, optional
        Binomial trials (Stata's ``family(binomial varname)``).

    Returns
    -------
    MeglmFit
        ``print(fit)`` shows Stata's meglm output.

    Raises
    ------
    RError
        Unknown family or link, options not yet supported, intpoints below 1 or too many
        nodes, a covariance structure that does not fit the level, more than two nested
        levels, crossed factors with a gaussian with the log link (crossed factors are
        fitted for R's binomial and Poisson by lme4's Laplace deviance, for the gaussian
        by lmer's exact likelihood, for the ordinal, nbinomial and gamma families by
        the Laplace approximation with the observed curvature,
        :mod:`rglm.engines.mixed.laplace_general`).
    """
    namespace = caller_namespace()
    vce_kind, cluster = parse_vce(vce)
    name, fam, trials = _family(family, link, trials)
    if intmethod is not None and intmethod not in INTMETHODS:
        raise RError(f"intmethod({intmethod}) invalid: one of {', '.join(INTMETHODS)}")
    formula_node = parse_formula(formula) if isinstance(formula, str) else formula
    if data is not None and not isinstance(data, pd.DataFrame):
        data = pd.DataFrame(data)
    frames = mixed_frames(formula_node, data, offset=offset, na_action="na.omit",
                          env=namespace, glmm=True)
    off = frames.offset
    if exposure is not None:
        e = _column(exposure, data, frames.frame, namespace, "exposure")
        if np.any(~(e > 0)):
            raise RError("exposure must be positive")
        off = np.log(e) if off is None else off + np.log(e)
    if name in AUX_FAMILIES:
        base, _ = aux_problem(frames, fam, off)
    else:
        y, w = _response(frames, name, fam, trials, data, namespace)
        base = mixed_problem(frames.X, y, frames.reterms, fam, weights=w, offset=off,
                             xnames=frames.xnames)
    problem, blocks = merged_problem(base)
    groups = tuple(t.group for t in problem.reterms.terms)
    wanted = _covariance_of(covariance, groups)
    levels = tuple(level_cov(t.group, t.cnms, blocks[t.group], wanted[t.group])
                   for t in problem.reterms.terms)
    order = level_nesting(problem.reterms)
    crossed = order is None
    if crossed:
        if name == "gaussian" and fam.link != "identity":
            raise _not_yet(f"family({name}) link({fam.link}) with crossed random "
                           "effects")
        if intmethod not in (None, "laplace"):
            message(CROSSED_NOTE)
        intmethod = "laplace"
        order = groups
    elif len(groups) > 2:
        raise _not_yet("more than two nested levels")
    intmethod = intmethod or "mvaghermite"
    q_joint = sum(lv.q for lv in levels)
    K = 1 if intmethod == "laplace" else check_intpoints(intpoints, q_joint)
    def raw(value, what):
        return raw_column(value, data, frames.frame, namespace, what)

    pweights = sampling_weights(weights, level_weights, weight_type, raw, problem,
                                intmethod, crossed)
    if pweights is not None and vce_kind == "oim":
        vce_kind = "robust"  # Stata: pweights imply vce(robust)
    robust = vce_clusters(vce_kind, cluster, raw, problem, order[0], crossed)
    lik = MeglmLik(problem=problem, levels=levels, intmethod=intmethod, intpoints=K,
                   crossed=crossed,
                   deviance=crossed_deviance(problem) if crossed else None,
                   naux=n_aux(problem), pweights=pweights)

    fixed = fixed_only(problem, fam)
    # the unweighted model without random effects: no comparison for a pseudo likelihood
    ll_c = fixed.loglik if pweights is None else float("nan")
    if progress:
        message(f"meglm: fixed-effects model, log likelihood = {fixed.loglik:.8g}")
    start = start_values(startvalues, lik, problem, fam, fixed)
    want_grid = startgrid is not None and startgrid is not False
    if want_grid or not np.isfinite(lik.loglik(start)):
        # Stata searches the grid when asked, or when the start is not feasible
        start, _, _ = grid_search(lik, start, startgrid if want_grid else DEFAULT_GRID,
                                  report=_grid_report if progress else None)
    sd = problem.X.std(axis=0)
    scale = np.ones(len(start))
    scale[:problem.p] = np.where(sd > 0, sd, 1.0)
    opt = maximise(lik, start, scale)
    if progress:
        message(f"meglm: full model, log likelihood = {opt.loglik:.8g}, "
                f"{opt.evaluations} evaluations")
    return MeglmFit(
        formula=deparse1(frames.formula), depvar=_depvar(frames.formula),
        family=name, link=fam.link, lik=lik, x=opt.x, hessian=opt.hessian,
        loglik=opt.loglik, ll_c=ll_c, levels_info=_level_info(problem, order),
        converged=opt.converged, message=opt.message, evaluations=opt.evaluations,
        nobs=problem.n, robust=robust, spec=frames.fixed.spec,
        x_keep=tuple(int(j) for j in frames.keep),
        categories=ordinal_categories(frames.response) if name == "ordinal" else ())


def _grid_report(node: int, loglik: float) -> None:
    message(f"meglm: grid node {node}, log likelihood = {loglik:.8g}")


def _depvar(formula: ast.Call) -> str:
    """The response's name (Stata's depvar: the stub heading of the table)."""
    lhs = formula.args[0].value
    if isinstance(lhs, ast.Call) and getattr(lhs.fn, "name", None) == "cbind":
        return deparse1(lhs.args[0].value)
    return deparse1(lhs)

