"""Benchmark ``rglm.glmer``/``rglm.lmer`` against lme4, timed in the same run.

Cases (the speed targets of issue #9):

* ``verbagg`` -- lme4's VerbAgg, ``r2 ~ Anger + Gender + btype + situ + (1 | id)``,
  binomial, Laplace (7,584 rows, 316 groups): target >= 7x faster than lme4's glmer;
* ``verbagg_crossed`` -- the same with ``+ (1 | item)`` (crossed, 316 x 24 levels) and
  ``grouse`` -- grouseticks, ``TICKS ~ YEAR + scale(HEIGHT) + (1 | BROOD) + (1 | INDEX) +
  (1 | LOCATION)``, Poisson (three intercept terms, nested and observation-level):
  several-term glmer, target faster than lme4;
* ``crossed`` -- simulated InstEval-like linear mixed model, ``y ~ x + (1 | s) + (1 | d)``
  with 1e4 levels of s and 1e3 of d (2e5 rows), REML: target faster than lme4's lmer;
* ``big`` -- simulated random-intercept logistic regression, 1e6 rows, 1e4 groups,
  3 covariates: target "seconds" and memory O(n p) (Z is never dense); run in a fresh
  process, its peak memory on top of the data reported against one n x p float64 array.

rglm is timed from the DataFrame to the fitted object through the public front end
(``rglm.glmer``/``rglm.lmer``: model frame, random-effects structure, fit with lme4's
derivative and convergence checks), after an untimed warm-up fit that loads rglm's
modules; lme4 inside R with ``system.time()`` around ``glmer()``/``lmer()`` after an
untimed warm-up fit (R start-up and reading the data excluded). Best of the repeats.
The objectives (-2 log L, or the REML criterion) of both are reported: rglm's must not be
above lme4's by more than 1e-6 relative (marked **NO** otherwise).

Usage::

    python bench/mixed_bench.py                  # every case, lme4 on all but big
                                                 # -> RESULTS_mixed.md and its section
                                                 #    of RESULTS.md
    python bench/mixed_bench.py --cases verbagg --repeats 3
    python bench/mixed_bench.py --r-big          # also time lme4 on the 1e6-row case
    python bench/mixed_bench.py --no-r           # rglm only

Run on a quiet machine: other processes competing for the cores slow both fitters, and
not by the same factor.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(ROOT))

#: case -> (label, formula, dataset or simulator, family, lme4 call's data expression)
CASES = {
    "verbagg": ("VerbAgg `(1 | id)`, binomial, 7,584 rows, 316 groups",
                "r2 ~ Anger + Gender + btype + situ + (1 | id)", "VerbAgg", "binomial"),
    "verbagg_crossed": ("VerbAgg `(1 | id) + (1 | item)`, binomial, 316 x 24 crossed",
                        "r2 ~ Anger + Gender + btype + situ + (1 | id) + (1 | item)",
                        "VerbAgg", "binomial"),
    "grouse": ("grouseticks, three intercept terms (403, 118, 63 levels), Poisson",
               "TICKS ~ YEAR + scale(HEIGHT) + (1 | BROOD) + (1 | INDEX) + (1 | LOCATION)",
               "grouseticks", "poisson"),
    "crossed": ("simulated crossed lmer `(1 | s) + (1 | d)`, 1e4 x 1e3 levels, 2e5 rows, "
                "REML", "y ~ x + (1 | s) + (1 | d)", "crossed", None),
    "big": ("simulated `(1 | g)` binomial, 1e6 rows, 1e4 groups, 3 covariates",
            "y ~ x1 + x2 + x3 + (1 | g)", "big", "binomial"),
}
TARGETS = {"verbagg": 7.0, "verbagg_crossed": 1.0, "grouse": 1.0, "crossed": 1.0}
OBJECTIVE_RTOL = 1e-6


# ---- data ----------------------------------------------------------------------------


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


def load_case(case: str) -> pd.DataFrame:
    source = CASES[case][2]
    if source == "big":
        return simulate_big()
    if source == "crossed":
        return simulate_crossed()
    from rglm.datasets import load

    return load(source)


# ---- rglm ----------------------------------------------------------------------------


def fit_rglm(case: str, data: pd.DataFrame):
    """DataFrame to fitted object through the public front end."""
    import rglm

    _, formula, _, family = CASES[case]
    if family is None:
        return rglm.lmer(formula, data=data)
    return rglm.glmer(formula, data=data, family=getattr(rglm, family)())


def warm_up() -> None:
    """An untimed small fit: loads rglm's lazily imported modules."""
    import rglm
    from rglm.datasets import load

    rglm.glmer("cbind(incidence, size - incidence) ~ period + (1 | herd)",
               data=load("cbpp"), family=rglm.binomial())


def time_rglm(case: str, repeats: int) -> dict:
    import warnings

    data = load_case(case)
    warm_up()
    walls, cpus, fit = [], [], None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(repeats):
            t, c = time.perf_counter(), time.process_time()
            fit = fit_rglm(case, data)
            walls.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
    eng = fit.engine
    return {"seconds": min(walls), "all_seconds": walls, "cpu_seconds": min(cpus),
            "objective": float(eng.deviance), "evaluations": int(eng.optinfo.feval_total),
            "warnings": sorted({str(w.message) for w in caught})}


def big_worker() -> dict:
    """The 1e6-row case in this (fresh) process: time and peak memory over the data."""
    data = load_case("big")
    warm_up()
    reset_peak()
    base = peak_rss_mib()
    t, c = time.perf_counter(), time.process_time()
    fit = fit_rglm("big", data)
    seconds, cpu = time.perf_counter() - t, time.process_time() - c
    extra = peak_rss_mib() - base
    p = fit.engine.beta.size
    np_mib = data.shape[0] * p * 8 / 2**20
    return {"seconds": seconds, "all_seconds": [seconds], "cpu_seconds": cpu,
            "objective": float(fit.engine.deviance),
            "evaluations": int(fit.engine.optinfo.feval_total), "warnings": [],
            "peak_extra_mib": extra, "np_mib": np_mib, "ratio": extra / np_mib}


def run_big() -> dict:
    out = subprocess.run([sys.executable, __file__, "--worker"], check=True,
                         capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def peak_rss_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass


# ---- lme4 ----------------------------------------------------------------------------

_R_TEMPLATE = """
suppressPackageStartupMessages(library(lme4))
{load}
for (v in intersect(c("g", "s", "d"), names(d))) d[[v]] <- factor(d[[v]])
invisible(glmer(cbind(incidence, size - incidence) ~ period + (1 | herd),
                data = cbpp, family = binomial))  # warm-up, untimed
best <- Inf
for (i in seq_len({repeats})) {{
  tt <- system.time(m <- {call})[["elapsed"]]
  best <- min(best, tt)
}}
obj <- if (isLMM(m) && isREML(m)) REMLcrit(m) else -2 * c(logLik(m))
cat(sprintf("%.6f %.12f\\n", best, obj))
"""


def time_lme4(case: str, repeats: int) -> dict:
    _, formula, source, family = CASES[case]
    call = f"lmer({formula}, data = d)" if family is None else \
        f"glmer({formula}, data = d, family = {family})"
    with tempfile.TemporaryDirectory() as tmp:
        if source in ("big", "crossed"):
            csv = os.path.join(tmp, f"{case}.csv")
            load_case(case).to_csv(csv, index=False)
            load = f'd <- read.csv("{csv}")'
        else:
            load = f"d <- lme4::{source}"
        code = _R_TEMPLATE.format(load=load, repeats=repeats, call=call)
        out = subprocess.run(["Rscript", "-e", code], capture_output=True, text=True,
                             env=dict(os.environ, LC_ALL="C.UTF-8"))
    if out.returncode:
        raise RuntimeError(out.stderr)
    t, obj = out.stdout.split()[-2:]
    return {"seconds": float(t), "objective": float(obj)}


# ---- report --------------------------------------------------------------------------

SECTION = "## Mixed models: `rglm.glmer` / `rglm.lmer` against lme4"


def update_results(path: Path, text: str) -> None:
    """Put ``text`` in place of the mixed-model section of ``path`` (appended when it
    has none); ``run_bench.py`` copies RESULTS_mixed.md there too when it rewrites it."""
    old = path.read_text() if path.exists() else ""
    head = old.split(SECTION)[0].rstrip("\n")
    rest = old.split(SECTION)[1] if SECTION in old else ""
    tail = rest[rest.index("\n## "):] if "\n## " in rest else ""
    path.write_text((head + "\n\n" if head else "") + text.rstrip("\n") + "\n" + tail)


def _versions() -> str:
    import scipy

    import rglm

    try:
        r = subprocess.run(["Rscript", "-e", 'cat(R.version.string, "| lme4",'
                            ' format(packageVersion("lme4")))'], capture_output=True,
                           text=True).stdout.strip()
    except OSError:
        r = "R not found"
    return (f"rglm {getattr(rglm, '__version__', '?')}, Python {platform.python_version()}, "
            f"numpy {np.__version__}, scipy {scipy.__version__}; {r}")


def report(results: dict, args) -> str:
    lines = [
        SECTION, "",
        f"Generated by `python bench/mixed_bench.py {' '.join(sys.argv[1:])}`".rstrip()
        + f" on {dt.date.today().isoformat()}; {platform.platform()}; {os.cpu_count()} "
        f"CPUs; load average {os.getloadavg()[0]:.1f} at the end; {_versions()}.", "",
        "Time: best of the repeats (rglm "
        f"{args.repeats}, lme4 {args.r_repeats}; the 1e6-row case once, in a fresh "
        "process), formula and DataFrame to fitted object: `rglm.glmer()`/`rglm.lmer()` "
        "against lme4's `glmer()`/`lmer()` timed inside R with `system.time()`, each after "
        "an untimed warm-up fit. Objective: -2 log L (glmer) or the REML criterion (lmer); "
        f"rglm's must not exceed lme4's by more than {OBJECTIVE_RTOL:g} relative.", "",
        "| case | rglm (s) | rglm CPU (s) | lme4 (s) | speed-up | rglm objective | "
        "lme4 objective | objective ok | rglm evaluations |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    checks = []
    for case, res in results.items():
        ours, theirs = res["rglm"], res.get("lme4")
        if theirs:
            speed = theirs["seconds"] / ours["seconds"]
            ok = ours["objective"] <= theirs["objective"] * (1 + OBJECTIVE_RTOL) + 1e-9
            cells = (f"{theirs['seconds']:.3f}", f"{speed:.1f}x", f"{theirs['objective']:.6f}",
                     "yes" if ok else "**NO**")
            if case in TARGETS:
                want = TARGETS[case]
                met = speed >= want
                goal = f">= {want:g}x faster" if want > 1 else "faster"
                checks.append(f"* {case}: {speed:.1f}x lme4's speed (target {goal}: "
                              f"{'met' if met else 'NOT met'})")
        else:
            cells = ("not run", "-", "-", "-")
        label = CASES[case][0].replace("|", "\\|")  # a formula's bar inside a table cell
        lines.append(f"| {label} | {ours['seconds']:.3f} | {ours['cpu_seconds']:.3f} | "
                     f"{cells[0]} | {cells[1]} | {ours['objective']:.6f} | {cells[2]} | "
                     f"{cells[3]} | {ours['evaluations']} |")
        if "peak_extra_mib" in ours:
            checks.append(f"* big: {ours['seconds']:.1f} s (target: seconds); peak memory "
                          f"on top of the data {ours['peak_extra_mib']:.0f} MiB = "
                          f"{ours['ratio']:.1f} n x p float64 arrays "
                          f"({ours['np_mib']:.0f} MiB; target O(n p))")
    if checks:
        lines += ["", "Targets, checked against this run:", "", *checks]
    warned = {case: res["rglm"]["warnings"] for case, res in results.items()
              if res["rglm"]["warnings"]}
    if warned:
        lines += ["", "rglm's warnings: " + "; ".join(
            f"{case}: {' / '.join(w)}" for case, w in warned.items())]
    lines += ["", "rglm, all repeats (s): " + ", ".join(
        f"{case} " + " ".join(f"{t:.3f}" for t in res["rglm"]["all_seconds"])
        for case, res in results.items())]
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", nargs="*", choices=list(CASES), default=list(CASES))
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--r-repeats", type=int, default=2)
    ap.add_argument("--no-r", action="store_true", help="skip lme4")
    ap.add_argument("--r-big", action="store_true", help="time lme4 on the 1e6-row case")
    ap.add_argument("--results", default=str(BENCH_DIR / "RESULTS_mixed.md"))
    ap.add_argument("--summary", default=str(BENCH_DIR / "RESULTS.md"),
                    help="the results file whose mixed-model section is replaced")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(big_worker()))
        return
    results = {}
    for case in args.cases:
        print(f"{case} ...", flush=True)
        res = {"rglm": run_big() if case == "big" else time_rglm(case, args.repeats)}
        if not args.no_r and (case != "big" or args.r_big):
            res["lme4"] = time_lme4(case, 1 if case == "big" else args.r_repeats)
        print(json.dumps(res), flush=True)
        results[case] = res
    text = report(results, args)
    Path(args.results).write_text(text)
    update_results(Path(args.summary), text)
    print(text)


if __name__ == "__main__":
    main()
