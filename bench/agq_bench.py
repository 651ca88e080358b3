"""Time the adaptive-quadrature fits of issue #11's speed targets.

Cases:

* ``vector`` -- the issue's first case: a Bernoulli GLMM with a random intercept and
  slope per group, ``y ~ x + z + (x | g)``, 2,000 rows in 60 groups, integrated by the
  7-point product rule per dimension (49 nodes): target under 2 s for the fit;
* ``nested`` -- three levels (rows in 135 classes in 28 schools), ``y ~ x + (1 | s/c)``,
  1,600 rows, 7 points per level. The issue's target (under 5 s) is for an *ordinal*
  response, which the engine does not have yet; this is the Bernoulli stand-in.

Stata's ``mvaghermite`` (and ``mcaghermite``). There is no R timing: lme4's glmer
integrates one scalar random effect only by quadrature (nAGQ > 1), so it cannot fit
these models with AGQ; Stata's ``meglm y x z || g: x, covariance(unstructured)
intpoints(7)`` and ``meglm y x || s: || c:`` are the equivalents.

Timed: :func:`rglm.engines.mixed.agq_fit.fit_quadrature` on a ready ``MixedProblem``
(the front end's model frame and random-effects structure take a few ms on 2,000 rows
and are not what the issue asks about), after an untimed warm-up fit; best of the
repeats. Both optimisers are reported: ``analytic`` (the default: exact gradients of the
rule with the adaptive nodes held fixed, refreshed between L-BFGS-B runs) and
``numeric`` (L-BFGS-B on finite differences of the adaptive log likelihood), with their
log likelihoods, which must agree to 1e-6.

Usage::

    python bench/agq_bench.py                  # both cases, optimisers and methods
    python bench/agq_bench.py --repeats 3 --no-numeric
    python bench/agq_bench.py --intmethods mvaghermite --seed 2 --cases nested

Run on a quiet machine: other processes competing for the cores slow the fit.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from scipy.special import expit

import rglm
from rglm.engines.mixed import mixed_problem
from rglm.engines.mixed.agq_fit import fit_quadrature
from rglm.formula import model_frame, model_matrix, model_response
from rglm.formula.bars import findbars, mk_reterms, nobars, sub_frame, subbars

FORMULAS = {"vector": "y ~ x + z + (x | g)", "nested": "y ~ x + (1 | s/c)"}


def simulate(seed: int, n: int = 2000, ngroups: int = 60) -> pd.DataFrame:
    """Bernoulli responses with a correlated random intercept and slope per group."""
    rng = np.random.default_rng(seed)
    g = np.sort(rng.integers(0, ngroups, size=n))
    x, z = rng.normal(size=n), rng.normal(size=n)
    L = np.array([[0.9, 0.0], [0.25, 0.5]])        # Cholesky factor of the covariance
    b = rng.normal(size=(ngroups, 2)) @ L.T
    eta = -0.3 + 0.6 * x - 0.4 * z + b[g, 0] + b[g, 1] * x
    return pd.DataFrame({"y": rng.binomial(1, expit(eta)).astype(float), "x": x, "z": z,
                         "g": pd.Categorical([f"g{i:02d}" for i in g])})


def simulate_nested(seed: int, n: int = 1600, nschools: int = 28,
                    nclasses: int = 135) -> pd.DataFrame:
    """Bernoulli responses with a school and a class (within school) intercept."""
    rng = np.random.default_rng(seed)
    c = np.sort(rng.integers(0, nclasses, size=n))
    s = np.sort(rng.integers(0, nschools, size=nclasses))[c]      # classes in schools
    x = rng.normal(size=n)
    eta = 0.3 * x + 0.6 * rng.normal(size=nschools)[s] + 0.5 * rng.normal(size=nclasses)[c]
    return pd.DataFrame({"y": rng.binomial(1, expit(eta)).astype(float), "x": x,
                         "s": pd.Categorical([f"s{i:02d}" for i in s]),
                         "c": pd.Categorical([f"c{i:03d}" for i in c])})


def problem_of(data: pd.DataFrame, formula: str = FORMULAS["vector"]):
    frame = model_frame(subbars(formula), data)
    rt = mk_reterms(findbars(formula), frame)
    fixed = sub_frame(frame, nobars(formula))
    mm = model_matrix(fixed)
    return mixed_problem(mm.x, model_response(fixed), rt, rglm.binomial(),
                         xnames=mm.colnames)


def time_fit(problem, intmethod: str, gradient: str, repeats: int) -> tuple:
    """(best seconds, the fit)."""
    fit_quadrature(problem, intmethod=intmethod, intpoints=7, gradient=gradient)
    best, fit = np.inf, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        fit = fit_quadrature(problem, intmethod=intmethod, intpoints=7, gradient=gradient)
        best = min(best, time.perf_counter() - t0)
    return best, fit


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--intmethods", nargs="+", default=["mvaghermite", "mcaghermite"])
    ap.add_argument("--cases", nargs="+", default=["vector", "nested"],
                    choices=["vector", "nested"])
    ap.add_argument("--no-numeric", action="store_true",
                    help="skip the finite-difference optimiser (slow: up to ~15 s a fit)")
    args = ap.parse_args(argv)
    problems = {"vector": problem_of(simulate(args.seed)),
                "nested": problem_of(simulate_nested(args.seed), FORMULAS["nested"])}
    sizes = {"vector": "2,000 rows, 60 groups, q = 2, 7 points per dimension (49 nodes)",
             "nested": "1,600 rows, 135 classes in 28 schools, 7 points per level"}
    for case in args.cases:
        problem = problems[case]
        print(f"{case}: {FORMULAS[case]}: {sizes[case]}; best of {args.repeats}")
        print(f"{'intmethod':<12} {'gradient':<9} {'seconds':>8} {'log L':>18} "
              f"{'evals':>6} {'refreshes':>9} converged")
        for method in args.intmethods:
            fits = {}
            for gradient in ("analytic",) + (() if args.no_numeric else ("numeric",)):
                secs, fit = time_fit(problem, method, gradient,
                                     args.repeats if gradient == "analytic" else 1)
                fits[gradient] = fit
                print(f"{method:<12} {gradient:<9} {secs:8.3f} {fit.loglik:18.10f} "
                      f"{fit.evaluations:6d} {fit.refreshes:9d} {fit.converged}")
            if len(fits) == 2:
                diff = fits["analytic"].loglik - fits["numeric"].loglik
                print(f"{'':<12} log L analytic - numeric: {diff:.3e}")
        print()


if __name__ == "__main__":
    main()
