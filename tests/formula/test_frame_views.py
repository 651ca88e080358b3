"""The model frame takes the data's columns without copying them, and stays R's.

With no row removed (no subset, no NA) a column of the frame is the data's column
relabelled: pandas' copy-on-write keeps the two apart when either side is modified
(pandas 2.2 without copy-on-write copies the column instead). The
arrays handed on to the fit (weights, offset) are copies; a character column is coded
as R's factor() would (sorted distinct values, code-point order, NA kept out).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rglm.formula.design import model_matrix
from rglm.formula.frame import model_frame
from rglm.formula.levels import as_categorical
from rglm.formula.response import model_offset, model_weights
from rglm.formula.values import as_value


def _data(n=50):
    rng = np.random.default_rng(4)
    return pd.DataFrame({"y": rng.poisson(3.0, n).astype(float), "x": rng.standard_normal(n),
                         "w": rng.random(n) + 0.5, "o": rng.standard_normal(n),
                         "f": rng.choice(list("bca"), n)},
                        index=pd.Index([f"r{i}" for i in range(n)]))


# pandas 3 always has copy-on-write; pandas 2.2 only with the option set.
COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3 or \
    pd.options.mode.copy_on_write is True


def test_columns_are_shared_not_copied_when_every_row_is_kept():
    data = _data()
    mf = model_frame("y ~ x + f", data, weights="w", offset="o")
    # Without copy-on-write a shared column would change with the caller's data.
    assert np.shares_memory(mf["x"].to_numpy(), data["x"].to_numpy()) == COPY_ON_WRITE
    assert list(mf.row_names) == list(data.index)
    assert list(mf["x"].index) == list(data.index)


def test_modifying_the_data_afterwards_leaves_the_frame_and_extras_alone():
    data = _data()
    mf = model_frame("y ~ x + f", data, weights="w", offset="o")
    x, w, o = mf["x"].to_numpy().copy(), model_weights(mf), model_offset(mf)
    assert not np.shares_memory(w, data["w"].to_numpy())
    assert not np.shares_memory(o, data["o"].to_numpy())
    w_before, o_before = w.copy(), o.copy()
    data.loc["r0", ["x", "w", "o"]] = 99.0
    np.testing.assert_array_equal(mf["x"].to_numpy(), x)
    np.testing.assert_array_equal(w, w_before)
    np.testing.assert_array_equal(o, o_before)


def test_rows_removed_by_na_omit_are_taken_as_before():
    data = _data()
    data.loc["r3", "x"] = np.nan
    mf = model_frame("y ~ x", data)
    assert mf.nrow == len(data) - 1 and "r3" not in mf.row_names
    np.testing.assert_array_equal(mf["x"].to_numpy(), data["x"].drop("r3").to_numpy())


def test_matrix_columns_are_copied():
    rng = np.random.default_rng(5)
    m = rng.standard_normal((20, 2))
    mf = model_frame("y ~ m", pd.DataFrame({"y": rng.standard_normal(20)}), env={"m": m})
    assert not np.shares_memory(mf["m"].values, m)
    np.testing.assert_array_equal(mf["m"].values, m)


def test_character_levels_are_sorted_by_code_point_with_na_left_out():
    values = ["b", "a", "B", "\u00e9", "e", "", None, "a b", "\U0001F600", "Z", "a"]
    # None: pandas' default for text ("str" on pandas 3, object on pandas 2.2)
    for dtype in (None, pd.StringDtype("python")):
        c = as_categorical(as_value(pd.Series(values, dtype=dtype)))
        present = sorted({s for s in values if s is not None})
        assert c.levels == tuple(present)
        expected = [present.index(s) if s is not None else -1 for s in values]
        assert list(c.codes) == expected


def test_model_matrix_codes_factors_from_the_shared_columns():
    data = _data()
    mm = model_matrix(model_frame("y ~ x + f", data))
    assert mm.colnames == ("(Intercept)", "x", "fb", "fc")
    np.testing.assert_array_equal(mm.x[:, 1], data["x"].to_numpy())
    np.testing.assert_array_equal(mm.x[:, 2], (data["f"] == "b").to_numpy(dtype=float))
    np.testing.assert_array_equal(mm.x[:, 3], (data["f"] == "c").to_numpy(dtype=float))
    assert mm.x.flags.f_contiguous
