"""bigglm(): every input kind and model feature gives rglm.glm()'s fit on the same data.

rglm.glm is checked against R elsewhere; here the chunked front end must reproduce it to
1e-8 (coefficients, standard errors, deviances, AIC, iterations, df) whatever the
chunking: factor levels first met in late chunks, NA rows, weights, offsets, aliased
columns. Also: bounded memory on a stream of generated chunks, and the errors for inputs
that cannot work chunk by chunk.
"""

from __future__ import annotations

import time
import tracemalloc
import warnings

import numpy as np
import pandas as pd
import pytest

import rglm
from rglm.models.bigglm.frontend import bigglm
from rglm.errors import RError
from rglm.models.bigglm.result import BigGLM, summary_bigglm

RTOL = 1e-8


def make_data(n=600, seed=1):
    """Predictors whose rare levels only occur late, NA rows, weights, an exposure."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "x": rng.normal(size=n), "u": rng.uniform(size=n),
        "g": pd.Categorical(rng.choice(list("abcd"), n), categories=list("dcba")),
        "s": rng.choice(["p", "q", "r"], n), "expo": rng.uniform(1, 5, n),
        "w": rng.integers(0, 4, n).astype(float),
    })
    df.loc[: n // 2, "g"] = "a"        # levels b, c, d first appear in the second half
    df.loc[: 2 * n // 3, "s"] = "p"    # q, r only in the last third
    eta = 0.2 + 0.5 * df.x - 0.3 * df.u + np.where(df.s == "q", 0.2, 0.0)
    df["y"] = rng.poisson(np.exp(eta + np.log(df.expo))).astype(float)
    df["yb"] = rng.binomial(1, 1 / (1 + np.exp(-eta)))
    df["yf"] = pd.Categorical(np.where(df.yb == 1, "yes", "no"))
    df["pos"] = rng.gamma(3.0, np.exp(eta) / 3.0)
    df["z"] = df.x + 2 * df.u          # aliased with x and u
    df.loc[[5, 17, n - 3], "x"] = np.nan
    df.loc[[40], "s"] = None
    df.loc[[n - 10], "pos"] = np.nan
    return df


DATA = make_data()


def assert_same_fit(got: BigGLM, ref) -> None:
    """Equal to rglm.glm to 1e-8: estimates, SEs, deviances, aic, iter, df, NA count."""
    np.testing.assert_allclose(got.coefficients.to_numpy(), ref.coefficients.to_numpy(),
                               rtol=RTOL, atol=1e-10)
    assert list(got.coefficients.index) == list(ref.coefficients.index)
    assert got.coefficients.isna().equals(ref.coefficients.isna())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s_got, s_ref = summary_bigglm(got), rglm.summary(ref)
    np.testing.assert_allclose(s_got.coefficients.to_numpy(), s_ref.coefficients.to_numpy(),
                               rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(s_got.dispersion, s_ref.dispersion, rtol=RTOL)
    for name in ("deviance", "null_deviance", "aic"):
        np.testing.assert_allclose(getattr(got, name), getattr(ref, name), rtol=RTOL)
    for name in ("iter", "rank", "df_residual", "df_null", "converged"):
        assert getattr(got, name) == getattr(ref, name), name
    assert len(got.na_action or ()) == len(ref.na_action.positions if ref.na_action else ())


def fit_both(formula, family, chunksize=97, data=DATA, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = rglm.glm(formula, data=data, family=family, **kw)
        got = bigglm(formula, data, family=family, chunksize=chunksize, **kw)
    return got, ref


# -- models -----------------------------------------------------------------------------------
MODELS = [
    ("y ~ x + u + g + s", rglm.poisson()),
    ("y ~ x + g + offset(log(expo))", rglm.poisson()),
    ("y ~ x * s + g", rglm.quasipoisson()),
    ("yb ~ x + s + g", rglm.binomial()),
    ("yb ~ x + u", rglm.binomial(link="cloglog")),
    ("yf ~ x + s", rglm.binomial(link="probit")),
    ("pos ~ x + u + s", rglm.Gamma(link="log")),
    ("pos ~ g + s", rglm.Gamma()),
    ("expo ~ x + s", rglm.gaussian()),
    ("expo ~ log(u) + g", rglm.gaussian(link="log")),
    ("expo ~ x + s", rglm.inverse_gaussian()),
    ("y ~ 0 + x + g", rglm.poisson()),
    ("y ~ x + u + z + g", rglm.poisson()),
    ("y ~ poly(x, 2, raw = TRUE) + s", rglm.poisson()),
]


@pytest.mark.parametrize("formula,family", MODELS,
                         ids=[f"{f}|{fam.family}-{fam.link}" for f, fam in MODELS])
def test_models_match_glm(formula, family):
    got, ref = fit_both(formula, family)
    assert_same_fit(got, ref)


def test_prior_weights_and_offset_argument():
    got, ref = fit_both("y ~ x + g + s", rglm.poisson(), weights="w", offset="log(expo)")
    assert_same_fit(got, ref)
    assert got.passes > got.iter + 2  # levels, iterations and the null-deviance refit


def test_aliased_coefficient_is_na():
    got, ref = fit_both("y ~ x + u + z", rglm.poisson())
    assert np.isnan(got.coefficients["z"]) and got.rank == 3
    assert_same_fit(got, ref)


def test_chunk_size_does_not_matter():
    a = bigglm("y ~ x + g + s", DATA, family=rglm.poisson(), chunksize=50)
    b = bigglm("y ~ x + g + s", DATA, family=rglm.poisson(), chunksize=10_000)
    np.testing.assert_allclose(a.coefficients, b.coefficients, rtol=1e-12)


def test_levels_found_in_a_first_pass_follow_glm():
    got = bigglm("y ~ g + s", DATA, family=rglm.poisson(), chunksize=100)
    # declared order for a factor ("d", "c", "b", "a"), sorted for a character column
    assert got.xlevels == {"g": ("d", "c", "b", "a"), "s": ("p", "q", "r")}
    assert list(got.coefficients.index) == ["(Intercept)", "gc", "gb", "ga", "sq", "sr"]


def test_given_levels_skip_the_first_pass():
    levels = {"g": ["d", "c", "b", "a"], "s": ["p", "q", "r"]}
    given = bigglm("y ~ g + s", DATA, family=rglm.poisson(), chunksize=100, levels=levels)
    found = bigglm("y ~ g + s", DATA, family=rglm.poisson(), chunksize=100)
    np.testing.assert_allclose(given.coefficients, found.coefficients, rtol=1e-12)
    assert given.passes == found.passes - 1


def test_given_level_missing_from_data_is_an_error():
    with pytest.raises(RError, match="factor s has new level"):
        bigglm("y ~ s", DATA, family=rglm.poisson(), chunksize=100, levels={"s": ["p", "q"]})


def test_levels_for_unknown_variable_is_an_error():
    with pytest.raises(RError, match="not a factor or character variable"):
        bigglm("y ~ x", DATA, family=rglm.poisson(), levels={"x": ["1"]})


def test_na_rows_are_counted_and_printed():
    got, ref = fit_both("y ~ x + s", rglm.poisson())
    assert len(got.na_action) == 4
    assert "(4 observations deleted due to missingness)" in str(got)


def test_na_fail():
    with pytest.raises(RError, match="missing values in object"):
        bigglm("y ~ x", DATA, family=rglm.poisson(), na_action="na.fail")


def test_does_not_modify_the_data():
    before = DATA.copy(deep=True)
    bigglm("y ~ x + g + s", DATA, family=rglm.poisson(), weights="w", offset="log(expo)")
    pd.testing.assert_frame_equal(DATA, before)


def test_call_is_printed_as_bigglm():
    fit = bigglm("y ~ x", DATA, family=rglm.poisson())
    assert str(fit).startswith("\nCall:  bigglm(formula = y ~ x, data = DATA, family = poisson())")


def test_control_trace_prints_r_lines(capsys):
    bigglm("expo ~ x", DATA, control=rglm.glm_control(trace=True))
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Deviance = ") and out[0].endswith(" Iterations - 1")


# -- input kinds ------------------------------------------------------------------------------
REF = rglm.glm("y ~ x + g + s", data=DATA, family=rglm.poisson())


def _check_source(data, **kw):
    got = bigglm("y ~ x + g + s", data, family=rglm.poisson(), **kw)
    assert_same_fit(got, REF)
    return got


def test_callable_returning_chunks():
    _check_source(lambda: (DATA.iloc[i:i + 150] for i in range(0, len(DATA), 150)))


def test_list_of_data_frames():
    _check_source([DATA.iloc[:250], DATA.iloc[250:400], DATA.iloc[400:]])


# A CSV file has no factors: g is read as a character column (levels sorted, as R's
# read.csv gives them), so the reference is glm() on the file read whole.
def _csv_reference(path):
    return rglm.glm("y ~ x + g + s", data=pd.read_csv(path), family=rglm.poisson())


def test_callable_returning_a_csv_reader(tmp_path):
    path = tmp_path / "d.csv"
    DATA.to_csv(path, index=False)
    got = bigglm("y ~ x + g + s", lambda: pd.read_csv(path, chunksize=128),
                 family=rglm.poisson())
    assert_same_fit(got, _csv_reference(path))


def test_csv_paths(tmp_path):
    DATA.to_csv(tmp_path / "all.csv", index=False)
    ref = _csv_reference(tmp_path / "all.csv")
    DATA.iloc[:300].to_csv(tmp_path / "a.csv", index=False)
    DATA.iloc[300:].to_csv(tmp_path / "b.csv", index=False)
    got = bigglm("y ~ x + g + s", [str(tmp_path / "a.csv"), tmp_path / "b.csv"],
                 family=rglm.poisson(), chunksize=111)
    assert_same_fit(got, ref)
    assert got.engine == "serial"
    got = bigglm("y ~ x + g + s", str(tmp_path / "all.csv"), family=rglm.poisson(),
                 chunksize=64)
    assert_same_fit(got, ref)


def test_parquet_path(tmp_path):
    pytest.importorskip("pyarrow")
    path = tmp_path / "d.parquet"
    DATA.to_parquet(path, row_group_size=200)
    _check_source(str(path), chunksize=90)


def test_unknown_file_format(tmp_path):
    with pytest.raises(RError, match="cannot tell the format"):
        bigglm("y ~ x", str(tmp_path / "d.xlsx"))


def test_dask_dataframe_local_scheduler():
    dd = pytest.importorskip("dask.dataframe")
    got = _check_source(dd.from_pandas(DATA, npartitions=5), chunksize=40)
    assert got.engine == "dask"


def test_dask_distributed_local_cluster_threads():
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster):
        _check_source(dd.from_pandas(DATA, npartitions=4))
        got, ref = None, rglm.glm("pos ~ x + s", data=DATA, family=rglm.Gamma(link="log"),
                                  offset="log(expo)")
        got = bigglm("pos ~ x + s", dd.from_pandas(DATA, npartitions=3),
                     family=rglm.Gamma(link="log"), offset="log(expo)")
        assert_same_fit(got, ref)


@pytest.mark.slow
def test_dask_distributed_local_cluster_processes():
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster):
        _check_source(dd.from_pandas(DATA, npartitions=4))


# -- bad input --------------------------------------------------------------------------------
@pytest.mark.parametrize("one_shot", [lambda: iter([DATA]), lambda: (d for d in [DATA])])
def test_one_shot_iterator_is_refused(one_shot):
    with pytest.raises(RError, match="can be read only once.*pass a function"):
        bigglm("y ~ x", one_shot(), family=rglm.poisson())


@pytest.mark.parametrize("formula", ["y ~ poly(x, 2)", "y ~ scale(u) + x", "y ~ ns(x, 3)"])
def test_stateful_transforms_are_refused(formula):
    with pytest.raises(RError, match="cannot compute it chunk by chunk"):
        bigglm(formula, DATA, family=rglm.poisson())


def test_stateful_offset_is_refused():
    with pytest.raises(RError, match=r"scale\(expo\) depends on all the data"):
        bigglm("y ~ x", DATA, family=rglm.poisson(), offset="scale(expo)")


def test_chunk_missing_a_column():
    chunks = [DATA.iloc[:300], DATA.iloc[300:].drop(columns="u")]
    with pytest.raises(RError, match="in chunk 2: object 'u' not found"):
        bigglm("y ~ x + u", chunks, family=rglm.poisson())


def test_chunk_with_other_column_types():
    odd = DATA.iloc[300:].assign(u=lambda d: d.u.map(lambda v: f"{v:.3f}"))
    with pytest.raises(RError, match="columns' types differ between chunks"):
        bigglm("y ~ x + u", [DATA.iloc[:300], odd], family=rglm.poisson())


def test_chunk_that_is_not_a_data_frame():
    with pytest.raises(RError, match="chunk 2 is a ndarray"):
        bigglm("y ~ x", lambda: [DATA, np.zeros(3)], family=rglm.poisson())


def test_unsupported_data():
    with pytest.raises(RError, match="'data' must be a data frame"):
        bigglm("y ~ x", 42)


@pytest.mark.parametrize("kw,message", [({"chunksize": 0}, "'chunksize' must be positive"),
                                        ({"na_action": "na.pass"}, "invalid 'na.action'")])
def test_bad_arguments(kw, message):
    with pytest.raises(RError, match=message.replace("must be positive", "must be a positive")):
        bigglm("y ~ x", DATA, **kw)


def test_negative_values_for_poisson_name_the_chunk():
    bad = DATA.assign(y=lambda d: np.where(d.index == 500, -1.0, d.y))
    with pytest.raises(RError, match="in chunk 6: negative values not allowed for the 'Poisson'"):
        bigglm("y ~ x", bad, family=rglm.poisson(), chunksize=100)


# -- progress ---------------------------------------------------------------------------------
def test_progress_plain_line_without_tqdm(capsys, monkeypatch):
    from rglm.report import progress

    monkeypatch.setattr(progress.Progress, "__init__", _no_tqdm_init(progress.Progress.__init__))
    bigglm("y ~ x + g", DATA, family=rglm.poisson(), chunksize=200, progress=True)
    err = capsys.readouterr().err
    assert "bigglm: finding factor levels: 3 chunks, 600 of 600 rows" in err
    assert "bigglm: iteration 1:" in err


def _no_tqdm_init(original):
    def init(self, enabled=False, total_rows=None):
        original(self, enabled, total_rows)
        self._tqdm = None
    return init


def test_progress_is_silent_by_default(capsys):
    bigglm("y ~ x", DATA, family=rglm.poisson())
    assert capsys.readouterr().err == ""


def test_progress_with_tqdm(capsys):
    pytest.importorskip("tqdm")
    bigglm("y ~ x", DATA, family=rglm.poisson(), chunksize=200, progress=True)
    assert "bigglm iteration 1" in capsys.readouterr().err


# -- streaming: bounded memory ----------------------------------------------------------------
CHUNK_ROWS = 100_000


def _generated_chunk(k: int) -> pd.DataFrame:
    """Chunk k of a reproducible stream (the same rows on every pass)."""
    rng = np.random.default_rng(10_000 + k)
    x, u = rng.normal(size=CHUNK_ROWS), rng.uniform(size=CHUNK_ROWS)
    g = pd.Categorical.from_codes(rng.integers(0, 3, CHUNK_ROWS), ["a", "b", "c"])
    eta = 0.3 + 0.5 * x - 0.2 * u + 0.1 * (g == "b")
    return pd.DataFrame({"y": rng.poisson(np.exp(eta)).astype(float), "x": x, "u": u, "g": g})


def _stream(n_chunks: int):
    def chunks():
        for k in range(n_chunks):
            yield _generated_chunk(k)
    return chunks


def _peak_of_fit(n_chunks: int):
    tracemalloc.start()
    try:
        started = time.perf_counter()
        fit = bigglm("y ~ x + u + g", _stream(n_chunks), family=rglm.poisson(),
                     levels={"g": ["a", "b", "c"]})
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return fit, peak, elapsed


@pytest.mark.slow
def test_streaming_two_million_rows_in_bounded_memory():
    n_chunks = 20  # 2e6 rows
    fit, peak, elapsed = _peak_of_fit(n_chunks)
    _, small_peak, _ = _peak_of_fit(2)
    rows = n_chunks * CHUNK_ROWS
    whole = rows * (len(fit.coefficients) + 1) * 8  # the model matrix and y alone
    print(f"\n2e6 rows: {elapsed:.1f} s, {fit.passes} passes, tracemalloc peak "
          f"{peak / 2**20:.1f} MiB (model matrix + y in memory: {whole / 2**20:.0f} MiB; "
          f"2 chunks: {small_peak / 2**20:.1f} MiB)")
    assert fit.converged and fit.nobs == rows
    assert peak < 0.4 * whole
    assert peak < 1.5 * small_peak  # ten times the rows, about the same memory
    np.testing.assert_allclose(fit.coefficients, [0.3, 0.5, -0.2, 0.1, 0.0], atol=0.01)


@pytest.mark.slow
def test_streamed_fit_equals_in_memory_fit():
    stream = _stream(4)
    whole = pd.concat(list(stream()), ignore_index=True)
    ref = rglm.glm("y ~ x + u + g", data=whole, family=rglm.poisson())
    got = bigglm("y ~ x + u + g", stream, family=rglm.poisson())
    assert_same_fit(got, ref)


def test_namespaced_stateful_transform_is_refused():
    with pytest.raises(RError, match="cannot compute it chunk by chunk"):
        bigglm("y ~ splines::ns(x, 3)", DATA, family=rglm.poisson())


def test_weights_must_be_evaluated_per_chunk():
    with pytest.raises(RError, match="'weights' must be a column name or an R expression"):
        bigglm("y ~ x", DATA, family=rglm.poisson(), weights=DATA.w.to_numpy())


def test_start_of_wrong_length():
    with pytest.raises(RError, match=r"length of 'start' should equal 2 and correspond to "
                                     r'initial coefs for c\("\(Intercept\)", "x"\)'):
        bigglm("y ~ x", DATA, family=rglm.poisson(), start=[0.0])


def test_empty_and_all_na_chunks_are_harmless():
    all_na = DATA.iloc[:20].assign(x=np.nan)
    chunks = [DATA.iloc[:100], DATA.iloc[100:100], all_na, DATA.iloc[100:]]
    got = bigglm("y ~ x + g + s", lambda: chunks, family=rglm.poisson())
    np.testing.assert_allclose(got.coefficients, REF.coefficients, rtol=RTOL)
    assert len(got.na_action) == len(REF.na_action.positions) + 20


@pytest.mark.parametrize("name,formula,family", [
    ("budworm", "cbind(numdead, numalive) ~ sex*ldose", rglm.binomial()),
    ("Insurance", "Claims ~ District + Group + Age + offset(log(Holders))", rglm.poisson()),
    ("esoph", "cbind(ncases, ncontrols) ~ agegp + tobgp * alcgp", rglm.binomial()),
    ("airquality", "Ozone ~ Solar.R + Wind + Temp", rglm.Gamma(link="log")),
])
def test_r_datasets_print_as_glm(dataset, name, formula, family):
    # ordered factors (contr.poly), cbind responses, NA rows; tiny chunks
    data = dataset(name)
    got, ref = fit_both(formula, family, chunksize=5, data=data)
    assert_same_fit(got, ref)
    text, expected = str(summary_bigglm(got)), str(rglm.summary(ref))
    assert text[text.index("\nCoefficients"):] == expected[expected.index("\nCoefficients"):]


def test_dot_formula_reads_every_column(tmp_path):
    small = DATA[["y", "x", "s"]]
    small.to_csv(tmp_path / "d.csv", index=False)
    ref = rglm.glm("y ~ .", data=pd.read_csv(tmp_path / "d.csv"), family=rglm.poisson())
    assert_same_fit(bigglm("y ~ .", str(tmp_path / "d.csv"), family=rglm.poisson()), ref)
