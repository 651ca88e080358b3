"""The ``rglm`` console command (also ``python -m rglm``).

``rglm`` alone fits the Dobson (1990) Poisson example from R's ``?glm`` and prints R's
summary. Subcommands (``rglm SUBCOMMAND --help`` lists each one's options):

* ``rglm fit FORMULA --data NAME|FILE.csv [--family F] [--weights W] [--offset O]
  [--anova] [--confint] [--format text|markdown|html|json]``: ``summary(glm(...))``,
  ``anova(fit)``, ``confint(fit)`` (R's printed text by default);
* ``rglm glmer FORMULA --data D --family F [--weights W] [--offset O] [--nAGQ n]`` and
  ``rglm lmer FORMULA --data D [--ML]``: lme4's ``summary(fit)``;
* ``rglm fmm FORMULA --data D --k K [--family F] [--lcprob "~ z"]``: Stata's ``fmm``;
* ``rglm plot FORMULA --data D [--family F] [--which 1,2,3,5] --out FILE.png``: R's
  ``plot(fit)`` panels (needs matplotlib: ``pip install 'rglm[plot]'``);
* ``rglm datasets``: the bundled datasets.

Formulas, weights, offsets and families are R expressions, parsed by rglm's R grammar;
nothing typed on the command line runs as Python (:mod:`rglm.cli.inputs`).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from typing import Optional, Sequence

__all__ = ["main", "build_parser"]

# R's ?glm example: glm(counts ~ outcome + treatment, family = poisson(), data = dobson)
DEMO = ("counts ~ outcome + treatment", "dobson", "poisson()")


def _common(p: argparse.ArgumentParser, family_help: Optional[str]) -> None:
    p.add_argument("formula", help='an R formula, e.g. "counts ~ outcome + treatment"')
    p.add_argument("--data", required=True, help="a bundled dataset name or a CSV file")
    if family_help:
        p.add_argument("--family", default=None, help=family_help)


_GLM_FAMILY = ('R\'s family: a name ("Gamma", passed as a string) or a call '
               '("binomial()", "binomial(link = \\"probit\\")"); default gaussian')


def _model_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--weights", help='prior weights: an R expression in the data ("w")')
    p.add_argument("--offset", help='an offset: an R expression in the data ("log(n)")')


def _format_option(p: argparse.ArgumentParser) -> None:
    from rglm.cli.output import FORMATS

    p.add_argument("--format", choices=FORMATS, default="text",
                   help="R's printed text (default), markdown or HTML tables, or JSON")


def build_parser() -> argparse.ArgumentParser:
    """The command's argument parser (``rglm --help``)."""
    parser = argparse.ArgumentParser(prog="rglm", description="R's glm() for Python.")
    sub = parser.add_subparsers(dest="command")
    p = sub.add_parser("fit", help="fit a GLM and print R's summary")
    _common(p, _GLM_FAMILY)
    _model_options(p)
    p.add_argument("--anova", action="store_true", help="also print anova(fit)")
    p.add_argument("--confint", action="store_true",
                   help="also print confint(fit) (profile likelihood)")
    _format_option(p)
    p = sub.add_parser("glmer", help="fit a GLMM (lme4's glmer) and print its summary")
    _common(p, _GLM_FAMILY)
    _model_options(p)
    p.add_argument("--nAGQ", type=int, default=None,
                   help="adaptive Gauss-Hermite points (default 1: Laplace)")
    _format_option(p)
    p = sub.add_parser("lmer", help="fit a linear mixed model (lme4's lmer)")
    _common(p, None)
    _model_options(p)
    p.add_argument("--ML", action="store_true", help="maximum likelihood (REML = FALSE)")
    _format_option(p)
    p = sub.add_parser("fmm", help="fit a finite mixture (Stata's fmm)")
    _common(p, None)
    p.add_argument("--k", type=int, required=True, help="number of classes")
    p.add_argument("--family", default="gaussian",
                   help="Stata's family name (gaussian, poisson, nbinomial, ...)")
    p.add_argument("--lcprob", default=None, help='class-probability formula ("~ z")')
    p.add_argument("--seed", type=int, default=None, help="seed of the random starts")
    _format_option(p)
    p = sub.add_parser("plot", help="draw R's plot(fit) panels of a GLM to a file")
    _common(p, _GLM_FAMILY)
    _model_options(p)
    p.add_argument("--which", default="1,2,3,5", help="panels, as R's which (1..6)")
    p.add_argument("--out", required=True, help="the image file (.png, .pdf, .svg)")
    sub.add_parser("datasets", help="list the bundled datasets")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point of the ``rglm`` command; returns the exit status."""
    args = build_parser().parse_args(argv)
    out = sys.stdout
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        status = _run(args, out)
    _write_warnings([str(w.message) for w in caught])
    return status


def _write_warnings(messages: list) -> None:
    """The warnings after the output, on standard error, as R's top level reports them
    (``Warning message:`` / ``Warning messages:`` with numbers)."""
    if len(messages) == 1:
        sys.stderr.write(f"Warning message:\n{messages[0]}\n")
    elif messages:
        sys.stderr.write("Warning messages:\n" + "".join(
            f"{i}: {m}\n" for i, m in enumerate(messages, start=1)))


def _run(args, out) -> int:
    """Run the parsed command; the exit status."""
    from rglm.cli import commands

    try:
        if args.command is None:
            demo = argparse.Namespace(formula=DEMO[0], data=DEMO[1], family=DEMO[2],
                                      weights=None, offset=None, anova=False,
                                      confint=False, format="text")
            commands.fit_command(demo, out)
        elif args.command == "fit":
            commands.fit_command(args, out)
        elif args.command in ("glmer", "lmer"):
            commands.mixed_command(args, out)
        elif args.command == "fmm":
            commands.fmm_command(args, out)
        elif args.command == "plot":
            commands.plot_command(args, out)
        elif args.command == "datasets":
            from rglm import datasets

            for name in datasets.list_datasets():
                out.write(f"{name:12s} {datasets.describe(name).title}\n")
    # R's errors (RError is a ValueError), unreadable files (pandas' parser errors are
    # ValueErrors too) and a missing optional dependency (matplotlib for plot): a message,
    # not a traceback
    except (ValueError, KeyError, OSError, ImportError) as err:
        sys.stderr.write(f"Error: {err}\n")
        return 1
    return 0
