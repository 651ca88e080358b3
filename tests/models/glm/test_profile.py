"""Likelihood profiles of glm coefficients against R's profile.glm.

Expected values: the ``profiles`` section of ``tests/reference/confint.json``
(``tests/reference/make_confint.R``): for each profiled coefficient the statistic ("z" or
"tau"), its values and every coefficient at each profile point.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="module")
def run(r_fit, r_eval):
    """``run(case)`` -> (the profile, the fit) of a ``profiles`` case (warnings ignored)."""

    def profile(case):
        fit = r_fit(case["fit_py"], case["data"]).value
        return r_eval(case["py"], case["data"], {"fit": fit}).value, fit

    return profile


@pytest.fixture(scope="module")
def first(reference, run):
    """(the profile, the fit) of the first ``profiles`` case."""
    return run(reference("confint")["profiles"][0])


@pytest.mark.r_cases("confint", "profiles", ids=lambda c: f"{c['id']}:{c['r']}")
def test_profile_matches_r(case, run, assert_close):
    prof, fit = run(case)
    assert list(prof) == [p["name"] for p in case["parameters"]]
    for par in case["parameters"]:
        table = prof[par["name"]]
        if "stat" not in par:
            assert table is None
            continue
        stat = par["stat"]
        assert prof.stat_name == stat
        z = table[stat]
        assert isinstance(z, pd.Series)
        # plain |a - e| <= rtol |e| + atol, as numpy's assert_allclose (no noise floor)
        assert_close(z.to_numpy(), par["values"], 1e-8, stat, atol=1e-9, noise_ratio=0)
        pv = table["par.vals"]
        assert list(pv.columns) == par["par_vals_names"]
        assert_close(pv.to_numpy(dtype=float), par["par_vals"], 1e-8, "par.vals",
                     atol=1e-12, noise_ratio=0)


def test_profile_is_sorted_and_passes_through_the_estimate(first):
    prof, fit = first
    for name, table in prof.items():
        z = table[prof.stat_name].to_numpy()
        assert np.all(np.diff(z) >= 0)
        at0 = table["par.vals"].to_numpy()[z == 0]
        np.testing.assert_array_equal(at0[0], fit.coefficients.to_numpy())


def test_profile_confint_method_equals_confint(first):
    # confint() profiles with alpha = (1 - level) / 4, so the grids are the same only then
    import rglm

    _, fit = first
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        direct = rglm.confint(fit)
    prof = rglm.profile(fit, alpha=(1 - 0.95) / 4)
    pd.testing.assert_frame_equal(prof.confint(), direct)


def test_trace_writes_to_stderr(first, capsys):
    import rglm

    _, fit = first
    rglm.profile(fit, which="outcome2", trace=True)
    err = capsys.readouterr().err
    assert "\nParameter: outcome2 down\n" in err and "\nParameter: outcome2 up\n" in err
