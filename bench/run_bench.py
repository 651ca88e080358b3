"""Benchmark rglm against R's glm(), statsmodels and glum ("Fast and big").

One design for every fitter: 15 standard-normal covariates ``x1..x15`` and a 6-level
factor ``f`` (21 columns with the intercept); responses for poisson (log link),
binomial (logit, 0/1) and Gamma (log link, shape 2). Each fitter runs in its own
subprocess, which loads the data (not timed), then times the model from formula to
summary -- ``rglm.glm(...)`` + ``str(rglm.summary(fit))``, R's ``glm()`` +
``summary()`` (timed inside R; R's start-up and data load are reported apart), the
statsmodels formula GLM + ``summary()``, glum's formula fit + ``coef_table()`` -- and
reports its best time, its peak memory above the loaded data, and its coefficients.

Usage::

    python bench/run_bench.py                 # n = 1e5 and 1e6 -> bench/RESULTS.md
    python bench/run_bench.py --sizes 1e5     # quick check
    python bench/run_bench.py --large         # adds n = 1e7

See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
SEED = 20240611
N_COVARIATES = 15
LEVELS = tuple("abcdef")
N_COLUMNS = 1 + N_COVARIATES + len(LEVELS) - 1  # the design matrix's p
FAMILIES = ("poisson", "binomial", "Gamma")
RESPONSE = {"poisson": "y_pois", "binomial": "y_binom", "Gamma": "y_gamma"}
FITTERS = ("rglm", "R", "statsmodels", "glum")
#: Set together on this project's machines; both slow the current numpy's OpenBLAS, so
#: the benchmark subprocesses run without them (reported in RESULTS.md).
OPENBLAS_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
RGLM_VS_R_RTOL = 1e-8


# --------------------------------------------------------------------------- data

def simulate(n: int, seed: int = SEED) -> pd.DataFrame:
    """The benchmark data: moderate effects, so that every fitter converges.

    Linear predictor ``eta = x b + f-effect`` with ``b_j = 0.01 j (-1)^j`` (sd of
    ``x b`` about 0.35); poisson mean ``exp(0.5 + eta)``, binomial probability
    ``plogis(eta - 0.3)``, Gamma mean ``exp(1 + eta)`` with shape 2.
    """
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, N_COVARIATES))
    level = rng.integers(0, len(LEVELS), n)
    j = np.arange(1, N_COVARIATES + 1)
    eta = x @ (0.01 * j * (-1.0) ** j) + np.array([0.0, 0.2, -0.1, 0.3, -0.25, 0.15])[level]
    data = {
        "y_pois": rng.poisson(np.exp(0.5 + eta)).astype(np.int64),
        "y_binom": (rng.random(n) < 1.0 / (1.0 + np.exp(0.3 - eta))).astype(np.int64),
        "y_gamma": rng.gamma(2.0, np.exp(1.0 + eta) / 2.0),
    }
    data.update({f"x{k}": x[:, k - 1] for k in j})
    data["f"] = np.asarray(LEVELS)[level]
    return pd.DataFrame(data)


def _r_reads_parquet() -> bool:
    """Parquet only when both sides can read it (pyarrow here, the arrow package in R)."""
    if importlib.util.find_spec("pyarrow") is None:
        return False
    code = 'cat(requireNamespace("arrow", quietly = TRUE))'
    result = subprocess.run(["Rscript", "-e", code], capture_output=True, text=True)
    return result.stdout.strip() == "TRUE"


def data_files(n: int, data_dir: Path) -> tuple[Path, Path]:
    """Write the size-``n`` data once: the file R reads and a pickle of what it parses to.

    CSV values carry 17 significant digits (exact round trip); Python workers load a
    pickle of the CSV as pandas parsed it (correctly rounded), so all see the same doubles.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    stem = data_dir / f"glm_{n}"
    if _r_reads_parquet():
        shared, cache = stem.with_suffix(".parquet"), stem.with_suffix(".parquet")
    else:
        shared, cache = stem.with_suffix(".csv"), stem.with_suffix(".pkl")
    if shared.exists() and cache.exists():
        return shared, cache
    print(f"  writing {shared.name} ...", flush=True)
    frame = simulate(n)
    if shared.suffix == ".parquet":
        frame.to_parquet(shared)
    else:
        frame.to_csv(shared, index=False, float_format="%.17g")
        load_frame(shared).to_pickle(cache)
    return shared, cache


def load_frame(path: Path) -> pd.DataFrame:
    """Read a data file written by :func:`data_files`."""
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    if path.suffix == ".pkl":
        return pd.read_pickle(path)
    if int(pd.__version__.split(".")[0]) < 3:  # pandas 3 parses exactly by default
        return pd.read_csv(path, float_precision="round_trip")
    return pd.read_csv(path)


def formula_for(family: str) -> str:
    covariates = " + ".join([f"x{k}" for k in range(1, N_COVARIATES + 1)] + ["f"])
    return f"{RESPONSE[family]} ~ {covariates}"


# --------------------------------------------------------------------------- memory

def _status_kib(field_name: str) -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    return -1


def reset_peak_memory() -> bool:
    """Reset this process's VmHWM to its current RSS (Linux ``clear_refs`` 5)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


# --------------------------------------------------------------------------- fitters

def fit_rglm(frame, family):
    import rglm

    fam = {"poisson": rglm.poisson(), "binomial": rglm.binomial(),
           "Gamma": rglm.Gamma(link="log")}[family]
    fit = rglm.glm(formula_for(family), data=frame, family=fam)
    text = str(rglm.summary(fit))
    return dict(zip(fit.coefficients.index, fit.coefficients.to_numpy())), text


def fit_statsmodels(frame, family):
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    fam = {"poisson": sm.families.Poisson(), "binomial": sm.families.Binomial(),
           "Gamma": sm.families.Gamma(link=sm.families.links.Log())}[family]
    result = smf.glm(formula_for(family), data=frame, family=fam).fit()
    text = str(result.summary())
    return dict(result.params.items()), text


def fit_glum(frame, family):
    from glum import GeneralizedLinearRegressor

    fam, link = {"poisson": ("poisson", "log"), "binomial": ("binomial", "logit"),
                 "Gamma": ("gamma", "log")}[family]
    model = GeneralizedLinearRegressor(family=fam, link=link, alpha=0, fit_intercept=True,
                                       formula=formula_for(family), drop_first=True)
    model.fit(frame)
    text = model.coef_table(X=frame).to_string()
    coefficients = {"(Intercept)": model.intercept_}
    coefficients.update(zip(model.feature_names_, model.coef_))
    return coefficients, text


PYTHON_FITTERS = {"rglm": fit_rglm, "statsmodels": fit_statsmodels, "glum": fit_glum}
MODULE_OF = {"rglm": "rglm", "statsmodels": "statsmodels", "glum": "glum"}


def r_name(name: str) -> str:
    """A competitor's coefficient name in R's spelling: ``f[T.b]`` / ``f[b]`` -> ``fb``."""
    if name.lower() in ("intercept", "(intercept)"):
        return "(Intercept)"
    match = re.fullmatch(r"(?:C\()?(\w+?)\)?\[(?:T\.)?(\w+)\]", name)
    return match.group(1) + match.group(2) if match else name


def worker(name: str, family: str, data: Path, repeats: int, result: Path) -> None:
    """Subprocess body: warm up, time ``repeats`` fits, record peak memory; write JSON."""
    fitter = PYTHON_FITTERS[name]
    frame = load_frame(data)
    fitter(frame.iloc[:2000].copy(), family)  # imports and first-call costs, not timed
    reset_ok = reset_peak_memory()
    rss_before = _status_kib("VmRSS")
    hwm_before = _status_kib("VmHWM")
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        coefficients, _text = fitter(frame, family)
        seconds.append(time.perf_counter() - start)
        del _text
    peak = _status_kib("VmHWM")
    record = {
        "seconds": seconds,
        "coefficients": {r_name(k): float(v) for k, v in coefficients.items()},
        "peak_extra_bytes": 1024 * (peak - rss_before),
        "peak_exact": reset_ok or peak > hwm_before,
        "version": _version(MODULE_OF[name]),
    }
    result.write_text(json.dumps(record))


def _version(module: str) -> str:
    try:
        return __import__(module).__version__
    except Exception:  # noqa: BLE001 -- a missing version is not worth failing over
        return "?"


# --------------------------------------------------------------------------- driver

@dataclass
class Run:
    """One fitter on one (size, family): its times, memory, coefficients."""

    fitter: str
    seconds: list = field(default_factory=list)
    coefficients: dict = field(default_factory=dict)
    peak_extra_bytes: float = float("nan")
    peak_exact: bool = True
    version: str = "?"
    wall_seconds: float = float("nan")  # the whole subprocess (R: start-up + load too)
    error: str = ""

    @property
    def best(self) -> float:
        return min(self.seconds) if self.seconds else float("nan")


def benchmark_env() -> dict:
    """The subprocesses' environment: without the OpenBLAS overrides (both, together)."""
    env = dict(os.environ)
    if any(name in env for name in OPENBLAS_OVERRIDES):
        for name in OPENBLAS_OVERRIDES:
            env.pop(name, None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def installed(fitter: str) -> bool:
    if fitter == "R":
        return shutil.which("Rscript") is not None
    try:
        __import__(MODULE_OF[fitter])
        return True
    except ImportError:
        return False


def run_fitter(fitter, family, shared, cache, repeats, workdir, timeout) -> Run:
    """Run one fitter in a subprocess and collect its :class:`Run`."""
    result = workdir / f"{fitter}-{family}.json"
    if fitter == "R":
        command = ["Rscript", str(BENCH_DIR / "glm_bench.R"), str(shared), family,
                   str(repeats), str(result)]
    else:
        command = [sys.executable, str(Path(__file__).resolve()), "--worker", fitter,
                   "--family", family, "--data", str(cache), "--repeats", str(repeats),
                   "--result", str(result)]
    start = time.perf_counter()
    try:
        done = subprocess.run(command, env=benchmark_env(), capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return Run(fitter, error=f"timed out after {timeout} s")
    wall = time.perf_counter() - start
    if done.returncode != 0 or not result.exists():
        return Run(fitter, error=(done.stderr.strip().splitlines() or ["failed"])[-1][:200])
    record = json.loads(result.read_text())
    if fitter == "R":
        return Run("R", seconds=record["seconds"], coefficients=record["coefficients"],
                   peak_extra_bytes=max(record["gc_peak_extra_mb"]) * 2**20,
                   version=record["r_version"], wall_seconds=wall)
    return Run(fitter, seconds=record["seconds"], coefficients=record["coefficients"],
               peak_extra_bytes=record["peak_extra_bytes"], peak_exact=record["peak_exact"],
               version=record["version"], wall_seconds=wall)


def max_relative_difference(a: dict, b: dict) -> float:
    """``max |a - b| / |b|`` over the coefficients named in ``b`` (inf if a name is missing)."""
    if not a or not b or set(b) - set(a):
        return float("inf")
    return max(abs(a[k] - v) / abs(v) for k, v in b.items())


def run_size(n, families, fitters, repeats, data_dir, timeout) -> dict:
    shared, cache = data_files(n, data_dir)
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        for family in families:
            for fitter in fitters:
                print(f"  n={n:.0e} {family:8s} {fitter:11s}", end=" ", flush=True)
                run = run_fitter(fitter, family, shared, cache, repeats, Path(tmp), timeout)
                print(f"{run.best:8.3f} s" if not run.error else run.error, flush=True)
                runs[family, fitter] = run
    return runs


# --------------------------------------------------------------------------- report

def machine_description() -> list[str]:
    """Cores, CPU, memory, BLAS (threadpoolctl, in the benchmark's environment), versions."""
    lines = [f"* date: {dt.datetime.now().astimezone().isoformat(timespec='minutes')}",
             f"* machine: {os.cpu_count()} cores, {_cpu_model()}, {_memory_gib():.0f} GiB RAM, "
             f"{platform.system()} {platform.release()}",
             f"* Python {platform.python_version()}, " + ", ".join(
                 f"{m} {_version(m)}" for m in ("numpy", "scipy", "pandas", "formulaic"))]
    done = subprocess.run([sys.executable, "-c", BLAS_PROBE], env=benchmark_env(),
                          capture_output=True, text=True)
    pools = json.loads(done.stdout or "[]")
    blas = "; ".join(f"{p.get('internal_api')} {p.get('version')} ({p.get('architecture')}, "
                     f"{p.get('num_threads')} threads, {Path(p.get('filepath', '')).name})"
                     for p in pools) or "unknown (threadpoolctl not installed)"
    lines.append(f"* BLAS (numpy, scipy): {blas}")
    overrides = {k: os.environ[k] for k in OPENBLAS_OVERRIDES if k in os.environ}
    lines.append("* OpenBLAS overrides in the calling environment: "
                 + (", ".join(f"{k}={v}" for k, v in overrides.items()) + " -- unset (both) for "
                    "the benchmark subprocesses, since they slow the current numpy"
                    if overrides else "none set"))
    return lines


#: Lists the BLAS libraries that numpy and scipy load (threadpoolctl), as JSON.
BLAS_PROBE = """
import json, numpy, scipy.linalg
try:
    import threadpoolctl
    print(json.dumps(threadpoolctl.threadpool_info()))
except ImportError:
    print("[]")
"""


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _memory_gib() -> float:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            return int(fh.readline().split()[1]) / 2**20
    except (OSError, ValueError, IndexError):
        return float("nan")


def _agreement(run: Run, rglm_run: Run | None, r_run: Run | None) -> str:
    if run.fitter == "R":
        return "reference"
    if run.fitter == "rglm":
        if r_run is None or not r_run.coefficients:
            return "R not run"
        diff = max_relative_difference(run.coefficients, r_run.coefficients)
        verdict = "yes" if diff <= RGLM_VS_R_RTOL else "**NO**"
        return f"{verdict} vs R (max rel. diff {diff:.1e})"
    reference = r_run if r_run is not None and r_run.coefficients else rglm_run
    if reference is None or not reference.coefficients:
        return "-"
    diff = max_relative_difference(run.coefficients, reference.coefficients)
    return f"max rel. diff {diff:.1e} vs {reference.fitter}"


def table(n: int, runs: dict, families) -> list[str]:
    design_bytes = n * N_COLUMNS * 8
    lines = [f"### n = {n:,} (design matrix {design_bytes / 2**20:,.0f} MiB)", "",
             "| family | fitter | best time (s) | speed-up vs R | peak extra memory "
             "| coefficients |",
             "|---|---|---:|---:|---:|---|"]
    for family in families:
        r_run = runs.get((family, "R"))
        for (fam, fitter), run in runs.items():
            if fam != family:
                continue
            if run.error:
                lines.append(f"| {family} | {fitter} | {run.error} | | | |")
                continue
            time_text = f"{run.best:.3f}"
            if fitter == "R":
                time_text += f" (whole Rscript {run.wall_seconds:.1f})"
            speedup = (f"{r_run.best / run.best:.1f}x" if r_run is not None and r_run.seconds
                       else "-")
            memory = (f"{run.peak_extra_bytes / 2**20:,.0f} MiB "
                      f"({run.peak_extra_bytes / design_bytes:.1f}x design)"
                      + ("" if run.peak_exact else " (lower bound)")
                      + (" (R gc max used)" if fitter == "R" else ""))
            lines.append(f"| {family} | {fitter} | {time_text} | {speedup} | {memory} | "
                         f"{_agreement(run, runs.get((family, 'rglm')), r_run)} |")
    return lines + [""]


def target_check(n: int, runs: dict, families) -> list[str]:
    """The issue's targets at this size, checked against this run (met / not met, by how much).

    Targets (issue "Fast and big", at n = 1e6): rglm >= 5x faster than R's glm on each family,
    faster than glum and statsmodels, peak extra memory <= 3x the design matrix.
    """
    design_bytes = n * N_COLUMNS * 8
    lines = [f"#### Targets at n = {n:,}, checked against this run", ""]
    for family in families:
        rglm_run = runs.get((family, "rglm"))
        if rglm_run is None or rglm_run.error or not rglm_run.seconds:
            lines.append(f"* {family}: no rglm result")
            continue
        parts = []
        r_run = runs.get((family, "R"))
        if r_run is not None and r_run.seconds:
            ratio = r_run.best / rglm_run.best
            parts.append(f"{ratio:.1f}x faster than R (target 5x: "
                         f"{'met' if ratio >= 5 else 'NOT met'})")
        for other in ("glum", "statsmodels"):
            o = runs.get((family, other))
            if o is not None and o.seconds:
                faster = rglm_run.best < o.best
                parts.append(f"{'faster' if faster else 'NOT faster'} than {other} "
                             f"({rglm_run.best:.2f} s vs {o.best:.2f} s)")
        mem = rglm_run.peak_extra_bytes / design_bytes
        parts.append(f"peak extra memory {mem:.1f}x the design (target <= 3x: "
                     f"{'met' if mem <= 3 else 'NOT met'})")
        lines.append(f"* {family}: " + "; ".join(parts))
    return lines + [""]


def write_results(path: Path, all_runs: dict, families, repeats_of) -> None:
    versions = {}
    for runs in all_runs.values():
        for run in runs.values():
            if run.version != "?" and not run.error:
                versions[run.fitter] = run.version
    lines = ["# Benchmark results", "",
             "Generated by `python bench/run_bench.py` (see bench/README.md).", "",
             *machine_description(),
             "* fitters: " + ", ".join(f"{k} {v}" for k, v in versions.items()), "",
             "Time = best of the repeats "
             + ", ".join(f"{repeats_of(n)} at n = {n:,}" for n in all_runs)
             + ", formula to summary: rglm `glm()` + `str(summary())`; R `glm()` + `summary()` "
             "timed inside R with `proc.time()` (R start-up and data load excluded; the whole "
             "Rscript call in brackets); statsmodels `smf.glm().fit()` + `str(summary())`; "
             "glum formula fit + `coef_table()`. Each fitter runs in its own process after a "
             "small untimed warm-up fit. Peak extra memory = the process's peak RSS (VmHWM, reset "
             "after loading) minus its RSS with the data loaded, relative to the n x 21 float64 "
             "design matrix; R: `gc()` max used minus used. Coefficients: rglm must equal R's to "
             f"{RGLM_VS_R_RTOL:g} relative; the others are compared with R.", ""]
    for n, runs in all_runs.items():
        lines += table(n, runs, families)
        if n >= 1_000_000:
            lines += target_check(n, runs, families)
    big = BENCH_DIR / "RESULTS_bigglm.md"
    if big.exists():  # written by bench/bigglm_bench.py
        lines += ["", big.read_text()]
    fmm = BENCH_DIR / "RESULTS_fmm.md"
    if fmm.exists():  # written by bench/fmm_bench.py
        lines += ["", fmm.read_text()]
    mixed = BENCH_DIR / "RESULTS_mixed.md"
    if mixed.exists():  # written by bench/mixed_bench.py
        lines += ["", mixed.read_text()]
    path.write_text("\n".join(lines))


# --------------------------------------------------------------------------- main

def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e5, 1e6])
    parser.add_argument("--large", action="store_true", help="also n = 1e7")
    parser.add_argument("--families", nargs="+", choices=FAMILIES, default=list(FAMILIES))
    parser.add_argument("--fitters", nargs="+", choices=FITTERS, default=list(FITTERS))
    parser.add_argument("--data-dir", type=Path, default=BENCH_DIR / "data")
    parser.add_argument("--results", type=Path, default=BENCH_DIR / "RESULTS.md")
    parser.add_argument("--timeout", type=float, default=3600.0, help="per subprocess, seconds")
    # worker mode (internal)
    parser.add_argument("--worker", choices=sorted(PYTHON_FITTERS), help=argparse.SUPPRESS)
    parser.add_argument("--family", choices=FAMILIES, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def repeats_for(n: int) -> int:
    """Best of 3 up to 1e5 rows, of 2 up to 1e6, a single run beyond."""
    return 3 if n <= 100_000 else 2 if n <= 1_000_000 else 1


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.worker:
        worker(args.worker, args.family, args.data, args.repeats, args.result)
        return
    sizes = [int(s) for s in args.sizes] + ([10_000_000] if args.large else [])
    fitters = [f for f in args.fitters if installed(f)]
    skipped = sorted(set(args.fitters) - set(fitters))
    if skipped:
        print("not installed, skipped:", ", ".join(skipped))
    all_runs = {}
    for n in sizes:
        print(f"n = {n:,}")
        all_runs[n] = run_size(n, args.families, fitters, repeats_for(n), args.data_dir,
                               args.timeout)
    write_results(args.results, all_runs, args.families, repeats_for)
    print(f"wrote {args.results}")


if __name__ == "__main__":
    main()
