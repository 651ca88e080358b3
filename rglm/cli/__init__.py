"""The ``rglm`` console command (also ``python -m rglm``).

``rglm`` alone fits the Dobson (1990) Poisson example from R's ``?glm`` and prints R's summary;
``rglm fit FORMULA --data NAME|FILE.csv --family poisson`` fits any model;
``rglm datasets`` lists the bundled datasets.
"""

from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence

__all__ = ["main"]

# R's ?glm example: glm(counts ~ outcome + treatment, family = poisson(), data = dobson)
DEMO = ("counts ~ outcome + treatment", "dobson", "poisson()")


def _load_data(spec: str):
    import pandas as pd

    from rglm import datasets

    if spec.endswith(".csv"):
        return pd.read_csv(spec)
    return datasets.load(spec)


def _fit_and_print(formula: str, data_spec: str, family: str, out) -> None:
    import rglm

    data = _load_data(data_spec)
    # Bind the data under its own name so the printed call reads as in R.
    name = data_spec[:-4].replace("-", "_") if data_spec.endswith(".csv") else data_spec
    data.attrs["name"] = name
    # "poisson()" means the family object (printed as R's `family = poisson()`), a bare
    # name is passed as a string (printed `family = "poisson"`, as R prints a string).
    fam = getattr(rglm, family[:-2])() if family.endswith("()") else family
    fit = rglm.glm(formula, data=data, family=fam)
    out.write(str(rglm.summary(fit)))


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point of the ``rglm`` command; returns the exit status."""
    parser = argparse.ArgumentParser(prog="rglm", description="R's glm() for Python.")
    sub = parser.add_subparsers(dest="command")
    p_fit = sub.add_parser("fit", help="fit a GLM and print R's summary")
    p_fit.add_argument("formula", help='an R formula, e.g. "counts ~ outcome + treatment"')
    p_fit.add_argument("--data", required=True, help="a bundled dataset name or a CSV file")
    p_fit.add_argument("--family", default="gaussian",
                       help="family name as in R (gaussian, binomial, poisson, Gamma, ...)")
    sub.add_parser("datasets", help="list the bundled datasets")
    args = parser.parse_args(argv)

    from rglm.errors import RError

    try:
        if args.command is None:
            _fit_and_print(*DEMO, out=sys.stdout)
        elif args.command == "fit":
            _fit_and_print(args.formula, args.data, args.family, out=sys.stdout)
        elif args.command == "datasets":
            from rglm import datasets

            for name in datasets.list_datasets():
                sys.stdout.write(f"{name:12s} {datasets.describe(name).title}\n")
    except (RError, FileNotFoundError, KeyError) as err:
        sys.stderr.write(f"Error: {err}\n")
        return 1
    return 0
