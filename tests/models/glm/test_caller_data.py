"""Nothing rglm does writes into the caller's data, with or without copy-on-write.

pandas 3 always has copy-on-write, and hands out read-only views of a frame's arrays, so
a write into the caller's data raises there; pandas 2.2 (without the copy-on-write
option) hands out writable views, so the same write would silently change the user's
DataFrame. CI runs this file under both (.ci/run's lowest-versions run).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import rglm


@pytest.fixture
def data(dataset):
    d = dataset("warpbreaks")
    rng = np.random.default_rng(11)
    d["x"] = rng.normal(size=len(d))
    d["expo"] = rng.uniform(0.5, 2.0, size=len(d))
    d["w"] = rng.uniform(0.5, 1.5, size=len(d))
    d["s"] = pd.Series(rng.choice(["p", "q", "r"], size=len(d))).where(
        lambda s: np.arange(len(s)) % 13 != 4)  # strings with NA
    d["b"] = d["x"] > 0
    d.loc[d.index[7], "x"] = np.nan
    return d


def test_fitting_and_every_generic_leave_the_data_alone(data):
    before = data.copy(deep=True)
    fit = rglm.glm("breaks ~ wool * tension + x + s + b", data=data, family=rglm.poisson(),
                   weights="w", offset="log(expo)", na_action="na.exclude")
    new = data.iloc[:5]
    rglm.predict(fit, newdata=new, type="response", se_fit=True)
    for kind in ("deviance", "pearson", "working", "response", "partial"):
        rglm.residuals(fit, kind)
    rglm.summary(fit)
    rglm.anova(fit, test="Chisq")
    rglm.drop1(fit, test="LRT")
    rglm.influence_measures(fit)
    rglm.vcovCL(fit, cluster="tension")
    rglm.update(fit, ". ~ . - b")
    rglm.glm_nb("breaks ~ wool + tension + x", data=data)
    rglm.bigglm("breaks ~ wool + tension + x + s", data, family=rglm.poisson(),
                offset="log(expo)", chunksize=10)
    pd.testing.assert_frame_equal(data, before)


def test_the_fit_is_not_changed_by_later_writes_to_the_data(data):
    fit = rglm.glm("breaks ~ tension + x", data=data, family=rglm.poisson())
    x_before = rglm.model_frame(fit)["x"].to_numpy().copy()
    y_before = np.asarray(fit.y, dtype=float).copy()
    data.loc[data.index[:10], ["x", "breaks"]] = 99.0
    np.testing.assert_array_equal(rglm.model_frame(fit)["x"].to_numpy(), x_before)
    np.testing.assert_array_equal(np.asarray(fit.y, dtype=float), y_before)
