"""``fmm()``: finite mixtures of GLMs, Stata's ``fmm k: glm``, with R's formulas.

Plumbing, as ``glm()``: the data (:mod:`.data`) -> the engine's problem
(:func:`rglm.engines.em.mixture_problem`) -> the fit (:func:`rglm.engines.em.fit_mixture`:
starts, EM, Newton to the exact maximum, canonical class order, variance) -> the
fitted object (:class:`~rglm.models.mixture.result.FMM`). Non-convergence and fits at
the edge of the parameter space are warnings (with the gradient norm), never silent.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Optional, Union

import numpy as np
import pandas as pd

from rglm.callerenv import caller_namespace
from rglm.engines.em import fit_mixture, layout_of, mixture_problem
from rglm.engines.em.newton import MlControl
from rglm.errors import RError, rwarn
from rglm.formula import ast
from rglm.formula.deparse import deparse1
from rglm.formula.parse import parse_formula
from rglm.models.glm.frontend import require_response
from rglm.models.mixture.data import mixture_data
from rglm.models.mixture.family import family_spec
from rglm.models.mixture.names import constraint_text, parameter_labels, parse_constraints
from rglm.models.mixture.result import FMM
from rglm.models.mixture.startvalues import em_control, start_values
from rglm.render.stata import format_start_trace
from rglm.report import cat

__all__ = ["fmm", "fit_fmm", "VCE_NAMES"]

VCE_NAMES = ("oim", "opg", "robust", "cluster")


def _check_k(k) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise RError("'k' must be a positive integer")
    return int(k)


def _vce(vce) -> tuple[str, Any]:
    """``(kind, cluster variable or None)`` of ``vce``."""
    if isinstance(vce, tuple):
        if len(vce) == 2 and vce[0] == "cluster":
            return "cluster", vce[1]
        raise RError("'vce' is \"oim\", \"opg\", \"robust\" or (\"cluster\", column)")
    if vce == "cluster":
        raise RError("vce(cluster) needs a cluster variable: vce=(\"cluster\", \"column\")")
    if vce not in VCE_NAMES:
        listed = ", ".join(f'"{v}"' for v in VCE_NAMES[:3])
        raise RError(f"'vce' should be one of {listed}, or (\"cluster\", column)")
    return vce, None


def _one_sided(lcprob) -> Optional[ast.Call]:
    if lcprob is None:
        return None
    node = parse_formula(lcprob) if isinstance(lcprob, str) else lcprob
    if not isinstance(node, ast.Call) or len(node.args) != 1:
        raise RError("'lcprob' must be a one-sided formula, e.g. \"~ z1 + z2\"")
    return node


def _check_options(lcbase, lclabel, k: int, offset, exposure) -> None:
    if isinstance(lcbase, bool) or not isinstance(lcbase, (int, np.integer)) \
            or not 1 <= lcbase <= k:
        raise RError(f"'lcbase' must be a class 1..{k}")
    if not isinstance(lclabel, str) or not lclabel.isidentifier():
        raise RError("'lclabel' must be a name (letters, digits, underscores)")
    if offset is not None and exposure is not None:
        raise RError("only one of 'offset' and 'exposure' may be given")


def _warn_about(record) -> None:
    if not record.converged:
        rwarn(f"convergence not achieved: the gradient norm is {record.gradient_norm:.3g} "
              f"(the tolerance is {MlControl().gtol:g})")
    for note in record.notes:
        # reseeded empty classes and kept labels are reported in fit.notes only: they
        # were recovered from, or are a choice
        if not note.startswith(("draw ", "classes left")):
            rwarn(note)


def fit_fmm(formula, data, k, *, family="gaussian", link=None, lcprob=None,
            lcinvariant="none", lcbase=1, lclabel="Class", constraints=None, vce="oim",
            weights=None, weight_type="fweight", offset=None, exposure=None,
            startvalues="factor", emopts=None, seed=None, progress=False, polish=1,
            namespace=None) -> FMM:
    """:func:`fmm` with the engine's ``polish`` (how many of the best starts are
    maximised to the end; :func:`rglm.models.mixture.select.fmm_select` maximises
    every start) and an explicit caller namespace."""
    k = _check_k(k)
    namespace = caller_namespace() if namespace is None else namespace
    vce_kind, cluster = _vce(vce)
    _check_options(lcbase, lclabel, k, offset, exposure)
    spec = family_spec(family, link)
    node = parse_formula(formula) if isinstance(formula, str) else formula
    if not isinstance(node, ast.Call):
        raise RError("'formula' must be a formula such as \"y ~ x\"")
    require_response(node)
    lc_node = _one_sided(lcprob)
    if data is not None and not isinstance(data, pd.DataFrame):
        data = pd.DataFrame(data)
    md = mixture_data(node, lc_node, data, namespace, spec.family.name, weights=weights,
                      offset=offset, exposure=exposure, trials=spec.trials, cluster=cluster)
    problem = mixture_problem(
        md.y, md.x, spec.family, z=md.z, znames=md.znames or None, xnames=md.xnames,
        offset=md.offset, weights=md.weights, weight_type=weight_type, trials=md.trials,
        cluster=md.cluster, lcinvariant=lcinvariant)
    layout = layout_of(problem, k, base=int(lcbase))
    labels = parameter_labels(layout, md.depvar, lclabel)
    cons = parse_constraints(constraints, labels, layout)
    if cons:
        problem = replace(problem, constraints=cons)
    start = start_values(startvalues, seed, md, data, namespace, labels)

    def trace(stage, draw, loglik, iterations):
        cat(format_start_trace(stage, draw, loglik, iterations))

    record = fit_mixture(problem, k, start=start, em=em_control(emopts), vce=vce_kind,
                         lcbase=int(lcbase), polish=polish,
                         trace=trace if progress else None)
    _warn_about(record)
    return FMM(
        record=record, formula=deparse1(node),
        lcprob=None if lc_node is None else deparse1(lc_node), depvar=md.depvar,
        family=spec, lclabel=lclabel, labels=labels, row_names=md.row_names,
        x_spec=md.x_spec, z_spec=md.z_spec, offset_arg=offset, exposure_arg=exposure,
        trials_arg=spec.trials,
        cluster_name=cluster if isinstance(cluster, str) else
        (None if cluster is None else "cluster"),
        n_dropped=md.n_dropped,
        user_constraints=tuple(constraint_text(c, labels, layout) for c in cons))


def fmm(formula: Union[str, ast.Call], data: Optional[pd.DataFrame] = None,
        k: Optional[int] = None, family: Any = "gaussian", link: Optional[str] = None,
        lcprob: Optional[str] = None, lcinvariant: Any = "none", lcbase: int = 1,
        lclabel: str = "Class", constraints: Any = None, vce: Any = "oim",
        weights: Any = None, weight_type: str = "fweight", offset: Any = None,
        exposure: Any = None, startvalues: Any = "factor", emopts: Any = None,
        seed: Optional[int] = None, progress: bool = False) -> FMM:
    """Fit a finite mixture of ``k`` generalised linear models by maximum likelihood.

    R: (none; flexmix::flexmix + refit(); Stata: ``fmm k: glm``)

    Parameters
    ----------
    formula : str
        An R formula for every class's model (``"visits ~ hospital + health"``); all of
        rglm's formula layer (factors, ``I()``, ``poly()``, interactions,
        ``offset()``); ``- 1`` is Stata's ``noconstant``. A binomial response may be
        ``cbind(successes, failures)``.
    data : pandas.DataFrame, optional
        Never modified. Names not in it are looked up in the caller's namespace.
    k : int
        The number of classes.
    family : str, pair or rglm family
        Stata's families: ``"gaussian"`` (default), ``"bernoulli"``, ``"beta"``,
        ``"binomial"`` (``("binomial", 10)`` or ``("binomial", "n")`` for the trials),
        ``"poisson"``, ``"nbinomial"`` (NB2; ``("nbinomial", "constant")`` NB1),
        ``"exponential"``, ``"gamma"``, ``"lognormal"``, ``"loglogistic"``,
        ``"weibull"`` (``("weibull", "aft")``: accelerated failure time; default
        proportional hazards); or ``rglm.poisson()``, ``rglm.binomial()``,
        ``rglm.gaussian()``, ``rglm.Gamma(link="log")``, ``rglm.negative_binomial(1)``.
    link : str, optional
        ``identity``, ``log``, ``logit``, ``probit``, ``cloglog`` where Stata allows.
    lcprob : str, optional
        A one-sided formula of the class probabilities' multinomial logit (``"~ z"``).
    lcinvariant : str or list of str
        Parameters equal across classes: ``"none"``, ``"cons"``, ``"coef"``,
        ``"errvar"``, ``"scale"``, ``"all"``.
    lcbase : int
        The base class of the multinomial logit.
    lclabel : str
        The latent variable's name in the output and the labels.
    constraints : str, mapping, or list of them
        Linear equality constraints on labelled parameters: ``"[y:1.Class#x] =
        [y:2.Class#x]"`` (see :mod:`rglm.models.mixture.names`).
    vce : str or pair
        ``"oim"`` (default), ``"opg"``, ``"robust"``, ``("cluster", column)``.
    weights : column name, R expression or values, optional
    weight_type : {"fweight", "pweight", "iweight"}
        Stata's weights (pweights imply the robust variance).
    offset, exposure : column name, R expression or values, optional
        ``exposure`` adds ``log(exposure)`` to the linear predictor.
    startvalues : str, pair or dict
        Stata's ``startvalues()`` (see :mod:`rglm.models.mixture.startvalues`):
        ``"factor"`` (default), ``"randomid"``, ``"randompr"``, ``"jitter"``,
        ``("classid", column)``, ``("classpr", columns)``, ``{"method": "randomid",
        "draws": 10}``.
    emopts : dict, optional
        ``{"iterate": 20, "tolerance": 1e-4, "ltolerance": 1e-6}``.
    seed : int, optional
        The random starts' seed: the same seed gives the same fit.
    progress : bool
        Write each start's log likelihoods as it ends its EM iterations and its
        maximisation.

    Returns
    -------
    FMM
        The fit, its classes in rglm's canonical order (ascending mean linear
        predictor); ``print(fit)`` shows Stata's table.

    Raises
    ------
    RError
        ``k`` below 1 or more parameters than the data allow, a family-link pair Stata
        does not allow, a response outside the family's support, every start failing.
    """
    if k is None:
        raise RError("argument \"k\" is missing, with no default")
    return fit_fmm(formula, data, k, family=family, link=link, lcprob=lcprob,
                   lcinvariant=lcinvariant, lcbase=lcbase, lclabel=lclabel,
                   constraints=constraints, vce=vce, weights=weights,
                   weight_type=weight_type, offset=offset, exposure=exposure,
                   startvalues=startvalues, emopts=emopts, seed=seed, progress=progress,
                   namespace=caller_namespace())
