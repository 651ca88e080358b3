"""Benchmark ``rglm.fmm()`` (and its engine, rglm/engines/em) against flexmix.

Two questions of issue #10:

1. NMES1988 (4,406 rows), 2-class negative binomial (NB2; 17 parameters) from scratch
   with 10 random starts: rglm's time to the maximum against flexmix's
   ``stepFlexmix(nrep = 10)`` in the same run (``bench/fmm_bench.R`` via Rscript; flexmix
   has no NB component, the script defines one). The 2-class Poisson mixture is timed
   too, with flexmix's own Poisson driver. rglm: ``StartValues("randomid", draws=10)``
   with every start maximised (``polish=10``, as stepFlexmix runs every start to its
   end), formula to fitted object through the front end (``rglm.fmm``'s machinery,
   ``fit_fmm``).
2. 10^6 rows, 2-class Poisson regression (one covariate): time and peak memory on top
   of the data, in a fresh subprocess, against the size of one n x k float64 array.

Usage::

    python bench/fmm_bench.py                      # both, flexmix included -> RESULTS_fmm.md
                                                   # and its section of RESULTS.md
    python bench/fmm_bench.py --no-r --sizes 1e5   # quick, rglm only

Run on a quiet machine: BLAS threads slow down when other processes compete for cores.
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

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
NMES_FORMULA = "visits ~ hospital + health + chronic + gender + school + insurance"
SEED = 20250917


def nmes_fit(family: object, starts: int, seed: int):
    """Formula to fitted object, for NMES1988 (timed as a whole)."""
    from rglm.datasets import load
    from rglm.models.mixture.frontend import fit_fmm

    data = load("NMES1988")
    t0 = time.perf_counter()
    fit = fit_fmm(NMES_FORMULA, data, 2, family=family,
                  startvalues={"method": "randomid", "draws": starts}, seed=seed,
                  polish=starts, namespace={})
    return time.perf_counter() - t0, fit


def time_nmes(family: object, starts: int, seed: int, repeats: int) -> dict:
    nmes_fit(family, 1, seed)  # warm-up: imports, caches
    times, fit = [], None
    for _ in range(repeats):
        seconds, fit = nmes_fit(family, starts, seed)
        times.append(seconds)
    finals = fit.starts["loglik"].to_numpy()
    return {"seconds": min(times), "all_seconds": times, "loglik": fit.loglik,
            "converged": fit.converged, "gradient_norm": fit.gradient_norm,
            "reached_best": int(sum(abs(v - fit.loglik) < 1e-6 for v in finals)),
            "starts": starts}


def run_flexmix(starts: int, seed: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "flexmix.json"
        t0 = time.perf_counter()
        subprocess.run(["Rscript", str(BENCH_DIR / "fmm_bench.R"), str(starts), str(seed),
                        str(out)], check=True, cwd=ROOT, env={**os.environ, "LC_ALL": "C.UTF-8"})
        res = json.loads(out.read_text())
        res["rscript_seconds"] = time.perf_counter() - t0
        return res


# ---- 1e6 rows: a fresh process per size --------------------------------------------


def simulate(n: int):
    rng = np.random.default_rng([SEED, n])
    x = rng.standard_normal(n)
    second = rng.uniform(size=n) < 0.6
    eta = np.where(second, 2.0 - 0.2 * x, 0.5 + 0.3 * x)
    return rng.poisson(np.exp(eta)).astype(float), np.column_stack([np.ones(n), x])


def vm_hwm_mib() -> float:
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


def large_worker(n: int) -> dict:
    import pandas as pd

    import rglm

    y, x = simulate(n)
    data = pd.DataFrame({"y": y, "x": x[:, 1]})
    del y, x
    reset_peak()
    base = vm_hwm_mib()
    t0 = time.perf_counter()
    fit = rglm.fmm("y ~ x", data, 2, family="poisson")
    seconds = time.perf_counter() - t0
    extra = vm_hwm_mib() - base
    nk_mib = n * 2 * 8 / 2 ** 20
    rec = fit.record
    return {"n": n, "seconds": seconds, "loglik": fit.loglik, "converged": fit.converged,
            "gradient_norm": fit.gradient_norm, "iterations": rec.iterations,
            "em_iterations": rec.em_iterations, "theta": fit.theta.tolist(),
            "peak_extra_mib": extra, "nk_array_mib": nk_mib, "ratio": extra / nk_mib}


def run_large(n: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--worker", str(n)], check=True,
                         capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---- report --------------------------------------------------------------------------

SECTION = "## Finite mixtures: `rglm.fmm` against flexmix"


def update_results(path: Path, text: str) -> None:
    """Put ``text`` in place of the finite-mixture section of ``path`` (appended when it
    has none); ``run_bench.py`` copies RESULTS_fmm.md there too when it rewrites it."""
    old = path.read_text() if path.exists() else ""
    head = old.split(SECTION)[0].rstrip("\n")
    rest = old.split(SECTION)[1] if SECTION in old else ""
    tail = rest[rest.index("\n## "):] if "\n## " in rest else ""
    path.write_text((head + "\n\n" if head else "") + text.rstrip("\n") + "\n" + tail)


def report(nmes: dict, flex: dict, large: list, args) -> str:
    lines = [
        SECTION,
        "",
        f"{dt.date.today().isoformat()}; {platform.platform()}; {os.cpu_count()} CPUs; "
        f"Python {platform.python_version()}, numpy {np.__version__}; "
        f"load average {os.getloadavg()[0]:.1f} at the end. `python bench/fmm_bench.py "
        + " ".join(sys.argv[1:]) + "`.",
        "",
        f"### NMES1988, 2 classes, {args.starts} random starts (seed {args.seed})",
        "",
        "| model | rglm (s) | rglm log lik. | starts at the best | flexmix (s) | flexmix log lik. | speed-up |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, label in (("nb2", "negative binomial (NB2)"), ("poisson", "Poisson")):
        r = nmes[key]
        f = flex.get(key) if flex else None
        fs = f"{f['seconds']:.1f}" if f else "-"
        fl = f"{f['loglik']:.6f}" if f else "-"
        speed = f"{f['seconds'] / r['seconds']:.0f}x" if f else "-"
        lines.append(f"| {label} | {r['seconds']:.2f} | {r['loglik']:.6f} | "
                     f"{r['reached_best']}/{r['starts']} | {fs} | {fl} | {speed} |")
    lines += ["", "flexmix's log likelihood is where its EM stopped (relative change below "
              "1e-6) in the best of its starts, not necessarily a maximum; rglm's is the "
              "maximum of the best start (gradient norm below 1e-6). The speed-up is the "
              "ratio of the times.",
              "", "rglm: best of the repeats "
              + ", ".join(f"{k}: " + ", ".join(f"{t:.2f}" for t in v["all_seconds"])
                          for k, v in nmes.items()) + " s.", ""]
    if large:
        lines += ["### 2-class Poisson regression, large n (`rglm.fmm`, factor start)", "",
                  "| n | time (s) | log lik. | converged | peak memory on top of the data (MiB) | as n x k float64 arrays |",
                  "|---|---|---|---|---|---|"]
        for r in large:
            lines.append(f"| {r['n']:.0e} | {r['seconds']:.1f} | {r['loglik']:.3f} | "
                         f"{r['converged']} ({r['gradient_norm']:.1e}) | "
                         f"{r['peak_extra_mib']:.0f} | {r['ratio']:.1f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--starts", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sizes", nargs="*", default=["1e6"])
    parser.add_argument("--no-r", action="store_true", help="skip flexmix")
    parser.add_argument("--results", default=str(BENCH_DIR / "RESULTS_fmm.md"))
    parser.add_argument("--summary", default=str(BENCH_DIR / "RESULTS.md"),
                        help="the results file whose finite-mixture section is replaced")
    parser.add_argument("--worker", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(large_worker(int(args.worker))))
        return
    nmes = {"nb2": time_nmes("nbinomial", args.starts, args.seed, args.repeats),
            "poisson": time_nmes("poisson", args.starts, args.seed, args.repeats)}
    print(json.dumps(nmes, indent=1))
    flex = None if args.no_r else run_flexmix(args.starts, args.seed)
    print(json.dumps(flex, indent=1))
    large = [run_large(int(float(s))) for s in args.sizes]
    print(json.dumps(large, indent=1))
    text = report(nmes, flex, large, args)
    Path(args.results).write_text(text)
    update_results(Path(args.summary), text)
    print(text)


if __name__ == "__main__":
    main()
