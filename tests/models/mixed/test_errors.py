"""Bad input gets lme4's error (``tests/reference/mixed.json``, section ``errors``), and
the caller's data is never modified.

lme4's texts: a grouping factor with one level or with as many levels as rows, nAGQ > 1
with a vector-valued or a second random-effects term, quasi families, a response the
family does not allow, a formula without random effects, a level ``predict`` has not seen
with ``allow.new.levels = FALSE``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

REF = "mixed"


def _newdata(columns) -> pd.DataFrame:
    data = {}
    for col in columns:
        kind, values = col["type"], col["values"]
        if kind == "factor":
            data[col["name"]] = pd.Categorical(values, categories=col["levels"],
                                               ordered=col["ordered"])
        elif kind == "integer":
            data[col["name"]] = np.asarray(values, dtype=np.int64)
        else:
            data[col["name"]] = np.asarray(values, dtype=float)
    return pd.DataFrame(data)


@pytest.mark.r_cases(REF, "errors")
def test_error(case, mixed_fit, mixed_eval):
    from rglm.datasets import load
    from rglm.errors import RError

    bindings = {}
    if case.get("base"):
        bindings[case["base"]] = mixed_fit(case["base"]).value
        bindings["newdata"] = _newdata(case["newdata"])
    data = {name: load(name) for name in case["data"]}
    before = {name: df.copy() for name, df in data.items()}
    with pytest.raises(RError) as err:
        mixed_eval(case["py"], bindings={**data, **bindings})
    assert str(err.value) == case["error"]
    for name, df in data.items():
        pd.testing.assert_frame_equal(df, before[name])


def test_na_in_a_grouping_variable_drops_the_row_and_data_is_untouched(dataset):
    """lme4 drops the rows with NA in a grouping variable (na.action), as any other
    variable of the formula; the caller's data frame is not modified."""
    import rglm

    d = dataset("mixedsim")
    before = d.copy()
    fit = rglm.lmer("y_gauss ~ x + (1 | g_na)", data=d)
    pd.testing.assert_frame_equal(d, before)
    assert rglm.nobs(fit) == int(d["g_na"].notna().sum())


def test_non_factor_grouping_variable_becomes_a_factor(dataset):
    """An integer grouping variable is made a factor, as lme4's makeFac does: its levels
    are its sorted values as text."""
    import rglm

    d = dataset("mixedsim")
    codes = d["g"].cat.codes.astype("int64")
    di = d.assign(gi=codes)
    fit = rglm.lmer("y_gauss ~ x + (1 | gi)", data=di)
    assert list(rglm.ranef(fit)["gi"].index) == [str(v) for v in sorted(codes.unique())]
    ref = rglm.lmer("y_gauss ~ x + (1 | g)", data=d)
    assert np.allclose(rglm.ranef(fit)["gi"].to_numpy(), rglm.ranef(ref)["g"].to_numpy(),
                       rtol=0, atol=1e-12)


def test_factor_response_for_binomial_and_bad_arguments(dataset):
    import rglm
    from rglm.errors import RError

    d = dataset("mixedsim")
    with pytest.raises(RError, match="invalid 'na.action' argument"):
        rglm.glmer("y_bin ~ x + (1 | g)", data=d, family=rglm.binomial(), na_action="omit")
    with pytest.raises(RError, match="must be between 0 and 100"):
        rglm.glmer("y_bin ~ x + (1 | g)", data=d, family=rglm.binomial(), nAGQ=101)
    with pytest.raises(RError, match="is not implemented"):
        rglm.confint(rglm.lmer("y_gauss ~ x + (1 | g)", data=d), method="profile")
