"""Bad input gets a clear error, and the user's data is never modified.

Messages R itself gives are checked against R in test_r_reference.py (the "errors" cases of
tests/reference/glm_models.json). The cases here are those where R fails with an obscure
message from deep inside (e.g. "object 'fit' not found", "non-numeric argument to binary
operator"); rglm raises a message that says what is wrong instead.
"""

import numpy as np
import pandas as pd
import pytest

import rglm
from rglm.errors import RError


@pytest.fixture
def df():
    return pd.DataFrame({
        "y": [1.0, 2.0, 3.0, 4.0, 5.0, 3.0],
        "x": [1.0, 3.0, 2.0, 5.0, 4.0, 6.0],
        "f": pd.Categorical(list("ababab")),
        "s": ["u", "v", "u", "v", "u", "v"],
        "z": [np.nan] * 6,
    })


def test_factor_response_needs_a_binomial_family(df):
    with pytest.raises(RError, match="factor response is only allowed for binomial"):
        rglm.glm("f ~ x", data=df, family=rglm.poisson())


def test_character_response_is_refused(df):
    with pytest.raises(RError, match="response 's' is character"):
        rglm.glm("s ~ x", data=df)


def test_no_rows_left_after_na_removal(df):
    with pytest.raises(RError, match=r"^0 \(non-NA\) cases$"):
        rglm.glm("y ~ z", data=df)


def test_na_weights_drop_the_row_as_r_does(df):
    w = [1.0, np.nan, 1.0, 1.0, 1.0, 1.0]
    fit = rglm.glm("y ~ x", data=df, weights=w)
    assert fit.df_residual == 3
    assert len(fit.na_action) == 1


def test_unknown_na_action(df):
    with pytest.raises(RError, match="na.action"):
        rglm.glm("y ~ x", data=df, na_action="na.drop")


def test_the_users_data_frame_is_never_modified(df):
    before = df.copy(deep=True)
    rglm.glm("y ~ x + f + s", data=df, family=rglm.poisson(), weights="x",
             subset="x > 1", offset="log(x)")
    rglm.glm("cbind(y, 6 - y) ~ f", data=df, family=rglm.binomial(), na_action="na.exclude")
    pd.testing.assert_frame_equal(df, before)


def test_the_users_arrays_are_never_modified(df):
    w = np.array([1.0, 2.0, 1.0, 2.0, 1.0, 0.0])
    off = np.zeros(6)
    start = [0.1, 0.1]
    w0, off0 = w.copy(), off.copy()
    rglm.glm("y ~ x", data=df, family=rglm.poisson(), weights=w, offset=off, start=start)
    np.testing.assert_array_equal(w, w0)
    np.testing.assert_array_equal(off, off0)
    assert start == [0.1, 0.1]
