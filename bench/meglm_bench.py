"""Time ``rglm.meglm`` on issue #11's speed targets, analytic against finite-difference
gradients.

Cases (all through ``rglm.meglm``, Stata's default ``mvaghermite``, 7 points):

* ``vector`` -- the issue's first target: a Bernoulli model with a correlated random
  intercept and slope, ``y ~ x + z + (x | g)`` (unstructured), 2,000 rows in 60 groups,
  49 nodes per group: under 2 s;
* ``ordinal`` -- the issue's second target: a three-level ordinal logit (rows in 135
  classes in 28 schools, random intercepts at both levels), ``y ~ x + w + (1 | s/c)``,
  1,600 rows, 4 categories: under 5 s;
* ``contraception`` -- ``use ~ age + urban + (1 | district) + (0 + urban | district)``
  (Contraception, 1,934 rows, 60 districts; 2-D independent), Bernoulli;
* ``grouseticks`` -- ``TICKS ~ YEAR + (1 | LOCATION/BROOD)`` (403 rows, 118 broods in 63
  locations), Poisson.

The simulated data use fixed seeds. Stata equivalents: ``meglm y x z || g: x,
covariance(unstructured)``, ``meologit y x w || s: || c:``, ``melogit use age urban ||
district: urban``, ``mepoisson TICKS i.YEAR || LOCATION: || BROOD:``. There is no R
timing: lme4 integrates only one scalar random effect by quadrature.

Timed: the whole call (model frame, starting values, maximisation, Hessian), best of
the repeats after an untimed warm-up. ``analytic`` is the default path; ``numeric`` is
the finite-difference path of ``rglm.models.meglm.fit.maximise`` (``gradient=
"numeric"``, the optimiser before the analytic path existed) patched into the same
call. The two log likelihoods must agree to 1e-6.

Usage::

    PYTHONPATH=. python bench/meglm_bench.py          # all cases, both paths
    PYTHONPATH=. python bench/meglm_bench.py --cases vector ordinal --no-numeric

Run from the repository root with the working tree's rglm importable
(``PYTHONPATH=. python bench/meglm_bench.py``), on a quiet machine: other processes
competing for the cores slow the fit.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import platform
import time

import numpy as np
import pandas as pd

import rglm
from rglm.datasets import load
from rglm.models.meglm import frontend
from rglm.models.meglm.fit import maximise

from agq_bench import simulate  # bench/ is the script's directory, first on sys.path


def simulate_vector(seed: int = 1, n: int = 2000, ngroups: int = 60) -> pd.DataFrame:
    """The data of bench/agq_bench.py's ``vector`` case (Bernoulli responses with a
    correlated random intercept and slope per group)."""
    return simulate(seed, n, ngroups)


def simulate_ordinal(seed: int = 1, n: int = 1600, nschools: int = 28,
                     nclasses: int = 135) -> pd.DataFrame:
    """An ordered 4-category response from a logistic latent variable with a school
    and a class (within school) intercept."""
    rng = np.random.default_rng(seed)
    c = np.sort(rng.integers(0, nclasses, size=n))
    s = np.sort(rng.integers(0, nschools, size=nclasses))[c]      # classes in schools
    x, w = rng.normal(size=n), rng.binomial(1, 0.4, size=n).astype(float)
    latent = (0.6 * x - 0.5 * w + 0.7 * rng.normal(size=nschools)[s]
              + 0.5 * rng.normal(size=nclasses)[c] + rng.logistic(size=n))
    y = np.digitize(latent, [-1.2, 0.0, 1.3])
    return pd.DataFrame({"y": pd.Categorical(y, categories=[0, 1, 2, 3], ordered=True),
                         "x": x, "w": w,
                         "s": pd.Categorical([f"s{i:02d}" for i in s]),
                         "c": pd.Categorical([f"c{i:03d}" for i in c])})


def contraception() -> pd.DataFrame:
    d = load("Contraception").copy()
    d["use"] = (d["use"] == "Y").astype(float)
    d["urban"] = (d["urban"] == "Y").astype(float)
    return d


#: case -> (formula, data, keyword arguments of rglm.meglm)
CASES = {
    "vector": ("y ~ x + z + (x | g)", simulate_vector, {"family": "bernoulli"}),
    "ordinal": ("y ~ x + w + (1 | s/c)", simulate_ordinal, {"family": "ordinal"}),
    "contraception": ("use ~ age + urban + (1 | district) + (0 + urban | district)",
                      contraception, {"family": "bernoulli"}),
    "grouseticks": ("TICKS ~ YEAR + (1 | LOCATION/BROOD)",
                    lambda: load("grouseticks"), {"family": "poisson"}),
}


@contextlib.contextmanager
def numeric_path():
    """The front end's maximise with finite-difference gradients."""
    saved = frontend.maximise
    frontend.maximise = functools.partial(maximise, gradient="numeric")
    try:
        yield
    finally:
        frontend.maximise = saved


def time_fit(formula, data, kw, repeats: int, warm_up: bool = True) -> tuple:
    """(best wall seconds, best CPU seconds of this process, the fit) of ``rglm.meglm``
    over ``repeats`` timed calls. The CPU time is the less disturbed by other
    processes on a shared machine (it counts every thread of this one)."""
    if warm_up:
        rglm.meglm(formula, data, **kw)              # imports, caches
    best, cpu, fit = np.inf, np.inf, None
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fit = rglm.meglm(formula, data, **kw)
        best = min(best, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    return best, cpu, fit


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", nargs="+", default=list(CASES), choices=list(CASES))
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--numeric-repeats", type=int, default=1)
    ap.add_argument("--no-numeric", action="store_true")
    args = ap.parse_args()
    print(f"# {platform.platform()}, {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}, numpy {np.__version__}, load average "
          f"{os.getloadavg()[0]:.1f} at the start")
    print("| case | rows | analytic s (CPU s) | numeric s (CPU s) | speed-up | "
          "log L analytic | log L numeric - analytic |")
    print("|---|---|---|---|---|---|---|")
    for name in args.cases:
        formula, data_of, kw = CASES[name]
        data = data_of()
        t_a, c_a, fit_a = time_fit(formula, data, kw, args.repeats)
        if args.no_numeric:
            t_n, c_n, diff = np.nan, np.nan, np.nan
        else:
            with numeric_path():
                # warm already; the slow path timed once unless asked for more
                t_n, c_n, fit_n = time_fit(formula, data, kw, args.numeric_repeats,
                                           False)
            diff = fit_n.loglik - fit_a.loglik
        print(f"| {name} | {fit_a.nobs} | {t_a:.2f} ({c_a:.2f}) | {t_n:.2f} ({c_n:.2f}) "
              f"| {t_n / t_a:.1f}x | {fit_a.loglik:.6f} | {diff:.1e} |", flush=True)
    print(f"# load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
