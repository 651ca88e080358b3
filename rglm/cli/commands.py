"""The subcommands: ``fit`` (R's glm), ``glmer``/``lmer`` (lme4's), ``fmm`` (Stata's) and
``plot`` (R's ``plot(fit)``).

Each fits through the public front end (``rglm.glm``, ``rglm.glmer``, ...) with the
command's arguments and writes what an R (or Stata) session would print for it
(:mod:`rglm.cli.output`). The arguments reach the front ends as R expressions, never as
Python (:mod:`rglm.cli.inputs`).
"""

from __future__ import annotations

from typing import Any

from rglm.cli.inputs import call_in_data_only, load_data, parse_family
from rglm.cli.output import records, write_results

__all__ = ["fit_command", "mixed_command", "fmm_command", "plot_command"]


def _model_args(args) -> dict:
    """The R arguments the command line gave (left out when not given, as in R)."""
    kw: dict[str, Any] = {}
    if getattr(args, "family", None) is not None:
        kw["family"] = parse_family(args.family)
    for name in ("weights", "offset"):
        value = getattr(args, name, None)
        if value is not None:
            kw[name] = value
    return kw


def _fit_glm(args):
    import rglm

    data = load_data(args.data)
    return call_in_data_only(rglm.glm, args.formula, data=data, **_model_args(args))


def fit_command(args, out) -> None:
    """``rglm fit FORMULA --data D [--family F] [--weights W] [--offset O] [--anova]
    [--confint] [--format ...]``: R's ``summary(fit)``, then ``anova(fit)`` and
    ``confint(fit)`` when asked for."""
    import rglm
    from rglm.formula.deparse import deparse1

    fit = _fit_glm(args)
    summary = rglm.summary(fit)
    results = [("summary", summary, {"call": deparse1(fit.call),
                                     "coefficients": records(rglm.tidy(fit)),
                                     "fit": records(rglm.glance(fit))[0]})]
    if args.anova:
        table = rglm.anova(fit)
        results.append(("anova", table, records(table.table)))
    if args.confint:
        ci = rglm.confint(fit)
        results.append(("confint", ci, records(ci)))
    write_results(results, args.format, out)


def mixed_command(args, out) -> None:
    """``rglm glmer FORMULA --data D --family F [--weights W] [--offset O] [--nAGQ n]``
    and ``rglm lmer FORMULA --data D [--ML]``: lme4's ``summary(fit)``."""
    import rglm

    data = load_data(args.data)
    kw = _model_args(args)
    if args.command == "glmer":
        if args.nAGQ is not None:
            kw["nAGQ"] = args.nAGQ
        fit = call_in_data_only(rglm.glmer, args.formula, data=data, **kw)
    else:
        if args.ML:
            kw["REML"] = False
        fit = call_in_data_only(rglm.lmer, args.formula, data=data, **kw)
    summary = rglm.summary(fit)
    results = [("summary", summary, {"coefficients": records(rglm.tidy(fit)),
                                     "fit": records(rglm.glance(fit))[0]})]
    write_results(results, args.format, out)


def fmm_command(args, out) -> None:
    """``rglm fmm FORMULA --data D --k K [--family F] [--lcprob "~ z"] [--seed S]``:
    Stata's ``fmm K: glm ...`` output."""
    import rglm

    data = load_data(args.data)
    kw: dict[str, Any] = {"family": args.family}
    if args.lcprob is not None:
        kw["lcprob"] = args.lcprob
    if args.seed is not None:
        kw["seed"] = args.seed
    fit = call_in_data_only(rglm.fmm, args.formula, data, args.k, **kw)
    coef = fit.coefficients
    results = [("fmm", fit, {"coefficients": records(coef),
                             "loglik": float(fit.loglik)})]
    write_results(results, args.format, out)


def plot_command(args, out) -> None:
    """``rglm plot FORMULA --data D [--family F] [--which 1,2,3,5] --out FILE.png``:
    R's ``plot(fit, which)`` panels for the glm, saved to FILE (matplotlib, lazily)."""
    import rglm

    from rglm.errors import RError

    try:
        which = tuple(int(w) for w in args.which.split(","))
    except ValueError:
        raise RError("'which' must be in 1:6") from None
    fit = _fit_glm(args)
    figure = rglm.plot(fit, which=which)
    figure.savefig(args.out)
    out.write(f"wrote {args.out}\n")
