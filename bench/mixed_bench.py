"""Benchmark rglm's mixed-model engine against lme4, timed in the same run.

Cases (the targets of issue #9):

* ``verbagg`` -- lme4's VerbAgg, ``r2 ~ Anger + Gender + btype + situ + (1 | id)``,
  binomial, Laplace (7,584 rows, 316 groups): target >= 7x faster than lme4's glmer;
* ``big`` -- simulated random-intercept logistic regression, 1e6 rows, 1e4 groups,
  3 covariates: target "seconds", memory O(n p) (peak RSS reported; Z is never dense);
* ``crossed`` -- simulated InstEval-like linear mixed model, ``y ~ x + (1 | s) + (1 | d)``
  with 1e4 levels of s and 1e3 of d (2e5 rows), REML: target faster than lme4's lmer.

rglm is timed from the DataFrame to the fitted record (model frame, random-effects
structure, fit with derivatives); lme4 inside R with ``system.time()`` around
``glmer()``/``lmer()`` (R start-up and reading the data excluded). Best of the repeats.
The deviances (-2 log L, or the REML criterion) of both are reported: rglm's must not be
above lme4's by more than 1e-6 relative.

Usage::

    python bench/mixed_bench.py                      # all cases, lme4 on verbagg/crossed
    python bench/mixed_bench.py --cases verbagg --repeats 3
    python bench/mixed_bench.py --r-big              # also time lme4 on the 1e6-row case

Results go to stdout as a markdown table (bench/RESULTS.md's style); the lead merges
them into RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import rglm  # noqa: E402
from rglm.engines.mixed import fit_glmer, fit_lmer, mixed_problem  # noqa: E402
from rglm.formula import model_frame, model_matrix, model_response  # noqa: E402
from rglm.formula.bars import findbars, mk_reterms, nobars, sub_frame, subbars  # noqa: E402


def fit_rglm(formula: str, data: pd.DataFrame, family=None, REML=True):
    """Formula and DataFrame to fitted record (what glmer()/lmer() will do)."""
    frame = model_frame(subbars(formula), data)
    rt = mk_reterms(findbars(formula), frame)
    fixed = sub_frame(frame, nobars(formula))
    mm = model_matrix(fixed)
    problem = mixed_problem(mm.x, model_response(fixed), rt, family, xnames=mm.colnames)
    if family is None:
        return fit_lmer(problem, REML=REML)
    return fit_glmer(problem)


def peak_rss_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM"):
                return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass


def time_rglm(formula, data, family, repeats, REML=True):
    best, fit = np.inf, None
    for _ in range(repeats):
        t = time.perf_counter()
        fit = fit_rglm(formula, data, family, REML)
        best = min(best, time.perf_counter() - t)
    return best, fit


def time_lme4(formula, data_expr, call, repeats, csv=None):
    """Best elapsed seconds of ``call`` in R, and R's objective value."""
    load = f'd <- read.csv("{csv}", stringsAsFactors = TRUE)' if csv else data_expr
    code = f"""
suppressPackageStartupMessages(library(lme4))
{load}
for (v in intersect(c("g", "s", "d"), names(d))) d[[v]] <- factor(d[[v]])
best <- Inf
for (i in seq_len({repeats})) {{
  tt <- system.time(m <- {call})[["elapsed"]]
  best <- min(best, tt)
}}
obj <- if (isLMM(m) && isREML(m)) REMLcrit(m) else -2 * c(logLik(m))
cat(sprintf("%.6f %.12f\\n", best, obj))
"""
    out = subprocess.run(["Rscript", "-e", code], capture_output=True, text=True,
                         env=dict(os.environ, LC_ALL="C.UTF-8"))
    if out.returncode:
        raise RuntimeError(out.stderr)
    t, obj = out.stdout.split()[-2:]
    return float(t), float(obj)


def simulate_big(n=1_000_000, groups=10_000, seed=1):
    rng = np.random.default_rng(seed)
    g = rng.integers(0, groups, n)
    x = rng.standard_normal((n, 3))
    eta = -0.5 + x @ np.array([0.4, -0.3, 0.2]) + 0.8 * rng.standard_normal(groups)[g]
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(float)
    return pd.DataFrame({"y": y, "x1": x[:, 0], "x2": x[:, 1], "x3": x[:, 2],
                         "g": pd.Categorical(g)})


def simulate_crossed(n=200_000, ns=10_000, nd=1_000, seed=2):
    rng = np.random.default_rng(seed)
    s = rng.integers(0, ns, n)
    d = rng.integers(0, nd, n)
    x = rng.standard_normal(n)
    y = 3 + 0.5 * x + 0.6 * rng.standard_normal(ns)[s] + 0.4 * rng.standard_normal(nd)[d] \
        + rng.standard_normal(n)
    return pd.DataFrame({"y": y, "x": x, "s": pd.Categorical(s), "d": pd.Categorical(d)})


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", nargs="*", default=["verbagg", "big", "crossed"])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--r-repeats", type=int, default=2)
    ap.add_argument("--r-big", action="store_true", help="time lme4 on the 1e6-row case")
    args = ap.parse_args(argv)
    rows = []
    print(f"* machine: {os.cpu_count()} cores, {platform.platform()}")
    print(f"* Python {platform.python_version()}, numpy {np.__version__}, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")
    if "verbagg" in args.cases:
        from rglm.datasets import load

        f = "r2 ~ Anger + Gender + btype + situ + (1 | id)"
        t, fit = time_rglm(f, load("VerbAgg"), rglm.binomial(), args.repeats)
        rt, robj = time_lme4(f, 'd <- lme4::VerbAgg',
                             f"glmer({f}, data = d, family = binomial)", args.r_repeats)
        rows.append(("VerbAgg (1 | id), binomial, 7,584 rows", t, rt, fit.deviance, robj,
                     fit.optinfo.feval_total))
    if "big" in args.cases:
        d = simulate_big()
        f = "y ~ x1 + x2 + x3 + (1 | g)"
        base = peak_rss_mib()
        reset_peak()
        t, fit = time_rglm(f, d, rglm.binomial(), 1)
        mem = peak_rss_mib() - base
        rt = robj = float("nan")
        if args.r_big:
            with tempfile.TemporaryDirectory() as tmp:
                csv = os.path.join(tmp, "big.csv")
                d.to_csv(csv, index=False)
                rt, robj = time_lme4(f, None, f"glmer({f}, data = d, family = binomial)", 1,
                                     csv)
        xbytes = d.shape[0] * 4 * 8 / 2**20
        rows.append((f"1e6 rows, 1e4 groups, (1 | g) binomial (peak +{mem:.0f} MiB; "
                     f"X is {xbytes:.0f} MiB)", t, rt, fit.deviance, robj,
                     fit.optinfo.feval_total))
    if "crossed" in args.cases:
        d = simulate_crossed()
        f = "y ~ x + (1 | s) + (1 | d)"
        t, fit = time_rglm(f, d, None, args.repeats)
        with tempfile.TemporaryDirectory() as tmp:
            csv = os.path.join(tmp, "crossed.csv")
            d.to_csv(csv, index=False)
            rt, robj = time_lme4(f, None, f"lmer({f}, data = d)", args.r_repeats, csv)
        rows.append(("crossed lmer (1|s)+(1|d), 1e4 x 1e3 levels, 2e5 rows", t, rt,
                     fit.deviance, robj, fit.optinfo.feval_total))
    print()
    print("| case | rglm (s) | lme4 (s) | speed-up | rglm objective | lme4 objective | "
          "rglm evaluations |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, t, rt, obj, robj, ev in rows:
        sp = f"{rt / t:.1f}x" if np.isfinite(rt) else "-"
        rs = f"{rt:.3f}" if np.isfinite(rt) else "not run"
        ro = f"{robj:.6f}" if np.isfinite(robj) else "-"
        print(f"| {name} | {t:.3f} | {rs} | {sp} | {obj:.6f} | {ro} | {ev} |")


if __name__ == "__main__":
    main()
