"""Every dtype a column can have is coded as R codes its type, in fitting and in newdata.

R's side (tests/reference/make_dtypes.R -> dtypes.json): glm() on numeric, integer,
logical, character, factor, Date, POSIXct and difftime predictors, and predict() on new
data of the same types. Here each such column is built in every numpy / pandas / Arrow
dtype that rglm maps to that R type (rglm/formula/dtypes.py), one variable at a time, and
the fit and its predictions must be R's whichever dtype the data and the new data have.
"""

from __future__ import annotations

import datetime as dt
import decimal

import numpy as np
import pandas as pd
import pytest

import rglm
from rglm.errors import RError
from rglm.formula.dtypes import RType, r_type

pa = pytest.importorskip("pyarrow")

TOL = 1e-8
PANDAS_3 = int(pd.__version__.split(".")[0]) >= 3


def _as_list(v):
    return v if isinstance(v, list) else [v]


# ---- R's columns in each dtype ---------------------------------------------------------

def _arrow(values, pa_type):
    return pd.array(pa.array(values, type=pa_type), dtype=pd.ArrowDtype(pa_type))


def _nan(values):
    return [np.nan if v is None else v for v in values]


def _timestamps(texts):
    """The UTC instants R wrote, as tz-naive numpy datetime64[ns] (NaT for NA)."""
    return pd.to_datetime(pd.Series(texts, dtype=object)).to_numpy(dtype="datetime64[ns]")


def _seconds(values):
    return pd.to_timedelta(pd.Series(_nan(values), dtype=float), unit="s").to_numpy()


def _text_flavours():
    out = {
        "object": lambda v: pd.array(v, dtype=object),
        "string[python]": lambda v: pd.array(v, dtype=pd.StringDtype("python")),
        "string[pyarrow]": lambda v: pd.array(v, dtype=pd.StringDtype("pyarrow")),
        "arrow string": lambda v: _arrow(v, pa.string()),
        "arrow large_string": lambda v: _arrow(v, pa.large_string()),
        "numpy U": lambda v: np.array(v, dtype=str) if None not in v else None,
    }
    try:  # pandas >= 2.3: the NaN-missing string dtype, pandas 3's default "str"
        nan_string = pd.StringDtype(na_value=np.nan)
        out["str"] = lambda v: pd.array(v, dtype=nan_string)
    except TypeError:
        pass
    return out


# variable -> {flavour: values -> array (None where the flavour cannot hold the values)}
FLAVOURS = {
    "x": {
        "float64": lambda v: np.array(v, dtype=np.float64),
        "float32": lambda v: np.array(v, dtype=np.float32),
        "Float64": lambda v: pd.array(v, dtype="Float64"),
        "arrow float64": lambda v: _arrow(v, pa.float64()),
        "arrow decimal": lambda v: _arrow([decimal.Decimal(str(x)) for x in v],
                                         pa.decimal128(10, 3)),
        "object Decimal": lambda v: pd.array([decimal.Decimal(str(x)) for x in v],
                                             dtype=object),
        "sparse": lambda v: pd.arrays.SparseArray(np.array(v, dtype=float)),
    },
    "k": {
        "float64 NaN": lambda v: np.array(_nan(v), dtype=float),
        "int64": lambda v: np.array(v, dtype=np.int64) if None not in v else None,
        "uint8": lambda v: np.array(v, dtype=np.uint8) if None not in v else None,
        "Int64": lambda v: pd.array(v, dtype="Int64"),
        "Int32": lambda v: pd.array(v, dtype="Int32"),
        "UInt16": lambda v: pd.array(v, dtype="UInt16"),
        "arrow int64": lambda v: _arrow(v, pa.int64()),
        "arrow uint32": lambda v: _arrow(v, pa.uint32()),
        "object int": lambda v: pd.array(v, dtype=object),
    },
    "b": {
        "numpy bool": lambda v: np.array(v, dtype=bool),
        "boolean": lambda v: pd.array(v, dtype="boolean"),
        "arrow bool": lambda v: _arrow(v, pa.bool_()),
        "object bool": lambda v: pd.array(v, dtype=object),
    },
    "bn": {
        "numpy bool": lambda v: np.array(v, dtype=bool) if None not in v else None,
        "boolean": lambda v: pd.array(v, dtype="boolean"),
        "arrow bool": lambda v: _arrow(v, pa.bool_()),
        "object bool": lambda v: pd.array(v, dtype=object),
    },
    "s": _text_flavours(),
    "f": {
        "category": lambda v, levels: pd.Categorical(v, categories=levels),
        "arrow dictionary": lambda v, levels: pd.array(
            pa.DictionaryArray.from_arrays(
                pa.array([levels.index(x) for x in v], type=pa.int8()), pa.array(levels)),
            dtype=pd.ArrowDtype(pa.dictionary(pa.int8(), pa.string()))),
    },
    "d": {
        "object date": lambda v: pd.array(
            [None if x is None else dt.date.fromisoformat(x) for x in v], dtype=object),
        "arrow date32": lambda v: _arrow(
            [None if x is None else dt.date.fromisoformat(x) for x in v], pa.date32()),
        "arrow date64": lambda v: _arrow(
            [None if x is None else dt.date.fromisoformat(x) for x in v], pa.date64()),
    },
    "t": {
        "datetime64[ns]": lambda v: _timestamps(v),
        "datetime64[us]": lambda v: _timestamps(v).astype("datetime64[us]"),
        "datetime64[ns, UTC]": lambda v: pd.DatetimeIndex(_timestamps(v)).tz_localize("UTC")
        .array,
        # The same instants seen from Paris: R's POSIXct is the instant, whatever its tzone.
        "datetime64[ns, Europe/Paris]": lambda v: pd.DatetimeIndex(_timestamps(v))
        .tz_localize("UTC").tz_convert("Europe/Paris").array,
        "arrow timestamp[us, UTC]": lambda v: _arrow(
            pd.DatetimeIndex(_timestamps(v)).tz_localize("UTC").to_pydatetime().tolist(),
            pa.timestamp("us", tz="UTC")),
        "arrow timestamp[ms]": lambda v: _arrow(
            pd.DatetimeIndex(_timestamps(v)).to_pydatetime().tolist(), pa.timestamp("ms")),
        "object datetime": lambda v: pd.array(
            list(pd.DatetimeIndex(_timestamps(v)).to_pydatetime()), dtype=object),
        "object Timestamp tz": lambda v: pd.array(
            list(pd.DatetimeIndex(_timestamps(v)).tz_localize("UTC")
                 .tz_convert("America/New_York")), dtype=object),
    },
    "dt": {
        "timedelta64[ns]": lambda v: _seconds(v),
        "timedelta64[s]": lambda v: _seconds(v).astype("timedelta64[s]"),
        "arrow duration[s]": lambda v: _arrow([int(x) for x in v], pa.duration("s")),
        "arrow duration[ms]": lambda v: _arrow([int(x * 1000) for x in v], pa.duration("ms")),
        "object timedelta": lambda v: pd.array(
            [dt.timedelta(seconds=x) for x in v], dtype=object),
    },
}
# The flavour of each variable when another one varies: what a user's data most often has.
PLAIN = {"x": "float64", "k": "float64 NaN", "b": "numpy bool", "bn": "boolean",
         "s": "object", "f": "category", "d": "object date", "t": "datetime64[ns]",
         "dt": "timedelta64[ns]"}


def _values(raw: dict, name: str):
    v = raw[name]
    if name == "f":
        return v["values"], v["levels"]
    return _as_list(v), None


def _column(raw: dict, name: str, flavour: str):
    values, levels = _values(raw, name)
    build = FLAVOURS[name][flavour]
    return build(values, levels) if levels is not None else build(values)


def _complete(raw: dict, name: str) -> dict:
    """The rows where ``name`` is not NA (what R's na.omit fits of a model using it)."""
    keep = [v is not None for v in _values(raw, name)[0]]
    out = {}
    for key, v in raw.items():
        if isinstance(v, dict):
            out[key] = {**v, "values": [x for x, k in zip(v["values"], keep) if k]}
        else:
            out[key] = [x for x, k in zip(_as_list(v), keep) if k]
    return out


def _frame(raw: dict, flavours: dict) -> pd.DataFrame:
    """The data with each column in its flavour. A flavour that cannot hold NA (numpy
    int, bool, str) gets the rows where its variable is not NA: the rows R's na.omit
    fits when the model uses that variable."""
    for name, flavour in flavours.items():
        if _column(raw, name, flavour) is None:
            raw = _complete(raw, name)
    cols = {}
    for name in raw:
        if name == "y":
            cols[name] = np.array(raw[name], dtype=float)
            continue
        cols[name] = _column(raw, name, flavours.get(name, PLAIN[name]))
    return pd.DataFrame(cols)


def _cases(ref):
    out = []
    for model in ref["models"]:
        name = model.get("varies")
        if name is None:
            for label in ("plain", "arrow", "nullable"):
                out.append((model, label))
            continue
        for flavour in FLAVOURS[name]:
            out.append((model, flavour))
    return out


# Every column in Arrow dtypes / pandas' nullable ones, for the model using several.
GROUPS = {
    "plain": {},
    "arrow": {"x": "arrow float64", "bn": "arrow bool", "s": "arrow string",
              "f": "arrow dictionary", "d": "arrow date32"},
    "nullable": {"x": "Float64", "bn": "boolean", "s": "string[python]", "f": "category",
                 "d": "object date"},
}


def _flavours(model, label):
    name = model.get("varies")
    return GROUPS[label] if name is None else {name: label}


@pytest.mark.r_cases("dtypes", _cases, arg="model,flavour",
                     ids=lambda c: f"{c[0]['id']}-{c[1]}")
def test_fit_and_predict_are_rs_in_every_dtype(reference, model, flavour):
    ref = reference("dtypes")
    flavours = _flavours(model, flavour)
    data = _frame(ref["data"], flavours)
    before = data.copy(deep=True)
    fit = rglm.glm(model["formula"], data=data)
    assert list(fit.coefficients.index) == _as_list(model["coef_names"])
    np.testing.assert_allclose(fit.coefficients.to_numpy(), model["coefficients"], rtol=TOL)
    assert rglm.nobs(fit) == model["nobs"]
    pd.testing.assert_frame_equal(data, before)  # the caller's data are left alone
    # New data in the same dtype, and in the plain one (a numpy bool column after an
    # Arrow bool fit, ...): R's predictions either way.
    for new_flavours in (flavours, {}):
        newdata = _frame(ref["newdata"], new_flavours)
        new_before = newdata.copy(deep=True)
        got = rglm.predict(fit, newdata=newdata)
        np.testing.assert_allclose(np.asarray(got, dtype=float), model["predict"], rtol=TOL,
                                   err_msg=f"newdata {new_flavours or 'plain'}")
        pd.testing.assert_frame_equal(newdata, new_before)


def test_bigglm_codes_arrow_columns_as_glm(reference):
    ref = reference("dtypes")
    model = next(m for m in ref["models"] if m["id"] == "all")
    data = _frame(ref["data"], GROUPS["arrow"])
    fit = rglm.bigglm(model["formula"], data, chunksize=5)
    np.testing.assert_allclose(fit.coefficients.to_numpy(), model["coefficients"], rtol=TOL)
    got = fit.predict(_frame(ref["newdata"], {}))
    np.testing.assert_allclose(np.asarray(got, dtype=float), model["predict"], rtol=TOL)


def test_bigglm_reads_dates_from_parquet(reference, tmp_path):
    ref = reference("dtypes")
    model = next(m for m in ref["models"] if m["id"] == "date")
    _frame(ref["data"], {"d": "arrow date32"})[["y", "d"]].to_parquet(tmp_path / "d.parquet")
    fit = rglm.bigglm(model["formula"], str(tmp_path / "d.parquet"), chunksize=5)
    np.testing.assert_allclose(fit.coefficients.to_numpy(), model["coefficients"], rtol=TOL)


def test_bigglm_chunk_whose_text_column_is_all_missing(reference, tmp_path):
    # A chunk's column of nothing but NA has no type of its own (read_csv makes an empty
    # text column float; an all-None object column is logical): its rows are NA rows of
    # the factor, dropped as glm() drops them.
    ref = reference("dtypes")
    model = next(m for m in ref["models"] if m["id"] == "character")
    data = _frame(ref["data"], {})[["y", "s"]]
    blanked = data.assign(s=pd.array([None] * len(data), dtype=object))
    chunks = [data, blanked.iloc[:5], data.iloc[:0]]
    fit = rglm.bigglm(model["formula"], lambda: chunks, chunksize=5)
    np.testing.assert_allclose(fit.coefficients.to_numpy(), model["coefficients"], rtol=TOL)
    (tmp_path / "a.csv").write_text(data.to_csv(index=False))
    (tmp_path / "b.csv").write_text(blanked.iloc[:5].to_csv(index=False))
    fit = rglm.bigglm(model["formula"], [str(tmp_path / "a.csv"), str(tmp_path / "b.csv")])
    np.testing.assert_allclose(fit.coefficients.to_numpy(), model["coefficients"], rtol=TOL)


# ---- column names -----------------------------------------------------------------------

def test_non_string_labels_are_named_by_their_str(reference):
    ref = reference("dtypes")
    r = ref["numbered"]
    data = pd.DataFrame({"y": ref["data"]["y"], 0: ref["data"]["x"],
                         1: np.array(ref["data"]["b"], dtype=float)})
    fit = rglm.glm(r["formula"], data=data)
    assert list(fit.coefficients.index) == r["coef_names"]
    np.testing.assert_allclose(fit.coefficients.to_numpy(), r["coefficients"], rtol=TOL)


def test_a_name_two_labels_share_is_refused_when_used(reference):
    ref = reference("dtypes")
    data = pd.DataFrame({"y": ref["data"]["y"], 0: ref["data"]["x"],
                         "0": ref["data"]["x"], "x": ref["data"]["x"]})
    with pytest.raises(RError, match=r"^duplicated name '0' in data frame \(the columns "
                                     r"labelled 0 and '0'\)"):
        rglm.glm("y ~ `0`", data=data)
    rglm.glm("y ~ x", data=data)  # unused, the clash is harmless


def test_duplicated_names_are_refused(reference):
    ref = reference("dtypes")
    x = np.array(ref["data"]["x"])
    data = pd.DataFrame(np.column_stack([ref["data"]["y"], x, x[::-1]]),
                        columns=["y", "x", "x"])
    dot = next(e for e in ref["errors"] if e["id"] == "dot_with_duplicated_names")
    with pytest.raises(RError) as err:
        rglm.glm("y ~ .", data=data)
    assert str(err.value) == dot["error"]
    # R silently fits the first 'x' (duplicated_first in dtypes.json); rglm refuses.
    with pytest.raises(RError, match=r"^duplicated name 'x' in data frame: the model "
                                     r"cannot tell which column 'x' means"):
        rglm.glm("y ~ x", data=data)


# ---- refused columns --------------------------------------------------------------------

def _error(ref, case_id):
    return next(e for e in ref["errors"] if e["id"] == case_id)["error"]


def test_a_column_of_mixed_values_is_rs_list_column(reference):
    ref = reference("dtypes")
    values = [1, 2, 3, "a", 5, 6, 7, 8, 9, 10, 11, 12]
    data = pd.DataFrame({"y": ref["data"]["y"], "l": pd.array(values, dtype=object)})
    with pytest.raises(RError) as err:
        rglm.glm("y ~ l", data=data)
    assert str(err.value).startswith(_error(ref, "list_column") + ": ")


def test_complex_is_refused_with_rs_message(reference):
    ref = reference("dtypes")
    z = np.array(ref["data"]["x"]) + 1j
    for column in (z, pd.array(list(z), dtype=object)):
        data = pd.DataFrame({"y": ref["data"]["y"], "z": column})
        with pytest.raises(RError) as err:
            rglm.glm("y ~ z", data=data)
        assert str(err.value) == _error(ref, "complex_column")


def test_numbers_for_dates_in_newdata_is_rs_type_error(reference):
    ref = reference("dtypes")
    data = _frame(ref["data"], {})
    fit = rglm.glm("y ~ d", data=data)
    days = (pd.to_datetime(pd.Series(ref["newdata"]["d"])) - pd.Timestamp("1970-01-01")).dt.days
    with pytest.raises(RError) as err:
        rglm.predict(fit, newdata=pd.DataFrame({"d": days.astype(float)}))
    assert str(err.value) == _error(ref, "date_fitted_numeric_new")


@pytest.mark.parametrize("column,what", [
    (pd.period_range("2020-01", periods=12, freq="M"), "Period"),
    (pd.interval_range(0, 12), "Interval"),
    (pd.array([dt.time(h) for h in range(12)], dtype=object), "time of day"),
    (pd.array([b"a"] * 12, dtype=object), "bytes"),
    (pd.array([[1]] * 12, dtype=object), "list"),
])
def test_types_r_has_not_are_refused(reference, column, what):
    ref = reference("dtypes")
    data = pd.DataFrame({"y": ref["data"]["y"], "p": column})
    with pytest.raises(RError, match=rf"^invalid type \({what}.*\) for variable 'p'"):
        rglm.glm("y ~ p", data=data)


def test_arrow_types_r_has_not_are_refused(reference):
    ref = reference("dtypes")
    lists = _arrow([[1.0]] * 12, pa.list_(pa.float64()))
    data = pd.DataFrame({"y": ref["data"]["y"], "p": lists})
    with pytest.raises(RError, match=r"^invalid type \(Arrow list<item: double>\) for "
                                     r"variable 'p'$"):
        rglm.glm("y ~ p", data=data)


# ---- the table itself ---------------------------------------------------------------------

@pytest.mark.parametrize("dtype,expected", [
    (np.dtype(bool), RType.LOGICAL), (pd.BooleanDtype(), RType.LOGICAL),
    (np.dtype(np.int32), RType.INTEGER), (pd.Int64Dtype(), RType.INTEGER),
    (np.dtype(np.uint64), RType.INTEGER), (np.dtype(np.float16), RType.NUMERIC),
    (pd.Float32Dtype(), RType.NUMERIC), (pd.StringDtype("python"), RType.CHARACTER),
    (pd.CategoricalDtype(["a"]), RType.FACTOR),
    (pd.CategoricalDtype(["a"], ordered=True), RType.FACTOR),
    (np.dtype("datetime64[s]"), RType.POSIXCT), (pd.DatetimeTZDtype("ns", "UTC"), RType.POSIXCT),
    (np.dtype("timedelta64[ms]"), RType.DIFFTIME),
    (pd.SparseDtype(np.float64), RType.NUMERIC),
])
def test_numpy_and_pandas_dtypes(dtype, expected):
    assert r_type(dtype, "v") is expected


@pytest.mark.parametrize("pa_type,expected", [
    ("bool_", RType.LOGICAL), ("null", RType.LOGICAL), ("int8", RType.INTEGER),
    ("uint64", RType.INTEGER), ("float32", RType.NUMERIC), ("string", RType.CHARACTER),
    ("large_string", RType.CHARACTER), ("date32", RType.DATE), ("date64", RType.DATE),
])
def test_arrow_dtypes(pa_type, expected):
    assert r_type(pd.ArrowDtype(getattr(pa, pa_type)()), "v") is expected


def test_all_missing_object_column_is_logical_na():
    # R reads a column of nothing but NA as logical: it adds no column to the design.
    from rglm.formula.values import as_value, is_logical

    v = as_value(pd.Series([None, np.nan, None], dtype=object))
    assert is_logical(v) and v.isna().all()
