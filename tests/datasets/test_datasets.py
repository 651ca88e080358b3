"""The shipped datasets load with R's types and R's exact values.

Expected values come from ``tests/reference/make_datasets.R``, which writes
``tests/datasets/dataset_checks.json``: every numeric value as a hex float (exact, no
decimal parsing involved), column sums, NA counts, the first row and factor level counts.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import rglm
from rglm.datasets import describe, list_datasets, load
from rglm.datasets import loader

CHECKS = json.loads((Path(__file__).parent / "dataset_checks.json").read_text("utf-8"))
DATA_DIR = Path(__file__).resolve().parents[2] / "data"
NAMES = sorted(CHECKS)
REQUIRED = {
    "dobson", "budworm", "clotting", "anorexia", "esoph", "infert", "warpbreaks",
    "mtcars", "airquality", "InsectSprays", "ToothGrowth", "PlantGrowth", "Insurance",
    "quine", "ships", "cbpp", "birthwt", "menarche",
}


def sidecar(name):
    return json.loads((DATA_DIR / f"{name}.json").read_text("utf-8"))


def test_every_dataset_is_listed():
    assert set(list_datasets()) == set(NAMES)
    assert REQUIRED <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_shape_and_attrs(name):
    df = load(name)
    meta = sidecar(name)
    assert df.shape == (meta["nrow"], len(meta["columns"]))
    assert list(df.columns) == [c["name"] for c in meta["columns"]]
    assert df.attrs["name"] == name


@pytest.mark.parametrize("name", NAMES)
def test_column_types_follow_the_sidecar(name):
    df = load(name)
    for spec in sidecar(name)["columns"]:
        col = df[spec["name"]]
        has_na = bool(col.isna().any())
        kind = spec["type"]
        if kind == "numeric":
            assert col.dtype == np.float64
        elif kind == "integer":
            assert col.dtype == ("Int64" if has_na else np.int64)
        elif kind == "logical":
            assert col.dtype == ("boolean" if has_na else bool)
        elif kind == "character":
            assert pd.api.types.is_string_dtype(col.dtype)
        else:
            assert isinstance(col.dtype, pd.CategoricalDtype)
            assert list(col.cat.categories) == spec["levels"]
            assert col.cat.ordered is spec["ordered"]


@pytest.mark.parametrize("name", NAMES)
def test_numeric_values_are_exactly_rs(name):
    df = load(name)
    for col, hexes in CHECKS[name]["hex"].items():
        values = df[col].to_numpy(dtype=np.float64, na_value=np.nan)
        expected = np.array([math.nan if h is None else float.fromhex(h) for h in hexes])
        # NaN positions must agree and every other value must be bit-identical.
        np.testing.assert_array_equal(values, expected, err_msg=f"{name}${col}")


@pytest.mark.parametrize("name", NAMES)
def test_sums_na_counts_first_row_and_levels(name):
    df = load(name)
    checks = CHECKS[name]
    for col, total in checks["sums"].items():
        values = df[col].to_numpy(dtype=np.float64, na_value=np.nan)
        # R's sum() accumulates in long double; fsum is exact, so they agree to ~1 ulp.
        assert math.fsum(values[~np.isnan(values)]) == pytest.approx(total, rel=1e-15)
    for col, n_na in checks["n_na"].items():
        assert int(df[col].isna().sum()) == n_na, col
    for col, value in checks["first_row"].items():
        got = df[col].iloc[0]
        if value is None:
            assert pd.isna(got), col
        else:
            assert got == value, col
    for col, counts in checks["level_counts"].items():
        got = df[col].value_counts(sort=False)
        assert {str(k): int(v) for k, v in got.items()} == counts, col


def test_row_names():
    # Real R row names become a string index; automatic ones a default RangeIndex.
    mtcars = load("mtcars")
    assert mtcars.index[0] == "Mazda RX4"
    assert pd.api.types.is_string_dtype(mtcars.index.dtype)
    assert list(load("birthwt").index[:3]) == ["85", "86", "87"]
    for name in set(NAMES) - {"mtcars", "birthwt"}:
        assert isinstance(load(name).index, pd.RangeIndex), name
        assert load(name).index.start == 0


def test_specific_r_facts():
    esoph = load("esoph")
    assert esoph["agegp"].cat.ordered
    assert list(esoph["agegp"].cat.categories)[-1] == "75+"
    air = load("airquality")
    assert "Solar.R" in air.columns
    assert air["Ozone"].dtype == "Int64" and int(air["Ozone"].isna().sum()) == 37
    budworm = load("budworm")
    assert list(budworm["sex"].cat.categories) == ["F", "M"]
    assert (budworm["numalive"] == 20 - budworm["numdead"]).all()
    insurance = load("Insurance")
    assert list(insurance["Age"].cat.categories) == ["<25", "25-29", "30-35", ">35"]
    assert insurance["Holders"].dtype == np.int64


def test_load_returns_a_fresh_copy():
    first = load("dobson")
    first.loc[0, "counts"] = -1.0
    first.attrs["name"] = "changed"
    second = load("dobson")
    assert second.loc[0, "counts"] == 18.0
    assert second.attrs["name"] == "dobson"
    assert first is not second


def test_describe():
    info = describe("mtcars")
    assert info.title == "Motor Trend Car Road Tests"
    assert info.source.startswith("Henderson and Velleman (1981)")
    assert info.nrow == 32 and info.columns[0] == "mpg"
    assert "Motor Trend" in str(info)
    for name in NAMES:
        assert describe(name).title and describe(name).source


def test_unknown_dataset():
    with pytest.raises(rglm.errors.RError, match="data set \u2018nope\u2019 not found"):
        load("nope")


def test_installed_location_is_searched():
    # setup.cfg installs data/*.csv and data/*.json into <prefix>/share/rglm/data.
    candidates = loader._candidate_dirs()
    assert candidates[0] == DATA_DIR
    assert Path(sys.prefix) / "share" / "rglm" / "data" in candidates
    assert loader.data_dir() == DATA_DIR
