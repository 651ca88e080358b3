"""Profile-likelihood and Wald confidence intervals against R.

Expected values: ``tests/reference/confint.json`` (``tests/reference/make_confint.R``;
MASS's confint.glm / confint.profile.glm, which R >= 4.4 moved into stats unchanged for
``test = "LRT"``). Each case fits a model (``py``), calls confint on it and compares the
limits (relative 1e-6 is the brief; the profile refits converge like R's, so they agree
far better — see ``TOL``) and the printed matrix.
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
CALLS = [(m["id"], k) for m in REFERENCE["models"] for k in range(len(m["calls"]))]
MODELS = {m["id"]: m for m in REFERENCE["models"]}

# Limits come from refits converged to R's criterion, spline and linear interpolation in
# R's operation order: they agree with R to ~1e-10 or better; 1e-8 leaves room for BLAS.
TOL = 1e-8


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


def namespace(data: list[str]) -> dict:
    rglm = public_rglm()

    ns = {"rglm": rglm}
    for name in data:
        ns[name] = rglm.datasets.load(name)
    return ns


_FITS: dict = {}


def fitted(model_id: str):
    if model_id not in _FITS:
        m = MODELS[model_id]
        ns = namespace(m["data"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _FITS[model_id] = (eval(m["py"], ns), ns)  # noqa: S307 - our reference code
    return _FITS[model_id]


def run_call(model_id: str, k: int):
    fit, ns = fitted(model_id)
    call = MODELS[model_id]["calls"][k]
    scope = dict(ns, fit=fit)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = eval(call["py"], scope)  # noqa: S307
    return value, [str(w.message) for w in caught]


@pytest.mark.parametrize("model_id,k", CALLS, ids=[f"{m}-{k}" for m, k in CALLS])
def test_confint_matches_r(model_id, k, capsys):
    from rglm.printing.confint import format_confint

    call = MODELS[model_id]["calls"][k]
    value, warns = run_call(model_id, k)
    if call["kind"] == "matrix":
        assert isinstance(value, pd.DataFrame), call["py"]
        assert list(value.index) == call["rownames"]
        assert list(value.columns) == call["colnames"]
        expected = np.array([floats(row) for row in call["values"]])
    else:
        assert isinstance(value, pd.Series), call["py"]
        assert list(value.index) == call["names"]
        expected = floats(call["values"])
    got = value.to_numpy(dtype=float)
    assert np.array_equal(np.isnan(got), np.isnan(expected))
    ok = ~np.isnan(expected)
    np.testing.assert_allclose(got[ok], expected[ok], rtol=TOL, atol=0)
    assert format_confint(value) == call["print"]
    assert warns == list(call["warnings"])


def test_profiling_announces_itself_on_stderr(capsys):
    rglm = public_rglm()

    fit, _ = fitted("dobson_poisson")
    rglm.confint(fit, "outcome2")
    captured = capsys.readouterr()
    assert captured.err == "Waiting for profiling to be done...\n"
    assert captured.out == ""
    rglm.confint_default(fit)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("case", REFERENCE["errors"], ids=lambda c: c["id"])
def test_errors_match_r(case):
    rglm = public_rglm()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(rglm.RError) as err:
            eval(case["py"], namespace(case["data"]))  # noqa: S307
    assert str(err.value) == case["error"]


def test_reference_covers_the_brief():
    families = " ".join(m["r"] for m in REFERENCE["models"])
    for needle in ("poisson", "binomial", "Gamma", "quasipoisson", "offset(", "probit",
                   "weights", "data = mtcars"):
        assert needle in families, needle
    calls = [c["r"] for m in REFERENCE["models"] for c in m["calls"]]
    assert any("level = 0.9" in c for c in calls)
    assert any("confint.default" in c for c in calls)
    assert any(c["kind"] == "vector" for m in REFERENCE["models"] for c in m["calls"])
    assert len(REFERENCE["models"]) >= 8


# ---- behaviour ------------------------------------------------------------------------


def test_parm_by_position_and_name_agree():
    rglm = public_rglm()

    fit, _ = fitted("dobson_poisson")
    by_name = rglm.confint_default(fit, ["outcome3", "treatment2"])
    by_pos = rglm.confint_default(fit, [2, 3])
    pd.testing.assert_frame_equal(by_name, by_pos)


def test_unknown_parameter_as_r():
    # R: profile.glm stops on `if (!nonA[i])` with index 0 (no match) or NA (too large);
    # confint.default indexes by name and gives NA
    rglm = public_rglm()

    fit, _ = fitted("dobson_poisson")
    with pytest.raises(rglm.RError, match="^argument is of length zero$"):
        rglm.confint(fit, "bogus")
    with pytest.raises(rglm.RError, match="^missing value where TRUE/FALSE needed$"):
        rglm.confint(fit, 7)
    ci = rglm.confint_default(fit, ["outcome2", "bogus"])
    assert list(ci.index) == ["outcome2", "bogus"]
    assert ci.loc["bogus"].isna().all() and ci.loc["outcome2"].notna().all()


def test_percent_labels():
    from rglm.results.confint import profile_percent_labels, wald_percent_labels

    a = (1 - 0.999) / 2
    assert profile_percent_labels([a, 1 - a]) == ["0.1 %", "100 %"]
    assert wald_percent_labels([a, 1 - a]) == ["0.05 %", "99.95 %"]
    assert wald_percent_labels([1e-7, 1 - 1e-7]) == ["0.00001 %", "99.99999 %"]
    assert profile_percent_labels([0.025, 0.975]) == ["2.5 %", "97.5 %"]
    assert wald_percent_labels([0.05, 0.95]) == ["5 %", "95 %"]


def test_result_is_not_tied_to_the_fit():
    rglm = public_rglm()

    fit, _ = fitted("dobson_poisson")
    before = fit.coefficients.copy()
    rglm.confint(fit, "outcome2")
    pd.testing.assert_series_equal(fit.coefficients, before)
