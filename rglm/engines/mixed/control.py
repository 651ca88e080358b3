"""Control records of the mixed-model engine, with lme4's defaults and names.

R: ``lme4::glmerControl``, ``lme4::lmerControl`` (``.`` in lme4's names is ``_`` here:
``check.conv.grad`` -> ``check_conv_grad``; camelCase names are kept: ``tolPwrss``).

The defaults are those of current lme4 where it differs from the local 1.1-31:
derivative-based convergence checks are skipped for more than ``check_conv_nobsmax``
observations or ``check_conv_nparmax`` parameters (lme4 >= 1.1-38); set either to
``math.inf`` for 1.1-31's behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping, Optional

from rglm.errors import RError

__all__ = ["ConvCheck", "GlmerControl", "LmerControl", "glmer_control", "lmer_control"]

_ACTIONS = ("ignore", "message", "warning", "stop")


@dataclass(frozen=True)
class ConvCheck:
    """One convergence check: what to do and at which tolerance.

    R: ``lme4::.makeCC(action, tol, relTol)``.
    """

    action: str
    tol: float
    relTol: Optional[float] = None

    def __post_init__(self):
        if self.action not in _ACTIONS:
            raise RError(f"invalid check action {self.action!r}: one of "
                         + ", ".join(_ACTIONS))


@dataclass(frozen=True)
class _MerControl:
    """What glmer and lmer controls share (see :func:`glmer_control`)."""

    optimizer: tuple
    restart_edge: bool
    boundary_tol: float = 1e-5
    calc_derivs: Optional[bool] = None
    use_last_params: bool = False
    check_nobs_vs_nlev: str = "stop"
    check_nlev_gtr_1: str = "stop"
    check_nobs_vs_nRE: str = "stop"
    check_conv_grad: ConvCheck = ConvCheck("warning", 2e-3)
    check_conv_singular: ConvCheck = ConvCheck("message", 1e-4)
    check_conv_hess: ConvCheck = ConvCheck("warning", 1e-6)
    check_conv_nobsmax: float = 1e4
    check_conv_nparmax: float = 20
    optCtrl: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class GlmerControl(_MerControl):
    """Control of a glmer fit.

    R: the value of ``lme4::glmerControl()``.

    Attributes
    ----------
    optimizer : tuple of str
        lme4's optimiser names for stage 1 and stage 2 (``("bobyqa", "Nelder_Mead")``);
        recorded for the printout. rglm's engine minimises with its own bounded
        quasi-Newton method whatever the names (see :mod:`.optimize`).
    restart_edge, boundary_tol, use_last_params
        As lme4's.
    calc_derivs : bool or None
        Compute lme4's finite-difference derivatives after the fit (for the convergence
        checks and the Hessian-based vcov); None (current lme4's default): when there
        are fewer than ``check_conv_nobsmax`` observations and fewer than
        ``check_conv_nparmax`` parameters (lme4 1.1-31 always computed them: ``True``).
    tolPwrss : float
        PIRLS tolerance on the relative change of the penalised deviance (1e-7).
    compDev : bool
        Accepted for lme4 compatibility (the engine always evaluates in compiled numpy).
    nAGQ0initStep : bool
        Run stage 1 (theta with the nAGQ = 0 objective) before stage 2.
    pirls : str
        ``"lme4"`` (default): lme4's PIRLS start/stop rules, which reproduce its numbers;
        ``"exact"``: iterate to 1e-12 and factor at the final weights (the exact
        Laplace approximation; differs from lme4 in the 4th digit on some data).
    maxit : int
        PIRLS iterations (100).
    check_conv_grad, check_conv_singular, check_conv_hess : ConvCheck
        lme4's convergence checks.
    check_conv_nobsmax, check_conv_nparmax : float
        See ``calc_derivs`` (lme4 >= 1.1-38: 1e4 observations, 20 parameters for
        glmer, 10 for lmer).
    optCtrl : mapping
        Optimiser settings: ``maxfun`` (evaluations per stage, 10000), ``gtol``.
    """

    optimizer: tuple = ("bobyqa", "Nelder_Mead")
    restart_edge: bool = False
    tolPwrss: float = 1e-7
    compDev: bool = True
    nAGQ0initStep: bool = True
    check_response_not_const: str = "stop"
    pirls: str = "lme4"
    maxit: int = 100


@dataclass(frozen=True)
class LmerControl(_MerControl):
    """Control of an lmer fit.

    R: the value of ``lme4::lmerControl()`` (optimiser ``"nloptwrap"``, ``restart_edge
    = TRUE``; derivative checks skipped above 1e4 observations or 10 parameters, as
    lme4 >= 1.1-38).
    """

    optimizer: tuple = ("nloptwrap",)
    restart_edge: bool = True
    check_conv_nparmax: float = 10


def _build(cls, kwargs: dict):
    names = {f for f in cls.__dataclass_fields__}
    bad = [k for k in kwargs if k.replace(".", "_") not in names]
    if bad:
        raise RError(f"unused argument{'s' if len(bad) > 1 else ''} "
                     f"({', '.join(bad)})")
    args = {k.replace(".", "_"): v for k, v in kwargs.items()}
    if "optimizer" in args and isinstance(args["optimizer"], str):
        opt = args["optimizer"]
        args["optimizer"] = (opt, opt) if cls is GlmerControl else (opt,)
    if "optCtrl" in args:
        args["optCtrl"] = MappingProxyType(dict(args["optCtrl"]))
    for key in ("check_conv_grad", "check_conv_singular", "check_conv_hess"):
        if key in args and not isinstance(args[key], ConvCheck):
            spec = args[key]
            args[key] = ConvCheck(**spec) if isinstance(spec, Mapping) else \
                ConvCheck(str(spec), getattr(cls, key).tol)
    if args.get("pirls", "lme4") not in ("lme4", "exact"):
        raise RError("'pirls' must be \"lme4\" or \"exact\"")
    return cls(**args)


def glmer_control(**kwargs) -> GlmerControl:
    """lme4's glmer control settings.

    R: ``lme4::glmerControl(...)``; argument names with ``.`` may be given with ``_``
    (``boundary_tol=1e-4``) or, through ``**{"boundary.tol": 1e-4}``, as R spells them.

    Returns
    -------
    GlmerControl
    """
    return _build(GlmerControl, kwargs)


def lmer_control(**kwargs) -> LmerControl:
    """lme4's lmer control settings.

    R: ``lme4::lmerControl(...)``.

    Returns
    -------
    LmerControl
    """
    return _build(LmerControl, kwargs)
