"""Likelihood profiles of glm coefficients against R's profile.glm.

Expected values: the ``profiles`` section of ``tests/reference/confint.json``
(``tests/reference/make_confint.R``): for each profiled coefficient the statistic ("z" or
"tau"), its values and every coefficient at each profile point.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REFERENCE = json.loads((Path(__file__).resolve().parents[1] / "reference" /
                        "confint.json").read_text("utf-8"))
PROFILES = REFERENCE["profiles"]


# Public names this module's code adds to ``rglm`` (the lead exports them from
# rglm/__init__.py); bound here too so the tests run before that happens.
_PUBLIC = {"confint": "rglm.results.confint", "confint_default": "rglm.results.confint",
           "profile": "rglm.results.profile", "format_confint": "rglm.printing.confint",
           "glm_nb": "rglm.api.glm_nb", "theta_ml": "rglm.results.negbin",
           "anova_negbin": "rglm.results.negbin"}


def public_rglm():
    """``rglm`` with the names above available."""
    import importlib

    import rglm

    for name, module in _PUBLIC.items():
        if name not in getattr(rglm, "_EXPORTS", {}) and not hasattr(rglm, name):
            try:
                setattr(rglm, name, getattr(importlib.import_module(module), name))
            except (ImportError, AttributeError):
                pass
    return rglm


def floats(values) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


def run(case):
    rglm = public_rglm()

    ns = {"rglm": rglm}
    for name in case["data"]:
        ns[name] = rglm.datasets.load(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ns["fit"] = eval(case["fit_py"], ns)  # noqa: S307 - our reference code
        return eval(case["py"], ns), ns["fit"]  # noqa: S307


@pytest.mark.parametrize("case", PROFILES, ids=lambda c: f"{c['id']}:{c['r']}")
def test_profile_matches_r(case):
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
        np.testing.assert_allclose(z.to_numpy(), floats(par["values"]), rtol=1e-8,
                                   atol=1e-9)
        pv = table["par.vals"]
        assert list(pv.columns) == par["par_vals_names"]
        expected = np.array([floats(r) for r in par["par_vals"]])
        got = pv.to_numpy(dtype=float)
        assert np.array_equal(np.isnan(got), np.isnan(expected))
        ok = ~np.isnan(expected)
        np.testing.assert_allclose(got[ok], expected[ok], rtol=1e-8, atol=1e-12)


def test_profile_is_sorted_and_passes_through_the_estimate():
    prof, fit = run(PROFILES[0])
    for name, table in prof.items():
        z = table[prof.stat_name].to_numpy()
        assert np.all(np.diff(z) >= 0)
        at0 = table["par.vals"].to_numpy()[z == 0]
        np.testing.assert_array_equal(at0[0], fit.coefficients.to_numpy())


def test_profile_confint_method_equals_confint():
    # confint() profiles with alpha = (1 - level) / 4, so the grids are the same only then
    rglm = public_rglm()

    _, fit = run(PROFILES[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        direct = rglm.confint(fit)
    prof = rglm.profile(fit, alpha=(1 - 0.95) / 4)
    pd.testing.assert_frame_equal(prof.confint(), direct)


def test_trace_writes_to_stderr(capsys):
    rglm = public_rglm()

    prof, fit = run(PROFILES[0])
    rglm.profile(fit, which="outcome2", trace=True)
    err = capsys.readouterr().err
    assert "\nParameter: outcome2 down\n" in err and "\nParameter: outcome2 up\n" in err
